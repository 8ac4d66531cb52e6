"""UNHCR's flow workbook as UNHCR publishes it since June 2026 (read as its own `refugees`
package reads it, data-raw/flows.R): at www.unhcr.org, fetched with a browser's headers, and
population types GRP and TMP (refugees) and ASR (asylum-seekers) beside REF and ASY. A failed
flow download does not throw away the API files fetched with it."""

from __future__ import annotations

import io
import logging

import pandas as pd
import pytest
from live_server import (
    UNHCR_FLOWS_PATH,
    FakeProviders,
    html_page,
    unhcr_flows_workbook,
    unhcr_items,
)

from analysis import build, catalogue, providers, rawstore
from analysis.live import LiveConfig, fetch_all
from analysis.live.http import FetchError
from analysis.paths import project_paths
from analysis.providers import unhcr

STATES = catalogue.state_codes()
HEADER = ["Year", "OriginName", "origin", "OriginISO", "AsylumName", "asylum", "AsylumISO",
          "PT", "Count"]


def api_items(snapshot_dir, year: str) -> dict:
    """The API endpoints' snapshot rows of `year` touching a state, as API items."""
    api = {}
    for name in providers.get("unhcr").files:
        rows = pd.read_csv(snapshot_dir / "unhcr" / name, dtype=str, keep_default_na=False)
        rows = rows[(rows.year == year) & (rows.coo_iso.isin(STATES) | rows.coa_iso.isin(STATES))]
        api[unhcr.endpoint(name)] = unhcr_items(rows.replace("", None))
    return api


@pytest.fixture(scope="module")
def flows(snapshot_dir) -> pd.DataFrame:
    rows = pd.read_csv(snapshot_dir / "unhcr" / "flows.csv", dtype=str, keep_default_na=False)
    return rows[rows.year.astype(int).between(2019, 2024)
                & (rows.coo_iso.isin(STATES) | rows.coa_iso.isin(STATES))]


def workbook(rows: list[list]) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("DATA")
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def pair(pt: str, count, year: int = 2024, origin=("Ukraine", "UKR", "UKR"),
         asylum=("Czechia", "CZE", "CZE")) -> list:
    return [year, *origin, *asylum, pt, count]


# -- the workbook's 2026 population types -------------------------------------------------------


def test_new_population_types_are_added_into_their_columns():
    """Hand-made rows: refugees = REF + GRP + TMP, asylum-seekers = ASY + ASR (as UNHCR's
    package adds them), a blank Count is not reported, a pair without a type stays blank."""
    content = workbook([
        pair("REF", 120), pair("GRP", 30), pair("TMP", 5000), pair("ASY", 7), pair("ASR", 3),
        pair("ROC", None), pair("OIP", 11),
        pair("TMP", 250, asylum=("Poland", "POL", "POL")),
    ])
    table = unhcr.parse_flows(content, "http://example.org/UNHCR_Flow_Data.xlsx")
    assert table.to_dict("records") == [
        {"year": "2024", "coo_name": "Ukraine", "coo": "UKR", "coo_iso": "UKR",
         "coa_name": "Czechia", "coa": "CZE", "coa_iso": "CZE",
         "refugees": "5150", "asylum_seekers": "10", "refugee_like": "", "oip": "11"},
        {"year": "2024", "coo_name": "Ukraine", "coo": "UKR", "coo_iso": "UKR",
         "coa_name": "Poland", "coa": "POL", "coa_iso": "POL",
         "refugees": "250", "asylum_seekers": "", "refugee_like": "", "oip": ""},
    ]


