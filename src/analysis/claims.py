"""Claims: every number a finding states, recorded by the same call that formats it.

    c = nb.claims()
    text = (f"In {y}, {fmt.name(s)} had "
            f"{c.value(v, 'number', indicator='emigrant_stock', states=[s], years=[y])} "
            "emigrants.")
    nb.publish(chart, "emigrants", text, claims=c)      # or nb.finding(text, claims=c)

A `Ledger` holds the claims of one sentence or caption. Each of its methods formats a number
with a function of `analysis.fmt`, records what the number is, and returns the formatted text
to put in the sentence. The ledger checks names and shapes only; it does not recompute. The
tests recompute every claim from the processed tables on their own (tests/claimcheck.py), so
the two must agree on the meaning written here.

A claim is a JSON-ready dict: `value`, `shown` (the formatted text), `format` (`{name, args}`,
a function of `analysis.fmt` and its keyword arguments), `op`, exactly one of `indicator`,
`measure`, `record` or `table`, then `states` (indicators, records, tables) or `origins` and
`destinations` (corridors), `years` (ints), `select` (tables) and what the op needs.

Cells
- `indicator`: data/processed/indicators.parquet; a cell is one state and year.
- `measure`: data/processed/corridors.parquet; a cell is one origin, destination and year.
  `origins` or `destinations` None means every one in the table.
- `record`: a catalogue record measure of the IOM Missing Migrants records
  (data/processed/missing_migrants.parquet), summing `dead_and_missing` of the records in the
  year:
  `missing_migrants_in_country`: records whose `incident_iso3` is one of `states`;
  `missing_migrants_of_nationals`: records whose `origin_iso3` list includes one of `states`
  (a record naming two of them counts once). The two are never added together.
  `missing_migrants_of_nationals_only`: records whose `origin_iso3` list is not empty and
  names only `states` (the lower bound of the nationals' count).
- `table`: a breakdown table, data/processed/<table>.parquet (see `TABLES`): its rows of
  `states` (catalogue states, in the table's state column) and `years` whose
  columns equal `select` (`{column: value or list of values}`); columns not named are summed
  over, so a claim pins every breakdown column it does not mean to add up (e.g. sex and age
  "Total" in trafficking_breakdowns). A cell is one row.
A null value (flag `M`) is no cell: never a zero.

Ops (what the checker recomputes)
- `value`: the single cell: one state and one year (corridors: one origin, one destination,
  one year; records: the records' sum for one state and one year).
- `sum`, `mean`, `median`: over every cell in states x years (corridors: origins x
  destinations x years). No cell at all is an error, not 0. Records: `value` and `sum` only.
- `change`: years=[y0, y1]; (sum of the cells at y1) - (sum of the cells at y0).
- `pct_change`: the same change / (sum at y0) * 100.
- `ratio`: sum(cells) / sum(denominator cells) * factor. Needs: `denominator` (an id in the
  same table; default the claim's own), `denominator_states` (corridors:
  `denominator_origins`, `denominator_destinations`) and `denominator_years`, each by default
  the claim's own, `factor` (default 1). E.g. refugees per 1,000: indicator refugees_abroad,
  denominator population, factor 1000.
- `share`: sum over states / sum over `of_states` * 100, same indicator and years. `of_states`
  (corridors: `of_origins`, `of_destinations`) None means every one in the table. Tables: the
  whole is the rows of the same states and years matching `of_select` (default `{}`: every
  row), which must not be narrower than `select`.
- `rank`: a superlative ("the most", "the highest share", "came next"), shown in words with
  the format `superlative` (its `word` for the rank it names, "rank N" otherwise, so a false
  superlative fails the check). `order` "desc" (default: 1 = the largest) or "asc" (1 = the
  smallest); rank = 1 + the number of competitors strictly ahead. Cells flagged `U` (few
  cases) are left out of indicator rankings (DESIGN.md, evidence rules) and cannot be ranked.
  Indicators: one state; `among` (states, including it). Each state's value is its cells
  summed over `years`, plus the cells of the indicators listed in `plus` ("refugees and
  asylum-seekers"), divided by its `denominator` cells in the same years times `factor` when a
  denominator is given ("per 1,000 residents"). With `among_years` (one year only, no plus or
  denominator) the cell is ranked against every cell of `among` x `among_years` ("the most in
  one year").
  Records: one state; each state of `among` by its records' sum over `years`.
  Corridor measures ("the most ... were detected in Türkiye"): `rank_by` "origin" or
  "destination" names the side ranked, which holds exactly one code; the cells are summed over
  the other side's codes (None: every one) and over `years`, per code of the ranked side, and
  ranked among `among` (codes, including the ranked one; None: every code of that side in the
  table). `rank_by` "pair" ranks one origin-destination pair (one code each side), summed over
  `years`, among every pair whose origin is in `among` and destination in
  `among_destinations` (None: every one).
  Tables: `rank_by` lists the columns ranked (breakdown columns, or "year"): the claim pins
  each in `select` (or, for "year", has one year); the rows of `states` matching the rest of
  `select` (and `years` unless "year" is ranked) are summed per combination of those columns
  and ranked; `among` (one ranked column only) limits the competitors' values (None: all),
  `among_years` the years when "year" is ranked (default: every year in the table).
- `count`: how many of `states` (corridors: origin-destination pairs of origins x
  destinations) satisfy `where`:
  `present`: a cell in every one of `years`;
  `rose` / `fell` / `unchanged`: years=[y0, y1], the cell at y1 is above / below / equal to
  the cell at y0 (only those with both cells count); with `min_pct` and `min_abs` (the
  minimum meaningful change, catalogue.MIN_CHANGE_PCT and MIN_CHANGE_FLOOR) `rose` / `fell`
  count only a change of at least min_abs and at least min_pct per cent of the y0 cell, and
  `little` counts the others (issue 19: 0 -> 5 is not "rose");
  `gt` / `lt`: one year; the cell is above / below the cell of `than` (another id in the same
  table) for the same state (pair) and year.
"""

