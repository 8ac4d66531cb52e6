"""`python -m analysis build`: data/raw → data/processed.

Reads only data/raw (checked against the manifest), derives the processed tables, validates
them, and only then replaces the processed files (each written to a temporary file and renamed),
so a failed build leaves the previous processed files as they were.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis import atomic, catalogue, providers, rawstore, swap, transform, validate
from analysis import screen as jump_screen
from analysis.paths import Paths
from analysis.providers import ProcessedTable
from analysis.rawfiles import RawData

log = logging.getLogger(__name__)


def _latest_years(table: pd.DataFrame, key: str, provider_of: dict[str, str]) -> dict[str, int]:
    years = table.groupby(table[key].map(provider_of))["year"].max()
    return {str(p): int(y) for p, y in years.items()}


def published_indicators(raw: RawData, skip: frozenset[str] = frozenset()) -> pd.DataFrame:
    """The base (not derived) indicators as the providers published them: no notes applied."""
    parts = [providers.get(ind.provider).indicator_rows(raw, ind)
             for ind in catalogue.INDICATORS
             if ind.provider != "derived" and ind.provider not in skip]
    return pd.concat(parts, ignore_index=True)


def build_indicators(raw: RawData, last_updated: dict[str, str | None] | None = None,
                     skip: frozenset[str] = frozenset(),
                     published: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every catalogue indicator (but those of the providers in `skip`, see `absent_providers`).
    Flags from the reviewed notes and from a provider's part year (`last_updated`: provider id
    -> the provider's update date) are set on the base series before the derived ones are
    computed, so a ratio inherits them. `published`: `published_indicators` if already read."""
    base = published_indicators(raw, skip) if published is None else published
    provider_of = {i.id: i.provider for i in catalogue.INDICATORS}
    partial = transform.partial_years(_latest_years(base, "indicator", provider_of),
                                      last_updated or {})
    base = transform.apply_notes(base, partial)
    derived = [transform.derived(base, ind) for ind in catalogue.INDICATORS
               if ind.provider == "derived"]
    table = pd.concat([base, *derived], ignore_index=True)
    return table.sort_values(["indicator", "iso3", "year"], ignore_index=True)


def published_corridors(raw: RawData, skip: frozenset[str] = frozenset()) -> pd.DataFrame:
    """The corridor rows as the providers published them: no notes applied."""
    parts = [providers.get(measure.provider).corridor_rows(raw, measure)
             for measure in catalogue.CORRIDOR_MEASURES if measure.provider not in skip]
    return pd.concat(parts, ignore_index=True)


def build_corridors(raw: RawData, last_updated: dict[str, str | None] | None = None,
                    skip: frozenset[str] = frozenset(),
                    published: pd.DataFrame | None = None) -> pd.DataFrame:
    table = published_corridors(raw, skip) if published is None else published
    provider_of = {m.id: m.provider for m in catalogue.CORRIDOR_MEASURES}
    partial = transform.partial_years(_latest_years(table, "measure", provider_of),
                                      last_updated or {})
    table = transform.apply_notes(table, partial)
    return table.sort_values(["measure", "origin_iso3", "destination_iso3", "year"],
                             ignore_index=True)


def observation_notes(raw: RawData, published: pd.DataFrame, published_corr: pd.DataFrame,
                      skip: frozenset[str] = frozenset()) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The jump screen on the published values and the review of its hits (analysis.screen):
    (observation_notes table, the unreviewed hits)."""
    flows = raw.get("unhcr", "flows.csv") \
        if "unhcr" not in skip and raw.has("unhcr", "flows.csv") else None
    hits = jump_screen.screen(published, published_corr,
                            jump_screen.flow_parts(flows, published_corr))
    return jump_screen.notes_table(published, published_corr, hits)


def provider_tables(skip: frozenset[str] = frozenset()) -> list[tuple[str, ProcessedTable]]:
    """(provider id, table) for each provider's processed tables of its own (records,
    breakdowns), written beside indicators and corridors."""
    return [(provider.id, table) for provider in providers.all_providers()
            for table in provider.tables if provider.id not in skip]


def build_tables(raw: RawData, skip: frozenset[str] = frozenset()) -> dict[str, pd.DataFrame]:
    return {table.name: table.build(raw) for _, table in provider_tables(skip)}


def check_tables(raw: RawData, tables: dict[str, pd.DataFrame],
                 skip: frozenset[str] = frozenset()) -> None:
    for _, table in provider_tables(skip):
        schema = validate.TABLE_SCHEMAS.get(table.name)
        if schema is not None:
            validate.check_table(tables[table.name], schema(), table.name)
        if table.check is not None:
            table.check(raw, tables[table.name])


def build_country_names(corridors: pd.DataFrame) -> pd.DataFrame:
    codes = set(catalogue.state_codes()) | set(corridors["origin_iso3"]) | set(
        corridors["destination_iso3"])
    return pd.DataFrame({"iso3": sorted(codes),
                         "name": [catalogue.un_name(c) for c in sorted(codes)]})


def last_updated(manifest: dict) -> dict[str, str | None]:
    """Per provider, the provider's own last-update (or publication) date from the manifest."""
    out = {}
    for provider in providers.all_providers():
        vintage = manifest["sources"].get(provider.id, {}).get("vintage", {})
        out[provider.id] = vintage.get("last_updated") or vintage.get("date_published")
    return out


