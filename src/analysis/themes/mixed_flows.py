"""Mixed flows and emergency preparedness (remarks 12 and 13): people displaced inside their
country, IDMC's new displacements by conflict and by disasters, the largest disaster events and
disaster displacement against population, new asylum applications abroad, Afghanistan after
the change of power in 2021, refugee arrivals since then, and each state's share of the
region's refugees and asylum-seekers."""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from analysis import catalogue, comparison, fmt, metrics, plotting
from analysis.notebook import Session
from analysis.themes.common import BASE, Figure, Finding, hide_spare, no_rows, superlative

CRISIS = 2021  # the change of power in Afghanistan (August 2021)
FOCUS = "AFG"

IDP_IDS = ["idps", "idps_idmc"]
MAX_LINES = 6  # lines in one panel; smaller series are named in the panel title instead

IDMC_IDS = ["new_displacements_conflict", "new_displacements_disaster"]
MILLION, HUNDRED_K = 1_000_000, 100_000
TOP_EVENTS = 8  # bars in the chart of the largest disaster events
DIS = "new_displacements_disaster"

APPS = "asylum_applications_abroad"
NEW_APPLICATIONS_FROM = 2006  # first year UNHCR's asylum countries report the application type
PER_PANEL = 5  # states per panel: small multiples instead of one tangle of lines

AFG_IDS = ["refugees_abroad", "asylum_seekers_abroad", "asylum_applications_abroad", "idps"]
ARR = "refugee_arrivals_abroad"
SHARE_IDS = ["refugees_abroad", "asylum_seekers_abroad"]


def mid_year(partial: int) -> Finding:
    """That UNHCR's latest year is published only in part."""
    return Finding(f"UNHCR's {partial} figures cover only part of the year: they are drawn with "
                   "hollow markers and left out of comparisons.")


# -- internal displacement ---------------------------------------------------------------------


def internal_displacement(nb: Session, partial: int | None) -> Figure:
    """UNHCR's and IDMC's people displaced inside their country, one panel each, at most
    MAX_LINES states a panel."""
    idps = nb.indicators(IDP_IDS)
    plotted, smaller = _largest_series(idps[idps.groupby(["indicator", "iso3"])["value"]
                                            .transform("max") > 0])
    chart = nb.chart("People displaced inside their own country",
                     "people at the end of the year; top: UNHCR; bottom: IDMC (conflict and "
                     "violence); gaps: not reported", indicators=IDP_IDS,
                     note=nb.footnote(plotted), kind="Line chart", nrows=2, sharex=True,
                     size=(8, 6))
    for ax, ind in zip(chart.axes.flat, IDP_IDS, strict=False):
        label, _unit = catalogue.measure_label_unit(ind)
        plotting.panel_title(ax, label + (f" (the {MAX_LINES} largest; smaller: "
                                          f"{fmt.names(smaller[ind])})" if smaller[ind] else ""),
                             90)
        rows = plotted[plotted["indicator"] == ind]
        if rows.empty:
            plotting.no_data(ax, "for the chosen states")
            continue
        plotting.state_lines(ax, rows, partial_year=partial)
        plotting.format_axis(ax)
    c = nb.claims()
    finding = (" ".join(_idp_sentences(nb, c, idps))
               or "UNHCR reports no internally displaced people for the chosen states.")
    return Figure(chart, "internal_displacement", finding, c if len(c) else None,
                  plotted.dropna(subset=["value"]))


def _largest_series(plotted: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, list[str]]]:
    """The rows of each indicator's MAX_LINES largest states, and the smaller states left
    out, by indicator."""
    peaks = plotted.groupby(["indicator", "iso3"])["value"].max().sort_values(ascending=False)
    kept = {ind: list(peaks[ind].index[:MAX_LINES]) if ind in peaks.index.get_level_values(0)
            else [] for ind in IDP_IDS}
    smaller = {ind: [s for s in plotting.in_catalogue_order(
                         plotted.loc[plotted["indicator"] == ind, "iso3"])
                     if s not in kept[ind]] for ind in IDP_IDS}
    # A Series mask: a plain list of no rows would select no columns instead.
    keep = pd.Series([s in kept[i] for i, s in zip(plotted["indicator"], plotted["iso3"],
                                                     strict=True)],
                     index=plotted.index, dtype=bool)
    return plotted[keep], smaller


def _idp_sentences(nb: Session, c, idps: pd.DataFrame) -> list[str]:
    unhcr = nb.complete(idps[idps["indicator"] == "idps"])
    reported = unhcr.dropna(subset=["value"])
    never = [s for s in nb.states if s not in set(reported["iso3"])]
    sentences = []
    if not reported.empty:
        sentences += _most_displaced(nb, c, idps, unhcr)
        sentences += _stopped_counts(c, unhcr)
    if never:
        sentences.append(f"UNHCR reports no IDP figure for {fmt.names(never)}: it counts "
                         "internally displaced people only where it runs or supports an "
                         "operation, so the figure is not reported, not zero.")
    return sentences


def _idps_in(c, iso3: str, year: int, ind: str = "idps", value=None) -> str:
    return c.value(value, "number", indicator=ind, states=[iso3], years=[year])


def _most_displaced(nb: Session, c, idps: pd.DataFrame, unhcr: pd.DataFrame) -> list[str]:
    """The state with the most internally displaced people in the latest complete year."""
    year = int(unhcr["year"].max())  # the latest complete year, reported or not
    change = metrics.change_since(unhcr, BASE)
    change = change[change["latest_year"] == year].sort_values("latest")
    if change.empty:
        return []
    # "The most" among the participating states (issue 19): an observer is not ranked with them.
    pool = comparison.ranked_among(change["iso3"], comparison.top_of(
        change.set_index("iso3")["latest"]))
    change = change[change["iso3"].isin(pool)]
    top = change.iloc[-1]
    most = superlative(c, "the most", indicator="idps", states=[top.iso3], years=[year],
                       among=pool)
    text = (f"In {year}, {fmt.name(top.iso3)} had {most} internally displaced people by "
            f"UNHCR's count: {_idps_in(c, top.iso3, year, value=top.latest)}")
    if pd.notna(top.base) and pd.isna(top.break_year):
        text += f", against {_idps_in(c, top.iso3, BASE, value=top.base)} in {BASE}"
    idmc = idps[(idps["indicator"] == "idps_idmc") & (idps["iso3"] == top.iso3)
                & (idps["year"] == year)].dropna(subset=["value"])
    if not idmc.empty:
        estimate = _idps_in(c, top.iso3, year, "idps_idmc", idmc["value"].iloc[0])
        text += f" (IDMC's estimate for conflict and violence: {estimate})"
    if comparison.is_participant(top.iso3):  # key figures: participants only
        nb.key_figure(unhcr, "idps", top.iso3, year)
    return [text + "."]


