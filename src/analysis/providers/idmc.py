"""IDMC Global Internal Displacement Database: new internal displacements in the year by cause
(conflict and each natural hazard), data/raw/idmc/new_displacements.csv (iso3, year, cause,
new_displacements).

- New displacements are movements, not people: one person displaced twice counts twice.
- `new_displacements_conflict` is the cause `conflict`; `new_displacements_disaster` the sum of
  every natural-hazard cause (`HAZARDS`) and of `other`, the disasters whose hazard type we have
  not reviewed (a live fetch names them in a warning); a cause outside these is refused. A sum
  of only blank cells stays missing.
- `AB9` is the Abyei Area, disputed between Sudan and South Sudan: IDMC reports it on its own.
  It is no state and is left out of the breakdown table (adding it to either would take a side).

Live: IDMC's GIDD API (`IDMC_API_URL`, the `external-api` root of IDMC's Helix service), with
the free client id IDMC gives on request in `IDMC_CLIENT_ID`. Without one, a live fetch says so
in one warning line, keeps data/raw/idmc as it is and goes on with the other sources (and a
build without IDMC's raw files leaves its indicators out). Two lists, paged with limit/offset
(Django REST pages: `count`, `next`, `previous`, `results`):

    /gidd/conflicts/   one result per country and year: iso3, year, new_displacement
    /gidd/disasters/   one result per disaster event: iso3, year, hazard_type_name,
                       new_displacement

The server caps the page size (at 100: helix-server's `GIDD_REST_MAX_PAGE_SIZE`) without an
error, answering a smaller page that still advertises `next`; so the client asks for `limit`,
moves the offset by the number of results it received, goes on while `next` says there is more,
and refuses a list whose results do not add up to its `count` (a shortfall is never a success).

The conflict figure is the cause `conflict`; disaster events are added by country, year and
hazard type (lower-cased: "Flood" -> flood, "Mass Movement" -> mass movement; Helix's wet and
dry mass movements are the snapshot's `mass movement`). A hazard type outside `HAZARDS` (real
pages of 2024 hold "Mixed disasters" and "Sea level Rise") is counted under `other`, with one
warning line naming each such type, its events and displacements, so that it is reviewed (and
added to `HAZARDS`) without stopping the weekly fetch. A result without these fields is refused.
A result with no figure is no row (not reported, never 0); a published 0 stays 0, as in the
snapshot. Layout and paging checked against real pages of the API kept by OCHA-DAP's HDX
scraper (tests/fixtures/idmc_gidd_pages.json), not against the live service: no machine of the
project reaches it.
"""

from __future__ import annotations

import json
import logging

import pandas as pd
import requests

from analysis import transform
from analysis.catalogue import Indicator
from analysis.errors import DataError
from analysis.live.common import Summary, max_year, stage_file
from analysis.live.config import LiveConfig, NotConfigured, UrlSetting
from analysis.live.http import FetchError, HttpClient, Transient, expect_body, full_url, redact
from analysis.paths import Paths
from analysis.progress import Progress
from analysis.providers.base import ProcessedTable, Provider
from analysis.rawfiles import RawData, RawSpec

log = logging.getLogger("analysis.live.idmc")  # with the other fetch messages

PROVIDER_ID = "idmc"
FILE = "new_displacements.csv"
CONFLICT = "conflict"
HAZARDS = ("flood", "storm", "earthquake", "mass movement", "wildfire", "volcanic activity",
           "extreme temperature", "drought", "erosion", "wave action")
# A disaster whose hazard type is not (yet) among HAZARDS: counted as a disaster, named in a
# warning by the live fetch.
OTHER = "other"
NOT_A_STATE = ("AB9",)  # the Abyei Area (catalogue.PROVIDER_SPECIAL_CODES)

RAW_SPEC = RawSpec(PROVIDER_ID, FILE, ("iso3", "cause"), ("year", "new_displacements"),
                   key=("iso3", "year", "cause"), nonnegative=("new_displacements",),
                   iso3_columns=("iso3",))

CAUSE_OF = {"new_displacements_conflict": (CONFLICT,),
            "new_displacements_disaster": (*HAZARDS, OTHER)}


def displacements(raw: RawData) -> pd.DataFrame:
    rows = raw.get(PROVIDER_ID, FILE)
    bad = ~rows["cause"].isin((CONFLICT, *HAZARDS, OTHER))
    if bad.any():
        row = rows.index[bad][0]
        raise DataError(raw.path(PROVIDER_ID, FILE),
                        f"unknown cause; known: {CONFLICT}, {', '.join(HAZARDS)}, {OTHER}",
                        column="cause", row=int(row) + 2, value=rows.at[row, "cause"],
                        hint="add a new natural hazard to idmc.HAZARDS")
    return rows