from __future__ import annotations

import copy
import math
import re
from collections.abc import Iterable

from analysis import catalogue, fmt
from analysis.errors import AnalysisError

OPS = ("value", "sum", "mean", "median", "change", "pct_change", "ratio", "share", "rank",
       "count")
FORMATS = ("number", "count", "pct", "signed_pct", "points", "usd", "compact", "times",
           "decimal", "superlative")
RANK_SIDES = ("origin", "destination", "pair")
WHERE = ("present", "rose", "fell", "unchanged", "little", "gt", "lt")
MOVES = ("rose", "fell", "unchanged", "little")  # the wheres that compare two years
ORDERS = ("desc", "asc")

# Which ops each table supports (records are sums of counts; ranks are of states, or of one
# side of a corridor measure).
_OPS_BY_KIND = {
    "indicator": OPS,
    "measure": OPS,
    "record": ("value", "sum", "rank"),
    "table": ("value", "sum", "change", "pct_change", "share", "rank"),
}

# Breakdown tables a claim can name (the catalogue describes each).
TABLES = {t.name: t for t in catalogue.BREAKDOWN_TABLES}
# The keywords each op takes besides the common ones.
_NEEDS = {
    "ratio": ("denominator", "denominator_states", "denominator_origins",
              "denominator_destinations", "denominator_years", "factor"),
    "share": ("of_states", "of_origins", "of_destinations", "of_select"),
    "rank": ("among", "order", "rank_by", "among_years", "plus", "denominator", "factor",
             "among_destinations"),
    "count": ("where", "than", "min_pct", "min_abs"),
}
_CODE = re.compile(r"^[A-Z0-9]{3}$")  # corridor partners need not be catalogue states
_LAST_YEAR = 2100


def _shown_in(shown: str, text: str) -> bool:
    """`shown` stands in `text` as a number of its own, not part of a longer one (the number
    boundaries of the independent checker, tests/claimcheck.py)."""
    pattern = r"(?<!\d)(?<!\d[.,])" + re.escape(shown) + r"(?!\d)(?![.,]\d)"
    return re.search(pattern, text) is not None


class ClaimError(AnalysisError):
    """A claim that cannot be recorded as given (unknown id, wrong shape, missing value)."""


