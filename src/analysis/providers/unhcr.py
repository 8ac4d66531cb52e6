"""UNHCR: Refugee Population Statistics Database, data/raw/unhcr/<endpoint>.csv, one file per
API endpoint (population, asylum applications and decisions, solutions, IDMC's IDP figures), in
the API's own fields: origin `coo_iso`, asylum country `coa_iso`, year, counts.

Processed rows: a catalogue indicator of provider "unhcr" sums one field over every partner
country, by the state as asylum (`by="coa"`) or origin (`by="coo"`) country; the decision
indicators are the substantive decisions on a state's nationals and the rates UNHCR publishes
from them. A corridor measure is one field by origin -> asylum country.

Live, from the API v1: only the rows the catalogue can use are fetched: those whose origin or
asylum country is a catalogue state. Two queries per endpoint give them with every partner
country broken out: the catalogue can use are fetched: those whose origin or asylum country is a
catalogue state. Two queries per endpoint give them with every partner country broken out:

    coo=<states>&coa_all=true   the states as origin, every asylum country
    coa=<states>&coo_all=true   the states as asylum country, every origin (UNK included)

Their union is every row the build reads (totals sum all partners of a state; corridors need a
state on one side), about a fifth of the full origin x asylum table (`coo_all&coa_all`) that
the snapshot carries, for a third of the requests. Rows with a state on both sides come back
from both queries and are kept once.

New arrivals (flows.csv): the population API v1 has no flows endpoint (its endpoints are
population, demographics, asylum applications and decisions, solutions, unrwa, idmc, footnotes
and the like; UNHCR's own R package `refugees` builds its `flows` dataset from a workbook, not
from the API). So the live client reads that workbook, UNHCR's "forcibly displaced flow data"
(`UNHCR_FLOWS_URL`; sheet `DATA`, one row per year, origin, asylum country and population type
PT with its Count), and writes it in the snapshot's layout, one column per population type, a
type without a row blank (not reported, never 0). Every row is kept, as in the snapshot.

The types, as `refugees` (data-raw/flows.R, release 2025.12.1 of June 2026) reads them since
UNHCR changed the workbook: REF refugee arrivals, and GRP and TMP (refugees under group recognition
and under temporary protection), all three counted as refugees; ASY new asylum applications,
and ASR, counted as asylum-seekers; ROC people in a refugee-like situation; OIP other people in
need of international protection. Types that land in the same column are added, as the package
adds them. The workbook moved to www.unhcr.org, which answers a library's User-Agent with 403:
the package sends a browser's headers and a Referer, and so do we (`HEADERS`; FETCH_USER_AGENT
still replaces the User-Agent).

A workbook that does not open, lacks a column, or holds another population type, a type twice
for one pair or a count that is not a number is refused. The flows are one file of UNHCR's
six: a failed flow download does not throw away the API files fetched with it. They replace
the previous ones; flows.csv stays as it was (the manifest says so, and the next fetch asks
again), and the fetch fails in one line naming the URL (exit code 1).
"""

from __future__ import annotations

import json
import logging
import zipfile
from dataclasses import dataclass

import pandas as pd
import requests

from analysis import catalogue, rawstore, transform
from analysis.catalogue import CorridorMeasure, Indicator
from analysis.errors import AnalysisError
from analysis.live.common import (
    Summary,
    cell_text,
    download_file,
    open_workbook,
    record_checked,
    today,
    write_csv,
)
from analysis.live.config import LiveConfig, PartlyFetched, UrlSetting
from analysis.live.http import (
    BROWSER_HEADERS,
    FetchError,
    HttpClient,
    Transient,
    expect_body,
    full_url,
)
from analysis.paths import Paths
from analysis.progress import Progress
from analysis.providers.base import Provider
from analysis.rawfiles import RawData, RawSpec

log = logging.getLogger("analysis.live.unhcr")  # with the other fetch messages

PROVIDER_ID = "unhcr"
DROPPED_FIELDS = ("coo_id", "coa_id")  # the API's internal ids; the snapshot drops them too
NOT_APPLICABLE = "-"  # the API's "not applicable / not collected": missing, never 0

DIMENSIONS = ("coo_iso", "coa_iso")  # origin, asylum country
BY_COLUMN = {"coo": "coo_iso", "coa": "coa_iso"}  # an indicator's `by` -> the state's column


