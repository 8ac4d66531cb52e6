"""Live fetching as a whole: from a local server speaking each provider's protocol to built
tables identical to what the snapshot path builds from the same rows; freshness, --source,
one failing source, progress output."""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib
import json
import logging
import shutil

import pandas as pd
import pytest
from conftest import fetch_snapshot
from live_server import (
    IOM_PATH,
    UNHCR_PREFIX,
    WB_PREFIX,
    FakeProviders,
    eurostat_jsonstat,
    frontex_workbook,
    glotip_workbook,
    idmc_results,
    iom_csv,
    knomad_files,
    rpw_workbook,
    undesa_workbook,
    unhcr_flows_workbook,
    unhcr_items,
)

from analysis import build, catalogue, cli, providers, rawstore
from analysis.live import fetch_all
from analysis.paths import project_paths

STATES = catalogue.state_codes()
PROVIDERS = list(providers.IDS)
# Providers with a live client (the others are skipped by a live fetch, left out of its build).
LIVE = [p.id for p in providers.all_providers() if p.has_live_client]
WB_YEARS = (2010, 2023)
UNHCR_YEARS = [2015, 2020, 2024]
STOCK_YEARS = [2015, 2020, 2024]


@pytest.fixture(scope="module")
def mini(snapshot_dir, tmp_path_factory):
    """Real snapshot rows for a few years, written twice: as a snapshot folder and as the
    providers' wire formats. The snapshot has no SP.POP.TOTL; WPP values stand in for it on
    both sides (and the mini snapshot carries no WPP file), so both builds take population
    from the same rows."""
    folder = tmp_path_factory.mktemp("mini-snapshot")
    shutil.copyfile(snapshot_dir / "sources.json", folder / "sources.json")

    wb_codes = [i.code for i in catalogue.INDICATORS if i.provider == "worldbank"]
    wb = pd.read_csv(snapshot_dir / "worldbank" / "indicators.csv")
    wb = wb[wb.indicator.isin(wb_codes) & wb.iso3.isin(STATES) & wb.year.between(*WB_YEARS)]
    wpp = pd.read_csv(snapshot_dir / "undesa" / "population_wpp2024.csv")
    pop = wpp[wpp.iso3.isin(STATES) & wpp.year.between(*WB_YEARS)]
    pop = pop.rename(columns={"population": "value"})
    pop = pop.assign(indicator=catalogue.WORLDBANK_POPULATION_CODE)
    wb = pd.concat([wb, pop], ignore_index=True)[["indicator", "iso3", "year", "value"]]
    (folder / "worldbank").mkdir()
    wb.to_csv(folder / "worldbank" / "indicators.csv", index=False)
    # health and education spending: their own file in the snapshot, the same API live
    social = pd.read_csv(snapshot_dir / "worldbank" / "wdi_social_spending.csv")
    social = social[social.iso3.isin(STATES) & social.year.between(*WB_YEARS)]
    social.to_csv(folder / "worldbank" / "wdi_social_spending.csv", index=False)
    wb = pd.concat([wb, social], ignore_index=True)

    unhcr = {}
    (folder / "unhcr").mkdir()
    for name in catalogue.provider("unhcr").files:
        rows = pd.read_csv(snapshot_dir / "unhcr" / name, dtype=str, keep_default_na=False)
        rows = rows[rows.year.astype(int).isin(UNHCR_YEARS)]
        touching = rows.coo_iso.isin(STATES) | rows.coa_iso.isin(STATES)
        # rows the catalogue cannot use are in the snapshot too; the live client skips them
        rows = pd.concat([rows[touching], rows[~touching].head(40)])
        rows.to_csv(folder / "unhcr" / name, index=False)
        unhcr[name.removesuffix(".csv").replace("_", "-")] = unhcr_items(rows.replace("", None))
    # new arrivals: UNHCR's flow workbook (the live client keeps every row it holds)
    flows = pd.read_csv(snapshot_dir / "unhcr" / "flows.csv", dtype=str, keep_default_na=False)
    flows = flows[flows.year.astype(int).isin(UNHCR_YEARS)
                  & (flows.coo_iso.isin(STATES) | flows.coa_iso.isin(STATES))]
    flows.to_csv(folder / "unhcr" / "flows.csv", index=False)

    stock = pd.read_csv(snapshot_dir / "undesa" / "migrant_stock_2024.csv")
    stock = stock[stock.year.isin(STOCK_YEARS)
                  & (stock.destination_iso3.isin(STATES) | stock.origin_iso3.isin(STATES))]
    (folder / "undesa").mkdir()
    stock.to_csv(folder / "undesa" / "migrant_stock_2024.csv", index=False)

    mm = pd.read_csv(snapshot_dir / "iom" / "missing_migrants.csv", dtype=str,
                     keep_default_na=False)
    mm = mm[mm.date.str.startswith("2023")]
    (folder / "iom").mkdir()
    mm.to_csv(folder / "iom" / "missing_migrants.csv", index=False)

    # money and work (issue 11): both KNOMAD vintages, RPW corridor costs
    kn = pd.read_csv(snapshot_dir / "knomad" / "bilateral_remittances.csv",
                     keep_default_na=False)
    kn = kn[kn.sender_iso3.isin(STATES) | kn.receiver_iso3.isin(STATES)]
    (folder / "knomad").mkdir()
    kn.to_csv(folder / "knomad" / "bilateral_remittances.csv", index=False)
    costs = pd.read_csv(snapshot_dir / "rpw" / "corridor_costs.csv", keep_default_na=False)
    costs = costs[costs.sender_iso3.isin(STATES) | costs.receiver_iso3.isin(STATES)]
    (folder / "rpw").mkdir()
    costs.to_csv(folder / "rpw" / "corridor_costs.csv", index=False)

    # borders, trafficking and emergencies (issue 12)
    eu = pd.read_csv(snapshot_dir / "eurostat" / "asylum_applicants.csv", keep_default_na=False)
    eu = eu[eu.citizenship_iso3.isin(STATES)]
    (folder / "eurostat").mkdir()
    eu.to_csv(folder / "eurostat" / "asylum_applicants.csv", index=False)
    glotip = pd.read_csv(snapshot_dir / "unodc" / "glotip.csv", dtype=str,
                         keep_default_na=False)
    glotip = glotip[glotip.Iso3_code.isin(STATES)]
    (folder / "unodc").mkdir()
    glotip.to_csv(folder / "unodc" / "glotip.csv", index=False)
    idmc = pd.read_csv(snapshot_dir / "idmc" / "new_displacements.csv", keep_default_na=False)
    idmc = idmc[idmc.iso3.isin(STATES)]
    (folder / "idmc").mkdir()
    idmc.to_csv(folder / "idmc" / "new_displacements.csv", index=False)
    ibc = pd.read_csv(snapshot_dir / "frontex" / "illegal_border_crossings.csv",
                      keep_default_na=False)
    ibc = ibc[ibc.nationality_iso3.isin(STATES)]
    (folder / "frontex").mkdir()
    ibc.to_csv(folder / "frontex" / "illegal_border_crossings.csv", index=False)

    wire = {"worldbank": wb, "unhcr": unhcr, "undesa_xlsx": undesa_workbook(stock),
            "iom_csv": iom_csv(mm),
            "knomad_xlsx": knomad_files(kn),  # the 2017 matrix and the 2021 long file
            "rpw_xlsx": rpw_workbook(costs),
            "eurostat_json": eurostat_jsonstat(eu), "glotip_xlsx": glotip_workbook(glotip),
            "idmc": idmc_results(idmc), "frontex_xlsx": frontex_workbook(ibc),
            "unhcr_flows_xlsx": unhcr_flows_workbook(flows)}
    return folder, wire


