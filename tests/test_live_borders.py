"""Live clients for issue 12's providers against the local stand-in server, serving files these
tests build from rows of the real snapshot: Eurostat's JSON-stat answer, the GLOTIP workbook,
the Frontex workbook and IDMC's GIDD API; plus truncated bodies, reshaped files and IDMC without
a client id. Each good fetch must give the snapshot's raw rows and, built, the snapshot path's
processed values."""

from __future__ import annotations

import json
import logging

import pandas as pd
import pytest
from conftest import fetch_snapshot, read_snapshot_csv
from live_server import (
    EUROSTAT_PATH,
    FRONTEX_PATH,
    GLOTIP_PATH,
    IDMC_PREFIX,
    UNHCR_FLOWS_PATH,
    FakeProviders,
    eurostat_jsonstat,
    frontex_workbook,
    glotip_workbook,
    idmc_results,
    unhcr_flows_workbook,
    unhcr_items,
)

from analysis import catalogue, providers, rawstore
from analysis.live import fetch_all
from analysis.paths import project_paths
from analysis.rawfiles import RawData

STATES = catalogue.state_codes()


def _fetch(server, paths, *sources, **config) -> int:
    return fetch_all(paths, list(sources), refresh=True, max_age=24,
                     config=server.config(**config))


def _errors(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


def _keeps_raw(paths, provider: str, file: str, server_kw: dict, caplog, **config) -> str:
    """A fetch from a server serving `server_kw` fails, and the raw file and manifest entry of
    the previous good fetch stay as they were; returns the source's one error line."""
    raw = paths.raw_file(provider, file)
    before = raw.read_bytes()
    entry = rawstore.load_manifest(paths)["sources"][provider]
    caplog.clear()
    with FakeProviders(**server_kw) as server:
        assert _fetch(server, paths, provider, **config) == 1
    assert raw.read_bytes() == before
    assert rawstore.load_manifest(paths)["sources"][provider] == entry
    assert not list(paths.raw.glob(".*new*"))
    lines = [m for m in _errors(caplog) if m.startswith(f"fetch {provider} failed")]
    assert len(lines) == 1 and "\n" not in lines[0], _errors(caplog)
    return lines[0]


def processed(paths, provider: str) -> dict[str, pd.DataFrame]:
    """The provider's processed indicator rows, corridor rows and tables from the raw files
    under `paths`, as the build makes them (one provider alone: no full build needed)."""
    prov = providers.get(provider)
    raw = RawData(paths)
    out = {}
    ind = [prov.indicator_rows(raw, i) for i in catalogue.INDICATORS if i.provider == provider]
    if ind:
        out["indicators"] = pd.concat(ind, ignore_index=True)
    cor = [prov.corridor_rows(raw, m) for m in catalogue.CORRIDOR_MEASURES
           if m.provider == provider]
    if cor:
        out["corridors"] = pd.concat(cor, ignore_index=True)
    for table in prov.tables:
        out[table.name] = table.build(raw)
    return out


def assert_same(got: pd.DataFrame, want: pd.DataFrame, name: str) -> None:
    key = [c for c in got.columns if c not in ("value", "flag", "source")]
    pd.testing.assert_frame_equal(got.sort_values(key, ignore_index=True),
                                  want.sort_values(key, ignore_index=True), obj=name)


# -- Eurostat ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def eurostat_rows(snapshot_dir) -> pd.DataFrame:
    """Every snapshot row of the catalogue states' citizens (all EU+ destinations and EU27),
    and a few other citizenships, so that aggregates, EL/UK and STL/OOO all appear."""
    rows = read_snapshot_csv(snapshot_dir, "eurostat/asylum_applicants.csv")
    return rows[rows.citizenship_iso3.isin([*STATES, "SYR", "STL", "OOO"])]


@pytest.fixture(scope="module")
def eurostat_fetched(eurostat_rows, tmp_path_factory):
    paths = project_paths(tmp_path_factory.mktemp("eurostat-live"))
    with FakeProviders(eurostat_json=eurostat_jsonstat(eurostat_rows)) as server:
        assert _fetch(server, paths, "eurostat") == 0
        requests = list(server.requests)
    return paths, requests


def test_eurostat_one_query_for_first_time_applicants(eurostat_fetched):
    _, requests = eurostat_fetched
    assert [(p, q["applicant"], q["age"], q["format"]) for p, q, _ in requests] == \
        [(EUROSTAT_PATH, "FRST", "TOTAL", "JSON")]


def test_eurostat_live_rows_are_the_snapshot_rows(eurostat_rows, eurostat_fetched):
    paths, _ = eurostat_fetched
    got = pd.read_csv(paths.raw_file("eurostat", "asylum_applicants.csv"),
                      keep_default_na=False)
    key = ["destination_iso3", "year", "citizenship_iso3", "sex"]
    assert list(got.columns) == list(eurostat_rows.columns)
    pd.testing.assert_frame_equal(got.sort_values(key, ignore_index=True),
                                  eurostat_rows.sort_values(key, ignore_index=True),
                                  check_dtype=False)
    entry = rawstore.load_manifest(paths)["sources"]["eurostat"]
    assert entry["mode"] == "live" and entry["vintage"]["latest_year"] == 2024


def test_eurostat_live_gives_the_snapshot_paths_values(eurostat_rows, eurostat_fetched,
                                                       snapshot_dir, tmp_path):
    live, _ = eurostat_fetched
    offline = project_paths(tmp_path / "offline")
    fetch_snapshot(offline, snapshot_dir, ("eurostat",))
    got, want = processed(live, "eurostat"), processed(offline, "eurostat")
    assert set(got) == {"indicators", "corridors"}
    # the served rows hold the states' citizens (and three more): compare those
    citizens = [*STATES, "SYR", "STL", "OOO"]
    want["corridors"] = want["corridors"][want["corridors"].origin_iso3.isin(citizens)]
    for name in got:
        assert len(got[name]) > 0
        assert_same(got[name], want[name], name)
    # Afghans' first-time applications in the EU27 in 2024, computed here from the snapshot
    # CSV (Eurostat's own EU27 rows, sexes added), equal live and offline
    snap = read_snapshot_csv(snapshot_dir, "eurostat/asylum_applicants.csv")
    afg = snap[(snap.destination_iso3 == "EU27") & (snap.citizenship_iso3 == "AFG")
               & (snap.year == 2024)]
    for rows in (got, want):
        ind = rows["indicators"]
        value = ind[(ind.indicator == "eu_asylum_applicants") & (ind.iso3 == "AFG")
                    & (ind.year == 2024)].value
        assert value.tolist() == [afg.applicants.sum()]


def test_eurostat_truncated_json_keeps_the_raw_file(eurostat_rows, eurostat_fetched, caplog):
    paths, _ = eurostat_fetched
    body = eurostat_jsonstat(eurostat_rows)
    line = _keeps_raw(paths, "eurostat", "asylum_applicants.csv",
                      {"eurostat_json": body[: len(body) // 2]}, caplog)
    assert EUROSTAT_PATH in line and "JSON that does not parse (cut off?)" in line


def test_eurostat_missing_dimension_is_refused(eurostat_rows, eurostat_fetched, caplog):
    paths, _ = eurostat_fetched
    body = eurostat_jsonstat(eurostat_rows, drop_dimension="citizen")
    line = _keeps_raw(paths, "eurostat", "asylum_applicants.csv", {"eurostat_json": body},
                      caplog)
    assert EUROSTAT_PATH in line and "no dimension(s) citizen" in line


def test_eurostat_error_object_is_refused(eurostat_fetched, caplog):
    paths, _ = eurostat_fetched
    body = json.dumps({"error": [{"status": 400, "id": 100,
                                  "label": "Dataset contains no data"}]}).encode()
    line = _keeps_raw(paths, "eurostat", "asylum_applicants.csv", {"eurostat_json": body},
                      caplog)
    assert "Dataset contains no data" in line


# -- UNODC GLOTIP --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def glotip_rows(snapshot_dir) -> pd.DataFrame:
    """The snapshot's GLOTIP rows of the catalogue states, and some rows of no state (regional
    aggregates: no Country), every cell text as the snapshot holds it."""
    rows = pd.read_csv(snapshot_dir / "unodc" / "glotip.csv", dtype=str, keep_default_na=False)
    return pd.concat([rows[rows.Iso3_code.isin(STATES)], rows[rows.Country == ""].head(30)])


@pytest.fixture(scope="module")
def glotip_offline(glotip_rows, snapshot_dir, tmp_path_factory):
    """The same rows taken the snapshot way (a snapshot folder holding them)."""
    folder = tmp_path_factory.mktemp("glotip-snapshot")
    (folder / "sources.json").write_bytes((snapshot_dir / "sources.json").read_bytes())
    (folder / "unodc").mkdir()
    glotip_rows.to_csv(folder / "unodc" / "glotip.csv", index=False)
    paths = project_paths(tmp_path_factory.mktemp("glotip-offline"))
    fetch_snapshot(paths, folder, ("unodc",))
    return paths


@pytest.fixture(scope="module")
def glotip_fetched(glotip_rows, tmp_path_factory):
    paths = project_paths(tmp_path_factory.mktemp("glotip-live"))
    with FakeProviders(glotip_xlsx=glotip_workbook(glotip_rows)) as server:
        assert _fetch(server, paths, "unodc") == 0
        assert server.paths_requested() == [GLOTIP_PATH]
    return paths


def test_glotip_live_rows_are_the_snapshot_rows(glotip_rows, glotip_fetched):
    got = pd.read_csv(glotip_fetched.raw_file("unodc", "glotip.csv"), dtype=str,
                      keep_default_na=False)
    pd.testing.assert_frame_equal(got, glotip_rows.reset_index(drop=True))
    entry = rawstore.load_manifest(glotip_fetched)["sources"]["unodc"]
    assert entry["mode"] == "live" and entry["vintage"]["latest_year"] == 2021
    assert entry["vintage"]["last_updated"] == "2025-01-27"  # the server's Last-Modified


def test_glotip_live_gives_the_snapshot_paths_values(glotip_fetched, glotip_offline,
                                                     snapshot_dir):
    got, want = processed(glotip_fetched, "unodc"), processed(glotip_offline, "unodc")
    assert set(got) == {"indicators", "corridors", "trafficking_breakdowns"}
    for name in got:
        assert len(got[name]) > 0
        assert_same(got[name], want[name], name)
    # victims detected in Tajikistan in 2008, computed here from the snapshot CSV
    snap = read_snapshot_csv(snapshot_dir, "unodc/glotip.csv")
    total = snap[(snap.Iso3_code == "TJK") & (snap.Year == 2008)
                 & (snap.Indicator == "Detected trafficking victims")
                 & (snap.Dimension == "Total") & (snap.Sex == "Total") & (snap.Age == "Total")]
    assert len(total) == 1
    ind = got["indicators"]
    value = ind[(ind.indicator == "trafficking_victims_detected") & (ind.iso3 == "TJK")
                & (ind.year == 2008)].value
    assert value.tolist() == [float(str(total.txtVALUE.iloc[0]).replace(",", ""))]
    # a suppressed count stays null with flag M, live as offline
    suppressed = ind[ind.flag == "M"]
    assert len(suppressed) and suppressed.value.isna().all()


def test_glotip_truncated_workbook_keeps_the_raw_file(glotip_rows, glotip_fetched, caplog):
    content = glotip_workbook(glotip_rows)
    line = _keeps_raw(glotip_fetched, "unodc", "glotip.csv",
                      {"glotip_xlsx": content[: len(content) // 2]}, caplog)
    assert GLOTIP_PATH in line and "not a readable Excel workbook" in line


def test_glotip_changed_header_is_refused(glotip_rows, glotip_fetched, caplog):
    header = [("Value" if c == "txtVALUE" else c) for c in glotip_rows.columns]
    header[header.index("Value")] = "txtVALUE"  # txtVALUE kept, Indicator renamed
    header[header.index("Indicator")] = "Series"
    line = _keeps_raw(glotip_fetched, "unodc", "glotip.csv",
                      {"glotip_xlsx": glotip_workbook(glotip_rows, header=header)}, caplog)
    assert GLOTIP_PATH in line and "sheet 'data_glotip_1', row 3" in line
    assert "no column(s) 'Indicator'" in line and "Series" in line


# -- IDMC ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def idmc_rows(snapshot_dir) -> pd.DataFrame:
    return pd.read_csv(snapshot_dir / "idmc" / "new_displacements.csv", keep_default_na=False)


@pytest.fixture(scope="module")
def idmc_fetched(idmc_rows, tmp_path_factory):
    paths = project_paths(tmp_path_factory.mktemp("idmc-live"))
    with FakeProviders(idmc=idmc_results(idmc_rows)) as server:
        assert server.idmc_max_limit == 100  # pages capped as IDMC's server caps them
        assert _fetch(server, paths, "idmc") == 0
        requests = list(server.requests)
    return paths, requests


def test_idmc_pages_through_both_lists_with_the_client_id(idmc_rows, idmc_fetched):
    _, requests = idmc_fetched
    lists = idmc_results(idmc_rows)
    for name in ("conflicts", "disasters"):
        pages = [q for p, q, _ in requests if p == f"{IDMC_PREFIX}/gidd/{name}/"]
        # 10,000 asked, 100 answered: the offset moves by the results received
        assert [int(q["offset"]) for q in pages] == list(range(0, len(lists[name]), 100))
        assert {q["limit"] for q in pages} == {"10000"}
        assert {q["client_id"] for q in pages} == {"test-client"}


def test_idmc_live_gives_the_snapshot_rows_and_values(idmc_rows, idmc_fetched, snapshot_dir,
                                                      tmp_path):
    live, _ = idmc_fetched
    got = pd.read_csv(live.raw_file("idmc", "new_displacements.csv"), keep_default_na=False)
    key = ["iso3", "year", "cause"]
    pd.testing.assert_frame_equal(got, idmc_rows.sort_values(key, ignore_index=True))
    offline = project_paths(tmp_path / "offline")
    fetch_snapshot(offline, snapshot_dir, ("idmc",))
    got, want = processed(live, "idmc"), processed(offline, "idmc")
    for name in want:
        assert_same(got[name], want[name], name)
    # Pakistan's disaster displacements in 2022, computed here from the snapshot CSV
    pak = idmc_rows[(idmc_rows.iso3 == "PAK") & (idmc_rows.year == 2022)
                    & (idmc_rows.cause != "conflict")]
    ind = got["indicators"]
    value = ind[(ind.indicator == "new_displacements_disaster") & (ind.iso3 == "PAK")
                & (ind.year == 2022)].value
    assert value.tolist() == [pak.new_displacements.sum()] and value.iloc[0] > 8_000_000


def test_idmc_without_a_client_id_is_skipped_in_one_line(idmc_fetched, eurostat_rows, caplog):
    paths, _ = idmc_fetched
    raw = paths.raw_file("idmc", "new_displacements.csv")
    before = raw.read_bytes()
    entry = rawstore.load_manifest(paths)["sources"]["idmc"]
    caplog.clear()
    with FakeProviders(idmc=idmc_results(pd.DataFrame(columns=["iso3", "year", "cause",
                                                                "new_displacements"])),
                       eurostat_json=eurostat_jsonstat(eurostat_rows),
                       idmc_client_id=None) as server:
        assert "IDMC_CLIENT_ID" not in server.env()
        # the other sources go on; a missing client id is no failure
        assert _fetch(server, paths, "idmc", "eurostat") == 0
        assert server.paths_requested(IDMC_PREFIX) == []
        assert server.paths_requested() == [EUROSTAT_PATH]
    assert raw.read_bytes() == before
    assert rawstore.load_manifest(paths)["sources"]["idmc"] == entry
    lines = [r.getMessage() for r in caplog.records
             if r.levelno >= logging.WARNING and "idmc" in r.getMessage()]
    assert lines == ["fetch idmc: skipped: IDMC_CLIENT_ID is not set: IDMC's API answers only "
                     "with a client id (free, on request from IDMC); data/raw/idmc kept as it "
                     "is"]
    assert "fetch eurostat" not in " ".join(_errors(caplog))


def test_idmc_refused_client_id_or_reshaped_keeps_the_raw_file(idmc_rows, idmc_fetched, caplog):
    paths, _ = idmc_fetched
    lists = idmc_results(idmc_rows[idmc_rows.iso3.isin(STATES)])
    line = _keeps_raw(paths, "idmc", "new_displacements.csv",
                      {"idmc": lists}, caplog, idmc_client_id="a-wrong-id")
    assert "HTTP 403" in line and "Invalid client_id" in line
    assert "client_id=***" in line and "a-wrong-id" not in line  # no credential in the log
    reshaped = {**lists, "disasters": [{k: v for k, v in d.items() if k != "hazard_type_name"}
                                       for d in lists["disasters"]]}
    line = _keeps_raw(paths, "idmc", "new_displacements.csv", {"idmc": reshaped}, caplog)
    assert f"{IDMC_PREFIX}/gidd/disasters/" in line and "has no hazard_type_name" in line
    # (a hazard type not reviewed is no refusal: tests/test_live_idmc.py)


# -- Frontex ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def frontex_rows(snapshot_dir) -> pd.DataFrame:
    """The snapshot's detections of the catalogue states' nationals and of the reviewed
    no-country labels, every month (the running year, 2025, only to April)."""
    rows = pd.read_csv(snapshot_dir / "frontex" / "illegal_border_crossings.csv",
                       keep_default_na=False)
    return rows[rows.nationality_iso3.isin([*STATES, "OOS", "OOO", "STL", "SYR", "MAR"])]


@pytest.fixture(scope="module")
def frontex_fetched(frontex_rows, tmp_path_factory):
    paths = project_paths(tmp_path_factory.mktemp("frontex-live"))
    with FakeProviders(frontex_xlsx=frontex_workbook(frontex_rows)) as server:
        assert _fetch(server, paths, "frontex") == 0
        assert server.paths_requested() == [FRONTEX_PATH]
    return paths


def test_frontex_live_gives_the_snapshot_rows_and_values(frontex_rows, frontex_fetched,
                                                         snapshot_dir, tmp_path):
    got = pd.read_csv(frontex_fetched.raw_file("frontex", "illegal_border_crossings.csv"),
                      keep_default_na=False)
    key = ["month", "route", "type", "nationality_iso3"]
    pd.testing.assert_frame_equal(got, frontex_rows.sort_values(key, ignore_index=True))
    entry = rawstore.load_manifest(frontex_fetched)["sources"]["frontex"]
    assert entry["vintage"]["latest_period"] == "2025-04"
    offline = project_paths(tmp_path / "offline")
    fetch_snapshot(offline, snapshot_dir, ("frontex",))
    got, want = processed(frontex_fetched, "frontex"), processed(offline, "frontex")
    nationals = [*STATES, "OOS", "OOO", "STL", "SYR", "MAR"]
    want["indicators"] = want["indicators"][want["indicators"].iso3.isin(nationals)]
    want["frontex_routes"] = want["frontex_routes"][
        want["frontex_routes"].nationality_iso3.isin(nationals)]
    for name in want:
        assert_same(got[name], want[name], name)
    # Afghan detections at the EU's borders in 2023, computed here from the snapshot CSV
    afg = frontex_rows[(frontex_rows.nationality_iso3 == "AFG")
                       & frontex_rows.month.str.startswith("2023")]
    ind = got["indicators"]
    value = ind[(ind.indicator == "eu_irregular_crossings") & (ind.iso3 == "AFG")
                & (ind.year == 2023)]
    assert value.value.tolist() == [afg.detections.sum()] and value.flag.tolist() == [""]
    assert set(ind[ind.year == 2025].flag) == {"P"}  # the running year, to April


def test_frontex_truncated_or_reshaped_workbook_keeps_the_raw_file(frontex_rows,
                                                                   frontex_fetched, caplog):
    content = frontex_workbook(frontex_rows)
    line = _keeps_raw(frontex_fetched, "frontex", "illegal_border_crossings.csv",
                      {"frontex_xlsx": content[: len(content) // 2]}, caplog)
    assert FRONTEX_PATH in line and "not a readable Excel workbook" in line
    months = pd.period_range("2009-01", "2025-04", freq="M")
    header = ["Route", "Border Location", "Nationality",
              *[f"Q{p.quarter} {p.year}" for p in months]]
    line = _keeps_raw(frontex_fetched, "frontex", "illegal_border_crossings.csv",
                      {"frontex_xlsx": frontex_workbook(frontex_rows, header=header)}, caplog)
    assert FRONTEX_PATH in line and "sheet 'Detections_of_IBC', row 2, column 4" in line
    assert "'Q1 2009' is not a month like JAN2009" in line
    header = ["Route", "Nationality", "Citizenship", *[p.strftime("%b%Y").upper()
                                                       for p in months]]
    line = _keeps_raw(frontex_fetched, "frontex", "illegal_border_crossings.csv",
                      {"frontex_xlsx": frontex_workbook(frontex_rows, header=header)}, caplog)
    assert "no border type column" in line


# -- UNHCR flows -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def unhcr_wire(snapshot_dir) -> dict:
    """The API endpoints' snapshot rows of 2020 touching a state, and the flow workbook built
    from the snapshot's flows of 2019-2024 touching a state (blank cells: no row)."""
    api = {}
    for name in providers.get("unhcr").files:
        rows = pd.read_csv(snapshot_dir / "unhcr" / name, dtype=str, keep_default_na=False)
        rows = rows[(rows.year == "2020") & (rows.coo_iso.isin(STATES) | rows.coa_iso.isin(STATES))]
        api[name.removesuffix(".csv").replace("_", "-")] = unhcr_items(rows.replace("", None))
    flows = pd.read_csv(snapshot_dir / "unhcr" / "flows.csv", dtype=str, keep_default_na=False)
    flows = flows[flows.year.astype(int).between(2019, 2024)
                  & (flows.coo_iso.isin(STATES) | flows.coa_iso.isin(STATES))]
    return {"api": api, "flows": flows}


@pytest.fixture(scope="module")
def unhcr_fetched(unhcr_wire, tmp_path_factory):
    paths = project_paths(tmp_path_factory.mktemp("unhcr-live"))
    with FakeProviders(unhcr=unhcr_wire["api"],
                       unhcr_flows_xlsx=unhcr_flows_workbook(unhcr_wire["flows"])) as server:
        assert _fetch(server, paths, "unhcr") == 0
        assert server.paths_requested(UNHCR_FLOWS_PATH) == [UNHCR_FLOWS_PATH]
    return paths


def test_unhcr_flows_live_rows_and_arrivals_are_the_snapshots(unhcr_wire, unhcr_fetched,
                                                              snapshot_dir):
    flows = unhcr_wire["flows"]
    got = pd.read_csv(unhcr_fetched.raw_file("unhcr", "flows.csv"), dtype=str,
                      keep_default_na=False)
    key = ["year", "coo_iso", "coa_iso", "coo", "coa"]
    pd.testing.assert_frame_equal(got.sort_values(key, ignore_index=True),
                                  flows.sort_values(key, ignore_index=True))
    entry = rawstore.load_manifest(unhcr_fetched)["sources"]["unhcr"]
    assert entry["files"]["flows.csv"]["origin"].endswith(UNHCR_FLOWS_PATH)
    # new refugee arrivals of Afghans abroad in 2021, computed here from the snapshot CSV:
    # refugees + refugee_like + oip over every asylum country, blanks never 0
    snap = read_snapshot_csv(snapshot_dir, "unhcr/flows.csv")
    afg = snap[(snap.coo_iso == "AFG") & (snap.year == 2021)]
    want = afg[["refugees", "refugee_like", "oip"]].sum(axis=1, min_count=1).sum(min_count=1)
    ind = providers.get("unhcr").indicator_rows(
        RawData(unhcr_fetched), catalogue.indicator("refugee_arrivals_abroad"))
    got = ind[(ind.iso3 == "AFG") & (ind.year == 2021)].value
    assert got.tolist() == [want] and want > 0


# (a failed flow download keeps the API files it came with: tests/test_live_unhcr_flows.py)


def test_a_recent_live_fetch_of_a_new_provider_is_not_repeated(eurostat_rows, tmp_path, caplog):
    paths = project_paths(tmp_path)
    with FakeProviders(eurostat_json=eurostat_jsonstat(eurostat_rows)) as server:
        config = server.config()
        assert fetch_all(paths, ["eurostat"], refresh=False, max_age=24, config=config) == 0
        with caplog.at_level(logging.INFO, logger="analysis.live"):
            assert fetch_all(paths, ["eurostat"], refresh=False, max_age=24, config=config) == 0
        assert len(server.requests) == 1  # kept: fetched live within --max-age
        assert "fetch eurostat: kept, last live fetch" in caplog.text
        assert fetch_all(paths, ["eurostat"], refresh=True, max_age=24, config=config) == 0
        assert len(server.requests) == 2  # --refresh asks again
