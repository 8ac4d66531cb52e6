"""Files whose name changes, and what real servers do to scripts (issue 20, points 5 and 6):

- FRONTEX_URL, GLOTIP_URL and RPW_URL take the file or the provider's page; a page is searched
  for the newest file it links to (live.pages). The Frontex page and workbook are built here
  from the snapshot's rows in the layout public scripts read today (the workbook linked from the
  migratory-map page as /assets/Migratory_routes/<year>/Monthly_detections_of_IBC_<date>.xlsx,
  a leading blank row, `Border type or inland`, the labels "Unspecified sub-Saharan nationals"
  and "Not specified"); the GLOTIP page links its export under data.unodc.org's dated paths.
- Requests to Frontex, UNODC and RPW carry a browser's headers; FETCH_USER_AGENT replaces the
  User-Agent of every request.
- Eurostat's HTTP 200 with {"warning": {"status": 413}} is asked again.
"""

from __future__ import annotations

import dataclasses
import io
import json
import logging
import re

import pandas as pd
import pytest
from live_server import (
    EUROSTAT_PATH,
    FAST_HTTP,
    GLOTIP_PATH,
    FakeProviders,
    eurostat_jsonstat,
    frontex_workbook,
    glotip_workbook,
    link_page,
)
from openpyxl import load_workbook

from analysis import build, catalogue, rawstore
from analysis.live import LiveConfig, fetch_all
from analysis.live.http import BROWSER_HEADERS
from analysis.live.pages import links
from analysis.paths import project_paths

STATES = catalogue.state_codes()
FRONTEX_PAGE = "/frontex/along-eu-borders/migratory-map/"
GLOTIP_PAGE = "/unodc/datareport/tip-victims"


def _fetch(server, paths, *sources, **config) -> int:
    return fetch_all(paths, list(sources), refresh=True, max_age=24,
                     config=server.config(**config))


def _failed(caplog, provider: str) -> list[str]:
    return [r.getMessage() for r in caplog.records
            if r.levelno >= logging.ERROR and r.getMessage().startswith(f"fetch {provider} failed")]


# -- finding the link -------------------------------------------------------------------------


def test_links_are_resolved_and_the_newest_comes_first():
    frontex = re.compile(r"^Monthly_detections_of_IBC.*\.xlsx$", re.IGNORECASE)
    page = link_page("Migratory map",
                     "/assets/Migratory_routes/2025/Monthly_detections_of_IBC_2025_05_06.xlsx",
                     "https://www.frontex.europa.eu/assets/Migratory_routes/2025/"
                     "Monthly_detections_of_IBC_2025_06_03.xlsx",
                     "/assets/Migratory_routes/2024/Monthly_detections_of_IBC_2024_12_05.xlsx",
                     "/assets/Key_Documents/Risk_Analysis_2025.pdf")
    got = links(page, "https://www.frontex.europa.eu/along-eu-borders/migratory-map/", frontex)
    assert got == ["https://www.frontex.europa.eu/assets/Migratory_routes/2025/"
                   "Monthly_detections_of_IBC_2025_06_03.xlsx",
                   "https://www.frontex.europa.eu/assets/Migratory_routes/2025/"
                   "Monthly_detections_of_IBC_2025_05_06.xlsx",
                   "https://www.frontex.europa.eu/assets/Migratory_routes/2024/"
                   "Monthly_detections_of_IBC_2024_12_05.xlsx"]
    # UNODC's dated folders, and a later revision `_0` in the same folder
    glotip = re.compile(r"^data_glotip(_\d+)?\.xlsx$")
    page = link_page("Victims", "/sites/dataportal.unodc.org/files/2024-05/data_glotip.xlsx",
                     "/sites/dataportal.unodc.org/files/2025-11/data_glotip.xlsx",
                     "/sites/dataportal.unodc.org/files/2025-11/data_glotip_0.xlsx",
                     "/sites/dataportal.unodc.org/files/2025-11/data_cts_prisons.xlsx")
    got = links(page, "https://data.unodc.org/datareport/tip-victims", glotip)
    assert got[0] == "https://data.unodc.org/sites/dataportal.unodc.org/files/2025-11/" \
                     "data_glotip_0.xlsx" and len(got) == 3
    # JSON: only whole URLs count (a bare file name is no address)
    listing = json.dumps({"data": [{"distribution": {
        "file_name": "rpw_dataset_2011_2025_q3.xlsx",
        "url": "https://datacatalogfiles.worldbank.org/ddh-published/0037898/DR0095523/"
               "rpw_dataset_2011_2025_q3.xlsx"}}]}).encode()
    got = links(listing, "https://ddh-openapi.worldbank.org/resources",
                re.compile(r"^rpw_dataset_.*\.xlsx$"))
    assert got == ["https://datacatalogfiles.worldbank.org/ddh-published/0037898/DR0095523/"
                   "rpw_dataset_2011_2025_q3.xlsx"]


