"""Refugees' protection and self-reliance (remarks 2 and 11): UNHCR's refugee counts and their
breaks, refugees relative to population, hosted at home and abroad, Afghan refugees by country
of asylum, the traditional solutions, and how asylum claims by the states' nationals are
decided."""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from analysis import catalogue, comparison, fmt, metrics, plotting
from analysis.notebook import Session
from analysis.themes.common import (
    BASE,
    MEETING_MARK,
    Figure,
    Finding,
    latest_year,
    no_rows,
    superlative,
)

IRAN = "IRN"  # its count of Afghans changes definition in 2022 and again in mid-2025
ORIGIN = "AFG"  # the region's largest refugee population

PEOPLE_IDS = ["refugees_hosted", "asylum_seekers_hosted", "refugees_abroad",
              "asylum_seekers_abroad"]
SEGMENTS = {"Refugees": 0, "Asylum-seekers": 1}  # the stacked bars' segments, in order

SOLUTION_IDS = ["returned_refugees", "resettled_abroad", "naturalisations"]
SOLUTION_PHRASES = {
    # Returns are not counted as durable solutions: UNHCR records them whatever the
    # circumstances (many to Afghanistan follow deportation campaigns in Iran and Pakistan).
    "returned_refugees": "refugee returns to the country of origin",
    "resettled_abroad": "of their nationals resettled from a first country of asylum to a "
                        "third country",
    "naturalisations": "refugees naturalised in the state hosting them"}

SOLUTION_CAVEATS = {
    "returned_refugees": "voluntariness not assessed, so not counted here as a durable solution"}

RATE_IDS = ["refugee_recognition_rate_abroad", "total_protection_rate_abroad"]


def mid_year(partial: int) -> Finding:
    """That UNHCR's latest year is mid-year, so comparisons use the year before."""
    return Finding(f"UNHCR's {partial} figures are mid-year; comparisons use the latest "
                   f"complete year, {partial - 1}.")


# -- series breaks -----------------------------------------------------------------------------


def series_jumps(nb: Session) -> pd.DataFrame:
    """Year-on-year jumps in the refugee counts (complete years), each with whether the
    catalogue records a break there and its reason."""
    hosted_all = nb.indicators("refugees_hosted")
    jumps = metrics.series_breaks(nb.complete(hosted_all))
    if jumps.empty:
        return jumps
    recorded = hosted_all[hosted_all["flag"] == "B"]
    recorded_keys = set(zip(recorded["iso3"], recorded["year"], strict=True))
    keys = list(zip(jumps["iso3"], jumps["year"], strict=True))
    jumps = jumps.assign(
        state=jumps["iso3"].map(fmt.name),
        recorded=[k in recorded_keys for k in keys],
        recorded_break=[catalogue.flag_reason("refugees_hosted", i, int(y), "B")
                        if (i, y) in recorded_keys else "none recorded in the catalogue"
                        for i, y in keys])
    return jumps[["iso3", "state", "year", "previous", "value", "ratio", "recorded",
                  "recorded_break"]]


def jumps_finding(nb: Session, jumps: pd.DataFrame) -> Finding | None:
    """The jumps since the meeting the catalogue does not record as breaks, with the origin
    behind each (None if every such jump is a recorded break)."""
    if jumps.empty:
        return Finding("No jump of that size in the chosen states' refugee counts.")
    other = jumps[~jumps["recorded"] & (jumps["year"] >= BASE)]
    if other.empty:
        return None
    by_origin = nb.corridors("refugees", destinations=sorted(other["iso3"].unique()))
    listed = [f"{fmt.name(r.iso3)} {r.year}{_main_origin(by_origin, r.iso3, r.year)}"
              for r in other.itertuples()]
    return Finding(f"Since {BASE}, the jumps the catalogue does not record as breaks are "
                   + "; ".join(listed) + ". They are read as real changes in the number of "
                   "refugees; check UNHCR's country footnotes before quoting them.")