class Ledger:
    """The claims of one sentence or caption; each method returns the formatted number."""

    def __init__(self) -> None:
        self.claims: list[dict] = []

    def __len__(self) -> int:
        return len(self.claims)

    def to_list(self) -> list[dict]:
        """The claims as JSON-ready dicts (copies)."""
        return copy.deepcopy(self.claims)

    def check(self, text: str) -> None:
        """Every claim's number must appear in the text it was recorded for, as a whole
        number: "5%" is not found inside "15%", nor "1,500" inside "1,500.5"."""
        absent = [c["shown"] for c in self.claims if not _shown_in(c["shown"], text)]
        if absent:
            raise ClaimError(f"claimed number(s) {', '.join(map(repr, absent))} not in the "
                             f"text {text!r}: put each ledger's returned text in its sentence")

    def claim(self, value, fmt_name: str, op: str, *, indicator: str | None = None,
              measure: str | None = None, record: str | None = None, table: str | None = None,
              select: dict | None = None, states=None, origins=None, destinations=None, years,
              fmt_args: dict | None = None, **needs) -> str:
        """Record one claim and return `value` formatted by `analysis.fmt.<fmt_name>`."""
        if op not in OPS:
            raise ClaimError(f"claim op {op!r}: unknown; choose from {', '.join(OPS)}")
        kind, id_ = _table(indicator, measure, record, table)
        if kind != "table" and select is not None:
            raise ClaimError(f"claim {op} of {id_}: select= is for table claims")
        if op not in _OPS_BY_KIND[kind]:
            raise ClaimError(f"claim {op} on {kind} {id_!r}: a {kind} claim takes "
                             f"{', '.join(_OPS_BY_KIND[kind])}")
        where = f"claim {op} of {id_}"
        cells: dict = {}
        if kind == "measure":
            if states is not None:
                raise ClaimError(f"{where}: a corridor claim takes origins and destinations, "
                                 "not states")
            cells["origins"] = _codes(origins, f"{where}: origins")
            cells["destinations"] = _codes(destinations, f"{where}: destinations")
        elif kind == "table":
            if origins is not None or destinations is not None:
                raise ClaimError(f"{where}: a table claim takes states, not origins and "
                                 "destinations")
            cells["states"] = _states(states, f"{where}: states")
        else:
            if origins is not None or destinations is not None:
                raise ClaimError(f"{where}: origins and destinations are for corridor "
                                 "measures; give states")
            cells["states"] = _states(states, f"{where}: states")
        cells["years"] = _years(years, f"{where}: years")
        if kind == "table":
            cells["select"] = _select(id_, select, f"{where}: select")
        extra = _needs(op, kind, id_, cells, needs, where)
        _check_shape(op, kind, cells, extra, where)
        number = _number(value, op, where)
        _check_range(op, kind, number, cells, extra, where)
        format_, shown = _format(number, fmt_name, fmt_args, where)
        entry = {"value": number, "shown": shown, "format": format_, "op": op, kind: id_,
                 **cells, **extra}
        self.claims.append(entry)
        return shown

    # One thin wrapper per op; the keywords are those of `claim`.

    def value(self, value, fmt_name: str, **kw) -> str:
        return self.claim(value, fmt_name, "value", **kw)

    def sum(self, value, fmt_name: str, **kw) -> str:
        return self.claim(value, fmt_name, "sum", **kw)

    def mean(self, value, fmt_name: str, **kw) -> str:
        return self.claim(value, fmt_name, "mean", **kw)

    def median(self, value, fmt_name: str, **kw) -> str:
        return self.claim(value, fmt_name, "median", **kw)

    def change(self, value, fmt_name: str, **kw) -> str:
        return self.claim(value, fmt_name, "change", **kw)

    def pct_change(self, value, fmt_name: str, **kw) -> str:
        return self.claim(value, fmt_name, "pct_change", **kw)

    def ratio(self, value, fmt_name: str, **kw) -> str:
        return self.claim(value, fmt_name, "ratio", **kw)

    def share(self, value, fmt_name: str, **kw) -> str:
        return self.claim(value, fmt_name, "share", **kw)

    def rank(self, value, fmt_name: str, **kw) -> str:  # superlatives: fmt_name "superlative"
        return self.claim(value, fmt_name, "rank", **kw)

    def count(self, value, fmt_name: str, **kw) -> str:
        return self.claim(value, fmt_name, "count", **kw)


# ---------------------------------------------------------------------------
# Checks
# ---------------------------------------------------------------------------


def _table(indicator, measure, record, table) -> tuple[str, str]:
    given = [(k, v) for k, v in (("indicator", indicator), ("measure", measure),
                                 ("record", record), ("table", table)) if v is not None]
    if len(given) != 1:
        raise ClaimError("a claim names exactly one of indicator=, measure=, record= or "
                         f"table= (got {', '.join(k for k, _ in given) or 'none'})")
    kind, id_ = given[0]
    _check_id(kind, id_)
    return kind, id_


