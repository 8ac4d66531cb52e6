"""The data behind a chart: a CSV of exactly the values it draws, and its citation.

A notebook passes the rows it plotted to `nb.publish(..., data=frame)`, in the processed
tables' own units (not divided for an axis): rows of `nb.indicators` / `nb.corridors` / the
breakdown tables with their columns kept, or, for a value the notebook computed (a share, money
per migrant), a frame with `series`, `unit`, `value`, `source` and the keys that apply. `tidy`
turns any of these into one layout:

    series, iso3, name, origin_iso3, origin_name, destination_iso3, destination_name, year,
    category, value, unit, flag, note, source, vintage

(each `*_name` the code's name as the UN writes it, catalogue.un_name; empty without a code).
`note` is the review of that observation (data/processed/observation_notes.parquet: "break:
...", "event: ...", or "unreviewed: ..." for a jump the build's screen found and no one has
reviewed yet), empty for the rest.

`check_drawn` then compares the rows with what the figure draws (its lines, bars and dots),
so a CSV cannot hold a number the chart does not show.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

import pandas as pd

from analysis import catalogue, load, plotting
from analysis.errors import AnalysisError
from analysis.paths import Paths

COLUMNS = ["series", "iso3", "name", "origin_iso3", "origin_name", "destination_iso3",
           "destination_name", "year", "category", "value", "unit", "flag", "note", "source",
           "vintage"]
# The code columns and the name column beside each.
NAME_COLUMNS = {"iso3": "name", "origin_iso3": "origin_name",
                "destination_iso3": "destination_name"}
_INDICATOR_KEY = ["iso3", "year"]
_CORRIDOR_KEY = ["origin_iso3", "destination_iso3", "year"]

# An axis may show values in thousands, millions or billions, or a share as a percentage.
SCALES = (1.0, 1e-3, 1e-6, 1e-9, 100.0)


def _breakdown_of(frame: pd.DataFrame) -> catalogue.BreakdownTable | None:
    """The breakdown table whose rows `frame` holds: its state and value columns and at least
    one of the columns naming a row's category (a computed `series` is never one)."""
    columns = set(frame.columns)
    if columns & {"measure", "series"}:
        return None
    for table in catalogue.BREAKDOWN_TABLES:
        if {table.state_column, table.value_column} <= columns \
                and columns & set(table.label_columns):
            return table
    return None


def tidy(frame: pd.DataFrame, *, chart_source: str, where: str,
         paths: Paths | None = None) -> pd.DataFrame:
    """`frame` (what a notebook plotted) in the CSV layout; raises naming the missing column."""
    if not isinstance(frame, pd.DataFrame):
        raise AnalysisError(f"{where}: data= must be a DataFrame of the values drawn, "
                            f"not {type(frame).__name__}")
    table = _breakdown_of(frame)
    ids = [c for c in ("indicator", "measure", "series") if c in frame.columns]
    if len(ids) > 1 and table is None:  # rows of several kinds, e.g. an indicator and a ratio
        return _tidy_mixed(frame, ids, chart_source=chart_source, where=where, paths=paths)
    out = pd.DataFrame(index=frame.index)
    if "indicator" in frame.columns and table is None:
        out["series"] = frame["indicator"]
        out["iso3"] = frame.get("iso3")
        out["unit"] = frame["indicator"].map(lambda i: catalogue.indicator(i).unit)
        source_of = {i: _series_source(indicators=[i], paths=paths)
                     for i in frame["indicator"].unique()}
        out["vintage"] = frame["indicator"].map(source_of)
    elif "measure" in frame.columns:
        out["series"] = frame["measure"]
        out["origin_iso3"] = frame.get("origin_iso3")
        out["destination_iso3"] = frame.get("destination_iso3")
        out["unit"] = frame["measure"].map(lambda m: catalogue.corridor_measure(m).unit)
        source_of = {m: _series_source(measures=[m], paths=paths)
                     for m in frame["measure"].unique()}
        out["vintage"] = frame["measure"].map(source_of)
    elif table is not None:
        out["series"] = frame["indicator"] if "indicator" in frame.columns else table.name
        out["iso3"] = frame[table.state_column]
        present = [c for c in table.label_columns if c in frame.columns]
        out["category"] = frame[present].astype(str).agg(" | ".join, axis=1)
        out["value"] = frame[table.value_column]
        out["unit"] = table.unit or frame["indicator"].map(
            lambda i: _unit_or(i, "people"))
        entry = load.vintage(paths=paths).get(table.provider, {})
        name = entry.get("provider") or catalogue.provider(table.provider).name
        out["source"] = f"{name}: {table.name}"
        out["vintage"] = f"{name} ({table.name}), {plotting.vintage_phrase(entry)}"
    elif "series" in frame.columns:
        missing = [c for c in ("unit", "value", "source") if c not in frame.columns]
        if missing:
            raise AnalysisError(f"{where}: data= with a computed `series` needs column(s) "
                                f"{', '.join(missing)}")
        out["series"] = frame["series"]
        out["unit"] = frame["unit"]
        out["vintage"] = chart_source.removeprefix("Source: ")
    else:
        raise AnalysisError(f"{where}: data= needs an `indicator`, `measure` or `series` "
                            f"column, or a breakdown table's rows; got columns "
                            f"{', '.join(map(str, frame.columns))}")
    if "value" not in frame.columns and "value" not in out.columns:
        raise AnalysisError(f"{where}: data= has no `value` column")
    for column in ("iso3", "origin_iso3", "destination_iso3", "year", "category", "value",
                   "flag", "source"):
        if column not in out.columns:
            out[column] = frame[column] if column in frame.columns else None
    out["year"] = pd.array(out["year"], dtype="Int64")
    out["flag"] = out["flag"].fillna("").astype(str)
    out["value"] = pd.to_numeric(out["value"], errors="raise").astype(float)
    out["note"] = _notes(out, paths)
    for code, name in NAME_COLUMNS.items():
        out[name] = out[code].map(_name_of_code)
    return out[COLUMNS].reset_index(drop=True)


