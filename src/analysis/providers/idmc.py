"""IDMC Global Internal Displacement Database: new internal displacements in the year by cause
(conflict and each natural hazard), data/raw/idmc/new_displacements.csv (iso3, year, cause,
new_displacements).

- New displacements are movements, not people: one person displaced twice counts twice.
- `new_displacements_conflict` is the cause `conflict`; `new_displacements_disaster` the sum of
  every natural-hazard cause (`HAZARDS`); a cause outside both is refused, so a new hazard is
  looked at before it is counted. A sum of only blank cells stays missing.
- `AB9` is the Abyei Area, disputed between Sudan and South Sudan: IDMC reports it on its own.
  It is no state and is left out of the breakdown table (adding it to either would take a side).

Live: no client yet (the GIDD API from `IDMC_API_URL` with `IDMC_CLIENT_ID` is issue 12's
second step): a live fetch skips the provider with one line and keeps its raw file; bring it in
with --snapshot.
"""

from __future__ import annotations

import pandas as pd

from analysis import transform
from analysis.catalogue import Indicator
from analysis.errors import DataError
from analysis.providers.base import ProcessedTable, Provider
from analysis.rawfiles import RawData, RawSpec

PROVIDER_ID = "idmc"
FILE = "new_displacements.csv"
CONFLICT = "conflict"
HAZARDS = ("flood", "storm", "earthquake", "mass movement", "wildfire", "volcanic activity",
           "extreme temperature", "drought", "erosion", "wave action")
NOT_A_STATE = ("AB9",)  # the Abyei Area (catalogue.PROVIDER_SPECIAL_CODES)

RAW_SPEC = RawSpec(PROVIDER_ID, FILE, ("iso3", "cause"), ("year", "new_displacements"),
                   key=("iso3", "year", "cause"), nonnegative=("new_displacements",),
                   iso3_columns=("iso3",))

CAUSE_OF = {"new_displacements_conflict": (CONFLICT,), "new_displacements_disaster": HAZARDS}


def displacements(raw: RawData) -> pd.DataFrame:
    rows = raw.get(PROVIDER_ID, FILE)
    bad = ~rows["cause"].isin((CONFLICT, *HAZARDS))
    if bad.any():
        row = rows.index[bad][0]
        raise DataError(raw.path(PROVIDER_ID, FILE),
                        f"unknown cause; known: {CONFLICT}, {', '.join(HAZARDS)}",
                        column="cause", row=int(row) + 2, value=rows.at[row, "cause"],
                        hint="add a new natural hazard to idmc.HAZARDS")
    return rows


def indicator_rows(raw: RawData, ind: Indicator) -> pd.DataFrame:
    rows = displacements(raw)
    rows = rows[rows["cause"].isin(CAUSE_OF[ind.id])]
    sums = rows.groupby(["iso3", "year"], as_index=False)["new_displacements"].sum(min_count=1)
    return transform.indicator_rows(sums, ind, "iso3", "new_displacements")


def by_cause(raw: RawData) -> pd.DataFrame:
    """data/processed/displacement_by_cause.parquet: every country's new displacements by cause,
    `kind` conflict or disaster; Abyei left out (module docstring)."""
    rows = displacements(raw)
    rows = rows[~rows["iso3"].isin(NOT_A_STATE)]
    table = pd.DataFrame({
        "iso3": rows["iso3"].astype(str),
        "year": rows["year"].astype("int64"),
        "kind": rows["cause"].map(lambda c: "conflict" if c == CONFLICT else "disaster"),
        "cause": rows["cause"].astype(str),
        "new_displacements": rows["new_displacements"].astype("float64"),
    })
    return table.sort_values(["iso3", "year", "kind", "cause"], ignore_index=True)


PROVIDER = Provider(
    id=PROVIDER_ID,
    name="IDMC",
    files=(FILE,),
    raw_specs=(RAW_SPEC,),
    fetch_live=None,  # no live client yet (module docstring)
    indicator_rows=indicator_rows,
    tables=(ProcessedTable("displacement_by_cause", "IDMC new displacements by cause", by_cause),),
)
