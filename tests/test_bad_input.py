"""Bad input gets one clear line naming what and where, a non-zero exit, no half-written file,
and the previous outputs stay as they were."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from analysis import build, snapshot
from analysis.errors import AnalysisError, DataError


def _tree_bytes(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


def _leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.parent.rglob(".*")
            if ".new-" in p.name or ".old-" in p.name or p.name.endswith(".tmp")]


def make_snapshot(snapshot_dir: Path, target: Path, edits: dict[str, callable] | None = None,
                  drop: tuple[str, ...] = ()) -> Path:
    """A snapshot folder linking to the real files, except those edited (text -> text) or
    dropped."""
    edits = edits or {}
    (target).mkdir(parents=True)
    (target / "sources.json").symlink_to(snapshot_dir / "sources.json")
    for provider in ("worldbank", "unhcr", "undesa", "iom", "knomad", "rpw"):
        (target / provider).mkdir()
        for src in (snapshot_dir / provider).iterdir():
            rel = f"{provider}/{src.name}"
            if rel in drop:
                continue
            if rel in edits:
                (target / rel).write_text(edits[rel](src.read_text(encoding="utf-8")),
                                          encoding="utf-8")
            else:
                (target / rel).symlink_to(src)
    return target


def run_cli(root: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "ANALYSIS_ROOT": str(root)}
    return subprocess.run([sys.executable, "-m", "analysis", *args], capture_output=True,
                          text=True, env=env)


def _replace_line(text: str, line_no: int, fn) -> str:
    lines = text.splitlines(keepends=True)
    lines[line_no - 1] = fn(lines[line_no - 1])
    return "".join(lines)


def _replace_cell(text: str, line_no: int, column: str, value: str) -> str:
    """`text` (a CSV without quoted commas) with the cell of `column` on line `line_no` (the
    header is line 1) replaced by `value`."""
    index = text.split("\n", 1)[0].split(",").index(column)

    def edit(line: str) -> str:
        cells = line.rstrip("\n").split(",")
        cells[index] = value
        return ",".join(cells) + "\n"

    return _replace_line(text, line_no, edit)


# --- fetch from a snapshot -------------------------------------------------------------------


def test_missing_snapshot_folder_is_one_clear_line(tmp_path):
    result = run_cli(tmp_path, "fetch", "--snapshot", str(tmp_path / "nowhere"))
    assert result.returncode == 2  # a bad option (README): exit 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "nowhere" in lines[0] and "not found" in lines[0]
    assert not (tmp_path / "data").exists()


def test_missing_file_keeps_previous_raw_data(fresh_copy, snapshot_dir, tmp_path):
    before = _tree_bytes(fresh_copy.raw)
    bad = make_snapshot(snapshot_dir, tmp_path / "snap", drop=("unhcr/solutions.csv",))
    with pytest.raises(DataError, match=r"unhcr/solutions\.csv: file not found"):
        snapshot.fetch_provider(fresh_copy, bad, "unhcr", snapshot.read_sources_json(bad))
    assert _tree_bytes(fresh_copy.raw) == before
    assert _leftovers(fresh_copy.raw) == []


@pytest.mark.parametrize(
    ("rel", "edit", "expected"),
    [
        ("worldbank/indicators.csv", lambda t: t.replace("indicator,iso3,year,value",
                                                         "indicator,iso3,year,val", 1),
         r"worldbank/indicators\.csv: missing column\(s\) 'value'"),
        ("worldbank/indicators.csv",
         lambda t: _replace_line(t, 5, lambda line: line.rsplit(",", 1)[0] + ",abc\n"),
         r"worldbank/indicators\.csv, row 5, column 'value': not a number .*'abc'"),
        ("worldbank/indicators.csv",
         lambda t: t + t.splitlines(keepends=True)[1],
         r"worldbank/indicators\.csv, row \d+, column 'indicator\+iso3\+year': duplicated key"),
        ("worldbank/indicators.csv",
         lambda t: "".join(line for line in t.splitlines(keepends=True) if ",TKM," not in line),
         r"worldbank/indicators\.csv, column 'iso3': catalogue state TKM \(Turkmenistan\) "
         r"does not appear"),
        ("unhcr/population.csv",
         lambda t: _replace_line(t, 3, lambda line: line.replace(",282000,", ",-282000,", 1)),
         r"unhcr/population\.csv, row 3, column 'refugees': negative count"),
        ("undesa/migrant_stock_2024.csv",
         lambda t: _replace_line(t, 2, lambda line: line.replace("ABW", "XYZ", 1)),
         r"migrant_stock_2024\.csv, row 2, column 'destination_iso3': unknown country code"),
    ],
    ids=["missing-column", "text-in-number", "duplicated-key", "state-unknown-to-source",
         "negative-count", "unknown-code"],
)
def test_bad_snapshot_file_is_refused_and_raw_kept(fresh_copy, snapshot_dir, tmp_path, rel,
                                                    edit, expected):
    before = _tree_bytes(fresh_copy.raw)
    bad = make_snapshot(snapshot_dir, tmp_path / "snap", edits={rel: edit})
    provider = rel.split("/")[0]
    with pytest.raises(DataError, match=expected) as info:
        snapshot.fetch_provider(fresh_copy, bad, provider, snapshot.read_sources_json(bad))
    assert str(bad) in info.value.path, "the error names the snapshot file, not a temp copy"
    assert _tree_bytes(fresh_copy.raw) == before
    assert _leftovers(fresh_copy.raw) == []


def test_one_failing_source_does_not_stop_the_others(fresh_copy, snapshot_dir, tmp_path):
    bad = make_snapshot(snapshot_dir, tmp_path / "snap", drop=("iom/missing_migrants.csv",))
    manifest_before = json.loads(fresh_copy.manifest.read_text())
    result = run_cli(fresh_copy.root, "fetch", "--snapshot", str(bad))
    assert result.returncode == 1
    assert "fetch iom failed" in result.stderr and "missing_migrants.csv" in result.stderr
    manifest = json.loads(fresh_copy.manifest.read_text())
    assert manifest["sources"]["iom"] == manifest_before["sources"]["iom"]
    assert manifest["sources"]["worldbank"]["retrieved_at"] >= \
        manifest_before["sources"]["worldbank"]["retrieved_at"]
    assert "fetch worldbank: 2 file(s)" in result.stderr


def test_unknown_source_name(tmp_path, snapshot_dir):
    result = run_cli(tmp_path, "fetch", "--snapshot", str(snapshot_dir), "--source", "imf")
    assert result.returncode == 2  # a bad option (README): exit 2
    assert "--source 'imf': unknown provider(s) imf" in result.stderr


# --- build -----------------------------------------------------------------------------------


def _edit_raw(paths, rel, fn):
    path = paths.raw / rel
    path.write_text(fn(path.read_text(encoding="utf-8")), encoding="utf-8")


@pytest.mark.parametrize(
    ("rel", "edit", "expected"),
    [
        ("worldbank/indicators.csv",
         lambda t: "\n".join(
             line.rsplit(",", 1)[0] + ",150.0" if line.startswith("SL.UEM.TOTL.ZS,KGZ,2010")
             else line for line in t.splitlines()) + "\n",
         r"worldbank/indicators\.csv, row \d+, column 'value': SL\.UEM\.TOTL\.ZS "
         r"\(unemployment_pct\) outside \[0\.0, 100\.0\] \(found '150\.0'\)"),
        ("unhcr/asylum_decisions.csv",
         lambda t: _replace_cell(t, 4, "dec_total", "many"),
         r"asylum_decisions\.csv, row 4, column 'dec_total': not a number"),
        ("iom/missing_migrants.csv",
         lambda t: _replace_line(t, 2, lambda line: line.replace("2014-01-06", "06/01/2014x")),
         r"missing_migrants\.csv, row 2, column 'date': not a date"),
    ],
    ids=["share-over-100", "text-in-number", "bad-date"],
)
def test_bad_raw_file_stops_the_build_and_keeps_processed(fresh_copy, rel, edit, expected):
    before = _tree_bytes(fresh_copy.processed)
    _edit_raw(fresh_copy, rel, edit)
    with pytest.raises(DataError, match=expected):
        build.run_build(fresh_copy)
    assert _tree_bytes(fresh_copy.processed) == before
    assert _leftovers(fresh_copy.processed) == []


def test_build_error_is_one_line_and_non_zero_exit(fresh_copy):
    _edit_raw(fresh_copy, "undesa/population_wpp2024.csv",
              lambda t: t.replace("iso3,year,population", "iso3,year,pop", 1))
    result = run_cli(fresh_copy.root, "build")
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1
    assert "population_wpp2024.csv: missing column(s) 'population'" in errors[0]
    assert "changed since it was fetched" in result.stderr  # the hand edit is noticed too


def test_build_without_fetch_says_what_to_run(tmp_path):
    result = run_cli(tmp_path, "build")
    assert result.returncode == 1
    assert "no entry for provider 'worldbank'" in result.stderr
    assert "fetch" in result.stderr


def test_corrupt_manifest_is_named(fresh_copy):
    fresh_copy.manifest.write_text("{not json", encoding="utf-8")
    with pytest.raises(AnalysisError, match=r"manifest\.json: not valid JSON"):
        build.run_build(fresh_copy)


def test_removed_raw_file_is_named(fresh_copy):
    (fresh_copy.raw / "unhcr" / "idmc.csv").unlink()
    with pytest.raises(DataError, match=r"unhcr/idmc\.csv: missing from data/raw"):
        build.run_build(fresh_copy)