def data_vintage(manifest: dict, indicators: pd.DataFrame, corridors: pd.DataFrame,
                 tables: dict[str, pd.DataFrame]) -> dict:
    """Per source: when it was retrieved, the provider's dates, and the latest year present in
    the processed tables that came from it."""
    latest: dict[str, int] = {}
    by_provider = {i.id: i.provider for i in catalogue.INDICATORS}
    for ind_id, year in indicators.groupby("indicator")["year"].max().items():
        provider = by_provider[ind_id]
        if provider != "derived":
            latest[provider] = max(latest.get(provider, 0), int(year))
    for measure_id, year in corridors.groupby("measure")["year"].max().items():
        provider = catalogue.corridor_measure(measure_id).provider
        latest[provider] = max(latest.get(provider, 0), int(year))
    for provider_id, table in provider_tables():
        if table.name not in tables:
            continue  # a provider left out of this build (absent_providers)
        years = tables[table.name].get("year")
        if years is not None and years.notna().any():
            latest[provider_id] = max(latest.get(provider_id, 0), int(years.max()))
    out = {}
    for provider in providers.all_providers():
        entry = manifest["sources"].get(provider.id, {})
        vintage = entry.get("vintage", {})
        # Retrieved from the provider: for a snapshot, when its maker downloaded it (our copy's
        # time is kept as snapshot_copied_at); for a live fetch, when we did.
        snapshot = entry.get("mode") == "snapshot"
        out[provider.id] = {
            "provider": provider.name,
            "mode": entry.get("mode"),
            "retrieved_at": (vintage.get("date_accessed") if snapshot else None)
            or entry.get("retrieved_at"),
            "snapshot_copied_at": entry.get("retrieved_at") if snapshot else None,
            "last_updated": vintage.get("last_updated") or vintage.get("date_published"),
            "latest_year_present": latest.get(provider.id),
            "title": vintage.get("title"),
            "licence": vintage.get("licence"),
            "citation": vintage.get("citation"),
            "url": vintage.get("url_main") or vintage.get("api"),
            # raw files of a later (or earlier) release than the rest: their own dates
            "files": vintage.get("file_vintage") or {},
        }
    return out


def _write_parquet(frame: pd.DataFrame, target: Path) -> None:
    with atomic.atomic_path(target) as tmp:
        frame.to_parquet(tmp, index=False, engine="pyarrow", compression="zstd")


def _write_json(data: dict, target: Path) -> None:
    atomic.write_text(target, json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False)
                      + "\n")


@dataclass
class BuildResult:
    indicators: int
    corridors: int
    tables: dict[str, int]  # rows of each provider table, by its label
    warnings: list[str]


def absent_providers(paths: Paths) -> frozenset[str]:
    """Providers with no live client yet, or whose live client needs a setting the user may not
    have (IDMC's client id), whose raw files were never fetched (a live-only data folder): the
    build leaves their indicators, measures and tables out, saying so. Any other provider must
    be present."""
    sources = rawstore.load_manifest(paths)["sources"]
    return frozenset(p.id for p in providers.all_providers()
                     if (not p.has_live_client or p.live_requires) and p.id not in sources)


def run_build(paths: Paths) -> BuildResult:
    skip = absent_providers(paths)
    manifest, warnings = rawstore.verify(paths, [p for p in providers.IDS if p not in skip])
    if skip:
        warnings = [*warnings, f"build: no raw data for {', '.join(sorted(skip))} (no live "
                    "client yet, or one needing a setting such as IDMC_CLIENT_ID; fetch them "
                    "with --snapshot): their indicators, corridor measures and tables are left "
                    "out"]
    for warning in warnings:
        log.warning(warning)
    raw = RawData(paths)
    updated = last_updated(manifest)
    published = published_indicators(raw, skip)
    published_corr = published_corridors(raw, skip)
    indicators = build_indicators(raw, updated, skip, published)
    corridors = build_corridors(raw, updated, skip, published_corr)
    tables = build_tables(raw, skip)
    notes, unreviewed = observation_notes(raw, published, published_corr, skip)
    line = jump_screen.warning_line(unreviewed)
    if line:  # fresh data may bring a jump no one has reviewed: published as such, no stop
        log.warning(line)
        warnings = [*warnings, line]

    validate.check_table(indicators, validate.indicators_schema(), str(paths.indicators))
    validate.check_indicator_bounds(indicators, str(paths.indicators))
    validate.check_table(corridors, validate.corridors_schema(), str(paths.corridors))
    check_tables(raw, tables, skip)
    validate.check_table(notes, validate.observation_notes_schema(), str(paths.observation_notes))

    # Everything is checked: only now replace the processed folder, as a whole.
    with swap.replace_dir(paths.processed) as staging:
        _write_parquet(indicators, staging / paths.indicators.name)
        _write_parquet(corridors, staging / paths.corridors.name)
        for name, frame in tables.items():
            _write_parquet(frame, staging / f"{name}.parquet")
        _write_parquet(notes, staging / paths.observation_notes.name)
        _write_parquet(build_country_names(corridors), staging / paths.country_names.name)
        _write_json(catalogue.to_dict(), staging / paths.catalogue_json.name)
        _write_json(data_vintage(manifest, indicators, corridors, tables),
                    staging / paths.vintage_json.name)
    rows = {table.label: len(tables[table.name]) for _, table in provider_tables(skip)}
    return BuildResult(len(indicators), len(corridors), rows, warnings)
