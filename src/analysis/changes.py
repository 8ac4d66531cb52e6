"""What changed in the data since the last successful report (summary.json `data_changes`).

A successful report keeps a copy of the processed tables it was made from in its own folder
(`<report>/.tables/`). The next report compares the current tables with that copy, row by row,
for every processed table (`TABLES`): `indicators`, `corridors`, each breakdown table of
`catalogue.BREAKDOWN_TABLES` (keyed by its state column and breakdown columns), and the IOM
Missing Migrants records, compared as the catalogue's record measures (`RECORD_MEASURES`: the
dead and missing per country and year, by place of incident and by nationality), since a record
has no identity of its own to follow.

- `new_year`: a year the series did not have;
- `new_state` / `new_corridor` / `new_series`: a series that did not exist at all (a state's
  indicator or record measure, a corridor's measure, a breakdown table's row series);
- `revised`: a value that moved by more than the threshold (default 0.5%,
  `--revision-threshold`) relative to the value before (any move from 0);
- `reflagged`: a value that stayed within the threshold but whose flag changed (e.g. it became
  a break in series, B, or lost its provisional P);
- `withdrawn`: a value that was there and is gone (row removed, or now null: flag M).

Each change is `{dataset, <the table's series columns>, year, before, after, kind}`; for
indicators `indicator, iso3`, for corridors `measure, origin_iso3, destination_iso3`, for the
records `record, iso3`. A series column named like a field of the change itself is written
`row_<name>` (displacement_by_cause's conflict/disaster `kind` is `row_kind`). Changes in a
table with a `flag` column also carry `flag_before` and `flag_after` ("" no flag, null no row),
so a revision that changed the flag shows it too.

A table that only one side has (a provider's first data, or a copy kept by an older version) is
not compared: it would list every row. A report with a failed notebook does not replace the kept
copy, so the next report still compares with the last successful one.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis import atomic, catalogue, metrics
from analysis.paths import Paths

log = logging.getLogger(__name__)

KEPT = ".tables"
DEFAULT_THRESHOLD_PCT = 0.5
ABOUT = "about.json"
RECORDS = "missing_migrants"  # data/processed/missing_migrants.parquet


def record_totals(records: pd.DataFrame) -> pd.DataFrame:
    """Each catalogue record measure per country and year (record, iso3, year, value): the sum
    of its field over the records of that year whose incident took place in the country
    (`by` incident) or that list the country among the origins (`by` origin). Undated records
    and blank countries are left out."""
    dated = records[records["year"].notna()]
    parts = []
    for measure in catalogue.RECORD_MEASURES:
        if measure.by == "incident":
            codes = dated["incident_iso3"]
        elif measure.by == "origin":
            codes = metrics.origin_codes(dated).map(sorted)  # a list: one row per country
        else:
            raise ValueError(f"record measure {measure.id!r}: unknown `by` {measure.by!r}")
        rows = pd.DataFrame({"iso3": codes, "year": dated["year"].astype(int),
                             "value": dated[measure.field]}).explode("iso3")
        rows = rows[rows["iso3"].notna() & (rows["iso3"] != "")]
        totals = rows.groupby(["iso3", "year"], as_index=False)["value"].sum(min_count=1)
        parts.append(totals.assign(record=measure.id))
    return pd.concat(parts, ignore_index=True)


@dataclass(frozen=True)
class Table:
    """A processed table as compared: `series` the columns naming a series (besides `year`),
    `value` its value column, `new_series` the kind for a row of a series the table did not
    have, and `prepare` what turns the file into rows of that shape (None: as read)."""

    name: str  # data/processed/<name>.parquet
    series: tuple[str, ...]
    value: str
    new_series: str
    prepare: Callable[[pd.DataFrame], pd.DataFrame] | None = None

    @property
    def file(self) -> str:
        return f"{self.name}.parquet"

    @property
    def fields(self) -> dict[str, str]:
        """Series column -> its name in a change (`row_<name>` where the change has its own)."""
        return {c: f"row_{c}" if c in CHANGE_FIELDS else c for c in self.series}


# The fields every change has (besides its table's series columns).
CHANGE_FIELDS = ("dataset", "year", "before", "after", "kind", "flag_before", "flag_after")


TABLES: tuple[Table, ...] = (
    Table("indicators", ("indicator", "iso3"), "value", "new_state"),
    Table("corridors", ("measure", "origin_iso3", "destination_iso3"), "value", "new_corridor"),
    *(Table(t.name, (t.state_column, *t.columns), t.value_column, "new_series")
      for t in catalogue.BREAKDOWN_TABLES),
    Table(RECORDS, ("record", "iso3"), "value", "new_state", record_totals),
)
DATASETS = {t.name: t for t in TABLES}
KINDS = ("new_year", "new_state", "new_corridor", "new_series", "revised", "reflagged",
         "withdrawn")


def _number(x) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)


def _cell(x):
    """A cell for JSON: None for a missing one (NaN is not JSON)."""
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else x


def compare(before: pd.DataFrame, after: pd.DataFrame, dataset: str,
            threshold_pct: float = DEFAULT_THRESHOLD_PCT) -> list[dict]:
    """The changes from one version of a processed table to the next (see the module)."""
    table = DATASETS[dataset]
    if table.prepare is not None:
        before, after = table.prepare(before), table.prepare(after)
    series = list(table.fields.values())
    keys = [*series, "year"]
    flagged = "flag" in before.columns and "flag" in after.columns
    kept = [*table.series, "year", table.value, *(["flag"] if flagged else [])]

    def side(frame: pd.DataFrame) -> pd.DataFrame:
        out = frame[kept].rename(columns={table.value: "value", **table.fields})
        # No flag and "" are the same; an older copy may hold None where the build writes "".
        return out.assign(flag=out["flag"].fillna("")) if flagged else out

    before, after = side(before), side(after)
    both = before.merge(after, on=keys, how="outer", suffixes=("_before", "_after"),
                        indicator="_side")
    had = both["value_before"].notna()
    has = both["value_after"].notna()
    moved = (both["value_after"] - both["value_before"]).abs()
    base = both["value_before"].abs()
    revised = had & has & (((base == 0) & (moved > 0))
                           | ((base > 0) & (moved / base.where(base > 0) * 100 > threshold_pct)))
    # Only the rows that changed are looked at one by one (most rows of a rerun did not).
    both["kind"] = None
    if flagged:
        reflagged = had & has & ~revised & (both["flag_before"] != both["flag_after"])
        both.loc[reflagged, "kind"] = "reflagged"
    both.loc[revised, "kind"] = "revised"
    both.loc[had & ~has, "kind"] = "withdrawn"
    added = has & ~had
    known = both[series].merge(before[series].drop_duplicates(), on=series, how="left",
                               indicator=True)["_merge"].eq("both").to_numpy()
    both.loc[added & known, "kind"] = "new_year"
    both.loc[added & ~known, "kind"] = table.new_series
    out = []
    for row in both[both["kind"].notna()].to_dict("records"):
        change = {"dataset": dataset, **{c: _cell(row[c]) for c in series},
                  "year": int(row["year"]),
                  "before": _number(row["value_before"]), "after": _number(row["value_after"]),
                  "kind": row["kind"]}
        if flagged:  # null where there was no row on that side
            change["flag_before"] = row["flag_before"] if row["_side"] != "right_only" else None
            change["flag_after"] = row["flag_after"] if row["_side"] != "left_only" else None
        out.append(change)
    return sorted(out, key=lambda c: (KINDS.index(c["kind"]), *[str(c[k]) for k in series],
                                      c["year"]))


def since_last(report_dir: Path, paths: Paths, threshold_pct: float) -> dict:
    """Compare data/processed with the copy kept by the last successful report in
    `report_dir`: {"since": its time or None (first report: nothing to compare with),
    "threshold_pct", "changes": [...]}."""
    kept = Path(report_dir) / KEPT
    about = kept / ABOUT
    if not about.is_file():
        return {"since": None, "threshold_pct": threshold_pct, "changes": []}
    changes = []
    for table in TABLES:
        old, new = kept / table.file, paths.processed / table.file
        if not (old.is_file() and new.is_file()):
            log.info("what is new: %s not compared (%s)", table.name,
                     "not kept by the last report" if new.is_file() else "not built now")
            continue
        changes += compare(pd.read_parquet(old), pd.read_parquet(new), table.name,
                           threshold_pct)
    since = json.loads(about.read_text(encoding="utf-8"))["generated_at"]
    return {"since": since, "threshold_pct": threshold_pct, "changes": changes}


def keep(report_dir: Path, paths: Paths, generated_at: str) -> None:
    """Keep the current processed tables beside the report, for the next one to compare with
    (a table not built now is dropped from the copy, so it is never compared with an older
    one). Written whole then renamed; a file that is a hard link into an older report (the
    staging copy) is replaced, never written through."""
    kept = Path(report_dir) / KEPT
    kept.mkdir(parents=True, exist_ok=True)
    for table in TABLES:
        source = paths.processed / table.file
        if source.is_file():
            atomic.write_bytes(kept / table.file, source.read_bytes())
        else:
            (kept / table.file).unlink(missing_ok=True)
    atomic.write_text(kept / ABOUT, json.dumps({"generated_at": generated_at}) + "\n")
