"""Pure table transforms from checked raw frames to the processed tables' rows.

Each function takes frames as `rawfiles.read_raw` returns them and returns rows with the
processed columns. Cleaning decisions are written beside the code that makes them.
"""

from __future__ import annotations

import pandas as pd

from analysis import catalogue
from analysis.catalogue import Indicator

INDICATOR_COLUMNS = ["iso3", "year", "indicator", "value", "unit", "source"]
CORRIDOR_COLUMNS = ["year", "origin_iso3", "destination_iso3", "measure", "value", "source"]

UNHCR_BY_COLUMN = {"coa": "coa_iso", "coo": "coo_iso"}
UNDESA_BY_COLUMN = {"destination": "destination_iso3", "origin": "origin_iso3"}


def source_label(ind: Indicator) -> str:
    if ind.provider == "derived":
        return f"derived: {ind.formula}"
    return f"{catalogue.provider(ind.provider).name}: {ind.code}"


def indicator_rows(frame: pd.DataFrame, ind: Indicator, iso3_col: str, value_col: str,
                    source: str | None = None) -> pd.DataFrame:
    """Rows for one indicator, catalogue states only, missing values dropped (a missing value
    is no observation)."""
    out = frame.loc[frame[iso3_col].isin(catalogue.state_codes()), [iso3_col, "year", value_col]]
    out = out.dropna(subset=[value_col])
    return pd.DataFrame({
        "iso3": out[iso3_col].astype(str),
        "year": out["year"].astype("int64"),
        "indicator": ind.id,
        "value": out[value_col].astype("float64"),
        "unit": ind.unit,
        "source": source or source_label(ind),
    })


def worldbank_indicator(wb: pd.DataFrame, ind: Indicator, code: str | None = None,
                        source: str | None = None) -> pd.DataFrame:
    rows = wb[wb["indicator"] == (code or ind.code)]
    return indicator_rows(rows, ind, "iso3", "value", source)


def unhcr_sum(frame: pd.DataFrame, ind: Indicator) -> pd.DataFrame:
    """Sum a UNHCR field over every partner country (unknown origin `UNK` included, as DESIGN
    asks), grouped by the state as asylum or origin country. A total of only missing cells
    stays missing (min_count=1), never 0."""
    col = UNHCR_BY_COLUMN[ind.by]
    sums = frame.groupby([col, "year"], as_index=False)[ind.field].sum(min_count=1)
    return indicator_rows(sums, ind, col, ind.field)


def recognition_rate(decisions: pd.DataFrame, ind: Indicator) -> pd.DataFrame:
    """Recognised / (recognised + other + rejected) * 100 over all decision rows (persons and
    cases alike, as UNHCR's own totals do), by the nationals' origin country. Closed cases are
    not substantive decisions and are left out of the denominator."""
    parts = ["dec_recognized", "dec_other", "dec_rejected"]
    sums = decisions.groupby(["coo_iso", "year"], as_index=False)[parts].sum(min_count=1)
    denominator = sums[parts].sum(axis=1, min_count=1)
    sums["rate"] = (sums["dec_recognized"] / denominator * 100).where(denominator > 0)
    return indicator_rows(sums, ind, "coo_iso", "rate")


def undesa_stock(stock: pd.DataFrame, ind: Indicator) -> pd.DataFrame:
    """Migrant stock summed over both sexes and every partner country. UN DESA leaves out an
    origin-sex row when it is too small to estimate: the sum is of what is published."""
    col = UNDESA_BY_COLUMN[ind.by]
    sums = stock.groupby([col, "year"], as_index=False)["migrants"].sum(min_count=1)
    return indicator_rows(sums, ind, col, "migrants")


def derived(base: pd.DataFrame, ind: Indicator) -> pd.DataFrame:
    """numerator / denominator * factor for state-years that have both and a denominator > 0."""
    num = base.loc[base["indicator"] == ind.numerator, ["iso3", "year", "value"]]
    den = base.loc[base["indicator"] == ind.denominator, ["iso3", "year", "value"]]
    both = num.merge(den, on=["iso3", "year"], suffixes=("_num", "_den"))
    both = both[both["value_den"] > 0]
    both["value"] = both["value_num"] / both["value_den"] * ind.factor
    return indicator_rows(both, ind, "iso3", "value")


def _touches_catalogue(frame: pd.DataFrame, origin: str, destination: str) -> pd.Series:
    states = catalogue.state_codes()
    return frame[origin].isin(states) | frame[destination].isin(states)


def corridor_rows(frame: pd.DataFrame, measure: catalogue.CorridorMeasure, origin: str,
                  destination: str) -> pd.DataFrame:
    """Bilateral values for pairs with a catalogue state on either side, summed over the
    source's other dimensions (sex; procedure and application type)."""
    frame = frame[_touches_catalogue(frame, origin, destination)]
    sums = frame.groupby(["year", origin, destination], as_index=False)[measure.field] \
        .sum(min_count=1).dropna(subset=[measure.field])
    provider = catalogue.provider(measure.provider).name
    return pd.DataFrame({
        "year": sums["year"].astype("int64"),
        "origin_iso3": sums[origin].astype(str),
        "destination_iso3": sums[destination].astype(str),
        "measure": measure.id,
        "value": sums[measure.field].astype("float64"),
        "source": f"{provider}: {measure.dataset}.{measure.field}",
    })


def missing_migrants(records: pd.DataFrame) -> pd.DataFrame:
    """IOM records, one row each, with the year taken from the incident date. Blank counts are
    unknown (NaN), not zero."""
    date = pd.to_datetime(records["date"], errors="coerce", format="ISO8601")
    return pd.DataFrame({
        "date": date,
        "year": date.dt.year.astype("Int64"),
        "record_type": records["record_type"],
        "route": records["route"],
        "incident_iso3": records["incident_iso3"],
        "origin_iso3": records["origin_iso3"],
        "cause": records["cause"],
        "dead_and_missing": records["dead_and_missing"],
        "survivors": records["survivors"],
    }).reset_index(drop=True)
