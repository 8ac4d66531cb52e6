"""Key messages: the briefing's first lines, chosen by a rule from the data, never typed.

    data["summary"] = keymessages.build(data, paths)   # in report.run_report

The rule (also written into summary.json as `summary.rule`, see `rule_text`):

1. Themes: those the report ran, in catalogue order, each through its headline indicator
   (`catalogue.Theme.headline`; a theme without one gives no message).
2. States: the report's chosen states (its default when none were chosen) that are
   participating states; observers and comparators never appear in a key message.
3. Years: complete years only (a source's part year and values flagged P are left out),
   within the report's chosen years.
4. (a) The largest value in the latest year with data: the state ranked first among the
   participating states with a value that year (values flagged M, not reported, or U, low
   reliability, are not ranked). The rank is a claim, so it recomputes.
5. (b) The largest change from the meeting's year (`catalogue.MEETING_YEAR`) to that same
   latest year, among the states compared: a state is compared only when it has a value in
   both years, no series break lies between them (flag B after the meeting's year, up to the
   latest, or an observation note of a kind in `catalogue.KEY_MESSAGE_BREAK_KINDS`, on the
   indicator, its inputs or the series whose breaks it carries,
   `catalogue.BREAKS_CARRIED_FROM`), and the change is meaningful: at least
   `catalogue.KEY_MESSAGE_MIN_CHANGE_PCT` per cent of the meeting year's value and at least
   the unit's floor in `catalogue.KEY_MESSAGE_MIN_CHANGE` (0 -> 5 is not "rose").
6. How sure: each message carries the observation flag of its value (for a change, the stronger
   of the two) and says it in words (`catalogue.CERTAINTY_WORDS`); modelled series
   (`catalogue.MODELLED_INDICATORS`) say "estimate" whatever their flag.
7. Order: at most `MAX_MESSAGES`, chosen all (a) first, then all (b), each in theme order, a
   message repeating an earlier one (same kind, indicator and state) dropped; shown in theme
   order, (a) before (b).

Every number is recorded by a claims ledger (`analysis.claims`), so tests/claimcheck.py
recomputes it from the processed tables like any finding's.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis import catalogue, fmt, load, metrics, plotting
from analysis.claims import Ledger
from analysis.paths import Paths
from analysis.transform import strongest_flag

BASE = catalogue.MEETING_YEAR
MAX_MESSAGES = 12
TARGET_MESSAGES = 6  # fewer: the note says the choice leaves only these
LARGEST, CHANGE = "largest", "change"  # the two kinds of message, in the order they are chosen
NOT_RANKED = ("M", "U")


@dataclass
class Message:
    kind: str
    theme: str
    indicator: str
    iso3: str
    year: int
    flag: str
    text: str
    claims: Ledger

    def as_dict(self, source: str, evidence: str | None) -> dict:
        return {"text": self.text, "claims": self.claims.to_list(), "theme": self.theme,
                "indicator": self.indicator, "iso3": self.iso3, "year": self.year,
                "flag": self.flag, "certainty": certainty(self.indicator, self.flag),
                "source": source, "evidence": evidence}


def rule_text() -> str:
    """The rule in one paragraph, with the catalogue's thresholds."""
    by_floor: dict[float, list[str]] = {}
    for unit, floor in catalogue.KEY_MESSAGE_MIN_CHANGE.items():
        by_floor.setdefault(floor, []).append(unit)
    floors = "; ".join(f"{fmt.number(floor)} for {', '.join(units)}"
                       for floor, units in by_floor.items())
    return (
        "Key messages are chosen by rule, not typed. For each theme the report ran, in the "
        "catalogue's order, the theme's headline indicator is read for the chosen states that "
        "are participating states (observers and comparators are never in a key message), in "
        "complete years only. (a) The largest value in the latest year with data: the state "
        "ranked first among the participating states with a value that year (values not "
        "reported or of low reliability are not ranked). (b) The largest change from "
        f"{BASE}, the meeting's year, to that latest year, among the states with a value in "
        "both years, no series break, reclassification, coverage change or unreviewed jump "
        "between them (on the indicator, its inputs, or the refugee series a migrant stock "
        "includes), and a change of at least "
        f"{fmt.number(catalogue.KEY_MESSAGE_MIN_CHANGE_PCT)}% of the {BASE} value and at "
        f"least a floor in the indicator's unit ({floors}; percentage points for shares). "
        "Each message gives its number, year, source and how sure it is (the observation "
        "flag in words; modelled series say estimate or projection). At most "
        f"{MAX_MESSAGES} messages: all (a) first, then all (b), in theme order, repeats "
        "dropped; shown in theme order, (a) before (b).")