def _main_origin(by_origin: pd.DataFrame, iso3: str, year: int) -> str:
    """' (mostly refugees from X)' when one origin makes more than half the jump, else ''."""
    rows = by_origin[by_origin["destination_iso3"] == iso3]
    moved = (rows[rows["year"] == year].set_index("origin_name")["value"]
             .sub(rows[rows["year"] == year - 1].set_index("origin_name")["value"],
                  fill_value=0))
    main = moved.abs().idxmax() if not moved.empty else None
    share = abs(moved[main]) / moved.abs().sum() if main is not None else 0
    if share <= 0.5:
        return ""
    if main.startswith("Unknown"):
        return " (mostly refugees of unknown or various origins)"
    return f" (mostly refugees from {main})"


def iran_break(nb: Session) -> Finding | None:
    """Iran's two changes of definition, with its counts either side (None unless Iran is
    chosen with figures for 2021 and 2022)."""
    if IRAN not in nb.states:
        return None
    hosted_all = nb.indicators("refugees_hosted")
    iran = hosted_all[hosted_all["iso3"] == IRAN].set_index("year")
    if not {2021, 2022} <= set(iran.dropna(subset=["value"]).index):
        return None
    c = nb.claims()

    def iran_in(year):
        return c.value(iran.loc[year, "value"], "number", indicator="refugees_hosted",
                       states=[IRAN], years=[year])

    name = fmt.name(IRAN)
    text = (f"{name}'s refugee count is not one series. From 2022 UNHCR counts Afghans in "
            f"a refugee-like situation in {name} (the government's headcount) as refugees: the "
            f"rise from {iran_in(2021)} at the end of 2021 to {iran_in(2022)} at the end "
            "of 2022 is mostly a change of definition, not new arrivals.")
    if 2025 in iran.index and iran.loc[2025, "flag"] == "B":
        text += (f" From mid-2025 UNHCR splits them into refugees ({iran_in(2025)} at "
                 "mid-2025) and other people in need of international protection, a "
                 "second break.")
    text += f" No change in {name}'s refugee numbers is computed across these years."
    return Finding(text, c)


# -- refugees per 1,000 residents --------------------------------------------------------------


def refugees_per_1000(nb: Session) -> Figure:
    """Refugees hosted per 1,000 residents (top row) and the state's nationals who are refugees
    abroad per 1,000 residents (bottom row)."""
    per_1000 = nb.indicators("refugees_hosted_per_1000")
    population = nb.indicators("population")
    abroad = nb.indicators("refugees_abroad")
    # The numerator's indicator names the reasons of the rate's flags in the footnote.
    abroad_1000 = metrics.ratio(abroad, population, 1000).assign(indicator="refugees_abroad")
    note = nb.footnote(pd.concat([per_1000, abroad_1000]))
    # At most six lines a panel: the states split into columns, the same in both rows.
    groups = plotting.panel_groups(pd.concat([per_1000, abroad_1000])
                                   .dropna(subset=["value"])["iso3"]) or [[]]
    chart = nb.chart("Refugees relative to population: hosted by each state, and its nationals "
                     "abroad",
                     "per 1,000 residents of the state; top row: refugees the state hosts; "
                     "bottom row: its nationals who are refugees elsewhere; panels in a row "
                     "share one scale; black bars mark breaks in series",
                     indicators=["refugees_hosted_per_1000", "refugees_abroad", "population"],
                     note=note, kind="Line chart", nrows=2, ncols=len(groups), sharex=True,
                     size=(8, 6.4))
    _draw_rate_rows(chart, groups, per_1000, abroad_1000)
    if per_1000.dropna(subset=["value"]).empty:
        finding, c = "No refugee counts per 1,000 residents for the chosen states.", None
    else:
        c = nb.claims()
        finding = (_hosted_rate_sentences(nb, c, per_1000, population)
                   + _abroad_rate_sentence(c, abroad_1000))
    return Figure(chart, "refugees_per_1000_residents", finding, c,
                  _rates_drawn(per_1000, abroad_1000))