def _name_of_code(code) -> str | None:
    return None if pd.isna(code) or code == "" else catalogue.un_name(str(code))


def _notes(rows: pd.DataFrame, paths: Paths | None) -> pd.Series:
    """Each row's observation notes ("kind: reason", several joined by " | "), or ""."""
    found = pd.Series("", index=rows.index, dtype=object)
    if rows.empty:
        return found
    keyed = rows.assign(_row=rows.index, year=rows["year"].astype("float"))
    for column, key in (("indicator", _INDICATOR_KEY), ("measure", _CORRIDOR_KEY)):
        texts = load.observation_note_texts(column, tuple(key), paths=paths)
        if texts.empty:
            continue
        hit = keyed.merge(texts, on=["series", *key], how="inner")
        found.loc[hit["_row"]] = hit["text"].to_numpy()
    return found


def _tidy_mixed(frame: pd.DataFrame, ids: list[str], **kw) -> pd.DataFrame:
    """Each row by the first of `ids` it names, in the frame's order."""
    kind = pd.Series(None, index=frame.index, dtype=object)
    for column in reversed(ids):
        kind = kind.mask(frame[column].notna(), column)
    if kind.isna().any():
        row = int(kind.isna().to_numpy().nonzero()[0][0])
        raise AnalysisError(f"{kw['where']}: data= row {row} names no {', '.join(ids)}")
    parts = []
    for column in ids:
        rows = frame[kind == column].drop(columns=[c for c in ids if c != column])
        if not rows.empty:
            parts.append(tidy(rows, **kw).set_axis(rows.index))
    return pd.concat(parts).loc[frame.index].reset_index(drop=True)


def _unit_or(indicator: str, default: str) -> str:
    try:
        return catalogue.indicator(indicator).unit
    except KeyError:
        return default


def _series_source(*, indicators: Iterable[str] = (), measures: Iterable[str] = (),
                   paths: Paths | None) -> str:
    """One series' provider, code and vintage, as the chart footer states it."""
    return plotting.source_note(indicators, measures, paths=paths).removeprefix("Source: ") \
        .removesuffix(".")