def certainty(indicator: str, flag: str) -> str:
    """How sure a value is, in words: its flag's, or "estimate" for a modelled series."""
    if not flag and indicator in catalogue.MODELLED_INDICATORS:
        return catalogue.CERTAINTY_WORDS["E"]
    return catalogue.CERTAINTY_WORDS.get(flag, catalogue.FLAG_MEANINGS.get(flag, flag))


# ---------------------------------------------------------------------------
# What the report chose
# ---------------------------------------------------------------------------


def chosen_participants(options: dict) -> list[str]:
    """The report's chosen states (the theme notebooks' default when none were chosen) that
    are participating states, in catalogue order."""
    chosen = options.get("states") or catalogue.state_codes()
    return [s for s in catalogue.state_codes(catalogue.PARTICIPATING) if s in chosen]


def _headline_themes(options: dict) -> list[catalogue.Theme]:
    ran = options.get("themes")
    return [t for t in catalogue.THEMES
            if t.headline and (ran is None or t.id in ran)]


def _inputs(indicator: str) -> list[str]:
    ind = catalogue.indicator(indicator)
    return [ind.numerator, ind.denominator] if ind.provider == "derived" else []


def related_series(indicator: str) -> list[str]:
    """The indicator, its inputs, and the series whose breaks they carry."""
    out: list[str] = []
    for id_ in [indicator, *_inputs(indicator)]:
        for series in (id_, *catalogue.BREAKS_CARRIED_FROM.get(id_, ())):
            if series not in out:
                out.append(series)
    return out


# ---------------------------------------------------------------------------
# The data
# ---------------------------------------------------------------------------


@dataclass
class Tables:
    indicators: pd.DataFrame  # the related series of every headline, chosen states and years
    notes: pd.DataFrame  # observation notes of those series and states
    vintage: dict
    latest: dict  # base indicator -> latest year with a value in the whole table


def read_tables(indicators: list[str], states: list[str], years, paths: Paths) -> Tables:
    series = sorted({s for ind in indicators for s in related_series(ind)})
    span = tuple(years) if years else None
    frame = load.indicators(series, states=states, years=span, paths=paths)
    notes = load.observation_notes(states, paths=paths)
    notes = notes[notes["indicator"].isin(series) & notes["iso3"].isin(states)]
    bases = plotting.base_indicators(indicators)
    everywhere = load.indicators(bases, paths=paths).dropna(subset=["value"])
    latest = everywhere.groupby("indicator")["year"].max().astype(int).to_dict()
    return Tables(frame, notes, load.vintage(paths=paths), latest)


def complete_rows(tables: Tables, indicator: str) -> pd.DataFrame:
    """The indicator's rows in complete years: no source's part year (or later), no P."""
    rows = tables.indicators[tables.indicators["indicator"] == indicator]
    for base in plotting.base_indicators([indicator]):
        provider = catalogue.indicator(base).provider
        partial = metrics.partial_year(tables.vintage.get(provider, {}))
        if partial is not None:
            rows = rows[rows["year"] < partial]
    return rows[rows["flag"] != "P"].reset_index(drop=True)


def _rankable(rows: pd.DataFrame) -> pd.DataFrame:
    return rows[rows["value"].notna() & ~rows["flag"].isin(NOT_RANKED)]


def break_between(tables: Tables, indicator: str, iso3: str, first: int, last: int) -> bool:
    """A break, reclassification, coverage change or unreviewed jump in (first, last] on the
    indicator, its inputs or the series whose breaks it carries."""
    series = related_series(indicator)
    rows = tables.indicators[tables.indicators["indicator"].isin(series)
                             & (tables.indicators["iso3"] == iso3)]
    if not metrics.breaks_between(rows, first, last).empty:
        return True
    notes = tables.notes
    hit = notes[notes["indicator"].isin(series) & (notes["iso3"] == iso3)
                & (notes["year"] > first) & (notes["year"] <= last)
                & notes["kind"].isin(catalogue.KEY_MESSAGE_BREAK_KINDS)]
    return not hit.empty


def meaningful(indicator: str, before: float, after: float) -> bool:
    """Is the change at least the catalogue's minimum, relative and in the unit?"""
    change = abs(after - before)
    floor = catalogue.KEY_MESSAGE_MIN_CHANGE[catalogue.indicator(indicator).unit]
    if change < floor:
        return False
    return before == 0 or change / abs(before) * 100 >= catalogue.KEY_MESSAGE_MIN_CHANGE_PCT


# ---------------------------------------------------------------------------
# Sentences
# ---------------------------------------------------------------------------


