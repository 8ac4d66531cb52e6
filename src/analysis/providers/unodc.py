"""UNODC Global Report on Trafficking in Persons (GLOTIP) data, data/raw/unodc/glotip.csv: the
dataUNODC export's own columns (Iso3_code, Country, Region, Subregion, Indicator, Dimension,
Category, Sex, Age, Year, Unit of measurement, txtVALUE, Source), one row per reported count.

How it is read (each decision with its reason):

- `txtVALUE` is text: whole numbers (with thousands separators, "1,282") and `<5`, a small
  count UNODC suppresses. `<5` is null with flag M: never 0, never 4.99, never summed. Anything
  else is refused, naming the file, column and row.
- The state's total is the row with Dimension, Sex and Age all `Total`. Every other row breaks
  that total down (by sex and age, form of exploitation, citizenship, country of repatriation),
  so rows are never summed across dimensions.
- Rows that are no state are left out (`not_a_state`): no ISO3 code (Sark, reported on its
  own), or no Country name, which marks UNODC's regional aggregates (codes CAR, CAS, EEU, MCA,
  MCN, SAF, SAM in the 2023 release) and `Aruba/Curacao` (two territories in one row); an
  aggregate is never mixed with states. Another unknown code is refused.
- The export repeats some labels within one country, year, sex and age: sub-forms grouped under
  "Other forms of exploitation", or age groups the export does not name. They are kept as
  separate rows of the breakdown table (numbered by `part` in file order) and never summed. A
  state total that comes more than once is refused: we could not tell which one is the total.
- Citizenship (`by citizenship`, the corridor measure `trafficking_victims`): the Category is a
  country name as each state submitted it, in several languages and spellings. Names are mapped
  to ISO3 with the catalogue's name table (UN names and reviewed spellings, "Kazakhistan"),
  then country_converter (`NO_SINGLE_COUNTRY`: labels that name none). A label that names a
  country is written as the UN names it (catalogue.un_name), so two spellings in one
  submission become one label repeated (numbered by `part`). Regional and aggregate
  categories ("Europe others", "M49 Region: Asia", "EU-28 others"), unknown citizenship, and
  "own country" labels are left out of the corridors (they are no origin country); they stay,
  with their text, in the breakdown table.
  Victims detected in their own country are domestic victims, not a corridor: left out too.

Live: the UNODC data portal's GLOTIP export, one xlsx workbook. It moved to data.unodc.org
under a dated path (`/sites/dataportal.unodc.org/files/<YYYY-MM>/data_glotip.xlsx`, a later
revision `data_glotip_0.xlsx`), linked from the trafficking report page, so `GLOTIP_URL` is that
page by default (or the workbook itself): the page is searched for the newest workbook it links
to (`live.pages`), with a browser's headers (UN sites behind CloudFront refuse a library's).
Sheet `data_glotip_1`, else the first sheet holding the header. The header row is found among
the first rows (the export may put a title above it) and must name every column of the
snapshot; the rows under it are written in the snapshot's layout, cells as text: a count the
workbook stores as a number is written as its whole number, `<5` stays `<5`, Year a whole
number. Blank rows are skipped. A workbook that does not open (cut off), lacks a column, or
holds a Year that is no year is refused naming the URL, sheet and row; the previous raw file
stays.
"""

from __future__ import annotations

import logging
import re
import zipfile

import pandas as pd
import requests

from analysis import catalogue, countries, transform
from analysis.catalogue import CorridorMeasure, Indicator
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

log = logging.getLogger(__name__)

PROVIDER_ID = "unodc"
FILE = "glotip.csv"

TEXT = ("Iso3_code", "Country", "Region", "Subregion", "Indicator", "Dimension", "Category",
        "Sex", "Age", "Unit of measurement", "txtVALUE", "Source")
RAW_SPEC = RawSpec(PROVIDER_ID, FILE, TEXT, ("Year",), year_column="Year")

SUPPRESSED = "<5"  # UNODC's suppressed small count: not zero, not a number
TOTAL = "Total"

