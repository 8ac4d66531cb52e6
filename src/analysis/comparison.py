"""One frame for comparisons (issue 19, item 5): which states a theme's charts compare, how
observers and comparators are marked, when a chart's years differ from the theme's window, and
how large a change must be before a sentence says "rose" or "fell".

- States: every chart of a theme draws the session's states (the report's choice); partner
  countries (destinations, work countries) appear only as such. A state that is not a
  participant carries its role in its label ("Russia (observer)").
- Ranks and key figures: among the participating states only (`participants`, `leader`).
- Window: a chart over years that starts after the theme's first year says why in its caption
  (`window_reason`).
- Change: `movement` says "rose", "fell" or "little" by the catalogue's minimum meaningful
  change; `change_limits` gives the same limits to a count claim so that the claims check
  recomputes with them.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from analysis import catalogue

RISE, FALL, LITTLE = "rose", "fell", "little"


# -- states -----------------------------------------------------------------------------------


def role_mark(iso3: str) -> str:
    """' (observer)' or ' (comparator)' for a catalogue state that is not a participant, else
    '' (participants and countries outside the catalogue)."""
    if iso3 not in catalogue.state_codes():
        return ""
    mark = catalogue.ROLE_MARKS.get(catalogue.state(iso3).role)
    return f" ({mark})" if mark else ""


def is_participant(iso3: str) -> bool:
    return (iso3 in catalogue.state_codes()
            and catalogue.state(iso3).role == catalogue.PARTICIPATING)


def participants(codes: Iterable[str]) -> list[str]:
    """The participating states among `codes`, in their order."""
    return [c for c in codes if is_participant(c)]


def among_participants(values: pd.Series) -> pd.Series:
    """The values (indexed by ISO3) of participating states only: what a rank, a "most" or a
    key figure may choose from."""
    return values[[is_participant(c) for c in values.index]]


def leader(values: pd.Series, *, smallest: bool = False) -> str | None:
    """The participating state with the largest (or smallest) value; None if none has one."""
    ranked = among_participants(values.dropna())
    if ranked.empty:
        return None
    return ranked.idxmin() if smallest else ranked.idxmax()


# -- change -----------------------------------------------------------------------------------


def unit_of(series_id: str) -> str:
    return catalogue.measure_label_unit(series_id)[1] if series_id in {
        i.id for i in catalogue.INDICATORS} else catalogue.corridor_measure(series_id).unit


def change_limits(series_id: str) -> dict:
    """The minimum meaningful change for an indicator or corridor measure, as a count claim's
    `min_pct` and `min_abs` (claims.py)."""
    unit = unit_of(series_id)
    if unit not in catalogue.MIN_CHANGE_FLOOR:
        raise KeyError(f"no minimum change for unit {unit!r} of {series_id}; add it to "
                       "catalogue.MIN_CHANGE_FLOOR")
    return {"min_pct": catalogue.MIN_CHANGE_PCT, "min_abs": catalogue.MIN_CHANGE_FLOOR[unit]}


def moved(before: float, after: float, min_pct: float, min_abs: float) -> str:
    """RISE, FALL or LITTLE: a change counts only at or above both limits."""
    diff = after - before
    big = abs(diff) >= min_abs and abs(diff) >= abs(before) * min_pct / 100
    if not big or diff == 0:
        return LITTLE
    return RISE if diff > 0 else FALL


def movement(before: float, after: float, series_id: str) -> str:
    """How a value moved between two years, by the series' minimum meaningful change."""
    return moved(before, after, **change_limits(series_id))


# -- window -----------------------------------------------------------------------------------

# Words a caption uses to say why its years differ from the theme's window.
WINDOW_WORDS = ("start in", "starts in", "from", "since", "begin")


def series_years(rows: pd.DataFrame) -> list[int]:
    """The distinct years with a value in a chart's rows (its CSV)."""
    if "year" not in rows.columns:
        return []
    present = rows.dropna(subset=["value"]) if "value" in rows.columns else rows
    return sorted({int(y) for y in present["year"].dropna()})


def window_reason(caption: str, first: int) -> bool:
    """Whether the caption says why a chart over years starts in `first`."""
    return str(first) in caption and any(w in caption for w in WINDOW_WORDS)


def window_sentence(first: int) -> str:
    """What a caption says when the drawn data themselves start after the theme's window."""
    return f" The data for the states shown start in {first}."


def top_of(values: pd.Series, *, smallest: bool = False) -> str:
    """The participating leader, or (when the values hold no participant) the states' own."""
    chosen = leader(values, smallest=smallest)
    if chosen is not None:
        return chosen
    present = values.dropna()
    return present.idxmin() if smallest else present.idxmax()


def ranked_among(codes: Iterable[str], chosen: str) -> list[str]:
    """The states a "most" about `chosen` (picked by `top_of` or `leader`) is ranked among, as
    a rank claim's `among`: the participating ones, or all (when `chosen` is not one)."""
    codes = list(codes)
    return participants(codes) if is_participant(chosen) else codes


def among(iso3: str) -> str:
    """Whom a "most" or "largest" about `iso3` (chosen by `top_of`) was chosen among."""
    return "the participating states shown" if is_participant(iso3) else "the states shown"


# The limits in words: a caption states no number that is not a claim, and these are rules,
# not data. Every floor in catalogue.MIN_CHANGE_FLOOR needs its words here (tests check).
PCT_WORDS = {10.0: "a tenth", 20.0: "a fifth", 25.0: "a quarter"}
FLOOR_WORDS = {0.5: "half a", 1.0: "one", 10: "ten", 100: "a hundred", 500: "five hundred",
                1_000: "a thousand", 50e6: "fifty million"}


def limit_words(series_id: str) -> str:
    """'at least a tenth of the starting value and at least one % of GDP' for a series."""
    limits, unit = change_limits(series_id), unit_of(series_id)
    share = unit.startswith("%")
    amount = (f"{FLOOR_WORDS[limits['min_abs']]} percentage point" if share
              else f"{FLOOR_WORDS[limits['min_abs']]} {unit}")
    return (f"at least {PCT_WORDS[limits['min_pct']]} of the starting value and at least "
            f"{amount}")
