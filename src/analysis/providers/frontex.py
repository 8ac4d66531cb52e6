"""Frontex: monthly detections of illegal border-crossings into the EU by route, border type
(Sea/Land) and nationality, data/raw/frontex/illegal_border_crossings.csv (month YYYY-MM, route,
type, nationality_iso3, detections).

- Detections, not people: one person crossing twice (or detected on two routes) counts twice.
- `eu_irregular_crossings` is the annual sum of a nationality's monthly detections over every
  route. The running year (the file's last year, when its last month is not December) is only
  partly covered: flagged P (provisional), here and in the route table.
- `frontex_routes` (data/processed/frontex_routes.parquet): annual detections by nationality,
  route and border type, every nationality.

Live: the monthly workbook. Frontex publishes it as `Monthly_detections_of_IBC_<date>.xlsx`,
renamed with each release and linked from its migratory-map page, so `FRONTEX_URL` is that page
by default (or the workbook itself): the page is searched for the newest workbook it links to
(`live.pages`). Its firewall answers 403 to a library's User-Agent: requests carry a browser's
headers (`live.http.BROWSER_HEADERS`, as public scripts reading this file do). Sheet
`Detections_of_IBC`
(else the first sheet holding the header); its header row, found among the first rows, names
`Route`, the border type (`Border Location`, or `Border type or inland` in older releases:
Sea/Land), `Nationality`, then one column per month labelled `JAN2009`, `FEB2009`, ... Each
non-blank, non-zero cell is one row of the snapshot's layout (the snapshot keeps non-zero
detections only). Nationalities are names, turned into ISO3 with country_converter after the
reviewed names in `NATIONALITY_CODES`: labels that name no state are kept under the codes the
snapshot gives them, never refused ("Unspecified sub-Saharan nationals" -> OOS, "Not specified"
-> OOO, stateless -> STL; the snapshot's source, IOM's `gdidata` package, codes them so); a
total row is left out; any other name it does not know is refused, and so is a month label it
cannot read, naming the URL, sheet and cell. (Unverified against the live file: no machine of
the project reaches frontex.europa.eu; the layout is the one analysts' scripts read.)
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile

import pandas as pd
import requests

from analysis import transform
from analysis.catalogue import FIRST_YEAR, Indicator
from analysis.errors import DataError
from analysis.live import codes
from analysis.live.common import (
    Summary,
    cell_text,
    fetch_file,
    max_year,
    open_workbook,
)
from analysis.live.config import LiveConfig, UrlSetting
from analysis.live.http import BROWSER_HEADERS, FetchError, HttpClient, expect_body
from analysis.paths import Paths
from analysis.progress import Progress
from analysis.providers.base import ProcessedTable, Provider
from analysis.rawfiles import RawData, RawSpec

PROVIDER_ID = "frontex"
FILE = "illegal_border_crossings.csv"
TYPES = ("Sea", "Land")

RAW_SPEC = RawSpec(PROVIDER_ID, FILE, ("month", "route", "type", "nationality_iso3"),
                   ("detections",), key=("month", "route", "type", "nationality_iso3"),
                   nonnegative=("detections",), iso3_columns=("nationality_iso3",),
                   year_column=None)


def detections(raw: RawData) -> pd.DataFrame:
    """The checked rows with `year` from `month`, refusing a month that is not YYYY-MM in a
    plausible year, or a border type other than Sea/Land."""
    rows = raw.get(PROVIDER_ID, FILE)
    path = raw.path(PROVIDER_ID, FILE)
    parts = rows["month"].str.extract(r"^(\d{4})-(\d{2})$")
    year = pd.to_numeric(parts[0], errors="coerce")
    month = pd.to_numeric(parts[1], errors="coerce")
    bad = year.isna() | ~month.between(1, 12) | ~year.between(FIRST_YEAR, dt.date.today().year)
    if bad.any():
        row = rows.index[bad][0]
        raise DataError(path, "not a month (YYYY-MM)", column="month", row=int(row) + 2,
                        value=rows.at[row, "month"])
    bad = ~rows["type"].isin(TYPES)
    if bad.any():
        row = rows.index[bad][0]
        raise DataError(path, f"unknown border type; known: {', '.join(TYPES)}", column="type",
                        row=int(row) + 2, value=rows.at[row, "type"])
    return rows.assign(year=year.astype("int64"), month_number=month.astype("int64"))


def running_year(rows: pd.DataFrame) -> int | None:
    """The file's last year if it does not reach December: only part of it is covered."""
    if rows.empty:
        return None
    last = rows[rows["year"] == rows["year"].max()]
    return int(last["year"].iloc[0]) if last["month_number"].max() < 12 else None