# GLOTIP's indicator names -> the ids of our processed tables. The catalogue's indicators take
# their GLOTIP name as `code`; the others appear only in the breakdown table.
INDICATOR_IDS = {
    "Detected trafficking victims": "trafficking_victims_detected",
    "Persons convicted": "trafficking_convictions",
    "Persons prosecuted": "trafficking_prosecutions",
    "Persons brought into formal contact": "trafficking_formal_contact",
    "Offences of trafficking in persons": "trafficking_offences",
}
DIMENSIONS = ("Total", "by form of exploitation", "by citizenship", "by country of repatriation")
CITIZENSHIP = "by citizenship"
REPATRIATION = "by country of repatriation"


def not_a_state(rows: pd.DataFrame) -> pd.Series:
    """Rows of no state (module docstring): no ISO3 code, or no Country name (a regional
    aggregate, or two territories together)."""
    return (rows["Iso3_code"] == "") | (rows["Country"] == "")

# Citizenship labels that name no single country (reviewed by hand): never a corridor. The
# spellings that do name one ("Kazakhistan") are in the catalogue's name table.
NO_SINGLE_COUNTRY = frozenset({
    "Former Czechoslovakia", "Former Yugoslavia",  # no longer one country
    "97 albanian",  # a count typed into the label: not read as a citizenship
})


def _line(index) -> int:
    return int(index) + 2  # the header is line 1


def read(raw: RawData) -> pd.DataFrame:
    """The checked raw rows as a tidy frame: iso3, year, indicator (our id), dimension,
    category (a country's UN name), category_iso3 ("" where the category names no country),
    sex, age, part, value (NaN for <5), flag (M for <5); no-state rows left out."""
    rows = raw.get(PROVIDER_ID, FILE)
    path = raw.path(PROVIDER_ID, FILE)
    rows = rows[~not_a_state(rows)]
    unknown = ~rows["Iso3_code"].isin(countries.known_codes())
    if unknown.any():
        row = rows.index[unknown][0]
        raise DataError(path, "unknown country code", column="Iso3_code", row=_line(row),
                        value=rows.at[row, "Iso3_code"],
                        hint="expected ISO 3166 alpha-3 for a row with a Country name")
    indicator = rows["Indicator"].map(INDICATOR_IDS)
    if indicator.isna().any():
        row = rows.index[indicator.isna()][0]
        raise DataError(path, f"unknown GLOTIP indicator; known: {', '.join(INDICATOR_IDS)}",
                        column="Indicator", row=_line(row), value=rows.at[row, "Indicator"])
    bad_dim = ~rows["Dimension"].isin(DIMENSIONS)
    if bad_dim.any():
        row = rows.index[bad_dim][0]
        raise DataError(path, f"unknown dimension; known: {', '.join(DIMENSIONS)}",
                        column="Dimension", row=_line(row), value=rows.at[row, "Dimension"])
    text = rows["txtVALUE"]
    suppressed = text == SUPPRESSED
    digits = text.str.replace(",", "", regex=False)
    readable = digits.str.fullmatch(r"\d+")
    bad = ~(suppressed | readable)
    if bad.any():
        row = rows.index[bad][0]
        raise DataError(path, f"not a count (expected a whole number or {SUPPRESSED!r})",
                        column="txtVALUE", row=_line(row), value=text[row])
    value = pd.to_numeric(digits.where(readable), errors="coerce").astype("float64")
    named = rows["Dimension"].isin([CITIZENSHIP, REPATRIATION])
    category_iso3 = rows["Category"].map(citizenship_codes(rows.loc[named, "Category"])) \
        .where(named).fillna("").astype(str)
    table = pd.DataFrame({
        "iso3": rows["Iso3_code"],
        "year": rows["Year"].astype("int64"),
        "indicator": indicator,
        "dimension": rows["Dimension"],
        # a country as the UN names it, whatever the submission's spelling
        "category": rows["Category"].mask(category_iso3 != "",
                                          category_iso3.map(_un_name_or_blank)),
        "category_iso3": category_iso3,
        "sex": rows["Sex"],
        "age": rows["Age"],
        "value": value,
        "flag": suppressed.map({True: "M", False: ""}),
    })
    key = ["iso3", "year", "indicator", "dimension", "category", "sex", "age"]
    table["part"] = (table.groupby(key, sort=False).cumcount() + 1).astype("int64")
    totals = _is_total(table)
    repeated = totals & (table["part"] > 1)
    if repeated.any():
        row = table.index[repeated][0]
        raise DataError(path, "the state's total (Dimension, Sex, Age all Total) comes more "
                        "than once for this country, indicator and year", column="txtVALUE",
                        row=_line(row), value=text[row])
    return table