def _spec(name: str, values: tuple[str, ...], extra_key: tuple[str, ...] = ()) -> RawSpec:
    return RawSpec(
        PROVIDER_ID, name,
        text_columns=DIMENSIONS + extra_key,
        numeric_columns=("year",) + values,
        key=("year",) + DIMENSIONS + extra_key,
        nonnegative=values,
        iso3_columns=DIMENSIONS,
        missing_markers=("", NOT_APPLICABLE),
        covers_states=DIMENSIONS if name == "population.csv" else (),
    )


RAW_SPECS = (
    _spec("population.csv", ("refugees", "asylum_seekers", "returned_refugees", "idps",
                             "returned_idps", "stateless")),
    _spec("asylum_applications.csv", ("applied",),
          ("procedure_type", "app_type", "dec_level", "app_pc")),
    _spec("asylum_decisions.csv",
          ("dec_recognized", "dec_other", "dec_rejected", "dec_closed", "dec_total"),
          ("procedure_type", "dec_level", "dec_pc")),
    _spec("solutions.csv", ("returned_refugees", "resettlement", "naturalisation",
                            "returned_idps")),
    _spec("idmc.csv", ("total",)),
)
FILES = tuple(spec.name for spec in RAW_SPECS)

# New arrivals abroad in the year (UNHCR's flow workbook; the population API v1 has no flows
# endpoint: module docstring). A blank is not reported (missing, never 0).
FLOWS_FILE = "flows.csv"
FLOWS_SPEC = _spec(FLOWS_FILE, ("refugees", "asylum_seekers", "refugee_like", "oip"))
# refugee_arrivals_abroad: new refugees (prima facie or temporary protection), people in a
# refugee-like situation, and other people in need of international protection.
ARRIVAL_FIELDS = ["refugees", "refugee_like", "oip"]

API_URL = UrlSetting("UNHCR_API_URL", "https://api.unhcr.org/population/v1", api_base=True)
FLOWS_URL = UrlSetting("UNHCR_FLOWS_URL", "https://www.unhcr.org/refugee-statistics/insights/"
                       "data/UNHCR_Flow_Data.xlsx")
# A browser's headers and the Referer `refugees` sends for the workbook (module docstring). They
# go with every UNHCR request (one session per provider); the API takes them as it takes ours.
HEADERS = {**BROWSER_HEADERS, "Referer": "https://www.unhcr.org/refugee-statistics/"}
FLOWS_SHEET = "DATA"
# The workbook's columns -> the snapshot's (the `refugees` package renames them the same way)
FLOWS_COLUMNS = {"Year": "year", "OriginName": "coo_name", "origin": "coo",
                 "OriginISO": "coo_iso", "AsylumName": "coa_name", "asylum": "coa",
                 "AsylumISO": "coa_iso"}
# population type PT -> flows.csv column (module docstring); types of one column are added
FLOWS_TYPES = {"REF": "refugees", "GRP": "refugees", "TMP": "refugees",
               "ASY": "asylum_seekers", "ASR": "asylum_seekers",
               "ROC": "refugee_like", "OIP": "oip"}
FLOWS_VALUES = list(dict.fromkeys(FLOWS_TYPES.values()))

VINTAGE = {
    "producer": "UNHCR",
    "title": "Refugee Population Statistics Database",
    "url_main": "https://www.unhcr.org/refugee-statistics/",
    "licence": "CC BY 4.0",
    "citation": "UNHCR Refugee Population Statistics Database, "
                "https://www.unhcr.org/refugee-statistics/",
}


def endpoint(file_name: str) -> str:
    """population.csv -> population, asylum_applications.csv -> asylum-applications."""
    return file_name.removesuffix(".csv").replace("_", "-")


def queries(states: list[str]) -> list[dict]:
    codes = ",".join(states)
    return [{"coo": codes, "coa_all": "true"}, {"coa": codes, "coo_all": "true"}]


def planned_steps() -> int:
    return len(FILES) * len(queries(catalogue.state_codes())) + 1  # + the flows workbook


@dataclass
class Page:
    page: int
    max_pages: int
    items: list[dict]


