"""UN DESA International Migrant Stock 2024, origin x destination workbook ->
data/raw/undesa/migrant_stock_2024.csv.

The workbook's 'Table 1' has its header at Excel row 11: an index, the destination's name,
its coverage and data-type notes, its M49 code, the origin's name and M49 code, then eight
year columns (1990 ... 2024) for both sexes, eight for males and eight for females. Regions and
aggregates are dropped by code (M49 codes with no ISO3), not by name. The live source has no
WPP population file: the build then takes World Bank SP.POP.TOTL.
"""

from __future__ import annotations

import io
import logging
import re
import zipfile

import pandas as pd
import requests

from analysis import catalogue, rawstore
from analysis.live import codes
from analysis.live.common import Summary, download_file, record_checked, today, write_csv
from analysis.live.config import LiveConfig
from analysis.live.http import FetchError, HttpClient, Transient, body_kind, describe_body
from analysis.paths import Paths
from analysis.progress import Progress

log = logging.getLogger(__name__)

PROVIDER_ID = "undesa"
FILE = "migrant_stock_2024.csv"
SHEET = "Table 1"
HEADER_ROW = 11  # as Excel numbers it
COLUMNS = ["year", "destination_iso3", "origin_iso3", "sex", "migrants",
           "based_on_foreign_born", "based_on_citizenship", "includes_refugees", "imputed"]
MISSING = ("", "..")  # too little data to estimate: no row, not a zero
N_YEARS = 8
SEX_BLOCKS = ("both", "male", "female")  # the three blocks of year columns, in this order

# Data-type letters in the destination's notes -> the snapshot's 0/1 flags.
FLAG_LETTERS = {"B": "based_on_foreign_born", "C": "based_on_citizenship",
                "R": "includes_refugees", "I": "imputed"}

VINTAGE = {
    "producer": "UN DESA Population Division",
    "title": "International Migrant Stock 2024",
    "version_producer": "International Migrant Stock 2024",
    "url_main": "https://www.un.org/development/desa/pd/content/international-migrant-stock",
    "licence": "CC BY 3.0 IGO",
    "citation": "United Nations, Department of Economic and Social Affairs, Population "
                "Division (2024). International Migrant Stock 2024.",
}


def download(response: requests.Response) -> bytes:
    content = response.content
    kind = body_kind(content)
    if kind == "zip":  # an .xlsx is a zip archive
        return content
    if kind in ("html", "empty"):
        raise Transient(f"{describe_body(content)} instead of an Excel workbook")
    raise FetchError(f"{response.url}: expected an Excel workbook (.xlsx), got "
                     f"{describe_body(content)}")


class _Layout:
    """Where things are in 'Table 1', found from the header row's text."""

    def __init__(self, header: tuple, where: str):
        text = ["" if h is None else str(h).strip() for h in header]
        low = [t.lower() for t in text]

        def find(*words: str) -> int:
            hits = [i for i, t in enumerate(low) if all(w in t for w in words)]
            if not hits:
                raise FetchError(f"{where}: no column whose header mentions "
                                 f"{' and '.join(map(repr, words))}; found {text}")
            return hits[0]

        self.destination = find("code", "destination")
        self.origin = find("code", "origin")
        years = [i for i, t in enumerate(text) if re.fullmatch(r"\d{4}(\.0)?", t)]
        labels = [int(float(text[i])) for i in years]
        first = labels[:N_YEARS]
        if (len(years) != N_YEARS * len(SEX_BLOCKS) or labels != first * len(SEX_BLOCKS)
                or years != list(range(years[0], years[0] + len(years)))):
            raise FetchError(f"{where}: expected {len(SEX_BLOCKS)} blocks of {N_YEARS} "
                             f"adjacent year columns (both sexes, males, females); found "
                             f"year headers {labels}")
        self.years = first
        self.blocks = {sex: years[k * N_YEARS:(k + 1) * N_YEARS]
                       for k, sex in enumerate(SEX_BLOCKS)}
        # The destination's coverage / data-type notes ("B R", "C", "I" ...).
        self.notes = [i for i in range(years[0]) if i not in (self.destination, self.origin)
                      and any(w in low[i] for w in ("note", "type", "coverage"))]
        if not self.notes:
            log.warning("%s: no coverage/data-type column in the header; the four data-type "
                        "flags will all be 0; found %s", where, text)
        self.width = len(text)


