"""Live clients for KNOMAD (one matrix workbook per vintage) and Remittance Prices Worldwide
against the local stand-in server, serving workbooks these tests build from the real snapshot
rows: a title row with year and version, a header row of receiving countries, sending rows with
`-` where there is no estimate, a WORLD total, footnotes; plus a truncated workbook, a changed
header and a title without a version."""

from __future__ import annotations

import logging

import pandas as pd
import pytest
from live_server import KNOMAD_PREFIX, RPW_PATH, FakeProviders, html_page, knomad_workbook, rpw_csv

from analysis import catalogue, rawstore
from analysis.live import fetch_all
from analysis.paths import project_paths

STATES = catalogue.state_codes()


@pytest.fixture(scope="module")
def knomad_rows(snapshot_dir) -> pd.DataFrame:
    """The snapshot's corridors touching the Central Asian states, both vintages (the whole
    matrix would make a 200 x 200 workbook per year: slow to build and nothing more to test)."""
    kn = pd.read_csv(snapshot_dir / "knomad" / "bilateral_remittances.csv",
                     keep_default_na=False)
    return kn[kn.sender_iso3.isin(STATES) | kn.receiver_iso3.isin(STATES)]


@pytest.fixture(scope="module")
def workbooks(knomad_rows) -> dict[str, bytes]:
    return {f"matrix_{year}.xlsx": knomad_workbook(rows)
            for year, rows in knomad_rows.groupby("year")}


@pytest.fixture(scope="module")
def cost_rows(snapshot_dir) -> pd.DataFrame:
    costs = pd.read_csv(snapshot_dir / "rpw" / "corridor_costs.csv", keep_default_na=False)
    return costs[costs.sender_iso3.isin(STATES) | costs.receiver_iso3.isin(STATES)]


def _fetch(server, paths, source) -> int:
    return fetch_all(paths, [source], refresh=True, max_age=24, config=server.config())


def _errors(caplog) -> str:
    return "\n".join(r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR)


def test_knomad_workbooks_give_the_snapshot_rows(knomad_rows, workbooks, tmp_path):
    paths = project_paths(tmp_path)
    with FakeProviders(knomad_xlsx=workbooks) as server:
        assert _fetch(server, paths, "knomad") == 0
        assert [p for p, _, _ in server.requests] == [KNOMAD_PREFIX + n for n in workbooks]
    raw = pd.read_csv(paths.raw_file("knomad", "bilateral_remittances.csv"),
                      keep_default_na=False)
    key = ["year", "sender_name", "receiver_name"]
    got = raw.sort_values(key, ignore_index=True)
    want = knomad_rows.sort_values(key, ignore_index=True)
    assert list(got.columns) == list(want.columns)
    pd.testing.assert_frame_equal(got.drop(columns="usd_million"),
                                  want.drop(columns="usd_million"), check_dtype=False)
    assert got.usd_million.to_numpy() == pytest.approx(want.usd_million.to_numpy(), rel=1e-12)
    # "-" cells and the WORLD total row and column are no rows
    assert "WORLD" not in set(raw.sender_name) | set(raw.receiver_name)
    entry = rawstore.load_manifest(paths)["sources"]["knomad"]
    assert entry["mode"] == "live"
    assert entry["vintage"]["version_producer"] == \
        "2017: April 2018 version; 2021: December 2022 version"
    assert entry["vintage"]["latest_year"] == 2021
    russia_tajikistan = raw[(raw.sender_iso3 == "RUS") & (raw.receiver_iso3 == "TJK")
                            & (raw.year == 2021)]
    assert len(russia_tajikistan) == 1


def test_an_html_page_once_is_retried(workbooks, tmp_path):
    paths = project_paths(tmp_path)
    with FakeProviders(knomad_xlsx=workbooks) as server:
        server.add_fault(KNOMAD_PREFIX, body=html_page("Maintenance"))
        assert _fetch(server, paths, "knomad") == 0
        assert len(server.requests) == len(workbooks) + 1


