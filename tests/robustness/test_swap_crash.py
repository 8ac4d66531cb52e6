"""The whole-folder swap (`analysis.swap`) killed exactly between its two renames, not by timing
(issue 21, point 4): the run dies with the old folder renamed aside and the new one not yet in
place. The previous data must be whole in the `.X.old-*` folder, and the next run must put it
back, for a provider's raw folder, data/processed and a report folder. `recover_dir` is also
tested on folders planted by hand."""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

from analysis import swap
from analysis.paths import project_paths

# Runs the CLI with Path.rename patched to kill the process (os._exit: no `finally`, no
# cleanup, as SIGKILL) at the second rename of the swap: the staging folder moving onto the
# target named by argv[1], after the target was renamed aside.
KILL_BETWEEN_RENAMES = """
import os, pathlib, sys
target_name, argv = sys.argv[1], sys.argv[2:]
real_rename = pathlib.Path.rename

def rename(self, target):
    if (pathlib.Path(target).name == target_name
            and self.name.startswith(f".{target_name}.new-")):
        os._exit(137)
    return real_rename(self, target)

pathlib.Path.rename = rename
from analysis.cli import main
sys.exit(main(argv))
"""
KILLED = 137


def _digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _run(root: Path, *args: str, kill_at: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "ANALYSIS_ROOT": str(root)}
    command = ([sys.executable, "-c", KILL_BETWEEN_RENAMES, kill_at] if kill_at
               else [sys.executable, "-m", "analysis"])
    return subprocess.run([*command, *args], env=env, capture_output=True, text=True,
                          timeout=600)


def _left_between_renames(target: Path, before: dict[str, str]) -> dict[str, str]:
    """Check the state a kill between the renames leaves; return the staging folder's digest."""
    assert not target.exists(), "the kill came before the first rename"
    (old,) = target.parent.glob(f".{target.name}.old-*")
    assert _digest(old) == before, "the previous data is not whole beside the target"
    (staging,) = target.parent.glob(f".{target.name}.new-*")
    return _digest(staging)


def _leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if ".new-" in p.name or ".old-" in p.name]


# --- recover_dir on planted folders ----------------------------------------------------------


def _plant(folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")


def test_recover_dir_restores_a_planted_old_folder(tmp_path, caplog):
    target = tmp_path / "data" / "processed"
    _plant(tmp_path / "data" / ".processed.old-k3j2x9", {"indicators.parquet": "old table",
                                                        "sub/vintage.json": "{}"})
    _plant(tmp_path / "data" / ".processed.new-a8b7c6", {"indicators.parquet": "half written"})
    with caplog.at_level(logging.WARNING, logger="analysis.swap"):
        swap.recover_dir(target)
    assert _digest(target) == {
        "indicators.parquet": hashlib.sha256(b"old table").hexdigest(),
        "sub/vintage.json": hashlib.sha256(b"{}").hexdigest()}
    assert _leftovers(target.parent) == []
    assert f"recovered {target} from an interrupted run" in caplog.text
    swap.recover_dir(target)  # nothing left to do: the folder stays as it is
    assert (target / "indicators.parquet").read_text() == "old table"


def test_recover_dir_keeps_a_present_folder_and_drops_stale_copies(tmp_path):
    target = tmp_path / "reports"
    _plant(target, {"summary.json": "current"})
    _plant(tmp_path / ".reports.old-zz1", {"summary.json": "stale"})
    _plant(tmp_path / ".reports.new-zz2", {"summary.json": "unfinished"})
    _plant(tmp_path / ".reportsX.old-zz3", {"summary.json": "another folder's"})
    swap.recover_dir(target)
    assert (target / "summary.json").read_text() == "current"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".reportsX.old-zz3", "reports"]


