"""World Bank: World Development Indicators, data/raw/worldbank/indicators.csv (one long file of
series: indicator, iso3, year, value). A catalogue indicator of provider "worldbank" is the
series its `code` names; SP.POP.TOTL is fetched too, for UN DESA's population fallback.
Health and education spending come in a second file of the same layout,
data/raw/worldbank/wdi_social_spending.csv (the catalogue indicator's `dataset` names it): in
the snapshot a WDI bulk download of a later release, holding WDI's regional and income
aggregates (WLD, ECS, ...) beside the countries; only catalogue states become processed rows.

Live, from the Indicators API v2: one request per indicator per page, every catalogue state in
one `;`-joined country path segment, `format=json`, a page size large enough that one page is
the rule.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass

import pandas as pd
import requests

from analysis import catalogue, rawstore, transform
from analysis.catalogue import Indicator
from analysis.live.common import Summary, record_checked, today, write_csv
from analysis.live.config import LiveConfig, UrlSetting
from analysis.live.http import (
    FetchError,
    HttpClient,
    Transient,
    body_kind,
    describe_body,
    full_url,
)
from analysis.paths import Paths
from analysis.progress import Progress
from analysis.providers.base import Provider
from analysis.rawfiles import RawData, RawSpec

log = logging.getLogger("analysis.live.worldbank")  # with the other fetch messages

PROVIDER_ID = "worldbank"
FILE = "indicators.csv"
COLUMNS = ["indicator", "iso3", "year", "value"]

RAW_SPEC = RawSpec(PROVIDER_ID, FILE, ("indicator", "iso3"), ("year", "value"),
                   key=("indicator", "iso3", "year"), iso3_columns=("iso3",),
                   covers_states=("iso3",), series_column="indicator")

# -- health and education spending (issue 11) ------------------------------------------------
SOCIAL_FILE = "wdi_social_spending.csv"
# WDI's regional, income and lending-group aggregates, as the bulk download carries them: not
# countries, but valid codes in this raw file (never processed rows: those are catalogue states).
WDI_AGGREGATES = (
    "AFE", "AFW", "ARB", "CEB", "CSS", "EAP", "EAR", "EAS", "ECA", "ECS", "EMU", "EUU", "FCS",
    "HIC", "HPC", "IBD", "IBT", "IDA", "IDB", "IDX", "INX", "LAC", "LCN", "LDC", "LIC", "LMC",
    "LMY", "LTE", "MEA", "MIC", "MNA", "NAC", "OED", "OSS", "PRE", "PSS", "PST", "SAS", "SSA",
    "SSF", "SST", "TEA", "TEC", "TLA", "TMN", "TSA", "TSS", "UMC", "WLD")
SOCIAL_SPEC = RawSpec(PROVIDER_ID, SOCIAL_FILE, ("indicator", "iso3"), ("year", "value"),
                      key=("indicator", "iso3", "year"), iso3_columns=("iso3",),
                      covers_states=("iso3",), series_column="indicator",
                      other_codes=WDI_AGGREGATES)

# Fetched live only, into indicators.csv (the snapshot has neither; no catalogue indicator uses
# them yet): the average cost of sending remittances to / from the country, %.
LIVE_ONLY_CODES = ("SI.RMT.COST.IB.ZS", "SI.RMT.COST.OB.ZS")


def file_of(code: str) -> str:
    """The raw file a series lives in: the catalogue indicator's `dataset`, else indicators.csv."""
    for ind in catalogue.INDICATORS:
        if ind.provider == PROVIDER_ID and ind.code == code and ind.dataset:
            return ind.dataset
    return FILE

API_URL = UrlSetting("WORLDBANK_API_URL", "https://api.worldbank.org/v2", api_base=True)

# Provenance, as the snapshot's sources.json describes this provider.
VINTAGE = {
    "producer": "World Bank",
    "title": "World Development Indicators",
    "url_main": "https://databank.worldbank.org/source/world-development-indicators",
    "licence": "CC BY 4.0",
    "citation": "World Bank, World Development Indicators, https://data.worldbank.org/",
}

# The API's documented limits (API_NOTES): one path segment, and the whole URL.
MAX_SEGMENT = 1_500
MAX_URL = 4_000

# Every data row has these (API_NOTES); one missing means the row layout changed under us.
ROW_FIELDS = ("indicator", "country", "countryiso3code", "date", "value")


def indicator_codes() -> list[str]:
    """The catalogue's World Bank series, plus SP.POP.TOTL: always fetched (one request), so
    that a live build has population whatever the UN DESA folder holds; the build prefers UN
    WPP when its file is present."""
    codes = [i.code for i in catalogue.INDICATORS if i.provider == PROVIDER_ID]
    return [*codes, catalogue.WORLDBANK_POPULATION_CODE, *LIVE_ONLY_CODES]


@dataclass
class Page:
    page: int
    pages: int
    total: int
    last_updated: str | None
    rows: list[tuple[str, str, int, float | None]]