def _stopped_counts(c, unhcr: pd.DataFrame) -> list[str]:
    """A sentence for each series that stops: not-reported years (M) after reported ones."""
    sentences = []
    for iso3, rows in unhcr.sort_values("year").groupby("iso3"):
        valid = rows.dropna(subset=["value"])
        gap = rows[(rows["flag"] == "M") & (rows["year"] > valid["year"].min())] \
            if not valid.empty else rows.iloc[0:0]
        if gap.empty:
            continue
        stop = int(gap["year"].min())
        last = valid[valid["year"] < stop].iloc[-1]
        shown = _idps_in(c, iso3, int(last["year"]), value=last["value"])
        text = (f"UNHCR's count for {fmt.name(iso3)} is not reported from {stop} (it was "
                f"{shown} in {int(last['year'])})")
        later = valid[(valid["year"] > stop) & (valid["flag"] == "B")]
        if not later.empty:
            row = later.iloc[0]
            shown = _idps_in(c, iso3, int(row["year"]), value=row["value"])
            text += (f"; the single {int(row['year'])} figure, {shown}, is not a continuation "
                     "of the series, so no change is computed")
        sentences.append(text + ".")
    return sentences


# -- new displacements: conflict and disasters -------------------------------------------------


def idmc_displacements(nb: Session) -> pd.DataFrame:
    """IDMC's new displacements by conflict and by disasters, for the states with at least one
    displacement recorded (the new-displacement panels and the per-1,000 rates)."""
    drawn = _without_leading_zeros(nb.indicators(IDMC_IDS).dropna(subset=["value"]))
    with_data = [s for s in plotting.in_catalogue_order(drawn["iso3"])
                 if (drawn.loc[drawn["iso3"] == s, "value"] > 0).any()]
    return drawn[drawn["iso3"].isin(with_data)].reset_index(drop=True)


def _without_leading_zeros(rows: pd.DataFrame) -> pd.DataFrame:
    """Each conflict series from its first displacement on: IDMC publishes 0 for the years
    before it collected conflict data for a state (Afghanistan: 0 in 2009, 102,000 in 2010),
    and a 0 there likely means not recorded, not no displacement. Disaster zeros are kept."""
    rows = rows.sort_values(["indicator", "iso3", "year"])
    conflict = rows["indicator"] == "new_displacements_conflict"
    started = rows["value"].gt(0).groupby([rows["indicator"], rows["iso3"]]).cummax()
    return rows[~conflict | started].reset_index(drop=True)


def disaster_events(nb: Session) -> pd.DataFrame:
    """IDMC's disaster displacements by hazard, one row per state, year and hazard with any,
    largest first."""
    by_cause = nb.displacement_by_cause()
    return (by_cause[by_cause["kind"] == "disaster"].dropna(subset=["new_displacements"])
            .query("new_displacements > 0").sort_values("new_displacements", ascending=False))


def _event_marks(events: pd.DataFrame, iso3: str) -> dict[int, str]:
    """The state's largest disaster events to mark: its two largest of a million or more,
    else its largest of 100,000 or more; {year: hazard words}."""
    own = events[events["iso3"] == iso3]
    big = own[own["new_displacements"] >= MILLION].head(2)
    if big.empty:
        big = own[own["new_displacements"] >= HUNDRED_K].head(1)
    return {int(r.year): catalogue.HAZARD_WORDS.get(r.cause, r.cause) for r in big.itertuples()}