@pytest.fixture
def server(mini):
    _, wire = mini
    with FakeProviders(**wire) as fake:
        yield fake


PROCESSED = {
    "indicators": ["indicator", "iso3", "year"],
    "corridors": ["measure", "origin_iso3", "destination_iso3", "year"],
    "missing_migrants": ["date", "incident_iso3", "origin_iso3", "dead_and_missing", "route"],
    "country_names": ["iso3"],
}


def test_live_fetch_then_build_equals_the_snapshot_path(mini, server, tmp_path):
    folder, _ = mini
    offline = project_paths(tmp_path / "snapshot")
    fetch_snapshot(offline, folder, tuple(LIVE))
    build.run_build(offline)

    live = project_paths(tmp_path / "live")
    assert fetch_all(live, PROVIDERS, refresh=False, max_age=24, config=server.config()) == 0
    result = build.run_build(live)
    # Every provider has a live client, so the comparison below covers them all (a provider
    # without one: test_a_provider_without_a_live_client_is_skipped_and_left_out).
    assert LIVE == PROVIDERS and not any("left out" in w for w in result.warnings)

    manifest = rawstore.load_manifest(live)
    assert {e["mode"] for e in manifest["sources"].values()} == {"live"}
    for name, key in PROCESSED.items():
        want = pd.read_parquet(getattr(offline, name))
        got = pd.read_parquet(getattr(live, name))
        pd.testing.assert_frame_equal(got.sort_values(key, ignore_index=True),
                                      want.sort_values(key, ignore_index=True), obj=name)
    # the providers' own tables too (trafficking breakdowns, Frontex routes, displacement by
    # cause, ...), each as a whole
    tables = {p.name for p in offline.processed.glob("*.parquet")}
    assert {p.name for p in live.processed.glob("*.parquet")} == tables
    for name in sorted(tables):
        want = pd.read_parquet(offline.processed / name)
        got = pd.read_parquet(live.processed / name)
        key = list(want.columns)
        pd.testing.assert_frame_equal(got.sort_values(key, ignore_index=True),
                                      want.sort_values(key, ignore_index=True), obj=name)
    # the comparison covers every indicator the catalogue defines for the live providers
    indicators = pd.read_parquet(live.indicators)
    assert set(indicators.indicator) == {i.id for i in catalogue.INDICATORS
                                         if i.provider == "derived" or i.provider in LIVE}
    assert set(indicators.iso3) == set(STATES)