def _check_id(kind: str, id_: str) -> None:
    if kind == "table":
        if id_ not in TABLES:
            raise ClaimError(f"table {id_!r}: unknown; choose from {', '.join(TABLES)}")
        return
    lookup = {"indicator": catalogue.indicator, "measure": catalogue.corridor_measure,
              "record": catalogue.record_measure}[kind]
    try:
        lookup(id_)
    except KeyError as exc:
        raise ClaimError(exc.args[0]) from None


def _select(table: str, select, where: str) -> dict:
    """`{column: value or list of values}` over the table's breakdown columns; a list is kept
    as a list, one value as itself."""
    select = {} if select is None else select
    if not isinstance(select, dict):
        raise ClaimError(f"{where}={select!r}: expected a dict column -> value(s)")
    columns = TABLES[table].columns
    out = {}
    for column, wanted in select.items():
        if column not in columns:
            raise ClaimError(f"{where}: column {column!r} is not a breakdown column of "
                             f"{table}; choose from {', '.join(columns)}")
        items = wanted if isinstance(wanted, (list, tuple)) else [wanted]
        if not items or any(isinstance(v, bool) or not isinstance(v, (str, int))
                            for v in items):
            raise ClaimError(f"{where}: {column}={wanted!r}: expected a text or whole "
                             "number, or a non-empty list of them")
        out[column] = list(items) if isinstance(wanted, (list, tuple)) else wanted
    return out


def _as_items(value, where: str) -> list:
    if isinstance(value, str):
        return [value]  # one code
    if not isinstance(value, Iterable):
        raise ClaimError(f"{where}={value!r}: expected a list")
    items = list(value)
    if len(set(items)) != len(items):
        raise ClaimError(f"{where}={items!r}: listed twice")
    return items


def _states(states, where: str) -> list[str]:
    if states is None:
        raise ClaimError(f"{where}: missing; give a list of catalogue ISO3 codes")
    codes = _as_items(states, where)
    unknown = catalogue.unknown_states(codes)
    if unknown or not codes:
        raise ClaimError(f"{where}={codes!r}: unknown state(s) "
                         f"{', '.join(map(str, unknown)) or '(none given)'}; known: "
                         f"{', '.join(catalogue.state_codes())}")
    return [str(c) for c in codes]


def _codes(codes, where: str) -> list[str] | None:
    """Corridor partners: ISO3-like codes, or None for every one in the table."""
    if codes is None:
        return None
    items = _as_items(codes, where)
    bad = [c for c in items if not (isinstance(c, str) and _CODE.match(c))]
    if bad or not items:
        raise ClaimError(f"{where}={items!r}: expected ISO3 codes (or None for all), "
                         f"not {bad or 'an empty list'}")
    return items


def _years(years, where: str) -> list[int]:
    if isinstance(years, (str, bytes)) or not isinstance(years, Iterable):
        raise ClaimError(f"{where}={years!r}: expected a list of years, e.g. [2015]")
    out = []
    for y in years:
        try:
            year = int(y)
        except (TypeError, ValueError):
            year = None
        if isinstance(y, bool) or year is None or year != y \
                or not catalogue.FIRST_YEAR <= year <= _LAST_YEAR:
            raise ClaimError(f"{where}: {y!r} is not a year")
        out.append(year)
    if not out or len(set(out)) != len(out):
        raise ClaimError(f"{where}={out!r}: expected distinct years, at least one")
    return out


def _same_table_id(kind: str, id_, where: str) -> str:
    if not isinstance(id_, str):
        raise ClaimError(f"{where}={id_!r}: expected an id")
    _check_id(kind, id_)
    return id_


def _contains(part, whole) -> bool:
    """Is `part` within `whole`? None means every one in the table."""
    if whole is None:
        return True
    return part is not None and set(part) <= set(whole)