def parse_page(response: requests.Response) -> Page:
    url = response.url
    content = expect_body(response, "json", "JSON")
    try:
        body = json.loads(content.decode("utf-8-sig"))
    except ValueError as exc:
        raise Transient(f"JSON that does not parse (cut off?): {exc}") from None
    if not isinstance(body, dict) or not isinstance(body.get("items"), list):
        raise FetchError(f"{url}: expected an object with 'items', got {_shape(body)}")
    try:
        page = int(body.get("page") or 1)
        max_pages = int(body.get("maxPages") or 0)
    except (TypeError, ValueError):
        raise FetchError(f"{url}: 'page'/'maxPages' are not whole numbers "
                         f"({body.get('page')!r}, {body.get('maxPages')!r})") from None
    bad = next((n for n, item in enumerate(body["items"], 1) if not isinstance(item, dict)), None)
    if bad is not None:
        raise FetchError(f"{url}: item {bad} of page {page} is not an object")
    return Page(page, max_pages, body["items"])


def _shape(body) -> str:
    """What came instead of {page, maxPages, items}: its fields, and its message if it has one
    (an error under HTTP 200)."""
    if not isinstance(body, dict):
        return f"a JSON {type(body).__name__}"
    said = [f"{k}={str(body[k])[:120]!r}" for k in ("error", "message", "detail") if k in body]
    return f"an object with {', '.join(sorted(body)) or 'no fields'}" + (
        f" ({'; '.join(said)})" if said else "")


class ItemCheck:
    """The fields of a query's items, and the rows already seen: every item must carry the same
    fields (a field missing or renamed on one page would otherwise become blank cells), and no
    row may come twice (rows moved between pages: counted twice, another one perhaps lost)."""

    def __init__(self, name: str, expected: set[str] | None = None):
        self.key = PROVIDER.raw_spec(name).key
        self.columns = PROVIDER.raw_spec(name).columns
        self.expected = expected
        self.seen: dict[tuple, int] = {}

    def check(self, page: Page, shown: str) -> None:
        for n, item in enumerate(page.items, start=1):
            if self.expected is None:
                missing = [c for c in self.columns if c not in item]
                if missing:
                    raise FetchError(f"{shown}: items lack the field(s) {', '.join(missing)}; "
                                     f"found {', '.join(item)}")
                self.expected = set(item)
            if set(item) != self.expected:
                lost = sorted(self.expected - set(item))
                new = sorted(set(item) - self.expected)
                change = "; ".join(part for part in (
                    f"missing {', '.join(lost)}" if lost else "",
                    f"new {', '.join(new)}" if new else "") if part)
                raise FetchError(f"{shown}: item {n} of page {page.page} does not carry the "
                                 f"fields the items before it did ({change}): the API's "
                                 "fields changed; nothing was kept")
            row = tuple(str(_cell(item[k])) for k in self.key)
            earlier = self.seen.get(row)
            if earlier is not None:
                where = ", ".join(f"{k}={v}" for k, v in zip(self.key, row, strict=True))
                raise FetchError(f"{shown}: the row {where} came on page {earlier} and again "
                                 f"on page {page.page}: rows moved between pages while paging; "
                                 "nothing was kept (no row counted twice); fetch again")
            self.seen[row] = page.page


def fetch_query(client: HttpClient, config: LiveConfig, name: str, query: dict,
                progress: Progress, fields: ItemCheck | None = None) -> list[dict]:
    """Every page of one query, refused if the pages do not fit together (`fields` carries
    the fields another query's items had)."""
    fields = fields or ItemCheck(name)
    url = f"{config.url(API_URL.env)}/{endpoint(name)}/"
    params = {**query, "cf_type": "ISO",
              # yearFrom and yearTo only work together: one alone is silently ignored
              "yearFrom": config.unhcr_first_year, "yearTo": config.last_year,
              "limit": config.unhcr_limit, "page": 1}
    first = client.get(url, params, parse_page)
    fields.check(first, full_url(url, params))
    progress.step(endpoint(name))
    items = list(first.items)
    progress.grow(first.max_pages - 1)
    last_size = len(first.items)
    for number in range(2, first.max_pages + 1):
        shown = full_url(url, {**params, "page": number})
        if last_size < config.unhcr_limit:
            raise FetchError(f"{url}: page {number - 1} of {first.max_pages} held {last_size} "
                             f"rows, fewer than the {config.unhcr_limit} asked for; fetch again")
        page = client.get(url, {**params, "page": number}, parse_page)
        if page.page != number:
            raise FetchError(f"{shown}: asked for page {number}, got page {page.page}")
        if page.max_pages != first.max_pages:
            raise FetchError(f"{shown}: this page counts {page.max_pages} page(s), page 1 "
                             f"counted {first.max_pages}: the data changed while paging; "
                             "nothing was kept; fetch again")
        fields.check(page, shown)
        items.extend(page.items)
        last_size = len(page.items)
        progress.step(f"{endpoint(name)} p{number}")
    return items


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, str):
        value = value.strip()  # names may carry trailing spaces
        return "" if value == NOT_APPLICABLE else value
    return value


