"""Small, tested computations the notebooks share. Pure functions on the frames `analysis.load`
returns (columns iso3, year, value; corridors with origin_iso3/destination_iso3).

Nothing here fills a gap: a value that is not published stays missing.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from analysis import catalogue
from analysis.errors import DataError
from analysis.transform import strongest_flag

# ---------------------------------------------------------------------------
# State-year series
# ---------------------------------------------------------------------------


def _cols(frame: pd.DataFrame) -> list[str]:
    return ["iso3", "year", "value"] + (["flag"] if "flag" in frame.columns else [])


def latest(frame: pd.DataFrame) -> pd.DataFrame:
    """Per state, the row of its latest year with a value: columns iso3, year, value (and flag
    when the frame has one). Missing (M, null) observations are no value."""
    rows = frame.dropna(subset=["value"]).sort_values(["iso3", "year"])
    return rows.groupby("iso3", as_index=False).tail(1)[_cols(frame)].reset_index(drop=True)


def breaks_between(frame: pd.DataFrame, first: int, last: int) -> pd.DataFrame:
    """The rows flagged B (series break) with first < year <= last: the breaks a comparison of
    `first` with `last` crosses (a break in `first` itself is not crossed). Give first=0 for
    every break up to `last`, e.g. to name them in the footnote of a one-year chart. Indicator
    or corridor rows; a frame without a flag column has none."""
    if "flag" not in frame.columns:
        return frame.iloc[0:0]
    return frame[(frame["flag"] == "B") & (frame["year"] > first) & (frame["year"] <= last)]


def first_break(frame: pd.DataFrame, iso3: str, after: int, upto: int) -> int | None:
    """The first year in (after, upto] where the state's series has a break (flag B): the first
    of `breaks_between(frame, after, upto)` for the state."""
    rows = breaks_between(frame[frame["iso3"] == iso3], after, upto)
    return int(rows["year"].min()) if not rows.empty else None


def unreliable(frame: pd.DataFrame) -> set[str]:
    """States whose rows in the frame carry flag U (few cases): shown hollow, never ranked."""
    if "flag" not in frame.columns:
        return set()
    return set(frame.loc[frame["flag"] == "U", "iso3"])


def value_in(frame: pd.DataFrame, year: int) -> pd.Series:
    """Values in one year, indexed by iso3 (states without a value that year are absent)."""
    rows = frame[(frame["year"] == year)].dropna(subset=["value"])
    return rows.set_index("iso3")["value"]


def change_since(frame: pd.DataFrame, base_year: int) -> pd.DataFrame:
    """Per state: latest_year, latest, base (value in base_year), change (latest - base),
    change_pct (relative to base; missing when base is 0 or absent) and break_year. Across a
    series break (flag B in a year after the base, up to the latest) the change is not computed:
    change and change_pct are missing and break_year names the break, for the text to say."""
    last = latest(frame)[["iso3", "year", "value"]] \
        .rename(columns={"year": "latest_year", "value": "latest"})
    base = value_in(frame, base_year).rename("base")
    out = last.merge(base, left_on="iso3", right_index=True, how="left")
    out["break_year"] = [first_break(frame, iso3, base_year, int(year))
                         for iso3, year in zip(out["iso3"], out["latest_year"], strict=True)]
    out["break_year"] = out["break_year"].astype("Int64")
    broken = out["break_year"].notna()
    out["change"] = (out["latest"] - out["base"]).where(~broken)
    out["change_pct"] = (out["change"] / out["base"] * 100).where(out["base"] > 0)
    return out.reset_index(drop=True)


def ratio(numerator: pd.DataFrame, denominator: pd.DataFrame, factor: float = 1.0
          ) -> pd.DataFrame:
    """numerator / denominator * factor for state-years present in both (no interpolation:
    a year missing on either side has no value, nor has a "not reported" (null, flag M) one);
    denominators of 0 give no value. Columns iso3, year, value, and flag when either input has
    one: the stronger of the two inputs' flags (catalogue.FLAG_PRECEDENCE), as the build flags
    a derived indicator, so a break in the numerator or a projected denominator shows."""
    def part(frame):
        cols = ["iso3", "year", "value"]
        rows = frame[cols + (["flag"] if "flag" in frame.columns else [])]
        rows = rows.dropna(subset=["value"])
        return rows if "flag" in rows.columns else rows.assign(flag="")

    flagged = "flag" in numerator.columns or "flag" in denominator.columns
    both = part(numerator).merge(part(denominator), on=["iso3", "year"], suffixes=("_n", "_d"))
    both = both[both["value_d"] > 0]
    both["value"] = both["value_n"] / both["value_d"] * factor
    both["flag"] = [strongest_flag(a, b) for a, b in
                    zip(both["flag_n"].fillna(""), both["flag_d"].fillna(""), strict=True)]
    return both[["iso3", "year", "value"] + (["flag"] if flagged else [])] \
        .reset_index(drop=True)


def yoy_change_pct(frame: pd.DataFrame) -> pd.DataFrame:
    """Per state and year, % change on the previous calendar year (only when that year has a
    value)."""
    rows = frame[["iso3", "year", "value"]].dropna().sort_values(["iso3", "year"])
    prev = rows.assign(year=rows["year"] + 1).rename(columns={"value": "previous"})
    out = rows.merge(prev, on=["iso3", "year"])
    out["change_pct"] = ((out["value"] - out["previous"]) / out["previous"] * 100) \
        .where(out["previous"] > 0)
    return out.reset_index(drop=True)


def shares(frame: pd.DataFrame) -> pd.DataFrame:
    """Each state's share (%) of the states' total in each year."""
    rows = frame[["iso3", "year", "value"]].dropna()
    totals = rows.groupby("year")["value"].transform("sum")
    return rows.assign(share=(rows["value"] / totals * 100).where(totals > 0)) \
        .reset_index(drop=True)


def series_breaks(frame: pd.DataFrame, factor: float = 2.0, min_value: float = 10_000
                  ) -> pd.DataFrame:
    """Year-on-year jumps where a series multiplies or divides by more than `factor` and the
    larger side is at least `min_value`: a reclassification or a real surge, either way worth a
    flag. Columns iso3, year, previous, value, ratio."""
    out = yoy_change_pct(frame)
    larger = out[["value", "previous"]].max(axis=1)
    lo = out[["value", "previous"]].min(axis=1)
    jump = (larger >= min_value) & ((lo == 0) | (larger / lo.where(lo > 0) > factor))
    out = out[jump].copy()
    out["ratio"] = out["value"] / out["previous"].where(out["previous"] > 0)
    return out[["iso3", "year", "previous", "value", "ratio"]].reset_index(drop=True)


def partial_year(vintage_entry: dict) -> int | None:
    """The latest year of a source if it had not ended when the provider last updated the data
    (UNHCR's mid-year figures, an IOM file updated in June): that year is incomplete."""
    updated = vintage_entry.get("last_updated")
    latest_year = vintage_entry.get("latest_year_present")
    if not updated or not latest_year:
        return None
    try:
        updated_year = dt.date.fromisoformat(str(updated)[:10]).year
    except ValueError:
        return None
    return int(latest_year) if updated_year <= int(latest_year) else None


def complete_years(frame: pd.DataFrame, partial: int | None) -> pd.DataFrame:
    """Drop the incomplete year (see `partial_year`) and any later."""
    if partial is None:
        return frame
    return frame[frame["year"] < partial].reset_index(drop=True)


# ---------------------------------------------------------------------------
# Corridors
# ---------------------------------------------------------------------------


def top_corridors(frame: pd.DataFrame, n: int = 10, year: int | None = None) -> pd.DataFrame:
    """The n largest origin-destination pairs in `year` (default: the latest year present)."""
    if frame.empty:
        return frame
    year = int(frame["year"].max()) if year is None else year
    rows = frame[frame["year"] == year].dropna(subset=["value"])
    return rows.sort_values("value", ascending=False).head(n).reset_index(drop=True)


def top_destinations(frame: pd.DataFrame, origin: str, n: int = 3,
                     year: int | None = None) -> list[str]:
    """The n destinations with most people from `origin` in `year` (default latest)."""
    rows = frame[frame["origin_iso3"] == origin]
    return list(top_corridors(rows, n, year)["destination_iso3"])


def top_with_other(frame: pd.DataFrame, by: str, n: int, other: str = "Other"
                   ) -> pd.DataFrame:
    """Wide table year x `by` keeping the n largest (over the last year present) and summing
    the rest into `other`."""
    if frame.empty:
        return pd.DataFrame()
    wide = frame.pivot_table(index="year", columns=by, values="value", aggfunc="sum")
    last = wide.iloc[-1].fillna(0).sort_values(ascending=False)
    keep = list(last.index[:n])
    out = wide[keep].copy()
    rest = wide.drop(columns=keep)
    if not rest.empty:
        out[other] = rest.sum(axis=1, min_count=1)
    return out


# ---------------------------------------------------------------------------
# IOM Missing Migrants records
# ---------------------------------------------------------------------------


def origin_codes(records: pd.DataFrame) -> pd.Series:
    """Each record's listed origins as a set of ISO3 codes."""
    return records["origin_iso3"].fillna("").map(
        lambda s: {c.strip() for c in s.split(",") if c.strip()})


def involving(records: pd.DataFrame, states: list[str]) -> pd.DataFrame:
    """Records whose incident country is one of `states` or whose origins include one, with two
    flags: `in_states` (incident there) and `nationals` (an origin among the states)."""
    wanted = set(states)
    origins = origin_codes(records)
    out = records.assign(in_states=records["incident_iso3"].isin(wanted),
                         nationals=origins.map(lambda s: bool(s & wanted)))
    return out[out["in_states"] | out["nationals"]].reset_index(drop=True)


def records_partial_year(records: pd.DataFrame) -> int | None:
    """The records' last year if the latest record falls before December of that year (the
    file was published part-way through it)."""
    last = records["date"].max()
    if pd.isna(last):
        return None
    return int(last.year) if last.month < 12 else None


def dead_and_missing_by(records: pd.DataFrame, column: str) -> pd.Series:
    """Dead and missing summed by one column (route, cause, year), largest first. Blank
    categories read 'Not recorded'."""
    keys = records[column].fillna("Not recorded").replace("", "Not recorded")
    return records.groupby(keys)["dead_and_missing"].sum().sort_values(ascending=False)


def dead_and_missing_by_origin(records: pd.DataFrame, states: list[str]) -> pd.Series:
    """Dead and missing recorded with each state among the listed origins (a record with two
    listed states counts for both, so the parts can exceed the whole)."""
    origins = origin_codes(records)
    totals = {}
    for iso3 in states:
        mask = origins.map(lambda s, c=iso3: c in s)
        totals[iso3] = float(records.loc[mask, "dead_and_missing"].sum())
    return pd.Series(totals, dtype=float).sort_values(ascending=False)


# ---------------------------------------------------------------------------
# Analyst-supplied CSV (re-entry bans)
# ---------------------------------------------------------------------------

ANALYST_COLUMNS = ("year", "iso3", "value", "source", "note")


def read_analyst_csv(path: str | Path) -> pd.DataFrame:
    """An analyst's own series: columns year, iso3, value, source, note (note may be blank).
    Errors name the file, row and column."""
    path = Path(path)
    if not path.is_file():
        raise DataError(path, "file not found", hint="give the path of a CSV with columns "
                        + ", ".join(ANALYST_COLUMNS))
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    frame.columns = [c.strip() for c in frame.columns]
    missing = [c for c in ANALYST_COLUMNS if c not in frame.columns]
    if missing:
        raise DataError(path, f"missing column(s) {', '.join(missing)}",
                        hint="expected columns: " + ", ".join(ANALYST_COLUMNS))
    if frame.empty:
        raise DataError(path, "no rows")
    known = set(catalogue.state_codes())
    years, values = [], []
    for i, row in frame.iterrows():
        line = int(i) + 2  # header is line 1
        try:
            year = int(row["year"].strip())
        except ValueError:
            raise DataError(path, "not a whole year", column="year", row=line,
                            value=row["year"]) from None
        try:
            value = float(row["value"].strip())
        except ValueError:
            raise DataError(path, "not a number", column="value", row=line,
                            value=row["value"]) from None
        if value < 0:
            raise DataError(path, "a count cannot be negative", column="value", row=line,
                            value=row["value"])
        if row["iso3"].strip() not in known:
            raise DataError(path, "not a catalogue state's ISO3 code", column="iso3", row=line,
                            value=row["iso3"])
        if not row["source"].strip():
            raise DataError(path, "every row needs its source", column="source", row=line)
        years.append(year)
        values.append(value)
    return pd.DataFrame({"year": years, "iso3": frame["iso3"].str.strip(), "value": values,
                         "source": frame["source"].str.strip(),
                         "note": frame["note"].str.strip()})
