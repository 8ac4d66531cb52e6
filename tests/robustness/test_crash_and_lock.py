"""A fetch or build killed at any moment leaves data/raw, the manifest and data/processed each at
their previous or their new consistent version, and the next run succeeds. Two runs at once: the
second refuses (or waits with --wait) and neither corrupts the other."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ANALYSIS = [sys.executable, "-m", "analysis"]


def _digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name != "manifest.json"}


def _start(root: Path, *args: str) -> subprocess.Popen:
    env = {**os.environ, "ANALYSIS_ROOT": str(root)}
    return subprocess.Popen([*ANALYSIS, *args], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _run(root: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "ANALYSIS_ROOT": str(root)}
    return subprocess.run([*ANALYSIS, *args], env=env, capture_output=True, text=True)


def _change_one_value(paths) -> None:
    """Edit a raw value (still valid) so a new build differs from the old one."""
    path = paths.raw / "worldbank" / "indicators.csv"
    text = path.read_text(encoding="utf-8")
    line = next(x for x in text.splitlines() if x.startswith("SM.POP.NETM,TJK,2015,"))
    path.write_text(text.replace(line, "SM.POP.NETM,TJK,2015,-12345.0"), encoding="utf-8")


@pytest.mark.parametrize("delay", [1.0, 2.2, 3.0])
def test_build_killed_midway_leaves_old_or_new_processed(fresh_copy, delay):
    old = _digest(fresh_copy.processed)
    _change_one_value(fresh_copy)
    proc = _start(fresh_copy.root, "build")
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    after = _run(fresh_copy.root, "catalog")  # no lock, no recovery: look at it as it was left
    assert after.returncode == 0
    current = _digest(fresh_copy.processed) if fresh_copy.processed.exists() else None
    # The folder is either wholly old, wholly new, or (killed between two renames) restorable.
    rebuilt = _run(fresh_copy.root, "build")
    assert rebuilt.returncode == 0, rebuilt.stderr
    new = _digest(fresh_copy.processed)
    assert new != old
    assert current in (old, new, None)
    leftovers = [p.name for p in (fresh_copy.root / "data").iterdir() if ".new-" in p.name
                 or ".old-" in p.name]
    assert leftovers == []


@pytest.mark.parametrize("delay", [1.0, 2.5])
def test_fetch_killed_midway_keeps_each_provider_consistent(fresh_copy, snapshot_dir, delay):
    before = {p: _digest(fresh_copy.raw / p) for p in ("worldbank", "unhcr", "undesa", "iom")}
    proc = _start(fresh_copy.root, "fetch", "--snapshot", str(snapshot_dir))
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    # The snapshot is the same data, so every provider folder must be intact or restorable.
    again = _run(fresh_copy.root, "fetch", "--snapshot", str(snapshot_dir))
    assert again.returncode == 0, again.stderr
    for provider, digest in before.items():
        assert _digest(fresh_copy.raw / provider) == digest
    assert _run(fresh_copy.root, "build").returncode == 0


def _wait_for_lock_holder(root: Path, pid: int, timeout: float = 20) -> None:
    lock_file = root / "data" / ".analysis.lock"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if lock_file.exists() and f'"pid": {pid}' in lock_file.read_text():
            return
        time.sleep(0.05)
    raise AssertionError("the first run never took the lock")


def test_second_run_refuses_while_first_holds_the_lock(fresh_copy):
    first = _start(fresh_copy.root, "build")
    try:
        _wait_for_lock_holder(fresh_copy.root, first.pid)
        second = _run(fresh_copy.root, "build")
        assert second.returncode == 1
        assert "another run is in progress (`build`, pid" in second.stderr
        assert f"pid {first.pid}" in second.stderr
    finally:
        assert first.wait(timeout=120) == 0, first.stderr.read()
    assert _run(fresh_copy.root, "build").returncode == 0


def test_second_run_with_wait_runs_after_the_first(fresh_copy, snapshot_dir):
    first = _start(fresh_copy.root, "fetch", "--snapshot", str(snapshot_dir))
    _wait_for_lock_holder(fresh_copy.root, first.pid)
    second = _run(fresh_copy.root, "--wait", "120", "build")
    assert first.wait(timeout=120) == 0
    assert second.returncode == 0, second.stderr


def test_a_killed_run_does_not_leave_the_lock_stuck(fresh_copy):
    first = _start(fresh_copy.root, "build")
    _wait_for_lock_holder(fresh_copy.root, first.pid)
    first.send_signal(signal.SIGKILL)
    first.wait()
    assert _run(fresh_copy.root, "build").returncode == 0


def _processes_with_root(root: Path) -> list[int]:
    """Processes whose environment points at this project root (workers and kernels inherit
    ANALYSIS_ROOT from the report)."""
    marker = f"ANALYSIS_ROOT={root}".encode() + b"\0"
    found = []
    for environ in Path("/proc").glob("[0-9]*/environ"):
        try:
            if marker in environ.read_bytes() + b"\0":
                found.append(int(environ.parent.name))
        except OSError:
            continue
    return found


def _wait_for_staging(root: Path, name: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not list(root.glob(f".{name}.new-*")):
        assert time.monotonic() < deadline, "the report never started its staging folder"
        time.sleep(0.05)


def test_report_killed_midway_leaves_the_previous_report_whole(fresh_copy):
    """The report is built in a staging folder and swapped in at the end: killed midway, the
    previous report is still there byte for byte; workers and kernels die with the report; the
    next run succeeds and leaves no staging folder."""
    from analysis import pagecheck

    args = ("report", "--themes", "remittances,rights_irregular", "--formats", "png",
            "--jobs", "2")
    assert _run(fresh_copy.root, *args).returncode == 0
    reports = fresh_copy.root / "reports"
    before = _digest(reports)
    first = _start(fresh_copy.root, *args, "--force")
    _wait_for_staging(fresh_copy.root, "reports")
    time.sleep(2)  # notebooks are running, some of their outputs written
    assert first.poll() is None, "the report finished before it could be killed"
    first.send_signal(signal.SIGKILL)
    first.wait()
    # Workers and kernels each notice their parent is gone within a second or two.
    deadline = time.monotonic() + 15
    while _processes_with_root(fresh_copy.root) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _processes_with_root(fresh_copy.root) == [], \
        "worker or kernel processes outlived the killed report"
    assert _digest(reports) == before
    again = _run(fresh_copy.root, *args, "--force")
    assert again.returncode == 0, again.stderr
    assert "2 ran" in again.stderr
    assert _digest(reports) != before
    assert pagecheck.check_page(reports / "index.html") == []
    assert [p.name for p in fresh_copy.root.iterdir() if ".new-" in p.name
            or ".old-" in p.name] == []


def test_two_reports_at_once_the_second_refuses(fresh_copy):
    first = _start(fresh_copy.root, "report", "--themes", "remittances", "--formats", "png")
    try:
        _wait_for_lock_holder(fresh_copy.root, first.pid)
        second = _run(fresh_copy.root, "report", "--themes", "remittances")
        assert second.returncode == 1
        assert "another run is in progress (`report`" in second.stderr
    finally:
        assert first.wait(timeout=300) == 0, first.stderr.read()