def _good_then(bad: dict[str, bytes], workbooks, tmp_path, caplog) -> str:
    """Fetch the good workbooks, then `bad`: the fetch fails and the raw file stays."""
    paths = project_paths(tmp_path)
    with FakeProviders(knomad_xlsx=workbooks) as server:
        assert _fetch(server, paths, "knomad") == 0
    raw = paths.raw_file("knomad", "bilateral_remittances.csv")
    before = raw.read_bytes()
    entry = rawstore.load_manifest(paths)["sources"]["knomad"]
    with FakeProviders(knomad_xlsx=bad) as server:
        assert _fetch(server, paths, "knomad") == 1
    assert raw.read_bytes() == before
    assert rawstore.load_manifest(paths)["sources"]["knomad"] == entry
    assert not list(paths.raw.glob(".*new*"))
    return _errors(caplog)


def test_a_truncated_workbook_keeps_the_previous_raw_file(workbooks, tmp_path, caplog):
    name, content = next(iter(workbooks.items()))
    bad = {**workbooks, name: content[: len(content) // 2]}
    error = _good_then(bad, workbooks, tmp_path, caplog)
    assert f"{KNOMAD_PREFIX}{name}" in error and "not a readable Excel workbook" in error


def test_a_changed_header_is_refused(knomad_rows, workbooks, tmp_path, caplog):
    rows = knomad_rows[knomad_rows.year == 2021]
    receivers = sorted(rows.receiver_name.unique())
    header = [f"Column {n}" for n in range(1, len(receivers) + 1)]
    bad = {**workbooks, "matrix_2021.xlsx": knomad_workbook(rows, header=header)}
    error = _good_then(bad, workbooks, tmp_path, caplog)
    assert "matrix_2021.xlsx" in error and "Column 1" in error
    assert "country_converter does not know" in error


def test_a_header_of_numbers_is_refused(knomad_rows, workbooks, tmp_path, caplog):
    rows = knomad_rows[knomad_rows.year == 2017]
    header = [str(n) for n in range(len(rows.receiver_name.unique()))]
    bad = {**workbooks, "matrix_2017.xlsx": knomad_workbook(rows, header=header)}
    error = _good_then(bad, workbooks, tmp_path, caplog)
    assert "the header holds numbers" in error


def test_a_title_without_year_and_version_is_refused(knomad_rows, workbooks, tmp_path, caplog):
    rows = knomad_rows[knomad_rows.year == 2017]
    bad = {**workbooks,
           "matrix_2017.xlsx": knomad_workbook(rows, title="Bilateral Remittance Matrix")}
    error = _good_then(bad, workbooks, tmp_path, caplog)
    assert "does not give the estimates' year and the version" in error


def test_two_workbooks_of_one_year_are_refused(knomad_rows, workbooks, tmp_path, caplog):
    rows = knomad_rows[knomad_rows.year == 2021]
    later = rows.assign(version="June 2023")
    bad = {**workbooks, "matrix_2021_again.xlsx": knomad_workbook(later)}
    error = _good_then(bad, workbooks, tmp_path, caplog)
    assert "more than one version of the estimates for 2021" in error


def test_rpw_csv_gives_the_snapshot_rows(cost_rows, tmp_path):
    paths = project_paths(tmp_path)
    with FakeProviders(rpw_csv=rpw_csv(cost_rows)) as server:
        assert _fetch(server, paths, "rpw") == 0
        assert [p for p, _, _ in server.requests] == [RPW_PATH]
    raw = pd.read_csv(paths.raw_file("rpw", "corridor_costs.csv"), keep_default_na=False)
    pd.testing.assert_frame_equal(raw.reset_index(drop=True),
                                  cost_rows.reset_index(drop=True), check_dtype=False)
    assert rawstore.load_manifest(paths)["sources"]["rpw"]["vintage"]["latest_year"] == 2020


def test_rpw_with_other_columns_or_bad_quarters_is_refused(cost_rows, tmp_path, caplog):
    paths = project_paths(tmp_path)
    renamed = cost_rows.rename(columns={"avg_total_cost_pct": "cost"})
    with FakeProviders(rpw_csv=rpw_csv(renamed)) as server:
        assert _fetch(server, paths, "rpw") == 1
    assert "no column(s) 'avg_total_cost_pct'" in _errors(caplog)
    bad = cost_rows.copy()
    bad.iloc[3, bad.columns.get_loc("quarter")] = "2016 Q2"
    with FakeProviders(rpw_csv=rpw_csv(bad)) as server:
        assert _fetch(server, paths, "rpw") == 1
    assert "row 5, column 'quarter': not a quarter" in _errors(caplog)
    assert not paths.raw_file("rpw", "corridor_costs.csv").exists()