def _what(indicator: str, iso3: str) -> str:
    name = fmt.the(fmt.name(iso3))
    words = catalogue.KEY_MESSAGE_WORDS.get(indicator)
    if words:
        return words.format(state=name)
    ind = catalogue.indicator(indicator)
    return f"{ind.label.lower()} ({ind.unit}) for {name}"


def _value(c: Ledger, value: float, indicator: str, iso3: str, year: int) -> str:
    unit = catalogue.indicator(indicator).unit
    cells = {"indicator": indicator, "states": [iso3], "years": [year]}
    if unit.startswith("%"):
        return c.value(value, "pct", **cells)
    if unit == "current US$":
        return c.value(value, "usd", **cells)
    if unit.startswith("per 1,000"):
        return c.value(value, "decimal", **cells)
    return c.value(value, "number", **cells)


def _change(c: Ledger, before: float, after: float, indicator: str, iso3: str, end: int) -> str:
    unit = catalogue.indicator(indicator).unit
    cells = {"indicator": indicator, "states": [iso3], "years": [BASE, end]}
    if unit.startswith("%"):
        return c.change(after - before, "points", **cells)
    if unit.startswith("per 1,000"):
        shown = c.change(after - before, "decimal", **cells)
    else:
        shown = c.change(after - before, "number", **cells)
    sign = "+" if after > before else ""
    relative = (f", {c.pct_change((after - before) / before * 100, 'signed_pct', **cells)}"
                if before > 0 else "")
    money = " US$" if unit == "current US$" else ""
    return f"{sign}{shown}{money}{relative}"


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


def qualifier(tables: Tables, indicator: str, iso3: str, years: list[int], flag: str) -> str:
    """How sure the value is, in the sentence's words ("" for a value as reported)."""
    if not flag:
        modelled = catalogue.MODELLED_INDICATORS.get(indicator)
        return modelled or ""
    word = certainty(indicator, flag)
    if flag == "B":
        label = catalogue.break_label(indicator, iso3, max(years))
        return f"{word}: {label}" if label else word
    rows = tables.indicators[(tables.indicators["iso3"] == iso3)
                             & tables.indicators["year"].isin(years)
                             & (tables.indicators["flag"] == flag)]
    inputs = [i for i in _inputs(indicator) if i in set(rows["indicator"])]
    if inputs:  # a derived value inherits the flag of an input: name the input
        label = catalogue.indicator(inputs[0]).label.lower()
        return f"based on {_article(word)} {word} of {label}"
    return word


# ---------------------------------------------------------------------------
# The two kinds of message
# ---------------------------------------------------------------------------


def largest(theme: catalogue.Theme, tables: Tables) -> Message | None:
    """(a) The largest value in the latest year with data, ranked among the participating
    states with a value that year."""
    ind = theme.headline
    rows = _rankable(complete_rows(tables, ind))
    if rows.empty:
        return None
    year = int(rows["year"].max())
    cells = rows[rows["year"] == year].set_index("iso3")
    top = cells["value"].idxmax()
    value, flag = float(cells.at[top, "value"]), str(cells.at[top, "flag"])
    c = Ledger()
    shown = _value(c, value, ind, top, year)
    how = qualifier(tables, ind, top, [year], flag)
    text = f"In {year}, {_what(ind, top)} stood at {shown}" + (f" ({how})" if how else "")
    among = list(cells.index)
    if len(among) > 1:
        rank = c.rank(1, "count", indicator=ind, states=[top], years=[year], among=among)
        count = c.count(len(among), "count", indicator=ind, states=among, years=[year],
                        where="present")
        text += (f", the largest among the participating states with data for {year} "
                 f"(rank {rank} of {count})")
    text += "."
    c.check(text)
    return Message(LARGEST, theme.id, ind, top, year, flag, text, c)


def largest_change(theme: catalogue.Theme, tables: Tables) -> Message | None:
    """(b) The largest meaningful change from the meeting's year to the latest year with data,
    among the states with values in both and no break between them."""
    ind = theme.headline
    rows = _rankable(complete_rows(tables, ind))
    if rows.empty:
        return None
    end = int(rows["year"].max())
    if end <= BASE:
        return None
    before = rows[rows["year"] == BASE].set_index("iso3")
    after = rows[rows["year"] == end].set_index("iso3")
    compared = [s for s in after.index if s in before.index
                and not break_between(tables, ind, s, BASE, end)
                and meaningful(ind, before.at[s, "value"], after.at[s, "value"])]
    if not compared:
        return None
    top = max(compared, key=lambda s: abs(after.at[s, "value"] - before.at[s, "value"]))
    a, b = float(before.at[top, "value"]), float(after.at[top, "value"])
    flag = strongest_flag(str(before.at[top, "flag"]), str(after.at[top, "flag"]))
    c = Ledger()
    a_shown, b_shown = _value(c, a, ind, top, BASE), _value(c, b, ind, top, end)
    change = _change(c, a, b, ind, top, end)
    verb = "rose" if b > a else "fell"
    how = qualifier(tables, ind, top, [BASE, end], flag)
    text = (f"From {BASE}, the meeting's year, to {end}, {_what(ind, top)} {verb} from "
            f"{a_shown} to {b_shown} ({change}" + (f"; {how}" if how else "") + ").")
    c.check(text)
    return Message(CHANGE, theme.id, ind, top, end, flag, text, c)


