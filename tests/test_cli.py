"""Command-line conventions a scheduler relies on: --quiet leaves one summary line per step,
before or after the subcommand."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from analysis import providers


def _run(root, *args):
    env = {**os.environ, "ANALYSIS_ROOT": str(root)}
    return subprocess.run([sys.executable, "-m", "analysis", *args], capture_output=True,
                          text=True, env=env)


@pytest.mark.parametrize("args", [("-q", "build"), ("build", "--quiet")])
def test_quiet_build_prints_one_summary_line(fresh_copy, args):
    result = _run(fresh_copy.root, *args)
    assert result.returncode == 0, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("build: "), lines


def test_quiet_fetch_prints_one_summary_line_and_verbose_one_per_source(tmp_path, snapshot_dir):
    quiet = _run(tmp_path, "fetch", "-q", "--snapshot", str(snapshot_dir))
    assert quiet.returncode == 0, quiet.stderr
    assert quiet.stderr.strip().splitlines() == [
        f"fetch: {len(providers.IDS)} source(s) from snapshot {snapshot_dir}"]
    verbose = _run(tmp_path, "fetch", "--snapshot", str(snapshot_dir), "--source", "iom")
    assert [line.split(":")[0] for line in verbose.stderr.strip().splitlines()] == [
        "fetch iom", "fetch"]


def test_refetching_an_unchanged_snapshot_changes_nothing(fresh_copy, snapshot_dir):
    """So that `make report SNAPSHOT=...` twice reruns no notebook: same files, same manifest."""
    before = fresh_copy.manifest.read_bytes()
    again = _run(fresh_copy.root, "fetch", "--snapshot", str(snapshot_dir))
    assert again.returncode == 0, again.stderr
    assert again.stderr.count("unchanged since the last fetch") == len(providers.IDS)
    assert fresh_copy.manifest.read_bytes() == before
    forced = _run(fresh_copy.root, "fetch", "--snapshot", str(snapshot_dir), "--source", "iom",
                  "--refresh")
    assert forced.returncode == 0 and "unchanged" not in forced.stderr