def _partial_flag(years: pd.Series, running: int | None) -> pd.Series:
    # P: the running year holds only the months published so far (reason in the docstring).
    return (years == running).map({True: "P", False: ""}) if running else \
        pd.Series("", index=years.index)


def indicator_rows(raw: RawData, ind: Indicator) -> pd.DataFrame:
    rows = detections(raw)
    sums = rows.groupby(["nationality_iso3", "year"], as_index=False)["detections"] \
        .sum(min_count=1)
    flag = _partial_flag(sums["year"], running_year(rows))
    return transform.indicator_rows(sums, ind, "nationality_iso3", "detections", flag=flag)


def routes(raw: RawData) -> pd.DataFrame:
    rows = detections(raw)
    sums = rows.groupby(["year", "nationality_iso3", "route", "type"], as_index=False)[
        "detections"].sum(min_count=1)
    sums["detections"] = sums["detections"].astype("float64")
    sums["flag"] = _partial_flag(sums["year"], running_year(rows)).astype(str)
    return sums.sort_values(["year", "nationality_iso3", "route", "type"], ignore_index=True)

# -- live: the monthly workbook ----------------------------------------------------------------

FRONTEX_URL = UrlSetting("FRONTEX_URL",
                         "https://www.frontex.europa.eu/along-eu-borders/migratory-map/")
# The workbook's name on the page (`Monthly_detections_of_IBC_2025_06_03.xlsx`, older releases
# `..._20220204.xlsx`).
FILE_NAME = re.compile(r"^Monthly_detections_of_IBC.*\.xlsx$", re.IGNORECASE)
SHEET = "Detections_of_IBC"
HEADER_WITHIN = 20
MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_MONTH_LABEL = re.compile(r"^([A-Za-z]{3})\s*(\d{4})$")
# Reviewed nationality labels that are no country name (lower case): the snapshot's codes, as
# its source (IOM's gdidata: "Unidentified Sub-Saharan Africa" OOS, "Unknown" OOO) gives them;
# the snapshot's OOO rows are the file's "Not specified" (556,238 on the Western Balkan route in
# 2015), its OOS rows the sub-Saharan label (Central Mediterranean 2014, Western African route).
NATIONALITY_CODES = {
    "unspecified sub-saharan nationals": "OOS", "unidentified sub-saharan africa": "OOS",
    "not specified": "OOO", "unknown": "OOO", "unspecified": "OOO",
    "stateless": "STL",
    "other": "OOO", "others": "OOO", "other nationalities": "OOO",
}
TOTALS = ("total", "all nationalities", "grand total")

VINTAGE = {
    "producer": "European Border and Coast Guard Agency (Frontex)",
    "title": "Monthly detections of illegal border-crossings by route, border type and "
             "nationality (detections, not persons)",
    "url_main": "https://www.frontex.europa.eu/what-we-do/monitoring-and-risk-analysis/"
                "migratory-map/",
    "licence": "free reuse with attribution (Frontex legal notice)",
    "citation": "Frontex, Monitoring and Risk Analysis: detections of illegal border-crossings",
}


def download(response: requests.Response) -> bytes:
    return expect_body(response, "zip", "an Excel workbook", "an Excel workbook (.xlsx)")


def _month(label, where: str) -> str:
    """`JAN2009` (or a date cell) -> 2009-01."""
    if isinstance(label, dt.datetime | dt.date):
        return f"{label.year:04d}-{label.month:02d}"
    match = _MONTH_LABEL.match(cell_text(label))
    if not match or match.group(1).upper() not in MONTHS:
        raise FetchError(f"{where}: the column header {cell_text(label)!r} is not a month like "
                         "JAN2009: the workbook's layout changed")
    return f"{match.group(2)}-{MONTHS.index(match.group(1).upper()) + 1:02d}"


def _count(value, where: str) -> int | None:
    if value is None or cell_text(value) in ("", "-"):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
    else:
        try:
            number = float(cell_text(value).replace(",", ""))
        except ValueError:
            raise FetchError(f"{where}: {cell_text(value)!r} is not a number of detections") \
                from None
    if number < 0 or not number.is_integer():
        raise FetchError(f"{where}: {value!r} is not a number of detections")
    return int(number)