def _draw_rate_rows(chart: plotting.Chart, groups: list[list[str]], per_1000: pd.DataFrame,
                    abroad_1000: pd.DataFrame) -> None:
    hosted_label = catalogue.measure_label_unit("refugees_hosted")[0]
    for row, rows, title in ((chart.axes[0], per_1000, hosted_label),
                             (chart.axes[1], abroad_1000, "Nationals who are refugees abroad")):
        for ax in row:
            plotting.panel_title(ax, title, 90 // len(groups))
        if rows.dropna(subset=["value"]).empty:
            for ax in row:
                plotting.no_data(ax, "for the chosen states and years")
            continue
        plotting.small_multiples(row, rows, groups=groups)
        for ax in row:
            plotting.mark_years(ax, MEETING_MARK)


def _hosted_rate_sentences(nb: Session, c, per_1000: pd.DataFrame,
                           population: pd.DataFrame) -> str:
    """The two states hosting the most refugees relative to population, against the meeting
    year; records the first as a key figure."""
    change = metrics.change_since(per_1000, BASE).sort_values("latest", ascending=False)
    year = int(change["latest_year"].max())
    change = change[change["latest_year"] == year]
    # Ranked among the participating states (issue 19): an observer is not "the most".
    pool = comparison.ranked_among(change["iso3"], comparison.top_of(
        change.set_index("iso3")["latest"]))
    change = change[change["iso3"].isin(pool)]
    projected = (f"; the {year} population is a projection" if (
        (population["year"] == year) & (population["flag"] == "F")).any() else "")
    sentences = [_hosted_rate_sentence(c, row, year, first, pool)
                 for first, row in zip((True, False), change.head(2).itertuples(),
                                       strict=False)]
    if comparison.is_participant(change.iloc[0]["iso3"]):  # key figures: participants only
        nb.key_figure(per_1000, "refugees_hosted_per_1000", change.iloc[0]["iso3"], year)
    return " ".join(sentences)[:-1] + f"{projected}."


def _hosted_rate_sentence(c, row, year: int, first: bool, pool: list[str]) -> str:
    iso3 = row.iso3
    level = c.value(row.latest, "decimal", indicator="refugees_hosted_per_1000",
                    states=[iso3], years=[year])
    rank = {"indicator": "refugees_hosted_per_1000", "states": [iso3], "years": [year],
            "among": pool}
    if first:
        text = (f"In {year}, {fmt.name(iso3)} hosted {superlative(c, 'the most', **rank)} "
                f"refugees relative to its population: {level} per 1,000 residents")
    else:
        text = f"{fmt.name(iso3)} {superlative(c, 'came next', place=2, **rank)} with {level}"
    if pd.notna(row.base):
        base = c.value(row.base, "decimal", indicator="refugees_hosted_per_1000",
                       states=[iso3], years=[BASE])
        if pd.notna(row.break_year):
            brk = int(row.break_year)
            why = catalogue.break_label("refugees_hosted_per_1000", iso3, brk)
            text += (f", against {base} in {BASE}, across a break in {brk}"
                     + (f": the rise is mostly {why}, not new arrivals" if why else
                        " (see the chart's note)"))
        else:
            text += f" ({base} in {BASE})"
    return text + "."


def _abroad_rate_sentence(c, abroad_1000: pd.DataFrame) -> str:
    """The state with the most nationals who are refugees abroad relative to its population."""
    out = metrics.latest(abroad_1000)
    if out.empty:
        return ""
    out = out[out["year"] == out["year"].max()].dropna(subset=["value"])
    if out.empty:
        return ""
    pool = comparison.ranked_among(out["iso3"], comparison.top_of(out.set_index("iso3")["value"]))
    out = out[out["iso3"].isin(pool)].sort_values("value").iloc[-1]
    per_1000 = {"indicator": "refugees_abroad", "states": [out.iso3], "years": [int(out.year)],
                "denominator": "population", "factor": 1000}
    rate = c.ratio(out.value, "decimal", **per_1000)
    most = superlative(c, "the most", among=pool, **per_1000)
    text = (f" Relative to its home population, {fmt.name(out.iso3)} had {most} "
            f"nationals who were refugees abroad: {rate} per 1,000 residents in "
            f"{int(out.year)}")
    brk = metrics.first_break(abroad_1000, out.iso3, BASE, int(out.year))
    if not brk:
        return text + "."
    why = catalogue.break_label("refugees_abroad", out.iso3, brk)
    return (text + f"; the count has a break in {brk}" + (f" ({why})" if why else "")
            + ", so it is not compared with earlier years.")


def _rates_drawn(per_1000: pd.DataFrame, abroad_1000: pd.DataFrame) -> pd.DataFrame:
    """The rows drawn: the catalogue's rate (top row) and the rate computed here (bottom
    row)."""
    plotted = pd.concat([per_1000, abroad_1000.drop(columns="indicator").assign(
        series="refugees_abroad_per_1000", unit="refugees abroad per 1,000 residents",
        source="computed: refugees_abroad / population * 1000")], ignore_index=True)
    # Rows of two kinds cannot be tidied when there are none of either: the chart is empty.
    return plotted if not plotted.empty else no_rows()


# -- hosted at home and abroad -----------------------------------------------------------------


def hosted_and_abroad(nb: Session) -> Figure:
    """Stacked bars of refugees and asylum-seekers in each state and of its nationals abroad,
    in the latest complete year."""
    people_all = nb.indicators(PEOPLE_IDS)
    people = nb.complete(people_all)
    year = latest_year(people)
    shown = people[people["year"] == year] if year else people
    note = (nb.footnote(pd.concat([shown, metrics.breaks_between(people_all, 0, year)]))
            if year else None)
    chart = nb.chart("Refugees and asylum-seekers: hosted by each state, and its nationals abroad",
                     f"people, {year or 'latest complete year'}; left: in the state (all "
                     "origins); right: the state's nationals in other countries",
                     indicators=PEOPLE_IDS, note=note, kind="Bar chart", ncols=2,
                     size=(8, 0.9 + 0.3 * len(nb.states)))
    if shown.dropna(subset=["value"]).empty:
        for ax in chart.axes.flat:
            plotting.no_data(ax, "for the chosen states")
        finding = "No UNHCR population figures for the chosen states."
        return Figure(chart, "refugees_hosted_and_abroad", finding, None, shown)
    wide = shown.pivot_table(index="iso3", columns="indicator", values="value")
    wide = wide.reindex(columns=PEOPLE_IDS)
    looks = plotting.category_looks(list(SEGMENTS))
    c = nb.claims()
    parts = []
    for ax, (ref, asy), title, home in (
            (chart.axes[0, 0], ("refugees_hosted", "asylum_seekers_hosted"), "Hosted", True),
            (chart.axes[0, 1], ("refugees_abroad", "asylum_seekers_abroad"),
             "Nationals abroad", False)):
        table = pd.DataFrame({"Refugees": wide[ref], "Asylum-seekers": wide[asy]})
        total = table.sum(axis=1, min_count=1).dropna().sort_values()
        _draw_side(ax, table.loc[total.index], total, f"{title}, {year}", looks)
        top = comparison.top_of(total)  # the most among the participating states (issue 19)
        parts.append(_side_sentence(c, people_all, wide, (ref, asy), top, year, home,
                                    comparison.ranked_among(total.index, top)))
        if comparison.is_participant(top):  # key figures: participants only
            nb.key_figure(people, ref, top, year)
    chart.axes[0, 1].legend(loc="lower right", fontsize=7)
    finding = "; ".join(parts) + "."
    return Figure(chart, "refugees_hosted_and_abroad", finding, c, shown)


def _draw_side(ax, table: pd.DataFrame, total: pd.Series, title: str, looks: dict) -> None:
    """One panel: horizontal stacked bars, smallest total at the bottom, totals labelled."""
    plotting.panel_title(ax, title)
    plotting.stacked_bars(ax, table.set_axis([plotting.state_label(i) for i in table.index]),
                          looks=looks, horizontal=True)
    for pos, value in enumerate(total):
        ax.annotate(fmt.compact(value), (value, pos), xytext=(3, 0),
                    textcoords="offset points", va="center", fontsize=7.5)
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", visible=True)
    ax.set_xlim(0, total.max() * 1.2)
    plotting.format_axis(ax, "x")


def _side_sentence(c, people_all: pd.DataFrame, wide: pd.DataFrame, ids: tuple[str, str],
                   top: str, year: int, home: bool, among: list[str]) -> str:
    """The state with the most refugees and asylum-seekers on one side (hosted or abroad)."""
    ref, asy = ids
    most = superlative(c, "the most", indicator=ref, plus=[asy], states=[top], years=[year],
                       among=among)
    refugees = c.value(wide.loc[top, ref], "number", indicator=ref, states=[top], years=[year])
    seekers = ("no asylum-seekers reported" if not wide.loc[top, asy] > 0 else
               c.value(wide.loc[top, asy], "number", indicator=asy, states=[top],
                       years=[year]) + " asylum-seekers")
    brk = metrics.first_break(people_all[people_all["indicator"] == ref], top, 0, year)
    why = catalogue.break_label(ref, top, brk) if brk else None
    caveat = (f" (a count with a break in {brk}" + (f": {why})" if why else ")")
              if brk else "")
    if home:
        return (f"In {year}, {fmt.name(top)} hosted {most} refugees and "
                f"asylum-seekers: {refugees} refugees{caveat} and {seekers}")
    return (f"{fmt.name(top)} had {most} nationals abroad as refugees or "
            f"asylum-seekers: {refugees} refugees{caveat} and {seekers}")


# -- Afghan refugees by country of asylum ------------------------------------------------------


def afghan_refugees(nb: Session, partial: int | None) -> Figure:
    """Refugees from Afghanistan in its five largest countries of asylum and all others, in
    complete years (`partial`: UNHCR's mid-year year, left out)."""
    afghans = _afghan_rows(nb, partial)
    note = nb.footnote(afghans) if afghans is not None else None
    chart = nb.chart(f"Refugees from {fmt.name(ORIGIN)} by country of asylum",
                     "people, end of year (complete years); the five largest hosts in the "
                     "latest year and all others; black bars mark breaks in series",
                     measures=["refugees"], note=note, kind="Line chart")
    if afghans is None or afghans.dropna(subset=["value"]).empty:
        plotting.no_data(chart.ax, f"{fmt.name(ORIGIN)} is not among the chosen states")
        finding = f"{fmt.name(ORIGIN)} is not among the chosen states."
        return Figure(chart, "afghan_refugees_by_country_of_asylum", finding, None, no_rows())
    wide = metrics.top_with_other(afghans, "destination_iso3", 5, other="OTHER")
    _draw_afghan_lines(chart, afghans, wide)
    c = nb.claims()
    finding = _afghan_share(c, wide) + _afghan_breaks(c, afghans)
    return Figure(chart, "afghan_refugees_by_country_of_asylum", finding, c,
                  _afghans_drawn(afghans, wide))


def _afghan_rows(nb: Session, partial: int | None) -> pd.DataFrame | None:
    """Refugees from the origin by country of asylum, complete years (None: origin not
    chosen)."""
    if ORIGIN not in nb.states:
        return None
    afghans = nb.corridors("refugees", origins=[ORIGIN])
    afghans = afghans[afghans["flag"] != "P"]
    if partial:
        afghans = afghans[afghans["year"] < partial]
    return afghans.reset_index(drop=True)


def _draw_afghan_lines(chart: plotting.Chart, afghans: pd.DataFrame, wide: pd.DataFrame) -> None:
    names = dict(zip(afghans["destination_iso3"], afghans["destination_name"], strict=True))
    names["OTHER"] = "All other countries"
    looks = {col: plotting.country_look(col, names[col], i) for i, col in enumerate(wide.columns)}
    plotting.lines_from_wide(chart.ax, wide, looks)
    plotting.mark_flags(chart.ax, afghans[afghans["destination_iso3"].isin(wide.columns)])
    plotting.format_axis(chart.ax)


def _afghans_drawn(afghans: pd.DataFrame, wide: pd.DataFrame) -> pd.DataFrame:
    """The lines drawn: the five hosts' rows, and the other countries summed here."""
    plotted = afghans[afghans["destination_iso3"].isin(wide.columns)]
    if "OTHER" not in wide.columns:
        return plotted
    other = wide["OTHER"].dropna()
    return pd.concat([plotted, pd.DataFrame({
        "series": "refugees_in_other_countries", "unit": "people",
        "origin_iso3": ORIGIN, "year": other.index, "value": other.to_numpy(),
        "source": "computed: refugees from the origin, summed over every country "
                  "of asylum but the five largest"})], ignore_index=True)


def _afghan_share(c, wide: pd.DataFrame) -> str:
    """The two largest hosts' share of all the origin's refugees in the latest year."""
    year = int(wide.index[-1])
    last = wide.loc[year]
    total = float(last.sum())
    big_two = last.drop("OTHER", errors="ignore").sort_values(ascending=False).iloc[:2]
    part = c.share(big_two.sum() / total * 100, "pct", fmt_args={"decimals": 0},
                   measure="refugees", origins=[ORIGIN], destinations=list(big_two.index),
                   years=[year], of_origins=[ORIGIN])
    whole = c.sum(total, "number", measure="refugees", origins=[ORIGIN], destinations=None,
                  years=[year])
    return (f"At the end of {year}, {fmt.names(big_two.index)} hosted {part} of the "
            f"{whole} refugees from {fmt.name(ORIGIN)} in all countries of asylum.")


def _afghan_breaks(c, afghans: pd.DataFrame) -> str:
    """A sentence for each break in a host's count, with the counts either side."""
    text = ""
    for _, row in afghans[afghans["flag"] == "B"].iterrows():
        dest, brk = row["destination_iso3"], int(row["year"])
        before = afghans[(afghans["destination_iso3"] == dest) & (afghans["year"] == brk - 1)]
        if before.empty:
            continue
        ahead = c.value(before["value"].iloc[0], "number", measure="refugees",
                        origins=[ORIGIN], destinations=[dest], years=[brk - 1])
        after = c.value(row["value"], "number", measure="refugees", origins=[ORIGIN],
                        destinations=[dest], years=[brk])
        text += (f" {row['destination_name']}'s count includes, from {brk}, Afghans in a "
                 f"refugee-like situation: {ahead} at the end of {brk - 1}, {after} at the "
                 f"end of {brk}, mostly a change of definition, not new arrivals.")
    return text


# -- solutions ---------------------------------------------------------------------------------


def refugee_solutions(nb: Session) -> Figure:
    """Return, resettlement and naturalisation per year, one row of panels each, with the
    totals since the meeting for the states shown together."""
    solutions = nb.complete(nb.indicators(SOLUTION_IDS))
    solutions = solutions[solutions.groupby(["indicator", "iso3"])["value"].transform("max") > 0]
    note = nb.footnote(solutions)
    # At most six lines a panel: the states split into columns, the same in every row.
    groups = plotting.panel_groups(solutions.dropna(subset=["value"])["iso3"]) or [[]]
    chart = nb.chart("Recorded refugee returns (voluntariness not assessed), resettlement and "
                     "naturalisation",
                     "people per year, symmetric log scale; a panel shows the states with any "
                     "case; panels in a row share one scale", indicators=SOLUTION_IDS,
                     note=note, kind="Line chart", nrows=3, ncols=len(groups), sharex=True,
                     size=(8, 7.5))
    c = nb.claims()
    # One span of years for every claim, the span the sentence states.
    present = solutions.dropna(subset=["value"])
    years = sorted(int(y) for y in present.loc[present["year"] >= BASE, "year"].unique())
    sentences = []
    for row, ind in zip(chart.axes, SOLUTION_IDS, strict=False):
        rows = solutions[solutions["indicator"] == ind]
        _draw_solution_row(row, ind, rows, groups)
        since = rows[rows["year"] >= BASE].dropna(subset=["value"])
        if not since.empty:
            sentences.append(_solution_sentence(c, ind, since, years))
    if sentences:
        finding = (f"From {years[0]} to {years[-1]}, UNHCR recorded, for the states shown "
                   "together, " + "; ".join(sentences) + ".")
    else:
        finding, c = "No solutions recorded for the chosen states.", None
    return Figure(chart, "refugee_solutions", finding, c, solutions)


def _draw_solution_row(row, ind: str, rows: pd.DataFrame, groups: list[list[str]]) -> None:
    label, _ = catalogue.measure_label_unit(ind)
    for ax in row:
        plotting.panel_title(ax, label, 90 // len(groups))
    if rows.dropna(subset=["value"]).empty:
        for ax in row:
            plotting.no_data(ax, "for the chosen states")
        return
    plotting.small_multiples(row, rows, groups=[[s for s in g if s in set(rows["iso3"])]
                                                for g in groups], yscale="symlog")
    for ax in row:
        plotting.format_axis(ax)


def _solution_sentence(c, ind: str, since: pd.DataFrame, years: list[int]) -> str:
    """The total of one solution since the meeting, and the leading state's share of it."""
    codes = sorted(since["iso3"].unique())
    total = since["value"].sum()
    text = (f"{c.sum(total, 'number', indicator=ind, states=codes, years=years)} "
            f"{SOLUTION_PHRASES[ind]}")
    per_state = since.groupby("iso3")["value"].sum().sort_values()
    per_state = per_state[per_state > 0]
    if len(per_state) > 1 and total > 0:
        lead = per_state.index[-1]
        part = c.share(per_state.iloc[-1] / total * 100, "pct", indicator=ind, states=[lead],
                       years=years, of_states=codes)
        text += f" ({fmt.name(lead)}: {part}{_reported_only(since, lead, years)}"
        text += f"; {SOLUTION_CAVEATS[ind]})" if ind in SOLUTION_CAVEATS else ")"
    elif ind in SOLUTION_CAVEATS:
        text += f" ({SOLUTION_CAVEATS[ind]})"
    gaps = [s for s in codes if set(since.loc[since["iso3"] == s, "year"]) != set(years)]
    if gaps:  # a sum across years some states did not report: say so
        text += ", summed over the years each state reported"
    return text


def _reported_only(since: pd.DataFrame, iso3: str, years: list[int]) -> str:
    """', reported only for 2017–2018' when the state has figures for part of the span."""
    own = sorted(int(y) for y in since.loc[since["iso3"] == iso3, "year"].unique())
    if own == list(years):
        return ""
    return f", reported only for {_span(own)}"


def _span(years: list[int]) -> str:
    """Years as runs: [2017, 2018, 2021] -> '2017–2018 and 2021'."""
    runs, start = [], years[0]
    for prev, year in zip(years, years[1:] + [None], strict=True):
        if year is None or year != prev + 1:  # a run ends here
            runs.append(str(start) if start == prev else f"{start}–{prev}")
            start = year
    return fmt.listing(runs)


# -- asylum decisions --------------------------------------------------------------------------


def recognition_rates(nb: Session) -> Figure:
    """Refugee recognition and total protection rates of claims by each state's nationals,
    latest complete year; rates on few decisions hollow and not ranked."""
    rates = nb.complete(nb.indicators(RATE_IDS + ["asylum_decisions_abroad"]))
    year = latest_year(rates)
    shown = rates[(rates["year"] == year) & rates["indicator"].isin(RATE_IDS)] if year else rates
    chart = nb.chart("How asylum claims by the states' nationals are decided",
                     f"% of substantive decisions, {year or 'latest complete year'}, all "
                     "countries of asylum; left: refugee status (Convention); right: refugee "
                     "status or complementary protection; hollow: few decisions, not ranked",
                     indicators=RATE_IDS + ["asylum_decisions_abroad"],
                     note=nb.footnote(shown), kind="Bar chart", ncols=2, sharex=True,
                     sharey=True, size=(8, 0.9 + 0.3 * len(nb.states)))
    if shown.dropna(subset=["value"]).empty:
        for ax in chart.axes.flat:
            plotting.no_data(ax, "for the chosen states and years")
        finding = "No asylum decisions recorded for the chosen states."
        return Figure(chart, "recognition_rates_abroad", finding, None, shown)
    wide = shown.pivot_table(index="iso3", columns="indicator", values="value")
    few = metrics.unreliable(shown)
    order = wide["total_protection_rate_abroad"].dropna().sort_values().index
    for ax, ind, title in ((chart.axes[0, 0], RATE_IDS[0], "Refugee recognition rate"),
                           (chart.axes[0, 1], RATE_IDS[1], "Total protection rate")):
        plotting.panel_title(ax, title)
        plotting.state_bars(ax, wide[ind].reindex(order), value_format=fmt.pct, sort=False,
                            hollow=few)
        plotting.format_axis(ax, "x", percent=True)
    decisions = rates[(rates["indicator"] == "asylum_decisions_abroad")
                      & (rates["year"] == year)].set_index("iso3")["value"].dropna()
    c = nb.claims()
    big = comparison.top_of(decisions)  # the most decisions among the participants
    finding = _rates_finding(c, wide, few, decisions, big, year)
    for ind in RATE_IDS:
        if comparison.is_participant(big):  # key figures: participants only
            nb.key_figure(rates, ind, big, year)
    return Figure(chart, "recognition_rates_abroad", finding, c, shown[shown["iso3"].isin(order)])


def _rate(c, wide: pd.DataFrame, iso3: str, ind: str, year: int) -> str:
    return c.value(wide.loc[iso3, ind], "pct", indicator=ind, states=[iso3], years=[year])


def _rates_finding(c, wide: pd.DataFrame, few: set[str], decisions: pd.Series, big: str,
                   year: int) -> str:
    """The rates for the nationals with the most decisions, the highest and lowest total
    protection rates among those ranked, and which rates are too few to rank."""
    n = c.value(decisions[big], "count", indicator="asylum_decisions_abroad", states=[big],
                years=[year])
    finding = (f"In {year}, the {n} substantive decisions on claims by nationals of "
               f"{fmt.name(big)} granted refugee status in "
               f"{_rate(c, wide, big, RATE_IDS[0], year)} of them (refugee recognition rate) "
               "and refugee status or complementary protection in "
               f"{_rate(c, wide, big, RATE_IDS[1], year)} (total protection rate).")
    # Ranked among the participating states only (issue 19).
    ranked = comparison.among_participants(
        wide.drop(index=list(few), errors="ignore")[RATE_IDS[1]].dropna()).sort_values()
    if len(ranked) > 2:
        hi, lo = ranked.index[-1], ranked.index[0]
        rank = {"indicator": RATE_IDS[1], "years": [year], "among": list(ranked.index)}
        highest = superlative(c, "highest", states=[hi], **rank)
        lowest = superlative(c, "lowest", states=[lo], order="asc", **rank)
        finding += (" Among the participating states shown with enough decisions to rate, the "
                    f"total protection rate was {highest} for nationals of {fmt.name(hi)} "
                    f"({_rate(c, wide, hi, RATE_IDS[1], year)}) and {lowest} for nationals of "
                    f"{fmt.name(lo)} ({_rate(c, wide, lo, RATE_IDS[1], year)}).")
    if few:
        finding += (f" Rates for {fmt.names(sorted(few))} rest on too few decisions to rank "
                    "and are drawn hollow.")
    return finding


def outputs(nb: Session) -> Iterator[Figure | Finding]:
    """Every chart and finding of the theme after the lead, in the notebook's order (what the
    tests run)."""
    partial = nb.partial_year("refugees_hosted")
    if partial:
        yield mid_year(partial)
    jumps = series_jumps(nb)
    found = jumps_finding(nb, jumps)
    if found:
        yield found
    found = iran_break(nb)
    if found:
        yield found
    yield refugees_per_1000(nb)
    yield hosted_and_abroad(nb)
    yield afghan_refugees(nb, partial)
    yield refugee_solutions(nb)
    yield recognition_rates(nb)