def test_a_provider_without_a_live_client_is_skipped_and_left_out(server, tmp_path,
                                                                  monkeypatch, caplog):
    """Every provider has a live client today; take Eurostat's away (`fetch_live=None`, as
    for a provider taken only from snapshots) and a live fetch skips it in one warning, its
    server is not asked, and the build leaves its indicators and table out, saying so."""
    module = importlib.import_module("analysis.providers.eurostat")
    monkeypatch.setattr(module, "PROVIDER",
                        dataclasses.replace(module.PROVIDER, fetch_live=None))
    live = project_paths(tmp_path)
    with caplog.at_level(logging.WARNING):
        assert fetch_all(live, PROVIDERS, refresh=False, max_age=24,
                         config=server.config()) == 0
    assert "fetch eurostat: no live client yet; data/raw/eurostat kept as it is" in caplog.text
    assert not (live.raw / "eurostat").exists()
    assert "eurostat" not in rawstore.load_manifest(live)["sources"]
    asked = {path.split("/")[1] for path, _, _ in server.requests}
    assert "eurostat" not in asked and "wb" in asked  # the others were fetched

    result = build.run_build(live)
    assert any("eurostat" in w and "left out" in w for w in result.warnings), result.warnings
    built = set(pd.read_parquet(live.indicators)["indicator"])
    eurostat = {i.id for i in catalogue.INDICATORS if i.provider == "eurostat"}
    assert eurostat and not built & eurostat
    assert built >= {i.id for i in catalogue.INDICATORS if i.provider == "worldbank"}
    assert not [t for t in module.PROVIDER.tables
                if (live.processed / f"{t.name}.parquet").exists()]


def test_a_recent_live_fetch_is_not_repeated(server, tmp_path, caplog):
    paths = project_paths(tmp_path)
    config = server.config()
    assert fetch_all(paths, ["iom"], refresh=False, max_age=24, config=config) == 0
    assert len(server.requests) == 1
    with caplog.at_level(logging.INFO):
        assert fetch_all(paths, ["iom"], refresh=False, max_age=24, config=config) == 0
    assert len(server.requests) == 1
    assert "fetch iom: kept, last live fetch" in caplog.text
    assert fetch_all(paths, ["iom"], refresh=True, max_age=24, config=config) == 0
    assert len(server.requests) == 2
    assert fetch_all(paths, ["iom"], refresh=False, max_age=0, config=config) == 0
    assert len(server.requests) == 3


def test_an_old_or_snapshot_fetch_is_not_fresh(mini, server, tmp_path):
    folder, _ = mini
    paths = project_paths(tmp_path)
    fetch_snapshot(paths, folder, tuple(LIVE))  # mode "snapshot", just now
    assert fetch_all(paths, ["iom"], refresh=False, max_age=24, config=server.config()) == 0
    assert len(server.requests) == 1
    manifest = json.loads(paths.manifest.read_text())
    two_days_ago = dt.datetime.now(dt.UTC) - dt.timedelta(hours=48)
    manifest["sources"]["iom"]["retrieved_at"] = two_days_ago.isoformat()
    paths.manifest.write_text(json.dumps(manifest))
    assert fetch_all(paths, ["iom"], refresh=False, max_age=24, config=server.config()) == 0
    assert len(server.requests) == 2