def _needs(op: str, kind: str, id_: str, cells: dict, needs: dict, where: str) -> dict:
    allowed = _NEEDS.get(op, ())
    unknown = sorted(set(needs) - set(allowed))
    if unknown:
        raise ClaimError(f"{where}: unexpected keyword(s) {', '.join(unknown)}; {op} takes "
                         f"{', '.join(allowed) or 'none besides the common ones'}")
    corridor = kind == "measure"
    if op == "ratio":
        partners = "denominator_origins" in needs or "denominator_destinations" in needs
        if (corridor and "denominator_states" in needs) or (not corridor and partners):
            raise ClaimError(f"{where}: states are for indicators, origins and destinations "
                             "for corridor measures")
        out = {"denominator": _same_table_id(kind, needs.get("denominator", id_),
                                             f"{where}: denominator")}
        if corridor:
            out["denominator_origins"] = _codes(needs.get("denominator_origins",
                                                          cells["origins"]),
                                                f"{where}: denominator_origins")
            out["denominator_destinations"] = _codes(
                needs.get("denominator_destinations", cells["destinations"]),
                f"{where}: denominator_destinations")
        else:
            out["denominator_states"] = _states(needs.get("denominator_states",
                                                          cells["states"]),
                                                f"{where}: denominator_states")
        out["denominator_years"] = _years(needs.get("denominator_years", cells["years"]),
                                          f"{where}: denominator_years")
        out["factor"] = _finite(needs.get("factor", 1), f"{where}: factor")
        if out["factor"] == 0:
            raise ClaimError(f"{where}: factor 0")
        return out
    if op == "share" and kind == "table":
        if set(needs) - {"of_select"}:
            raise ClaimError(f"{where}: a table share takes of_select only")
        of = _select(id_, needs.get("of_select"), f"{where}: of_select")
        for column, wanted in of.items():  # the whole must contain the part
            inner = cells["select"].get(column)
            whole = set(wanted) if isinstance(wanted, list) else {wanted}
            part = None if inner is None else (set(inner) if isinstance(inner, list)
                                               else {inner})
            if part is None or not part <= whole:
                raise ClaimError(f"{where}: of_select {column}={wanted!r} leaves out part of "
                                 f"the select ({column}={inner!r})")
        return {"of_select": of}
    if op == "share":
        if corridor:
            if "of_states" in needs:
                raise ClaimError(f"{where}: a corridor share takes of_origins/of_destinations")
            out = {"of_origins": _codes(needs.get("of_origins"), f"{where}: of_origins"),
                   "of_destinations": _codes(needs.get("of_destinations"),
                                             f"{where}: of_destinations")}
            pairs = (("origins", "of_origins"), ("destinations", "of_destinations"))
        else:
            if "of_origins" in needs or "of_destinations" in needs:
                raise ClaimError(f"{where}: an indicator share takes of_states")
            of = needs.get("of_states")
            out = {"of_states": None if of is None else _states(of, f"{where}: of_states")}
            pairs = (("states", "of_states"),)
        for part, whole in pairs:  # a share of a whole that leaves the part out is wrong
            if not _contains(cells[part], out[whole]):
                raise ClaimError(f"{where}: {part} {cells[part]} are not all in {whole} "
                                 f"{out[whole]}")
        return out
    if op == "rank" and corridor:
        return _corridor_rank(cells, needs, where)
    if op == "rank" and kind == "table":
        return _table_rank(id_, cells, needs, where)
    if op == "rank":
        return _state_rank(kind, cells, needs, where)
    if op == "count":
        where_ = needs.get("where")
        if where_ not in WHERE:
            raise ClaimError(f"{where}: where={where_!r}; choose from {', '.join(WHERE)}")
        out = {"where": where_}
        if where_ in ("gt", "lt"):
            out["than"] = _same_table_id(kind, needs.get("than"), f"{where}: than")
        elif "than" in needs:
            raise ClaimError(f"{where}: than= goes with where='gt' or 'lt'")
        limits = [k for k in ("min_pct", "min_abs") if k in needs]
        if limits and where_ not in ("rose", "fell", "little"):
            raise ClaimError(f"{where}: min_pct/min_abs go with where='rose', 'fell' or 'little'")
        if where_ == "little" and len(limits) < 2:
            raise ClaimError(f"{where}: where='little' needs min_pct and min_abs")
        for k in limits:
            out[k] = _finite(needs[k], f"{where}: {k}")
            if out[k] < 0:
                raise ClaimError(f"{where}: {k}={out[k]} is negative")
        return out
    return {}


def _order(needs: dict, where: str) -> str:
    order = needs.get("order", "desc")
    if order not in ORDERS:
        raise ClaimError(f"{where}: order={order!r}; choose from {', '.join(ORDERS)}")
    return order


