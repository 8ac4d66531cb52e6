"""World Bank client against a local server speaking the Indicators API v2: one request per
indicator per page with every state in it, all pages followed, the `[meta, rows]` envelope with
string-typed fields, and the error envelope, XML and HTML bodies recognised."""

from __future__ import annotations

import json
import logging
import math

import pandas as pd
import pytest
from live_server import WB_PREFIX, FakeProviders, html_page

from analysis import catalogue, providers, rawfiles, rawstore
from analysis.live import fetch_all
from analysis.paths import project_paths
from analysis.providers import worldbank

YEARS = (2019, 2021)
STATES = catalogue.state_codes()
WB_CODES = [i.code for i in catalogue.INDICATORS if i.provider == "worldbank"]
POP = catalogue.WORLDBANK_POPULATION_CODE
LIVE_ONLY = list(worldbank.LIVE_ONLY_CODES)  # asked for; this server does not know them (175)
SOCIAL = {i.code for i in catalogue.INDICATORS if i.dataset == worldbank.SOCIAL_FILE}


def raw_series(paths) -> pd.DataFrame:
    """Both raw World Bank files, each series in the file the build reads it from."""
    frames = []
    for name in providers.get("worldbank").files:
        frame = pd.read_csv(paths.raw_file("worldbank", name))
        assert set(frame.indicator).isdisjoint(SOCIAL) == (name != worldbank.SOCIAL_FILE), name
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


@pytest.fixture(scope="module")
def served(snapshot_dir) -> pd.DataFrame:
    """Real snapshot rows for the states (and Germany, which nobody asks for), three years;
    WPP population values stand in for SP.POP.TOTL (the snapshot has no such series); two
    values blanked, as the API sends nulls."""
    wb = pd.concat([pd.read_csv(snapshot_dir / "worldbank" / "indicators.csv"),
                    pd.read_csv(snapshot_dir / "worldbank" / "wdi_social_spending.csv")])
    wb = wb[wb.indicator.isin(WB_CODES) & wb.iso3.isin([*STATES, "DEU"])
            & wb.year.between(*YEARS)]
    wpp = pd.read_csv(snapshot_dir / "undesa" / "population_wpp2024.csv")
    pop = wpp[wpp.iso3.isin(STATES) & wpp.year.between(*YEARS)]
    pop = pop.rename(columns={"population": "value"}).assign(indicator=POP)
    table = pd.concat([wb, pop], ignore_index=True)[["indicator", "iso3", "year", "value"]]
    table.loc[(table.indicator == "SM.POP.NETM") & (table.iso3 == "TKM"), "value"] = None
    return table


def fetch_worldbank(server, tmp_path, **config):
    paths = project_paths(tmp_path)
    code = fetch_all(paths, ["worldbank"], refresh=True, max_age=24,
                     config=server.config(**config))
    return code, paths


def wb_requests(server):
    return [(path, query) for path, query, _ in server.requests if path.startswith(WB_PREFIX)]


def test_every_indicator_in_one_request_per_page_with_all_states(served, tmp_path):
    per_page = 10
    with FakeProviders(worldbank=served, wb_meta_as_strings=True) as server:
        code, paths = fetch_worldbank(server, tmp_path, worldbank_per_page=per_page,
                                      last_year=2025)
    assert code == 0
    requests = wb_requests(server)
    states_segment = ";".join(STATES)
    expected_codes = [*WB_CODES, POP, *LIVE_ONLY]
    expected = 0
    for indicator in expected_codes:
        rows = served[(served.indicator == indicator) & served.iso3.isin(STATES)]
        pages = max(1, math.ceil(len(rows) / per_page))  # one ask for a code not served
        mine = [q for p, q in requests
                if p == f"{WB_PREFIX}/country/{states_segment}/indicator/{indicator}"]
        assert sorted(int(q["page"]) for q in mine) == list(range(1, pages + 1)), indicator
        assert all(q["format"] == "json" and q["per_page"] == str(per_page)
                   and q["date"] == "1990:2025" for q in mine)
        expected += pages
    # one request per indicator per page, and nothing else
    assert len(requests) == expected

    raw = raw_series(paths)
    assert list(raw.columns) == ["indicator", "iso3", "year", "value"]
    want = served[served.iso3.isin(STATES)].dropna(subset=["value"])
    got = raw.sort_values(["indicator", "iso3", "year"], ignore_index=True)
    want = want.sort_values(["indicator", "iso3", "year"], ignore_index=True)
    pd.testing.assert_frame_equal(got, want, check_dtype=False)
    assert "DEU" not in set(raw.iso3)
    rawfiles.read_raw(paths.raw_file("worldbank", "indicators.csv"),
                      providers.get("worldbank").raw_spec("indicators.csv"))


def test_lastupdated_and_provenance_kept_in_the_manifest(served, tmp_path):
    with FakeProviders(worldbank=served, wb_lastupdated="2025-12-16") as server:
        code, paths = fetch_worldbank(server, tmp_path)
    assert code == 0
    entry = rawstore.load_manifest(paths)["sources"]["worldbank"]
    assert entry["mode"] == "live"
    assert entry["vintage"]["last_updated"] == "2025-12-16"
    assert entry["vintage"]["latest_year"] == YEARS[1]
    assert entry["vintage"]["licence"] == "CC BY 4.0"
    recorded = entry["files"]["indicators.csv"]
    in_main = [c for c in WB_CODES if c not in SOCIAL]
    assert recorded["params"]["lastupdated"] == {**{c: "2025-12-16" for c in [*in_main, POP]},
                                                 **{c: None for c in LIVE_ONLY}}
    social = entry["files"][worldbank.SOCIAL_FILE]["params"]["lastupdated"]
    assert social == {c: "2025-12-16" for c in WB_CODES if c in SOCIAL}
    assert recorded["origin"].startswith(server.url + WB_PREFIX + "/country/AFG;")


