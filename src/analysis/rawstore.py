"""data/raw/: one folder per provider plus manifest.json, replaced one provider at a time.

A provider's files are written into a staging folder first; only when all of them are complete
and checked does the staging folder replace the provider's folder and its manifest entry. A
failed fetch therefore never replaces the last good copy.

Manifest layout::

    {"format": 1,
     "sources": {"<provider>": {"provider": "World Bank", "mode": "snapshot" | "live",
                                "retrieved_at": "...Z", "vintage": {...},
                                "files": {"<name>": {"origin": path or URL, "params": {...},
                                                     "rows": N, "bytes": N, "sha256": "..."}},
                                "not_updated": {"<name>": "why"}}}}

`not_updated` (only when there are any) names files that a live fetch could not fetch and kept
from before, while the provider's other files were replaced (UNHCR's flow workbook): such an
entry is never fresh, so the next fetch asks again.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import hashlib
import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from analysis import atomic, providers, swap
from analysis.errors import AnalysisError, DataError
from analysis.paths import Paths

MANIFEST_FORMAT = 1


def utc_now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def sha256_of(path: Path) -> str:
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def count_csv_rows(path: Path) -> int:
    with open(path, newline="", encoding="utf-8-sig") as fh:
        return max(sum(1 for _ in csv.reader(fh)) - 1, 0)


def load_manifest(paths: Paths) -> dict:
    if not paths.manifest.exists():
        return {"format": MANIFEST_FORMAT, "sources": {}}
    try:
        manifest = json.loads(paths.manifest.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise DataError(paths.manifest, f"not valid JSON ({exc})",
                        hint="re-run `python -m analysis fetch --refresh`") from None
    if not isinstance(manifest, dict) or "sources" not in manifest:
        raise DataError(paths.manifest, "has no 'sources' section",
                        hint="re-run `python -m analysis fetch --refresh`")
    return manifest


def _write_manifest(paths: Paths, manifest: dict) -> None:
    atomic.write_text(paths.manifest, json.dumps(manifest, indent=2, sort_keys=True) + "\n")


@dataclass
class Staging:
    """A provider's files being written; see `stage()`."""

    provider: str
    dir: Path
    files: dict[str, dict] = field(default_factory=dict)
    vintage: dict = field(default_factory=dict)
    mode: str = "live"
    not_updated: dict[str, str] = field(default_factory=dict)  # file -> why it was kept

    def keep_previous(self, paths: Paths, name: str, why: str) -> bool:
        """Copy a file of the previous fetch, with its manifest record, into the staging folder
        (a file that failed while the others succeeded); False if there was none."""
        recorded = load_manifest(paths)["sources"].get(self.provider, {}).get("files", {})
        previous = paths.raw / self.provider / name
        self.not_updated[name] = why
        if name not in recorded or not previous.is_file():
            return False
        shutil.copy2(previous, self.path(name))
        self.files[name] = recorded[name]
        return True

    def path(self, name: str) -> Path:
        return self.dir / name

    def record(self, name: str, origin: str, params: dict | None = None) -> dict:
        """Note a finished file in the staging folder for the manifest."""
        path = self.path(name)
        if not path.is_file():
            raise AnalysisError(f"{self.provider}: staged file {name} was never written")
        entry = {
            "origin": origin,
            "params": params or {},
            "rows": count_csv_rows(path),
            "bytes": path.stat().st_size,
            "sha256": sha256_of(path),
        }
        self.files[name] = entry
        return entry


@contextlib.contextmanager
def stage(paths: Paths, provider_id: str, mode: str) -> Iterator[Staging]:
    """Collect one provider's files; on a clean exit they replace data/raw/<provider>/ and its
    manifest entry. On an exception nothing in data/raw changes."""
    provider = providers.get(provider_id)
    with swap.replace_dir(paths.raw / provider_id) as staging_dir:
        staging = Staging(provider_id, staging_dir, mode=mode)
        yield staging
        missing = [name for name in provider.files if name not in staging.files]
        if missing:
            raise AnalysisError(f"{provider_id}: files not fetched: {', '.join(missing)}")
    manifest = load_manifest(paths)
    manifest["format"] = MANIFEST_FORMAT
    manifest["sources"][provider_id] = {
        "provider": provider.name,
        "mode": staging.mode,
        "retrieved_at": utc_now(),
        "vintage": staging.vintage,
        "files": staging.files,
        **({"not_updated": staging.not_updated} if staging.not_updated else {}),
    }
    _write_manifest(paths, manifest)


def verify(paths: Paths, provider_ids: list[str]) -> tuple[dict, list[str]]:
    """Check that every raw file the build needs is present and listed in the manifest.

    Returns the manifest and warnings for files whose sha256 differs from the manifest (edited
    by hand since the fetch): their content is still checked by the reader, but their recorded
    vintage may be wrong. Raises naming the first file or manifest entry that is missing."""
    manifest = load_manifest(paths)
    warnings = []
    for provider_id in provider_ids:
        entry = manifest["sources"].get(provider_id)
        if entry is None:
            raise AnalysisError(
                f"{paths.manifest}: no entry for provider {provider_id!r}; run "
                f"`python -m analysis fetch` (or `make data SNAPSHOT=...`) first")
        provider = providers.get(provider_id)
        for name in provider.all_files:
            path = paths.raw_file(provider_id, name)
            recorded = entry["files"].get(name)
            if name in provider.optional_files and recorded is None:
                continue
            if recorded is None or not path.is_file():
                raise DataError(path, "missing from data/raw or from its manifest",
                                hint="re-run `python -m analysis fetch --refresh`")
            if sha256_of(path) != recorded["sha256"]:
                warnings.append(f"{path}: changed since it was fetched (sha256 differs from "
                                f"{paths.manifest.name}); its recorded vintage may be wrong")
    return manifest, warnings