# ---------------------------------------------------------------------------
# Source and evidence
# ---------------------------------------------------------------------------


def source_line(indicator: str, tables: Tables) -> str:
    """'UNHCR (Refugees hosted), released 2025-12-01, data to 2025; ...': per provider of the
    indicator's inputs, the series it gives, its release and the series' latest year."""
    by_provider: dict[str, list[str]] = {}
    for base in plotting.base_indicators([indicator]):
        by_provider.setdefault(catalogue.indicator(base).provider, []).append(base)
    parts = []
    for provider, bases in by_provider.items():
        entry = tables.vintage.get(provider, {})
        files = entry.get("files") or {}
        released = {files[d]["date_published"] for d in
                    (catalogue.indicator(b).dataset for b in bases)
                    if d in files and isinstance(files[d].get("date_published"), str)}
        released = released or ({entry["last_updated"]} if entry.get("last_updated") else set())
        name = entry.get("provider") or catalogue.provider(provider).name
        labels = "; ".join(catalogue.indicator(b).label for b in bases)
        bits = [f"{name} ({labels})"]
        if released:
            bits.append(f"released {', '.join(sorted(released))}")
        years = [tables.latest[b] for b in bases if b in tables.latest]
        if years:
            bits.append(f"data to {max(years)}")
        parts.append(", ".join(bits))
    return "; ".join(parts)


def evidence(summary: dict, theme_id: str, indicator: str) -> str | None:
    """The theme page's chart drawing the indicator (a main chart first), or None."""
    entry = next((t for t in summary.get("themes", []) if t.get("id") == theme_id), None)
    if entry is None or entry.get("status") != "ok":
        return None
    charts = [ch for ch in entry.get("charts", [])
              if indicator in {d.get("id") for d in ch.get("definitions") or []}]
    charts.sort(key=lambda ch: not ch.get("main"))
    return f"themes/{theme_id}/index.html#{charts[0]['name']}" if charts else None


# ---------------------------------------------------------------------------
# The whole set
# ---------------------------------------------------------------------------


def choose(candidates: list[Message], themes: list[str]) -> list[Message]:
    """At most MAX_MESSAGES: all (a) first, then all (b), each in theme order, repeats dropped;
    returned in theme order, (a) before (b)."""
    kinds = (LARGEST, CHANGE)

    def chosen_order(m: Message) -> tuple:
        return kinds.index(m.kind), themes.index(m.theme)

    kept, seen = [], set()
    for m in sorted(candidates, key=chosen_order):
        key = (m.kind, m.indicator, m.iso3)
        if key not in seen:
            seen.add(key)
            kept.append(m)
    kept = kept[:MAX_MESSAGES]
    return sorted(kept, key=lambda m: (themes.index(m.theme), kinds.index(m.kind)))


def build(summary: dict, paths: Paths) -> dict:
    """summary.json's `summary`: the rule, the key messages and, when there are fewer than
    TARGET_MESSAGES, a note saying why."""
    options = summary.get("options", {})
    states = chosen_participants(options)
    themes = _headline_themes(options)
    out: dict = {"rule": rule_text(), "key_messages": [], "note": None}
    if not states:
        out["note"] = ("No key message: no participating state is among the states chosen "
                       "(observers and comparators are never in a key message).")
        return out
    if not themes:
        out["note"] = ("No key message: no theme in this report has a headline indicator.")
        return out
    tables = read_tables([t.headline for t in themes], states, options.get("years"), paths)
    candidates = [m for t in themes for m in (largest(t, tables), largest_change(t, tables))
                  if m is not None]
    chosen = choose(candidates, [t.id for t in themes])
    out["key_messages"] = [m.as_dict(source_line(m.indicator, tables),
                                     evidence(summary, m.theme, m.indicator)) for m in chosen]
    if not chosen:
        out["note"] = ("No key message: the headline indicators have no data for the "
                       "participating states and years chosen.")
    elif len(chosen) < TARGET_MESSAGES:
        out["note"] = (f"Only {len(chosen)} key message(s): the states, years and themes "
                       "chosen leave no more under the rule.")
    return out
