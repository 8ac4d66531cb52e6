"""Network faults from a local server on 127.0.0.1, one scenario per fault and provider.

Every scenario starts from a good live fetch of every source, then fetches one source again
while the server misbehaves, and checks the four promises of a failed fetch:

1. it ends within a bounded time (the test policy's deadline plus a margin);
2. its error line names the source and the URL that failed;
3. data/raw/ and the manifest are byte-identical to what the good fetch left;
4. no staging folder or temporary file is left under data/.

The budgets are production-shaped but small: 0.5 s timeouts, 3 attempts, a 2 s deadline per
request and its retries.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote

import pandas as pd
import pytest
from live_server import (
    EUROSTAT_PATH,
    FRONTEX_PATH,
    GLOTIP_PATH,
    IDMC_PREFIX,
    IOM_PATH,
    KNOMAD_PREFIX,
    RPW_PATH,
    UNDESA_PATH,
    UNHCR_PREFIX,
    WB_PREFIX,
    FakeProviders,
    borders_wire,
    html_page,
    iom_csv,
    money_wire,
    social_spending,
    undesa_workbook,
    unhcr_items,
)

from analysis import catalogue, providers
from analysis.live import HttpPolicy, fetch_all
from analysis.paths import Paths, project_paths

STATES = catalogue.state_codes()
# Providers with a live client (the others have no network traffic to break yet).
PROVIDERS = [p.id for p in providers.all_providers() if p.has_live_client]

POLICY = HttpPolicy(timeout=(0.5, 0.5), attempts=3, backoff=0.05, backoff_max=1.0,
                    deadline=2.0)
# The failing request gets the deadline; a read already waiting may overrun it by one read
# timeout; the good requests before it and a loaded 2-core machine get the rest.
BUDGET = POLICY.deadline + POLICY.timeout[1] + 2.0
WB_PER_PAGE = 20  # 13 states x 3 years: two pages per indicator
UNHCR_LIMIT = 200  # one year of population rows: four pages, then two
UNHCR_POP = UNHCR_PREFIX + "/population/"
PATHS = {"worldbank": WB_PREFIX, "unhcr": UNHCR_POP, "undesa": UNDESA_PATH, "iom": IOM_PATH,
         "knomad": KNOMAD_PREFIX, "rpw": RPW_PATH,
         # borders, trafficking and emergencies (issue 12)
         "unodc": GLOTIP_PATH, "eurostat": EUROSTAT_PATH, "frontex": FRONTEX_PATH,
         "idmc": IDMC_PREFIX}


# ---------------------------------------------------------------------------
# Real rows, served in the providers' wire formats, and a good fetch of them
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def wire(snapshot_dir) -> dict:
    """Real snapshot rows, a few years of each source: enough for every check the raw reader
    makes (each state present), and for more than one page of World Bank and UNHCR data."""
    wb_codes = [i.code for i in catalogue.INDICATORS if i.provider == "worldbank"]
    wb = pd.concat([pd.read_csv(snapshot_dir / "worldbank" / "indicators.csv"),
                    social_spending(snapshot_dir)])
    wb = wb[wb.indicator.isin(wb_codes) & wb.iso3.isin(STATES) & wb.year.between(2019, 2021)]
    wpp = pd.read_csv(snapshot_dir / "undesa" / "population_wpp2024.csv")
    pop = wpp[wpp.iso3.isin(STATES) & wpp.year.between(2019, 2021)]
    pop = pop.rename(columns={"population": "value"})
    pop = pop.assign(indicator=catalogue.WORLDBANK_POPULATION_CODE)
    wb = pd.concat([wb, pop], ignore_index=True)[["indicator", "iso3", "year", "value"]]

    unhcr = {}
    for name in catalogue.provider("unhcr").files:
        rows = pd.read_csv(snapshot_dir / "unhcr" / name, dtype=str, keep_default_na=False)
        rows = rows[(rows.year == "2020") & (rows.coo_iso.isin(STATES) | rows.coa_iso.isin(STATES))]
        unhcr[name.removesuffix(".csv").replace("_", "-")] = unhcr_items(rows.replace("", None))

    stock = pd.read_csv(snapshot_dir / "undesa" / "migrant_stock_2024.csv")
    stock = stock[stock.year.isin([2020, 2024])
                  & (stock.destination_iso3.isin(STATES) | stock.origin_iso3.isin(STATES))]
    mm = pd.read_csv(snapshot_dir / "iom" / "missing_migrants.csv", dtype=str,
                     keep_default_na=False)
    mm = mm[mm.date.str.startswith("2023")]
    return {"worldbank": wb, "unhcr": unhcr, "undesa_xlsx": undesa_workbook(stock),
            "iom_csv": iom_csv(mm), **money_wire(snapshot_dir, STATES),
            **borders_wire(snapshot_dir, STATES)}


def config(server: FakeProviders):
    return server.config(http=POLICY, worldbank_per_page=WB_PER_PAGE, unhcr_limit=UNHCR_LIMIT,
                         last_year=2025)


@pytest.fixture(scope="module")
def good_root(wire, tmp_path_factory) -> Paths:
    """A project root after a good live fetch of every source (not to be modified)."""
    paths = project_paths(tmp_path_factory.mktemp("good"))
    with FakeProviders(**wire) as server:
        assert fetch_all(paths, PROVIDERS, refresh=True, max_age=24, config=config(server)) == 0
        pages = [q.get("page") for p, q, _ in server.requests if p.startswith(UNHCR_POP)]
        wb_pages = [q.get("page") for p, q, _ in server.requests if p.startswith(WB_PREFIX)]
    # the paging scenarios need page 2s to exist
    assert "2" in pages and "2" in wb_pages
    return paths


@pytest.fixture
def root(good_root, tmp_path) -> Paths:
    shutil.copytree(good_root.root / "data", tmp_path / "data")
    return project_paths(tmp_path)


def digest(data: Path) -> dict[str, str]:
    return {str(p.relative_to(data)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(data.rglob("*")) if p.is_file()}


def leftovers(data: Path) -> list[str]:
    return [str(p.relative_to(data)) for p in data.rglob("*")
            if ".new-" in p.name or ".old-" in p.name or p.name.endswith(".tmp")]


# ---------------------------------------------------------------------------
# Page edits: what a provider's data changing under a paging client looks like
# ---------------------------------------------------------------------------


def page_one(earlier: list, query: dict):
    """The page-1 answer of the same query, from the answers already served for this path."""
    same = {k: v for k, v in query.items() if k != "page"}
    return next(answer for q, answer in reversed(earlier)
                if q.get("page") == "1" and {k: v for k, v in q.items() if k != "page"} == same)


def wb_pages_grow(body, query, earlier):
    body[0]["pages"] += 1
    body[0]["total"] += WB_PER_PAGE
    return body


def wb_pages_shrink(body, query, earlier):
    body[0]["pages"] -= 1
    body[0]["total"] -= WB_PER_PAGE
    return body


def wb_row_repeated(body, query, earlier):
    """Page 2 starts with page 1's last row, and counts stay the same (a row inserted ahead
    and another deleted): only the rows themselves show it."""
    body[1][0] = page_one(earlier, query)[1][-1]
    return body


def wb_field_missing(body, query, earlier):
    del body[1][0]["date"]
    return body


def wb_field_renamed(body, query, earlier):
    for row in body[1]:
        row["countryISO3code"] = row.pop("countryiso3code")
    return body


def unhcr_pages_grow(body, query, earlier):
    body["maxPages"] += 1
    return body


def unhcr_pages_shrink(body, query, earlier):
    body["maxPages"] -= 1
    return body


def unhcr_row_repeated(body, query, earlier):
    body["items"][0] = page_one(earlier, query)["items"][-1]
    return body


def unhcr_field_missing(body, query, earlier):
    for item in body["items"]:
        del item["refugees"]
    return body


def unhcr_field_renamed(body, query, earlier):
    for item in body["items"]:
        item["refugee_count"] = item.pop("refugees")
    return body


# ---------------------------------------------------------------------------
# The scenarios
# ---------------------------------------------------------------------------

WB_ERROR = json.dumps([{"message": [{"id": "120", "key": "Invalid value",
                                     "value": "The provided parameter value is not valid"}]}])
WB_XML = ('\ufeff<?xml version="1.0" encoding="utf-8"?><wb:error xmlns:wb="http://www.worldbank'
          '.org"><wb:message id="120" key="Invalid value">The provided parameter value is not '
          'valid</wb:message></wb:error>').encode()
UNHCR_ERROR = json.dumps({"error": "Internal error", "message": "Query timed out"})
UNHCR_XML = b'<?xml version="1.0"?><error><message>Bad request</message></error>'
WB_CUT = json.dumps([{"page": 1, "pages": 1, "per_page": WB_PER_PAGE, "total": 1},
                     [{"indicator": {"id": "X"}, "countryiso3code": "AFG"}]])[:60]
UNHCR_CUT = json.dumps({"page": 1, "maxPages": 1, "items": [{"year": 2020}]})[:40]
LONG = b'{"data": "' + b"x" * 4000 + b'"}'  # any body; it never arrives whole


@dataclasses.dataclass
class Scenario:
    id: str
    provider: str
    fault: dict | Callable  # FakeProviders.add_fault keywords (or wire -> them)
    says: str  # a phrase the error line must hold: the cause, in words
    check: Callable | None = None  # further checks on the server's request log


def retry_after_honoured(server: FakeProviders) -> None:
    times = server.request_times
    assert len(times) >= 2 and times[-1] - times[-2] >= 1.0  # waited as Retry-After asked


def requests_to_fault(expected: int) -> Callable:
    """How many requests met the fault: the attempts the policy allows, or one when retrying
    cannot help."""
    def check(server: FakeProviders) -> None:
        assert sum(99 - f.times for f in server.faults) == expected
    return check


def downloads_and_pages(fault: str, build: Callable[[str], dict], says: str,
                        providers=PROVIDERS, check=None) -> list[Scenario]:
    return [Scenario(f"{fault}-{p}", p, build(p), says, check) for p in providers]


SCENARIOS = [
    *downloads_and_pages("reset-mid-body", lambda p: {"body": LONG, "reset_at": 200, "times": 99},
                         "connection failed or body cut off",
                         check=requests_to_fault(POLICY.attempts)),
    *downloads_and_pages("cut-short", lambda p: {"body": LONG, "cut_at": 200, "times": 99},
                         "connection failed or body cut off",
                         check=requests_to_fault(POLICY.attempts)),
    *downloads_and_pages("slow-drip", lambda p: {"body": LONG, "drip": 0.2, "times": 99},
                         "the body was still arriving", check=requests_to_fault(1)),
    *downloads_and_pages("slow-drip-headers", lambda p: {
        "body": LONG, "drip": 0.2, "drip_headers": True, "times": 99},
        "the status line and headers were still arriving", ["worldbank", "iom"],
        check=requests_to_fault(1)),
    *downloads_and_pages("429-retry-after", lambda p: {
        "status": 429, "headers": {"Retry-After": "1"}, "times": 99}, "HTTP 429",
        check=retry_after_honoured),
    Scenario("429-retry-after-too-long-worldbank", "worldbank",
             {"status": 429, "headers": {"Retry-After": "120"}, "times": 99},
             "asks to retry after 120s", requests_to_fault(1)),
    *[s for status in (500, 502, 503) for s in downloads_and_pages(
        f"{status}-burst", lambda p, status=status: {
            "status": status, "body": html_page(f"{status} Server Error"), "times": 99},
        f"HTTP {status}", check=requests_to_fault(POLICY.attempts))],
    Scenario("200-error-body-worldbank", "worldbank", {"body": WB_ERROR.encode(), "times": 99},
             "World Bank API error 120 Invalid value", requests_to_fault(1)),
    Scenario("200-error-body-unhcr", "unhcr", {"body": UNHCR_ERROR.encode(), "times": 99},
             "message='Query timed out'", requests_to_fault(1)),
    *downloads_and_pages("html-not-json", lambda p: {
        "body": html_page("Service Unavailable"), "times": 99},
        "an HTML page ('Service Unavailable') instead of JSON", ["worldbank", "unhcr"]),
    Scenario("xml-not-json-worldbank", "worldbank", {"body": WB_XML, "times": 99},
             "an XML body (error 120 Invalid value", requests_to_fault(1)),
    Scenario("xml-not-json-unhcr", "unhcr", {"body": UNHCR_XML, "times": 99},
             "expected JSON, got an XML body", requests_to_fault(1)),
    Scenario("truncated-json-worldbank", "worldbank", {"body": WB_CUT.encode(), "times": 99},
             "JSON that does not parse", requests_to_fault(POLICY.attempts)),
    Scenario("truncated-json-unhcr", "unhcr", {"body": UNHCR_CUT.encode(), "times": 99},
             "JSON that does not parse", requests_to_fault(POLICY.attempts)),
    Scenario("truncated-csv-iom", "iom",
             lambda wire: {"body": wire["iom_csv"][:-30], "times": 99},
             "the file ends mid-row", requests_to_fault(1)),
    Scenario("truncated-xlsx-undesa", "undesa",
             lambda wire: {"body": wire["undesa_xlsx"][: len(wire["undesa_xlsx"]) // 2],
                           "times": 99},
             "not a readable Excel workbook", requests_to_fault(1)),
    Scenario("page-count-grows-worldbank", "worldbank",
             {"match": {"page": "2"}, "rewrite": wb_pages_grow},
             "this page counts 3 page(s)"),
    Scenario("page-count-shrinks-worldbank", "worldbank",
             {"match": {"page": "2"}, "rewrite": wb_pages_shrink},
             "this page counts 1 page(s)"),
    Scenario("page-count-grows-unhcr", "unhcr",
             {"match": {"page": "2"}, "rewrite": unhcr_pages_grow},
             "page(s), page 1 counted"),
    Scenario("page-count-shrinks-unhcr", "unhcr",
             {"match": {"page": "2"}, "rewrite": unhcr_pages_shrink},
             "page(s), page 1 counted"),
    Scenario("row-on-two-pages-worldbank", "worldbank",
             {"match": {"page": "2"}, "rewrite": wb_row_repeated},
             "came on page 1 and again on page 2"),
    Scenario("row-on-two-pages-unhcr", "unhcr",
             {"match": {"page": "2"}, "rewrite": unhcr_row_repeated},
             "came on page 1 and again on page 2"),
    Scenario("field-missing-worldbank", "worldbank",
             {"match": {"page": "2"}, "rewrite": wb_field_missing},
             "lacks the field(s) date"),
    Scenario("field-renamed-worldbank", "worldbank",
             {"rewrite": wb_field_renamed, "times": 99},
             "lacks the field(s) countryiso3code"),
    Scenario("field-missing-on-page-2-unhcr", "unhcr",
             {"match": {"page": "2"}, "rewrite": unhcr_field_missing},
             "(missing refugees)"),
    Scenario("field-renamed-on-page-2-unhcr", "unhcr",
             {"match": {"page": "2"}, "rewrite": unhcr_field_renamed},
             "(missing refugees; new refugee_count)"),
    Scenario("field-renamed-everywhere-unhcr", "unhcr",
             {"rewrite": unhcr_field_renamed, "times": 99},
             "items lack the field(s) refugees"),
]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.id for s in SCENARIOS])
def test_a_fault_fails_the_source_quickly_and_keeps_the_last_good_data(
        scenario, wire, root, caplog):
    data = root.root / "data"
    before = digest(data)
    manifest = root.manifest.read_bytes()
    with FakeProviders(**wire) as server:
        fault = scenario.fault(wire) if callable(scenario.fault) else scenario.fault
        server.add_fault(PATHS[scenario.provider], **fault)
        start = time.monotonic()
        with caplog.at_level(logging.INFO, logger="analysis"):
            code = fetch_all(root, [scenario.provider], refresh=True, max_age=24,
                             config=config(server))
        elapsed = time.monotonic() - start
        failed_url = server.url + server.requests[-1][0]
        if scenario.check:
            scenario.check(server)

    assert code == 1
    # (1) bounded time
    assert elapsed < BUDGET, f"took {elapsed:.1f}s, budget {BUDGET:.1f}s"
    # (2) one error line naming the source, the URL and the cause
    errors = [unquote(r.getMessage()) for r in caplog.records if r.levelno >= logging.ERROR]
    line = next((e for e in errors if e.startswith(f"fetch {scenario.provider} failed: ")),
                None)
    assert line is not None, errors
    assert failed_url in line, line
    assert scenario.says in line, line
    assert "\n" not in line
    # (3) the previous raw data and manifest untouched
    assert root.manifest.read_bytes() == manifest
    assert digest(data) == before
    # (4) nothing half-made left behind
    assert leftovers(data) == []


# ---------------------------------------------------------------------------
# Faults a source recovers from, and the bound on a slow body itself
# ---------------------------------------------------------------------------


def test_a_429_mid_paging_is_waited_out_and_the_data_arrives(wire, root):
    before = root.raw_file("unhcr", "population.csv").read_bytes()
    with FakeProviders(**wire) as server:
        server.add_fault(UNHCR_POP, match={"page": "2"}, status=429,
                         headers={"Retry-After": "1"})
        assert fetch_all(root, ["unhcr"], refresh=True, max_age=24, config=config(server)) == 0
        gaps = [b - a for a, b in zip(server.request_times, server.request_times[1:],
                                      strict=False)]
    assert max(gaps) >= 1.0
    # the same rows as the good fetch (only the manifest's time changes)
    assert root.raw_file("unhcr", "population.csv").read_bytes() == before
    assert leftovers(root.root / "data") == []


def test_a_drip_is_cut_at_the_deadline_not_at_the_end_of_the_body(wire, root):
    """One byte every 0.2 s never trips a 0.5 s read timeout; without a deadline on the body
    this download would take 4000 x 0.2 s = 13 minutes."""
    policy = dataclasses.replace(POLICY, deadline=1.0)
    with FakeProviders(**wire) as server:
        server.add_fault(IOM_PATH, body=LONG, drip=0.2)
        start = time.monotonic()
        code = fetch_all(root, ["iom"], refresh=True, max_age=24,
                         config=server.config(http=policy))
        elapsed = time.monotonic() - start
    assert code == 1
    assert 1.0 <= elapsed < 1.0 + POLICY.timeout[1] + 1.0
    assert len(server.requests) == 1  # the deadline covers the retries too: none is tried
