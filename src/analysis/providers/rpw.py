"""World Bank Remittance Prices Worldwide (RPW), corridor averages: data/raw/rpw/corridor_costs.csv
(sender_iso3, receiver_iso3, quarter such as 2019Q3, avg_total_cost_pct): the average total cost
(fee plus exchange-rate margin) of sending the equivalent of US$200, as % of the amount sent,
over the providers surveyed in the corridor that quarter (DataBank series ATCR.CORR).

Processed: the corridor measure `remittance_cost_pct`, one value per corridor and year, for
pairs with a catalogue state on either side; origin = the receiving country (the migrants'
origin), destination = the sending country. The yearly value is the mean of the quarters
surveyed that year: RPW does not survey every corridor every quarter (before 2013 only Q1 and
Q3), and a quarter not surveyed is no observation, so the mean is of what was surveyed, never of
four quarters with gaps filled in. The SDG target 10.c is 3%.

Live: the World Bank publishes no corridor-average file, only RPW's complete dataset, one
workbook (`rpw_dataset_2011_<year>_q<n>.xlsx`, about 50 MB, its name carrying the latest
quarter) with one row per provider, corridor and quarter on two sheets, `Dataset (from Q2 2016)`
and `Dataset (up to Q1 2016)` (older columns). From each row we read `period` (`2016_2Q`),
`source_code`, `destination_code` and `cc1 total cost %` (the total cost of sending the
equivalent of US$200, in %; some quarters store it as text, `"7.50"`), and the corridor's
average in a quarter is the mean over the providers surveyed, as ATCR.CORR is defined; a row
without a US$200 cost is no quote. The workbook is streamed (openpyxl read-only, sums and counts
per corridor and quarter), so memory holds the download and one row, not the sheet.
`RPW_URL` is the World Bank data catalog's listing of the dataset's files by default (RPW's own
site answers scripts with a browser challenge), or the workbook itself, or a page linking to it:
the newest `rpw_dataset_*.xlsx` it links to is fetched (`live.pages`). Unverified from here (no
machine of the project reaches the World Bank's hosts): the column names are those public code
reads from the Q1 and Q3 2025 workbooks, and whether the World Bank's own corridor averages
leave out providers that do not disclose their exchange-rate margin (`transparent` = no) could
not be checked: every quote is counted.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pandas as pd
import requests

from analysis import catalogue, providers
from analysis.catalogue import CorridorMeasure
from analysis.errors import DataError
from analysis.live.common import Summary, cell_text, fetch_file, max_year, open_workbook
from analysis.live.config import LiveConfig, UrlSetting
from analysis.live.http import BROWSER_HEADERS, FetchError, HttpClient, expect_body
from analysis.paths import Paths
from analysis.progress import Progress
from analysis.providers.base import Provider
from analysis.rawfiles import RawData, RawSpec

PROVIDER_ID = "rpw"
FILE = "corridor_costs.csv"
COLUMNS = ["sender_iso3", "receiver_iso3", "quarter", "avg_total_cost_pct"]

QUARTER = r"^(\d{4})Q([1-4])$"
# A total cost is a percentage of the amount sent. It can be below zero: RPW counts the
# exchange-rate margin against the interbank rate, and a provider whose rate beat it on the
# survey day has a negative margin (the real file has a few, e.g. Saudi Arabia -> Sudan 2017Q4).
# It can pass 100%: a fee larger than the US$200 sent (public audits of the 2025 workbook find
# quotes from -59% to 307%, Turkish banks sending to Bulgaria). Beyond +-1000% it is no cost
# but a broken cell.
COST_BOUNDS = (-1000.0, 1000.0)

VINTAGE = {
    "producer": "World Bank",
    "title": "Remittance Prices Worldwide: average total cost (%) of sending the equivalent of "
             "US$200 in the corridor, the mean over the providers surveyed (computed from the "
             "complete dataset)",
    "url_main": "https://remittanceprices.worldbank.org/",
    "licence": "CC BY 4.0",
    "citation": "World Bank, Remittance Prices Worldwide, https://remittanceprices.worldbank.org/",
}


def check_rows(path: Path, out: pd.DataFrame, frame: pd.DataFrame) -> None:
    """What RawSpec's fields cannot say: the quarter's form, and costs within COST_BOUNDS."""
    bad = ~out["quarter"].str.match(QUARTER)
    if bad.any():
        row = out.index[bad][0]
        raise DataError(path, "not a quarter like 2019Q3", column="quarter", row=int(row) + 2,
                        value=frame.at[row, "quarter"])
    cost = out["avg_total_cost_pct"]
    low, high = COST_BOUNDS
    bad = cost.isna() | (cost < low) | (cost > high)
    if bad.any():
        row = out.index[bad][0]
        raise DataError(path, f"a cost outside [{low:g}, {high:g}] % (or blank)",
                        column="avg_total_cost_pct", row=int(row) + 2,
                        value=frame.at[row, "avg_total_cost_pct"])


RAW_SPEC = RawSpec(
    PROVIDER_ID, FILE, ("sender_iso3", "receiver_iso3", "quarter"), ("avg_total_cost_pct",),
    key=("sender_iso3", "receiver_iso3", "quarter"),
    # No coverage check: RPW surveys chosen corridors only, none to or from Iran.
    iso3_columns=("sender_iso3", "receiver_iso3"), year_column=None, extra_check=check_rows)


def corridor_rows(raw: RawData, measure: CorridorMeasure) -> pd.DataFrame:
    rows = raw.get(PROVIDER_ID, f"{measure.dataset}.csv")
    rows = rows.assign(year=rows["quarter"].str[:4].astype("int64"))  # checked: YYYYQn
    states = catalogue.state_codes()
    rows = rows[rows["sender_iso3"].isin(states) | rows["receiver_iso3"].isin(states)]
    # The mean of the quarters surveyed that year (see the module's docstring).
    means = rows.groupby(["year", "receiver_iso3", "sender_iso3"], as_index=False)[
        measure.field].mean()
    # A file that ends before a year's fourth quarter (the snapshot: 2020Q3) covers that year
    # only in part: its means are of the quarters published so far and may move when the rest
    # come, so they are provisional (P, catalogue.RULE_REASONS). Read from the data, not from a
    # release date, so that a snapshot and a live fetch of the same file flag alike.
    last = raw.get(PROVIDER_ID, f"{measure.dataset}.csv")["quarter"].max()
    part_year = int(last[:4]) if last and not last.endswith("Q4") else None
    return pd.DataFrame({
        "year": means["year"].astype("int64"),
        "origin_iso3": means["receiver_iso3"].astype(str),  # where the money goes
        "destination_iso3": means["sender_iso3"].astype(str),  # where it is sent from
        "measure": measure.id,
        "value": means[measure.field].astype("float64"),
        "source": f"{providers.get(PROVIDER_ID).name}: ATCR.CORR, mean of the surveyed quarters",
        "flag": (means["year"] == part_year).map({True: "P", False: ""}),
    })

# The World Bank data catalog's listing of RPW's files (dataset 0037898), JSON whose
# `distribution.url` names the current workbook (the layout public code reads).
RPW_URL = UrlSetting("RPW_URL",
                     "https://ddh-openapi.worldbank.org/resources?dataset_unique_id=0037898")
FILE_NAME = re.compile(r"^rpw_dataset_\d{4}_\d{4}_q[1-4].*\.xlsx$", re.IGNORECASE)
SHEETS = ("Dataset (from Q2 2016)", "Dataset (up to Q1 2016)")
PERIOD, SOURCE, DESTINATION, COST = "period", "source_code", "destination_code", "cc1 total cost %"
HEADER_WITHIN = 10  # rows searched for the header
_PERIOD = re.compile(r"^(\d{4})_([1-4])Q$")
_CODE = re.compile(r"^[A-Z]{3}$")


def download(response: requests.Response) -> bytes:
    return expect_body(response, "zip", "an Excel workbook", "RPW's complete dataset (.xlsx)")


def _cost(value, where: str) -> float | None:
    """A `cc1 total cost %` cell: a number, a number stored as text, or blank (no quote)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    text = cell_text(value)
    if not text:
        return None
    try:
        return float(text.replace(",", ""))
    except ValueError:
        raise FetchError(f"{where}: {text!r} is not a cost in %") from None


