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
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import requests

from analysis import catalogue, providers
from analysis.catalogue import CorridorMeasure
from analysis.errors import DataError
from analysis.live.common import Summary, fetch_file, max_year
from analysis.live.config import LiveConfig, UrlSetting
from analysis.live.http import FetchError, HttpClient, expect_body
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
# Beyond +-100% it is no cost of sending US$200 but a broken cell.
COST_BOUNDS = (-100.0, 100.0)

VINTAGE = {
    "producer": "World Bank",
    "title": "Remittance Prices Worldwide (Corridors): average total cost (%) of sending the "
             "equivalent of US$200 in the corridor",
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

# The corridor averages as a CSV in the layout of the DataBank export the snapshot holds
# (sender_iso3, receiver_iso3, quarter, avg_total_cost_pct). Unverified: no machine of the
# project reaches the World Bank's hosts, and RPW's own full download (one row per provider,
# corridor and quarter) is an xlsx whose column names we could not check; point RPW_URL at a
# CSV of corridor averages. Anything else is refused, naming the columns it has.
RPW_URL = UrlSetting(
    "RPW_URL",
    "https://remittanceprices.worldbank.org/sites/default/files/rpw_corridor_averages.csv")


def download(response: requests.Response) -> bytes:
    return expect_body(response, "text", "a CSV file")


def parse_csv(content: bytes, url: str) -> pd.DataFrame:
    try:
        frame = pd.read_csv(io.BytesIO(content), dtype=str, keep_default_na=False,
                            encoding="utf-8-sig")
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise FetchError(f"{url}: not a readable CSV file ({exc})") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise FetchError(f"{url}: no column(s) {', '.join(map(repr, missing))}; found "
                         f"{', '.join(frame.columns)}: not RPW's corridor averages in the "
                         "expected layout")
    frame = frame[COLUMNS].apply(lambda col: col.str.strip())
    # A corridor-quarter not surveyed may come as a blank cell: no observation, no row.
    return frame[frame["avg_total_cost_pct"] != ""]


def fetch_live(paths: Paths, config: LiveConfig, client: HttpClient, progress: Progress) -> Summary:
    return fetch_file(paths, client, progress, config.url(RPW_URL.env), provider=PROVIDER_ID,
                      name=FILE, download=download, parse=parse_csv, step="csv",
                      vintage=VINTAGE, latest_year=max_year("quarter"))


PROVIDER = Provider(
    id=PROVIDER_ID,
    name="World Bank Remittance Prices Worldwide",
    files=(FILE,),
    raw_specs=(RAW_SPEC,),
    fetch_live=fetch_live,
    live_urls=(RPW_URL,),
    corridor_rows=corridor_rows,
)