def test_the_defaults_are_the_providers_pages():
    urls = LiveConfig.from_env({}).urls
    assert urls["FRONTEX_URL"] == "https://www.frontex.europa.eu/along-eu-borders/migratory-map/"
    assert urls["GLOTIP_URL"] == "https://data.unodc.org/datareport/tip-victims"
    assert urls["RPW_URL"].startswith("https://ddh-openapi.worldbank.org/resources")


# -- Frontex through its page -----------------------------------------------------------------


@pytest.fixture(scope="module")
def frontex_rows(snapshot_dir) -> pd.DataFrame:
    """The snapshot's detections of the catalogue states' nationals and of the file's no-state
    labels (OOS, OOO, STL), every month to April 2025."""
    rows = pd.read_csv(snapshot_dir / "frontex" / "illegal_border_crossings.csv",
                       keep_default_na=False)
    return rows[rows.nationality_iso3.isin([*STATES, "OOS", "OOO", "STL"])]


@pytest.fixture(scope="module")
def frontex_xlsx(frontex_rows) -> bytes:
    return frontex_workbook(frontex_rows, border="Border type or inland", title=False)


FRONTEX_NEWEST = "/frontex/assets/Migratory_routes/2025/Monthly_detections_of_IBC_2025_06_03.xlsx"


def _frontex_page() -> bytes:
    """The migratory-map page: last month's workbook (no longer served) and the newest."""
    return link_page("Migratory map", FRONTEX_NEWEST.replace("2025_06_03", "2025_05_06"),
                     FRONTEX_NEWEST)


def test_frontex_from_its_page_gives_the_snapshot_paths_values(frontex_rows, frontex_xlsx,
                                                               built_root, fresh_copy):
    """Fetched live through its page over a copy of the snapshot path's data and built: the
    snapshot's raw rows, and the snapshot path's processed values for these nationalities."""
    paths = fresh_copy
    newest = FRONTEX_NEWEST
    with FakeProviders(urls={"FRONTEX_URL": FRONTEX_PAGE},
                       pages={FRONTEX_PAGE: _frontex_page(), newest: frontex_xlsx},
                       last_modified="Tue, 03 Jun 2025 08:00:00 GMT") as server:
        assert _fetch(server, paths, "frontex") == 0
        assert server.paths_requested() == [FRONTEX_PAGE, newest]
        headers = [h for _, _, h in server.requests]
    for sent in headers:  # Frontex's firewall refuses a library's User-Agent
        assert sent["User-Agent"] == BROWSER_HEADERS["User-Agent"]
        assert sent["Accept"] == BROWSER_HEADERS["Accept"]
    got = pd.read_csv(paths.raw_file("frontex", "illegal_border_crossings.csv"),
                      keep_default_na=False)
    key = ["month", "route", "type", "nationality_iso3"]
    pd.testing.assert_frame_equal(got, frontex_rows.sort_values(key, ignore_index=True))
    entry = rawstore.load_manifest(paths)["sources"]["frontex"]
    assert entry["mode"] == "live"
    assert entry["files"]["illegal_border_crossings.csv"]["origin"].endswith(newest)
    assert entry["files"]["illegal_border_crossings.csv"]["params"] == {
        "page": server.url + FRONTEX_PAGE}
    assert entry["vintage"]["last_updated"] == "2025-06-03"
    # built: the snapshot path's processed values for these nationalities
    build.run_build(paths)
    kept = [*STATES, "OOS", "OOO", "STL"]
    for table, column, extra in ((paths.indicators, "iso3", "indicator"),
                                 (paths.processed / "frontex_routes.parquet",
                                  "nationality_iso3", "route")):
        live, want = (pd.read_parquet(root) for root in
                      (table, built_root.processed / table.name))
        if extra == "indicator":
            live, want = (f[f.indicator == "eu_irregular_crossings"] for f in (live, want))
        want = want[want[column].isin(kept)]
        order = [c for c in want.columns if c not in ("value", "detections", "flag", "source")]
        pd.testing.assert_frame_equal(live.sort_values(order, ignore_index=True),
                                      want.sort_values(order, ignore_index=True),
                                      obj=table.name)
    # "Not specified" on the Western Balkan route in 2015, summed here from the snapshot CSV
    routes = pd.read_parquet(paths.processed / "frontex_routes.parquet")
    balkans = routes[(routes.year == 2015) & (routes.nationality_iso3 == "OOO")
                     & (routes.route == "Western Balkan Route")]
    snap = frontex_rows[(frontex_rows.nationality_iso3 == "OOO")
                        & frontex_rows.month.str.startswith("2015")
                        & (frontex_rows.route == "Western Balkan Route")]
    assert balkans.detections.sum() == snap.detections.sum() > 500_000