def _add_sheet(sheet, where: str, sums: dict) -> None:
    """Add one sheet's quotes to `sums` ((source, destination, quarter) -> [sum, count])."""
    rows = sheet.iter_rows(values_only=True)
    header = None
    for at, row in enumerate(rows, start=1):
        names = [" ".join(cell_text(c).lower().split()) for c in row]
        if all(n in names for n in (PERIOD, SOURCE, DESTINATION, COST)):
            header = at
            break
        if at >= HEADER_WITHIN:
            break
    if header is None:
        raise FetchError(f"{where}: no header row naming {PERIOD}, {SOURCE}, {DESTINATION} and "
                         f"{COST!r} in its first {HEADER_WITHIN} rows: RPW's layout changed")
    columns = {n: names.index(n) for n in (PERIOD, SOURCE, DESTINATION, COST)}
    for n, row in enumerate(rows, start=header + 1):
        period, source, destination, cost = (
            row[columns[c]] if columns[c] < len(row) else None
            for c in (PERIOD, SOURCE, DESTINATION, COST))
        if not (cell_text(period) or cell_text(source) or cell_text(destination)):
            continue  # a blank row
        match = _PERIOD.match(cell_text(period))
        if not match:
            raise FetchError(f"{where}, row {n}, column {PERIOD!r}: {cell_text(period)!r} is "
                             "not a quarter like 2016_2Q")
        codes = []
        for column, code in ((SOURCE, source), (DESTINATION, destination)):
            code = cell_text(code).upper()
            if not _CODE.match(code):
                raise FetchError(f"{where}, row {n}, column {column!r}: {code!r} is not a "
                                 "three-letter country code")
            codes.append(code)
        value = _cost(cost, f"{where}, row {n}, column {COST!r}")
        if value is None:
            continue  # no US$200 quote in this row
        key = (*codes, f"{match.group(1)}Q{match.group(2)}")
        total = sums.setdefault(key, [0.0, 0])
        total[0] += value
        total[1] += 1