def parse_page(response: requests.Response) -> Page:
    """Read one page of `[meta, rows]`; recognise the error envelope (often HTTP 200), XML and
    HTML bodies."""
    url = response.url
    content = response.content
    kind = body_kind(content)
    if kind == "html":  # outage and redirect pages: may pass
        raise Transient(f"{describe_body(content)} instead of JSON")
    if kind == "xml":  # the API's XML error (or XML data: format=json was lost)
        raise FetchError(f"{url}: the World Bank answered {describe_body(content)}")
    if kind == "empty":
        raise Transient("an empty body instead of JSON")
    try:
        body = json.loads(content.decode("utf-8-sig"))
    except ValueError as exc:
        raise Transient(f"JSON that does not parse (cut off?): {exc}") from None
    try:
        return _interpret(body)
    except FetchError as exc:
        raise FetchError(f"{url}: {exc}") from None


def _error_message(item: dict) -> str:
    messages = item.get("message") or []
    if isinstance(messages, dict):
        messages = [messages]
    text = "; ".join(
        " ".join(str(m.get(k, "")) for k in ("id", "key")).strip() + f": {m.get('value', '')}"
        for m in messages if isinstance(m, dict))
    return text or json.dumps(item)[:200]


def _int(meta: dict, key: str, default: int) -> int:
    value = meta.get(key)
    if value in (None, ""):
        return default
    try:
        return int(value)  # the API sends some of these as strings ("per_page": "50")
    except (TypeError, ValueError):
        raise FetchError(f"meta field {key!r} is not a whole number ({value!r})") from None


def _interpret(body) -> Page:
    if not isinstance(body, list) or not body:
        raise FetchError(f"expected a JSON list [meta, rows], got {type(body).__name__}")
    meta = body[0]
    if isinstance(meta, dict) and "message" in meta:
        raise FetchError(f"World Bank API error {_error_message(meta)}")
    if not isinstance(meta, dict):
        raise FetchError(f"expected a meta object first, got {json.dumps(meta)[:120]}")
    if len(body) == 1:  # a one-element list without a message: no data
        return Page(1, 0, 0, meta.get("lastupdated"), [])
    page = _int(meta, "page", 1)
    pages = _int(meta, "pages", 0)
    total = _int(meta, "total", 0)
    records = body[1] or []  # null rows: no data
    if not isinstance(records, list):
        raise FetchError(f"expected a list of rows, got {type(records).__name__}")
    rows = []
    for n, record in enumerate(records, start=1):
        missing = [f for f in ROW_FIELDS if f not in record] if isinstance(record, dict) else []
        if missing:
            raise FetchError(f"row {n} of page {page} lacks the field(s) {', '.join(missing)} "
                             f"(it has {', '.join(record) or 'none'}): the API's row layout "
                             "changed; nothing was kept")
        try:
            code = record["indicator"]["id"]
            iso3 = record.get("countryiso3code") or record["country"]["id"]
            year = int(record["date"])
            value = record["value"]
            value = None if value in (None, "") else float(value)
        except (KeyError, TypeError, ValueError) as exc:
            raise FetchError(f"row {n} of page {page} is not a data row ({exc!r}: "
                             f"{json.dumps(record)[:160]})") from None
        rows.append((code, iso3, year, value))
    return Page(page, pages, total, meta.get("lastupdated"), rows)


def fetch_indicator(client: HttpClient, config: LiveConfig, code: str, states: list[str],
                    progress: Progress) -> tuple[list, str | None]:
    """Every page of one indicator for all states: (rows, the source's lastupdated)."""
    segment = ";".join(states)
    if len(segment) > MAX_SEGMENT:
        raise FetchError(f"{len(states)} country codes make a {len(segment)}-character path "
                         f"segment; the World Bank API takes at most {MAX_SEGMENT}")
    url = f"{config.url(API_URL.env)}/country/{segment}/indicator/{code}"
    params = {"format": "json", "per_page": config.worldbank_per_page,
              "date": f"{config.worldbank_first_year}:{config.last_year}", "page": 1}
    if len(requests.Request("GET", url, params=params).prepare().url) > MAX_URL:
        raise FetchError(f"{url}: longer than the {MAX_URL} characters the API accepts")
    first = client.get(url, params, parse_page)
    progress.step(code)
    rows = list(first.rows)
    seen: dict[tuple, int] = {}  # (iso3, year) -> the page it came on
    _check_no_repeats(first, full_url(url, params), seen)
    progress.grow(first.pages - 1)
    for number in range(2, first.pages + 1):
        shown = full_url(url, {**params, "page": number})
        page = client.get(url, {**params, "page": number}, parse_page)
        if page.page != number:
            raise FetchError(f"{shown}: asked for page {number}, got page {page.page}")
        if (page.pages, page.total) != (first.pages, first.total):
            raise FetchError(f"{shown}: this page counts {page.pages} page(s) and {page.total} "
                             f"rows, page 1 counted {first.pages} and {first.total}: the data "
                             "changed while paging; nothing was kept; fetch again")
        _check_no_repeats(page, shown, seen)
        rows.extend(page.rows)
        progress.step(f"{code} p{number}")
    if len(rows) != first.total:
        raise FetchError(f"{url}: {len(rows)} rows over {max(first.pages, 1)} page(s), but the "
                         f"API announced {first.total}; the data changed while paging or a "
                         "page was cut short; fetch again")
    unexpected = {r[0] for r in rows} - {code}
    if unexpected:
        raise FetchError(f"{url}: rows for other indicators: {', '.join(sorted(unexpected))}")
    strangers = {r[1] for r in rows} - set(states)
    if strangers:
        raise FetchError(f"{url}: rows for countries not asked for: "
                         f"{', '.join(sorted(strangers))}")
    if not rows:
        log.warning("%s: %s has no data for the catalogue's states (%s)", PROVIDER_ID, code,
                    url)
    return rows, first.last_updated