@pytest.mark.parametrize("rows, says", [
    ([pair("REF", 1), pair("XYZ", 2)], "column 'PT': population type(s) XYZ; known: REF, GRP"),
    ([pair("REF", 1), pair("GRP", "n/a")], "row 3, column 'Count': 'n/a' is not a count"),
    ([pair("GRP", 1), pair("GRP", 2)], "2024 UKR -> CZE GRP comes more than once"),
])
def test_a_workbook_we_cannot_read_is_refused_in_one_line(rows, says):
    url = "http://example.org/UNHCR_Flow_Data.xlsx"
    with pytest.raises(FetchError) as caught:
        unhcr.parse_flows(workbook(rows), url)
    message = str(caught.value)
    assert message.startswith(f"{url}, sheet 'DATA'") and says in message, message
    assert "\n" not in message


def test_the_default_url_and_the_headers_unhcr_s_package_sends(flows, snapshot_dir, tmp_path):
    assert LiveConfig.from_env({}).url("UNHCR_FLOWS_URL") == \
        "https://www.unhcr.org/refugee-statistics/insights/data/UNHCR_Flow_Data.xlsx"
    content = unhcr_flows_workbook(flows)
    from openpyxl import load_workbook

    types = {row[7] for row in load_workbook(io.BytesIO(content), read_only=True)["DATA"]
             .iter_rows(min_row=2, values_only=True)}
    assert {"REF", "GRP", "TMP", "ASY", "ASR"} <= types  # the 2026 layout

    paths = project_paths(tmp_path)
    with FakeProviders(unhcr=api_items(snapshot_dir, "2020"), unhcr_flows_xlsx=content) as server:
        assert fetch_all(paths, ["unhcr"], refresh=True, max_age=24,
                         config=server.config()) == 0
        sent = [h for p, _, h in server.requests if p == UNHCR_FLOWS_PATH]
    assert len(sent) == 1
    assert sent[0]["User-Agent"].startswith("Mozilla/5.0")
    assert sent[0]["Referer"] == "https://www.unhcr.org/refugee-statistics/"
    assert sent[0]["Accept-Language"].startswith("en")
    # the snapshot's flows (made by the package from the same types) come back unchanged
    got = pd.read_csv(paths.raw_file("unhcr", "flows.csv"), dtype=str, keep_default_na=False)
    key = ["year", "coo_iso", "coa_iso", "coo", "coa"]
    pd.testing.assert_frame_equal(got.sort_values(key, ignore_index=True),
                                  flows.sort_values(key, ignore_index=True))
    vintage = rawstore.load_manifest(paths)["sources"]["unhcr"]["vintage"]
    assert vintage["flows"] == server.url + UNHCR_FLOWS_PATH
    assert vintage["flows_last_updated"] == "2025-01-27"  # the server's Last-Modified
    assert "not_updated" not in rawstore.load_manifest(paths)["sources"]["unhcr"]


# -- a failed flow download ---------------------------------------------------------------------