def _is_total(table: pd.DataFrame) -> pd.Series:
    return (table["dimension"] == TOTAL) & (table["sex"] == TOTAL) & (table["age"] == TOTAL)


def indicator_rows(raw: RawData, ind: Indicator) -> pd.DataFrame:
    """The state's GLOTIP total (victims detected in it, persons convicted in it); <5 stays a
    row, null with flag M."""
    table = read(raw)
    rows = table[_is_total(table) & (table["indicator"] == INDICATOR_IDS[ind.code])]
    return transform.indicator_rows(rows, ind, "iso3", "value", flag=rows["flag"],
                                    keep_missing=True)


def _un_name_or_blank(code: str) -> str:
    return catalogue.un_name(code) if code else ""


def citizenship_codes(names) -> dict[str, str | None]:
    """Citizenship Category -> ISO3: the catalogue's name table, then country_converter. None
    for a region, an aggregate, an unknown or an unrecognised spelling."""
    names = set(names)
    found = codes.names_to_iso3(n for n in names if n not in NO_SINGLE_COUNTRY)
    found.update(dict.fromkeys(names & NO_SINGLE_COUNTRY))
    return found


def breakdowns(raw: RawData) -> pd.DataFrame:
    """Every GLOTIP row of a state (totals and their breakdowns), tidy: data/processed/
    trafficking_breakdowns.parquet. `category_iso3` is the country a citizenship or country of
    repatriation names ("" where the Category is no single country, or another dimension)."""
    table = read(raw)
    columns = ["iso3", "year", "indicator", "dimension", "category", "category_iso3", "sex",
               "age", "part", "value", "flag"]
    return table[columns].sort_values(
        ["indicator", "iso3", "year", "dimension", "category", "sex", "age", "part"],
        kind="stable", ignore_index=True)


def corridor_rows(raw: RawData, measure: CorridorMeasure) -> pd.DataFrame:
    """Detected victims by citizenship: origin = citizenship, destination = the detecting state;
    both sexes and all ages (the rows' Sex and Age are Total). Categories that name no single
    country and domestic victims are left out (module docstring). Where two spellings in one
    state's submission name the same citizenship, their counts are added only when both are
    published; with a `<5` among them the pair is null with flag M."""
    table = read(raw)
    rows = table[(table["indicator"] == "trafficking_victims_detected")
                 & (table["dimension"] == CITIZENSHIP) & (table["sex"] == TOTAL)
                 & (table["age"] == TOTAL)].copy()
    rows = rows[rows["category_iso3"] != ""].rename(columns={"category_iso3": "origin"})
    rows = rows[rows["origin"] != rows["iso3"]]
    states = catalogue.state_codes()
    rows = rows[rows["origin"].isin(states) | rows["iso3"].isin(states)]
    grouped = rows.groupby(["year", "origin", "iso3"], as_index=False).agg(
        value=("value", lambda v: v.sum() if v.notna().all() else float("nan")),
        flag=("flag", lambda f: "M" if (f == "M").any() else ""))
    provider = PROVIDER.name
    return pd.DataFrame({
        "year": grouped["year"].astype("int64"),
        "origin_iso3": grouped["origin"].astype(str),
        "destination_iso3": grouped["iso3"].astype(str),
        "measure": measure.id,
        "value": grouped["value"].astype("float64"),
        "source": f"{provider}: Detected trafficking victims, by citizenship",
        "flag": grouped["flag"].astype(str),
    })

# -- live: the dataUNODC workbook ----------------------------------------------------------

