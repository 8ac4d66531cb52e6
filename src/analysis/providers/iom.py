"""IOM Missing Migrants Project: records of migrants dead and missing,
data/raw/iom/missing_migrants.csv, processed into their own table
(data/processed/missing_migrants.parquet, one row per record).

Live, the global CSV: the download names its columns in words ("Total Number of Dead and
Missing") and its countries by name; the raw file takes the snapshot's short column names and
ISO3 codes. Blank counts stay blank (unknown, not zero).
"""

from __future__ import annotations

import csv
import io
import logging
import re

import pandas as pd
import requests

from analysis.errors import AnalysisError, DataError
from analysis.live import codes
from analysis.live.common import Summary, fetch_file
from analysis.live.config import LiveConfig, UrlSetting
from analysis.live.http import FetchError, HttpClient, expect_body
from analysis.paths import Paths
from analysis.progress import Progress
from analysis.providers.base import ProcessedTable, Provider
from analysis.rawfiles import RawData, RawSpec

log = logging.getLogger("analysis.live.iom")  # with the other fetch messages

PROVIDER_ID = "iom"
FILE = "missing_migrants.csv"

RAW_SPEC = RawSpec(
    PROVIDER_ID, FILE,
    ("date", "record_type", "route", "incident_iso3", "cause", "origin_iso3"),
    # survivors can be negative in IOM's own file: a later record corrects an earlier one when
    # a rescued person dies (e.g. "-1" in hospital follow-ups).
    ("dead_and_missing", "survivors"), nonnegative=("dead_and_missing",),
    iso3_columns=("incident_iso3",), iso3_list_columns=("origin_iso3",), year_column=None)

CSV_URL = UrlSetting(
    "MMP_CSV_URL",
    "https://missingmigrants.iom.int/sites/g/files/tmzbdl601/files/report-migrant-incident/"
    "Missing_Migrants_Global_Figures_allData.csv")

COLUMNS = ["date", "record_type", "route", "incident_iso3", "dead_and_missing", "cause",
           "survivors", "origin_iso3", "location", "lon", "lat"]

# Our column <- the download's header (current name first, then names older files used).
SOURCE_COLUMNS = {
    "date": ("Incident Date", "Reported Date"),
    "record_type": ("Incident Type",),
    "route": ("Migration Route",),
    "incident_country": ("Country of Incident",),
    "dead_and_missing": ("Total Number of Dead and Missing", "Total Dead and Missing"),
    "cause": ("Cause of Death",),
    "survivors": ("Number of Survivors",),
    "origin_countries": ("Country of Origin",),
    "location": ("Location of Incident", "Location Description"),
    "coordinates": ("Coordinates", "Location Coordinates"),
}
OPTIONAL = ("location", "coordinates", "survivors")
FREE_TEXT = ("record_type", "route", "cause", "location")

VINTAGE = {
    "producer": "IOM Missing Migrants Project",
    "title": "Missing Migrants Project: deaths and disappearances during migration",
    "url_main": "https://missingmigrants.iom.int/downloads",
    "licence": "free use with attribution",
    "citation": "IOM Missing Migrants Project, https://missingmigrants.iom.int/",
}


def download(response: requests.Response) -> bytes:
    return expect_body(response, "text", "a CSV file")


def _columns(frame: pd.DataFrame, url: str) -> dict[str, str | None]:
    found = {}
    for ours, theirs in SOURCE_COLUMNS.items():
        name = next((t for t in theirs if t in frame.columns), None)
        if name is None and ours not in OPTIONAL:
            raise FetchError(f"{url}: no column {theirs[0]!r} (needed for {ours}); found "
                             f"{', '.join(frame.columns)}")
        found[ours] = name
    return found


def _dates(text: pd.Series, url: str) -> pd.Series:
    parsed = pd.to_datetime(text, errors="coerce", format="ISO8601")
    retry = parsed.isna() & (text != "")
    if retry.any():  # older files: "Thu, 01/06/2014 - 12:00" and other spelled-out forms
        cleaned = text[retry].str.replace(r"^[A-Za-z]{3},\s*", "", regex=True) \
            .str.replace(r"\s*-\s*\d{1,2}:\d{2}$", "", regex=True)
        parsed[retry] = pd.to_datetime(cleaned, errors="coerce", format="mixed")
    bad = parsed.isna() & (text != "")
    if bad.any():
        row = bad.idxmax()
        raise FetchError(f"{url}: row {row + 2}: incident date {text[row]!r} is not a date")
    return parsed.dt.strftime("%Y-%m-%d").fillna("")


def _counts(text: pd.Series, column: str, url: str) -> pd.Series:
    numbers = pd.to_numeric(text.str.replace(",", "", regex=False), errors="coerce")
    bad = numbers.isna() & (text != "")
    if bad.any():
        row = bad.idxmax()
        raise FetchError(f"{url}: row {row + 2}, column {column!r}: {text[row]!r} is not a count")
    return numbers.map(lambda v: "" if pd.isna(v) else (f"{v:.0f}" if v % 1 == 0 else repr(v)))


_NUMBER = r"-?\d+(?:\.\d+)?"


