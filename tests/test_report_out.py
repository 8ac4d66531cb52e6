"""`report --out` takes only a folder with nothing to lose (issue 21, point 1): a new or empty
folder, or one holding a previous report, inside the project. README.md, Makefile,
pyproject.toml, .github or a folder of other files exit 2 before anything is written."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import nbformat
import pytest

from analysis import catalogue, cli, options, report
from analysis.paths import Paths, project_paths

PROJECT_FILES = {
    "README.md": "# The project\n",
    "Makefile": "report:\n\tpython -m analysis report\n",
    "pyproject.toml": "[project]\nname = 'x'\n",
    ".github/workflows/report.yml": "on: [push]\n",
    "notes/ideas.txt": "not a report\n",
}


def _tree(root: Path) -> dict[str, bytes | None]:
    """Every path under `root` (hidden ones too) with its bytes (None for a folder)."""
    return {p.relative_to(root).as_posix(): None if p.is_dir() else p.read_bytes()
            for p in sorted(root.rglob("*"))}


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """A project folder holding the files a report must never replace, as the cwd."""
    root = tmp_path / "project"
    for rel, text in PROJECT_FILES.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    monkeypatch.setenv("ANALYSIS_ROOT", str(root))
    monkeypatch.chdir(root)
    return root


@pytest.mark.parametrize("out, why", [
    ("README.md", "is a file, not a folder"),
    ("Makefile", "is a file, not a folder"),
    ("pyproject.toml", "is a file, not a folder"),
    ("README.md/briefing", "README.md is a file, not a folder"),
    (".github", "inside the project's .github/ folder"),
    (".github/workflows", "inside the project's .github/ folder"),
    (".github/new-folder", "inside the project's .github/ folder"),
    ("notes", "holds files but no previous report (summary.json)"),
    (".", "is outside the project folder"),
    ("src/briefing", "inside the project's src/ folder"),
])
def test_an_out_folder_with_something_to_lose_exits_2_and_changes_nothing(
        project, caplog, out, why):
    before = _tree(project)
    with caplog.at_level(logging.INFO, logger="analysis"):
        assert cli.main(["report", "--themes", "overview", "--out", out]) == 2
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and "\n" not in errors[0], errors
    assert errors[0].startswith(f"error: --out {out!r}: ") and why in errors[0], errors[0]
    assert _tree(project) == before  # nothing moved aside, created or locked


def test_new_empty_and_previous_report_folders_are_accepted(project):
    paths = project_paths(project)
    empty = project / "reports" / "empty"
    empty.mkdir(parents=True)
    previous = project / "briefings" / "2025"
    previous.mkdir(parents=True)
    (previous / "summary.json").write_text("{}", encoding="utf-8")
    (previous / "index.html").write_text("<html></html>", encoding="utf-8")
    for value, want in [(None, paths.reports), ("reports", paths.reports),
                        ("reports/briefing-central-asia", project / "reports"
                         / "briefing-central-asia"),
                        ("new/deeper/folder", project / "new" / "deeper" / "folder"),
                        ("reports/empty", empty), ("briefings/2025", previous)]:
        assert options.parse_out(value, paths) == want, value


TINY = """from analysis import notebook, plotting
nb = notebook.start_theme("remittances", states=states, first_year=first_year,
                          last_year=last_year, output_dir=output_dir, formats=formats,
                          record_file=record_file)
frame = nb.indicators("remittances_received_pct_gdp", states=["TJK"])
chart = nb.chart("Tiny", "% of GDP", indicators=["remittances_received_pct_gdp"])
plotting.state_lines(chart.ax, frame)
nb.publish(chart, "tiny", "A finding.", data=frame)
"""


def test_a_report_runs_into_a_new_folder_and_again_into_that_previous_report(
        built_root, tmp_path, monkeypatch):
    root = tmp_path / "root"
    shutil.copytree(built_root.root / "data", root / "data")
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    params = nbformat.v4.new_code_cell("states = None\nfirst_year = None\nlast_year = None\n"
                                       "output_dir = None\nformats = ['png']\n"
                                       "record_file = None\n")
    params.metadata["tags"] = ["parameters"]
    nb = nbformat.v4.new_notebook(cells=[params, nbformat.v4.new_code_cell(TINY)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nbformat.write(nb, notebooks / catalogue.theme("remittances").notebook)
    for module in (report, options):
        monkeypatch.setattr(module, "project_paths", lambda: Paths(root, notebooks))
    monkeypatch.chdir(root)
    argv = ["report", "--themes", "remittances", "--out", "briefing", "--formats", "png"]

    assert cli.main(argv) == 0  # a new folder
    first = json.loads((root / "briefing" / "summary.json").read_text(encoding="utf-8"))
    (root / "briefing" / "my-notes.txt").write_text("kept", encoding="utf-8")
    assert cli.main([*argv, "--force"]) == 0  # the same folder, now a previous report
    again = json.loads((root / "briefing" / "summary.json").read_text(encoding="utf-8"))
    assert again["generated_at"] >= first["generated_at"]
    assert [c["name"] for t in again["themes"] for c in t.get("charts", [])] == ["tiny"]
    assert (root / "briefing" / "my-notes.txt").read_text(encoding="utf-8") == "kept"
    assert not list(root.glob(".briefing.*"))  # no staging or old copy left beside it
