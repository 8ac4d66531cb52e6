"""UN DESA Population Division: International Migrant Stock 2024 (origin x destination x sex,
data/raw/undesa/migrant_stock_2024.csv) and, from a snapshot only, World Population Prospects
2024 population estimates and medium-variant projection.

Processed rows: immigrant and emigrant stock (summed over both sexes and every partner country),
population (WPP; World Bank SP.POP.TOTL when the WPP file is absent, as after a live fetch), and
the migrant-stock corridors (origin = country of birth, destination = country of residence).

Live, the origin x destination workbook: its 'Table 1' has its header at Excel row 11: an
index, the destination's name, its coverage and data-type notes, its M49 code, the origin's
name and M49 code, then eight year columns (1990 ... 2024) for both sexes, eight for males and
eight for females. Regions and aggregates are dropped by code (M49 codes with no ISO3), not by
name. The live source has no WPP population file: the build then takes World Bank SP.POP.TOTL.
"""

from __future__ import annotations

import logging
import re

import pandas as pd
import requests

from analysis import catalogue, transform
from analysis.catalogue import CorridorMeasure, Indicator
from analysis.errors import DataError
from analysis.live import codes
from analysis.live.common import Summary, download_file, max_year, open_workbook, stage_file
from analysis.live.config import LiveConfig, UrlSetting
from analysis.live.http import FetchError, HttpClient, expect_body
from analysis.paths import Paths
from analysis.progress import Progress
from analysis.providers import worldbank
from analysis.providers.base import Provider
from analysis.rawfiles import RawData, RawSpec

log = logging.getLogger("analysis.live.undesa")  # with the other fetch messages

PROVIDER_ID = "undesa"
FILE = "migrant_stock_2024.csv"
# WPP population has no live download we use: live builds take World Bank SP.POP.TOTL.
WPP_FILE = "population_wpp2024.csv"
PROJECTION_FILE = "population_wpp2024_projection.csv"

# UN DESA locations without an ISO 3166 code, named by the codes the snapshot uses for them
# (listed in catalogue.PROVIDER_SPECIAL_CODES): M49 830 is the Channel Islands (the snapshot's
# XCX rows are Jersey and Guernsey's British, Irish, French and Portuguese-born), and 2003 is the
# origin UN DESA calls "Other" (not specified by country).
NON_ISO_M49 = {830: "XCX", 2003: "OOO"}
assert set(NON_ISO_M49.values()) <= set(catalogue.PROVIDER_SPECIAL_CODES)

RAW_SPECS = (
    RawSpec(PROVIDER_ID, FILE, ("destination_iso3", "origin_iso3", "sex"),
            ("year", "migrants"), key=("year", "destination_iso3", "origin_iso3", "sex"),
            nonnegative=("migrants",), iso3_columns=("destination_iso3", "origin_iso3"),
            missing_markers=("", ".."), covers_states=("destination_iso3", "origin_iso3")),
    RawSpec(PROVIDER_ID, WPP_FILE, ("iso3",), ("year", "population"),
            key=("iso3", "year"), nonnegative=("population",), iso3_columns=("iso3",),
            covers_states=("iso3",)),
    RawSpec(PROVIDER_ID, PROJECTION_FILE, ("iso3",),
            ("m49", "year", "pop_male_thousands", "pop_female_thousands"),
            key=("iso3", "year"), nonnegative=("pop_male_thousands", "pop_female_thousands"),
            iso3_columns=("iso3",), covers_states=("iso3",), years_ahead=75),
)

STOCK_URL = UrlSetting(
    "UNDESA_STOCK_URL",
    "https://www.un.org/development/desa/pd/sites/www.un.org.development.desa.pd/files/"
    "undesa_pd_2024_ims_stock_by_sex_destination_and_origin.xlsx")
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
    # an .xlsx is a zip archive
    return expect_body(response, "zip", "an Excel workbook", "an Excel workbook (.xlsx)")


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
    book = open_workbook(content, url)
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
        m49 = {**codes.m49_to_iso3(), **NON_ISO_M49}
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


