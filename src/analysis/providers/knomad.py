"""World Bank / KNOMAD bilateral remittance estimates: data/raw/knomad/bilateral_remittances.csv
(year, version, sender_iso3, sender_name, receiver_iso3, receiver_name, usd_million), one row
per corridor with a non-zero estimate, one vintage per year (2017: April 2018 version; 2021:
December 2022 version).

Processed: the corridor measure `remittances_estimated_usd`, in US$ (the file's US$ million
x 1e6), for pairs with a catalogue state on either side. The migrants' direction is kept: the
money goes from where migrants live (the sender, our destination) to where they come from (the
receiver, our origin). Every value is flagged E: KNOMAD models these from migrant stocks and
host- and origin-country incomes; they are not recorded flows, and their sum over senders need
not equal a country's recorded receipts (WDI BX.TRF.PWKR.CD.DT).

The Channel Islands have no ISO 3166 code: the file leaves their ISO3 blank; we give them the
World Bank's own code CHI (catalogue.PROVIDER_SPECIAL_CODES). Any other blank code is refused.

Live: `KNOMAD_MATRIX_URLS`, one workbook per vintage, each read by what it holds, not by its
address. KNOMAD's own downloads were retired; what the World Bank publishes today for the 2021
estimates is one long workbook, `WB-KNOMAD.xlsx`: sheet `Data`, a header row with `Indicator
ID`, `Indicator`, `Economy ISO3`, `Economy Name` (the sender), `Partner` (the receiver, by name
only) and one column per year, the bilateral estimates being the rows with Indicator ID
`WB.KNOMAD.BRE` (public code reading it selects them so). A receiver's code is the one the file
gives that name as an Economy, else country_converter's. The old matrix workbooks (a title row
with year and version, a header row of receivers, a row per sender) survive only in web
archives; the default list is the archived 2017 matrix (April 2018 version) and the current
long file, so that a live fetch keeps both vintages the snapshot holds. The long file states no
version: a year in KNOWN_VERSIONS takes the version KNOMAD published it under.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pandas as pd
import requests

from analysis import providers, transform
from analysis.catalogue import CorridorMeasure
from analysis.errors import DataError
from analysis.live import codes
from analysis.live.common import (
    Summary,
    cell_text,
    download_file,
    max_year,
    open_workbook,
    stage_file,
)
from analysis.live.config import LiveConfig, UrlSetting
from analysis.live.http import FetchError, HttpClient, expect_body
from analysis.paths import Paths
from analysis.progress import Progress
from analysis.providers.base import Provider
from analysis.rawfiles import RawData, RawSpec

PROVIDER_ID = "knomad"
FILE = "bilateral_remittances.csv"
COLUMNS = ["year", "version", "sender_iso3", "sender_name", "receiver_iso3", "receiver_name",
           "usd_million"]

# The one place without an ISO 3166 code in the matrix, by the name KNOMAD gives it.
NO_ISO3 = {"Channel Islands": "CHI"}

VINTAGE = {
    "producer": "World Bank / KNOMAD",
    "title": "Bilateral Remittance Estimates, using migrant stocks, host-country incomes and "
             "origin-country incomes (US$ million)",
    "url_main": "https://www.knomad.org/data/remittances",
    "licence": "CC BY 4.0",
    "citation": "World Bank / KNOMAD, Bilateral Remittance Estimates, "
                "https://www.knomad.org/data/remittances",
}

# Modelled: every value is an estimate (SDMX E), see the module's docstring.
FLAG = "E"
MILLION = 1e6


def check_rows(path: Path, out: pd.DataFrame, frame: pd.DataFrame) -> None:
    """A blank ISO3 code only for a place named in NO_ISO3."""
    for side in ("sender", "receiver"):
        bad = (out[f"{side}_iso3"] == "") & ~out[f"{side}_name"].isin(list(NO_ISO3))
        if bad.any():
            row = out.index[bad][0]
            raise DataError(path, f"blank ISO3 code for a place other than "
                            f"{', '.join(NO_ISO3)}", column=f"{side}_iso3", row=int(row) + 2,
                            value=frame.at[row, f"{side}_name"])


RAW_SPEC = RawSpec(
    PROVIDER_ID, FILE, ("version", "sender_iso3", "sender_name", "receiver_iso3",
                        "receiver_name"),
    ("year", "usd_million"), key=("year", "sender_name", "receiver_name"),
    nonnegative=("usd_million",), iso3_columns=("sender_iso3", "receiver_iso3"),
    covers_states=("sender_iso3", "receiver_iso3"), extra_check=check_rows)


def _codes(rows: pd.DataFrame, side: str) -> pd.Series:
    """ISO3 codes of one side (sender or receiver), the Channel Islands' blank filled in."""
    codes = rows[f"{side}_iso3"]
    return codes.mask(codes == "", rows[f"{side}_name"].map(NO_ISO3))


