"""Pure table transforms every provider shares: raw frames (as `rawfiles.read_raw` returns them)
to rows with the processed columns, derived indicators, and flags from the reviewed notes.

What only one provider needs lives in its module (analysis.providers.<id>). Cleaning decisions
are written beside the code that makes them.
"""

from __future__ import annotations

import pandas as pd

from analysis import catalogue, providers
from analysis.catalogue import Indicator

INDICATOR_COLUMNS = ["iso3", "year", "indicator", "value", "unit", "source", "flag"]
CORRIDOR_COLUMNS = ["year", "origin_iso3", "destination_iso3", "measure", "value", "source",
                    "flag"]


def source_label(ind: Indicator) -> str:
    if ind.provider == "derived":
        return f"derived: {ind.formula}"
    return f"{providers.get(ind.provider).name}: {ind.code}"


def indicator_rows(frame: pd.DataFrame, ind: Indicator, iso3_col: str, value_col: str,
                    source: str | None = None, flag: str | pd.Series = "",
                    keep_missing: bool = False) -> pd.DataFrame:
    """Rows for one indicator, catalogue states only. A value the provider did not publish is
    no observation and is dropped, unless `keep_missing` (derived rows of an M input)."""
    frame = frame.assign(_flag=flag)  # a Series aligns on the frame's index
    out = frame.loc[frame[iso3_col].isin(catalogue.state_codes()),
                    [iso3_col, "year", value_col, "_flag"]]
    if not keep_missing:
        out = out.dropna(subset=[value_col])
    return pd.DataFrame({
        "iso3": out[iso3_col].astype(str),
        "year": out["year"].astype("int64"),
        "indicator": ind.id,
        "value": out[value_col].astype("float64"),
        "unit": ind.unit,
        "source": source or source_label(ind),
        "flag": out["_flag"].astype(str),
    })


def only_rows(frame: pd.DataFrame, only: tuple[str, str] | None) -> pd.DataFrame:
    """The raw rows a catalogue entry's `only` keeps (all rows without one)."""
    if only is None:
        return frame
    column, value = only
    return frame[frame[column] == value]


def strongest_flag(*flags: str) -> str:
    """The flag that wins when several apply (catalogue.FLAG_PRECEDENCE); "" for none."""
    for code in catalogue.FLAG_PRECEDENCE:
        if code in flags:
            return code
    return ""


def derived(base: pd.DataFrame, ind: Indicator) -> pd.DataFrame:
    """numerator / denominator * factor for state-years that have both and a denominator > 0.
    The result carries the stronger of its inputs' flags; a missing (M) input makes the result
    missing too (M, null), never a rate of nothing."""
    cols = ["iso3", "year", "value", "flag"]
    num = base.loc[base["indicator"] == ind.numerator, cols]
    den = base.loc[base["indicator"] == ind.denominator, cols]
    both = num.merge(den, on=["iso3", "year"], suffixes=("_num", "_den"))
    missing = (both["flag_num"] == "M") | (both["flag_den"] == "M")
    both = both[missing | (both["value_den"] > 0)].copy()
    both["value"] = both["value_num"] / both["value_den"] * ind.factor
    both["flag"] = [strongest_flag(a, b) for a, b in zip(both["flag_num"], both["flag_den"],
                                                          strict=True)]
    both.loc[both["flag"] == "M", "value"] = float("nan")
    return indicator_rows(both, ind, "iso3", "value", flag=both["flag"], keep_missing=True)


def partial_years(years_by_provider: dict[str, int], last_updated: dict[str, str | None]
                  ) -> dict[str, int]:
    """Per provider, its latest year if the provider last updated the data during that year
    (UNHCR's mid-year figures): that year is only partly covered and is flagged P."""
    out = {}
    for provider, latest_year in years_by_provider.items():
        updated = last_updated.get(provider)
        if updated and int(str(updated)[:4]) <= latest_year:
            out[provider] = int(latest_year)
    return out


def _note_mask(table: pd.DataFrame, note: catalogue.ObservationNote) -> pd.Series:
    """The rows of a processed table (indicators or corridors) that a reviewed note covers."""
    if note.indicator is not None:
        mask = table["indicator"] == note.indicator
        if note.iso3 is not None:
            mask &= table["iso3"] == note.iso3
    else:  # a corridor note without origin or destination covers every partner
        mask = table["measure"] == note.measure
        if note.origin is not None:
            mask &= table["origin_iso3"] == note.origin
        if note.destination is not None:
            mask &= table["destination_iso3"] == note.destination
    if note.years is not None:
        mask &= table["year"].isin(note.years)
    if note.only_zero:
        mask &= table["value"] == 0
    return mask


def _set_flag(table: pd.DataFrame, mask: pd.Series, code: str) -> None:
    table.loc[mask, "flag"] = [strongest_flag(f, code) for f in table.loc[mask, "flag"]]


def apply_notes(table: pd.DataFrame, partial_years: dict[str, int]) -> pd.DataFrame:
    """Set each observation's flag from the catalogue's reviewed notes and from the provider's
    part year (`partial_years`: provider id -> first incomplete year), strongest flag winning.
    Works on indicator rows and on corridor rows alike. M observations lose their value (null):
    a "not reported" zero is not a zero."""
    table = table.copy()
    by_indicator = "indicator" in table.columns
    for note in catalogue.OBSERVATION_NOTES:
        if note.flag and (note.indicator is not None) == by_indicator:
            _set_flag(table, _note_mask(table, note), note.flag)
    if by_indicator:
        provider = table["indicator"].map({i.id: i.provider for i in catalogue.INDICATORS})
    else:
        provider = table["measure"].map({m.id: m.provider for m in catalogue.CORRIDOR_MEASURES})
    for provider_id, year in partial_years.items():
        _set_flag(table, provider.eq(provider_id) & (table["year"] >= year), "P")
    table.loc[table["flag"] == "M", "value"] = float("nan")
    return table


def _touches_catalogue(frame: pd.DataFrame, origin: str, destination: str) -> pd.Series:
    states = catalogue.state_codes()
    return frame[origin].isin(states) | frame[destination].isin(states)


def corridor_rows(frame: pd.DataFrame, measure: catalogue.CorridorMeasure, origin: str,
                  destination: str) -> pd.DataFrame:
    """Bilateral values for pairs with a catalogue state on either side, summed over the
    source's other dimensions (sex; procedure and application type)."""
    frame = only_rows(frame, measure.only)
    frame = frame[_touches_catalogue(frame, origin, destination)]
    sums = frame.groupby(["year", origin, destination], as_index=False)[measure.field] \
        .sum(min_count=1).dropna(subset=[measure.field])
    provider = providers.get(measure.provider).name
    return pd.DataFrame({
        "year": sums["year"].astype("int64"),
        "origin_iso3": sums[origin].astype(str),
        "destination_iso3": sums[destination].astype(str),
        "measure": measure.id,
        "value": sums[measure.field].astype("float64"),
        "source": f"{provider}: {measure.dataset}.{measure.field}",
        "flag": "",
    })