def test_frontex_page_without_the_workbook_is_one_line_naming_the_page(frontex_xlsx, tmp_path,
                                                                       caplog):
    paths = project_paths(tmp_path)
    page = link_page("Migratory map", "/assets/Key_Documents/Risk_Analysis_2025.pdf")
    with FakeProviders(frontex_xlsx=frontex_xlsx, urls={"FRONTEX_URL": FRONTEX_PAGE},
                       pages={FRONTEX_PAGE: page}) as server:
        assert _fetch(server, paths, "frontex") == 1
        # an HTML page may be an outage page: asked again before giving up
        assert server.paths_requested() == [FRONTEX_PAGE] * FAST_HTTP.attempts
    lines = _failed(caplog, "frontex")
    assert len(lines) == 1 and "\n" not in lines[0]
    assert FRONTEX_PAGE in lines[0] and "no link to Frontex's monthly detections workbook" \
        in lines[0]
    assert not paths.raw_file("frontex", "illegal_border_crossings.csv").exists()


def test_frontex_no_state_labels_are_kept_not_refused(frontex_rows, tmp_path):
    """"Unspecified sub-Saharan nationals", "Not specified" and "Others" on one route and
    month: kept as no state (OOS, OOO), the two OOO labels added."""
    rows = pd.DataFrame({"month": ["2023-05"] * 2, "route": ["Central Mediterranean Route"] * 2,
                         "type": ["Sea"] * 2, "nationality_iso3": ["OOS", "OOO"],
                         "detections": [120, 30]})
    book = load_workbook(io.BytesIO(frontex_workbook(rows)))
    book["Detections_of_IBC"].append(["Central Mediterranean Route", "Sea", "Others", 5])
    out = io.BytesIO()
    book.save(out)
    paths = project_paths(tmp_path)
    with FakeProviders(frontex_xlsx=out.getvalue()) as server:
        assert _fetch(server, paths, "frontex") == 0
    got = pd.read_csv(paths.raw_file("frontex", "illegal_border_crossings.csv"),
                      keep_default_na=False)
    assert got.set_index("nationality_iso3").detections.to_dict() == {"OOO": 35, "OOS": 120}


# -- GLOTIP through its page ------------------------------------------------------------------


def test_glotip_from_its_page_with_dated_paths(snapshot_dir, tmp_path):
    rows = pd.read_csv(snapshot_dir / "unodc" / "glotip.csv", dtype=str, keep_default_na=False)
    rows = rows[rows.Iso3_code.isin(["TJK", "KGZ"])]
    dated = "/sites/dataportal.unodc.org/files/2025-11/data_glotip_0.xlsx"
    page = link_page("Detected trafficking victims",
                     "/sites/dataportal.unodc.org/files/2024-05/data_glotip.xlsx", dated)
    paths = project_paths(tmp_path)
    with FakeProviders(urls={"GLOTIP_URL": GLOTIP_PAGE},
                       pages={GLOTIP_PAGE: page, dated: glotip_workbook(rows)}) as server:
        assert _fetch(server, paths, "unodc") == 0
        assert server.paths_requested() == [GLOTIP_PAGE, dated]
        assert {h["User-Agent"] for _, _, h in server.requests} == \
            {BROWSER_HEADERS["User-Agent"]}
    got = pd.read_csv(paths.raw_file("unodc", "glotip.csv"), dtype=str, keep_default_na=False)
    assert len(got) == len(rows) and set(got.Iso3_code) == {"TJK", "KGZ"}