def _check_no_repeats(page: Page, shown: str, seen: dict[tuple, int]) -> None:
    """Refuse a row that came before: rows moved between pages while we paged (counting it
    twice would be wrong, and the row it pushed out may be missing)."""
    for _, iso3, year, _ in page.rows:
        earlier = seen.get((iso3, year))
        if earlier is not None:
            where = (f"twice on page {earlier}" if earlier == page.page else
                     f"on page {earlier} and again on page {page.page}: rows moved between "
                     "pages while paging")
            raise FetchError(f"{shown}: the row for {iso3} {year} came {where}; nothing was "
                             "kept (no row counted twice); fetch again")
        seen[(iso3, year)] = page.page


def fetch_live(paths: Paths, config: LiveConfig, client: HttpClient, progress: Progress) -> Summary:
    states = catalogue.state_codes()
    codes = indicator_codes()
    all_rows, last_updated = [], {}
    for code in codes:
        try:
            rows, updated = fetch_indicator(client, config, code, states, progress)
        except FetchError as exc:
            # A live-only extra that the API no longer has (error 175: not found or archived)
            # costs nothing the build needs: say so and go on. Any other failure stops the fetch.
            if code not in LIVE_ONLY_CODES or "API error 175" not in str(exc):
                raise
            log.warning("%s: %s skipped (used by no catalogue indicator): %s", PROVIDER_ID,
                        code, exc)
            rows, updated = [], None
        all_rows.extend(rows)
        last_updated[code] = updated

    table = pd.DataFrame(all_rows, columns=COLUMNS)
    # A null value is a row in the API but no observation; the snapshot carries none.
    table = table.dropna(subset=["value"]).sort_values(["indicator", "iso3", "year"])
    # Each series goes to the raw file the build reads it from (as the snapshot lays them out).
    file_of_row = table["indicator"].map({code: file_of(code) for code in codes})
    rows_written = {}
    with rawstore.stage(paths, PROVIDER_ID, mode="live") as staging:
        origin = f"{config.url(API_URL.env)}/country/{';'.join(states)}/indicator/{{code}}"
        for name in PROVIDER.files:
            in_file = [c for c in codes if file_of(c) == name]
            part = table[file_of_row == name]
            write_csv(part, staging.path(name))
            record_checked(staging, name, origin, {
                "indicators": in_file, "format": "json",
                "per_page": config.worldbank_per_page,
                "date": f"{config.worldbank_first_year}:{config.last_year}",
                "lastupdated": {c: last_updated[c] for c in in_file}})
            rows_written[name] = len(part)
        dates = [d for d in last_updated.values() if d]
        staging.vintage = {
            **VINTAGE,
            "api": config.url(API_URL.env) + "/",
            "date_accessed": today(),
            "last_updated": max(dates) if dates else None,
            "latest_year": int(table["year"].max()) if len(table) else None,
        }
    return Summary(PROVIDER_ID, rows_written)


# -- processed rows ------------------------------------------------------------------------


def series_rows(raw: RawData, ind: Indicator, code: str | None = None,
                source: str | None = None) -> pd.DataFrame:
    """Rows for one indicator from the series `code` (the indicator's own by default)."""
    code = code or ind.code
    wb = raw.get(PROVIDER_ID, file_of(code))
    rows = wb[wb["indicator"] == code]
    return transform.indicator_rows(rows, ind, "iso3", "value", source)


def indicator_rows(raw: RawData, ind: Indicator) -> pd.DataFrame:
    return series_rows(raw, ind)


PROVIDER = Provider(
    id=PROVIDER_ID,
    name="World Bank",
    files=(FILE, SOCIAL_FILE),
    raw_specs=(RAW_SPEC, SOCIAL_SPEC),
    fetch_live=fetch_live,
    live_urls=(API_URL,),
    live_steps=lambda: len(indicator_codes()),
    indicator_rows=indicator_rows,
)
