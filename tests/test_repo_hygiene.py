"""What git holds: notebooks without outputs, and no generated data or reports."""

from __future__ import annotations

import json
import subprocess

import pytest

from analysis.paths import REPO_ROOT


def _tracked(*patterns: str) -> list[str]:
    out = subprocess.run(["git", "ls-files", "--", *patterns], cwd=REPO_ROOT,
                         capture_output=True, text=True, check=True).stdout
    return [line for line in out.splitlines() if line]


def _notebooks() -> list[str]:
    return sorted(p.name for p in (REPO_ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("name", _notebooks())
def test_notebook_is_stored_without_outputs(name):
    nb = json.loads((REPO_ROOT / "notebooks" / name).read_text(encoding="utf-8"))
    for index, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code":
            continue
        assert cell.get("outputs") == [], f"{name} cell {index} has outputs: make strip-notebooks"
        assert cell.get("execution_count") is None, \
            f"{name} cell {index} has an execution count: make strip-notebooks"


def test_no_generated_data_or_reports_in_git():
    generated = [f for f in _tracked("data", "reports") if not f.endswith(".gitkeep")]
    assert generated == []


def test_data_folders_are_kept_and_ignored():
    assert set(_tracked("data")) == {"data/raw/.gitkeep", "data/processed/.gitkeep"}
    ignored = subprocess.run(["git", "check-ignore", "data/raw/x.csv", "data/processed/x.parquet",
                              "reports/index.html"], cwd=REPO_ROOT, capture_output=True,
                             text=True).stdout.split()
    assert ignored == ["data/raw/x.csv", "data/processed/x.parquet", "reports/index.html"]


def test_notebooks_are_exactly_the_catalogues():
    """Every notebook the catalogue names is here, and nothing else: a stray notebook is
    never run by the report and would only mislead a reader."""
    from analysis import catalogue

    expected = {t.notebook for t in catalogue.THEMES} | {catalogue.COUNTRY_PROFILE_NOTEBOOK}
    assert set(_notebooks()) == expected
