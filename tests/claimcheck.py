"""The independent check of findings' claims (tests only).

`recompute` works each claim out again with plain pandas from the processed parquet frames,
following the op definitions in DESIGN.md and in the docstring of analysis/claims.py, not that
module's code: it imports neither analysis.claims nor analysis.metrics, so a mistake there
cannot hide here. `analysis.fmt` is used only to re-format the recomputed number.

`check_text` checks one sentence against its claims; `check_summary` every chart caption,
finding and key message of a reports/summary.json. Both return a list of problems (empty: all good).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis import fmt

# The record measures, as the claims vocabulary names them.
IN_COUNTRY = "missing_migrants_in_country"
OF_NATIONALS = "missing_migrants_of_nationals"
OF_NATIONALS_ONLY = "missing_migrants_of_nationals_only"  # lower bound: only these origins

# Numbers a text may state without a claim: units and fixed targets, not data.
# "3%" and "5%": SDG 10.c's remittance-cost target (average) and ceiling (any corridor);
# "SDG 10.c" the target's own number.
ALLOWED_PHRASES = ("per 1,000", "per 100", "US$200", "3%", "5%", "SDG 10.c", "SDG target 10.c")
YEAR = r"(?:19[5-9]\d|20[0-2]\d|203[0-5])"
ALLOWED_PATTERNS = (
    # A year, not money, not a percentage, not part of a longer number.
    re.compile(r"(?<![$+])" + r"(?<!\d)(?<!\d[.,])" + YEAR + r"(?!\d)(?![.,]\d)(?!\s?%)"),
    # The remarks' paragraph numbers, as notebook.theme_lead writes them.
    re.compile(r"\bparagraphs? \d{1,2}(?:(?:, | and )\d{1,2})*\b"),
)


class ClaimCheckError(Exception):
    """A claim that cannot be recomputed (no cells, a zero denominator, a bad shape)."""


# Breakdown tables: the column holding the state and the one holding the number (as written in
# DESIGN.md and the docstrings of analysis.load; restated here on purpose).
BREAKDOWNS = {"trafficking_breakdowns": ("iso3", "value"),
              "frontex_routes": ("nationality_iso3", "detections"),
              "displacement_by_cause": ("iso3", "new_displacements")}


@dataclass(frozen=True)
class Tables:
    indicators: pd.DataFrame
    corridors: pd.DataFrame
    records: pd.DataFrame
    folder: Path | None = None  # where breakdown tables are read from, when a claim names one

    @classmethod
    def read(cls, processed_dir) -> Tables:
        folder = Path(processed_dir)
        return cls(pd.read_parquet(folder / "indicators.parquet"),
                   pd.read_parquet(folder / "corridors.parquet"),
                   pd.read_parquet(folder / "missing_migrants.parquet"), folder)

    def breakdown(self, name: str) -> pd.DataFrame:
        if name not in BREAKDOWNS or self.folder is None:
            raise ClaimCheckError(f"unknown breakdown table {name!r} (or no processed folder)")
        return _read_breakdown(self.folder / f"{name}.parquet")


# ---------------------------------------------------------------------------
# Cells: one frame `key, year, value, flag` whatever the table
# ---------------------------------------------------------------------------


def _present(rows: pd.DataFrame) -> pd.DataFrame:
    """A null value (flag M) is no cell."""
    flag = rows["flag"].fillna("").astype(str) if "flag" in rows else ""
    return rows[rows["value"].notna() & (flag != "M")]


def _indicator_cells(df, indicator, states, years) -> pd.DataFrame:
    rows = df[(df["indicator"] == indicator) & df["year"].isin(years)]
    if states is not None:
        rows = rows[rows["iso3"].isin(states)]
    rows = _present(rows)
    return pd.DataFrame({"key": rows["iso3"], "year": rows["year"].astype(int),
                         "value": rows["value"].astype(float),
                         "flag": rows["flag"].fillna("") if "flag" in rows else ""})


def _corridor_cells(df, measure, origins, destinations, years) -> pd.DataFrame:
    rows = df[(df["measure"] == measure) & df["year"].isin(years)]
    if origins is not None:
        rows = rows[rows["origin_iso3"].isin(origins)]
    if destinations is not None:
        rows = rows[rows["destination_iso3"].isin(destinations)]
    rows = _present(rows)
    return pd.DataFrame({"key": rows["origin_iso3"] + ">" + rows["destination_iso3"],
                         "year": rows["year"].astype(int), "value": rows["value"].astype(float),
                         "flag": rows["flag"].fillna("") if "flag" in rows else ""})


_BREAKDOWN_CACHE: dict[Path, pd.DataFrame] = {}


def _read_breakdown(path: Path) -> pd.DataFrame:
    if path not in _BREAKDOWN_CACHE:
        _BREAKDOWN_CACHE.clear()  # one report's tables at a time
        _BREAKDOWN_CACHE[path] = pd.read_parquet(path)
    return _BREAKDOWN_CACHE[path]


def _table_cells(df, table, select, states, years) -> pd.DataFrame:
    """One cell per row of the breakdown table matching `select`, the states and years."""
    state_column, value_column = BREAKDOWNS[table]
    rows = df[df["year"].isin(years) & df[state_column].isin(states)]
    for column, wanted in (select or {}).items():
        rows = rows[rows[column].isin(wanted if isinstance(wanted, list) else [wanted])]
    flag = rows["flag"].fillna("").astype(str) if "flag" in rows else pd.Series("", rows.index)
    keep = rows[value_column].notna() & (flag != "M")
    rows, flag = rows[keep], flag[keep]
    return pd.DataFrame({"key": rows[state_column], "year": rows["year"].astype(int),
                         "value": rows[value_column].astype(float), "flag": flag})


def _record_cells(df, record, states, years) -> pd.DataFrame:
    """One cell per year: the dead and missing of the records selected for `states`."""
    rows = df[df["year"].isin(years)]
    if record == IN_COUNTRY:
        chosen = rows["incident_iso3"].isin(states)
    elif record == OF_NATIONALS:
        wanted = set(states)
        chosen = rows["origin_iso3"].fillna("").astype(str).map(
            lambda text: bool(wanted & {c.strip() for c in text.split(",")}))
    elif record == OF_NATIONALS_ONLY:
        wanted = set(states)
        listed = rows["origin_iso3"].fillna("").astype(str).map(
            lambda text: {c.strip() for c in text.split(",") if c.strip()})
        chosen = listed.map(lambda codes: bool(codes) and codes <= wanted)
    else:
        raise ClaimCheckError(f"unknown record measure {record!r}")
    rows = rows[chosen & rows["dead_and_missing"].notna()]
    totals = rows.groupby(rows["year"].astype(int))["dead_and_missing"].sum()
    return pd.DataFrame({"key": "records", "year": totals.index, "value": totals.astype(float),
                         "flag": ""})


def _cells(claim: dict, tables: Tables, *, id_=None, states=None, origins=None,
           destinations=None, years=None, use_own=True, select=None) -> pd.DataFrame:
    """The cells of the claim's table for an id (default the claim's) and a selection (default
    the claim's own states or partners, and years)."""
    years = claim["years"] if years is None else years
    if "indicator" in claim:
        states = claim["states"] if use_own and states is None else states
        return _indicator_cells(tables.indicators, id_ or claim["indicator"], states, years)
    if "measure" in claim:
        if use_own:
            origins = claim.get("origins") if origins is None else origins
            destinations = claim.get("destinations") if destinations is None else destinations
        return _corridor_cells(tables.corridors, id_ or claim["measure"], origins, destinations,
                               years)
    if "record" in claim:
        return _record_cells(tables.records, claim["record"], claim["states"], years)
    if "table" in claim:
        select = claim.get("select") if use_own else (select or {})
        return _table_cells(tables.breakdown(claim["table"]), claim["table"], select,
                            claim["states"], years)
    raise ClaimCheckError("claim names no indicator, measure, record or table")


def _total(cells: pd.DataFrame, what: str) -> float:
    if cells.empty:
        raise ClaimCheckError(f"no cell to sum for {what}")
    return float(cells["value"].sum())


# ---------------------------------------------------------------------------
# Ops
# ---------------------------------------------------------------------------


def recompute(claim: dict, indicators_df: pd.DataFrame, corridors_df: pd.DataFrame,
              records_df: pd.DataFrame, processed_dir=None) -> float:
    """The claim's number, worked out again from the processed frames (breakdown tables are
    read from `processed_dir`)."""
    tables = Tables(indicators_df, corridors_df, records_df,
                    None if processed_dir is None else Path(processed_dir))
    op = claim["op"]
    cells = _cells(claim, tables)
    if op == "value":
        if len(cells) != 1:
            raise ClaimCheckError(f"expected one cell, found {len(cells)}")
        return float(cells["value"].iloc[0])
    if op == "sum":
        return _total(cells, "the sum")
    if op in ("mean", "median"):
        if cells.empty:
            raise ClaimCheckError(f"no cell for the {op}")
        return float(cells["value"].mean() if op == "mean" else cells["value"].median())
    if op in ("change", "pct_change"):
        y0, y1 = claim["years"]
        before = _total(cells[cells["year"] == y0], str(y0))
        after = _total(cells[cells["year"] == y1], str(y1))
        if op == "change":
            return after - before
        if before == 0:
            raise ClaimCheckError(f"percentage change from zero in {y0}")
        return (after - before) / before * 100
    if op == "ratio":
        # Each part of the denominator defaults to the claim's own (None: all in the table).
        den = _cells(claim, tables, id_=claim.get("denominator"),
                     states=claim.get("denominator_states", claim.get("states")),
                     origins=claim.get("denominator_origins", claim.get("origins")),
                     destinations=claim.get("denominator_destinations",
                                            claim.get("destinations")),
                     years=claim.get("denominator_years", claim["years"]), use_own=False)
        bottom = _total(den, "the denominator")
        if bottom == 0:
            raise ClaimCheckError("denominator is zero")
        return _total(cells, "the numerator") / bottom * claim.get("factor", 1)
    if op == "share" and "table" in claim:
        whole = _cells(claim, tables, use_own=False, select=claim.get("of_select"))
        bottom = _total(whole, "the whole")
        if bottom == 0:
            raise ClaimCheckError("the whole is zero")
        return _total(cells, "the part") / bottom * 100
    if op == "share":
        whole = _cells(claim, tables, states=claim.get("of_states"),
                       origins=claim.get("of_origins"),
                       destinations=claim.get("of_destinations"), use_own=False)
        bottom = _total(whole, "the whole")
        if bottom == 0:
            raise ClaimCheckError("the whole is zero")
        return _total(cells, "the part") / bottom * 100
    if op == "rank":
        return _rank(claim, tables)
    if op == "count":
        return _count(claim, cells, tables)
    raise ClaimCheckError(f"unknown op {op!r}")


def _ahead(totals: pd.Series, mine: float, claim: dict) -> float:
    """1 + how many competitors are strictly ahead of `mine` in the claim's order."""
    ahead = totals < mine if claim.get("order", "desc") == "asc" else totals > mine
    return float(1 + ahead.sum())


def _pair_rank(claim: dict, tables: Tables) -> float:
    """One origin-destination pair against every pair of the `among` origins and
    `among_destinations` (None: all), each summed over the years."""
    rows = tables.corridors
    rows = _present(rows[(rows["measure"] == claim["measure"])
                         & rows["year"].isin(claim["years"])])
    if claim.get("among") is not None:
        rows = rows[rows["origin_iso3"].isin(claim["among"])]
    if claim.get("among_destinations") is not None:
        rows = rows[rows["destination_iso3"].isin(claim["among_destinations"])]
    totals = rows.groupby(["origin_iso3", "destination_iso3"])["value"].sum()
    key = (claim["origins"][0], claim["destinations"][0])
    if key not in totals.index:
        raise ClaimCheckError(f"{key} has no cell to rank")
    return _ahead(totals, totals[key], claim)


def _corridor_rank(claim: dict, tables: Tables) -> float:
    """The ranked side's code against every code of `among` on that side, each summed over
    the other side's codes and the years."""
    side = claim["rank_by"]
    if side == "pair":
        return _pair_rank(claim, tables)
    (code,) = claim[f"{side}s"]
    other = "destinations" if side == "origin" else "origins"
    rows = tables.corridors
    rows = _present(rows[(rows["measure"] == claim["measure"])
                         & rows["year"].isin(claim["years"])])
    if claim[other] is not None:
        rows = rows[rows[f"{other[:-1]}_iso3"].isin(claim[other])]
    if claim["among"] is not None:
        rows = rows[rows[f"{side}_iso3"].isin(claim["among"])]
    totals = rows.groupby(f"{side}_iso3")["value"].sum()
    if code not in totals.index:
        raise ClaimCheckError(f"{code} has no cell to rank")
    return _ahead(totals, totals[code], claim)


def _table_rank(claim: dict, tables: Tables) -> float:
    """The claim's combination of the `rank_by` columns against every other combination of
    the same states (and years, unless years are ranked) and the rest of the select."""
    table = claim["table"]
    state_column, value_column = BREAKDOWNS[table]
    by = claim["rank_by"]
    rows = tables.breakdown(table)
    rows = rows[rows[state_column].isin(claim["states"])]
    if "year" not in by:
        rows = rows[rows["year"].isin(claim["years"])]
    elif claim.get("among_years"):
        rows = rows[rows["year"].isin(claim["among_years"])]
    for column, wanted in (claim.get("select") or {}).items():
        if column not in by:
            rows = rows[rows[column].isin(wanted if isinstance(wanted, list) else [wanted])]
    flag = rows["flag"].fillna("").astype(str) if "flag" in rows else ""
    rows = rows[rows[value_column].notna() & (flag != "M")]
    if claim.get("among") is not None:
        rows = rows[rows[by[0]].isin(claim["among"])]
    totals = rows.groupby(by)[value_column].sum()
    own = tuple(claim["years"][0] if b == "year" else claim["select"][b] for b in by)
    key = own if len(by) > 1 else own[0]
    if key not in totals.index:
        raise ClaimCheckError(f"{own} has no row to rank")
    return _ahead(totals, totals[key], claim)


def _state_totals(claim: dict, tables: Tables) -> pd.Series:
    """Each state of `among`: its cells summed over the years (with the `plus` indicators),
    divided by its denominator's cells times the factor when the claim has a denominator.
    Cells flagged U (few cases) are left out."""
    def summed(id_):
        cells = _cells(claim, tables, id_=id_, states=claim["among"], use_own=False)
        return cells[cells["flag"] != "U"].groupby("key")["value"].sum()
    totals = summed(None)
    for other in claim.get("plus") or []:
        totals = totals.add(summed(other), fill_value=0)
    if claim.get("denominator"):
        bottom = summed(claim["denominator"])
        bottom = bottom[bottom != 0]
        totals = (totals / bottom * claim.get("factor", 1)).dropna()
    return totals


def _rank(claim: dict, tables: Tables) -> float:
    if "measure" in claim:
        return _corridor_rank(claim, tables)
    if "table" in claim:
        return _table_rank(claim, tables)
    (state,) = claim["states"]
    if "record" in claim:
        totals = pd.Series({s: float(_record_cells(tables.records, claim["record"], [s],
                                                   claim["years"])["value"].sum())
                            for s in claim["among"]})
        return _ahead(totals, totals[state], claim)
    if claim.get("among_years"):  # one cell against every cell of the states x years
        among = _cells(claim, tables, states=claim["among"], years=claim["among_years"],
                       use_own=False)
        among = among[among["flag"] != "U"]  # few cases: left out of rankings
        own = among[(among["key"] == state) & (among["year"] == claim["years"][0])]
        if len(own) != 1:
            raise ClaimCheckError(f"{state} has no rankable cell (missing or flagged U)")
        return _ahead(among["value"], own["value"].iloc[0], claim)
    totals = _state_totals(claim, tables)
    if state not in totals.index:
        raise ClaimCheckError(f"{state} has no rankable cell (missing or flagged U)")
    return _ahead(totals, totals[state], claim)


MOVES = ("rose", "fell", "unchanged", "little")  # counts that compare two years


def _count(claim: dict, cells: pd.DataFrame, tables: Tables) -> float:
    where = claim["where"]
    years = claim["years"]
    wide = cells.pivot_table(index="key", columns="year", values="value", aggfunc="first")
    if where == "present":
        return float(wide.reindex(columns=years).notna().all(axis=1).sum())
    if where in MOVES:
        y0, y1 = years
        both = wide.reindex(columns=[y0, y1]).dropna()
        before, after = both[y0], both[y1]
        # The minimum meaningful change, when the claim carries one: both limits must hold.
        diff = after - before
        big = (diff.abs() >= claim.get("min_abs", 0)) & (
            diff.abs() >= before.abs() * claim.get("min_pct", 0) / 100) & (diff != 0)
        hits = {"rose": big & (diff > 0), "fell": big & (diff < 0),
                "unchanged": diff == 0, "little": ~big}[where]
        return float(hits.sum())
    if where in ("gt", "lt"):
        other = _cells(claim, tables, id_=claim["than"])
        pair = cells.merge(other, on=["key", "year"], suffixes=("", "_than"))
        hits = pair["value"] > pair["value_than"] if where == "gt" else (
            pair["value"] < pair["value_than"])
        return float(hits.sum())
    raise ClaimCheckError(f"unknown count condition {where!r}")


# ---------------------------------------------------------------------------
# Texts
# ---------------------------------------------------------------------------


def _as_number(text: str) -> str:
    """`text` as a whole number in a sentence: not part of a longer number."""
    return r"(?<!\d)(?<!\d[.,])" + re.escape(text) + r"(?!\d)(?![.,]\d)"


def reformat(value: float, format_: dict) -> str:
    return getattr(fmt, format_["name"])(value, **format_.get("args", {}))


def _label(claim: dict) -> str:
    id_ = (claim.get("indicator") or claim.get("measure") or claim.get("record")
           or claim.get("table"))
    return f"claim {claim.get('op')} of {id_} shown {claim.get('shown')!r}"


BREAK_WORDS = re.compile(r"break|reclassif|change of (definition|counting)|not comparable",
                         re.IGNORECASE)


def _unstated_break(claim: dict, text: str, tables: Tables) -> list[str]:
    """DESIGN's evidence rule: a change across a series break (a cell flagged B after the first
    year, up to the last) is not computed, or its sentence states the break."""
    comparing = claim.get("op") in ("change", "pct_change") or (
        claim.get("op") == "count" and claim.get("where") in MOVES)
    if not comparing or "record" in claim or BREAK_WORDS.search(text):
        return []
    first, last = min(claim["years"]), max(claim["years"])
    cells = _cells(claim, tables, years=list(range(first + 1, last + 1)))
    broken = cells[cells["flag"] == "B"]
    if broken.empty:
        return []
    where = ", ".join(f"{k} {y}" for k, y in zip(broken["key"], broken["year"], strict=True))
    return [f"{_label(claim)}: a change across a series break ({where}) that the text does "
            "not state"]


def check_text(text: str, claims: list[dict], tables: Tables) -> list[str]:
    """Problems with one sentence: a claim not shown in it, a claim that does not recompute to
    what it shows, or a number in it that no claim covers."""
    problems = []
    for claim in claims:
        label = _label(claim)
        shown = claim.get("shown") or ""
        if not shown or not re.search(_as_number(shown), text):
            problems.append(f"{label}: not in the text")
        try:
            value = recompute(claim, tables.indicators, tables.corridors, tables.records,
                              tables.folder)
            again = reformat(value, claim["format"])
        except (ClaimCheckError, KeyError, TypeError, ValueError) as exc:
            problems.append(f"{label}: cannot recompute: {type(exc).__name__}: {exc}")
            continue
        if again != shown:
            problems.append(f"{label}: the tables give {value!r}, shown as {again!r}")
        elif not math.isclose(value, claim.get("value", math.nan), rel_tol=1e-9, abs_tol=1e-9):
            problems.append(f"{label}: recorded value {claim.get('value')!r}, the tables give "
                            f"{value!r}")
        problems += _unstated_break(claim, text, tables)
    # Each claim accounts for one occurrence; longest first, so "15%" is not read as "5%".
    rest = text
    for shown in sorted((c.get("shown") or "" for c in claims), key=len, reverse=True):
        if shown:
            rest = re.sub(_as_number(shown), " ~ ", rest, count=1)
    for phrase in sorted(ALLOWED_PHRASES, key=len, reverse=True):
        rest = re.sub(_as_number(phrase), " ~ ", rest)
    for pattern in ALLOWED_PATTERNS:
        rest = pattern.sub(" ~ ", rest)
    for token in re.findall(r"\S*\d\S*", rest):
        problems.append(f"number {token!r} in the text has no claim")
    return problems


def check_summary(summary: dict, processed_dir) -> list[str]:
    """Every chart caption, finding and key message of a summary.json, each against its
    claims."""
    tables = Tables.read(processed_dir)
    problems = []
    for entry in summary.get("themes", []) + summary.get("countries", []):
        where = entry.get("id") or entry.get("iso3")
        for chart in entry.get("charts", []):
            problems += [f"{where}: chart {chart.get('name')}: {p}"
                         for p in check_text(chart["caption"], chart.get("claims", []), tables)]
        for finding in entry.get("findings", []):
            start = finding["text"][:50]
            problems += [f"{where}: finding {start!r}: {p}"
                         for p in check_text(finding["text"], finding.get("claims", []), tables)]
    for message in (summary.get("summary") or {}).get("key_messages", []):
        start = message["text"][:50]
        problems += [f"key message {start!r}: {p}"
                     for p in check_text(message["text"], message.get("claims", []), tables)]
    return problems


def main(argv: list[str] | None = None) -> int:
    """`python tests/claimcheck.py FILE.json [PROCESSED_DIR]`: check a reports/summary.json or
    one notebook's run record (what `record_file` names) and print every problem."""
    import json
    import sys

    args = sys.argv[1:] if argv is None else argv
    if not args:
        print(main.__doc__)
        return 2
    data = json.loads(Path(args[0]).read_text(encoding="utf-8"))
    processed = args[1] if len(args) > 1 else "data/processed"
    if "figures" in data and "themes" not in data:  # a run record: one entry
        data = {"themes": [{"id": data.get("id"), "charts": data["figures"],
                            "findings": data.get("findings", [])}]}
    problems = check_summary(data, processed)
    for problem in problems:
        print(problem)
    print(f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