def corridor_rows(raw: RawData, measure: CorridorMeasure) -> pd.DataFrame:
    rows = raw.get(PROVIDER_ID, f"{measure.dataset}.csv")
    frame = pd.DataFrame({
        "year": rows["year"],
        "origin": _codes(rows, "receiver"),  # where the money goes: the migrants' origin
        "destination": _codes(rows, "sender"),  # where the migrants live and earn
        measure.field: rows[measure.field] * MILLION,
    })
    out = transform.corridor_rows(frame, measure, "origin", "destination")
    out["flag"] = FLAG
    out["source"] = f"{providers.get(PROVIDER_ID).name}: bilateral remittance estimates " \
                    f"(US$ million x 1e6)"
    return out

# The workbooks, one per vintage, comma-separated in KNOMAD_MATRIX_URLS: the 2017 matrix as the
# Internet Archive keeps it (its World Bank address was retired) and the 2021 estimates' long
# file on the World Bank's documents site. Both addresses are the ones public code downloads;
# unverified from here (no machine of the project reaches either host).
MATRIX_URLS = UrlSetting(
    "KNOMAD_MATRIX_URLS",
    "https://web.archive.org/web/20190124090151id_/http://pubdocs.worldbank.org:80/en/"
    "705611533661084197/bilateralremittancematrix2017-Apr2018.xlsx,"
    "https://thedocs.worldbank.org/en/doc/cf8eee7ff5029398f75e897b342e7320-0050122023/"
    "related/WB-KNOMAD.xlsx")

# The long file: its sheet, the header cells it must have, and the bilateral estimates' id.
LONG_SHEET = "Data"
LONG_COLUMNS = ("Indicator ID", "Economy ISO3", "Economy Name", "Partner")
INDICATOR_ID = "WB.KNOMAD.BRE"
HEADER_WITHIN = 10
# Versions of the estimates the long file does not state: KNOMAD published the 2021 estimates
# in December 2022 (the snapshot's version of the same values).
KNOWN_VERSIONS = {2021: "December 2022"}

NO_ESTIMATE = ("", "-")  # a blank or "-" cell: no estimate for the pair, not zero
# Rows and columns of the matrix that are sums, not countries: left out (the sum of the
# countries is ours to take, never theirs to add to it).
TOTALS = ("world", "total", "totals")
_YEAR = re.compile(r"\b((?:19|20)\d{2})\b")
_VERSION = re.compile(r"\b([A-Z][a-z]+\.? (?:19|20)\d{2}) version\b", re.IGNORECASE)


def urls(config: LiveConfig) -> list[str]:
    out = [u.strip() for u in config.url(MATRIX_URLS.env).split(",") if u.strip()]
    bad = [u for u in out if not u.startswith(("http://", "https://"))]
    if bad:
        raise FetchError(f"{MATRIX_URLS.env}: {bad[0]!r} is not an http(s) URL (the variable "
                         "is a comma-separated list of workbook URLs)")
    return out


def download(response: requests.Response) -> bytes:
    # an .xlsx is a zip archive
    return expect_body(response, "zip", "an Excel workbook", "an Excel workbook (.xlsx)")


def _title(rows: list[tuple], where: str) -> tuple[int, int, str]:
    """(its row index, year, version) from the title row: the first row with text, e.g.
    "Bilateral Remittance Estimates for 2017 ... (April 2018 Version)"."""
    for index, row in enumerate(rows):
        text = " ".join(cell_text(c) for c in row if cell_text(c))
        if not text:
            continue
        version = _VERSION.search(text)
        # The estimate's year is the first year named that is not the version's own.
        year = _YEAR.search(text[:version.start()] if version else text)
        if year is None or version is None:
            raise FetchError(f"{where}, row {index + 1}: the title {text[:160]!r} does not "
                             "give the estimates' year and the version (\"... 2021 ... "
                             "(December 2022 version)\"): the workbook's layout changed")
        return index, int(year.group(1)), version.group(1).replace(".", "")
    raise FetchError(f"{where}: an empty sheet")


def _number(value, where: str) -> float | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    text = cell_text(value)
    if text in NO_ESTIMATE:
        return None
    try:
        return float(text.replace(",", ""))
    except ValueError:
        raise FetchError(f"{where}: {text!r} is not an amount in US$ million (nor '-')") \
            from None


