"""UNHCR Refugee Population Statistics API v1 -> data/raw/unhcr/<endpoint>.csv.

Only the rows the catalogue can use are fetched: those whose origin or asylum country is a
catalogue state. Two queries per endpoint give them with every partner country broken out:

    coo=<states>&coa_all=true   the states as origin, every asylum country
    coa=<states>&coo_all=true   the states as asylum country, every origin (UNK included)

Their union is every row the build reads (totals sum all partners of a state; corridors need a
state on one side), about a fifth of the full origin x asylum table (`coo_all&coa_all`) that
the snapshot carries, for a third of the requests. Rows with a state on both sides come back
from both queries and are kept once.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass

import pandas as pd
import requests

from analysis import catalogue, rawfiles, rawstore
from analysis.live.common import Summary, record_checked, today, write_csv
from analysis.live.config import LiveConfig
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

log = logging.getLogger(__name__)

PROVIDER_ID = "unhcr"
DROPPED_FIELDS = ("coo_id", "coa_id")  # the API's internal ids; the snapshot drops them too
NOT_APPLICABLE = "-"  # the API's "not applicable / not collected": missing, never 0

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


def files() -> tuple[str, ...]:
    return catalogue.provider(PROVIDER_ID).files


def queries(states: list[str]) -> list[dict]:
    codes = ",".join(states)
    return [{"coo": codes, "coa_all": "true"}, {"coa": codes, "coo_all": "true"}]


def planned_steps() -> int:
    return len(files()) * len(queries(catalogue.state_codes()))


@dataclass
class Page:
    page: int
    max_pages: int
    items: list[dict]


def parse_page(response: requests.Response) -> Page:
    url = response.url
    content = response.content
    kind = body_kind(content)
    if kind in ("html", "empty"):
        raise Transient(f"{describe_body(content)} instead of JSON")
    if kind != "json":
        raise FetchError(f"{url}: expected JSON, got {describe_body(content)}")
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
        self.key = rawfiles.spec(PROVIDER_ID, name).key
        self.columns = rawfiles.spec(PROVIDER_ID, name).columns
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
    url = f"{config.unhcr_url}/{endpoint(name)}/"
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
    spec = rawfiles.spec(PROVIDER_ID, name)
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


def fetch(paths: Paths, config: LiveConfig, client: HttpClient, progress: Progress) -> Summary:
    states = catalogue.state_codes()
    summary = Summary(PROVIDER_ID)
    with rawstore.stage(paths, PROVIDER_ID, mode="live") as staging:
        latest = None
        for name in files():
            url = f"{config.unhcr_url}/{endpoint(name)}/"
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
        staging.vintage = {**VINTAGE, "api": config.unhcr_url + "/", "date_accessed": today(),
                           "latest_year": latest}
    return summary