def to_table(name: str, items: list[dict], url: str) -> pd.DataFrame:
    """Items of both queries -> the raw table: the API's own field names (ids dropped), `-` as
    an empty cell, each row once, in key order."""
    spec = PROVIDER.raw_spec(name)
    fields = list(dict.fromkeys(k for item in items for k in item))
    if not items:
        fields = list(spec.columns)
    missing = [c for c in spec.columns if c not in fields]
    if missing:
        raise FetchError(f"{url}: items lack the field(s) {', '.join(missing)}; "
                         f"found {', '.join(fields)}")
    columns = [f for f in fields if f not in DROPPED_FIELDS]
    table = pd.DataFrame([[_cell(item.get(f)) for f in columns] for item in items],
                         columns=columns, dtype=object)
    table = table.drop_duplicates()
    key = list(spec.key)
    clash = table.duplicated(key, keep=False)
    if clash.any():
        first = table[clash].iloc[0]
        where = ", ".join(f"{k}={first[k]}" for k in key)
        raise FetchError(f"{url}: the two queries disagree on the row {where}; fetch again")
    order = table.assign(_year=pd.to_numeric(table["year"], errors="coerce"))
    order = order.sort_values(["_year", *key[1:]], kind="stable")
    return order.drop(columns="_year").reset_index(drop=True)


def fetch_live(paths: Paths, config: LiveConfig, client: HttpClient, progress: Progress) -> Summary:
    states = catalogue.state_codes()
    summary = Summary(PROVIDER_ID)
    with rawstore.stage(paths, PROVIDER_ID, mode="live") as staging:
        latest = None
        for name in FILES:
            url = f"{config.url(API_URL.env)}/{endpoint(name)}/"
            items = []
            expected = None  # both queries' items carry the same fields
            for query in queries(states):
                fields = ItemCheck(name, expected)  # rows repeat across queries, not within one
                items.extend(fetch_query(client, config, name, query, progress, fields))
                expected = fields.expected
            table = to_table(name, items, url)
            write_csv(table, staging.path(name))
            frame = record_checked(staging, name, url, {
                "queries": queries(states), "cf_type": "ISO",
                "yearFrom": config.unhcr_first_year, "yearTo": config.last_year,
                "limit": config.unhcr_limit})
            summary.rows[name] = len(frame)
            if len(frame) and name == "population.csv":
                latest = int(frame["year"].max())
        url = config.url(FLOWS_URL.env)
        flows_failed = None
        try:
            content, flows_updated = download_file(client, url, download_workbook)
            write_csv(parse_flows(content, url), staging.path(FLOWS_FILE))
            summary.rows[FLOWS_FILE] = len(record_checked(staging, FLOWS_FILE, url, {}))
            flows = {"flows": url, "flows_last_updated": flows_updated,
                     "flows_date_accessed": today()}
        except Exception as exc:  # the API files fetched above are kept all the same
            flows_failed = str(exc) if isinstance(exc, AnalysisError) else \
                f"unexpected {exc.__class__.__name__}: {exc}"
            if url not in flows_failed:  # the client's messages name the URL; others may not
                flows_failed = f"{url}: {flows_failed}"
            staging.path(FLOWS_FILE).unlink(missing_ok=True)
            kept = staging.keep_previous(paths, FLOWS_FILE, flows_failed)
            flows = _previous_flows_vintage(paths) if kept else {}
        progress.step("flows")
        staging.vintage = {**VINTAGE, "api": config.url(API_URL.env) + "/", **flows,
                           "date_accessed": today(), "latest_year": latest}
    if flows_failed is not None:
        previous = "the previous flows.csv kept" if kept else "no previous flows.csv to keep"
        raise PartlyFetched(f"flow workbook ({FLOWS_URL.env}) {flows_failed}; {previous}",
                            summary)
    return summary


