"""A kernel that serves several notebooks in turn (issue 22): each run starts as in a new
kernel (its own namespace, execution count, package modules, matplotlib settings, folder), a
failing or dying run does not break the next, and the report's runs through one worker keep
their own logs and results."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import nbformat
import pytest
from papermill.exceptions import PapermillExecutionError

from analysis import catalogue, cli, options, report
from analysis.paths import Paths, project_paths
from analysis.warmkernel import WarmKernel


def _notebook(path: Path, *cells: str) -> Path:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def _printed(path: Path) -> str:
    nb = nbformat.read(path, as_version=4)
    return "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code"
                   for o in c.outputs)


@pytest.fixture
def kernel():
    warm = WarmKernel(report.KERNEL, report.START_TIMEOUT, report.KERNEL_ARGUMENTS)
    yield warm
    warm.shutdown()


def _run(kernel: WarmKernel, source: Path, root: Path) -> Path:
    output = source.with_suffix(".out.ipynb")
    kernel.execute(source, output, root, progress_bar=False)
    return output


def test_each_run_starts_as_in_a_new_kernel(kernel, tmp_path, built_root):
    root = built_root.root
    first = _notebook(
        tmp_path / "one" / "first.ipynb",
        "import matplotlib, os\nleft_behind = 42\nmatplotlib.rcParams['lines.linewidth'] = 9",
        "from analysis import load\nload.indicators('population', states=['TJK'])\n"
        "print('READ', [p.name for p in load.files_read()])",
        "os.environ['ANALYSIS_ROOT'] = '/nowhere'\nos.chdir('/')")
    second = _notebook(
        tmp_path / "two" / "second.ipynb",
        "import matplotlib, os, sys\nprint('LEFT', 'left_behind' in dir())\n"
        "print('WIDTH', matplotlib.rcParams['lines.linewidth'])\n"
        "print('CWD', os.getcwd())\nprint('ROOT', os.environ['ANALYSIS_ROOT'])\n"
        "print('LOADED', 'analysis.load' in sys.modules)",
        "from analysis import load\nprint('READ', load.files_read())",
        "from analysis import fontcache\nprint('FONT BASES', fontcache.bases_ready())")

    assert "READ ['indicators.parquet']" in _printed(_run(kernel, first, root))
    pid = kernel.manager.provisioner.process.pid
    out = _run(kernel, second, root)
    assert kernel.manager.provisioner.process.pid == pid  # the same kernel served both
    printed = _printed(out)
    default_width = matplotlib_default("lines.linewidth")
    assert "LEFT False" in printed
    assert f"WIDTH {default_width}" in printed
    assert f"CWD {second.parent}" in printed
    assert f"ROOT {root}" in printed
    assert "LOADED False" in printed  # the package is imported afresh by each run
    assert "READ []" in printed  # so its record lists only this run's reads
    assert "FONT BASES 2" in printed  # made as the kernel started: regular and bold
    counts = [c.execution_count for c in nbformat.read(out, 4).cells]
    assert counts == [1, 2, 3]


def test_a_kernel_for_one_run_builds_no_font_bases(tmp_path):
    """The bases pay off over several runs (see `fontcache`): a kernel told it will run few
    notebooks does not build them as it starts."""
    few = WarmKernel(report.KERNEL, report.START_TIMEOUT, report.KERNEL_ARGUMENTS,
                     prepare_fonts=False)
    try:
        source = _notebook(tmp_path / "one.ipynb", "from analysis import fontcache\n"
                           "print('FONT BASES', fontcache.bases_ready())")
        assert "FONT BASES 0" in _printed(_run(few, source, tmp_path))
    finally:
        few.shutdown()


def matplotlib_default(key: str):
    import matplotlib

    return matplotlib.rcParamsDefault[key]


def test_a_failing_or_dying_run_does_not_break_the_next(kernel, tmp_path):
    good = _notebook(tmp_path / "good.ipynb", "x = 1\nprint('GOOD', x)")
    broken = _notebook(tmp_path / "broken.ipynb", "raise ValueError('broken on purpose')")
    dying = _notebook(tmp_path / "dying.ipynb", "import os\nos._exit(1)")

    _run(kernel, good, tmp_path)
    with pytest.raises(PapermillExecutionError, match="broken on purpose"):
        _run(kernel, broken, tmp_path)
    assert kernel.manager is None  # ended: the next run gets a new kernel
    assert "GOOD 1" in _printed(_run(kernel, good, tmp_path))
    with pytest.raises(Exception):  # noqa: B017 (nbclient's DeadKernelError, or a timeout)
        _run(kernel, dying, tmp_path)
    assert "GOOD 1" in _printed(_run(kernel, good, tmp_path))


BROKEN = 'left_behind = "from the broken run"\nraise ValueError("deliberately broken")\n'
WORKING = ("print('LEFT', 'left_behind' in dir())\n"
           "from analysis import notebook\n"
           "nb = notebook.start_theme('remittances', states=states, output_dir=output_dir,\n"
           "                          formats=formats, record_file=record_file)\n"
           "frame = nb.indicators('remittances_received_pct_gdp', states=['TJK'])\n"
           "nb.key_figure(frame, 'remittances_received_pct_gdp', 'TJK', 2015)\n")
PARAMETERS = ('states = None\nfirst_year = None\nlast_year = None\noutput_dir = None\n'
              'formats = ["svg"]\nrecord_file = None\n')


def test_one_worker_runs_a_broken_then_a_working_notebook(built_root, tmp_path, monkeypatch,
                                                           caplog):
    shutil.copytree(built_root.root / "data", tmp_path / "data")
    paths = project_paths(tmp_path)
    notebooks = tmp_path / "notebooks"
    for theme, code in (("overview", BROKEN), ("remittances", WORKING)):
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(PARAMETERS),
                                             nbformat.v4.new_code_cell(code)])
        nb.cells[0].metadata["tags"] = ["parameters"]
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                     "language": "python"}
        notebooks.mkdir(exist_ok=True)
        nbformat.write(nb, notebooks / catalogue.theme(theme).notebook)
    monkeypatch.setattr(report, "project_paths", lambda: Paths(paths.root, notebooks))
    monkeypatch.setattr(options, "project_paths", lambda: Paths(paths.root, notebooks))
    out = paths.root / "out"
    # One worker: the broken run first, then the working one, on the same worker.
    monkeypatch.setattr(report, "_longest_first", lambda tasks: sorted(tasks,
                                                                       key=lambda t: t.stem))
    with caplog.at_level(logging.INFO, logger="analysis"):
        code = cli.main(["report", "--themes", "overview,remittances", "--out", str(out),
                         "--jobs", "1"])
    assert code == 1
    data = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    themes = {t["id"]: t for t in data["themes"]}
    assert "ValueError: deliberately broken" in themes["overview"]["error"]
    assert themes["remittances"]["status"] == "ok", themes["remittances"]["error"]
    assert [k["iso3"] for k in themes["remittances"]["key_figures"]] == ["TJK"]
    good = out / "notebooks" / "05_remittances.ipynb"
    assert "LEFT False" in _printed(good)
    failed_log = (out / "notebooks" / "01_overview.log").read_text(encoding="utf-8")
    good_log = (out / "notebooks" / "05_remittances.log").read_text(encoding="utf-8")
    assert "deliberately broken" in failed_log and "LEFT" not in failed_log
    assert "LEFT False" in good_log and "deliberately" not in good_log
    record = json.loads((out / "notebooks" / "05_remittances.run.json").read_text())
    assert record["reads"] == ["indicators.parquet"]