def parse_workbook(content: bytes, url: str) -> pd.DataFrame:
    """RPW's complete dataset -> the corridor averages in the snapshot's layout: the mean of
    `cc1 total cost %` over the quotes of each corridor and quarter, both sheets."""
    book = open_workbook(content, url)
    sums: dict[tuple[str, str, str], list] = {}
    try:
        missing = [s for s in SHEETS if s not in book.sheetnames]
        if missing:
            raise FetchError(f"{url}: no sheet(s) {', '.join(map(repr, missing))} (sheets: "
                             f"{', '.join(book.sheetnames)}): not RPW's complete dataset")
        for title in SHEETS:
            _add_sheet(book[title], f"{url}, sheet {title!r}", sums)
    except (zipfile.BadZipFile, KeyError, OSError) as exc:  # cut off inside a sheet
        raise FetchError(f"{url}: not a readable Excel workbook, cut off? ({exc})") from None
    finally:
        book.close()
    if not sums:
        raise FetchError(f"{url}: no US$200 costs under the headers of {', '.join(SHEETS)}")
    table = pd.DataFrame([(*key, total / count) for key, (total, count) in sums.items()],
                         columns=COLUMNS)
    return table.sort_values(["sender_iso3", "receiver_iso3", "quarter"], ignore_index=True)


def fetch_live(paths: Paths, config: LiveConfig, client: HttpClient, progress: Progress) -> Summary:
    return fetch_file(paths, client, progress, config.url(RPW_URL.env), provider=PROVIDER_ID,
                      name=FILE, download=download, parse=parse_workbook, step="workbook",
                      vintage=VINTAGE, latest_year=max_year("quarter"),
                      table_vintage=lambda table: {"latest_period": table["quarter"].max()},
                      listed=(FILE_NAME, "RPW's complete dataset"))


PROVIDER = Provider(
    id=PROVIDER_ID,
    name="World Bank Remittance Prices Worldwide",
    files=(FILE,),
    raw_specs=(RAW_SPEC,),
    fetch_live=fetch_live,
    live_urls=(RPW_URL,),
    http_headers=BROWSER_HEADERS,
    corridor_rows=corridor_rows,
)