def check_drawn(rows: pd.DataFrame, fig, where: str) -> None:
    """Refuse a CSV that differs from what the figure draws: every CSV value must be a point
    the plotting helpers noted (`plotting.record_point`), with the same year and state, and
    every noted point must be a CSV row. A figure that draws values but noted none was drawn
    with bare matplotlib calls: it must note its points."""
    values = rows["value"].notna()
    points = plotting.drawn_points(fig)
    if not points:
        if values.any():
            raise AnalysisError(f"{where}: the chart noted no drawn points but data= holds "
                                f"{int(values.sum())} value(s); draw with the plotting "
                                "helpers or note each point with plotting.record_point")
        return
    lonely_rows, lonely_points = unmatched(rows, points)
    problems = []
    if lonely_rows:
        shown = ", ".join(_describe(rows.loc[i]) for i in lonely_rows[:3])
        problems.append(f"data= holds {len(lonely_rows)} value(s) the chart does not draw "
                        f"(e.g. {shown})")
    if lonely_points:
        shown = ", ".join(f"{v:g} {list(k)}" for v, k in lonely_points[:3])
        problems.append(f"the chart draws {len(lonely_points)} point(s) data= lacks "
                        f"(e.g. {shown})")
    if problems:
        raise AnalysisError(f"{where}: {'; '.join(problems)}; pass exactly the rows plotted, "
                            "in the processed table's units")


def _describe(row: pd.Series) -> str:
    ids = [str(row[c]) for c in ("series", "iso3", "origin_iso3", "destination_iso3", "year",
                                 "category") if c in row.index and pd.notna(row[c])]
    return f"{row['value']:g} [{' '.join(ids)}]"


def _identities(rows: pd.DataFrame) -> dict:
    """key (a year, or a state code, series or category) -> the row labels it identifies."""
    index: dict = {}
    for column in ("series", "iso3", "origin_iso3", "destination_iso3", "category", "year"):
        if column not in rows.columns:
            continue
        for label, key in rows[column].items():
            if pd.isna(key) or key == "":
                continue
            key = str(key) if column != "year" else int(key)
            index.setdefault(key, set()).add(label)
    return index


def unmatched(rows: pd.DataFrame, points: list[tuple[float, tuple]]
              ) -> tuple[list, list[tuple[float, tuple]]]:
    """The CSV rows (labels) with a value that no drawn point accounts for, and the drawn
    points that no CSV row accounts for. A point matches a row when its keys (year, state,
    series, category) all identify the row and its value equals the row's at one of
    `SCALES` (an axis in thousands, millions, or a share as a percentage)."""
    present = rows[rows["value"].notna()]
    values = present["value"].astype(float)
    index = _identities(present)
    matched: set = set()
    lonely_points = []
    for value, keys in points:
        # A year must match; a text key that names nothing in the CSV is a display label
        # (a country's name, a wrapped category) and does not narrow the match.
        sets = sorted((index.get(key, set()) for key in keys
                       if not isinstance(key, str) or key in index), key=len)
        candidates = set(sets[0]).intersection(*sets[1:]) if sets else set(present.index)
        hits = [label for label in candidates
                if any(math.isclose(values[label] * scale, value, rel_tol=1e-9, abs_tol=1e-12)
                       for scale in SCALES)]
        if hits:
            matched.update(hits)
        elif value != 0:  # a zero-length bar or segment (a gap in a stack) draws nothing
            lonely_points.append((value, keys))
    lonely_rows = [label for label in present.index if label not in matched]
    return lonely_rows, lonely_points


def citation(rows: pd.DataFrame, chart_title: str, report_title: str, name: str,
             paths: Paths | None = None) -> str:
    """The providers' requested citations for the series in `rows`, then ours."""
    vintage = load.vintage(paths=paths)
    by_name = {e["provider"]: e for e in vintage.values() if e.get("provider")}
    cited: list[str] = []
    texts = rows["vintage"].dropna().unique().tolist() + rows["source"].dropna().unique().tolist()
    for text in texts:
        # A footer names several sources, one sentence each; a sentence starts with the
        # provider's name (the longest that fits: "World Bank / KNOMAD", not "World Bank").
        for part in re.split(r"\. (?=[A-Z])", str(text)):
            names = [n for n in by_name if part.startswith(n)]
            if not names:
                continue
            entry = by_name[max(names, key=len)]
            if entry.get("citation") and entry["citation"] not in cited:
                cited.append(entry["citation"])
    ours = f"{report_title}, chart “{chart_title}” ({name})."
    return "; ".join(cited + [ours]) if cited else ours