def parse_workbook(content: bytes, url: str) -> pd.DataFrame:
    """One KNOMAD workbook, either layout (told apart by its header, not its address) -> the
    snapshot's layout, one row per pair with a non-zero estimate."""
    book = open_workbook(content, url)
    try:
        long = _long_header(book, url)
        if long is not None:
            return _parse_long(url, *long)
        sheet = book.worksheets[0]
        rows = [tuple(r) for r in sheet.iter_rows(values_only=True)]
    except (zipfile.BadZipFile, KeyError, OSError) as exc:  # cut off inside a sheet
        raise FetchError(f"{url}: not a readable Excel workbook, cut off? ({exc})") from None
    finally:
        book.close()
    return _parse_matrix(rows, f"{url}, sheet {sheet.title!r}")


def _long_header(book, url: str):
    """(sheet, header row number, header cells, the rows after it) of the long layout, or None
    when no sheet has a header naming two or more of LONG_COLUMNS in its first rows (a matrix
    has none); a header naming some but not all of them is refused, naming those missing."""
    sheets = ([book[LONG_SHEET]] if LONG_SHEET in book.sheetnames else []) + \
        [s for s in book.worksheets if s.title != LONG_SHEET]
    for sheet in sheets:
        rows = sheet.iter_rows(values_only=True)
        for at, row in enumerate(rows, start=1):
            cells = [cell_text(c) for c in row]
            named = [c for c in LONG_COLUMNS if c in cells]
            if len(named) == len(LONG_COLUMNS):
                return sheet, at, cells, rows
            if len(named) >= 2:
                missing = [c for c in LONG_COLUMNS if c not in cells]
                raise FetchError(f"{url}, sheet {sheet.title!r}, row {at}: no column(s) "
                                 f"{', '.join(map(repr, missing))}; found "
                                 f"{', '.join(c for c in cells if c)}: the long file's "
                                 "layout changed")
            if at >= HEADER_WITHIN:
                break
    return None


def _parse_long(url: str, sheet, at: int, header: list[str], rows) -> pd.DataFrame:
    """The long layout: the WB.KNOMAD.BRE rows, one per sender and receiver, a column per year
    (blank or `-`: no estimate)."""
    where = f"{url}, sheet {sheet.title!r}"
    col = {c: header.index(c) for c in LONG_COLUMNS}
    years = {j: int(c) for j, c in enumerate(header) if _YEAR.fullmatch(c)}
    if not years:
        raise FetchError(f"{where}, row {at}: no year columns (2021, ...) in the header "
                         f"{', '.join(c for c in header if c)}: the layout changed")

    def cell(row, name):
        return cell_text(row[col[name]]) if col[name] < len(row) else ""

    from_file: dict[str, str] = {}  # Economy Name (case-folded) -> Economy ISO3, every row
    found = []  # (row number, year, sender, its code, receiver, US$ million)
    for n, row in enumerate(rows, start=at + 1):
        sender, code = cell(row, "Economy Name"), cell(row, "Economy ISO3").upper()
        if sender and code:
            from_file.setdefault(sender.casefold(), code)
        if cell(row, "Indicator ID") != INDICATOR_ID:
            continue  # another indicator, or a blank or footnote row
        receiver = cell(row, "Partner")
        if not sender or not receiver:
            raise FetchError(f"{where}, row {n}: a {INDICATOR_ID} row without Economy Name or "
                             "Partner")
        if sender.lower() in TOTALS or receiver.lower() in TOTALS:
            continue
        if sender not in NO_ISO3 and not re.fullmatch(r"[A-Z]{3}", code):
            raise FetchError(f"{where}, row {n}, column 'Economy ISO3': {code!r} is no "
                             f"three-letter code for {sender!r}")
        for j, year in years.items():
            value = _number(row[j] if j < len(row) else None,
                            f"{where}, row {n}, column {j + 1} ({sender} -> {receiver}, {year})")
            if value:  # no estimate or zero: no row (the snapshot keeps non-zero estimates)
                found.append((n, year, sender, code, receiver, value))
    if not found:
        raise FetchError(f"{where}: no {INDICATOR_ID} amounts under the header row {at}")
    # A receiver's code: the one the file gives that name as an Economy, else country_converter's.
    names = {r for *_, r, _ in found if r not in NO_ISO3}
    receivers = {**codes.names_to_iso3(n for n in names if n.casefold() not in from_file),
                 **{n: from_file[n.casefold()] for n in names if n.casefold() in from_file},
                 **{n: "" for n in NO_ISO3}}
    unknown = sorted(n for n in names if not receivers.get(n))
    if unknown:
        first = next(n for n, *_, r, _ in found if r == unknown[0])
        raise FetchError(f"{where}, row {first}, column 'Partner': receiving country name(s) "
                         f"neither an Economy of the file nor known to country_converter: "
                         f"{', '.join(unknown[:10])} (or a name needs adding to NO_ISO3 in "
                         "analysis.providers.knomad)")
    records = [(year, KNOWN_VERSIONS.get(year, "not stated (long file)"),
                "" if sender in NO_ISO3 else code, sender, receivers[receiver], receiver, value)
               for _, year, sender, code, receiver, value in found]
    return pd.DataFrame(records, columns=COLUMNS)


