"""The jump screen (issue 18): changes in the published series that a statistician reviews
before anyone reads them as change in people or money.

    hits = screen.screen(base_indicators, base_corridors, flow_parts)
    notes, unreviewed = screen.notes_table(base_indicators, base_corridors, hits)

- Stocks (people hosted or abroad, stateless, IDPs, migrant stocks and the migrant-stock
  corridors of the catalogue's states, remittances received and paid): a change between two
  consecutive published observations from 2000 on of at least `RATIO` either way and at least
  `MIN_PEOPLE` people (`MIN_USD` for money). A change from a published 0 counts as a jump.
- Flows (new arrivals, new asylum applications): a coverage change, a reporting country that
  made up most of last year's total (and at least `MIN_PEOPLE`) and has no figure this year.

Each hit is reviewed in catalogue.OBSERVATION_NOTES: a note covering the later observation (a
break, a "not reported" figure, an estimate, a coverage change or a real event), or an M or E
note on the earlier one (a jump from a placeholder or a carried-forward figure). A hit without
one is published as kind "unreviewed" until someone reviews it; the build does not stop.
The screen reads the values as the providers published them, before notes blank M values.
"""

from __future__ import annotations

import pandas as pd

from analysis import catalogue, transform

RATIO = 2.5
MIN_PEOPLE = 10_000
MIN_USD = 250e6
SINCE = 2000

STOCK_INDICATORS = ("refugees_hosted", "refugees_abroad", "asylum_seekers_hosted",
                    "asylum_seekers_abroad", "stateless", "idps", "idps_idmc",
                    "immigrant_stock", "emigrant_stock", "remittances_received_usd",
                    "remittances_paid_usd")
STOCK_MEASURES = ("migrant_stock",)
# Flow indicators screened for coverage: the parts are the reporting (asylum) countries.
FLOW_INDICATORS = ("refugee_arrivals_abroad", "asylum_applications_abroad")
# Share of last year's total above which a reporter's absence is a coverage change.
MAJOR_SHARE = 0.5

HIT_COLUMNS = ["check", "indicator", "measure", "iso3", "origin_iso3", "destination_iso3",
               "year_before", "year", "value_before", "value", "reporter"]
NOTE_COLUMNS = ["indicator", "measure", "iso3", "origin_iso3", "destination_iso3", "year",
                "flag", "kind", "reason", "source"]
UNREVIEWED = "unreviewed"
MAX_LISTED = 10  # hits named in the warning line; the table lists every one
KINDS = ("break", "not reported", "estimate", "coverage", "event", UNREVIEWED)


def _threshold(unit: str) -> float:
    return MIN_USD if "US$" in unit else MIN_PEOPLE


def jumps(frame: pd.DataFrame, keys: list[str], min_change: float) -> pd.DataFrame:
    """Consecutive published observations (year >= SINCE, value not null) of each series
    (`keys`) that change by at least RATIO either way and at least `min_change` in absolute
    terms: one row per jump with year_before/value_before and year/value."""
    obs = frame.loc[(frame["year"] >= SINCE) & frame["value"].notna(), [*keys, "year", "value"]]
    obs = obs.sort_values([*keys, "year"])
    before = obs.groupby(keys, sort=False)[["year", "value"]].shift(1)
    obs = obs.assign(year_before=before["year"], value_before=before["value"])
    obs = obs[obs["year_before"].notna()]
    low = obs[["value", "value_before"]].min(axis=1)
    high = obs[["value", "value_before"]].max(axis=1)
    # low 0 (a published zero) is an infinite ratio: it is a jump when the change is large
    big = ((high >= RATIO * low) & (high > 0)) & ((high - low) >= min_change)
    out = obs[big].copy()
    out["year_before"] = out["year_before"].astype("int64")
    return out.reset_index(drop=True)


