"""What changed in the data since the last successful report (summary.json `data_changes`).

A successful report keeps a copy of the processed tables it was made from in its own folder
(`<report>/.tables/`). The next report compares the current tables with that copy, row by row:

- `new_year`: a year the series did not have (a state's indicator, or a corridor's measure);
- `new_state` / `new_corridor`: a series that did not exist at all;
- `revised`: a value that moved by more than the threshold (default 0.5%, `--revision-threshold`)
  relative to the value before (any move from 0);
- `withdrawn`: a value that was there and is gone (row removed, or now null: flag M).

Each change is `{dataset, indicator | measure, iso3 | origin_iso3 + destination_iso3, year,
before, after, kind}`. A report with a failed notebook does not replace the kept copy, so the next
report still compares with the last successful one.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd

from analysis import atomic
from analysis.paths import Paths

KEPT = ".tables"
DEFAULT_THRESHOLD_PCT = 0.5
ABOUT = "about.json"

# dataset -> (the id column, the columns naming the series, the file in data/processed)
DATASETS = {
    "indicators": ("indicator", ["iso3"], "indicators.parquet"),
    "corridors": ("measure", ["origin_iso3", "destination_iso3"], "corridors.parquet"),
}
NEW_SERIES = {"indicators": "new_state", "corridors": "new_corridor"}
KINDS = ("new_year", "new_state", "new_corridor", "revised", "withdrawn")


def _number(x) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)


def compare(before: pd.DataFrame, after: pd.DataFrame, dataset: str,
            threshold_pct: float = DEFAULT_THRESHOLD_PCT) -> list[dict]:
    """The changes from one version of a processed table to the next (see the module)."""
    id_col, series_cols, _file = DATASETS[dataset]
    series = [id_col, *series_cols]
    keys = [*series, "year"]
    both = before[[*keys, "value"]].merge(after[[*keys, "value"]], on=keys, how="outer",
                                           suffixes=("_before", "_after"))
    had = both["value_before"].notna()
    has = both["value_after"].notna()
    moved = (both["value_after"] - both["value_before"]).abs()
    base = both["value_before"].abs()
    revised = had & has & (((base == 0) & (moved > 0))
                           | ((base > 0) & (moved / base.where(base > 0) * 100 > threshold_pct)))
    # Only the rows that changed are looked at one by one (most rows of a rerun did not).
    both["kind"] = None
    both.loc[revised, "kind"] = "revised"
    both.loc[had & ~has, "kind"] = "withdrawn"
    added = has & ~had
    known = both[series].merge(before[series].drop_duplicates(), on=series, how="left",
                               indicator=True)["_merge"].eq("both").to_numpy()
    both.loc[added & known, "kind"] = "new_year"
    both.loc[added & ~known, "kind"] = NEW_SERIES[dataset]
    out = []
    for row in both[both["kind"].notna()].itertuples(index=False):
        change = {"dataset": dataset, id_col: getattr(row, id_col)}
        change.update({c: getattr(row, c) for c in series_cols})
        change.update({"year": int(row.year), "before": _number(row.value_before),
                       "after": _number(row.value_after), "kind": row.kind})
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
    for dataset, (_id, _series, name) in DATASETS.items():
        before = pd.read_parquet(kept / name)
        after = pd.read_parquet(paths.processed / name)
        changes += compare(before, after, dataset, threshold_pct)
    since = json.loads(about.read_text(encoding="utf-8"))["generated_at"]
    return {"since": since, "threshold_pct": threshold_pct, "changes": changes}


def keep(report_dir: Path, paths: Paths, generated_at: str) -> None:
    """Keep the current processed tables beside the report, for the next one to compare with.
    Written whole then renamed; a file that is a hard link into an older report (the staging
    copy) is replaced, never written through."""
    kept = Path(report_dir) / KEPT
    kept.mkdir(parents=True, exist_ok=True)
    for _id, _series, name in DATASETS.values():
        atomic.write_bytes(kept / name, (paths.processed / name).read_bytes())
    atomic.write_text(kept / ABOUT, json.dumps({"generated_at": generated_at}) + "\n")