def _previous_flows_vintage(paths: Paths) -> dict:
    """The flow fields of the previous UNHCR vintage, for a flows.csv kept from it: when that
    was fetched live, its own; from a snapshot, the snapshot's release and access dates."""
    entry = rawstore.load_manifest(paths)["sources"].get(PROVIDER_ID, {})
    vintage = entry.get("vintage", {})
    if "flows" in vintage:
        return {k: vintage.get(k) for k in ("flows", "flows_last_updated", "flows_date_accessed")}
    return {"flows": entry.get("files", {}).get(FLOWS_FILE, {}).get("origin"),
            "flows_last_updated": vintage.get("last_updated") or vintage.get("date_published"),
            "flows_date_accessed": vintage.get("date_accessed") or entry.get("retrieved_at")}


def _count_text(value) -> str:
    """A summed count as the snapshot writes it: a whole number without '.0', '' if missing."""
    if pd.isna(value):
        return ""
    return str(int(value)) if float(value).is_integer() else str(value)


def download_workbook(response: requests.Response) -> bytes:
    return expect_body(response, "zip", "an Excel workbook", "an Excel workbook (.xlsx)")


def parse_flows(content: bytes, url: str) -> pd.DataFrame:
    """UNHCR's flow workbook (long: one row per population type) -> flows.csv's layout."""
    book = open_workbook(content, url)
    try:
        if FLOWS_SHEET not in book.sheetnames:
            raise FetchError(f"{url}: no sheet {FLOWS_SHEET!r} (sheets: "
                             f"{', '.join(book.sheetnames)}): not UNHCR's flow data")
        rows = book[FLOWS_SHEET].iter_rows(values_only=True)
        header = [cell_text(c) for c in next(rows, ())]
        where = f"{url}, sheet {FLOWS_SHEET!r}"
        missing = [c for c in [*FLOWS_COLUMNS, "PT", "Count"] if c not in header]
        if missing:
            raise FetchError(f"{where}, row 1: no column(s) {', '.join(map(repr, missing))}; "
                             f"found {', '.join(c for c in header if c)}: the layout changed")
        at = [header.index(c) for c in [*FLOWS_COLUMNS, "PT", "Count"]]
        records = [[cell_text(row[i]) if i < len(row) else "" for i in at] for row in rows]
    except (zipfile.BadZipFile, KeyError, OSError) as exc:  # cut off inside the sheet
        raise FetchError(f"{url}: not a readable Excel workbook, cut off? ({exc})") from None
    finally:
        book.close()
    long = pd.DataFrame([r for r in records if any(r)],
                        columns=[*FLOWS_COLUMNS.values(), "PT", "Count"])
    long.index += 2  # the sheet's row numbers (row 1 is the header), for messages
    unknown = sorted(set(long["PT"]) - set(FLOWS_TYPES))
    if unknown:
        raise FetchError(f"{where}, column 'PT': population type(s) {', '.join(unknown)}; "
                         f"known: {', '.join(FLOWS_TYPES)}")
    ids = list(FLOWS_COLUMNS.values())
    twice = long.duplicated(["year", "coo_iso", "coo", "coa_iso", "coa", "PT"])
    if twice.any():
        row = long[twice].iloc[0]
        raise FetchError(f"{where}: {row['year']} {row['coo_iso']} -> {row['coa_iso']} "
                         f"{row['PT']} comes more than once")
    count = pd.to_numeric(long["Count"], errors="coerce")
    bad = (long["Count"] != "") & (count.isna() | (count < 0))
    if bad.any():
        row = long.index[bad][0]
        raise FetchError(f"{where}, row {row}, column 'Count': {long.at[row, 'Count']!r} is not "
                         "a count")
    # REF, GRP and TMP are all refugees (ASY and ASR asylum-seekers): added, as UNHCR's package
    # adds them; a blank Count is not reported, and a column of only blanks stays blank
    long = long.assign(column=long["PT"].map(FLOWS_TYPES), Count=count)
    sums = long.groupby([*ids, "column"], sort=False)["Count"].sum(min_count=1)
    wide = sums.unstack("column").reset_index()
    for name in FLOWS_VALUES:
        values = wide[name] if name in wide else pd.Series(float("nan"), index=wide.index)
        wide[name] = values.map(_count_text)
    wide = wide[[*ids, *FLOWS_VALUES]]
    wide.columns.name = None
    order = pd.to_numeric(wide["year"], errors="coerce")
    return wide.assign(_y=order).sort_values(["_y", "coo_name", "coa_name"], kind="stable") \
        .drop(columns="_y").reset_index(drop=True)


