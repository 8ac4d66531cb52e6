"""Eurostat: first-time asylum applicants (migr_asyappctza, `applicant=FRST`, all ages) in each
EU+ country by citizenship and sex, data/raw/eurostat/asylum_applicants.csv (year,
destination_iso3, citizenship_iso3, sex, applicants).

- `EU27` is Eurostat's own aggregate of the member states (`geo=EU27_2020`). The indicator
  `eu_asylum_applicants` takes it as published; it is never added to its members, and the
  members are never summed into it: in the snapshot the EU27 rows start in 2013, so 2011 and
  2012 have no indicator value (the corridors have them).
- EU+ also holds non-members (CHE, NOR, ISL, LIE, MNE; GBR to 2019): the corridor measure
  `eu_asylum_applicants` has one row per EU+ destination, members and non-members, never the
  EU27 aggregate, so a sum over destinations is larger than EU27.
- Sexes (male, female, unknown) are added: the three are the whole.

Live: Eurostat's statistics API (`EUROSTAT_API_URL`, the service root up to the version),
`/data/migr_asyappctza` with `applicant=FRST`, `age=TOTAL`, `unit=PER`, `freq=A`, the three
sexes and `sinceTimePeriod=2011`, every citizenship and every reporting country, in one JSON-stat
2.0 answer, decoded with pyjstat. Its codes become the snapshot's: two-letter geo and citizen
codes to ISO3 (Eurostat's EL and UK included), `EU27_2020` -> EU27, citizen `STLS` (stateless)
-> STL and `UNK` (unknown) -> OOO; sexes F/M/UNK -> female/male/unknown. Eurostat's own
citizenship aggregates (TOTAL, EU27_2020, EXT_EU27_2020, ...: codes with `_`) and `RNC`
(recognised non-citizens, no country) are left out, as in the snapshot; any other code that is
no country is refused. A cell Eurostat leaves out (`:`, not available) is no row, and so is a 0:
the snapshot keeps non-zero counts only, and both paths must give the same rows.
"""

from __future__ import annotations

import json
import warnings
from collections import Counter

import pandas as pd
import requests

from analysis import transform
from analysis.catalogue import CorridorMeasure, Indicator
from analysis.errors import DataError
from analysis.live import codes
from analysis.live.common import Summary, max_year, stage_file
from analysis.live.config import LiveConfig, UrlSetting
from analysis.live.http import FetchError, HttpClient, Transient, expect_body, full_url
from analysis.paths import Paths
from analysis.progress import Progress
from analysis.providers.base import Provider
from analysis.rawfiles import RawData, RawSpec

PROVIDER_ID = "eurostat"
FILE = "asylum_applicants.csv"
EU27 = "EU27"  # Eurostat's aggregate (catalogue.PROVIDER_SPECIAL_CODES)
SEXES = ("male", "female", "unknown")

RAW_SPEC = RawSpec(
    PROVIDER_ID, FILE, ("destination_iso3", "citizenship_iso3", "sex"), ("year", "applicants"),
    key=("year", "destination_iso3", "citizenship_iso3", "sex"), nonnegative=("applicants",),
    iso3_columns=("destination_iso3", "citizenship_iso3"))


def applicants(raw: RawData) -> pd.DataFrame:
    rows = raw.get(PROVIDER_ID, FILE)
    bad = ~rows["sex"].isin(SEXES)
    if bad.any():
        row = rows.index[bad][0]
        raise DataError(raw.path(PROVIDER_ID, FILE), f"unknown sex; known: {', '.join(SEXES)}",
                        column="sex", row=int(row) + 2, value=rows.at[row, "sex"])
    return rows


def indicator_rows(raw: RawData, ind: Indicator) -> pd.DataFrame:
    """The state's nationals' first-time applications in the EU27: Eurostat's own EU27 rows,
    sexes added."""
    rows = applicants(raw)
    eu = rows[rows["destination_iso3"] == EU27]
    sums = eu.groupby(["citizenship_iso3", "year"], as_index=False)["applicants"] \
        .sum(min_count=1)
    return transform.indicator_rows(sums, ind, "citizenship_iso3", "applicants")


def corridor_rows(raw: RawData, measure: CorridorMeasure) -> pd.DataFrame:
    """Citizenship -> each EU+ country (never the EU27 aggregate), sexes added."""
    rows = applicants(raw)
    members = rows[rows["destination_iso3"] != EU27]
    return transform.corridor_rows(members, measure, "citizenship_iso3", "destination_iso3")


# -- live: Eurostat's statistics API (JSON-stat 2.0) -----------------------------------------

API_URL = UrlSetting("EUROSTAT_API_URL",
                     "https://ec.europa.eu/eurostat/api/dissemination/statistics/1.0",
                     api_base=True)