# -- headers ----------------------------------------------------------------------------------


def test_fetch_user_agent_replaces_every_user_agent(frontex_xlsx, tmp_path):
    config = LiveConfig.from_env({"FETCH_USER_AGENT": " pipeline/2 (ops@example.org) "})
    assert config.http.user_agent == "pipeline/2 (ops@example.org)"
    assert LiveConfig.from_env({}).http.user_agent is None
    http = dataclasses.replace(FAST_HTTP, user_agent="pipeline/2 (ops@example.org)")
    paths = project_paths(tmp_path)
    with FakeProviders(frontex_xlsx=frontex_xlsx) as server:
        assert _fetch(server, paths, "frontex", http=http) == 0
        agents = {h["User-Agent"] for _, _, h in server.requests}
        accept = {h.get("Accept") for _, _, h in server.requests}
    assert agents == {"pipeline/2 (ops@example.org)"}
    assert accept == {BROWSER_HEADERS["Accept"]}  # the provider's other headers stay


def test_providers_without_headers_of_their_own_send_ours(tmp_path, snapshot_dir):
    eu = pd.read_csv(snapshot_dir / "eurostat" / "asylum_applicants.csv", keep_default_na=False)
    eu = eu[eu.citizenship_iso3.isin(["TJK"]) & (eu.year == 2020)]
    paths = project_paths(tmp_path)
    with FakeProviders(eurostat_json=eurostat_jsonstat(eu)) as server:
        assert _fetch(server, paths, "eurostat") == 0
        agents = [h["User-Agent"] for _, _, h in server.requests]
    assert len(agents) == 1 and agents[0].startswith("almaty-analysis/")
    assert "eurostat client" in agents[0]


# -- Eurostat's asynchronous answer -----------------------------------------------------------


def test_eurostat_warning_413_is_asked_again(snapshot_dir, tmp_path, caplog):
    eu = pd.read_csv(snapshot_dir / "eurostat" / "asylum_applicants.csv", keep_default_na=False)
    eu = eu[eu.citizenship_iso3.isin(["TJK", "KGZ"])]
    warning = {"warning": {"status": 413, "label": "ASYNCHRONOUS_RESPONSE. Your request will be "
                           "treated asynchronously. Please try again later."}}
    paths = project_paths(tmp_path)
    with FakeProviders(eurostat_json=eurostat_jsonstat(eu)) as server:
        server.add_fault(EUROSTAT_PATH, body=json.dumps(warning).encode(), times=1)
        with caplog.at_level(logging.INFO, logger="analysis.live.http"):
            assert _fetch(server, paths, "eurostat") == 0
        assert server.paths_requested() == [EUROSTAT_PATH, EUROSTAT_PATH]
    assert any("preparing the extraction" in r.getMessage() for r in caplog.records)
    got = pd.read_csv(paths.raw_file("eurostat", "asylum_applicants.csv"))
    assert got.applicants.sum() == eu.applicants.sum()
    # every answer a warning: given up in one line naming the URL
    caplog.clear()
    with FakeProviders(eurostat_json=eurostat_jsonstat(eu)) as server:
        server.add_fault(EUROSTAT_PATH, body=json.dumps(warning).encode(), times=10)
        assert _fetch(server, paths, "eurostat") == 1
    lines = _failed(caplog, "eurostat")
    assert len(lines) == 1 and EUROSTAT_PATH in lines[0] and "warning 413" in lines[0]


def test_glotip_url_naming_the_workbook_fetches_it_directly(snapshot_dir, tmp_path):
    """GLOTIP_URL naming the workbook itself (no page): fetched as before."""
    rows = pd.read_csv(snapshot_dir / "unodc" / "glotip.csv", dtype=str, keep_default_na=False)
    rows = rows[rows.Iso3_code == "TJK"]
    paths = project_paths(tmp_path)
    with FakeProviders(glotip_xlsx=glotip_workbook(rows)) as server:
        assert _fetch(server, paths, "unodc") == 0
        assert server.paths_requested() == [GLOTIP_PATH]
    entry = rawstore.load_manifest(paths)["sources"]["unodc"]
    assert entry["files"]["glotip.csv"]["params"] == {}