def _refuse(needs: dict, keys: tuple[str, ...], where: str, why: str) -> None:
    given = [k for k in keys if k in needs]
    if given:
        raise ClaimError(f"{where}: {', '.join(given)} {why}")


def _corridor_rank(cells: dict, needs: dict, where: str) -> dict:
    _refuse(needs, ("among_years", "plus", "denominator", "factor"), where,
            "not for corridor ranks")
    side = needs.get("rank_by")
    if side not in RANK_SIDES:
        raise ClaimError(f"{where}: rank_by={side!r}; choose from {', '.join(RANK_SIDES)}")
    sides = ("origin", "destination") if side == "pair" else (side,)
    for one in sides:
        ranked = cells[f"{one}s"]
        if ranked is None or len(ranked) != 1:
            raise ClaimError(f"{where}: ranks exactly one of {one}s, got {ranked}")
    among = _codes(needs.get("among"), f"{where}: among")
    ranked = cells[f"{sides[0]}s"]
    if among is not None and ranked[0] not in among:
        raise ClaimError(f"{where}: the ranked {sides[0]} {ranked[0]} is not among {among}")
    out = {"among": among, "order": _order(needs, where), "rank_by": side}
    if side == "pair":
        others = _codes(needs.get("among_destinations"), f"{where}: among_destinations")
        if others is not None and cells["destinations"][0] not in others:
            raise ClaimError(f"{where}: the ranked destination is not among {others}")
        out["among_destinations"] = others
    elif "among_destinations" in needs:
        raise ClaimError(f"{where}: among_destinations goes with rank_by='pair'")
    return out


def _state_rank(kind: str, cells: dict, needs: dict, where: str) -> dict:
    """An indicator's or a record measure's rank of one state among states (or, for
    indicators, of one cell among states x years)."""
    _refuse(needs, ("rank_by", "among_destinations"), where,
            "for corridor measures and tables")
    if kind == "record":
        _refuse(needs, ("among_years", "plus", "denominator", "factor"), where,
                "not for records")
    among = _states(needs.get("among"), f"{where}: among")
    if not set(cells["states"]) <= set(among):
        raise ClaimError(f"{where}: the ranked state {cells['states']} is not among "
                         f"{among}")
    out = {"among": among, "order": _order(needs, where)}
    if "among_years" in needs:
        _refuse(needs, ("plus", "denominator", "factor"), where, "not with among_years")
        out["among_years"] = _years(needs["among_years"], f"{where}: among_years")
        if len(cells["years"]) != 1 or cells["years"][0] not in out["among_years"]:
            raise ClaimError(f"{where}: with among_years, one year that is among them")
    if "plus" in needs:
        out["plus"] = [_same_table_id(kind, i, f"{where}: plus")
                       for i in _as_items(needs["plus"], f"{where}: plus")]
    if "denominator" in needs:
        out["denominator"] = _same_table_id(kind, needs["denominator"], f"{where}: denominator")
        out["factor"] = _finite(needs.get("factor", 1), f"{where}: factor")
        if out["factor"] == 0:
            raise ClaimError(f"{where}: factor 0")
    elif "factor" in needs:
        raise ClaimError(f"{where}: factor goes with a denominator")
    return out


def _table_rank(table: str, cells: dict, needs: dict, where: str) -> dict:
    """A breakdown table's rank of one value of its `rank_by` columns (the form detected most
    often, the route and year with the most detections)."""
    _refuse(needs, ("plus", "denominator", "factor", "among_destinations"),
            where, "not for table ranks")
    by = needs.get("rank_by")
    by = [by] if isinstance(by, str) else by
    allowed = (*TABLES[table].columns, "year")
    if not by or not isinstance(by, (list, tuple)) or len(set(by)) != len(by) \
            or any(b not in allowed for b in by):
        raise ClaimError(f"{where}: rank_by={needs.get('rank_by')!r}; a list of "
                         f"{', '.join(allowed)}")
    for column in by:
        if column == "year" and len(cells["years"]) != 1:
            raise ClaimError(f"{where}: ranking years needs one year, got {cells['years']}")
        pinned = cells["select"].get(column)
        if column != "year" and (pinned is None or isinstance(pinned, list)):
            raise ClaimError(f"{where}: select must pin {column} to one value to rank it")
    among = needs.get("among")
    if among is not None:
        if len(by) != 1:
            raise ClaimError(f"{where}: among goes with one ranked column")
        among = _as_items(among, f"{where}: among")
        own = cells["years"][0] if by[0] == "year" else cells["select"][by[0]]
        if own not in among:
            raise ClaimError(f"{where}: the ranked {by[0]} {own!r} is not among {among}")
    out = {"rank_by": list(by), "among": among, "order": _order(needs, where)}
    if "among_years" in needs:  # the years ranked against (default: every year of the table)
        if "year" not in by:
            raise ClaimError(f"{where}: among_years goes with ranking years")
        out["among_years"] = _years(needs["among_years"], f"{where}: among_years")
        if cells["years"][0] not in out["among_years"]:
            raise ClaimError(f"{where}: the ranked year is not among {out['among_years']}")
    return out


