"""Incremental reports: a run is skipped when its notebook, parameters, the processed files it
read and the package code it used are unchanged since its last successful run; an edit reruns
only that notebook, a changed table only the notebooks that read it; --force reruns all; a
parallel run gives the same summary as one notebook at a time. Kernel start failures are
retried once."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from analysis import catalogue, report
from analysis.paths import project_paths

# 04 reads Missing Migrants records only, 05 World Bank indicators only (their run records
# say so; checked below): a change to one table must rerun one notebook, not both.
THEMES = ("trafficking_smuggling", "remittances")
STEMS = {"trafficking_smuggling": "04_trafficking_smuggling", "remittances": "05_remittances"}


def _options(paths, **kw) -> report.Options:
    return report.Options(themes=THEMES, profiles=(), states=None, years=None,
                          formats=("svg",), out=paths.reports, **kw)


def _statuses(result) -> dict[str, str]:
    return {r.task.id: r.status for r in result.results}


def _summary_without_timings(out: Path) -> dict:
    data = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    data.pop("generated_at")
    # The same data, compared with no earlier report or with the last one: no change either way.
    assert data.pop("data_changes")["changes"] == []
    for entry in data["themes"] + data["countries"]:
        entry.pop("duration_s")
        entry.pop("up_to_date")
    return data


def _edit(notebook: Path) -> None:
    """Append a comment line to the notebook's last code cell (a real edit, no new output)."""
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    cell = [c for c in nb["cells"] if c["cell_type"] == "code"][-1]
    cell["source"] = "".join(cell["source"]).rstrip("\n") + "\n# edited by a test\n"
    notebook.write_text(json.dumps(nb, indent=1), encoding="utf-8")


def test_runs_are_skipped_rerun_on_change_and_forced(built_root, tmp_path):
    shutil.copytree(built_root.root / "data", tmp_path / "data")
    paths = project_paths(tmp_path)
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    for theme in THEMES:
        shutil.copy(paths.notebooks / catalogue.theme(theme).notebook, notebooks)

    # 1. Cold, two at a time: both run.
    first = report.run_report(_options(paths, jobs=2), paths, notebooks=notebooks)
    assert _statuses(first) == {t: report.OK for t in THEMES}, [r.error for r in first.results]
    reads = {t: json.loads((paths.reports / "notebooks" / f"{STEMS[t]}.run.json")
                           .read_text(encoding="utf-8"))["reads"] for t in THEMES}
    assert "missing_migrants.parquet" in reads["trafficking_smuggling"]
    assert "missing_migrants.parquet" not in reads["remittances"]
    assert "indicators.parquet" in reads["remittances"]
    assert "trafficking_breakdowns.parquet" in reads["trafficking_smuggling"]
    assert "trafficking_breakdowns.parquet" not in reads["remittances"]
    parallel = _summary_without_timings(paths.reports)

    # 2. --force, one at a time: both run again, and the summary says the same.
    forced = report.run_report(_options(paths, jobs=1, force=True), paths, notebooks=notebooks)
    assert _statuses(forced) == {t: report.OK for t in THEMES}
    assert _summary_without_timings(paths.reports) == parallel

    # 3. Nothing changed: nothing runs, and the summary, page and briefing stay as they are.
    outputs = [paths.reports / n for n in ("summary.json", "index.html", "briefing.pdf",
                                           "briefing.pptx")]
    before = [p.stat().st_mtime_ns for p in outputs]
    same = report.run_report(_options(paths), paths, notebooks=notebooks)
    assert _statuses(same) == {t: report.UP_TO_DATE for t in THEMES}
    assert same.summary is None
    assert [p.stat().st_mtime_ns for p in outputs] == before

    # 3b. The slide deck deleted: no notebook runs, but the deck is written again.
    (paths.reports / "briefing.pptx").unlink()
    rewritten = report.run_report(_options(paths), paths, notebooks=notebooks)
    assert _statuses(rewritten) == {t: report.UP_TO_DATE for t in THEMES}
    assert rewritten.summary is not None and (paths.reports / "briefing.pptx").is_file()

    # 4. One notebook edited: only it runs; the summary is written again.
    _edit(notebooks / catalogue.theme("remittances").notebook)
    edited = report.run_report(_options(paths), paths, notebooks=notebooks)
    assert _statuses(edited) == {"remittances": report.OK,
                                 "trafficking_smuggling": report.UP_TO_DATE}
    data = json.loads((paths.reports / "summary.json").read_text(encoding="utf-8"))
    entries = {t["id"]: t for t in data["themes"]}
    assert entries["remittances"]["up_to_date"] is False
    assert entries["trafficking_smuggling"]["up_to_date"] is True
    assert entries["trafficking_smuggling"]["status"] == "ok"
    assert _summary_without_timings(paths.reports) == parallel  # a comment changes nothing

    # 5. A processed table changed: only the notebook that read it runs.
    records = pd.read_parquet(paths.missing_migrants)
    records.loc[0, "dead_and_missing"] += 1
    records.to_parquet(paths.missing_migrants, index=False)
    changed = report.run_report(_options(paths), paths, notebooks=notebooks)
    assert _statuses(changed) == {"trafficking_smuggling": report.OK,
                                  "remittances": report.UP_TO_DATE}

    # 6. An output deleted: that run is redone.
    (paths.reports / edited.results[1].figures[0]).unlink()
    redone = report.run_report(_options(paths), paths, notebooks=notebooks)
    assert _statuses(redone) == {"remittances": report.OK,
                                 "trafficking_smuggling": report.UP_TO_DATE}


def _task(tmp_path) -> report.Task:
    paths = project_paths(tmp_path)
    options = report.Options(themes=("remittances",), profiles=(), states=None, years=None,
                             formats=("svg",), out=tmp_path / "out")
    (task,) = report.plan(options, paths)
    return task


@pytest.mark.parametrize("first_error, calls, status", [
    (RuntimeError("Kernel died before replying to kernel_info"), 2, report.OK),
    (TimeoutError("Kernel didn't respond in 60 seconds"), 2, report.OK),
    (RuntimeError("something else broke"), 1, report.FAILED),
])
def test_a_kernel_that_fails_to_start_is_tried_once_more(tmp_path, monkeypatch, caplog,
                                                         first_error, calls, status):
    seen = []

    def execute(task, log_file=None):
        seen.append(task.stem)
        if len(seen) == 1:
            raise first_error

    monkeypatch.setattr(report, "_execute", execute)
    result = report.run_task(_task(tmp_path))
    assert (len(seen), result.status) == (calls, status)
    if status == report.FAILED:
        assert result.error == "RuntimeError: something else broke"
    else:
        assert "the kernel did not start" in caplog.text


def test_a_kernel_that_fails_to_start_twice_fails_the_run(tmp_path, monkeypatch):
    def execute(task, log_file=None):
        raise RuntimeError("Kernel died before replying to kernel_info")

    monkeypatch.setattr(report, "_execute", execute)
    result = report.run_task(_task(tmp_path))
    assert result.status == report.FAILED
    assert "Kernel died before replying to kernel_info" in result.error