DATASET = "migr_asyappctza"
FIRST_YEAR = 2011  # the snapshot's first year
SEX_CODES = {"F": "female", "M": "male", "UNK": "unknown"}
# The query: first-time applicants, all ages, persons, annual; every citizen and geo.
PARAMS = {"format": "JSON", "lang": "EN", "freq": "A", "unit": "PER", "applicant": "FRST",
          "age": "TOTAL", "sex": list(SEX_CODES), "sinceTimePeriod": str(FIRST_YEAR)}
# The dimensions the answer must have; those fixed by the query must hold only that value.
DIMENSIONS = ("freq", "unit", "citizen", "sex", "applicant", "age", "geo", "time")
FIXED = {"freq": "A", "unit": "PER", "applicant": "FRST", "age": "TOTAL"}
SPECIAL = {"EU27_2020": EU27, "STLS": "STL", "UNK": "OOO"}
NO_COUNTRY = ("TOTAL", "RNC")  # and every code with "_" (aggregates): left out

VINTAGE = {
    "producer": "Eurostat",
    "title": "First-time asylum applicants (applicant=FRST, all ages) by citizenship and sex, "
             "annual aggregated data (migr_asyappctza), EU+ destinations",
    "url_main": "https://ec.europa.eu/eurostat/databrowser/view/migr_asyappctza/default/table",
    "licence": "CC BY 4.0 (Eurostat reuse policy)",
    "citation": "Eurostat, Asylum applicants by type of applicant, citizenship, age and sex - "
                "annual aggregated data (migr_asyappctza)",
}


def parse_json(response: requests.Response) -> dict:
    """The JSON-stat body. Cut-off JSON is transient (asked again), and so is Eurostat's answer
    to an extraction it prepares asynchronously: HTTP 200 with `{"warning": {"status": 413,
    "label": "ASYNCHRONOUS_RESPONSE ..."}}`, the data to be fetched again later. Its error
    object (`{"error": [{"status", "label"}]}`) is refused with its label."""
    content = expect_body(response, "json", "JSON-stat")
    try:
        body = json.loads(content.decode("utf-8-sig"))
    except ValueError as exc:
        raise Transient(f"JSON that does not parse (cut off?): {exc}") from None
    warning = body.get("warning") if isinstance(body, dict) else None
    if isinstance(warning, dict) and str(warning.get("status")) == "413":
        raise Transient(f"Eurostat is preparing the extraction (HTTP 200, warning 413: "
                        f"{warning.get('label', 'no label')})")
    if isinstance(body, dict) and "error" in body:
        errors = body["error"] if isinstance(body["error"], list) else [body["error"]]
        labels = "; ".join(str(e.get("label", e)) if isinstance(e, dict) else str(e)
                           for e in errors)
        raise FetchError(f"{response.url}: Eurostat answered with an error: {labels}")
    return body


def _categories(body: dict, dim: str, url: str) -> list[str]:
    """A dimension's category codes in their index order."""
    try:
        index = body["dimension"][dim]["category"]["index"]
    except (KeyError, TypeError):
        raise FetchError(f"{url}: dimension {dim!r} has no category index: not JSON-stat "
                         "as Eurostat sends it") from None
    if isinstance(index, list):
        return [str(c) for c in index]
    return [str(c) for c, _ in sorted(index.items(), key=lambda kv: kv[1])]


def check_shape(body, url: str) -> None:
    """A JSON-stat 2.0 dataset with the dimensions of migr_asyappctza and the query's fixed
    values; anything else is refused naming what came."""
    if not isinstance(body, dict) or body.get("class") != "dataset" or "value" not in body:
        found = ", ".join(sorted(body)) if isinstance(body, dict) else type(body).__name__
        raise FetchError(f"{url}: not a JSON-stat dataset (found {found})")
    ids = body.get("id")
    if not isinstance(ids, list) or not isinstance(body.get("size"), list) \
            or len(ids) != len(body["size"]):
        raise FetchError(f"{url}: JSON-stat 'id' and 'size' missing or of different lengths")
    missing = [d for d in DIMENSIONS if d not in ids]
    if missing:
        raise FetchError(f"{url}: no dimension(s) {', '.join(missing)} in {DATASET}; found "
                         f"{', '.join(map(str, ids))}: the dataset's layout changed")
    for dim, size in zip(ids, body["size"], strict=True):
        cats = _categories(body, dim, url)
        if len(cats) != size:
            raise FetchError(f"{url}: dimension {dim!r} has {len(cats)} categories but size "
                             f"{size}: a malformed JSON-stat answer")
        if dim in FIXED and cats != [FIXED[dim]]:
            raise FetchError(f"{url}: dimension {dim!r} holds {', '.join(cats[:5])}, expected "
                             f"only {FIXED[dim]} (the query asks for it)")
        if dim not in DIMENSIONS and size != 1:
            raise FetchError(f"{url}: an extra dimension {dim!r} with {size} categories: the "
                             "dataset's layout changed")