def coverage_gaps(parts: pd.DataFrame, keys: list[str], min_part: float = MIN_PEOPLE
                  ) -> pd.DataFrame:
    """Flow series made of reporters' parts (`keys` + reporter, year, value): the years in
    which a reporter that made up more than MAJOR_SHARE of last year's total (and at least
    `min_part`) has no figure, though the data reach that year."""
    parts = parts[parts["value"].notna()]
    if parts.empty:
        return pd.DataFrame(columns=[*keys, "reporter", "year_before", "year", "value_before",
                                     "value"])
    last_year = int(parts["year"].max())
    totals = parts.groupby([*keys, "year"], as_index=False)["value"].sum()
    big = parts.merge(totals, on=[*keys, "year"], suffixes=("", "_total"))
    big = big[(big["year"] >= SINCE - 1) & (big["year"] < last_year)
              & (big["value"] > MAJOR_SHARE * big["value_total"]) & (big["value"] >= min_part)]
    nxt = big[[*keys, "reporter", "year", "value_total"]].rename(
        columns={"year": "year_before", "value_total": "value_before"})
    nxt["year"] = nxt["year_before"] + 1
    present = parts[[*keys, "reporter", "year"]].drop_duplicates().assign(_there=True)
    gaps = nxt.merge(present, on=[*keys, "reporter", "year"], how="left")
    gaps = gaps[gaps["_there"].isna()].drop(columns="_there")
    # this year's total from the other reporters (0 when none reports at all)
    gaps = gaps.merge(totals, on=[*keys, "year"], how="left")
    gaps["value"] = gaps["value"].fillna(0.0)
    return gaps.reset_index(drop=True)


def _hits(frame: pd.DataFrame, check: str) -> pd.DataFrame:
    out = frame.assign(check=check)
    for col in HIT_COLUMNS:
        if col not in out:
            out[col] = "" if col in ("indicator", "measure", "iso3", "origin_iso3",
                                     "destination_iso3", "reporter") else float("nan")
    return out[HIT_COLUMNS]


