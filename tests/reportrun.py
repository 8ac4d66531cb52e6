"""The full report as the tests run it (tests only): every theme and every country profile on
the built snapshot. The session fixture `report_run` (conftest.py) runs it once for every test
module that reads its outputs."""

from __future__ import annotations

import shutil
from pathlib import Path

from analysis import catalogue, report
from analysis.paths import Paths, project_paths

PROFILED = tuple(catalogue.state_codes())  # every profile runs (issue 17), data-poor ones too


def copy_root(built_root: Paths, target: Path) -> Paths:
    shutil.copytree(built_root.root / "data", target / "data")
    return project_paths(target)


def full_options(paths: Paths) -> report.Options:
    return report.Options(
        themes=tuple(t.id for t in catalogue.THEMES), profiles=PROFILED, states=None,
        years=None, formats=("png", "svg", "pdf"), out=paths.reports)