def indicator_rows(raw: RawData, ind: Indicator) -> pd.DataFrame:
    rows = displacements(raw)
    rows = rows[rows["cause"].isin(CAUSE_OF[ind.id])]
    sums = rows.groupby(["iso3", "year"], as_index=False)["new_displacements"].sum(min_count=1)
    return transform.indicator_rows(sums, ind, "iso3", "new_displacements")


def by_cause(raw: RawData) -> pd.DataFrame:
    """data/processed/displacement_by_cause.parquet: every country's new displacements by cause,
    `kind` conflict or disaster; Abyei left out (module docstring)."""
    rows = displacements(raw)
    rows = rows[~rows["iso3"].isin(NOT_A_STATE)]
    table = pd.DataFrame({
        "iso3": rows["iso3"].astype(str),
        "year": rows["year"].astype("int64"),
        "kind": rows["cause"].map(lambda c: "conflict" if c == CONFLICT else "disaster"),
        "cause": rows["cause"].astype(str),
        "new_displacements": rows["new_displacements"].astype("float64"),
    })
    return table.sort_values(["iso3", "year", "kind", "cause"], ignore_index=True)

# -- live: IDMC's GIDD API --------------------------------------------------------------------

API_URL = UrlSetting("IDMC_API_URL", "https://helix-tools-api.idmcdb.org/external-api",
                     api_base=True)
CLIENT_ID = "IDMC_CLIENT_ID"
LISTS = ("conflicts", "disasters")
FIELDS = {"conflicts": ("iso3", "year", "new_displacement"),
          "disasters": ("iso3", "year", "hazard_type_name", "new_displacement")}
HAZARD_NAMES = {"wet mass movement": "mass movement", "dry mass movement": "mass movement"}

VINTAGE = {
    "producer": "Internal Displacement Monitoring Centre (IDMC)",
    "title": "Global Internal Displacement Database: new internal displacements by cause "
             "(conflict and each disaster hazard)",
    "url_main": "https://www.internal-displacement.org/database/displacement-data",
    "licence": "IDMC terms of use (attribution; check them before commercial reuse)",
    "citation": "Internal Displacement Monitoring Centre (IDMC), Global Internal Displacement "
                "Database, https://www.internal-displacement.org/",
}


def parse_page(response: requests.Response) -> dict:
    content = expect_body(response, "json", "JSON")
    try:
        body = json.loads(content.decode("utf-8-sig"))
    except ValueError as exc:
        raise Transient(f"JSON that does not parse (cut off?): {exc}") from None
    if not isinstance(body, dict) or not isinstance(body.get("results"), list) \
            or not isinstance(body.get("count"), int) \
            or not isinstance(body.get("next", ""), str | None):
        found = ", ".join(sorted(body)) if isinstance(body, dict) else type(body).__name__
        raise FetchError(f"{redact(response.url)}: expected a page with 'count', 'next' and "
                         f"'results', got {found}")
    return body


