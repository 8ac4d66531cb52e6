"""The notebooks' only way to read data: tidy frames from data/processed with the catalogue's
display names joined.

    from analysis import load
    load.indicators(["remittances_received_pct_gdp"], states=["TJK", "KGZ"], years=(2010, 2023))
    load.corridors("migrant_stock", origins=["TJK"], destinations=["RUS"])
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from analysis import catalogue
from analysis.errors import AnalysisError
from analysis.paths import Paths, project_paths

Years = tuple[int, int] | None

# Every processed file read in this process: a notebook's run record lists them, so that the
# report runner reruns the notebook only when one of them changes.
_files_read: set[Path] = set()


def files_read() -> list[Path]:
    """The processed files this process has read so far (for the report's fingerprints)."""
    return sorted(_files_read)


def _as_list(value: str | Iterable[str] | None) -> list[str] | None:
    if value is None:
        return None
    return [value] if isinstance(value, str) else list(value)


def _read(path, columns=None, filters=None) -> pd.DataFrame:
    if not path.exists():
        raise AnalysisError(f"{path}: not built yet; run `make data` (offline: "
                            "`make data SNAPSHOT=../shared/data/snapshot`)")
    _files_read.add(Path(path))
    # An empty "in" list selects nothing (pyarrow refuses it as a filter).
    if any(op == "in" and len(value) == 0 for _, op, value in filters or []):
        return pd.read_parquet(path, columns=columns).iloc[0:0]
    return pd.read_parquet(path, columns=columns, filters=filters or None)


def _year_filters(years: Years) -> list:
    if years is None:
        return []
    start, end = years
    return [("year", ">=", int(start)), ("year", "<=", int(end))]


def _names(paths: Paths) -> dict[str, str]:
    frame = _read(paths.country_names)
    return dict(zip(frame["iso3"], frame["name"], strict=True))


def indicators(ids: str | Iterable[str] | None = None, states: Iterable[str] | None = None,
               years: Years = None, *, paths: Paths | None = None) -> pd.DataFrame:
    """One row per state-year-indicator: iso3, name, role, year, indicator, label, value, unit,
    source, flag (SDMX observation status, see catalogue.FLAG_MEANINGS; value is null exactly
    when flag is M). `years` is an inclusive (first, last) pair."""
    paths = paths or project_paths()
    ids = _as_list(ids)
    states = _as_list(states)
    for ind in ids or []:
        catalogue.indicator(ind)  # raises naming the unknown id
    for iso3 in states or []:
        catalogue.state(iso3)
    filters = _year_filters(years)
    if ids is not None:
        filters.append(("indicator", "in", ids))
    if states is not None:
        filters.append(("iso3", "in", states))
    frame = _read(paths.indicators, filters=filters)
    states_by_code = {s.iso3: s for s in catalogue.STATES}
    frame.insert(1, "name", frame["iso3"].map(lambda c: states_by_code[c].name))
    frame.insert(2, "role", frame["iso3"].map(lambda c: states_by_code[c].role))
    frame.insert(5, "label", frame["indicator"].map(lambda i: catalogue.indicator(i).label))
    return frame.reset_index(drop=True)


def corridors(measure: str | Iterable[str] | None = None,
              origins: Iterable[str] | None = None,
              destinations: Iterable[str] | None = None, years: Years = None, *,
              paths: Paths | None = None) -> pd.DataFrame:
    """Bilateral rows: year, origin_iso3, origin_name, destination_iso3, destination_name,
    measure, value, source, flag (value null exactly when flag is M)."""
    paths = paths or project_paths()
    measures = _as_list(measure)
    for m in measures or []:
        catalogue.corridor_measure(m)
    filters = _year_filters(years)
    if measures is not None:
        filters.append(("measure", "in", measures))
    if origins is not None:
        filters.append(("origin_iso3", "in", _as_list(origins)))
    if destinations is not None:
        filters.append(("destination_iso3", "in", _as_list(destinations)))
    frame = _read(paths.corridors, filters=filters)
    names = _names(paths)
    frame.insert(2, "origin_name", frame["origin_iso3"].map(names))
    frame.insert(4, "destination_name", frame["destination_iso3"].map(names))
    return frame.reset_index(drop=True)


def missing_migrants(states: Iterable[str] | None = None, *,
                     paths: Paths | None = None) -> pd.DataFrame:
    """IOM Missing Migrants records; with `states`, those whose incident country or one of whose
    listed origins is among them."""
    paths = paths or project_paths()
    frame = _read(paths.missing_migrants)
    if states is not None:
        states = set(_as_list(states))
        origins = frame["origin_iso3"].str.split(",").map(lambda codes: bool(
            states & {c.strip() for c in codes}))
        frame = frame[frame["incident_iso3"].isin(states) | origins]
    return frame.reset_index(drop=True)


# -- breakdown tables of borders, trafficking and emergencies (issue 12) ---------------------


def _breakdown(name: str, states, years: Years, paths: Paths | None) -> pd.DataFrame:
    paths = paths or project_paths()
    filters = _year_filters(years)
    if states is not None:
        filters.append((catalogue.breakdown_table(name).state_column, "in", _as_list(states)))
    return _read(paths.processed / f"{name}.parquet", filters=filters).reset_index(drop=True)


def trafficking_breakdowns(states: Iterable[str] | None = None, years: Years = None, *,
                           paths: Paths | None = None) -> pd.DataFrame:
    """UNODC GLOTIP rows of the states that reported them (`iso3`): totals and breakdowns by
    sex and age, form of exploitation, citizenship and country of repatriation. Never sum
    across dimensions; `<5` is null with flag M; `part` numbers labels the export repeats."""
    return _breakdown("trafficking_breakdowns", states, years, paths)


def frontex_routes(nationalities: Iterable[str] | None = None, years: Years = None, *,
                   paths: Paths | None = None) -> pd.DataFrame:
    """Frontex detections (not people) by nationality, route and border type, per year; the
    running year flagged P."""
    return _breakdown("frontex_routes", nationalities, years, paths)


def displacement_by_cause(states: Iterable[str] | None = None, years: Years = None, *,
                          paths: Paths | None = None) -> pd.DataFrame:
    """IDMC new internal displacements (movements, not people) by cause: `kind` conflict or
    disaster, `cause` the hazard."""
    return _breakdown("displacement_by_cause", states, years, paths)


_NOTE_COLUMNS = ["indicator", "measure", "iso3", "origin_iso3", "destination_iso3", "year",
                 "flag", "kind", "reason", "source"]


# The notes table, read once per process and file version: every chart's CSV and footnote
# looks its rows up in it (hundreds of times in one notebook).
_NOTES_CACHE: dict[tuple[str, int], pd.DataFrame] = {}


def _notes_table(path: Path) -> tuple[tuple, pd.DataFrame]:
    """The notes table and the version it was kept under: its time read before the table, so
    that a table rebuilt meanwhile is kept under the old time and read again next time."""
    key = (str(path), path.stat().st_mtime_ns) if path.exists() else None
    if key is None or key not in _NOTES_CACHE:
        table = _read(path)  # raises, naming the file, when it is not built
        _NOTES_CACHE.clear()
        _NOTES_CACHE[key] = table
    _files_read.add(Path(path))
    return key, _NOTES_CACHE[key]


# Per table version and grouping: the notes' texts joined per observation (chart CSVs look
# every row up in them; the groupby, with its Python join, cost a tenth of a second a chart).
_NOTE_TEXTS_CACHE: dict[tuple, pd.DataFrame] = {}


def observation_note_texts(column: str, key: tuple[str, ...], *,
                           paths: Paths | None = None) -> pd.DataFrame:
    """The notes on `column`'s series ("indicator" or "measure"), one row per series (named
    `series`) and `key` (e.g. ("iso3", "year")): `text`, each note's "kind: reason", several
    joined by " | " in the table's order; `year` as float. No table yet: no rows."""
    paths = paths or project_paths()
    path = paths.observation_notes
    if not path.exists():
        return pd.DataFrame(columns=["series", *key, "text"])
    version, notes = _notes_table(path)
    cache_key = (*version, column, tuple(key))  # the version read, not the file's time now
    if cache_key not in _NOTE_TEXTS_CACHE:
        mine = notes[notes[column].notna() & (notes[column] != "")]
        mine = mine.assign(text=mine["kind"] + ": " + mine["reason"],
                           year=mine["year"].astype("float"))
        grouped = (mine.groupby([column, *key])["text"].agg(" | ".join).reset_index()
                   .rename(columns={column: "series"}))
        if len(_NOTE_TEXTS_CACHE) > 8:  # older table versions
            _NOTE_TEXTS_CACHE.clear()
        _NOTE_TEXTS_CACHE[cache_key] = grouped
    return _NOTE_TEXTS_CACHE[cache_key]


def observation_notes(states: Iterable[str] | None = None, years: Years = None, *,
                      paths: Paths | None = None, missing_ok: bool = False) -> pd.DataFrame:
    """The review behind the flags, one row per noted observation: `indicator` and `iso3`, or
    `measure` with `origin_iso3`/`destination_iso3` (with `states`, rows of those states on
    either side); `year`, `flag` (empty for a real event), `kind` (break, not reported,
    estimate, coverage, event, or unreviewed: a jump the screen found that no one has reviewed
    yet, not to be read as real change), `reason` and `source`. `missing_ok`: no table yet (a
    chart drawn from self-made frames, outside a built project) gives no notes, not an error."""
    paths = paths or project_paths()
    if missing_ok and not paths.observation_notes.exists():
        return pd.DataFrame(columns=_NOTE_COLUMNS)
    _, frame = _notes_table(paths.observation_notes)
    if years is not None:
        frame = frame[frame["year"].between(int(years[0]), int(years[1]))]
    if states is not None:
        states = _as_list(states)
        for iso3 in states:
            catalogue.state(iso3)
        frame = frame[frame["iso3"].isin(states) | frame["origin_iso3"].isin(states)
                      | frame["destination_iso3"].isin(states)]
    return frame.reset_index(drop=True)


def vintage(*, paths: Paths | None = None) -> dict:
    """Per source: retrieval time, provider's last update, latest year present, licence."""
    paths = paths or project_paths()
    if not paths.vintage_json.exists():
        raise AnalysisError(f"{paths.vintage_json}: not built yet; run `make data`")
    _files_read.add(paths.vintage_json)
    return json.loads(paths.vintage_json.read_text(encoding="utf-8"))