# The report page that links the current export (public scripts find it there; unverified
# from here: no machine of the project reaches data.unodc.org).
GLOTIP_URL = UrlSetting("GLOTIP_URL", "https://data.unodc.org/datareport/tip-victims")
FILE_NAME = re.compile(r"^data_glotip(_\d+)?\.xlsx$", re.IGNORECASE)
SHEET = "data_glotip_1"
COLUMNS = ["Iso3_code", "Country", "Region", "Subregion", "Indicator", "Dimension", "Category",
           "Sex", "Age", "Year", "Unit of measurement", "txtVALUE", "Source"]
HEADER_WITHIN = 30  # rows searched for the header

VINTAGE = {
    "producer": "UNODC",
    "title": "Global Report on Trafficking in Persons (GLOTIP) data: detected victims, persons "
             "prosecuted, convicted and brought into formal contact, offences",
    "url_main": "https://dataunodc.un.org/dp-trafficking-persons",
    "licence": "UNODC data terms: free use with attribution",
    "citation": "UNODC, Global Report on Trafficking in Persons data, https://dataunodc.un.org/",
}


def download(response: requests.Response) -> bytes:
    return expect_body(response, "zip", "an Excel workbook", "an Excel workbook (.xlsx)")


def parse_workbook(content: bytes, url: str) -> pd.DataFrame:
    book = open_workbook(content, url)
    try:
        sheets = ([book[SHEET]] if SHEET in book.sheetnames else []) + \
            [s for s in book.worksheets if s.title != SHEET]
        found = None
        for sheet in sheets:
            rows = sheet.iter_rows(values_only=True)
            for index, row in enumerate(rows):
                cells = [cell_text(c) for c in row]
                if "Iso3_code" in cells and "txtVALUE" in cells:
                    found = (sheet, index, cells, rows)
                    break
                if index >= HEADER_WITHIN:
                    break
            if found:
                break
        if found is None:
            raise FetchError(f"{url}: no sheet with a header row naming Iso3_code and txtVALUE "
                             f"in its first {HEADER_WITHIN} rows (sheets: "
                             f"{', '.join(book.sheetnames)}): not the GLOTIP export")
        sheet, at, header, rows = found
        where = f"{url}, sheet {sheet.title!r}"
        missing = [c for c in COLUMNS if c not in header]
        if missing:
            raise FetchError(f"{where}, row {at + 1}: no column(s) "
                             f"{', '.join(map(repr, missing))}; found "
                             f"{', '.join(c for c in header if c)}: the export's layout changed")
        where_col = [header.index(c) for c in COLUMNS]
        records = []
        for n, row in enumerate(rows, start=at + 2):
            cells = [cell_text(row[i]) if i < len(row) else "" for i in where_col]
            if not any(cells):
                continue
            year = cells[COLUMNS.index("Year")]
            if not year.isdigit():
                raise FetchError(f"{where}, row {n}, column 'Year': {year!r} is not a year")
            records.append(cells)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:  # cut off inside a sheet
        raise FetchError(f"{url}: not a readable Excel workbook, cut off? ({exc})") from None
    finally:
        book.close()
    if not records:
        raise FetchError(f"{where}: no rows under the header")
    return pd.DataFrame(records, columns=COLUMNS)


def fetch_live(paths: Paths, config: LiveConfig, client: HttpClient, progress: Progress) -> Summary:
    return fetch_file(paths, client, progress, config.url(GLOTIP_URL.env),
                      provider=PROVIDER_ID, name=FILE, download=download,
                      parse=parse_workbook, step="workbook", vintage=VINTAGE,
                      latest_year=max_year("Year"),
                      listed=(FILE_NAME, "the GLOTIP workbook"))


PROVIDER = Provider(
    id=PROVIDER_ID,
    name="UNODC GLOTIP",
    files=(FILE,),
    raw_specs=(RAW_SPEC,),
    fetch_live=fetch_live,
    live_urls=(GLOTIP_URL,),
    http_headers=BROWSER_HEADERS,
    indicator_rows=indicator_rows,
    corridor_rows=corridor_rows,
    tables=(ProcessedTable("trafficking_breakdowns", "GLOTIP rows (totals and breakdowns)",
                           breakdowns),),
)
