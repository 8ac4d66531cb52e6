"""A local stand-in for the four providers: a threaded HTTP server on 127.0.0.1 that speaks
their protocols (as ../shared/docs/API_NOTES.md describes them), serving tables a test builds.

    with FakeProviders(worldbank=wb_rows, unhcr={"population": items}) as server:
        config = server.config()          # LiveConfig pointing at the server, quick retries
        server.add_fault("/wb/", status=503)            # the next WB request fails once
        server.add_fault("/wb/", match={"page": "2"}, rewrite=edit)  # page 2, edited
        ...
        server.requests                   # every request: (path, query dict, headers)
        server.request_times              # when each arrived (time.monotonic())

Faults can also drip a body one byte at a time, reset the connection mid-body, or rewrite the
normal JSON answer (a page count that changes, a row moved, a field renamed).

Also used by benchmarks/fetch_bench.py. Builders at the end turn snapshot-layout tables into
the providers' wire formats (UNHCR items, the UN DESA workbook, the IOM CSV).
"""

from __future__ import annotations

import dataclasses
import io
import json
import math
import socket
import struct
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

import pandas as pd

from analysis.live import HttpPolicy, LiveConfig

WB_PREFIX = "/wb/v2"
UNHCR_PREFIX = "/unhcr/population/v1"
UNDESA_PATH = "/undesa/undesa_pd_2024_ims_stock_by_sex_destination_and_origin.xlsx"
IOM_PATH = "/iom/Missing_Migrants_Global_Figures_allData.csv"
# money and work (issue 11)
KNOMAD_PREFIX = "/knomad/"  # + one workbook name per vintage
RPW_PATH = "/rpw/rpw_dataset_2011_2020_q3.xlsx"  # the complete dataset, one file
# borders, trafficking and emergencies (issue 12)
EUROSTAT_PREFIX = "/eurostat/api/dissemination/statistics/1.0"
EUROSTAT_PATH = EUROSTAT_PREFIX + "/data/migr_asyappctza"
GLOTIP_PATH = "/unodc/data_glotip.xlsx"
FRONTEX_PATH = "/frontex/Monthly_detections_of_IBC.xlsx"
IDMC_PREFIX = "/idmc/external-api"
UNHCR_FLOWS_PATH = "/unhcr-flows/UNHCR_Flow_Data.xlsx"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

FAST_HTTP = HttpPolicy(timeout=(2.0, 5.0), attempts=3, backoff=0.01, backoff_max=1.0,
                       deadline=10.0)

UNHCR_DIMENSIONS = {"coo": ("coo_id", "coo_name", "coo", "coo_iso"),
                    "coa": ("coa_id", "coa_name", "coa", "coa_iso")}


@dataclasses.dataclass
class Fault:
    """A canned answer for the next `times` requests whose path starts with `prefix`."""

    prefix: str
    status: int = 200
    body: bytes = b""
    headers: dict = dataclasses.field(default_factory=dict)
    times: int = 1
    delay: float = 0.0  # seconds to wait before answering (a timeout)
    cut_at: int | None = None  # announce the whole body but send only this many bytes
    match: dict = dataclasses.field(default_factory=dict)  # only queries with these values
    drip: float = 0.0  # send the body one byte every `drip` seconds (under any read timeout)
    drip_headers: bool = False  # with `drip`: the status line and headers a byte at a time too
    reset_at: int | None = None  # send this many body bytes, then reset the connection (RST)
    # Edit the provider's normal JSON answer instead of sending `body`:
    # rewrite(answer, query, earlier) -> answer; `earlier` holds the (query, answer) pairs
    # already served for the same path, oldest first.
    rewrite: Callable[[object, dict, list], object] | None = None

    def applies(self, path: str, query: dict) -> bool:
        return (self.times > 0 and path.startswith(self.prefix)
                and all(query.get(k) == v for k, v in self.match.items()))


def html_page(title: str) -> bytes:
    return (f"<!DOCTYPE html><html><head><title>{title}</title></head>"
            f"<body><h1>{title}</h1></body></html>").encode()


