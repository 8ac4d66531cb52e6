"""The report's papermill engine writes the executed notebook once, at the end of a run (issue
22), and still leaves what ran when a run stops without finishing."""

from __future__ import annotations

from pathlib import Path

import nbformat
import papermill
import pytest
from papermill.exceptions import PapermillExecutionError

from analysis import runengine


def _notebook(path: Path, *cells: str) -> Path:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nbformat.write(nb, path)
    return path


def _outputs(path: Path) -> list[str]:
    nb = nbformat.read(path, as_version=4)
    return ["".join(o.get("text", "") for o in c.get("outputs", [])) for c in nb.cells]


def _run(source: Path, output: Path, engine: str | None) -> None:
    extra = {"engine_name": engine} if engine else {}
    papermill.execute_notebook(str(source), str(output), kernel_name="python3",
                               progress_bar=False, **extra)


# Each cell prints whether the output notebook exists yet and how many cells it had then.
PEEK = ("import os, json\nout = os.environ['PEEK_AT']\n"
        "print(len(json.load(open(out))['cells']) if os.path.exists(out) else 'absent')")


@pytest.mark.parametrize("engine, seen", [(None, "3"), (runengine.register(), "absent")])
def test_the_notebook_is_written_at_the_end_only(tmp_path, monkeypatch, engine, seen):
    source = _notebook(tmp_path / "peek.ipynb", "x = 1", PEEK, "print(x + 1)")
    output = tmp_path / "out.ipynb"
    monkeypatch.setenv("PEEK_AT", str(output))
    _run(source, output, engine)
    # papermill's own engine has written it before the second cell ran; ours has not.
    assert _outputs(output) == ["", f"{seen}\n", "2\n"]


def test_a_failing_cell_is_kept_with_its_error(tmp_path):
    source = _notebook(tmp_path / "fails.ipynb", "print('before')", "1 / 0", "print('after')")
    output = tmp_path / "out.ipynb"
    with pytest.raises(PapermillExecutionError):
        _run(source, output, runengine.register())
    # papermill's error banner, the first cell, its error anchor, the failed cell, the last
    nb = nbformat.read(output, as_version=4)
    assert [c.cell_type for c in nb.cells] == ["markdown", "code", "markdown", "code", "code"]
    assert _outputs(output)[1] == "before\n"
    assert [o.get("ename") for o in nb.cells[3].outputs] == ["ZeroDivisionError"]
    assert nb.cells[4].outputs == []


def test_a_dead_kernel_leaves_what_ran_before_it(tmp_path):
    source = _notebook(tmp_path / "dies.ipynb", "print('before')", "import os\nos._exit(1)",
                       "print('after')")
    output = tmp_path / "out.ipynb"
    with pytest.raises(Exception):  # noqa: B017 (nbclient's DeadKernelError)
        _run(source, output, runengine.register())
    assert _outputs(output) == ["before\n", "", ""]