def _coordinates(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """"lat, lon" (IOM's order) or "POINT (lon lat)" -> lon, lat as written."""
    pair = text.str.extract(rf"^\s*({_NUMBER})\s*,\s*({_NUMBER})\s*$")
    point = text.str.extract(rf"POINT\s*\(\s*({_NUMBER})\s+({_NUMBER})\s*\)", flags=re.I)
    lon = pair[1].fillna(point[0]).fillna("")
    lat = pair[0].fillna(point[1]).fillna("")
    unread = (text != "") & (lon == "")
    if unread.any():
        log.warning("%s: %d coordinate cell(s) not read (e.g. %r); lon/lat left blank",
                    PROVIDER_ID, int(unread.sum()), text[unread].iloc[0])
    return lon, lat


def _check_last_row(content: bytes, url: str) -> None:
    """Refuse a file that ends mid-row: a download cut off under a complete-looking response.
    pandas would pad the short last row with empty cells (unknown counts, no date), silently."""
    rows = csv.reader(io.StringIO(content.decode("utf-8-sig", errors="replace")))
    header = next(rows, [])
    last, number = None, 1
    for n, row in enumerate(rows, start=2):
        if row:
            last, number = row, n
    if last is not None and len(last) < len(header):
        raise FetchError(f"{url}: record {number}, the last, has {len(last)} of the header's "
                         f"{len(header)} fields: the file ends mid-row (cut off?); nothing was "
                         "kept; fetch again")


def parse_csv(content: bytes, url: str) -> pd.DataFrame:
    try:
        frame = pd.read_csv(io.BytesIO(content), dtype=str, keep_default_na=False,
                            encoding="utf-8-sig")
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise FetchError(f"{url}: not a readable CSV file ({exc})") from None
    _check_last_row(content, url)
    frame.columns = [str(c).strip() for c in frame.columns]  # header cells carry stray spaces
    col = _columns(frame, url)

    def source(ours: str) -> pd.Series:
        """A column as published (free text keeps its spacing); codes, counts and dates are
        read from stripped cells."""
        name = col[ours]
        if not name:
            return pd.Series("", index=frame.index)
        return frame[name] if ours in FREE_TEXT else frame[name].str.strip()

    incident = source("incident_country")
    origins = source("origin_countries")
    resolved = codes.resolve_name_lists(set(incident) | set(origins))

    unknown_names: set[str] = set()

    def incident_code(cell: str) -> str:
        found, unknown = resolved.get(cell, ([], []))
        unknown_names.update(unknown)
        return found[0] if len(found) == 1 and not unknown else ""

    def origin_codes(cell: str) -> str:
        found, unknown = resolved.get(cell, ([], []))
        unknown_names.update(unknown)
        if unknown or not found:
            found = [*found, codes.UNKNOWN]
        return ",".join(found)  # as listed, repeats included

    lon, lat = _coordinates(source("coordinates"))
    table = pd.DataFrame({
        "date": _dates(source("date"), url),
        "record_type": source("record_type"),
        "route": source("route"),
        "incident_iso3": incident.map(incident_code),
        "dead_and_missing": _counts(source("dead_and_missing"), col["dead_and_missing"], url),
        "cause": source("cause"),
        "survivors": _counts(source("survivors"), col["survivors"] or "survivors", url),
        "origin_iso3": origins.map(origin_codes),
        "location": source("location"),
        "lon": lon,
        "lat": lat,
    }, columns=COLUMNS)
    if unknown_names:
        shown = ", ".join(sorted(unknown_names)[:10])
        log.warning("%s: %d country name(s) not recognised, kept as unknown (origin UNK, "
                    "incident blank): %s", PROVIDER_ID, len(unknown_names), shown)
    return table


def fetch_live(paths: Paths, config: LiveConfig, client: HttpClient, progress: Progress) -> Summary:
    return fetch_file(paths, client, progress, config.url(CSV_URL.env), provider=PROVIDER_ID,
                      name=FILE, download=download, parse=parse_csv, step="csv",
                      vintage=VINTAGE, latest_year=_latest_year)


def _latest_year(frame: pd.DataFrame) -> int | None:
    years = pd.to_datetime(frame["date"], errors="coerce").dt.year.dropna()
    return int(years.max()) if len(years) else None


# -- processed table -----------------------------------------------------------------------


def records(raw: RawData) -> pd.DataFrame:
    """IOM records, one row each, with the year taken from the incident date. Blank counts are
    unknown (NaN), not zero."""
    rows = raw.get(PROVIDER_ID, FILE)
    date = pd.to_datetime(rows["date"], errors="coerce", format="ISO8601")
    table = pd.DataFrame({
        "date": date,
        "year": date.dt.year.astype("Int64"),
        "record_type": rows["record_type"],
        "route": rows["route"],
        "incident_iso3": rows["incident_iso3"],
        "origin_iso3": rows["origin_iso3"],
        "cause": rows["cause"],
        "dead_and_missing": rows["dead_and_missing"],
        "survivors": rows["survivors"],
    }).reset_index(drop=True)
    bad = table["date"].isna() & (rows["date"].reset_index(drop=True) != "")
    if bad.any():
        row = int(rows.index[bad.to_numpy()][0])
        raise DataError(raw.path(PROVIDER_ID, FILE), "not a date (YYYY-MM-DD)",
                        column="date", row=row + 2, value=rows.at[row, "date"])
    return table


def check_counts(raw: RawData, table: pd.DataFrame) -> None:
    if table["dead_and_missing"].isna().any():
        raise AnalysisError(f"{raw.path(PROVIDER_ID, FILE)}: column 'dead_and_missing' has "
                            "blank cells; every record needs a count")


PROVIDER = Provider(
    id=PROVIDER_ID,
    name="IOM Missing Migrants Project",
    files=(FILE,),
    raw_specs=(RAW_SPEC,),
    fetch_live=fetch_live,
    live_urls=(CSV_URL,),
    tables=(ProcessedTable("missing_migrants", "Missing Migrants records", records,
                           check_counts),),
)
