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

Live: no client yet (Eurostat's JSON-stat API from `EUROSTAT_API_URL` is issue 12's second
step): a live fetch skips the provider with one line and keeps its raw file; bring it in with
--snapshot.
"""

from __future__ import annotations

import pandas as pd

from analysis import transform
from analysis.catalogue import CorridorMeasure, Indicator
from analysis.errors import DataError
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



PROVIDER = Provider(
    id=PROVIDER_ID,
    name="Eurostat",
    files=(FILE,),
    raw_specs=(RAW_SPEC,),
    fetch_live=None,  # no live client yet (module docstring)
    indicator_rows=indicator_rows,
    corridor_rows=corridor_rows,
)