class FakeProviders:
    def __init__(self, *, worldbank: pd.DataFrame | None = None,
                 wb_lastupdated: str = "2025-07-01", wb_meta_as_strings: bool = False,
                 unhcr: dict | None = None,
                 undesa_xlsx: bytes | None = None, iom_csv: bytes | None = None,
                 knomad_xlsx: dict[str, bytes] | None = None, rpw_xlsx: bytes | None = None,
                 eurostat_json: bytes | None = None, glotip_xlsx: bytes | None = None,
                 frontex_xlsx: bytes | None = None, idmc: dict | None = None,
                 idmc_client_id: str | None = "test-client", idmc_max_limit: int | None = 100,
                 unhcr_flows_xlsx: bytes | None = None,
                 last_modified: str = "Mon, 27 Jan 2025 10:00:00 GMT",
                 pages: dict[str, bytes] | None = None, urls: dict[str, str] | None = None):
        self.worldbank = worldbank if worldbank is not None else pd.DataFrame(
            columns=["indicator", "iso3", "year", "value"])
        self.wb_lastupdated = wb_lastupdated
        self.wb_meta_as_strings = wb_meta_as_strings  # the API sends some meta numbers as text
        self.unhcr = unhcr or {}  # endpoint -> DataFrame of items (API fields, ids included)
        self.undesa_xlsx = undesa_xlsx
        self.iom_csv = iom_csv
        self.knomad_xlsx = knomad_xlsx or {}  # workbook name -> bytes, served in this order
        self.rpw_xlsx = rpw_xlsx
        self.eurostat_json = eurostat_json  # one JSON-stat answer, whatever the query
        self.glotip_xlsx = glotip_xlsx
        self.frontex_xlsx = frontex_xlsx
        self.idmc = idmc or {}  # "conflicts"/"disasters" -> list of result objects
        self.idmc_client_id = idmc_client_id  # the id the fake accepts; None: not in env()
        # IDMC's page-size cap: a larger `limit` is clamped silently, `next` still advertised
        # (helix-server's GIDD_REST_MAX_PAGE_SIZE, 100; see its test_rest_pagination.py)
        self.idmc_max_limit = idmc_max_limit
        # UNHCR's flow workbook; without one, a workbook with the header and no rows
        self.unhcr_flows_xlsx = unhcr_flows_xlsx
        self.last_modified = last_modified
        # path -> a provider's HTML page or JSON listing that links the current file, or a
        # workbook such a page links; `urls` points an endpoint variable at one (variable -> path)
        self.pages = pages or {}
        self.urls = urls or {}
        self.faults: list[Fault] = []
        self.requests: list[tuple[str, dict, dict]] = []
        self.request_times: list[float] = []
        self.served: dict[str, list[tuple[dict, object]]] = {}  # path -> JSON answers sent
        self._lock = threading.Lock()
        self._closing = threading.Event()  # stops dripping bodies when the server shuts down
        self._server: ThreadingHTTPServer | None = None

    # -- life cycle ----------------------------------------------------------------------

    def __enter__(self) -> FakeProviders:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (the http.server API)
                fake._handle(self)

            def log_message(self, *args):  # keep test output clean
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._server.handle_error = lambda *a: None  # a client that hung up is no error here
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02},
                         daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self._closing.set()
        self._server.shutdown()
        self._server.server_close()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def env(self) -> dict[str, str]:
        return {"WORLDBANK_API_URL": self.url + WB_PREFIX,
                "UNHCR_API_URL": self.url + UNHCR_PREFIX,
                "UNHCR_FLOWS_URL": self.url + UNHCR_FLOWS_PATH,
                "UNDESA_STOCK_URL": self.url + UNDESA_PATH,
                "MMP_CSV_URL": self.url + IOM_PATH,
                "KNOMAD_MATRIX_URLS": ",".join(self.url + KNOMAD_PREFIX + name
                                               for name in self.knomad_xlsx or ["none.xlsx"]),
                "RPW_URL": self.url + RPW_PATH,
                "EUROSTAT_API_URL": self.url + EUROSTAT_PREFIX,
                "GLOTIP_URL": self.url + GLOTIP_PATH,
                "FRONTEX_URL": self.url + FRONTEX_PATH,
                "IDMC_API_URL": self.url + IDMC_PREFIX,
                **({"IDMC_CLIENT_ID": self.idmc_client_id} if self.idmc_client_id else {}),
                **{env: self.url + path for env, path in self.urls.items()}}

    def config(self, **overrides) -> LiveConfig:
        overrides.setdefault("http", FAST_HTTP)
        overrides.setdefault("progress", False)
        return LiveConfig.from_env(self.env(), **overrides)

    def add_fault(self, prefix: str, **kw) -> Fault:
        fault = Fault(prefix, **kw)
        with self._lock:
            self.faults.append(fault)
        return fault

    def paths_requested(self, prefix: str = "") -> list[str]:
        return [path for path, _, _ in self.requests if path.startswith(prefix)]

    # -- dispatch ------------------------------------------------------------------------

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(handler.path)
        path = unquote(parts.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        with self._lock:
            self.requests.append((path, query, dict(handler.headers)))
            self.request_times.append(time.monotonic())
            fault = next((f for f in self.faults if f.applies(path, query)), None)
            if fault is not None:
                fault.times -= 1
        handler.fake_path, handler.fake_query = path, query
        handler.fake_rewrite = fault.rewrite if fault is not None else None
        try:
            if fault is not None and fault.rewrite is None:
                self._send_fault(handler, fault)
            elif path.startswith(WB_PREFIX + "/country/"):
                self._worldbank(handler, path, query)
            elif path.startswith(UNHCR_PREFIX + "/"):
                self._unhcr(handler, path, query)
            elif path == UNDESA_PATH and self.undesa_xlsx is not None:
                self._send(handler, 200, self.undesa_xlsx, "application/vnd.openxmlformats-"
                           "officedocument.spreadsheetml.sheet",
                           {"Last-Modified": self.last_modified})
            elif path == IOM_PATH and self.iom_csv is not None:
                self._send(handler, 200, self.iom_csv, "text/csv; charset=utf-8",
                           {"Last-Modified": self.last_modified})
            elif (path.startswith(KNOMAD_PREFIX)
                  and path.removeprefix(KNOMAD_PREFIX) in self.knomad_xlsx):
                self._send(handler, 200, self.knomad_xlsx[path.removeprefix(KNOMAD_PREFIX)],
                           "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                           {"Last-Modified": self.last_modified})
            elif path == RPW_PATH and self.rpw_xlsx is not None:
                self._send(handler, 200, self.rpw_xlsx, XLSX,
                           {"Last-Modified": self.last_modified})
            elif path in self.pages:
                body = self.pages[path]
                if body.startswith(b"PK"):  # a workbook the page links
                    self._send(handler, 200, body, XLSX, {"Last-Modified": self.last_modified})
                else:
                    kind = "application/json" if body.lstrip()[:1] in (b"{", b"[") \
                        else "text/html"
                    self._send(handler, 200, body, kind)
            elif path == UNHCR_FLOWS_PATH:
                if self.unhcr_flows_xlsx is None:
                    self.unhcr_flows_xlsx = unhcr_flows_workbook(pd.DataFrame(
                        columns=UNHCR_FLOWS_COLUMNS))
                self._send(handler, 200, self.unhcr_flows_xlsx, XLSX,
                           {"Last-Modified": self.last_modified})
            elif path == EUROSTAT_PATH and self.eurostat_json is not None:
                self._send(handler, 200, self.eurostat_json, "application/json")
            elif path == GLOTIP_PATH and self.glotip_xlsx is not None:
                self._send(handler, 200, self.glotip_xlsx, XLSX,
                           {"Last-Modified": self.last_modified})
            elif path == FRONTEX_PATH and self.frontex_xlsx is not None:
                self._send(handler, 200, self.frontex_xlsx, XLSX,
                           {"Last-Modified": self.last_modified})
            elif path.startswith(IDMC_PREFIX + "/gidd/"):
                self._idmc(handler, path, query)
            else:
                self._send(handler, 404, html_page("404 Not Found"), "text/html")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout test)

    def _send(self, handler, status: int, body: bytes, content_type: str, headers=None,
              cut_at: int | None = None, drip: float = 0.0, reset_at: int | None = None,
              drip_headers: bool = False) -> None:
        if content_type.startswith("application/json"):
            body = self._json_answer(handler, body)
        if drip and drip_headers:
            handler.close_connection = True
            head = "".join([f"HTTP/1.1 {status} {handler.responses[status][0]}\r\n",
                            f"Content-Type: {content_type}\r\n",
                            f"Content-Length: {len(body)}\r\n",
                            *[f"{k}: {v}\r\n" for k, v in (headers or {}).items()],
                            "Connection: close\r\n\r\n"])
            return self._drip(handler, head.encode() + body, drip)
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            handler.send_header(key, value)
        handler.send_header("Connection", "close")
        handler.end_headers()
        handler.close_connection = True
        if reset_at is not None:
            handler.wfile.write(body[:reset_at])
            handler.wfile.flush()
            # SO_LINGER 0: close() sends a TCP reset instead of an orderly end
            handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                          struct.pack("ii", 1, 0))
            handler.connection.close()
            return
        if drip:
            return self._drip(handler, body, drip)
        handler.wfile.write(body if cut_at is None else body[:cut_at])
        handler.wfile.flush()

    def _drip(self, handler, data: bytes, every: float) -> None:
        for n in range(len(data)):
            if self._closing.wait(every):
                return
            handler.wfile.write(data[n:n + 1])
            handler.wfile.flush()

    def _json_answer(self, handler, body: bytes) -> bytes:
        """Record a JSON answer for later rewrites, and rewrite this one if a fault says so."""
        path, query = handler.fake_path, handler.fake_query
        rewrite = handler.fake_rewrite
        if rewrite is None and not body.lstrip().startswith((b"[", b"{")):
            return body  # a canned fault body (cut JSON, an error text): sent as it is
        try:
            answer = json.loads(body)
        except ValueError:
            return body
        with self._lock:
            earlier = list(self.served.get(path, []))
        if rewrite is not None:
            answer = rewrite(answer, query, earlier)
            body = json.dumps(answer).encode()
        with self._lock:
            self.served.setdefault(path, []).append((query, answer))
        return body

    def _send_fault(self, handler, fault: Fault) -> None:
        if fault.delay:
            time.sleep(fault.delay)
        kind = "text/html" if fault.body.lstrip().startswith(b"<!") else "application/json"
        self._send(handler, fault.status, fault.body, kind, fault.headers, fault.cut_at,
                   fault.drip, fault.reset_at, fault.drip_headers)

    # -- World Bank ----------------------------------------------------------------------

    def _worldbank(self, handler, path: str, query: dict) -> None:
        rest = path[len(WB_PREFIX + "/country/"):].split("/")
        if len(rest) != 3 or rest[1] != "indicator":
            return self._send(handler, 404, html_page("404 Not Found"), "text/html")
        countries, code = rest[0].split(";"), rest[2]
        if query.get("format") != "json":
            body = ('\ufeff<?xml version="1.0" encoding="utf-8"?><wb:data '
                    'xmlns:wb="http://www.worldbank.org" page="1" pages="1"></wb:data>')
            return self._send(handler, 200, body.encode(), "application/xml")
        table = self.worldbank
        if code not in set(table["indicator"]):
            return self._send(handler, 200, json.dumps([{"message": [{
                "id": "175", "key": "Invalid format",
                "value": "The indicator was not found. It may have been deleted or archived."}]}]
            ).encode(), "application/json")
        rows = table[(table["indicator"] == code) & table["iso3"].isin(countries)]
        if "date" in query:
            first, last = (int(y) for y in query["date"].split(":"))
            rows = rows[(rows["year"] >= first) & (rows["year"] <= last)]
        rows = rows.sort_values(["iso3", "year"], ascending=[True, False])
        per_page = int(query.get("per_page", 50))
        page = int(query.get("page", 1))
        total = len(rows)
        pages = math.ceil(total / per_page)
        meta = {"page": page, "pages": pages, "per_page": str(per_page), "total": total,
                "sourceid": "2", "lastupdated": self.wb_lastupdated}
        if self.wb_meta_as_strings:
            meta = {k: str(v) for k, v in meta.items()}
        chunk = rows.iloc[(page - 1) * per_page: page * per_page]
        records = [{
            "indicator": {"id": code, "value": f"indicator {code}"},
            "country": {"id": r.iso3[:2], "value": f"country {r.iso3}"},
            "countryiso3code": r.iso3,
            "date": str(int(r.year)),
            "value": None if pd.isna(r.value) else r.value,
            "unit": "", "obs_status": "", "decimal": 1,
        } for r in chunk.itertuples()]
        body = [meta, records if total else None]
        self._send(handler, 200, json.dumps(body).encode(), "application/json;charset=utf-8")

    # -- UNHCR ---------------------------------------------------------------------------

    def _unhcr(self, handler, path: str, query: dict) -> None:
        endpoint = path[len(UNHCR_PREFIX) + 1:].strip("/")
        if endpoint not in self.unhcr:
            return self._send(handler, 404, html_page("Page not found"), "text/html")
        items = unhcr_select(self.unhcr[endpoint], query)
        limit = int(query.get("limit", 100))
        page = int(query.get("page", 1))
        max_pages = math.ceil(len(items) / limit)
        chunk = items.iloc[(page - 1) * limit: page * limit]
        body = {"page": page, "maxPages": max_pages, "total": len(items),
                "items": [{k: ("-" if _missing(v) else _plain(v)) for k, v in row.items()}
                          for row in chunk.to_dict("records")],
                "short-url": f"https://api.unhcr.org/s/{len(self.requests)}"}
        self._send(handler, 200, json.dumps(body).encode(), "application/json")

    # -- IDMC (GIDD external API: DRF pages, limit/offset, client_id, a capped page size) ------

    def _idmc(self, handler, path: str, query: dict) -> None:
        what = path[len(IDMC_PREFIX + "/gidd/"):].strip("/")
        if what not in self.idmc:
            return self._send(handler, 404, json.dumps({"detail": "Not found."}).encode(),
                              "application/json")
        if query.get("client_id") != self.idmc_client_id:
            return self._send(handler, 403, json.dumps(
                {"detail": "Invalid client_id"}).encode(), "application/json")
        rows = self.idmc[what]
        limit, offset = int(query.get("limit", 100)), int(query.get("offset", 0))
        if self.idmc_max_limit is not None:
            limit = min(limit, self.idmc_max_limit)
        chunk = rows[offset:offset + limit]
        more = offset + limit < len(rows)
        body = {"last_updated": "2025-05-13", "count": len(rows),
                "next": (f"{self.url}{path}?client_id={query['client_id']}&limit={limit}"
                         f"&offset={offset + limit}") if more else None,
                "previous": None, "results": chunk}
        self._send(handler, 200, json.dumps(body).encode(), "application/json")


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _plain(value):
    return value.item() if hasattr(value, "item") else value