def _check_shape(op: str, kind: str, cells: dict, extra: dict, where: str) -> None:
    """How many states (or partners) and years each op takes."""
    years = cells["years"]

    def one(key: str) -> None:
        if cells[key] is None or len(cells[key]) != 1:
            raise ClaimError(f"{where}: takes exactly one of {key}, got {cells[key]}")

    def n_years(n: int, example: str) -> None:
        if len(years) != n:
            raise ClaimError(f"{where}: takes years={example}, got {years}")

    if op == "rank" and kind in ("measure", "table"):
        return  # checked with rank_by; any years summed
    if op == "rank":
        one("states")  # one state; years summed (one with among_years: checked there)
    elif op == "value":
        for key in ("origins", "destinations") if kind == "measure" else ("states",):
            one(key)
        n_years(1, "[year]")
    elif op in ("change", "pct_change") or (
            op == "count" and extra["where"] in MOVES):
        n_years(2, "[y0, y1]")
    elif op == "count" and extra["where"] in ("gt", "lt"):
        n_years(1, "[year]")


def _number(value, op: str, where: str) -> float | int:
    if value is None or isinstance(value, (bool, str, bytes)):
        raise ClaimError(f"{where}: value {value!r} is not a number")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ClaimError(f"{where}: value {value!r} is not a number (a missing value must "
                         "not be stated as a number)") from None
    if math.isnan(number):
        raise ClaimError(f"{where}: value is NaN; a missing value must not be stated as a "
                         "number: say the figure is not available")
    if math.isinf(number):
        raise ClaimError(f"{where}: value is infinite (a division by zero?)")
    if op in ("rank", "count"):
        if number != int(number):
            raise ClaimError(f"{where}: value {value!r} is not a whole number")
        return int(number)
    return number


def _check_range(op: str, kind: str, number, cells: dict, extra: dict, where: str) -> None:
    if op == "rank":
        most = (None if extra["among"] is None or extra.get("rank_by") == "pair"
                or kind == "table"
                else len(extra["among"]) * len(extra.get("among_years") or [0]))
        if number < 1 or (most is not None and number > most):
            raise ClaimError(f"{where}: rank {number} outside 1..{most or 'the competitors'}")
    if op == "count":
        if kind == "measure":
            known = cells["origins"] is not None and cells["destinations"] is not None
            most = len(cells["origins"]) * len(cells["destinations"]) if known else None
        else:
            most = len(cells["states"])
        if number < 0 or (most is not None and number > most):
            raise ClaimError(f"{where}: count {number} outside 0..{most}")


def _finite(value, where: str) -> float:
    if isinstance(value, (bool, str, bytes)):
        raise ClaimError(f"{where}={value!r}: not a number")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ClaimError(f"{where}={value!r}: not a number") from None
    if not math.isfinite(number):
        raise ClaimError(f"{where}={value!r}: not a finite number")
    return number


def _format(number, fmt_name: str, fmt_args: dict | None, where: str) -> tuple[dict, str]:
    if fmt_name not in FORMATS:
        raise ClaimError(f"{where}: format {fmt_name!r} unknown; choose from "
                         f"{', '.join(FORMATS)} (functions of analysis.fmt)")
    args = dict(fmt_args or {})
    try:
        shown = getattr(fmt, fmt_name)(number, **args)
    except TypeError as exc:
        raise ClaimError(f"{where}: fmt.{fmt_name} does not take {args}: {exc}") from None
    return {"name": fmt_name, "args": args}, shown