def _header(book, url: str):
    sheets = ([book[SHEET]] if SHEET in book.sheetnames else []) + \
        [s for s in book.worksheets if s.title != SHEET]
    for sheet in sheets:
        rows = sheet.iter_rows(values_only=True)
        for index, row in enumerate(rows):
            names = [cell_text(c).lower() for c in row]
            if "nationality" in names and "route" in names:
                return sheet, index, list(row), rows
            if index >= HEADER_WITHIN:
                break
    raise FetchError(f"{url}: no sheet with a header row naming Route and Nationality in its "
                     f"first {HEADER_WITHIN} rows (sheets: {', '.join(book.sheetnames)}): not "
                     "Frontex's monthly detections workbook")


def parse_workbook(content: bytes, url: str) -> pd.DataFrame:
    book = open_workbook(content, url)
    try:
        sheet, at, header, rows = _header(book, url)
        where = f"{url}, sheet {sheet.title!r}"
        names = [cell_text(c).lower() for c in header]
        route_at, nat_at = names.index("route"), names.index("nationality")
        border = [i for i, n in enumerate(names) if n.startswith("border")]
        if not border:
            raise FetchError(f"{where}, row {at + 1}: no border type column (Border Location); "
                             f"found {', '.join(cell_text(c) for c in header if cell_text(c))}")
        type_at = border[0]
        first = max(route_at, nat_at, type_at) + 1
        months = {j: _month(header[j], f"{where}, row {at + 1}, column {j + 1}")
                  for j in range(first, len(header)) if cell_text(header[j])}
        if not months:
            raise FetchError(f"{where}, row {at + 1}: no month columns after Nationality")
        records = []
        for n, row in enumerate(rows, start=at + 2):
            route = cell_text(row[route_at]) if route_at < len(row) else ""
            nationality = cell_text(row[nat_at]) if nat_at < len(row) else ""
            if not route and not nationality:
                continue  # blank or footnote rows
            kind = cell_text(row[type_at]).capitalize() if type_at < len(row) else ""
            if kind not in TYPES:
                raise FetchError(f"{where}, row {n}, column {type_at + 1}: border type "
                                 f"{kind!r}; known: {', '.join(TYPES)}")
            for j, month in months.items():
                value = _count(row[j] if j < len(row) else None,
                               f"{where}, row {n}, column {j + 1}")
                if value:  # blank or zero: no row (module docstring)
                    records.append((month, route, kind, nationality, value))
    except (zipfile.BadZipFile, KeyError, OSError) as exc:  # cut off inside a sheet
        raise FetchError(f"{url}: not a readable Excel workbook, cut off? ({exc})") from None
    finally:
        book.close()
    frame = pd.DataFrame(records, columns=["month", "route", "type", "nationality",
                                           "detections"])
    frame = frame[~frame["nationality"].str.lower().isin(TOTALS)]
    if frame.empty:
        raise FetchError(f"{where}: no detections under the header row {at + 1}")
    iso3 = nationality_codes(sorted(frame["nationality"].unique()), where)
    frame["nationality_iso3"] = frame["nationality"].map(iso3)
    # Labels that share a code ("Not specified" and "Others" are both OOO) are one row, added.
    key = ["month", "route", "type", "nationality_iso3"]
    return frame.groupby(key, as_index=False)["detections"].sum() \
        .sort_values(key, ignore_index=True)


def nationality_codes(names: list[str], where: str) -> dict[str, str]:
    out = {n: NATIONALITY_CODES[n.lower()] for n in names if n.lower() in NATIONALITY_CODES}
    found = codes.names_to_iso3(n for n in names if n not in out)
    unknown = sorted(n for n, c in found.items() if c is None)
    if unknown:
        raise FetchError(f"{where}: nationality name(s) country_converter does not know: "
                         f"{', '.join(unknown[:10])} (add a reviewed label to "
                         "frontex.NATIONALITY_CODES)")
    return {**out, **found}


def fetch_live(paths: Paths, config: LiveConfig, client: HttpClient, progress: Progress) -> Summary:
    return fetch_file(paths, client, progress, config.url(FRONTEX_URL.env),
                      provider=PROVIDER_ID, name=FILE, download=download,
                      parse=parse_workbook, step="workbook", vintage=VINTAGE,
                      latest_year=max_year("month"),
                      table_vintage=lambda table: {"latest_period": table["month"].max()},
                      listed=(FILE_NAME, "Frontex's monthly detections workbook"))


PROVIDER = Provider(
    id=PROVIDER_ID,
    name="Frontex",
    files=(FILE,),
    raw_specs=(RAW_SPEC,),
    fetch_live=fetch_live,
    live_urls=(FRONTEX_URL,),
    http_headers=BROWSER_HEADERS,
    indicator_rows=indicator_rows,
    tables=(ProcessedTable("frontex_routes", "Frontex detections by route", routes),),
)
