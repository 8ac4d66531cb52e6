"""Bad report parameters are refused in one line before any notebook runs; no parameter can make
the report write outside the project; page text is escaped; papermill gets values, not code."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from analysis import catalogue, htmlpage

ANALYSIS = [sys.executable, "-m", "analysis"]


def _run(root: Path, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "ANALYSIS_ROOT": str(root)}
    return subprocess.run([*ANALYSIS, *args], env=env, capture_output=True, text=True, cwd=cwd)


def _csv(tmp_path: Path, text: str) -> str:
    path = tmp_path / "bans.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


BAD_REPORT_OPTIONS = {
    "unknown-state": (["--states", "TJK,XXX"], "--states 'TJK,XXX': unknown state(s) XXX"),
    "empty-states": (["--states", ","], "--states ',': unknown state(s) (none)"),
    "unknown-theme": (["--themes", "weather"], "--themes 'weather': unknown theme(s) weather"),
    "inverted-years": (["--years", "2020:2010"], "the range is inverted"),
    "years-out-of-range": (["--years", "1800:1900"], "outside the years any source covers"),
    "years-not-numbers": (["--years", "last:decade"], "expected FIRST:LAST"),
    "unknown-format": (["--formats", "png,gif"], "unknown format(s) gif"),
    "jobs-zero": (["--jobs", "0"], "--jobs '0'"),
    "out-escapes-project": (["--out", "../../etc"], "is outside the project folder"),
    "out-absolute-elsewhere": (["--out", "/etc"], "is outside the project folder"),
    "out-into-data": (["--out", "data/processed"], "inside the project's data/ folder"),
}


@pytest.mark.parametrize("args,message", BAD_REPORT_OPTIONS.values(), ids=BAD_REPORT_OPTIONS)
def test_bad_report_option_is_one_line_before_any_notebook(fresh_copy, args, message):
    result = _run(fresh_copy.root, "report", *args, cwd=fresh_copy.root)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), lines
    assert message in lines[0]
    assert not (fresh_copy.root / "reports").exists(), "nothing may run or be written"


@pytest.mark.parametrize("text,message", [
    ("year,iso3,value,source\n2015,TJK,3,x\n", "missing column(s) note"),
    ("year,iso3,value,source,note\n2015,TJK,many,x,\n", "row 2, column 'value': not a number"),
    ("year,iso3,value,source,note\n2015,FRA,3,x,\n", "row 2, column 'iso3': not a catalogue"),
    ("year,iso3,value,source,note\n20x5,TJK,3,x,\n", "row 2, column 'year': not a whole year"),
], ids=["wrong-columns", "text-in-number", "unknown-state", "bad-year"])
def test_bad_analyst_csv_is_refused_before_any_notebook(fresh_copy, tmp_path, text, message):
    result = _run(fresh_copy.root, "report", "--themes", "reentry_reintegration",
                  "--reentry-bans", _csv(tmp_path, text))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "bans.csv" in lines[0] and message in lines[0], lines
    assert not (fresh_copy.root / "reports").exists()


def test_missing_snapshot_folder_for_report_data(tmp_path):
    result = _run(tmp_path, "fetch", "--snapshot", str(tmp_path / "no-such-folder"))
    assert result.returncode == 2  # a bad option, like any other (README)
    assert "no-such-folder not found" in result.stderr


def test_page_escapes_every_text_it_inserts(monkeypatch):
    """A title, a summary, an error or a figure caption holding markup stays text."""
    evil = '<script>alert("x")</script>'
    theme = catalogue.THEMES[0]
    monkeypatch.setattr(catalogue, "THEMES", (
        catalogue.Theme(theme.id, f"Title {evil}", theme.paragraphs, f"Summary {evil}",
                        theme.notebook, theme.indicators),))
    summary = {
        "format": 1, "generated_at": "2026-01-01T00:00:00Z", "status": "failed",
        "data_vintage": {}, "options": {}, "countries": [],
        "themes": [{
            "id": theme.id, "title": f"Title {evil}", "paragraphs": list(theme.paragraphs),
            "summary": f"Summary {evil}", "notebook": f"notebooks/{evil}.ipynb",
            "status": "failed", "error": f"ValueError: {evil}", "figures": [],
            "charts": [{
                "name": "hostile", "title": f"Chart {evil}", "subtitle": f"Subtitle {evil}",
                "source": f"Source {evil}", "caption": f"Caption {evil}", "alt": f"Alt {evil}",
                "files": {"png": "figures/x/hostile.png"}, "claims": [],
                "caveats": f"Caveat {evil}", "citation": f"Citation {evil}", "main": True,
            }],
            "key_figures": [],
        }],
    }
    try:
        page = htmlpage.render(summary)
        theme_page = htmlpage.render_theme(summary, summary["themes"][0])
    except Exception as exc:  # the template needs fields this minimal summary lacks
        pytest.fail(f"render needs a fuller summary: {exc!r}")
    escaped = "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;"
    fields = ("Title", "Summary", "ValueError:", "Caption", "Source", "Alt")
    # The main page shows the (main) chart without its citation and caveats (in its footer and
    # on the theme page); the theme page shows all.
    for html, shown in ((page, fields), (theme_page, (*fields, "Caveat", "Citation"))):
        assert "<script>" not in html
        for field in shown:
            assert f"{field} {escaped}" in html, f"{field}: not on the page, or not escaped"


def test_papermill_parameters_are_values_not_code(tmp_path):
    """A parameter full of quotes, newlines and code arrives as the same string."""
    import papermill

    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("value = None"),
        nbformat.v4.new_code_cell("open(out_file, 'w').write(repr(value))"),
    ])
    nb.cells[0].metadata["tags"] = ["parameters"]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    source = tmp_path / "p.ipynb"
    nbformat.write(nb, source)
    payload = 'x"\nimport os; os.system("touch PWNED") #\'\\'
    out_file = tmp_path / "value.txt"
    papermill.execute_notebook(str(source), str(tmp_path / "out.ipynb"), kernel_name="python3",
                               parameters={"value": payload, "out_file": str(out_file)},
                               progress_bar=False, cwd=str(tmp_path))
    assert out_file.read_text() == repr(payload)
    assert not (tmp_path / "PWNED").exists()