def _code(value, where: str) -> int | None:
    if value is None or str(value).strip() == "":
        return None
    try:
        return int(float(str(value).strip()))
    except ValueError:
        raise FetchError(f"{where}: location code {value!r} is not a number") from None


def _count(value, where: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, (int, float)):
        return float(value)
    text = str(value).strip()
    if text in MISSING:
        return None
    try:
        return float(text.replace(" ", "").replace(",", ""))
    except ValueError:
        raise FetchError(f"{where}: {text!r} is not a count") from None


def parse_workbook(content: bytes, url: str) -> pd.DataFrame:
    """The workbook -> the snapshot's long layout (female and male rows; no both-sexes rows)."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise FetchError(f"{url}: not a readable Excel workbook ({exc})") from None
    try:
        if SHEET not in book.sheetnames:
            raise FetchError(f"{url}: no sheet {SHEET!r}; sheets: {', '.join(book.sheetnames)}")
        rows = book[SHEET].iter_rows(values_only=True)
        for _ in range(HEADER_ROW - 1):
            next(rows, None)
        header = next(rows, None)
        if header is None:
            raise FetchError(f"{url}: sheet {SHEET!r} ends before its header row {HEADER_ROW}")
        layout = _Layout(header, f"{url}, sheet {SHEET!r}, row {HEADER_ROW}")
        m49 = codes.m49_to_iso3()
        records, notes, aggregates = [], {}, set()
        for number, row in enumerate(rows, start=HEADER_ROW + 1):
            where = f"{url}, sheet {SHEET!r}, row {number}"
            row = tuple(row) + (None,) * (layout.width - len(row))
            dest = _code(row[layout.destination], where)
            orig = _code(row[layout.origin], where)
            if dest is None and orig is None:
                continue  # blank or footnote line
            if dest not in m49 or orig not in m49:
                aggregates.update(c for c in (dest, orig) if c not in m49)
                continue
            dest_iso3, orig_iso3 = m49[dest], m49[orig]
            text = " ".join(str(row[i]) for i in layout.notes if row[i] is not None)
            notes.setdefault(dest_iso3, set()).update(re.findall(r"\b([BCRI])\b", text))
            for sex in ("female", "male"):
                for year, column in zip(layout.years, layout.blocks[sex], strict=True):
                    count = _count(row[column], where)
                    if count is not None:
                        records.append((year, dest_iso3, orig_iso3, sex, count))
    finally:
        book.close()

    log.debug("%s: skipped aggregate/region codes %s", PROVIDER_ID, sorted(
        c for c in aggregates if c is not None))
    table = pd.DataFrame(records, columns=COLUMNS[:5])
    if (table["migrants"] % 1 == 0).all():
        table["migrants"] = table["migrants"].astype("int64")
    for letter, flag in FLAG_LETTERS.items():
        has = {iso3 for iso3, letters in notes.items() if letter in letters}
        table[flag] = table["destination_iso3"].isin(has).astype("int64")
    return table.sort_values(["year", "destination_iso3", "origin_iso3", "sex"],
                             ignore_index=True)


def fetch(paths: Paths, config: LiveConfig, client: HttpClient, progress: Progress) -> Summary:
    url = config.undesa_stock_url
    content, last_updated = download_file(client, url, download)
    progress.step("workbook")
    table = parse_workbook(content, url)
    with rawstore.stage(paths, PROVIDER_ID, mode="live") as staging:
        write_csv(table, staging.path(FILE))
        frame = record_checked(staging, FILE, url, {"sheet": SHEET, "header_row": HEADER_ROW})
        staging.vintage = {
            **VINTAGE, "date_accessed": today(),
            "last_updated": last_updated,
            "latest_year": int(frame["year"].max()) if len(frame) else None,
        }
    summary = Summary(PROVIDER_ID, {FILE: len(table)})
    population = catalogue.indicator("population").dataset
    summary.notes.append(f"no {population} live: the build takes World Bank "
                         f"{catalogue.WORLDBANK_POPULATION_CODE}")
    return summary
