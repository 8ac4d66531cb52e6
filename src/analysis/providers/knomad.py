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
"""

from __future__ import annotations

import re
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

# The official workbooks, one per vintage, comma-separated in KNOMAD_MATRIX_URLS (unverified
# addresses: no machine of the project reaches knomad.org; the snapshot holds the same values).
MATRIX_URLS = UrlSetting(
    "KNOMAD_MATRIX_URLS",
    "https://www.knomad.org/sites/default/files/2018-04/"
    "bilateralremittancematrix2017_apr2018.xlsx,"
    "https://www.knomad.org/sites/default/files/2022-12/"
    "bilateral_remittance_matrix_2021_0.xlsx")

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
    """One matrix workbook -> the snapshot's long layout, one row per pair with a non-zero
    estimate. Its first sheet: a title row (year and version), a header row of receiving
    countries, one row per sending country, footnote rows at the bottom."""
    book = open_workbook(content, url)
    try:
        sheet = book.worksheets[0]
        where = f"{url}, sheet {sheet.title!r}"
        rows = [tuple(r) for r in sheet.iter_rows(values_only=True)]
    finally:
        book.close()
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