def _code_map(found: list[str], url: str, what: str) -> dict[str, str | None]:
    """Eurostat codes -> the snapshot's ISO3 codes; None for aggregates and no-country codes."""
    iso = codes.iso2_to_iso3()
    out: dict[str, str | None] = {}
    for code in found:
        if code in SPECIAL:
            out[code] = SPECIAL[code]
        elif code in NO_COUNTRY or "_" in code:
            out[code] = None
        elif code in iso:
            out[code] = iso[code]
        else:
            raise FetchError(f"{url}: {what} code {code!r} is neither a country nor one of "
                             "Eurostat's known aggregates (add it to eurostat.SPECIAL or "
                             "NO_COUNTRY once reviewed)")
    return out


def to_table(body: dict, url: str) -> tuple[pd.DataFrame, Counter]:
    """The JSON-stat answer -> the snapshot's rows (destination_iso3, year, citizenship_iso3,
    sex, applicants); also a count of the flags (`status`) of the values kept."""
    from pyjstat import pyjstat

    check_shape(body, url)
    try:
        with warnings.catch_warnings():  # pyjstat's write() calls its own deprecated reader
            warnings.simplefilter("ignore", DeprecationWarning)
            frame = pyjstat.Dataset.read(json.dumps(body)).write("dataframe", naming="id")
    except (KeyError, ValueError, TypeError, IndexError) as exc:
        raise FetchError(f"{url}: JSON-stat that pyjstat cannot read ({exc})") from None
    status = body.get("status") or {}
    if isinstance(status, list):
        status = {i: s for i, s in enumerate(status) if s}
    frame["status"] = pd.Series({int(k): v for k, v in status.items()}, dtype=object) \
        .reindex(frame.index)
    frame = frame[frame["value"].notna()]
    values = pd.to_numeric(frame["value"], errors="coerce")
    bad = values.isna() | (values < 0) | (values != values.round())
    if bad.any():
        row = frame.index[bad][0]
        raise FetchError(f"{url}: value {frame.at[row, 'value']!r} at cell {row} is not a count")
    frame = frame.assign(value=values.astype("int64"))
    frame = frame[frame["value"] != 0]  # the snapshot keeps non-zero counts (module docstring)
    geo = _code_map(sorted(frame["geo"].unique()), url, "geo")
    citizen = _code_map(sorted(frame["citizen"].unique()), url, "citizen")
    unknown_sex = sorted(set(frame["sex"]) - set(SEX_CODES))
    if unknown_sex:
        raise FetchError(f"{url}: sex code(s) {', '.join(unknown_sex)}; known: "
                         f"{', '.join(SEX_CODES)}")
    years = pd.to_numeric(frame["time"], errors="coerce")
    if years.isna().any():
        raise FetchError(f"{url}: time period {frame['time'][years.isna()].iloc[0]!r} is not a "
                         "year (the query asks for annual data)")
    table = pd.DataFrame({
        "destination_iso3": frame["geo"].map(geo),
        "year": years.astype("int64"),
        "citizenship_iso3": frame["citizen"].map(citizen),
        "sex": frame["sex"].map(SEX_CODES),
        "applicants": frame["value"],
    }).dropna(subset=["destination_iso3", "citizenship_iso3"])
    flags = Counter(frame.loc[table.index, "status"].dropna())
    table = table.sort_values(["destination_iso3", "year", "citizenship_iso3", "sex"],
                              ignore_index=True)
    return table, flags


def fetch_live(paths: Paths, config: LiveConfig, client: HttpClient, progress: Progress) -> Summary:
    url = f"{config.url(API_URL.env)}/data/{DATASET}"
    body = client.get(url, params=PARAMS, parse=parse_json)
    progress.step("json-stat")
    table, flags = to_table(body, full_url(url, PARAMS))
    summary = stage_file(paths, PROVIDER_ID, FILE, table, url, PARAMS,
                         {**VINTAGE, "api": url, "last_updated": body.get("updated")},
                         max_year("year"))
    if flags:
        summary.notes.append("Eurostat flags on values kept: " + ", ".join(
            f"{flag!r} x{n:,}" for flag, n in sorted(flags.items())))
    return summary


PROVIDER = Provider(
    id=PROVIDER_ID,
    name="Eurostat",
    files=(FILE,),
    raw_specs=(RAW_SPEC,),
    fetch_live=fetch_live,
    live_urls=(API_URL,),
    indicator_rows=indicator_rows,
    corridor_rows=corridor_rows,
)