def _errors(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


FAILURES = {
    "refused": {"status": 403, "body": html_page("403 Forbidden"), "times": 99},
    "cut off": {"cut_at": 4000, "times": 99},
    "moved": {"status": 404, "body": html_page("404 Not Found"), "times": 99},
}


@pytest.mark.parametrize("failure", FAILURES)
def test_a_failed_flow_download_keeps_the_api_files_and_the_previous_flows(
        failure, fresh_copy, built_root, snapshot_dir, flows, caplog):
    """Data from the snapshot, then a live fetch of UNHCR whose workbook fails: the API files
    are replaced by what the API sent, flows.csv and its manifest record stay as they were, one
    line names the URL, the exit code is 1; the build gives the snapshot path's arrivals; the
    next fetch asks again, whatever --max-age says."""
    paths = fresh_copy
    flows_before = paths.raw_file("unhcr", "flows.csv").read_bytes()
    entry_before = rawstore.load_manifest(paths)["sources"]["unhcr"]
    api = api_items(snapshot_dir, "2020")
    fault = dict(FAILURES[failure])
    if "cut_at" in fault:
        fault["body"] = unhcr_flows_workbook(flows)
    caplog.clear()
    with FakeProviders(unhcr=api) as server:
        server.add_fault(UNHCR_FLOWS_PATH, **fault)
        assert fetch_all(paths, ["unhcr"], refresh=True, max_age=24,
                         config=server.config()) == 1
        url = server.url + UNHCR_FLOWS_PATH

    entry = rawstore.load_manifest(paths)["sources"]["unhcr"]
    assert paths.raw_file("unhcr", "flows.csv").read_bytes() == flows_before
    assert entry["files"]["flows.csv"] == entry_before["files"]["flows.csv"]
    assert set(entry["not_updated"]) == {"flows.csv"} and url in entry["not_updated"]["flows.csv"]
    # the API files are the API's 2020 rows now, no longer the snapshot's every year
    population = pd.read_csv(paths.raw_file("unhcr", "population.csv"), dtype=str,
                             keep_default_na=False)
    assert set(population.year) == {"2020"}
    assert entry["mode"] == "live" and entry["files"]["population.csv"]["origin"].startswith(
        server.url)
    # the kept flows keep their own dates: the snapshot's
    assert entry["vintage"]["flows_last_updated"] == "2025-12-01"
    assert entry["vintage"]["flows_date_accessed"] == "2026-06-25"

    lines = [e for e in _errors(caplog) if e.startswith("fetch unhcr failed")]
    assert len(lines) == 1 and "\n" not in lines[0]
    assert lines[0].startswith("fetch unhcr failed in part: flow workbook (UNHCR_FLOWS_URL) "
                               f"{url}: ")
    assert "the previous flows.csv kept; updated: population.csv " in lines[0]
    assert _errors(caplog)[-1] == ("fetch: 1 of 1 source(s) failed: unhcr; their previous raw "
                                   "data is kept")

    # built, the arrivals are the snapshot path's (the flows kept), the rest the API's
    build.run_build(paths)
    got = pd.read_parquet(paths.indicators)
    want = pd.read_parquet(built_root.indicators)
    # (flags aside: P on UNHCR's mid-year 2025 comes from the release date, which the
    # snapshot's sources.json gives and the live API does not)
    arrivals = [frame[frame.indicator == "refugee_arrivals_abroad"].drop(columns="flag")
                .sort_values(["iso3", "year"], ignore_index=True) for frame in (got, want)]
    assert len(arrivals[1]) > 0
    pd.testing.assert_frame_equal(*arrivals)
    assert set(got[got.indicator == "refugees_hosted"].year) == {2020}

    # a partial fetch is never fresh: the next one asks again and mends it
    with FakeProviders(unhcr=api, unhcr_flows_xlsx=unhcr_flows_workbook(flows)) as server:
        assert fetch_all(paths, ["unhcr"], refresh=False, max_age=24,
                         config=server.config()) == 0
        assert server.paths_requested(UNHCR_FLOWS_PATH) == [UNHCR_FLOWS_PATH]
    entry = rawstore.load_manifest(paths)["sources"]["unhcr"]
    assert "not_updated" not in entry and entry["vintage"]["flows"].startswith(server.url)


def test_without_previous_flows_the_api_files_still_arrive(snapshot_dir, tmp_path, caplog):
    paths = project_paths(tmp_path)
    caplog.clear()
    with FakeProviders(unhcr=api_items(snapshot_dir, "2020")) as server:
        server.add_fault(UNHCR_FLOWS_PATH, **FAILURES["refused"])
        assert fetch_all(paths, ["unhcr"], refresh=True, max_age=24,
                         config=server.config()) == 1
    entry = rawstore.load_manifest(paths)["sources"]["unhcr"]
    assert set(entry["files"]) == set(providers.get("unhcr").files)
    assert not paths.raw_file("unhcr", "flows.csv").exists()
    assert "flows" not in entry["vintage"]
    line = next(e for e in _errors(caplog) if e.startswith("fetch unhcr failed"))
    assert "HTTP 403" in line and "no previous flows.csv to keep" in line
