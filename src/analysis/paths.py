"""Every path the project reads or writes, defined once.

The project root is the repository (the folder holding pyproject.toml); tests and scheduled
jobs may point elsewhere with ANALYSIS_ROOT.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Paths:
    root: Path  # data/ and reports/ live here
    notebooks: Path = REPO_ROOT / "notebooks"  # source: always the repository's

    @property
    def raw(self) -> Path:
        return self.root / "data" / "raw"

    @property
    def manifest(self) -> Path:
        return self.raw / "manifest.json"

    @property
    def processed(self) -> Path:
        return self.root / "data" / "processed"

    @property
    def indicators(self) -> Path:
        return self.processed / "indicators.parquet"

    @property
    def corridors(self) -> Path:
        return self.processed / "corridors.parquet"

    @property
    def missing_migrants(self) -> Path:
        return self.processed / "missing_migrants.parquet"

    @property
    def observation_notes(self) -> Path:
        return self.processed / "observation_notes.parquet"

    @property
    def country_names(self) -> Path:
        return self.processed / "country_names.parquet"

    @property
    def catalogue_json(self) -> Path:
        return self.processed / "catalogue.json"

    @property
    def vintage_json(self) -> Path:
        return self.processed / "vintage.json"

    @property
    def reports(self) -> Path:
        return self.root / "reports"

    def raw_file(self, provider: str, name: str) -> Path:
        return self.raw / provider / name


def project_paths(root: str | os.PathLike | None = None) -> Paths:
    if root is None:
        root = os.environ.get("ANALYSIS_ROOT") or REPO_ROOT
    return Paths(Path(root).resolve())
