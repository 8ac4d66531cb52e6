"""Frontex: monthly detections of illegal border-crossings into the EU by route, border type
(Sea/Land) and nationality, data/raw/frontex/illegal_border_crossings.csv (month YYYY-MM, route,
type, nationality_iso3, detections).

- Detections, not people: one person crossing twice (or detected on two routes) counts twice.
- `eu_irregular_crossings` is the annual sum of a nationality's monthly detections over every
  route. The running year (the file's last year, when its last month is not December) is only
  partly covered: flagged P (provisional), here and in the route table.
- `frontex_routes` (data/processed/frontex_routes.parquet): annual detections by nationality,
  route and border type, every nationality.

Live: no client yet (the monthly workbook from `FRONTEX_URL` is issue 12's second step): a live
fetch skips the provider with one line and keeps its raw file; bring it in with --snapshot.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from analysis import transform
from analysis.catalogue import FIRST_YEAR, Indicator
from analysis.errors import DataError
from analysis.providers.base import ProcessedTable, Provider
from analysis.rawfiles import RawData, RawSpec

PROVIDER_ID = "frontex"
FILE = "illegal_border_crossings.csv"
TYPES = ("Sea", "Land")

RAW_SPEC = RawSpec(PROVIDER_ID, FILE, ("month", "route", "type", "nationality_iso3"),
                   ("detections",), key=("month", "route", "type", "nationality_iso3"),
                   nonnegative=("detections",), iso3_columns=("nationality_iso3",),
                   year_column=None)


def detections(raw: RawData) -> pd.DataFrame:
    """The checked rows with `year` from `month`, refusing a month that is not YYYY-MM in a
    plausible year, or a border type other than Sea/Land."""
    rows = raw.get(PROVIDER_ID, FILE)
    path = raw.path(PROVIDER_ID, FILE)
    parts = rows["month"].str.extract(r"^(\d{4})-(\d{2})$")
    year = pd.to_numeric(parts[0], errors="coerce")
    month = pd.to_numeric(parts[1], errors="coerce")
    bad = year.isna() | ~month.between(1, 12) | ~year.between(FIRST_YEAR, dt.date.today().year)
    if bad.any():
        row = rows.index[bad][0]
        raise DataError(path, "not a month (YYYY-MM)", column="month", row=int(row) + 2,
                        value=rows.at[row, "month"])
    bad = ~rows["type"].isin(TYPES)
    if bad.any():
        row = rows.index[bad][0]
        raise DataError(path, f"unknown border type; known: {', '.join(TYPES)}", column="type",
                        row=int(row) + 2, value=rows.at[row, "type"])
    return rows.assign(year=year.astype("int64"), month_number=month.astype("int64"))


def running_year(rows: pd.DataFrame) -> int | None:
    """The file's last year if it does not reach December: only part of it is covered."""
    if rows.empty:
        return None
    last = rows[rows["year"] == rows["year"].max()]
    return int(last["year"].iloc[0]) if last["month_number"].max() < 12 else None


def _partial_flag(years: pd.Series, running: int | None) -> pd.Series:
    # P: the running year holds only the months published so far (reason in the docstring).
    return (years == running).map({True: "P", False: ""}) if running else \
        pd.Series("", index=years.index)


def indicator_rows(raw: RawData, ind: Indicator) -> pd.DataFrame:
    rows = detections(raw)
    sums = rows.groupby(["nationality_iso3", "year"], as_index=False)["detections"] \
        .sum(min_count=1)
    flag = _partial_flag(sums["year"], running_year(rows))
    return transform.indicator_rows(sums, ind, "nationality_iso3", "detections", flag=flag)


def routes(raw: RawData) -> pd.DataFrame:
    rows = detections(raw)
    sums = rows.groupby(["year", "nationality_iso3", "route", "type"], as_index=False)[
        "detections"].sum(min_count=1)
    sums["detections"] = sums["detections"].astype("float64")
    sums["flag"] = _partial_flag(sums["year"], running_year(rows)).astype(str)
    return sums.sort_values(["year", "nationality_iso3", "route", "type"], ignore_index=True)


PROVIDER = Provider(
    id=PROVIDER_ID,
    name="Frontex",
    files=(FILE,),
    raw_specs=(RAW_SPEC,),
    fetch_live=None,  # no live client yet (module docstring)
    indicator_rows=indicator_rows,
    tables=(ProcessedTable("frontex_routes", "Frontex detections by route", routes),),
)
