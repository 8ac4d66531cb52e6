"""Schemas of the processed tables (pandera), checked before anything is written.

A violation raises DataError naming the table, the column and an example row.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pandera.pandas as pa

from analysis import catalogue, countries
from analysis.errors import DataError
from analysis.rawfiles import MIN_YEAR, out_of_bounds


def _year_column() -> pa.Column:
    return pa.Column("int64", pa.Check.in_range(MIN_YEAR, dt.date.today().year + 1))


def _flag_column() -> pa.Column:
    return pa.Column(str, pa.Check.isin(["", *catalogue.FLAG_MEANINGS]))


def _null_only_when_missing() -> list[pa.Check]:
    # A value is null exactly when its flag is M: no unexplained gaps, no "missing" numbers.
    return [pa.Check(lambda df: df["value"].isna() == (df["flag"] == "M"),
                     error="value is null exactly when flag is M")]


def indicators_schema() -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {
            "iso3": pa.Column(str, pa.Check.isin(catalogue.state_codes())),
            "year": _year_column(),
            "indicator": pa.Column(str, pa.Check.isin([i.id for i in catalogue.INDICATORS])),
            "value": pa.Column("float64", pa.Check(lambda s: s.abs() < float("inf"),
                                                   error="finite"), nullable=True),
            "unit": pa.Column(str),
            "source": pa.Column(str),
            "flag": _flag_column(),
        },
        checks=_null_only_when_missing(),
        unique=["iso3", "year", "indicator"],
        strict=True,
        ordered=True,
    )


def corridors_schema() -> pa.DataFrameSchema:
    codes = sorted(countries.known_codes())
    return pa.DataFrameSchema(
        {
            "year": _year_column(),
            "origin_iso3": pa.Column(str, pa.Check.isin(codes)),
            "destination_iso3": pa.Column(str, pa.Check.isin(codes)),
            "measure": pa.Column(str, pa.Check.isin([m.id for m in catalogue.CORRIDOR_MEASURES])),
            "value": pa.Column("float64", pa.Check.ge(0), nullable=True),
            "source": pa.Column(str),
            "flag": _flag_column(),
        },
        checks=_null_only_when_missing(),
        unique=["year", "origin_iso3", "destination_iso3", "measure"],
        strict=True,
        ordered=True,
    )


def _first_failure(table: str, exc: pa.errors.SchemaErrors, frame: pd.DataFrame) -> DataError:
    cases = exc.failure_cases
    first = cases.iloc[0]
    column = first.get("column")
    index = first.get("index")
    example = None
    if index is not None and not pd.isna(index) and index in frame.index:
        example = frame.loc[index].to_dict()
    check = first.get("check")
    value = first.get("failure_case")
    problem = f"failed check {check}"
    if example is not None:
        problem += f"; example row {example}"
    return DataError(table, problem, column=None if pd.isna(column) else str(column),
                     value=None if pd.isna(value) else value)


def check_table(frame: pd.DataFrame, schema: pa.DataFrameSchema, table: str) -> None:
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        raise _first_failure(table, exc, frame) from None


def check_indicator_bounds(frame: pd.DataFrame, table: str) -> None:
    """Per-indicator bounds from the catalogue: counts not negative, shares at most 100."""
    for ind in catalogue.INDICATORS:
        values = frame.loc[frame["indicator"] == ind.id]
        bad = out_of_bounds(ind, values["value"])
        if bad.any():
            row = values[bad].iloc[0]
            raise DataError(
                table,
                f"{ind.id} outside [{ind.min_value}, {ind.max_value}] for {row['iso3']} "
                f"{row['year']} (source: {row['source']})",
                column="value", value=row["value"])


def observation_notes_schema() -> pa.DataFrameSchema:
    """The reviewed notes on single observations and the screen's unreviewed hits (issue 18):
    an indicator row names indicator and iso3, a corridor row measure and its two codes; every
    row has a kind, a reason and a source; only a real event or an unreviewed hit has no flag."""
    from analysis import screen

    codes = ["", *sorted(countries.known_codes())]
    has_one = pa.Check(lambda df: (df["indicator"] != "") != (df["measure"] != ""),
                       error="exactly one of indicator and measure")
    return pa.DataFrameSchema(
        {
            "indicator": pa.Column(str, pa.Check.isin(["", *[i.id for i in
                                                              catalogue.INDICATORS]])),
            "measure": pa.Column(str, pa.Check.isin(["", *[m.id for m in
                                                            catalogue.CORRIDOR_MEASURES]])),
            "iso3": pa.Column(str, pa.Check.isin(["", *catalogue.state_codes()])),
            "origin_iso3": pa.Column(str, pa.Check.isin(codes)),
            "destination_iso3": pa.Column(str, pa.Check.isin(codes)),
            "year": _year_column(),
            "flag": _flag_column(),
            "kind": pa.Column(str, pa.Check.isin(list(screen.KINDS))),
            "reason": pa.Column(str, pa.Check.str_length(min_value=1)),
            "source": pa.Column(str, pa.Check.str_length(min_value=1)),
        },
        checks=[has_one],
        unique=["indicator", "measure", "iso3", "origin_iso3", "destination_iso3", "year",
                "kind"],
        strict=True,
        ordered=True,
    )


# -- breakdown tables of borders, trafficking and emergencies (issue 12) ---------------------


def _codes_column() -> pa.Column:
    return pa.Column(str, pa.Check.isin(sorted(countries.known_codes())))


def trafficking_breakdowns_schema() -> pa.DataFrameSchema:
    """UNODC GLOTIP rows: <5 is null with flag M; repeated labels numbered by `part`."""
    from analysis.providers import unodc

    return pa.DataFrameSchema(
        {
            "iso3": _codes_column(),
            "year": _year_column(),
            "indicator": pa.Column(str, pa.Check.isin(list(unodc.INDICATOR_IDS.values()))),
            "dimension": pa.Column(str, pa.Check.isin(list(unodc.DIMENSIONS))),
            "category": pa.Column(str),
            "category_iso3": pa.Column(str, pa.Check.isin(["", *sorted(countries.known_codes())])),
            "sex": pa.Column(str),
            "age": pa.Column(str),
            "part": pa.Column("int64", pa.Check.ge(1)),
            "value": pa.Column("float64", pa.Check.ge(0), nullable=True),
            "flag": pa.Column(str, pa.Check.isin(["", "M"])),
        },
        checks=_null_only_when_missing(),
        unique=["iso3", "year", "indicator", "dimension", "category", "sex", "age", "part"],
        strict=True,
        ordered=True,
    )


def frontex_routes_schema() -> pa.DataFrameSchema:
    """Frontex annual detections (not people) by nationality, route and border type."""
    return pa.DataFrameSchema(
        {
            "year": _year_column(),
            "nationality_iso3": _codes_column(),
            "route": pa.Column(str),
            "type": pa.Column(str, pa.Check.isin(["Sea", "Land"])),
            "detections": pa.Column("float64", pa.Check.ge(0)),
            "flag": pa.Column(str, pa.Check.isin(["", "P"])),
        },
        unique=["year", "nationality_iso3", "route", "type"],
        strict=True,
        ordered=True,
    )


def displacement_by_cause_schema() -> pa.DataFrameSchema:
    """IDMC new displacements (movements, not people) by cause; Abyei (AB9) is no state."""
    return pa.DataFrameSchema(
        {
            "iso3": pa.Column(str, [pa.Check.isin(sorted(countries.known_codes())),
                                    pa.Check.ne("AB9")]),
            "year": _year_column(),
            "kind": pa.Column(str, pa.Check.isin(["conflict", "disaster"])),
            "cause": pa.Column(str),
            "new_displacements": pa.Column("float64", pa.Check.ge(0), nullable=True),
        },
        unique=["iso3", "year", "cause"],
        strict=True,
        ordered=True,
    )


# The providers' own processed tables that have a schema, by table name: the build checks each
# before anything is written, like indicators and corridors.
TABLE_SCHEMAS = {
    "trafficking_breakdowns": trafficking_breakdowns_schema,
    "frontex_routes": frontex_routes_schema,
    "displacement_by_cause": displacement_by_cause_schema,
}