# -- processed rows ------------------------------------------------------------------------


def totals(frame: pd.DataFrame, ind: Indicator) -> pd.DataFrame:
    """Sum a UNHCR field over every partner country (unknown origin `UNK` included, as DESIGN
    asks), grouped by the state as asylum or origin country. A total of only missing cells
    stays missing (min_count=1), never 0."""
    col = BY_COLUMN[ind.by]
    frame = transform.only_rows(frame, ind.only)
    sums = frame.groupby([col, "year"], as_index=False)[ind.field].sum(min_count=1)
    return transform.indicator_rows(sums, ind, col, ind.field)


DECISION_PARTS = ["dec_recognized", "dec_other", "dec_rejected"]
# Numerators of the decision indicators; the denominator is always every substantive decision.
DECISION_NUMERATORS = {
    "asylum_decisions_abroad": DECISION_PARTS,
    "refugee_recognition_rate_abroad": ["dec_recognized"],
    "total_protection_rate_abroad": ["dec_recognized", "dec_other"],
}


def asylum_decisions(decisions: pd.DataFrame, ind: Indicator) -> pd.DataFrame:
    """Substantive decisions on a state's nationals (recognised + complementary/other +
    rejected; closed cases are not decisions on the claim), and the two rates UNHCR publishes:
    refugee recognition (Convention status only) and total protection (refugee status or
    complementary protection), each over substantive decisions * 100. All decision rows count
    (persons and cases, every level), as UNHCR's own totals do. A rate from fewer than
    MIN_DECISIONS_FOR_RATE decisions is flagged U."""
    sums = decisions.groupby(["coo_iso", "year"], as_index=False)[DECISION_PARTS] \
        .sum(min_count=1)
    total = sums[DECISION_PARTS].sum(axis=1, min_count=1)
    numerator = sums[DECISION_NUMERATORS[ind.id]].sum(axis=1, min_count=1)
    if ind.id == "asylum_decisions_abroad":
        sums["value"] = total
        return transform.indicator_rows(sums, ind, "coo_iso", "value")
    sums["value"] = (numerator / total * 100).where(total > 0)
    few = (total < catalogue.MIN_DECISIONS_FOR_RATE).map({True: "U", False: ""})
    return transform.indicator_rows(sums, ind, "coo_iso", "value", flag=few)


def refugee_arrivals(raw: RawData, ind: Indicator) -> pd.DataFrame:
    """refugees + refugee_like + oip by origin, over every asylum country (unknown included).
    A sum of only blank cells stays missing (min_count=1): no row, never 0. Without the flows
    file (an optional file: a snapshot may lack it) there are no rows."""
    if not raw.has(PROVIDER_ID, FLOWS_FILE):
        return transform.indicator_rows(pd.DataFrame({"coo_iso": [], "year": [], "value": []}),
                                        ind, "coo_iso", "value")
    flows = raw.get(PROVIDER_ID, FLOWS_FILE)
    flows = flows.assign(value=flows[ARRIVAL_FIELDS].sum(axis=1, min_count=1))
    sums = flows.groupby(["coo_iso", "year"], as_index=False)["value"].sum(min_count=1)
    return transform.indicator_rows(sums, ind, "coo_iso", "value")


def indicator_rows(raw: RawData, ind: Indicator) -> pd.DataFrame:
    if ind.id == "refugee_arrivals_abroad":
        return refugee_arrivals(raw, ind)
    if ind.id in DECISION_NUMERATORS:
        return asylum_decisions(raw.get(PROVIDER_ID, "asylum_decisions.csv"), ind)
    return totals(raw.get(PROVIDER_ID, f"{ind.dataset}.csv"), ind)


def corridor_rows(raw: RawData, measure: CorridorMeasure) -> pd.DataFrame:
    return transform.corridor_rows(raw.get(PROVIDER_ID, f"{measure.dataset}.csv"), measure,
                                   "coo_iso", "coa_iso")


PROVIDER = Provider(
    id=PROVIDER_ID,
    name="UNHCR",
    files=FILES,
    optional_files=(FLOWS_FILE,),
    raw_specs=(*RAW_SPECS, FLOWS_SPEC),
    fetch_live=fetch_live,
    live_urls=(API_URL, FLOWS_URL),
    live_steps=planned_steps,
    http_headers=HEADERS,
    indicator_rows=indicator_rows,
    corridor_rows=corridor_rows,
)