def unhcr_select(table: pd.DataFrame, query: dict) -> pd.DataFrame:
    """The UNHCR API's row selection: coo/coa lists filter (ISO3 with cf_type=ISO, UNHCR codes
    otherwise), coo_all/coa_all break down by every country and override the list, and a
    dimension neither filtered nor broken down is summed with its fields set to "-".
    yearFrom/yearTo work only together."""
    rows = table
    if "yearFrom" in query and "yearTo" in query:
        years = pd.to_numeric(rows["year"])
        rows = rows[(years >= int(query["yearFrom"])) & (years <= int(query["yearTo"]))]
    iso = query.get("cf_type") == "ISO"
    summed = []
    for dim, fields in UNHCR_DIMENSIONS.items():
        if query.get(f"{dim}_all") == "true":
            continue
        if query.get(dim):
            codes = query[dim].split(",")
            rows = rows[rows[f"{dim}_iso" if iso else dim].isin(codes)]
        else:
            summed.extend(fields)
    if summed:
        dims = ("year", *UNHCR_DIMENSIONS["coo"], *UNHCR_DIMENSIONS["coa"])
        values = [c for c in rows.columns if c not in dims and rows[c].astype(str)
                  .str.fullmatch(r"-?\d+(\.\d+)?|-").all()]
        keys = [c for c in rows.columns if c not in values and c not in summed]
        numbers = rows[values].apply(lambda s: pd.to_numeric(s.replace("-", None)))
        grouped = pd.concat([rows[keys], numbers], axis=1).groupby(keys, as_index=False,
                                                                  dropna=False)
        rows = grouped.sum(min_count=1)
        for field in summed:
            rows[field] = "-"
        rows = rows[list(table.columns)]
    return rows.reset_index(drop=True)