def fetch_live(paths: Paths, config: LiveConfig, client: HttpClient, progress: Progress) -> Summary:
    url = config.url(STOCK_URL.env)
    content, last_updated = download_file(client, url, download)
    progress.step("workbook")
    table = parse_workbook(content, url)
    summary = stage_file(paths, PROVIDER_ID, FILE, table, url,
                         {"sheet": SHEET, "header_row": HEADER_ROW},
                         {**VINTAGE, "last_updated": last_updated},
                         max_year("year"))
    summary.notes.append(f"no {WPP_FILE} live: the build takes World Bank "
                         f"{catalogue.WORLDBANK_POPULATION_CODE}")
    return summary


# -- processed rows ------------------------------------------------------------------------

BY_COLUMN = {"destination": "destination_iso3", "origin": "origin_iso3"}


def stock_totals(stock: pd.DataFrame, ind: Indicator) -> pd.DataFrame:
    """Migrant stock summed over both sexes and every partner country. UN DESA leaves out an
    origin-sex row when it is too small to estimate: the sum is of what is published."""
    col = BY_COLUMN[ind.by]
    sums = stock.groupby([col, "year"], as_index=False)["migrants"].sum(min_count=1)
    return transform.indicator_rows(sums, ind, col, "migrants")


def projected_population(projection: pd.DataFrame, ind: Indicator, last_estimate_year: int
                         ) -> pd.DataFrame:
    """WPP 2024 medium-variant population (male + female, published in thousands to three
    decimals, i.e. whole persons) for the years after the last estimate up to
    catalogue.POPULATION_PROJECTION_LAST_YEAR, flagged F (projection)."""
    rows = projection[(projection["year"] > last_estimate_year)
                      & (projection["year"] <= catalogue.POPULATION_PROJECTION_LAST_YEAR)]
    total = ((rows["pop_male_thousands"] + rows["pop_female_thousands"]) * 1000).round()
    rows = rows.assign(population=total)
    source = "UN DESA Population Division: WPP2024 medium-variant projection"
    return transform.indicator_rows(rows, ind, "iso3", "population", source=source, flag="F")


def population(raw: RawData, ind: Indicator) -> pd.DataFrame:
    if raw.has(PROVIDER_ID, WPP_FILE):
        wpp = raw.get(PROVIDER_ID, WPP_FILE)
        rows = transform.indicator_rows(wpp, ind, "iso3", "population")
        if raw.has(PROVIDER_ID, PROJECTION_FILE):
            projection = raw.get(PROVIDER_ID, PROJECTION_FILE)
            rows = pd.concat([rows, projected_population(projection, ind,
                                                         int(rows["year"].max()))],
                             ignore_index=True)
        return rows
    # Live builds: the UN WPP file is not downloaded; World Bank SP.POP.TOTL stands in.
    code = catalogue.WORLDBANK_POPULATION_CODE
    rows = worldbank.series_rows(raw, ind, code=code, source=f"World Bank: {code}")
    if rows.empty:
        raise DataError(raw.path(worldbank.PROVIDER_ID, worldbank.FILE),
                        f"no population: neither undesa/{WPP_FILE} nor {code} rows")
    return rows


def indicator_rows(raw: RawData, ind: Indicator) -> pd.DataFrame:
    if ind.dataset == WPP_FILE:
        return population(raw, ind)
    return stock_totals(raw.get(PROVIDER_ID, ind.dataset), ind)


def corridor_rows(raw: RawData, measure: CorridorMeasure) -> pd.DataFrame:
    return transform.corridor_rows(raw.get(PROVIDER_ID, measure.dataset), measure,
                                   "origin_iso3", "destination_iso3")


PROVIDER = Provider(
    id=PROVIDER_ID,
    name="UN DESA Population Division",
    files=(FILE,),
    optional_files=(WPP_FILE, PROJECTION_FILE),
    raw_specs=RAW_SPECS,
    fetch_live=fetch_live,
    live_urls=(STOCK_URL,),
    indicator_rows=indicator_rows,
    corridor_rows=corridor_rows,
)