def fetch_list(client: HttpClient, config: LiveConfig, name: str, progress: Progress
               ) -> tuple[list[dict], str | None]:
    """Every result of one list, page by page, until `count` are in, and the date of IDMC's
    release the first page names (`last_updated`, if the page carries one).

    The offset moves by the results received, not by the limit asked: the server caps its
    pages silently. The pages are asked from the configured URL with our own parameters rather
    than by requesting `next` as given: its host and scheme are the server's idea of itself
    (a proxy's, or http://), and the client id must not go anywhere else. `next` still decides
    whether more is to come; a list that ends short of `count` is refused."""
    url = f"{config.url(API_URL.env)}/gidd/{name}/"
    results: list[dict] = []
    offset, count, released = 0, None, None
    while True:
        params = {"client_id": config.idmc_client_id, "limit": config.idmc_limit,
                  "offset": offset}
        page = client.get(url, params=params, parse=parse_page)
        if count is not None and page["count"] != count:
            raise FetchError(f"{_shown(url, params)}: the count changed from {count:,} to "
                             f"{page['count']:,} while paging (IDMC updated it); fetch again")
        count = page["count"]
        received = len(page["results"])
        if offset == 0:  # pages of the size the server answers, whatever was asked
            progress.grow(max(-(-count // max(received, 1)), 1) - 1)
            released = page.get("last_updated") if isinstance(page.get("last_updated"),
                                                                str) else None
        progress.step(name)
        results.extend(page["results"])
        offset += received
        if offset >= count:
            break
        if not received or not page.get("next"):
            end = "an empty page" if not received else "a page without a next link"
            raise FetchError(f"{_shown(url, params)}: {end} after {offset:,} of {count:,} "
                             f"results: the list is incomplete; fetch again")
    if len(results) != count:
        raise FetchError(f"{_shown(url, {**params, 'offset': 0})}: {len(results):,} results "
                         f"received, but the list counts {count:,}; fetch again")
    return results, released


def _shown(url: str, params: dict) -> str:
    """The URL for messages (the client id masked)."""
    return full_url(url, params)


def to_rows(name: str, results: list[dict], url: str) -> pd.DataFrame:
    """One list's results -> (iso3, year, cause, new_displacements), figures added by cause."""
    fields = FIELDS[name]
    for n, item in enumerate(results, 1):
        missing = [f for f in fields if not isinstance(item, dict) or f not in item]
        if missing:
            found = ", ".join(sorted(item)) if isinstance(item, dict) else type(item).__name__
            raise FetchError(f"{url}: result {n} has no {', '.join(missing)} (found {found}): "
                             "the API's fields changed")
    frame = pd.DataFrame([{f: item[f] for f in fields} for item in results],
                         columns=list(fields))
    if name == "conflicts":
        frame["cause"] = CONFLICT
    else:
        cause = frame["hazard_type_name"].astype(str).str.strip().str.lower()
        frame["cause"] = cause.replace(HAZARD_NAMES)
        unknown = ~frame["cause"].isin(HAZARDS)
        if unknown.any():
            _warn_other(frame[unknown], url)
            frame.loc[unknown, "cause"] = OTHER
    figure = pd.to_numeric(frame["new_displacement"], errors="coerce")
    bad = frame["new_displacement"].notna() & (figure.isna() | (figure < 0))
    if bad.any():
        n = int(frame.index[bad][0]) + 1
        raise FetchError(f"{url}: result {n}: new_displacement "
                         f"{frame['new_displacement'][bad].iloc[0]!r} is not a count")
    frame = frame.assign(new_displacements=figure).dropna(subset=["new_displacements"])
    year = pd.to_numeric(frame["year"], errors="coerce")
    if year.isna().any():
        raise FetchError(f"{url}: a year that is not a number: "
                         f"{frame['year'][year.isna()].iloc[0]!r}")
    frame = frame.assign(year=year.astype("int64"), iso3=frame["iso3"].astype(str).str.strip())
    return frame.groupby(["iso3", "year", "cause"], as_index=False)["new_displacements"].sum()


def _warn_other(events: pd.DataFrame, url: str) -> None:
    """One warning line for the disaster events whose hazard type is not among HAZARDS: each
    type as IDMC names it, with its events and displacements, counted under `other`."""
    figures = pd.to_numeric(events["new_displacement"], errors="coerce")
    parts = [f"{name!r} ({len(group):,} event(s), {figures[group.index].sum():,.0f} "
             "displacements)"
             for name, group in events.groupby(events["hazard_type_name"].astype(str).str.strip())]
    log.warning("fetch idmc: %s: hazard type(s) not reviewed, counted as disasters under %r: "
                "%s; add them to idmc.HAZARDS once reviewed", url, OTHER, "; ".join(parts))


def fetch_live(paths: Paths, config: LiveConfig, client: HttpClient, progress: Progress) -> Summary:
    if not config.idmc_client_id:
        raise NotConfigured(f"{CLIENT_ID} is not set: IDMC's API answers only with a client id "
                            "(free, on request from IDMC)")
    base = config.url(API_URL.env)
    tables, released = [], []
    for name in LISTS:
        results, last_updated = fetch_list(client, config, name, progress)
        tables.append(to_rows(name, results, f"{base}/gidd/{name}/"))
        released += [last_updated] if last_updated else []
    table = pd.concat(tables, ignore_index=True).sort_values(["iso3", "year", "cause"],
                                                             ignore_index=True)
    table["new_displacements"] = table["new_displacements"].map(
        lambda v: int(v) if float(v).is_integer() else v)
    return stage_file(paths, PROVIDER_ID, FILE, table[["iso3", "year", "cause",
                                                       "new_displacements"]],
                      base + "/gidd/", {"lists": list(LISTS), "limit": config.idmc_limit},
                      {**VINTAGE, "api": base + "/gidd/",
                       "last_updated": max(released) if released else None},
                      max_year("year"))


def live_steps() -> int:
    return len(LISTS)  # one page each at least; grown once the counts are known


PROVIDER = Provider(
    id=PROVIDER_ID,
    name="IDMC",
    files=(FILE,),
    raw_specs=(RAW_SPEC,),
    fetch_live=fetch_live,
    live_urls=(API_URL,),
    live_steps=live_steps,
    live_requires=(CLIENT_ID,),
    indicator_rows=indicator_rows,
    tables=(ProcessedTable("displacement_by_cause", "IDMC new displacements by cause", by_cause),),
)