def test_recover_covers_every_raw_folder_and_processed(tmp_path):
    paths = project_paths(tmp_path)
    _plant(paths.raw / ".iom.old-q1", {"missing_migrants.csv": "old rows"})
    _plant(paths.root / "data" / ".processed.old-q2", {"catalogue.json": "{}"})
    swap.recover(paths)
    assert (paths.raw / "iom" / "missing_migrants.csv").read_text() == "old rows"
    assert (paths.processed / "catalogue.json").read_text() == "{}"
    assert _leftovers(paths.raw) == [] and _leftovers(paths.root / "data") == []


# --- killed between the two renames, then the next run ---------------------------------------


def test_fetch_killed_between_renames_keeps_the_raw_folder(fresh_copy, snapshot_dir, tmp_path):
    target = fresh_copy.raw / "iom"
    before, manifest = _digest(target), fresh_copy.manifest.read_bytes()
    # A snapshot whose IOM file differs by one count, so the old folder and the new one differ.
    newer = tmp_path / "newer-snapshot"
    (newer / "iom").mkdir(parents=True)
    shutil.copyfile(snapshot_dir / "sources.json", newer / "sources.json")
    text = (snapshot_dir / "iom" / "missing_migrants.csv").read_text(encoding="utf-8")
    (newer / "iom" / "missing_migrants.csv").write_text(
        text.replace("2014-01-06,Incident,Central American Route,USA,1,",
                     "2014-01-06,Incident,Central American Route,USA,2,", 1), encoding="utf-8")

    killed = _run(fresh_copy.root, "fetch", "--snapshot", str(newer), "--source", "iom",
                  kill_at="iom")
    assert killed.returncode == KILLED, killed.stderr
    assert _left_between_renames(target, before) != before  # the new copy never arrived
    assert fresh_copy.manifest.read_bytes() == manifest  # still describes the old files

    after = _run(fresh_copy.root, "build")  # the next run, whatever it is, recovers first
    assert after.returncode == 0, after.stderr
    assert f"recovered {target} from an interrupted run" in after.stderr
    assert _digest(target) == before and fresh_copy.manifest.read_bytes() == manifest
    assert "changed since it was fetched" not in after.stderr  # files match the manifest
    assert _leftovers(fresh_copy.raw) == []


def test_build_killed_between_renames_keeps_processed(fresh_copy, snapshot_dir):
    target = fresh_copy.processed
    before = _digest(target)
    path = fresh_copy.raw / "worldbank" / "indicators.csv"  # so that a new build differs
    text = path.read_text(encoding="utf-8")
    line = next(x for x in text.splitlines() if x.startswith("SM.POP.NETM,TJK,2015,"))
    path.write_text(text.replace(line, "SM.POP.NETM,TJK,2015,-12345.0"), encoding="utf-8")

    killed = _run(fresh_copy.root, "build", kill_at="processed")
    assert killed.returncode == KILLED, killed.stderr
    assert _left_between_renames(target, before) != before

    # The next run: a fetch with nothing new to copy, which does not rebuild.
    after = _run(fresh_copy.root, "fetch", "--snapshot", str(snapshot_dir), "--source", "iom")
    assert after.returncode == 0, after.stderr
    assert f"recovered {target} from an interrupted run" in after.stderr
    assert _digest(target) == before
    assert _leftovers(target.parent) == []


def test_report_killed_between_renames_keeps_the_previous_report(fresh_copy):
    args = ("report", "--themes", "remittances", "--formats", "png", "--jobs", "1")
    assert _run(fresh_copy.root, *args).returncode == 0
    target = fresh_copy.reports
    before = _digest(target)

    killed = _run(fresh_copy.root, *args, "--force", kill_at="reports")
    assert killed.returncode == KILLED, killed.stderr
    assert _left_between_renames(target, before) != before  # a new summary.json, at least

    after = _run(fresh_copy.root, *args)  # nothing changed since the recovered report
    assert after.returncode == 0, after.stderr
    assert f"recovered {target} from an interrupted run" in after.stderr
    assert "summary, page and briefing up to date" in after.stderr
    assert _digest(target) == before
    assert _leftovers(fresh_copy.root) == []