def _parse_matrix(rows: list[tuple], where: str) -> pd.DataFrame:
    """The matrix layout (the workbook's first sheet): a title row (year and version), a
    header row of receiving countries, one row per sending country, footnotes at the bottom."""
    title_at, year, version = _title(rows, where)
    header_at = next((i for i in range(title_at + 1, len(rows))
                      if any(cell_text(c) for c in rows[i][1:])), None)
    if header_at is None:
        raise FetchError(f"{where}: no header row of receiving countries after the title")
    header = rows[header_at]
    receivers = {j: cell_text(c) for j, c in enumerate(header) if j > 0 and cell_text(c)}
    numeric = [n for n in receivers.values() if _YEAR.fullmatch(n) or n.replace(".", "").isdigit()]
    if numeric:
        raise FetchError(f"{where}, row {header_at + 1}: the header holds numbers "
                         f"({', '.join(numeric[:3])}) where receiving countries belong: the "
                         "workbook's layout changed")
    senders = []
    for i in range(header_at + 1, len(rows)):
        row = rows[i]
        name = cell_text(row[0]) if row else ""
        if name and any(cell_text(c) for c in row[1:]):
            senders.append((i, name))  # blank and footnote rows carry no amounts
    names = {n for n in receivers.values()} | {n for _, n in senders}
    countries = [n for n in names if n.lower() not in TOTALS]
    found = codes.names_to_iso3(n for n in countries if n not in NO_ISO3)
    unknown = sorted(n for n, c in found.items() if c is None)
    if unknown:
        raise FetchError(f"{where}: country name(s) country_converter does not know: "
                         f"{', '.join(unknown[:10])}; the header or the sending rows changed "
                         "(or a name needs adding to NO_ISO3 in analysis.providers.knomad)")
    iso3 = {**found, **{n: "" for n in NO_ISO3}}
    records = []
    for i, sender in senders:
        if sender.lower() in TOTALS:
            continue
        row = rows[i]
        for j, receiver in receivers.items():
            if receiver.lower() in TOTALS:
                continue
            cell = row[j] if j < len(row) else None
            value = _number(cell, f"{where}, row {i + 1}, column {j + 1} ({sender} -> "
                                  f"{receiver})")
            if value:  # no estimate or zero: no row (the snapshot keeps non-zero estimates)
                records.append((year, version, iso3[sender], sender, iso3[receiver], receiver,
                                value))
    if not records:
        raise FetchError(f"{where}: no amounts under the header row {header_at + 1}")
    return pd.DataFrame(records, columns=COLUMNS)


def fetch_live(paths: Paths, config: LiveConfig, client: HttpClient, progress: Progress) -> Summary:
    addresses = urls(config)
    progress.grow(len(addresses) - live_steps())
    tables, dates = [], []
    for url in addresses:
        content, last_updated = download_file(client, url, download)
        progress.step("workbook")
        tables.append(parse_workbook(content, url))
        dates.append(last_updated)
    table = pd.concat(tables, ignore_index=True)
    years = table.groupby("year")["version"].unique()
    twice = [str(y) for y, v in years.items() if len(v) > 1]
    if twice:
        raise FetchError(f"{PROVIDER_ID}: {', '.join(addresses)}: more than one version of the "
                         f"estimates for {', '.join(twice)}; list one workbook per year in "
                         f"{MATRIX_URLS.env}")
    versions = "; ".join(f"{y}: {v[0]} version" for y, v in years.items())
    known = [d for d in dates if d]
    return stage_file(paths, PROVIDER_ID, FILE, table, ",".join(addresses), {},
                      {**VINTAGE, "version_producer": versions,
                       "last_updated": max(known) if known else None},
                      max_year("year"))


def live_steps() -> int:
    return len([u for u in MATRIX_URLS.default.split(",") if u.strip()])


PROVIDER = Provider(
    id=PROVIDER_ID,
    name="World Bank / KNOMAD",
    files=(FILE,),
    raw_specs=(RAW_SPEC,),
    fetch_live=fetch_live,
    live_urls=(MATRIX_URLS,),
    live_steps=live_steps,
    corridor_rows=corridor_rows,
)