def screen(indicators: pd.DataFrame, corridors: pd.DataFrame,
           flow_parts: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every hit of the screen (HIT_COLUMNS; `check` "jump" or "coverage"), from the values as
    published (indicator and corridor rows before the notes blank M values) and, for the
    coverage check, `flow_parts` (indicator, iso3, reporter, year, value)."""
    parts = []
    for ind_id in STOCK_INDICATORS:
        rows = indicators[indicators["indicator"] == ind_id]
        if not rows.empty:
            min_change = _threshold(catalogue.indicator(ind_id).unit)
            parts.append(_hits(jumps(rows, ["indicator", "iso3"], min_change), "jump"))
    states = catalogue.state_codes()
    for measure in STOCK_MEASURES:
        rows = corridors[(corridors["measure"] == measure)
                         & (corridors["origin_iso3"].isin(states)
                            | corridors["destination_iso3"].isin(states))]
        if not rows.empty:
            min_change = _threshold(catalogue.corridor_measure(measure).unit)
            parts.append(_hits(jumps(rows, ["measure", "origin_iso3", "destination_iso3"],
                                     min_change), "jump"))
    if flow_parts is not None and not flow_parts.empty:
        parts.append(_hits(coverage_gaps(flow_parts, ["indicator", "iso3"]), "coverage"))
    if not parts:
        return pd.DataFrame(columns=HIT_COLUMNS)
    return pd.concat(parts, ignore_index=True)


def flow_parts(arrivals: pd.DataFrame | None, corridors: pd.DataFrame) -> pd.DataFrame:
    """The reporters' parts of the flow indicators: UNHCR's flow rows (coo_iso, coa_iso, year
    and the arrival columns, or None without the flows file) for refugee_arrivals_abroad, the
    asylum_applications corridors for asylum_applications_abroad; catalogue states only."""
    from analysis.providers import unhcr

    states = catalogue.state_codes()
    out = []
    if arrivals is not None:
        value = arrivals[unhcr.ARRIVAL_FIELDS].sum(axis=1, min_count=1)
        rows = arrivals.assign(value=value).groupby(["coo_iso", "coa_iso", "year"],
                                                     as_index=False)["value"].sum(min_count=1)
        out.append(pd.DataFrame({"indicator": "refugee_arrivals_abroad", "iso3": rows["coo_iso"],
                                 "reporter": rows["coa_iso"], "year": rows["year"],
                                 "value": rows["value"]}))
    apps = corridors[corridors["measure"] == "asylum_applications"]
    out.append(pd.DataFrame({"indicator": "asylum_applications_abroad",
                             "iso3": apps["origin_iso3"], "reporter": apps["destination_iso3"],
                             "year": apps["year"], "value": apps["value"]}))
    frame = pd.concat(out, ignore_index=True)
    return frame[frame["iso3"].isin(states)].reset_index(drop=True)


# -- the review ------------------------------------------------------------------------------


def note_kind(note: catalogue.ObservationNote) -> str:
    """break, not reported, estimate, coverage or event: the note's own kind, else its flag's."""
    return note.kind or {"B": "break", "M": "not reported", "E": "estimate"}.get(note.flag,
                                                                                 "event")


def _specific_first(notes: list[catalogue.ObservationNote]) -> list[catalogue.ObservationNote]:
    """Notes naming a state or corridor before those for every one, then by flag precedence:
    the first is the one that explains an observation."""
    order = {code: i for i, code in enumerate(catalogue.FLAG_PRECEDENCE)}
    return sorted(notes, key=lambda n: (n.iso3 is None and n.origin is None
                                        and n.destination is None, n.years is None,
                                        order.get(n.flag, len(order))))


def _covering(table: pd.DataFrame, by_indicator: bool) -> pd.Series:
    """For each row of `table` (indicator or corridor rows with year and published value), the
    first reviewed note covering it, or None."""
    found = pd.Series([None] * len(table), index=table.index, dtype=object)
    if table.empty:
        return found
    notes = [n for n in catalogue.OBSERVATION_NOTES if (n.indicator is not None) == by_indicator]
    for note in reversed(_specific_first(notes)):  # the first note wins: set it last
        found[transform._note_mask(table, note)] = note
    return found


def _ends(hits: pd.DataFrame, end: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The hits' later (end "") or earlier (end "_before") observations, as indicator rows and
    corridor rows in the processed tables' columns."""
    rows = hits.assign(year=hits[f"year{end}"].astype("int64"), value=hits[f"value{end}"])
    by_ind = rows["indicator"] != ""
    return rows[by_ind], rows[~by_ind]


def review(hits: pd.DataFrame) -> pd.Series:
    """For each hit, the note that reviews it (or None): a note on the later observation, else
    an M or E note on the earlier one. A coverage hit has only its later observation."""
    return _review(hits, ("", "_before"))


def _review(hits: pd.DataFrame, ends: tuple[str, ...]) -> pd.Series:
    out = pd.Series([None] * len(hits), index=hits.index, dtype=object)
    for end in ends:
        ind_rows, corr_rows = _ends(hits, end)
        for rows, by_indicator in ((ind_rows, True), (corr_rows, False)):
            if end == "_before":
                rows = rows[(rows["check"] == "jump") & out[rows.index].isna()]
            found = _covering(rows, by_indicator)
            if end == "_before":  # a placeholder or carried-forward start explains a jump
                found = found.map(lambda n: n if n is not None and n.flag in ("M", "E")
                                  else None)
            found = found[found.notna() & out[found.index].isna()]
            out[found.index] = found
    return out


def _source_of(row) -> str:
    if row["indicator"]:
        return transform.source_label(catalogue.indicator(row["indicator"]))
    m = catalogue.corridor_measure(row["measure"])
    return f"{m.provider}: {m.dataset}.{m.field}"


def unreviewed_reason(row) -> str:
    if row["check"] == "coverage":
        return (f"not yet reviewed: {row['reporter']}, most of {int(row['year_before'])}'s "
                f"total, has no figure in {int(row['year'])} (a coverage change, not a fall)")
    return (f"not yet reviewed: changed from {row['value_before']:,.0f} "
            f"({int(row['year_before'])}) to {row['value']:,.0f}, at least {RATIO:g} times "
            "either way; not to be read as real change until reviewed")


def describe(row) -> str:
    """'refugees_hosted RUS 2023->2024' or 'migrant_stock AFG->IRN 2020->2024'."""
    who = row["iso3"] if row["indicator"] else f"{row['origin_iso3']}->{row['destination_iso3']}"
    what = row["indicator"] or row["measure"]
    tail = f" ({row['reporter']} absent)" if row["check"] == "coverage" else ""
    return f"{what} {who} {int(row['year_before'])}->{int(row['year'])}{tail}"


def _note_rows(table: pd.DataFrame, by_indicator: bool) -> pd.DataFrame:
    found = _covering(table, by_indicator)
    noted = table[found.notna()]
    notes = found[found.notna()]
    keys = (["indicator", "iso3"] if by_indicator
            else ["measure", "origin_iso3", "destination_iso3"])
    out = noted[[*keys, "year"]].copy()
    out["flag"] = [n.flag for n in notes]
    out["kind"] = [note_kind(n) for n in notes]
    out["reason"] = [n.reason for n in notes]
    out["source"] = [n.source for n in notes]
    return out


def notes_table(indicators: pd.DataFrame, corridors: pd.DataFrame, hits: pd.DataFrame
                ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """data/processed/observation_notes.parquet: one row per noted observation of the tables
    as published (`indicators`, `corridors` before the notes blank M values), with the note's
    flag, kind, reason and source; plus one row of kind "unreviewed" (flag "") for each hit no
    note reviews. Returns (table, the unreviewed hits)."""
    reviewed = review(hits)
    unreviewed = hits[reviewed.isna()]
    rows = [_note_rows(indicators, True), _note_rows(corridors, False)]
    # A hit reviewed on a year with no observation (a flow no reporter has a figure for) is
    # listed too: the review is published whether or not the table has the row.
    later = _review(hits, ("",))
    done = hits[later.notna()]
    if not done.empty:
        notes = later[later.notna()]
        rows.append(pd.DataFrame({
            **{c: done[c] for c in ("indicator", "measure", "iso3", "origin_iso3",
                                    "destination_iso3")},
            "year": done["year"].astype("int64"), "flag": [n.flag for n in notes],
            "kind": [note_kind(n) for n in notes], "reason": [n.reason for n in notes],
            "source": [n.source for n in notes]}))
    if not unreviewed.empty:
        rows.append(pd.DataFrame({
            **{c: unreviewed[c] for c in ("indicator", "measure", "iso3", "origin_iso3",
                                          "destination_iso3")},
            "year": unreviewed["year"].astype("int64"), "flag": "", "kind": UNREVIEWED,
            "reason": [unreviewed_reason(r) for _, r in unreviewed.iterrows()],
            "source": [_source_of(r) for _, r in unreviewed.iterrows()]}))
    table = pd.concat(rows, ignore_index=True)
    for col in ("indicator", "measure", "iso3", "origin_iso3", "destination_iso3"):
        table[col] = table[col].fillna("").astype(str)
    table["year"] = table["year"].astype("int64")
    # An unreviewed hit on an observation that another note already covers (say a blanket
    # estimate note) keeps both rows: the review is still owed.
    table = table.drop_duplicates(NOTE_COLUMNS[:6] + ["kind"])
    table = table[NOTE_COLUMNS].sort_values(NOTE_COLUMNS[:6], ignore_index=True)
    return table, unreviewed.reset_index(drop=True)


def warning_line(unreviewed: pd.DataFrame) -> str | None:
    """One line for the build's warnings naming the unreviewed hits, or None."""
    if unreviewed.empty:
        return None
    named = [describe(r) for _, r in unreviewed.head(MAX_LISTED).iterrows()]
    if len(unreviewed) > MAX_LISTED:
        named.append(f"and {len(unreviewed) - MAX_LISTED} more")
    listed = "; ".join(named)
    return (f"screen: {len(unreviewed)} unreviewed jump(s) or coverage change(s), published "
            f"with note kind 'unreviewed' in observation_notes.parquet (review them in "
            f"catalogue.OBSERVATION_NOTES): {listed}")


def unreviewed_entries(paths=None) -> list[dict]:
    """The published unreviewed hits (observation_notes.parquet, kind "unreviewed") for the
    report's "What is new": what, where, the year, and why it is listed."""
    from analysis import load

    notes = load.observation_notes(paths=paths)
    rows = notes[notes["kind"] == UNREVIEWED]
    keys = ("indicator", "measure", "iso3", "origin_iso3", "destination_iso3")
    return [{**{k: (row[k] if isinstance(row[k], str) and row[k] else None) for k in keys},
             "year": int(row["year"]), "reason": row["reason"], "source": row["source"]}
            for _, row in rows.iterrows()]

