"""What a chart or a sentence says about flagged observations (DESIGN: observation flags).

    note = flags.footnote(frame)   # for nb.chart(..., note=note)

The footnote names every break (with its reason), every "not reported" gap, estimates,
projections and low-reliability rates among the rows a chart draws, plus the catalogue's
annotated events (real but exceptional values), each with the reason the catalogue records.
"""

from __future__ import annotations

import pandas as pd

from analysis import catalogue, fmt, load, screen

UNREVIEWED = screen.UNREVIEWED  # the note kind of a jump no one has reviewed yet


def year_span(years) -> str:
    """'2016-2019', '2022 and 2025', '2005-2007, 2010' from a set of years."""
    years = sorted({int(y) for y in years})
    runs: list[list[int]] = []
    for year in years:
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    parts = [str(r[0]) if len(r) == 1 else f"{r[0]}-{r[-1]}" for r in runs]
    if len(parts) == 2:
        return " and ".join(parts)
    return ", ".join(parts)


def _who(row) -> str:
    if "iso3" in row and pd.notna(row.get("iso3")):
        return fmt.name(row["iso3"])
    return f"{row['origin_name']} to {row['destination_name']}" if "origin_name" in row else \
        f"{row['origin_iso3']} to {row['destination_iso3']}"


def _order(row) -> tuple:
    """Where a row's state (or corridor) comes in a list: catalogue states in catalogue order,
    then anything else by name, so a footnote does not depend on the order of its frame."""
    codes = catalogue.state_codes()
    iso3 = row.get("iso3")
    if isinstance(iso3, str) and iso3 in codes:
        return (codes.index(iso3), "")
    return (len(codes), _who(row))


def _reason(row) -> str | None:
    if "indicator" in row and pd.notna(row.get("indicator")):
        return catalogue.flag_reason(row["indicator"], row["iso3"], int(row["year"]), row["flag"])
    for note in catalogue.observation_notes(measure=row["measure"]):
        if (note.flag == row["flag"] and note.origin == row["origin_iso3"]
                and note.destination == row["destination_iso3"] and note.covers(row["year"])):
            return note.reason
    return catalogue.RULE_REASONS.get(row["flag"]) or catalogue.FLAG_MEANINGS.get(row["flag"])


def footnote(frame: pd.DataFrame) -> str | None:
    """Sentences on the flagged rows of `frame` (indicator or corridor rows with a flag
    column), or None when none is flagged or annotated."""
    if frame.empty or "flag" not in frame.columns:
        return None
    parts: list[str] = []
    flagged = frame[frame["flag"] != ""]
    # Breaks: each named, with its reason, since a change across it is not a change in people.
    seen = set()
    for _, row in flagged[flagged["flag"] == "B"].sort_values("year").iterrows():
        reason = _reason(row)
        if (reason, _who(row)) in seen:
            continue
        seen.add((reason, _who(row)))
        parts.append(f"Break in series ({_who(row)}, {int(row['year'])}): {reason}.")
    for code, lead in (("M", "Not reported, left as gaps"), ("E", "Estimate"),
                       ("F", "Projection"), ("U", "Hollow markers or bars")):
        rows = flagged[flagged["flag"] == code]
        if rows.empty:
            continue
        by_reason: dict[str, dict[str, set]] = {}
        for _, row in sorted(rows.iterrows(), key=lambda item: _order(item[1])):
            by_reason.setdefault(_reason(row) or "", {}).setdefault(_who(row), set()) \
                .add(int(row["year"]))
        for reason, who in by_reason.items():
            spans = {year_span(y) for y in who.values()}
            if len(who) > 3 and len(spans) == 1:  # the same years for many: say it once
                listed = f"{spans.pop()}, {len(who)} states"
            else:
                listed = "; ".join(f"{w} {year_span(y)}" for w, y in who.items())
            parts.append(f"{lead} ({listed}): {reason}.")
    if "indicator" in frame.columns:
        for note in catalogue.OBSERVATION_NOTES:
            if note.flag or note.indicator is None:
                continue
            hit = frame[(frame["indicator"] == note.indicator) & (frame["iso3"] == note.iso3)
                        & frame["year"].isin(note.years or ())]
            if not hit.empty:
                parts.append(f"{fmt.name(note.iso3)} {year_span(hit['year'])}: {note.reason} "
                             f"({note.source}).")
    parts += _unreviewed(frame)
    return " ".join(parts) or None


def unreviewed_notes(frame: pd.DataFrame) -> pd.DataFrame:
    """The screen's unreviewed hits (data/processed/observation_notes.parquet, kind
    "unreviewed") on the rows of `frame` (indicator or corridor rows)."""
    notes = load.observation_notes(missing_ok=True)
    notes = notes[notes["kind"] == UNREVIEWED]
    if notes.empty or frame.empty:
        return notes.iloc[0:0]
    if "indicator" in frame.columns:
        keys = ["indicator", "iso3", "year"]
    elif "measure" in frame.columns:
        keys = ["measure", "origin_iso3", "destination_iso3", "year"]
    else:
        return notes.iloc[0:0]
    drawn = frame[keys].dropna(subset=["year"]).drop_duplicates().astype({"year": "int64"})
    return notes.merge(drawn, on=keys, how="inner")


def _unreviewed(frame: pd.DataFrame) -> list[str]:
    """A sentence per unreviewed hit the frame draws: published as such, never read as real
    change, until someone reviews it (catalogue.OBSERVATION_NOTES)."""
    out = []
    for _, row in unreviewed_notes(frame).iterrows():
        reason = str(row["reason"]).removeprefix("not yet reviewed: ")
        who = (fmt.name(row["iso3"]) if isinstance(row["iso3"], str) and row["iso3"]
               else f"{fmt.name(row['origin_iso3'])} to {fmt.name(row['destination_iso3'])}")
        out.append(f"Not yet reviewed ({who}, {int(row['year'])}): {reason}.")
    return out
