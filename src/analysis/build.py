"""`python -m analysis build`: data/raw → data/processed.

Reads only data/raw (checked against the manifest), derives the processed tables, validates
them, and only then replaces the processed files (each written to a temporary file and renamed),
so a failed build leaves the previous processed files as they were.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis import atomic, catalogue, countries, rawfiles, rawstore, swap, transform, validate
from analysis.errors import AnalysisError, DataError
from analysis.paths import Paths

log = logging.getLogger(__name__)

PROJECTION_FILE = "population_wpp2024_projection.csv"

@dataclass
class RawData:
    """Checked raw frames, read once each on first use."""

    paths: Paths
    _frames: dict = field(default_factory=dict)

    def path(self, provider: str, name: str) -> Path:
        return self.paths.raw_file(provider, name)

    def has(self, provider: str, name: str) -> bool:
        return self.path(provider, name).is_file()

    def get(self, provider: str, name: str) -> pd.DataFrame:
        key = (provider, name)
        if key not in self._frames:
            self._frames[key] = rawfiles.read_raw(self.path(provider, name),
                                                  rawfiles.spec(provider, name))
        return self._frames[key]


def _population(raw: RawData) -> pd.DataFrame:
    ind = catalogue.indicator("population")
    if raw.has("undesa", "population_wpp2024.csv"):
        wpp = raw.get("undesa", "population_wpp2024.csv")
        rows = transform.indicator_rows(wpp, ind, "iso3", "population")
        if raw.has("undesa", PROJECTION_FILE):
            projection = raw.get("undesa", PROJECTION_FILE)
            rows = pd.concat([rows, transform.projected_population(projection, ind,
                                                                   int(rows["year"].max()))],
                             ignore_index=True)
        return rows
    # Live builds: the UN WPP file is not downloaded; World Bank SP.POP.TOTL stands in.
    wb = raw.get("worldbank", "indicators.csv")
    code = catalogue.WORLDBANK_POPULATION_CODE
    rows = transform.worldbank_indicator(wb, ind, code=code, source=f"World Bank: {code}")
    if rows.empty:
        raise DataError(raw.path("worldbank", "indicators.csv"),
                        f"no population: neither undesa/population_wpp2024.csv nor {code} rows")
    return rows


def _latest_years(table: pd.DataFrame, key: str, provider_of: dict[str, str]) -> dict[str, int]:
    years = table.groupby(table[key].map(provider_of))["year"].max()
    return {str(p): int(y) for p, y in years.items()}


def build_indicators(raw: RawData, last_updated: dict[str, str | None] | None = None
                     ) -> pd.DataFrame:
    """Every catalogue indicator. Flags from the reviewed notes and from a provider's part year
    (`last_updated`: provider id -> the provider's update date) are set on the base series
    before the derived ones are computed, so a ratio inherits them."""
    wb = raw.get("worldbank", "indicators.csv")
    parts = []
    for ind in catalogue.INDICATORS:
        if ind.provider == "worldbank":
            parts.append(transform.worldbank_indicator(wb, ind))
        elif ind.id == "population":
            parts.append(_population(raw))
        elif ind.id in transform.DECISION_NUMERATORS:
            parts.append(transform.asylum_decisions(raw.get("unhcr", "asylum_decisions.csv"), ind))
        elif ind.provider == "unhcr":
            parts.append(transform.unhcr_sum(raw.get("unhcr", f"{ind.dataset}.csv"), ind))
        elif ind.provider == "undesa":
            parts.append(transform.undesa_stock(raw.get("undesa", ind.dataset), ind))
    base = pd.concat(parts, ignore_index=True)
    provider_of = {i.id: i.provider for i in catalogue.INDICATORS}
    partial = transform.partial_years(_latest_years(base, "indicator", provider_of),
                                      last_updated or {})
    base = transform.apply_notes(base, partial)
    derived = [transform.derived(base, ind) for ind in catalogue.INDICATORS
               if ind.provider == "derived"]
    table = pd.concat([base, *derived], ignore_index=True)
    return table.sort_values(["indicator", "iso3", "year"], ignore_index=True)


def build_corridors(raw: RawData, last_updated: dict[str, str | None] | None = None
                    ) -> pd.DataFrame:
    parts = []
    for measure in catalogue.CORRIDOR_MEASURES:
        if measure.provider == "undesa":
            frame = raw.get("undesa", measure.dataset)
            parts.append(transform.corridor_rows(frame, measure, "origin_iso3", "destination_iso3"))
        else:
            frame = raw.get("unhcr", f"{measure.dataset}.csv")
            parts.append(transform.corridor_rows(frame, measure, "coo_iso", "coa_iso"))
    table = pd.concat(parts, ignore_index=True)
    provider_of = {m.id: m.provider for m in catalogue.CORRIDOR_MEASURES}
    partial = transform.partial_years(_latest_years(table, "measure", provider_of),
                                      last_updated or {})
    table = transform.apply_notes(table, partial)
    return table.sort_values(["measure", "origin_iso3", "destination_iso3", "year"],
                             ignore_index=True)


def build_missing_migrants(raw: RawData) -> pd.DataFrame:
    records = raw.get("iom", "missing_migrants.csv")
    table = transform.missing_migrants(records)
    bad = table["date"].isna() & (records["date"].reset_index(drop=True) != "")
    if bad.any():
        row = int(records.index[bad.to_numpy()][0])
        raise DataError(raw.path("iom", "missing_migrants.csv"), "not a date (YYYY-MM-DD)",
                        column="date", row=row + 2, value=records.at[row, "date"])
    return table


def build_country_names(corridors: pd.DataFrame) -> pd.DataFrame:
    codes = set(catalogue.state_codes()) | set(corridors["origin_iso3"]) | set(
        corridors["destination_iso3"])
    return pd.DataFrame({"iso3": sorted(codes),
                         "name": [countries.display_name(c) for c in sorted(codes)]})


def last_updated(manifest: dict) -> dict[str, str | None]:
    """Per provider, the provider's own last-update (or publication) date from the manifest."""
    out = {}
    for provider in catalogue.PROVIDERS:
        vintage = manifest["sources"].get(provider.id, {}).get("vintage", {})
        out[provider.id] = vintage.get("last_updated") or vintage.get("date_published")
    return out


def data_vintage(manifest: dict, indicators: pd.DataFrame, corridors: pd.DataFrame,
                 missing_migrants: pd.DataFrame) -> dict:
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
    if missing_migrants["year"].notna().any():
        latest["iom"] = int(missing_migrants["year"].max())
    out = {}
    for provider in catalogue.PROVIDERS:
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
    missing_migrants: int
    warnings: list[str]


def run_build(paths: Paths) -> BuildResult:
    manifest, warnings = rawstore.verify(paths, [p.id for p in catalogue.PROVIDERS])
    for warning in warnings:
        log.warning(warning)
    raw = RawData(paths)
    updated = last_updated(manifest)
    indicators = build_indicators(raw, updated)
    corridors = build_corridors(raw, updated)
    mm = build_missing_migrants(raw)

    validate.check_table(indicators, validate.indicators_schema(), str(paths.indicators))
    validate.check_indicator_bounds(indicators, str(paths.indicators))
    validate.check_table(corridors, validate.corridors_schema(), str(paths.corridors))
    if mm["dead_and_missing"].isna().any():
        raise AnalysisError(f"{raw.path('iom', 'missing_migrants.csv')}: column "
                            "'dead_and_missing' has blank cells; every record needs a count")

    # Everything is checked: only now replace the processed folder, as a whole.
    with swap.replace_dir(paths.processed) as staging:
        _write_parquet(indicators, staging / paths.indicators.name)
        _write_parquet(corridors, staging / paths.corridors.name)
        _write_parquet(mm, staging / paths.missing_migrants.name)
        _write_parquet(build_country_names(corridors), staging / paths.country_names.name)
        _write_json(catalogue.to_dict(), staging / paths.catalogue_json.name)
        _write_json(data_vintage(manifest, indicators, corridors, mm),
                    staging / paths.vintage_json.name)
    return BuildResult(len(indicators), len(corridors), len(mm), warnings)
