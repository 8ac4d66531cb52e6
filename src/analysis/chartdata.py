"""The data behind a chart: a CSV of exactly the values it draws, and its citation.

A notebook passes the rows it plotted to `nb.publish(..., data=frame)`, in the processed
tables' own units (not divided for an axis): rows of `nb.indicators` / `nb.corridors` / the
breakdown tables with their columns kept, or, for a value the notebook computed (a share, money
per migrant), a frame with `series`, `unit`, `value`, `source` and the keys that apply. `tidy`
turns any of these into one layout:

    series, iso3, origin_iso3, destination_iso3, year, category, value, unit, flag, source,
    vintage

`check_drawn` then compares the rows with what the figure draws (its lines, bars and dots),
so a CSV cannot hold a number the chart does not show.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

import numpy as np
import pandas as pd
from matplotlib.collections import PathCollection
from matplotlib.container import BarContainer
from matplotlib.lines import Line2D

from analysis import catalogue, load, plotting
from analysis.errors import AnalysisError
from analysis.paths import Paths

COLUMNS = ["series", "iso3", "origin_iso3", "destination_iso3", "year", "category", "value",
           "unit", "flag", "source", "vintage"]

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
    return out[COLUMNS].reset_index(drop=True)


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


def drawn_numbers(fig) -> np.ndarray:
    """Every coordinate of the data the figure draws: lines, bars, dots (both axes)."""
    numbers: list[float] = []
    for ax in fig.axes:
        for line in ax.get_lines():
            if isinstance(line, Line2D):
                numbers += _floats(line.get_xdata()) + _floats(line.get_ydata())
        for container in ax.containers:
            if isinstance(container, BarContainer):
                for bar in container.patches:
                    numbers += [bar.get_x(), bar.get_y(), bar.get_x() + bar.get_width(),
                                bar.get_y() + bar.get_height(), bar.get_width(),
                                bar.get_height()]
        for collection in ax.collections:
            if isinstance(collection, PathCollection):
                numbers += _floats(np.asarray(collection.get_offsets()).ravel())
    values = np.array([n for n in numbers if math.isfinite(n)], dtype=float)
    return np.unique(values)


def _floats(values) -> list[float]:
    out = []
    for v in np.asarray(values, dtype=object).ravel():
        try:
            out.append(float(v))
        except (TypeError, ValueError):
            continue  # dates and category labels are not values
    return out


def not_drawn(rows: pd.DataFrame, fig) -> list[float]:
    """The CSV values (not null) that the figure does not draw at any of `SCALES`."""
    drawn = drawn_numbers(fig)
    values = rows["value"].dropna().to_numpy(dtype=float)
    if values.size == 0:
        return []
    if drawn.size == 0:
        return values.tolist()
    found = np.zeros(values.size, dtype=bool)
    for scale in SCALES:
        scaled = values * scale
        index = np.clip(np.searchsorted(drawn, scaled), 1, drawn.size - 1) \
            if drawn.size > 1 else np.zeros(values.size, dtype=int)
        near = np.minimum(np.abs(drawn[index] - scaled), np.abs(drawn[index - 1] - scaled)) \
            if drawn.size > 1 else np.abs(drawn[0] - scaled)
        found |= near <= 1e-9 * np.maximum(np.abs(scaled), 1e-12) + 1e-12
    return values[~found].tolist()


def check_drawn(rows: pd.DataFrame, fig, where: str) -> None:
    """Refuse a CSV that holds a value the figure does not draw."""
    missing = not_drawn(rows, fig)
    if missing:
        shown = ", ".join(f"{v:g}" for v in missing[:5])
        raise AnalysisError(f"{where}: data= holds {len(missing)} value(s) the chart does not "
                            f"draw (e.g. {shown}); pass exactly the rows plotted, in the "
                            "processed table's units")


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