def test_one_failing_source_does_not_stop_the_others(server, tmp_path, caplog):
    paths = project_paths(tmp_path)
    assert fetch_all(paths, PROVIDERS, refresh=True, max_age=24, config=server.config()) == 0
    before = {f.name: f.read_bytes() for f in (paths.raw / "unhcr").iterdir()}
    entry = rawstore.load_manifest(paths)["sources"]["unhcr"]
    server.add_fault(UNHCR_PREFIX + "/solutions/", status=503, times=99)
    server.requests.clear()
    assert fetch_all(paths, PROVIDERS, refresh=True, max_age=24, config=server.config()) == 1
    fetched = {path.split("/")[1] for path, _, _ in server.requests}
    # the sources after unhcr still ran (each under its own first path segment)
    assert fetched == {"wb" if p == "worldbank" else p for p in LIVE}  # UNHCR stopped early
    assert {f.name: f.read_bytes() for f in (paths.raw / "unhcr").iterdir()} == before
    assert rawstore.load_manifest(paths)["sources"]["unhcr"] == entry
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert any(e.startswith("fetch unhcr failed: ") and "/solutions/" in e and "HTTP 503" in e
               for e in errors)
    # Providers without a live client yet are skipped, not counted as fetched or failed.
    live = [p for p in PROVIDERS if providers.get(p).fetch_live is not None]
    assert f"1 of {len(live)} source(s) failed: unhcr" in errors[-1]
    assert not list(paths.raw.glob(".*new*"))  # no staging folder left behind


def test_cli_fetch_one_source(server, tmp_path, monkeypatch):
    monkeypatch.setenv("ANALYSIS_ROOT", str(tmp_path))
    for key, value in server.env().items():
        monkeypatch.setenv(key, value)
    assert cli.main(["fetch", "--source", "iom"]) == 0
    assert {path for path, _, _ in server.requests} == {IOM_PATH}
    paths = project_paths(tmp_path)
    assert set(rawstore.load_manifest(paths)["sources"]) == {"iom"}


def test_cli_exit_code_is_non_zero_when_a_source_fails(server, tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("ANALYSIS_ROOT", str(tmp_path))
    for key, value in server.env().items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("WORLDBANK_API_URL", server.url + "/moved/v2")  # a permanent 404
    assert cli.main(["fetch", "--source", "worldbank,iom", "--refresh"]) == 1
    assert "fetch worldbank failed" in caplog.text and "/moved/v2/country/" in caplog.text
    assert set(rawstore.load_manifest(project_paths(tmp_path))["sources"]) == {"iom"}


def test_one_log_line_per_source_off_a_terminal(server, tmp_path, caplog, capfd):
    paths = project_paths(tmp_path)
    with caplog.at_level(logging.INFO, logger="analysis.live"):
        assert fetch_all(paths, ["undesa", "iom"], refresh=True, max_age=24,
                         config=server.config(progress=False)) == 0
    lines = [r.getMessage() for r in caplog.records if r.name == "analysis.live"]
    assert len(lines) == 3  # one per source, then the step's summary line
    assert lines[0].startswith("fetch undesa: 1 request(s), migrant_stock_2024.csv ")
    assert lines[1].startswith("fetch iom: 1 request(s), missing_migrants.csv ")
    assert lines[2] == "fetch: 2 source(s) fetched live, 0 kept as fresh"
    assert "fetch iom" not in capfd.readouterr().err  # no progress bar


def test_a_progress_bar_per_source_on_a_terminal(server, tmp_path, capfd):
    paths = project_paths(tmp_path)
    assert fetch_all(paths, ["worldbank", "iom"], refresh=True, max_age=24,
                     config=server.config(progress=True)) == 0
    err = capfd.readouterr().err
    assert "fetch worldbank" in err and "req" in err
    assert "fetch iom" in err


def test_requests_for_a_full_refresh(server, tmp_path):
    paths = project_paths(tmp_path)
    assert fetch_all(paths, PROVIDERS, refresh=True, max_age=24, config=server.config()) == 0
    wb = [p for p, _, _ in server.requests if p.startswith(WB_PREFIX)]
    unhcr = [p for p, _, _ in server.requests if p.startswith(UNHCR_PREFIX)]
    # population and the two live-only remittance-cost series beside the catalogue's
    n_wb = len([i for i in catalogue.INDICATORS if i.provider == "worldbank"]) + 1 + 2
    assert len(wb) == n_wb  # one page each at the default page size
    assert len(unhcr) == 2 * len(catalogue.provider("unhcr").files)
    # UN DESA and IOM one file each; KNOMAD one workbook per year; RPW one file; issue 12:
    # Eurostat one JSON-stat answer, GLOTIP and Frontex one workbook, IDMC one page of 100
    # results (its server's cap) at a time in each list, UNHCR's flow workbook
    idmc_pages = sum(-(-len(results) // 100) for results in server.idmc.values())
    issue_12 = {"eurostat": 1, "unodc": 1, "frontex": 1, "idmc": idmc_pages, "unhcr": 1}
    assert len(server.requests) == n_wb + len(unhcr) + 2 + len(server.knomad_xlsx) + 1 \
        + sum(n for p, n in issue_12.items() if p in LIVE)