def test_error_envelope_with_http_200_fails_the_source_without_retry(served, tmp_path, caplog):
    missing = "SL.UEM.TOTL.ZS"
    with FakeProviders(worldbank=served[served.indicator != missing]) as server:
        code, paths = fetch_worldbank(server, tmp_path)
    assert code == 1
    error = "\n".join(r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR)
    assert f"/indicator/{missing}?" in error
    assert "World Bank API error 175 Invalid format: The indicator was not found" in error
    assert sum(p.endswith("/" + missing) for p, _ in wb_requests(server)) == 1  # no retry
    assert not paths.raw_file("worldbank", "indicators.csv").exists()


def test_xml_error_body_is_reported_with_its_message(served, tmp_path, caplog):
    xml = ('\ufeff<?xml version="1.0" encoding="utf-8"?><wb:error xmlns:wb="http://www.worldbank'
           '.org"><wb:message id="120" key="Invalid value">The provided parameter value is not '
           'valid</wb:message></wb:error>').encode("utf-8")
    with FakeProviders(worldbank=served) as server:
        server.add_fault(WB_PREFIX, body=xml)
        code, _ = fetch_worldbank(server, tmp_path)
    assert code == 1
    assert "error 120 Invalid value: The provided parameter value is not valid" in caplog.text
    assert len(wb_requests(server)) == 1


def test_html_body_is_retried_then_reported_with_its_title(served, tmp_path, caplog):
    with FakeProviders(worldbank=served) as server:
        server.add_fault(WB_PREFIX, body=html_page("Service Unavailable"), times=3)
        code, _ = fetch_worldbank(server, tmp_path)
    assert code == 1
    assert "an HTML page ('Service Unavailable') instead of JSON" in caplog.text
    assert "gave up after 3 attempt(s)" in caplog.text
    assert len(wb_requests(server)) == 3


def test_html_page_once_then_data(served, tmp_path):
    with FakeProviders(worldbank=served) as server:
        server.add_fault(WB_PREFIX, body=html_page("Redirecting"))
        code, _ = fetch_worldbank(server, tmp_path)
    assert code == 0
    assert len(wb_requests(server)) == len(WB_CODES) + 1 + len(LIVE_ONLY) + 1


def test_truncated_json_is_fetched_again(served, tmp_path):
    whole = json.dumps([{"page": 1, "pages": 1, "per_page": "50", "total": 1}, []])
    with FakeProviders(worldbank=served) as server:
        server.add_fault(WB_PREFIX, body=whole[:30].encode())  # complete response, cut JSON
        code, paths = fetch_worldbank(server, tmp_path)
    assert code == 0
    assert len(wb_requests(server)) == len(WB_CODES) + 1 + len(LIVE_ONLY) + 1
    assert paths.raw_file("worldbank", "indicators.csv").exists()


def test_truncated_json_every_time_fails_naming_the_url(served, tmp_path, caplog):
    with FakeProviders(worldbank=served) as server:
        server.add_fault(WB_PREFIX, body=b'[{"page": 1, "pages": 1, "tot', times=3)
        code, _ = fetch_worldbank(server, tmp_path)
    assert code == 1
    assert f"{server.url}{WB_PREFIX}/country/AFG;" in caplog.text
    assert "JSON that does not parse" in caplog.text


def test_an_empty_result_is_no_data_not_an_error(served, tmp_path, caplog):
    empty = "SM.POP.NETM"
    table = served.copy()
    table.loc[table.indicator == empty, "iso3"] = "DEU"  # the code exists; no state has data
    table = table.drop_duplicates(["indicator", "iso3", "year"])
    with FakeProviders(worldbank=table) as server, caplog.at_level(logging.WARNING):
        code, paths = fetch_worldbank(server, tmp_path)
    assert code == 0
    assert f"{empty} has no data" in caplog.text
    raw = raw_series(paths)
    assert empty not in set(raw.indicator)
    assert set(raw.indicator) == set(WB_CODES + [POP]) - {empty}


def test_population_series_is_always_fetched(served, tmp_path):
    """SP.POP.TOTL is asked for even when a UN WPP file is present: a later live UN DESA fetch
    (which has no WPP file) must still leave the build a population series."""
    paths = project_paths(tmp_path)
    wpp = paths.raw_file("undesa", catalogue.indicator("population").dataset)
    wpp.parent.mkdir(parents=True)
    wpp.write_text("iso3,year,population\n")
    with FakeProviders(worldbank=served) as server:
        assert fetch_all(paths, ["worldbank"], refresh=True, max_age=24,
                         config=server.config()) == 0
        asked = {p.rsplit("/", 1)[1] for p, _ in wb_requests(server)}
    assert asked == {*WB_CODES, POP, *LIVE_ONLY}