def new_displacements(nb: Session, idmc: pd.DataFrame, events: pd.DataFrame) -> Figure:
    """One panel per state: new displacements by conflict and by disasters, with the largest
    events marked."""
    with_data = plotting.in_catalogue_order(idmc["iso3"])
    without = [s for s in nb.states if s not in with_data]
    ncols = 1 if len(with_data) <= 1 else 2 if len(with_data) <= 4 else 3
    marks_of = {s: _event_marks(events, s) for s in with_data}
    if FOCUS in marks_of and CRISIS in set(idmc.loc[idmc["iso3"] == FOCUS, "year"]):
        marks_of[FOCUS][CRISIS] = "change of power"
    nrows = max(-(-len(with_data) // ncols), 1)
    chart = nb.chart("New internal displacements by conflict and by disasters",
                     "movements in the year (not people); one panel per state, each on its own "
                     "scale" + ("; vertical lines: the largest events" if any(marks_of.values())
                                else ""), indicators=IDMC_IDS,
                     note=nb.footnote(idmc), kind="Line chart", nrows=nrows, ncols=ncols,
                     sharex=True, size=(8, max(2.0 * nrows, 2.6)))
    if not with_data:
        plotting.no_data(chart.ax, "IDMC records no new displacements for the chosen states")
        finding = ("IDMC records no new internal displacements for the chosen states in these "
                   "years.")
        return Figure(chart, "new_displacements", finding, None, idmc)
    hide_spare(chart, len(with_data))
    for ax, iso3 in zip(chart.axes.flat, with_data, strict=False):
        _draw_idmc_panel(ax, idmc[idmc["iso3"] == iso3], iso3, marks_of[iso3])
    c = nb.claims()
    sentences = _conflict_sentences(c, idmc) + _disaster_sentences(nb, c, idmc)
    if without:
        sentences.append(f"IDMC records no new internal displacements for {fmt.names(without)} "
                         "in these years.")
    return Figure(chart, "new_displacements", " ".join(sentences), c if len(c) else None, idmc)


def _draw_idmc_panel(ax, rows: pd.DataFrame, iso3: str, marks: dict[int, str]) -> None:
    wide = rows.pivot_table(index="year", columns="indicator", values="value")
    plotting.panel_title(ax, plotting.state_label(iso3), 40)
    ax.set_ylim(0, rows["value"].max() * 1.3)  # room for the event labels at the top
    plotting.lines_from_wide(ax, wide, {k: plotting.DISPLACEMENT_LOOKS[k] for k in wide.columns})
    plotting.format_axis(ax)
    plotting.mark_years(ax, marks)


def _ranked_pool(rows: pd.DataFrame) -> list[str]:
    """The states a "most" over states and years is chosen among: the participating ones
    (issue 19), or all of them when the choice holds none."""
    codes = sorted(set(rows["iso3"]))
    return comparison.participants(codes) or codes


def _conflict_sentences(c, idmc: pd.DataFrame) -> list[str]:
    """The largest yearly conflict displacement, and Afghanistan's in the crisis year."""
    conflict = idmc[idmc["indicator"] == "new_displacements_conflict"]
    conflict = conflict[conflict["value"] > 0]
    if conflict.empty:
        return []
    pool = _ranked_pool(conflict)
    conflict = conflict[conflict["iso3"].isin(pool)]
    top = conflict.loc[conflict["value"].idxmax()]
    shown = c.value(top.value, "number", indicator="new_displacements_conflict",
                    states=[top.iso3], years=[int(top.year)])
    most = superlative(c, "the most", indicator="new_displacements_conflict",
                       states=[top.iso3], years=[int(top.year)], among=pool,
                       among_years=sorted({int(y) for y in idmc["year"]}))
    text = (f"Conflict and violence caused {most} new displacements in "
            f"{fmt.name(top.iso3)}: {shown} in {int(top.year)}")
    if top.iso3 == FOCUS and int(top.year) == CRISIS:
        text += ", the year of the change of power"
    sentences = [text + "."]
    afg_conflict = conflict[conflict["iso3"] == FOCUS].set_index("year")["value"]
    if top.iso3 != FOCUS and CRISIS in afg_conflict.index:
        shown = c.value(afg_conflict[CRISIS], "number", indicator="new_displacements_conflict",
                        states=[FOCUS], years=[CRISIS])
        sentences.append(f"In {fmt.name(FOCUS)}, conflict caused {shown} in {CRISIS}, the "
                         "year of the change of power.")
    return sentences


def _disaster_sentences(nb: Session, c, idmc: pd.DataFrame) -> list[str]:
    """The disasters that displaced a million or more in one state in one year."""
    disaster = idmc[idmc["indicator"] == "new_displacements_disaster"]
    disaster = disaster[disaster["value"] >= MILLION].sort_values("value", ascending=False)
    if disaster.empty:
        return []
    parts = [_displaced(c, r) for r in disaster.head(4).itertuples()]
    top = disaster.iloc[0]
    if comparison.is_participant(top.iso3):  # key figures: participants only
        nb.key_figure(idmc, "new_displacements_disaster", top.iso3, int(top.year))
    return ["Disasters caused a million new displacements or more in one state in one year "
            f"{'once' if len(parts) == 1 else 'several times'}: " + "; ".join(parts) + "."]


def _displaced(c, r) -> str:
    shown = c.value(r.value, "number", indicator=r.indicator, states=[r.iso3],
                    years=[int(r.year)])
    return f"{shown} in {fmt.name(r.iso3)} in {int(r.year)}"


# -- the largest disaster events ---------------------------------------------------------------


def largest_disaster_events(nb: Session, events: pd.DataFrame) -> Figure:
    """Bars: the TOP_EVENTS largest displacements by one hazard in one state in one year."""
    top_events = events.head(TOP_EVENTS).reset_index(drop=True)
    chart = nb.chart("The largest disaster displacement events",
                     f"new internal displacements (movements, not people) by one hazard in one "
                     f"state in one year; the {TOP_EVENTS} largest for the states shown",
                     indicators=["new_displacements_disaster"], kind="Bar chart",
                     size=(8, 0.45 * max(len(top_events), 3) + 0.8))
    if top_events.empty:
        plotting.no_data(chart.ax, "IDMC records no disaster displacement for the chosen states")
        finding = "IDMC records no disaster displacement for the chosen states in these years."
        return Figure(chart, "largest_disaster_events", finding, None, no_rows())
    _draw_event_bars(chart, top_events.iloc[::-1].reset_index(drop=True))
    c = nb.claims()
    named = [f"{_event_words(r.iso3, int(r.year), r.cause)} ({_event_count(c, r)})"
             for r in top_events.head(3).itertuples()]
    finding = ("The largest disaster displacement events in the data: " + "; ".join(named)
               + ".")
    finding += _main_hazard(nb, c)
    # Not the theme's window: the events drawn are the largest in the data, whenever they were.
    finding += (f" The events shown are from {int(top_events['year'].min())} on: the largest "
                "ones, not every year.")
    return Figure(chart, "largest_disaster_events", finding, c, top_events)


def _draw_event_bars(chart: plotting.Chart, shown: pd.DataFrame) -> None:
    looks = [plotting.state_look(s) for s in shown["iso3"]]
    labels = [f"{fmt.name(r.iso3)}, {r.year}: {catalogue.HAZARD_WORDS.get(r.cause, r.cause)}"
              for r in shown.itertuples()]
    bars = chart.ax.barh(range(len(shown)), shown["new_displacements"],
                         color=[k["color"] for k in looks], edgecolor="#333333", linewidth=0.5)
    for r in shown.itertuples():
        plotting.record_point(chart.ax, r.new_displacements, r.iso3, r.year, r.cause)
    for bar, look in zip(bars, looks, strict=True):
        bar.set_hatch(look["hatch"])
    chart.ax.set_yticks(range(len(shown)), labels)
    for pos, value in enumerate(shown["new_displacements"]):
        chart.ax.annotate(fmt.compact(value), (value, pos), xytext=(3, 0),
                          textcoords="offset points", va="center", fontsize=7.5)
    chart.ax.grid(axis="y", visible=False)
    chart.ax.grid(axis="x", visible=True)
    chart.ax.margins(x=0.12)
    plotting.format_axis(chart.ax, "x")


def _event_words(iso3: str, year: int, cause: str) -> str:
    """Words for one state-year-hazard: its known name, else "<State>'s <hazards> of <year>"."""
    words = (catalogue.disaster_event(iso3, year, cause)
             or f"{catalogue.HAZARD_WORDS.get(cause, cause)} of {year}")
    return f"{fmt.name(iso3)}'s {words}"


def _event_count(c, row) -> str:
    return c.value(row.new_displacements, "number", table="displacement_by_cause",
                   select={"kind": "disaster", "cause": row.cause}, states=[row.iso3],
                   years=[int(row.year)])


def _main_hazard(nb: Session, c) -> str:
    """A sentence naming the hazard behind most disaster displacement over the period."""
    by_cause = nb.displacement_by_cause()
    disasters = by_cause[by_cause["kind"] == "disaster"].dropna(subset=["new_displacements"])
    period = sorted(int(y) for y in disasters["year"].unique())
    totals = disasters.groupby("cause")["new_displacements"].sum().sort_values()
    if len(totals) <= 1 or totals.sum() <= 0:
        return ""
    cause = totals.index[-1]
    together = [s for s in nb.states if s in set(disasters["iso3"])]
    share = c.share(totals[cause] / totals.sum() * 100, "pct", fmt_args={"decimals": 0},
                    table="displacement_by_cause", select={"kind": "disaster", "cause": cause},
                    states=together, years=period, of_select={"kind": "disaster"})
    where = "the states shown together" if len(together) > 1 else fmt.name(together[0])
    return (f" Across {period[0]}-{period[-1]}, {catalogue.HAZARD_WORDS.get(cause, cause)} "
            f"caused {share} of the disaster displacements recorded in {where}.")


# -- disaster displacement per 1,000 residents -------------------------------------------------


def disaster_per_1000(nb: Session, idmc: pd.DataFrame) -> Figure:
    """Bars: each state's yearly average of disaster displacements per 1,000 residents, with
    a diamond for its worst year."""
    dis, pop, period = _displacement_and_population(nb, set(idmc["iso3"]))
    average = (dis.groupby("iso3")["value"].sum()
               / pop[pop["iso3"].isin(dis["iso3"].unique())].groupby("iso3")["value"].sum()
               * 1000)
    yearly = dis.merge(pop[["iso3", "year", "value"]], on=["iso3", "year"],
                       suffixes=("", "_pop"))
    yearly["rate"] = yearly["value"] / yearly["value_pop"] * 1000
    worst = yearly.loc[yearly.groupby("iso3")["rate"].idxmax()].set_index("iso3") \
        if not yearly.empty else yearly
    span = f" {period[0]}-{period[-1]}" if period else ""
    chart = nb.chart("Disaster displacement relative to population",
                     f"new displacements by disasters per 1,000 residents; bars: yearly average"
                     f"{span}; diamonds: each state's worst year", indicators=[DIS, "population"],
                     note=nb.footnote(pop[pop["iso3"].isin(average.index)]), kind="Bar chart",
                     size=(8, 0.4 * max(len(average), 3) + 1.0))
    if average.empty:
        plotting.no_data(chart.ax, "IDMC records no disaster displacement for the chosen states")
        finding = "IDMC records no disaster displacement for the chosen states in these years."
        return Figure(chart, "disaster_displacement_per_1000", finding, None, no_rows())
    plotting.state_bars(chart.ax, average, value_format=lambda v: fmt.decimal(v, 1),
                        reference=worst["rate"], reference_label="worst year")
    chart.ax.legend(loc="lower right")
    chart.ax.set_xlabel("per 1,000 residents")
    c = nb.claims()
    finding = _rate_finding(c, dis, pop, average, worst, period)
    # The period is the years both series cover, not the theme's window (issue 19).
    finding += (f" The rates run from {period[0]}: the years with both IDMC's disaster "
                "figures and a population for every state drawn.")
    return Figure(chart, "disaster_displacement_per_1000", finding, c,
                  _rates_drawn(average, worst, period))


def _displacement_and_population(nb: Session, states: set[str]
                                 ) -> tuple[pd.DataFrame, pd.DataFrame, list[int]]:
    """The disaster displacements (positive ones, of states with a population in every year
    of the period) and the population over the period IDMC covers for the states."""
    dis = nb.indicators(DIS).dropna(subset=["value"])
    dis = dis[dis["iso3"].isin(states)]
    pop = nb.indicators("population").dropna(subset=["value"])
    period = (list(range(int(dis["year"].min()), int(dis["year"].max()) + 1))
              if not dis.empty else [])
    pop = pop[pop["year"].isin(period)]
    full_pop = [s for s in dis["iso3"].unique()
                if set(pop.loc[pop["iso3"] == s, "year"]) >= set(period)]
    dis = dis[dis["iso3"].isin(full_pop) & (dis["value"] > 0)]
    return dis, pop, period


def _rate_finding(c, dis: pd.DataFrame, pop: pd.DataFrame, average: pd.Series,
                  worst: pd.DataFrame, period: list[int]) -> str:
    top = comparison.top_of(average)
    per_1000 = {"indicator": DIS, "denominator": "population", "factor": 1000}
    most = superlative(c, "the most", states=[top], years=period,
                       among=comparison.ranked_among(average.index, top), **per_1000)
    avg_shown = c.ratio(average[top], "decimal", states=[top], years=period, **per_1000)
    w = worst.loc[top]
    worst_shown = c.ratio(w["rate"], "decimal", states=[top], years=[int(w["year"])],
                          **per_1000)
    finding = (f"Averaged over {period[0]}-{period[-1]}, disasters displaced {avg_shown} "
               f"people per 1,000 residents a year in {fmt.name(top)}, {most} of "
               f"{comparison.among(top)}; in its worst year, {int(w['year'])}, {worst_shown} "
               "per 1,000.")
    if len(average) > 1:
        states_in = sorted(average.index)
        region = dis["value"].sum() / pop[pop["iso3"].isin(states_in)]["value"].sum() * 1000
        shown_region = c.ratio(region, "decimal", states=states_in, years=period, **per_1000)
        finding += f" The states shown together: {shown_region} per 1,000 residents a year."
    return finding + (" The rate compares displacement with population only: it does not "
                      "measure exposure to hazards or preparedness.")


def _rates_drawn(average: pd.Series, worst: pd.DataFrame, period: list[int]) -> pd.DataFrame:
    source = "IDMC new displacements (disasters) / UN DESA population * 1000"
    return pd.concat([
        pd.DataFrame({"series": "disaster_displacements_per_1000_yearly_average",
                      "unit": "per 1,000 population", "iso3": average.index,
                      "year": pd.NA, "category": f"{period[0]}-{period[-1]} average",
                      "value": average.to_numpy(), "source": source}),
        pd.DataFrame({"series": "disaster_displacements_per_1000_worst_year",
                      "unit": "per 1,000 population", "iso3": worst.index,
                      "year": worst["year"].astype(int).to_numpy(), "category": "worst year",
                      "value": worst["rate"].to_numpy(), "source": source}),
    ], ignore_index=True)


# -- new asylum applications abroad ------------------------------------------------------------


def asylum_applications(nb: Session) -> Figure:
    """New asylum applications by each state's nationals abroad, in panels of PER_PANEL
    states on one logarithmic scale."""
    applications = nb.complete(nb.indicators(APPS))
    applications = applications[applications["year"] >= NEW_APPLICATIONS_FROM]
    label, unit = catalogue.measure_label_unit(APPS)
    positive = applications[applications["value"] > 0]
    ranked = (positive.sort_values("year").groupby("iso3")["value"].last()
              .sort_values(ascending=False).index.tolist())
    groups = [ranked[i:i + PER_PANEL] for i in range(0, len(ranked), PER_PANEL)] or [[]]
    chart = nb.chart(label, f"new {unit} per year (first-time claims), from "
                     f"{NEW_APPLICATIONS_FROM}, when UNHCR's data start to separate new claims; "
                     "logarithmic scale, the same in each panel",
                     indicators=[APPS], note=nb.footnote(positive),
                     kind="Line chart", ncols=len(groups), size=(8, 4.4))
    if positive.empty:
        for ax in chart.axes.flat:
            plotting.no_data(ax, "for the chosen states and years")
        finding = "No asylum applications recorded for the chosen states and years."
        return Figure(chart, "new_asylum_applications_abroad", finding, None, positive)
    _draw_application_panels(chart, positive, groups)
    c = nb.claims()
    finding = _applications_finding(nb, c, applications, positive)
    return Figure(chart, "new_asylum_applications_abroad", finding, c, positive)


def _draw_application_panels(chart: plotting.Chart, positive: pd.DataFrame,
                             groups: list[list[str]]) -> None:
    low, high = positive["value"].min(), positive["value"].max()
    for i, (ax, group) in enumerate(zip(chart.axes.flat, groups, strict=True)):
        ax.set_yscale("log")
        ax.set_ylim(low / 1.5, high * 2)  # one scale for every panel
        plotting.state_lines(ax, positive[positive["iso3"].isin(group)])
        plotting.format_axis(ax)
        plotting.mark_years(ax, {BASE: f"{BASE}", CRISIS: f"{CRISIS}"})
        if len(groups) > 1:
            plotting.panel_title(ax, "Most applications in the latest year" if i == 0
                                 else "Fewer applications", 45)


def _applications_finding(nb: Session, c, applications: pd.DataFrame,
                          positive: pd.DataFrame) -> str:
    pool = _ranked_pool(positive)
    ranked = positive[positive["iso3"].isin(pool)]
    peak = ranked.loc[ranked["value"].idxmax()]
    year = int(positive["year"].max())
    largest = superlative(c, "the largest", indicator=APPS, states=[peak.iso3],
                          years=[int(peak.year)], among=pool,
                          among_years=sorted({int(y) for y in positive["year"]}))
    most = c.value(peak.value, "number", indicator=APPS, states=[peak.iso3],
                   years=[int(peak.year)])
    finding = (f"Since {int(positive['year'].min())}, {largest} yearly number of new "
               f"applications came from nationals of {fmt.name(peak.iso3)}: {most} in "
               f"{int(peak.year)}.")
    wide = applications.pivot_table(index="iso3", columns="year", values="value")
    if CRISIS in wide.columns and year in wide.columns and year > CRISIS:
        both = wide[[CRISIS, year]].dropna()
        limits = comparison.change_limits(APPS)  # the minimum meaningful change (issue 19)
        rose = sum(comparison.moved(b, a, **limits) == comparison.RISE
                   for b, a in zip(both[CRISIS], both[year], strict=True))
        more = c.count(rose, "count", indicator=APPS, states=nb.states, years=[CRISIS, year],
                       where="rose", **limits)
        of = c.count(len(both), "count", indicator=APPS, states=nb.states,
                     years=[CRISIS, year], where="present")
        finding += (f" In {year}, nationals of {more} of the {of} states shown with figures "
                    f"for both years lodged clearly more new applications than in {CRISIS} "
                    f"({comparison.limit_words(APPS)} more).")
    latest = wide[year].dropna().sort_values() if year in wide.columns else pd.Series()
    if not latest.empty:
        top = latest.index[-1]
        if (top, year) != (peak.iso3, int(peak.year)):
            most = c.value(latest[top], "number", indicator=APPS, states=[top], years=[year])
            first = superlative(c, "The most", indicator=APPS, states=[top], years=[year],
                                among=list(latest.index))
            finding += f" {first} in {year} came from nationals of {fmt.name(top)}: {most}."
        if comparison.is_participant(top):  # key figures: participants only
            nb.key_figure(applications, APPS, top, year)
    return finding


# -- Afghanistan after 2021 --------------------------------------------------------------------


def afghanistan_after_2021(nb: Session) -> Figure:
    """Four UNHCR series for Afghans from three years before the change of power."""
    afg = nb.indicators(AFG_IDS, states=[FOCUS] if FOCUS in nb.states else [])
    if not afg.empty:
        afg = afg[afg["year"] >= CRISIS - 3].reset_index(drop=True)
    chart = nb.chart(f"{fmt.name(FOCUS)} after {CRISIS}: displacement at home and abroad",
                     "people (applications: new ones); dashed line: the change of power in "
                     "August 2021", indicators=AFG_IDS,
                     note=nb.footnote(afg) if not afg.empty else None,
                     kind="Line chart", nrows=2, ncols=2, size=(8, 5.6))
    drawn = afg.dropna(subset=["value"])
    if afg.empty:
        for ax in chart.axes.flat:
            plotting.no_data(ax, f"{fmt.name(FOCUS)} is not among the chosen states")
        finding = f"{fmt.name(FOCUS)} is not among the chosen states."
        return Figure(chart, "afghanistan_after_2021", finding, None, drawn)
    for ax, ind in zip(chart.axes.flat, AFG_IDS, strict=False):
        plotting.panel_title(ax, catalogue.measure_label_unit(ind)[0], 45)
        rows = afg[afg["indicator"] == ind]
        if rows.dropna(subset=["value"]).empty:
            plotting.no_data(ax, "no values")
            continue
        plotting.state_lines(ax, rows, label_ends=False, partial_year=nb.partial_year(ind))
        ax.axvline(CRISIS + 0.6, color="#555555", linestyle="--", linewidth=0.8)
        plotting.format_axis(ax)
    done = nb.complete(afg)
    refugees = _series(done, "refugees_abroad")
    if not (CRISIS in refugees.index and refugees.index.max() > CRISIS):
        finding = f"Too few years after {CRISIS} in the chosen range to compare."
        return Figure(chart, "afghanistan_after_2021", finding, None, drawn)
    c = nb.claims()
    finding = (_refugee_rise(nb, c, afg, refugees) + _applications_after(c, done)
               + _displaced_at_home(c, done) + _late_break(afg, refugees))
    nb.key_figure(done, "refugees_abroad", FOCUS, int(refugees.index.max()))
    # A window of its own around the change of power, not the theme's (issue 19).
    finding += (f" Shown from {int(drawn['year'].min())}: the years around the change of power "
                f"in {CRISIS}.")
    return Figure(chart, "afghanistan_after_2021", finding, c, drawn)


def _series(done: pd.DataFrame, ind: str) -> pd.Series:
    return done[done["indicator"] == ind].dropna(subset=["value"]).set_index("year")["value"]


def _afghans(c, ind: str, value, year: int) -> str:
    return c.value(value, "number", indicator=ind, states=[FOCUS], years=[year])


def _in_iran(c, value, year: int) -> str:
    return c.value(value, "number", measure="refugees", origins=[FOCUS], destinations=["IRN"],
                   years=[year])


def _refugee_rise(nb: Session, c, afg: pd.DataFrame, refugees: pd.Series) -> str:
    """Afghan refugees at the end of the crisis year and at their later peak, and the break
    the rise crosses."""
    after = refugees[refugees.index > CRISIS]
    peak = int(after.idxmax())
    finding = (f"UNHCR counted {_afghans(c, 'refugees_abroad', refugees[CRISIS], CRISIS)} "
               f"refugees from {fmt.name(FOCUS)} at the end of {CRISIS} and "
               f"{_afghans(c, 'refugees_abroad', after[peak], peak)} at the end of {peak}")
    crossed = metrics.breaks_between(afg[afg["indicator"] == "refugees_abroad"], CRISIS, peak)
    if not crossed.empty:
        brk = int(crossed["year"].min())
        iran = nb.corridors("refugees", origins=[FOCUS], destinations=["IRN"])
        iran = iran.dropna(subset=["value"]).set_index("year")["value"]
        why = catalogue.break_label("refugees_abroad", FOCUS, brk)
        finding += (f"; the rise crosses a break in {brk}"
                    + (f" and is mostly {why}, not new departures" if why else ""))
        if {brk - 1, brk} <= set(iran.index):
            finding += (f" (Afghan refugees in {fmt.name('IRN')}: "
                        f"{_in_iran(c, iran[brk - 1], brk - 1)} at the end of {brk - 1}, "
                        f"{_in_iran(c, iran[brk], brk)} at the end of {brk})")
    return finding + "."


def _applications_after(c, done: pd.DataFrame) -> str:
    apps = _series(done, APPS)
    if not (CRISIS in apps.index and CRISIS + 1 in apps.index):
        return ""
    return (f" New asylum applications by Afghans went from "
            f"{_afghans(c, APPS, apps[CRISIS], CRISIS)} in {CRISIS} to "
            f"{_afghans(c, APPS, apps[CRISIS + 1], CRISIS + 1)} in {CRISIS + 1}.")


def _displaced_at_home(c, done: pd.DataFrame) -> str:
    home = _series(done, "idps")
    if not (CRISIS in home.index and home.index.max() > CRISIS):
        return ""
    last = int(home.index.max())
    return (f" UNHCR's count of people displaced inside {fmt.name(FOCUS)} was "
            f"{_afghans(c, 'idps', home[CRISIS], CRISIS)} at the end of {CRISIS} and "
            f"{_afghans(c, 'idps', home[last], last)} at the end of {last}.")


def _late_break(afg: pd.DataFrame, refugees: pd.Series) -> str:
    """The break after the last complete year (Iran's mid-2025 split of its Afghans)."""
    late = afg[(afg["indicator"] == "refugees_abroad") & (afg["flag"] == "B")
               & (afg["year"] > refugees.index.max())]
    if late.empty:
        return ""
    return (f" The fall in {int(late['year'].min())} (mid-year) is again a change of "
            f"definition: part of {fmt.name('IRN')}'s Afghans are counted as other people in "
            "need of international protection instead of refugees.")


# -- refugee arrivals after 2021 ---------------------------------------------------------------


def refugee_arrivals(nb: Session) -> Figure:
    """Refugee arrivals abroad: Afghans on the left, the other states with the most arrivals
    since 2021 on the right (one panel without Afghanistan)."""
    arrivals = nb.indicators(ARR)
    arrivals = arrivals[arrivals["year"] >= CRISIS - 3].dropna(subset=["value"])
    arrivals = arrivals[arrivals["value"] > 0].reset_index(drop=True)
    since = nb.complete(arrivals)
    since = since[since["year"] >= CRISIS]
    others = (since[since["iso3"] != FOCUS].groupby("iso3")["value"].sum()
              .sort_values(ascending=False).head(5).index.tolist())
    plotted = arrivals[arrivals["iso3"].isin([FOCUS] + others)].reset_index(drop=True)
    with_focus = FOCUS in nb.states
    chart = nb.chart("Refugee arrivals abroad, before and after 2021",
                     "people newly arriving abroad in the year; "
                     + ("left: Afghans; right: nationals of the other states with the most "
                        "arrivals since 2021, logarithmic scale" if with_focus else
                        "nationals of the states shown with the most arrivals since 2021; "
                        "logarithmic scale"),
                     indicators=[ARR], note=nb.footnote(plotted), kind="Line chart",
                     ncols=2 if with_focus else 1, size=(8, 3.8))
    others_label = "Other states shown" if with_focus else "States shown"
    _draw_arrivals(chart, plotted, with_focus, others_label, nb.partial_year(ARR))
    c = nb.claims()
    sentences = _afghan_arrivals(nb, c, arrivals) + _other_arrivals(c, since, others,
                                                                    others_label)
    finding = " ".join(sentences) or "UNHCR records no refugee arrivals for the chosen states."
    if not plotted.empty:  # a window of its own around the change of power (issue 19)
        finding += (f" Shown from {int(plotted['year'].min())}: the years around the change of "
                    f"power in {CRISIS}.")
    return Figure(chart, "refugee_arrivals_after_2021", finding, c if len(c) else None, plotted)


def _draw_arrivals(chart: plotting.Chart, plotted: pd.DataFrame, with_focus: bool,
                   others_label: str, partial: int | None) -> None:
    left, right = chart.axes[0, 0], chart.axes[0, -1]
    afg_rows = plotted[plotted["iso3"] == FOCUS]
    if with_focus:
        plotting.panel_title(left, plotting.state_label(FOCUS), 40)
    if with_focus and afg_rows.empty:
        plotting.no_data(left, f"UNHCR records no arrivals of {fmt.name(FOCUS)}'s nationals")
    elif with_focus:
        # A year whose reporting countries changed (coverage break) is drawn on its own, not
        # joined to its neighbours: a line into it would draw the coverage gap as a fall.
        cuts = sorted({y for n in catalogue.observation_notes(ARR, FOCUS)
                       if n.flag == "B" and n.kind == "coverage" for y in (n.years or ())})
        segment = afg_rows["year"].map(lambda y: sum(y >= c for c in cuts)
                                       + sum(y > c for c in cuts))
        for _, rows in afg_rows.groupby(segment):
            plotting.state_lines(left, rows, label_ends=False, partial_year=partial)
        plotting.format_axis(left)
        left.set_ylim(0, afg_rows["value"].max() * 1.15)
        plotting.mark_years(left, {CRISIS: "change of power"})
    if with_focus:
        plotting.panel_title(right, others_label, 40)
    other_rows = plotted[plotted["iso3"] != FOCUS]
    if other_rows.empty:
        plotting.no_data(right, "no arrivals recorded since 2021 for the other chosen states")
    else:
        plotting.state_lines(right, other_rows, partial_year=partial, yscale="log")
        plotting.format_axis(right)
        plotting.mark_years(right, {CRISIS: str(CRISIS)})


def _arrived(c, iso3: str, year: int, value) -> str:
    return c.value(value, "number", indicator=ARR, states=[iso3], years=[year])


def _afghan_arrivals(nb: Session, c, arrivals: pd.DataFrame) -> list[str]:
    """Afghans' arrivals the year before the crisis, in it, the year after and later."""
    done = nb.complete(arrivals)
    afg_done = done[done["iso3"] == FOCUS].set_index("year")["value"]
    if not {CRISIS - 1, CRISIS, CRISIS + 1} <= set(afg_done.index):
        return []
    text = (f"Afghans newly arriving abroad as refugees, in refugee-like situations or in need "
            f"of international protection: "
            f"{_arrived(c, FOCUS, CRISIS - 1, afg_done[CRISIS - 1])} in {CRISIS - 1}, "
            f"{_arrived(c, FOCUS, CRISIS, afg_done[CRISIS])} in {CRISIS} and "
            f"{_arrived(c, FOCUS, CRISIS + 1, afg_done[CRISIS + 1])} in {CRISIS + 1}")
    later = [y for y in sorted(afg_done.index) if y > CRISIS + 1]
    # A year whose total lost (or gained) a main reporting country is a coverage change, not a
    # fall or rise in arrivals: state those totals with the reviewed reason, never as a trend.
    gaps = {n.years[0]: n.label for n in catalogue.observation_notes(ARR, FOCUS)
            if n.flag == "B" and n.kind == "coverage" and n.years and n.years[0] in later}
    comparable = [y for y in later if y < min(gaps, default=later[-1] + 1)]
    if comparable:
        text += ", then " + " and ".join(f"{_arrived(c, FOCUS, y, afg_done[y])} in {y}"
                                         for y in comparable)
    text += "."
    if gaps:
        text += (" The totals for " + " and ".join(
            f"{y} ({_arrived(c, FOCUS, y, afg_done[y])})" for y in later if y >= min(gaps))
            + " are not comparable with the years before: the countries reporting new "
            "arrivals changed (" + "; ".join(f"{y}: {gaps[y]}" for y in sorted(gaps))
            + "), so the drop is a coverage gap, not a fall in arrivals.")
    nb.key_figure(done, ARR, FOCUS, CRISIS)
    return [text]


def _other_arrivals(c, since: pd.DataFrame, others: list[str], others_label: str) -> list[str]:
    """The most arrivals in one year since the crisis among the other states."""
    rest = since[since["iso3"].isin(others)]
    if rest.empty:
        return []
    top = rest.loc[rest["value"].idxmax()]
    most = superlative(c, "the most", indicator=ARR, states=[top.iso3], years=[int(top.year)],
                       among=sorted(set(rest["iso3"])),
                       among_years=sorted({int(y) for y in rest["year"]}))
    text = (f"Among the {others_label.lower()}, {most} arrivals in one year since {CRISIS} "
            f"were of nationals of {fmt.name(top.iso3)}: "
            f"{_arrived(c, top.iso3, int(top.year), top.value)} in {int(top.year)}")
    if (top.iso3, int(top.year)) == ("AZE", 2023):
        text += (", the year Karabakh's Armenian population left; UNHCR records them by "
                 "their country of origin")
    return [text + "."]


# -- each state's share of the region's refugees and asylum-seekers ----------------------------


def regional_shares(nb: Session) -> Figure:
    """Stacked bars: each state's share of the refugees and of the asylum-seekers from the
    states shown, in the meeting year, 2021 and the latest complete year."""
    displaced = nb.complete(nb.indicators(SHARE_IDS))
    present = displaced.dropna(subset=["value"])
    latest = int(present["year"].max()) if not present.empty else 0
    years = [y for y in sorted({BASE, CRISIS, latest}) if y in set(present["year"])]
    shown = displaced[displaced["year"].isin(years)]
    note = nb.footnote(pd.concat([shown, metrics.breaks_between(displaced, min(years or [0]),
                                                                 max(years or [0]))]))
    listed = f"{', '.join(map(str, years))}; " if years else ""
    chart = nb.chart("Each state's share of the refugees and asylum-seekers from the states "
                     "shown", f"% of the total for the states shown together; {listed}"
                     f"refugee shares after 2021 reflect {fmt.name('IRN')}'s 2022 "
                     "reclassification of Afghans",
                     indicators=SHARE_IDS, note=note, kind="Bar chart", nrows=2, sharex=True,
                     size=(8, 4.6))
    if not years:
        for ax in chart.axes.flat:
            plotting.no_data(ax, "for the chosen states and years")
        finding = "No refugee or asylum-seeker figures for the chosen states and years."
        return Figure(chart, "share_of_regional_displacement", finding, None, no_rows())
    c = nb.claims()
    parts, drawn = [], []
    for ax, ind, title in ((chart.axes[0, 0], "refugees_abroad", "Refugees abroad"),
                           (chart.axes[1, 0], "asylum_seekers_abroad", "Asylum-seekers abroad")):
        wide = _share_panel(ax, shown[shown["indicator"] == ind], title)
        drawn.append(_shares_drawn(wide, ind))
        parts.append(_share_sentence(nb, c, wide, displaced, ind, years))
    chart.axes[1, 0].legend(loc="upper center", bbox_to_anchor=(0.5, -0.3), ncol=5, fontsize=7)
    finding = "; ".join(parts) + "."
    finding = finding[0].upper() + finding[1:]
    return Figure(chart, "share_of_regional_displacement", finding, c,
                  pd.concat(drawn, ignore_index=True))


def _share_panel(ax, rows: pd.DataFrame, title: str) -> pd.DataFrame:
    """Draw one indicator's shares as horizontal stacked bars; the shares, year by state."""
    shares = metrics.shares(rows)
    wide = shares.pivot_table(index="year", columns="iso3", values="share").fillna(0)
    wide = wide[plotting.in_catalogue_order(wide.columns)]
    plotting.panel_title(ax, title)
    plotting.stacked_bars(ax, wide, horizontal=True, percent=True)
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", visible=True)
    return wide


def _shares_drawn(wide: pd.DataFrame, ind: str) -> pd.DataFrame:
    long = wide.stack().rename("value").reset_index()
    return long[long["value"] > 0].assign(
        series=f"{ind}_share_of_states_shown", unit="% of the states shown together",
        source=f"UNHCR {ind} / sum over the states shown * 100")


def _share_sentence(nb: Session, c, wide: pd.DataFrame, displaced: pd.DataFrame, ind: str,
                    years: list[int]) -> str:
    """The largest share in the latest year, against the first year, and any break between."""
    last, first = years[-1], years[0]
    top = wide.loc[last].idxmax()

    def share_of(year):
        return c.share(wide.loc[year, top], "pct", fmt_args={"decimals": 0}, indicator=ind,
                       states=[top], years=[year], of_states=nb.states)

    who = "refugees" if ind == "refugees_abroad" else "asylum-seekers"
    text = (f"in {last}, nationals of {fmt.name(top)} were {share_of(last)} of the {who} "
            "from the states shown together")
    if first != last and wide.loc[first, top] > 0:
        text += f" ({share_of(first)} in {first})"
    crossed = metrics.breaks_between(displaced[displaced["indicator"] == ind], first, last)
    if not crossed.empty:
        who = fmt.names(sorted(crossed["iso3"].unique()))
        why = [catalogue.break_label(ind, r.iso3, int(r.year)) for r in crossed.itertuples()]
        why = list(dict.fromkeys(w for w in why if w))
        text += (f"; the shares are not comparable across {int(crossed['year'].min())}: "
                 f"{who}'s count has a break there" + (f" ({'; '.join(why)})" if why else ""))
    return text


def outputs(nb: Session) -> Iterator[Figure | Finding]:
    """Every chart and finding of the theme after the lead, in the notebook's order (what the
    tests run)."""
    partial = nb.partial_year("idps")
    if partial:
        yield mid_year(partial)
    yield internal_displacement(nb, partial)
    idmc = idmc_displacements(nb)
    events = disaster_events(nb)
    yield new_displacements(nb, idmc, events)
    yield largest_disaster_events(nb, events)
    yield disaster_per_1000(nb, idmc)
    yield asylum_applications(nb)
    yield afghanistan_after_2021(nb)
    yield refugee_arrivals(nb)
    yield regional_shares(nb)