# ---------------------------------------------------------------------------
# Wire formats from snapshot-layout tables
# ---------------------------------------------------------------------------


def unhcr_items(raw: pd.DataFrame) -> pd.DataFrame:
    """A snapshot UNHCR table (API fields without ids, blank = missing) -> API items: ids
    added after the names' order the API uses, missing as "-"."""
    items = raw.copy()
    ids = {code: n for n, code in enumerate(sorted(set(items["coo"]) | set(items["coa"])), 1)}
    items.insert(list(items.columns).index("coo_name"), "coo_id", items["coo"].map(ids))
    items.insert(list(items.columns).index("coa_name"), "coa_id", items["coa"].map(ids))
    return items.astype(object).where(items.notna(), "-")


def m49_codes() -> dict[str, int]:
    """ISO3 -> M49 from country_converter, plus the two UN DESA locations without ISO codes."""
    import country_converter as coco

    from analysis.providers.undesa import NON_ISO_M49

    data = coco.CountryConverter().data[["ISO3", "ISOnumeric"]].dropna()
    table = {iso3: int(num) for iso3, num in zip(data["ISO3"], data["ISOnumeric"], strict=True)}
    table.update({iso3: code for code, iso3 in NON_ISO_M49.items()})
    return table


UNDESA_YEARS = [1990, 1995, 2000, 2005, 2010, 2015, 2020, 2024]


