"""Shared fixtures: the real snapshot, a project root built from it, and the full report run on
it, each once per session."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from analysis import build, snapshot
from analysis.paths import REPO_ROOT, Paths, project_paths

DEFAULT_SNAPSHOT = REPO_ROOT.parent / "shared" / "data" / "snapshot"


def read_snapshot_csv(snapshot_dir: Path, rel: str):
    """A snapshot CSV as the tests read it to compute expected values on their own: every
    cell text, blanks missing (so "NA", Namibia, stays a code)."""
    import pandas as pd

    return pd.read_csv(snapshot_dir / rel, keep_default_na=False, na_values=[""])


@pytest.fixture(scope="session")
def snapshot_dir() -> Path:
    """The real published data. Missing is an error, not a skip: CI must have it."""
    path = Path(os.environ.get("ANALYSIS_TEST_SNAPSHOT") or DEFAULT_SNAPSHOT).resolve()
    if not (path / "sources.json").is_file():
        pytest.fail(f"snapshot not found at {path}; set ANALYSIS_TEST_SNAPSHOT or "
                    "make test SNAPSHOT=DIR", pytrace=False)
    return path


def fetch_snapshot(paths: Paths, snapshot_path: Path, ids: tuple[str, ...] | None = None
                   ) -> None:
    sources = snapshot.read_sources_json(snapshot_path)
    for provider in ids or ("worldbank", "unhcr", "undesa", "iom",
                            "unodc", "eurostat", "frontex", "idmc",  # issue 12
                            "knomad", "rpw"):  # money and work (issue 11)
        snapshot.fetch_provider(paths, snapshot_path, provider, sources)


@pytest.fixture(scope="session")
def built_root(tmp_path_factory, snapshot_dir) -> Paths:
    """A project root with data/raw fetched from the snapshot and data/processed built.
    Shared by the session: tests must not modify it (copy it with `fresh_copy`)."""
    paths = project_paths(tmp_path_factory.mktemp("built"))
    fetch_snapshot(paths, snapshot_dir)
    build.run_build(paths)
    return paths


@pytest.fixture
def fresh_copy(built_root, tmp_path) -> Paths:
    """A private copy of the built root, free to modify."""
    shutil.copytree(built_root.root / "data", tmp_path / "data")
    return project_paths(tmp_path)


@pytest.fixture(scope="session")
def report_run(built_root, tmp_path_factory):
    """The full report (every theme, every country profile) run once per session, in
    parallel (one notebook per CPU); shared by the modules that read its outputs."""
    from reportrun import copy_root, full_options

    from analysis import report

    paths = copy_root(built_root, tmp_path_factory.mktemp("report"))
    result = report.run_report(full_options(paths), paths)
    return paths, result
