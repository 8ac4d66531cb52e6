"""Offline intake: bring a snapshot folder (laid out like ../shared/data/snapshot) into data/raw.

Each provider's files are copied as they are, checked with the same reader the build uses, and
only then replace the provider's raw folder and manifest entry (see rawstore).
"""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

from analysis import providers, rawfiles, rawstore
from analysis.errors import DataError
from analysis.paths import Paths

log = logging.getLogger(__name__)

# sources.json keys copied into the manifest's vintage for each provider
VINTAGE_KEYS = ("producer", "title", "version_producer", "date_published", "date_accessed",
                "latest_year", "licence", "citation", "url_main", "api",
                # a folder that mixes releases: file name -> that file's own dates (the
                # publication date may be one per series code)
                "file_vintage", "latest_period")


def read_sources_json(snapshot_dir: Path) -> dict:
    path = snapshot_dir / "sources.json"
    if not path.is_file():
        raise DataError(path, "file not found; a snapshot folder carries its provenance in "
                              "sources.json")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise DataError(path, f"not valid JSON ({exc})") from None


def _unchanged_entry(paths: Paths, provider_id: str, source_dir: Path,
                     names: tuple[str, ...]) -> dict | None:
    """The manifest's files if data/raw already holds exactly this snapshot's files (same origin,
    same sha256, nothing added or missing): then nothing is copied and the manifest keeps its
    dates, so builds and reports downstream see no change and stay up to date."""
    entry = rawstore.load_manifest(paths)["sources"].get(provider_id)
    if entry is None or entry.get("mode") != "snapshot":
        return None
    present = [name for name in names if (source_dir / name).is_file()]
    if sorted(present) != sorted(entry["files"]):
        return None
    for name in present:
        recorded = entry["files"][name]
        raw = paths.raw_file(provider_id, name)
        if (recorded["origin"] != str(source_dir / name) or not raw.is_file()
                or rawstore.sha256_of(source_dir / name) != recorded["sha256"]
                or rawstore.sha256_of(raw) != recorded["sha256"]):
            return None
    return entry["files"]


def fetch_provider(paths: Paths, snapshot_dir: Path, provider_id: str, sources: dict,
                   refresh: bool = False) -> tuple[dict, bool]:
    """Copy and check one provider's snapshot files. Returns its manifest entry's files and
    whether anything was copied (not when data/raw already holds these very files, unless
    `refresh`)."""
    provider = providers.get(provider_id)
    source_dir = snapshot_dir / provider_id
    for name in provider.files:
        if not (source_dir / name).is_file():
            raise DataError(source_dir / name, "file not found in the snapshot")
    meta = sources.get(provider_id)
    if meta is None:
        raise DataError(snapshot_dir / "sources.json", f"no entry for provider {provider_id!r}")

    unchanged = _unchanged_entry(paths, provider_id, source_dir, provider.all_files)
    if unchanged is not None and not refresh:
        return unchanged, False

    with rawstore.stage(paths, provider_id, mode="snapshot") as staging:
        staging.vintage = {k: meta[k] for k in VINTAGE_KEYS if k in meta}
        for name in provider.all_files:
            origin = source_dir / name
            if not origin.is_file():
                continue  # an optional file the snapshot does not carry
            shutil.copyfile(origin, staging.path(name))
            # Check the copy now, so that a bad snapshot never replaces good raw data.
            try:
                rawfiles.read_raw(staging.path(name), provider.raw_spec(name))
            except DataError as exc:
                raise exc.at(origin) from None
            staging.record(name, origin=str(origin))
    return staging.files, True