def undesa_workbook(stock: pd.DataFrame, *, with_aggregates: bool = True) -> bytes:
    """Snapshot-layout migrant stock (long, female/male rows) -> the IMS 2024 workbook's
    'Table 1': title lines, the header at row 11, one row per destination-origin pair with
    both-sexes, male and female year blocks; ".." where a value is missing; region rows."""
    from openpyxl import Workbook

    m49 = m49_codes()
    wide = stock.pivot_table(index=["destination_iso3", "origin_iso3"],
                             columns=["sex", "year"], values="migrants", aggfunc="sum")
    flags = stock.groupby("destination_iso3")[["based_on_foreign_born", "based_on_citizenship",
                                                "includes_refugees", "imputed"]].max()
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Table 1")
    sheet.append(["International Migrant Stock 2024: Destination and origin"])
    for _ in range(9):
        sheet.append([])
    sheet.append(["Index", "Region, development group, country or area of destination",
                  "Coverage", "Data type", "Location code of destination",
                  "Region, development group, country or area of origin",
                  "Location code of origin", *UNDESA_YEARS * 3])
    index = 0
    if with_aggregates:  # regions are rows too; the client must drop them by code
        index += 1
        world = stock.groupby(["sex", "year"])["migrants"].sum()
        sheet.append([index, "WORLD", None, None, 900, "World", 900,
                      *[_both(world, y) for y in UNDESA_YEARS],
                      *[world.get(("male", y), "..") for y in UNDESA_YEARS],
                      *[world.get(("female", y), "..") for y in UNDESA_YEARS]])
    for (dest, orig), row in wide.iterrows():
        index += 1
        f = flags.loc[dest]
        coverage = " ".join(c for c, on in (("B", f.based_on_foreign_born),
                                            ("C", f.based_on_citizenship)) if on)
        data_type = " ".join(c for c, on in (("R", f.includes_refugees), ("I", f.imputed)) if on)
        male = [_cell(row.get(("male", y))) for y in UNDESA_YEARS]
        female = [_cell(row.get(("female", y))) for y in UNDESA_YEARS]
        both = [_add(m, fe) for m, fe in zip(male, female, strict=True)]
        sheet.append([index, f"country {dest}*", coverage or None, data_type or None,
                      m49[dest], f"country {orig}", m49[orig], *both, *male, *female])
    sheet.append([])
    sheet.append(["Note: .. data not available"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(value):
    return ".." if value is None or pd.isna(value) else int(value)


def _add(a, b):
    if a == ".." and b == "..":
        return ".."
    return (0 if a == ".." else a) + (0 if b == ".." else b)


def _both(series, year):
    return sum(series.get((sex, year), 0) for sex in ("female", "male"))


IOM_HEADER = ["Main ID", "Incident ID", "Incident Type", "Region of Incident", "Incident Date",
              "Incident Year", "Month", "Number of Dead", "Minimum Estimated Number of Missing",
              "Total Number of Dead and Missing", "Number of Survivors", "Number of Females",
              "Number of Males", "Number of Children", "Country of Origin", "Region of Origin",
              "Cause of Death", "Country of Incident", "Migration Route",
              "Location of Incident", "Coordinates", "UNSD Geographical Grouping",
              "Information Source", "URL", "Source Quality"]


def country_names() -> dict[str, str]:
    import country_converter as coco

    data = coco.CountryConverter().data
    return dict(zip(data["ISO3"], data["name_short"], strict=True))


def iom_csv(records: pd.DataFrame) -> bytes:
    """Snapshot-layout IOM records -> the MMP download: spelled-out headers (some with stray
    spaces, as IOM's have), country names instead of codes, "lat, lon" coordinates."""
    names = country_names()

    def origin_names(cell: str) -> str:
        return ",".join("Unknown" if c == "UNK" else names[c] for c in cell.split(","))

    date = pd.to_datetime(records["date"])
    out = pd.DataFrame({
        "Main ID": [f"{2014 + n % 10}.MMP{n:05d}" for n in range(len(records))],
        "Incident ID": range(1, len(records) + 1),
        "Incident Type": records["record_type"],
        "Region of Incident": "",
        "Incident Date": records["date"],
        "Incident Year": date.dt.year,
        "Month": date.dt.strftime("%B"),
        "Number of Dead": records["dead_and_missing"],
        "Minimum Estimated Number of Missing": "",
        "Total Number of Dead and Missing": records["dead_and_missing"],
        "Number of Survivors": records["survivors"],
        "Number of Females": "", "Number of Males": "", "Number of Children": "",
        "Country of Origin": records["origin_iso3"].map(origin_names),
        "Region of Origin": "",
        "Cause of Death": records["cause"],
        "Country of Incident": records["incident_iso3"].map(names),
        "Migration Route": records["route"],
        "Location of Incident": records["location"],
        "Coordinates": records["lat"] + ", " + records["lon"],
        "UNSD Geographical Grouping": "", "Information Source": "", "URL": "",
        "Source Quality": "",
    }, columns=IOM_HEADER)
    out.columns = [f" {c}" if c == "Cause of Death" else c for c in out.columns]
    return out.to_csv(index=False).encode("utf-8-sig")


# -- money and work (issue 11) -----------------------------------------------------------------


def knomad_workbook(rows: pd.DataFrame, *, title: str | None = None,
                    header: list[str] | None = None, with_totals: bool = True) -> bytes:
    """Snapshot-layout KNOMAD rows of one year -> the matrix workbook: a title row naming the
    year and version, a blank row, a header row of receiving countries (their names as the
    snapshot spells them), one row per sending country with `-` where there is no estimate, a
    WORLD total row and column, and footnotes. `header` replaces the receiving countries' names
    (a changed header)."""
    from openpyxl import Workbook

    year = int(rows["year"].iloc[0])
    version = rows["version"].iloc[0]
    receivers = sorted(rows["receiver_name"].unique())
    senders = sorted(rows["sender_name"].unique())
    amounts = {(s, r): v for s, r, v in zip(rows["sender_name"], rows["receiver_name"],
                                             rows["usd_million"], strict=True)}
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Bilateral Remittances")
    sheet.append([title or f"Bilateral Remittance Estimates for {year} using Migrant Stocks, "
                  f"Host Country Incomes, and Origin Country Incomes (millions of US$) "
                  f"({version} Version)"])
    sheet.append([])
    names = header or receivers
    sheet.append(["Remittance-sending country (down) / Remittance-receiving country (across)",
                  *names, *(["WORLD"] if with_totals else [])])
    for sender in senders:
        cells = [amounts.get((sender, r), "-") for r in receivers]
        total = sum(c for c in cells if c != "-")
        sheet.append([sender, *cells, *([total] if with_totals else [])])
    if with_totals:
        sheet.append(["WORLD", *[sum(amounts.get((s, r), 0) for s in senders)
                                 for r in receivers], rows["usd_million"].sum()])
    sheet.append([])
    sheet.append(["Notes: estimates using migrant stocks and incomes; - no estimate."])
    sheet.append(["Source: World Bank / KNOMAD."])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# The header cells the long KNOMAD file has (public code that reads WB-KNOMAD.xlsx, sheet Data,
# by these names; the Attribute columns as the World Bank's long exports carry them).
KNOMAD_LONG_HEADER = ["Economy ISO3", "Economy Name", "Indicator ID", "Indicator", "Attribute 1",
                      "Attribute 2", "Attribute 3", "Partner"]
KNOMAD_BRE = ("Bilateral Remittance Estimates using Migrant Stocks, Host Country Incomes, and "
              "Origin Country Incomes (US$ million)")


def knomad_long_workbook(rows: pd.DataFrame, *, years: tuple[int, ...] = (2020, 2021, 2022),
                         header: list[str] | None = None) -> bytes:
    """Snapshot-layout KNOMAD rows of one year -> the World Bank's current long file
    (WB-KNOMAD.xlsx): sheet `Data`, one header row, one WB.KNOMAD.BRE row per sender and
    receiver with the amount under its year's column (the other years' cells blank), the
    sender's code (the World Bank's CHI for the Channel Islands), the receiver by name only; a
    WORLD partner row per sender, and a row of another series that must be left out. A sheet
    of sources comes first. `header` replaces the header row (a reshaped file)."""
    from openpyxl import Workbook

    year = int(rows["year"].iloc[0])
    book = Workbook(write_only=True)
    book.create_sheet("Sources").append(["World Bank / KNOMAD, bilateral remittance estimates"])
    sheet = book.create_sheet("Data")
    sheet.append(header or [*KNOMAD_LONG_HEADER, *[str(y) for y in years]])

    def line(code, sender, indicator_id, indicator, partner, value):
        return [code, sender, indicator_id, indicator, None, None, None, partner,
                *[value if y == year else None for y in years]]

    for (code, sender), out in rows.groupby(["sender_iso3", "sender_name"], sort=True):
        code = code or "CHI"  # the snapshot leaves it blank; the World Bank writes its own
        for r in out.itertuples(index=False):
            sheet.append(line(code, sender, "WB.KNOMAD.BRE", KNOMAD_BRE, r.receiver_name,
                              r.usd_million))
        sheet.append(line(code, sender, "WB.KNOMAD.BRE", KNOMAD_BRE, "WORLD",
                          out["usd_million"].sum()))
        sheet.append(line(code, sender, "WB.KNOMAD.OTHER", "another series of the file",
                          out["receiver_name"].iloc[0], 1.0))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# RPW's complete dataset: the columns of its two sheets (as public audits of the 2025 workbooks
# list them; the cost columns read are `period`, `source_code`, `destination_code` and
# `cc1 total cost %`).
RPW_COLUMNS = ["id", "period", "source_code", "source_name", "source_region", "source_income",
               "destination_code", "destination_name", "destination_region",
               "destination_income", "firm", "firm_type", "payment instrument", "access point",
               "speed actual", "cc1 lcu amount", "cc1 denomination amount", "cc1 lcu code",
               "cc1 lcu fee", "cc1 lcu fx rate", "cc1 fx margin", "cc1 total cost %",
               "cc2 lcu amount", "cc2 denomination amount", "cc2 total cost %",
               "inter lcu bank fx", "transparent", "Standard Note", "note2",
               "receiving network coverage", "pickup location", "pickup method", "date",
               "corridor"]
RPW_OLD_COLUMNS = ["id", "period", "source_code", "source_name", "destination_code",
                   "destination_name", "firm", "firm_type", "product", "sending location",
                   "speed actual", "cc1 lcu amount", "cc1 lcu fee", "cc1 fx margin",
                   "cc1 total cost %", "cc2 total cost %", "transparent", "coverage",
                   "pick-up method", "note1", "note2", "corridor"]
RPW_SPREAD = (-1.25, 0.0, 1.25)  # three providers' quotes around each corridor average


def rpw_workbook(rows: pd.DataFrame, *, header: list[str] | None = None,
                 text_every: int = 7) -> bytes:
    """Snapshot-layout corridor averages -> RPW's complete dataset: sheets `Terms of Use`,
    `Legend`, `Dataset (up to Q1 2016)` (quarters to 2016_1Q, the older columns) and `Dataset
    (from Q2 2016)`, one row per provider, corridor and quarter (`2016_2Q`): three quotes whose
    mean is the snapshot's average, every `text_every`th stored as text as some quarters are,
    plus one provider per corridor-quarter with no US$200 cost (no quote). `header` replaces the
    newer sheet's header (a reshaped file)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    book.create_sheet("Terms of Use").append(["Remittance Prices Worldwide, The World Bank"])
    book.create_sheet("Legend").append(["field", "definition"])
    old = book.create_sheet("Dataset (up to Q1 2016)")
    new = book.create_sheet("Dataset (from Q2 2016)")
    old.append(RPW_OLD_COLUMNS)
    new.append(header or RPW_COLUMNS)
    n = 0
    for r in rows.sort_values(["quarter", "sender_iso3", "receiver_iso3"]).itertuples():
        period = f"{r.quarter[:4]}_{r.quarter[-1]}Q"
        sheet, columns = (old, RPW_OLD_COLUMNS) if r.quarter <= "2016Q1" else (new, RPW_COLUMNS)
        quotes = [float(r.avg_total_cost_pct) + d for d in RPW_SPREAD] + [None]
        for k, cost in enumerate(quotes):
            n += 1
            cell = repr(cost) if cost is not None and n % text_every == 0 else cost
            values = {"id": n, "period": period, "source_code": r.sender_iso3,
                      "source_name": f"country {r.sender_iso3}",
                      "destination_code": r.receiver_iso3,
                      "destination_name": f"country {r.receiver_iso3}",
                      "firm": f"Provider {k + 1}", "firm_type": "Money Transfer Operator",
                      "cc1 denomination amount": 200, "cc1 total cost %": cell,
                      "cc2 total cost %": None if cost is None else cost - 1.0,
                      "transparent": "yes", "corridor": r.sender_iso3 + r.receiver_iso3}
            sheet.append([values.get(c) for c in columns])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def link_page(title: str, *links: str) -> bytes:
    """A provider's HTML page that links files (hrefs as given: absolute or relative)."""
    anchors = "".join(f'<li><a href="{href}">{href.rsplit("/", 1)[-1]}</a></li>'
                      for href in links)
    return (f"<!DOCTYPE html><html><head><title>{title}</title></head><body><h1>{title}</h1>"
            f"<ul>{anchors}</ul></body></html>").encode()


def money_wire(snapshot, states: list[str] | None = None) -> dict:
    """The KNOMAD workbooks (one per year, each in its own layout) and RPW's complete dataset
    from the snapshot's rows, those touching `states` (all rows without), as FakeProviders
    keyword arguments."""
    kn = pd.read_csv(snapshot / "knomad" / "bilateral_remittances.csv", keep_default_na=False)
    costs = pd.read_csv(snapshot / "rpw" / "corridor_costs.csv", keep_default_na=False)
    if states is not None:
        kn = kn[kn.sender_iso3.isin(states) | kn.receiver_iso3.isin(states)]
        costs = costs[costs.sender_iso3.isin(states) | costs.receiver_iso3.isin(states)]
    return {"knomad_xlsx": knomad_files(kn), "rpw_xlsx": rpw_workbook(costs)}


def knomad_files(rows: pd.DataFrame) -> dict[str, bytes]:
    """The two layouts the default KNOMAD_MATRIX_URLS lists: the 2017 matrix and the 2021
    estimates' long file (WB-KNOMAD.xlsx)."""
    return {"matrix_2017.xlsx": knomad_workbook(rows[rows.year == 2017]),
            "WB-KNOMAD.xlsx": knomad_long_workbook(rows[rows.year == 2021])}


def social_spending(snapshot, states: list[str] | None = None) -> pd.DataFrame:
    """World Bank health and education spending rows (the API serves them like any series)."""
    social = pd.read_csv(snapshot / "worldbank" / "wdi_social_spending.csv")
    return social if states is None else social[social.iso3.isin(states)]


# -- borders, trafficking and emergencies (issue 12) -------------------------------------------

EUROSTAT_DIMS = ("freq", "unit", "citizen", "sex", "applicant", "age", "geo", "time")


def _iso3_to_iso2() -> dict[str, str]:
    import country_converter as coco

    data = coco.CountryConverter().data[["ISO2", "ISO3"]].dropna()
    # the first alternative of country_converter's regular expression is the ISO code
    return {iso3: iso2.split("|")[0].strip("^$") for iso2, iso3 in
            zip(data.ISO2, data.ISO3, strict=True)}


def eurostat_jsonstat(rows: pd.DataFrame, *, drop_dimension: str | None = None,
                      with_aggregates: bool = True, zeros: bool = True) -> bytes:
    """Snapshot-layout Eurostat rows (destination_iso3, year, citizenship_iso3, sex,
    applicants) -> the JSON-stat 2.0 answer of Eurostat's statistics API for migr_asyappctza:
    two-letter codes (EL, UK), EU27_2020, STLS and UNK citizens, sexes F/M/UNK, a sparse
    `value` object keyed by the flat index, a `status` object ('p' on the last year), plus
    what the client must leave out: a TOTAL citizen (the sum) and zero cells. `drop_dimension`
    removes a dimension (a reshaped answer)."""
    iso2 = {**_iso3_to_iso2(), "GRC": "EL", "GBR": "UK"}
    geo_code = {**iso2, "EU27": "EU27_2020"}
    cit_code = {**iso2, "STL": "STLS", "OOO": "UNK"}
    sex_code = {"female": "F", "male": "M", "unknown": "UNK"}
    cells = {(geo_code[g], str(y), cit_code[c], sex_code[s]): int(v) for g, y, c, s, v in zip(
        rows.destination_iso3, rows.year, rows.citizenship_iso3, rows.sex, rows.applicants,
        strict=True)}
    if with_aggregates:
        totals: dict = {}
        for (g, y, _c, s), v in cells.items():
            totals[(g, y, "TOTAL", s)] = totals.get((g, y, "TOTAL", s), 0) + v
        cells.update(totals)
    cats = {"freq": ["A"], "unit": ["PER"], "applicant": ["FRST"], "age": ["TOTAL"],
            "sex": ["F", "M", "UNK"],
            "citizen": sorted({k[2] for k in cells}),
            "geo": sorted({k[0] for k in cells}),
            "time": sorted({k[1] for k in cells})}
    sizes = [len(cats[d]) for d in EUROSTAT_DIMS]
    position = {d: {c: i for i, c in enumerate(cats[d])} for d in EUROSTAT_DIMS}
    last_year = cats["time"][-1]
    value, status = {}, {}
    for (g, y, c, s), v in cells.items():
        at = dict(freq="A", unit="PER", applicant="FRST", age="TOTAL", geo=g, time=y,
                  citizen=c, sex=s)
        flat = 0
        for d, size in zip(EUROSTAT_DIMS, sizes, strict=True):
            flat = flat * size + position[d][at[d]]
        value[str(flat)] = v
        if y == last_year:
            status[str(flat)] = "p"
    if zeros:  # a zero cell Eurostat publishes (the first citizen in the first geo and year)
        value.setdefault("0", 0)
    body = {
        "version": "2.0", "class": "dataset",
        "label": "Asylum applicants by type of applicant, citizenship, age and sex - annual "
                 "aggregated data",
        "source": "ESTAT", "updated": "2025-05-26T23:00:00+0200",
        "value": value, "status": status,
        "id": list(EUROSTAT_DIMS), "size": sizes,
        "dimension": {d: {"label": d, "category": {
            "index": position[d], "label": {c: c for c in cats[d]}}} for d in EUROSTAT_DIMS},
        "extension": {"datasetId": "migr_asyappctza", "lang": "EN",
                      "status": {"label": {"p": "provisional"}}},
    }
    if drop_dimension:
        at = body["id"].index(drop_dimension)
        del body["id"][at], body["size"][at], body["dimension"][drop_dimension]
    return json.dumps(body).encode()


def glotip_workbook(rows: pd.DataFrame, *, header: list[str] | None = None,
                    title: bool = True) -> bytes:
    """Snapshot-layout GLOTIP rows -> the dataUNODC export: sheet `data_glotip_1`, a title row
    and a blank row above the header (`header` replaces it: a reshaped export), Year as a
    number, every other cell text as the export writes it (`<5`, "1,282")."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("data_glotip_1")
    if title:
        sheet.append(["UNODC Global Report on Trafficking in Persons: data (dataUNODC export)"])
        sheet.append([])
    columns = list(rows.columns)
    sheet.append(header or columns)
    year_at = columns.index("Year")
    for record in rows.itertuples(index=False):
        cells = ["" if pd.isna(v) else str(v) for v in record]
        cells[year_at] = int(record[year_at])
        sheet.append([c if c != "" else None for c in cells])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def idmc_results(rows: pd.DataFrame) -> dict[str, list[dict]]:
    """Snapshot-layout IDMC rows (iso3, year, cause, new_displacements) -> the GIDD API's two
    lists: one conflict result per country and year; disaster results per event, a figure of
    two or more split over two events (the client adds them), hazard types as IDMC names them
    ("Flood", "Wet mass movement"), and one event with no figure (no row)."""
    conflicts, disasters = [], []
    for r in rows.itertuples(index=False):
        value = None if pd.isna(r.new_displacements) else int(r.new_displacements)
        base = {"iso3": r.iso3, "country_name": f"country {r.iso3}", "year": int(r.year)}
        if r.cause == "conflict":
            conflicts.append({**base, "new_displacement": value,
                              "new_displacement_rounded": value, "total_displacement": None})
            continue
        hazard = "Wet mass movement" if r.cause == "mass movement" else r.cause.capitalize()
        parts = [value] if value is None or value < 2 else [value // 2, value - value // 2]
        for n, part in enumerate(parts, 1):
            disasters.append({**base, "event_name": f"{r.cause} event {n}",
                              "hazard_category_name": "Weather related",
                              "hazard_type_name": hazard, "new_displacement": part})
    if disasters:
        disasters.append({**disasters[0], "event_name": "not yet assessed",
                          "new_displacement": None})
    return {"conflicts": conflicts, "disasters": disasters}


# The no-state labels of Frontex's file, by the codes the snapshot's source (IOM's gdidata)
# gives them: "Unidentified Sub-Saharan Africa" OOS, "Unknown" OOO (Frontex's "Not specified").
FRONTEX_NAMES = {"OOS": "Unspecified sub-Saharan nationals", "STL": "Stateless",
                 "OOO": "Not specified"}


def frontex_workbook(rows: pd.DataFrame, *, header: list | None = None,
                     border: str = "Border Location", title: bool = True) -> bytes:
    """Snapshot-layout Frontex rows (month, route, type, nationality_iso3, detections) ->
    Frontex's monthly workbook: sheet `Detections_of_IBC`, a title row (or, `title=False`, the
    leading blank row public scripts describe), then a header row `Route, <border>,
    Nationality, JAN2009, ...` over every month from the first to the last (`border`: `Border
    Location`, or `Border type or inland` as other releases name it), one row per route, border
    type and nationality (its name as country_converter writes it, FRONTEX_NAMES for the
    no-state labels) with blank cells where the snapshot has no row, and a total row. `header`
    replaces the header row (a reshaped workbook)."""
    import country_converter as coco
    from openpyxl import Workbook

    codes = sorted(set(rows.nationality_iso3) - set(FRONTEX_NAMES))
    names = dict(zip(codes, coco.convert(codes, src="ISO3", to="name_short"), strict=True))
    names.update(FRONTEX_NAMES)
    first, last = pd.Period(rows.month.min(), "M"), pd.Period(rows.month.max(), "M")
    months = [str(p) for p in pd.period_range(first, last, freq="M")]
    labels = [pd.Period(m, "M").strftime("%b%Y").upper() for m in months]
    table = rows.pivot_table(index=["route", "type", "nationality_iso3"], columns="month",
                             values="detections", aggfunc="sum")
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Detections_of_IBC")
    sheet.append(["Detections of illegal border-crossings, monthly (FRAN and JORA data)"]
                 if title else [])
    sheet.append(header or ["Route", border, "Nationality", *labels])
    for (route, kind, code), values in table.iterrows():
        sheet.append([route, kind, names[code],
                      *[None if pd.isna(values.get(m)) else int(values.get(m)) for m in months]])
    sheet.append(["Total", "Land", "Total", *[int(table[m].sum()) if m in table else 0
                                               for m in months]])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


UNHCR_FLOWS_COLUMNS = ["year", "coo_name", "coo", "coo_iso", "coa_name", "coa", "coa_iso",
                       "refugees", "asylum_seekers", "refugee_like", "oip"]


def unhcr_flows_workbook(rows: pd.DataFrame, *, header: list[str] | None = None) -> bytes:
    """Snapshot-layout flows rows -> UNHCR's flow workbook as the `refugees` package reads it
    since June 2026 (data-raw/flows.R): sheet DATA, long, one row per population type with a
    Count; a blank cell of the snapshot is no row. Refugees come as REF, GRP (group
    recognition) and TMP (temporary protection), asylum-seekers as ASY and ASR, the parts adding
    up to the snapshot's figure (which the package makes by adding them); ROC and OIP as they
    are. `header` replaces the header (a reshaped workbook)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    book.create_sheet("README").append(["UNHCR forcibly displaced flow data"])
    sheet = book.create_sheet("DATA")
    sheet.append(header or ["Year", "OriginName", "origin", "OriginISO", "AsylumName", "asylum",
                            "AsylumISO", "PT", "Count"])
    for n, r in enumerate(rows.itertuples(index=False)):
        for column in ("refugees", "asylum_seekers", "refugee_like", "oip"):
            count = getattr(r, column)
            if pd.isna(count) or count == "":
                continue
            for code, part in _flow_parts(column, int(float(count)), n):
                sheet.append([int(r.year), r.coo_name, r.coo, r.coo_iso, r.coa_name, r.coa,
                              r.coa_iso, code, part])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _flow_parts(column: str, count: int, n: int) -> list[tuple[str, int]]:
    """One snapshot figure as the workbook's population types, in turn by row number `n`."""
    if column == "refugees":
        if n % 3 == 1 and count >= 2:
            return [("REF", count - count // 2), ("GRP", count // 2)]
        return [("TMP" if n % 3 == 2 else "REF", count)]
    if column == "asylum_seekers":
        if n % 4 == 3 and count >= 2:
            return [("ASY", count - count // 3), ("ASR", count // 3)]
        return [("ASR" if n % 2 else "ASY", count)]
    return [({"refugee_like": "ROC", "oip": "OIP"}[column], count)]


def borders_wire(snapshot, states: list[str], years: tuple[int, int] = (2019, 2021)) -> dict:
    """Issue 12's providers from the snapshot's rows of `states` in `years`, as FakeProviders
    keyword arguments: Eurostat's JSON-stat answer, the GLOTIP and Frontex workbooks, IDMC's
    lists and UNHCR's flow workbook."""
    first, last = years
    eu = pd.read_csv(snapshot / "eurostat" / "asylum_applicants.csv", keep_default_na=False)
    eu = eu[eu.citizenship_iso3.isin(states) & eu.year.between(first, last)]
    glotip = pd.read_csv(snapshot / "unodc" / "glotip.csv", dtype=str, keep_default_na=False)
    glotip = glotip[glotip.Iso3_code.isin(states) & glotip.Year.astype(int).between(first, last)]
    ibc = pd.read_csv(snapshot / "frontex" / "illegal_border_crossings.csv",
                      keep_default_na=False)
    ibc = ibc[ibc.nationality_iso3.isin(states) & ibc.month.str[:4].astype(int).between(
        first, last)]
    idmc = pd.read_csv(snapshot / "idmc" / "new_displacements.csv", keep_default_na=False)
    idmc = idmc[idmc.iso3.isin(states) & idmc.year.between(first, last)]
    flows = pd.read_csv(snapshot / "unhcr" / "flows.csv", dtype=str, keep_default_na=False)
    flows = flows[flows.year.astype(int).between(first, last)
                  & (flows.coo_iso.isin(states) | flows.coa_iso.isin(states))]
    return {"eurostat_json": eurostat_jsonstat(eu), "glotip_xlsx": glotip_workbook(glotip),
            "frontex_xlsx": frontex_workbook(ibc), "idmc": idmc_results(idmc),
            "unhcr_flows_xlsx": unhcr_flows_workbook(flows)}
