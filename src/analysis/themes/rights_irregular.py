"""Rights, regular status and irregular migration (paragraphs 4, 5 and 7): the states' nationals
seeking asylum abroad (UNHCR) and in Europe (Eurostat), how often protection is granted,
statelessness, irregular crossings into the EU (Frontex) and refugees returning home."""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from analysis import catalogue, comparison, fmt, metrics, plotting
from analysis.claims import Ledger
from analysis.notebook import Session
from analysis.themes.common import BASE, MEETING_MARK, Figure, Finding, superlative

MAX_LINES = 6  # lines in one panel; more go to another panel

# UNHCR's table separates new applications from repeat claims and appeals only from 2006: for
# 2000-2005 it types nearly every asylum country's applications as one undivided code (V), so a
# series of new applications before 2006 would count one asylum country and look like a rise.
NEW_ONLY_FROM = 2006

TOP_COUNTRIES = 12  # countries of asylum drawn in the bar charts (those receiving most)
MAIN_ROUTES = 4  # Frontex routes drawn on their own; the others are grouped as other routes
# Frontex's own caveat, in the notes to its FRAN/JORA detection figures ("detections of
# illegal border-crossing rather than the number of persons, as the same person may cross the
# external border several times"); Frontex, 13 Oct 2015: "People arriving in Greece would
# again be counted entering Hungary" (quoted by EUobserver, euobserver.com/migration/130661).
FRONTEX_WARNING = ("Frontex's figures are detections of irregular border-crossing, not "
                   "people: the same person may cross the external border several times, for "
                   "instance into Greece on the Eastern Mediterranean route and again on the "
                   "Western Balkans route, so the routes are not added.")

RATES = ("refugee_recognition_rate_abroad", "total_protection_rate_abroad")
RATE_TITLES = {"refugee_recognition_rate_abroad": "Refugee status granted",
               "total_protection_rate_abroad":
                   "Refugee status or complementary protection granted"}


# -- shared pieces ------------------------------------------------------------------------------

def _unhcr_partial(nb: Session) -> int | None:
    """UNHCR's year published only in part (None if its latest year is complete)."""
    return nb.partial_year("asylum_applications_abroad")


def yearly_flows_note(nb: Session) -> Finding | None:
    """Says that UNHCR's latest year covers only part of the year (None if it is complete)."""
    partial = _unhcr_partial(nb)
    if not partial:
        return None
    return Finding(f"UNHCR's figures for {partial} cover only part of the year; charts of "
                   f"yearly flows stop at {partial - 1}.")


def _panels_by_size(frame: pd.DataFrame, first: int = 4) -> list[list[str]]:
    """The frame's states in panels of at most MAX_LINES lines: all in one when they fit,
    else the `first` largest (by their highest value) and then the others, largest first."""
    peak = frame.dropna(subset=["value"]).groupby("iso3")["value"].max() \
        .sort_values(ascending=False)
    codes = list(peak.index)
    if len(codes) <= MAX_LINES:
        return [codes] if codes else []
    rest = codes[first:]
    return [codes[:first]] + [rest[i:i + MAX_LINES] for i in range(0, len(rest), MAX_LINES)]


def _panel_names(panels: list[list[str]]) -> list[str]:
    """Panel titles: the largest, then the others (a single panel has none)."""
    if len(panels) < 2:
        return [""] * len(panels)
    words = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six"}
    return ([f"The {words.get(len(panels[0]), len(panels[0]))} largest"]
            + [f"The other states shown{f' ({k + 1})' if len(panels) > 2 else ''}"
               for k in range(len(panels) - 1)])


def _panel_chart(nb: Session, title: str, subtitle: str, panels: list[list[str]],
                 **kwargs) -> plotting.Chart:
    """A line chart with one row per panel of states (at least one row)."""
    rows = max(len(panels), 1)
    return nb.chart(title, subtitle + ("; each panel on its own scale" if len(panels) > 1
                                       else ""),
                    kind="Line chart", nrows=rows, size=(8, 2.6 * rows + 0.4), **kwargs)


def _draw_panels(chart: plotting.Chart, frame: pd.DataFrame, panels: list[list[str]]) -> None:
    for ax, codes, title in zip(chart.axes.flat, panels, _panel_names(panels), strict=True):
        plotting.state_lines(ax, frame[frame["iso3"].isin(codes)])
        plotting.format_axis(ax)
        plotting.mark_years(ax, MEETING_MARK)
        ax.set_ylim(bottom=0)
        if title:
            plotting.panel_title(ax, title, 90)


def _country_bars(chart: plotting.Chart, rows: pd.DataFrame) -> tuple[pd.Series, dict]:
    """Draw one year's applications by country of asylum (the TOP_COUNTRIES receiving most),
    split by the applicants' state; return each country's total, largest first, and the
    countries' names by code."""
    names = dict(zip(rows["destination_iso3"], rows["destination_name"], strict=False))
    wide = rows.pivot_table(index="destination_iso3", columns="origin_iso3", values="value",
                            aggfunc="sum").fillna(0)
    totals = wide.sum(axis=1).sort_values(ascending=False)
    wide = wide.loc[list(totals.index[:TOP_COUNTRIES])[::-1]]
    wide = wide[plotting.in_catalogue_order(wide.columns)]
    wide.index = [names[d] for d in wide.index]
    plotting.stacked_bars(chart.ax, wide, horizontal=True)
    plotting.format_axis(chart.ax, "x")
    chart.ax.grid(axis="y", visible=False)
    chart.ax.grid(axis="x", visible=True)
    chart.ax.legend(loc="lower right", ncol=2, fontsize=7)
    return totals, names


def _five_year_ticks(ax, years: pd.Index) -> None:
    ticks = [i for i, y in enumerate(years) if y % 5 == 0]
    ax.set_xticks(ticks, [str(years[i]) for i in ticks])



# -- UNHCR: new asylum applications abroad --------------------------------------------------------

def new_applications(nb: Session) -> Figure:
    """UNHCR's new asylum applications by the states' nationals abroad, from 2006."""
    applications = nb.complete(nb.indicators("asylum_applications_abroad"))
    applications = applications[applications["year"] >= NEW_ONLY_FROM].reset_index(drop=True)
    label, unit = catalogue.measure_label_unit("asylum_applications_abroad")
    positive = applications[applications["value"] > 0]
    panels = _panels_by_size(positive)
    note = " ".join(filter(None, [
        f"New applications cannot be told apart before {NEW_ONLY_FROM}: UNHCR's table records "
        "nearly every asylum country's applications under one code for all stages until then.",
        nb.footnote(positive)]))
    chart = _panel_chart(nb, f"{label}, from {NEW_ONLY_FROM}", f"{unit} per year", panels,
                         indicators=["asylum_applications_abroad"], note=note)
    if positive.empty:
        plotting.no_data(chart.ax, "for the chosen states and years")
        finding = "No new asylum applications recorded for the chosen states and years."
        return Figure(chart, "asylum_applications_abroad", finding, None, positive)
    _draw_panels(chart, positive, panels)
    c = nb.claims()
    year = int(applications.dropna(subset=["value"])["year"].max())
    in_year = metrics.value_in(applications, year)
    finding = _new_applications_finding(c, applications, in_year, year)
    if comparison.leader(in_year):
        nb.key_figure(applications, "asylum_applications_abroad", comparison.leader(in_year),
                      year)
    return Figure(chart, "asylum_applications_abroad", finding, c, positive)


def _new_applications_finding(c: Ledger, applications: pd.DataFrame, in_year: pd.Series,
                              year: int) -> str:
    in_base = metrics.value_in(applications, BASE)
    shown = plotting.in_catalogue_order(in_year.index)
    top = comparison.top_of(in_year)
    cells = {"indicator": "asylum_applications_abroad", "states": shown}
    if len(shown) > 1:
        who = (f"the {c.count(len(shown), 'count', years=[year], where='present', **cells)} "
               "states shown together")
    else:  # one state: name it (not "the 1 states shown together")
        who = fmt.name(top)
    finding = (f"In {year}, nationals of {who} lodged "
               f"{c.sum(in_year.sum(), 'number', years=[year], **cells)} new asylum "
               "applications abroad")
    base_states = [s for s in shown if s in in_base.index]
    if base_states and year != BASE:
        n_base = c.sum(in_base[base_states].sum(), "number",
                       indicator="asylum_applications_abroad", states=base_states, years=[BASE])
        finding += (f" ({n_base} in {BASE}" + ("" if len(base_states) == len(shown) else
                                                f", {fmt.names(base_states)} only") + ")")
    if len(shown) > 1:
        share = c.share(in_year[top] / in_year.sum() * 100, "pct",
                        indicator="asylum_applications_abroad", states=[top], years=[year],
                        of_states=shown, fmt_args={"decimals": 0})
        finding += f"; {fmt.name(top)}'s nationals lodged {share} of them"
    return finding + "."


def where_applied(nb: Session) -> Figure:
    """New applications in UNHCR's latest full year, by country of asylum."""
    by_pair = nb.corridors("asylum_applications", origins=nb.states)
    by_pair = by_pair[by_pair["flag"] != "P"]
    partial = _unhcr_partial(nb)
    if partial:
        by_pair = by_pair[by_pair["year"] < partial]
    by_pair = by_pair.dropna(subset=["value"])
    year = int(by_pair["year"].max()) if not by_pair.empty else None
    rows = by_pair[by_pair["year"] == year]
    # Without a year (no data), the title names none, as the Eurostat twin's does.
    chart = nb.chart("Where the states' nationals lodged new asylum applications"
                     + (f", {year}" if year else ""),
                     "new applications by country of asylum, split by the applicants' state; "
                     f"the {TOP_COUNTRIES} countries receiving most",
                     measures=["asylum_applications"], kind="Bar chart", size=(8, 5),
                     note=nb.footnote(rows))
    name = "asylum_applications_by_country_of_asylum"
    if rows.empty:
        plotting.no_data(chart.ax, "for the chosen states and years")
        finding = "No new applications recorded for the chosen states and years."
        return Figure(chart, name, finding, None, rows)
    totals, names = _country_bars(chart, rows)
    top = list(totals.index[:TOP_COUNTRIES])
    plotted = rows[rows["destination_iso3"].isin(top) & (rows["value"] > 0)]
    c = nb.claims()
    first = totals.index[0]
    origins = plotting.in_catalogue_order(rows["origin_iso3"])
    cells = {"measure": "asylum_applications", "origins": origins, "years": [year]}
    whole = {"of_origins": origins, "fmt_args": {"decimals": 0}}
    n_first = c.sum(totals.iloc[0], "number", destinations=[first], **cells)
    pct_first = c.share(totals.iloc[0] / totals.sum() * 100, "pct", destinations=[first],
                        **whole, **cells)
    most = superlative(c, "the most", destinations=[first], rank_by="destination", among=None,
                       **cells)
    finding = (f"In {year}, {fmt.the(names[first])} received {most} new applications from "
               f"the states' nationals: {n_first}, {pct_first} of all their new applications")
    if len(totals) > len(top):
        pct_top = c.share(totals[top].sum() / totals.sum() * 100, "pct", destinations=top,
                          **whole, **cells)
        finding += f"; the countries shown received {pct_top}"
    return Figure(chart, name, finding + ".", c, plotted)


# -- Eurostat: first-time asylum applicants in the EU ---------------------------------------------

def eu_applicants(nb: Session) -> Figure:
    """Eurostat's first-time asylum applicants in the EU27, by the states' nationality."""
    eu_apps = nb.indicators("eu_asylum_applicants").dropna(subset=["value"])
    panels = _panels_by_size(eu_apps)
    _, unit = catalogue.measure_label_unit("eu_asylum_applicants")
    chart = _panel_chart(nb, "First-time asylum applicants in the EU27, by the states' "
                         "nationality", f"{unit} per year (Eurostat's EU27 total)", panels,
                         indicators=["eu_asylum_applicants"], note=nb.footnote(eu_apps))
    if eu_apps.empty:
        plotting.no_data(chart.ax, "for the chosen states and years")
        finding = ("Eurostat records no first-time applicants from the chosen states in these "
                   "years.")
        return Figure(chart, "eu_first_time_asylum_applicants", finding, None, eu_apps)
    _draw_panels(chart, eu_apps, panels)
    c = nb.claims()
    year = int(eu_apps["year"].max())
    in_year = metrics.value_in(eu_apps, year)
    top = comparison.top_of(in_year)
    one = {"indicator": "eu_asylum_applicants", "states": [top]}
    most = superlative(c, "the most", years=[year],
                       among=comparison.ranked_among(in_year.index, top), **one)
    finding = (f"In {year}, {c.value(in_year[top], 'number', years=[year], **one)} "
               f"nationals of {fmt.name(top)} applied for asylum in the EU for the first time, "
               f"{most} among {comparison.among(top)}")
    shown = plotting.in_catalogue_order(in_year.index)
    if len(shown) > 1:
        n_all = c.sum(in_year.sum(), "number", indicator="eu_asylum_applicants", states=shown,
                      years=[year])
        finding += f" ({n_all} for the states shown together)"
    finding += "."
    series = eu_apps[eu_apps["iso3"] == top].set_index("year")["value"]
    peak = int(series.idxmax())
    if peak != year:
        peak_word = superlative(c, "peak", years=[peak], among=[top],
                                among_years=sorted(int(y) for y in series.index), **one)
        finding += (f" {fmt.name(top)}'s {peak_word} was in {peak}, with "
                    f"{c.value(series[peak], 'number', years=[peak], **one)}.")
    finding += _next_applicants(c, eu_apps, in_year, year)
    if comparison.is_participant(top):
        nb.key_figure(eu_apps, "eu_asylum_applicants", top, year)
    return Figure(chart, "eu_first_time_asylum_applicants", finding, c, eu_apps)


def _next_applicants(c: Ledger, eu_apps: pd.DataFrame, in_year: pd.Series, year: int) -> str:
    """A sentence on the second largest group against the meeting's year, if it has one."""
    rest = comparison.among_participants(in_year).drop(index=comparison.top_of(in_year),
                                                        errors="ignore").dropna()
    second = rest.idxmax() if not rest.empty else None  # next among the participants
    if second is None or BASE not in eu_apps[eu_apps["iso3"] == second]["year"].to_numpy():
        return ""
    two = {"indicator": "eu_asylum_applicants", "states": [second]}
    base_value = metrics.value_in(eu_apps, BASE)[second]
    after = superlative(c, "next", place=2, years=[year],
                        among=list(comparison.among_participants(in_year).dropna().index), **two)
    return (f" Applicants from {fmt.name(second)}, {after}, numbered "
            f"{c.value(in_year[second], 'number', years=[year], **two)} against "
            f"{c.value(base_value, 'number', years=[BASE], **two)} in {BASE}.")


def eu_where_applied(nb: Session) -> Figure:
    """First-time applicants in the latest year by country of application in the EU+."""
    eu_pairs = nb.corridors("eu_asylum_applicants", origins=nb.states).dropna(subset=["value"])
    eu_year = int(eu_pairs["year"].max()) if not eu_pairs.empty else None
    eu_rows = eu_pairs[eu_pairs["year"] == eu_year]
    chart = nb.chart("Where the states' nationals applied for asylum in Europe for the first "
                     "time" + (f", {eu_year}" if eu_year else ""),
                     "first-time applicants by country of application (EU+), split by the "
                     f"applicants' state; the {TOP_COUNTRIES} countries receiving most",
                     measures=["eu_asylum_applicants"], kind="Bar chart", size=(8, 5),
                     note=nb.footnote(eu_rows))
    if eu_rows.empty:
        plotting.no_data(chart.ax, "for the chosen states and years")
        finding = ("Eurostat records no first-time applicants from the chosen states in these "
                   "years.")
        return Figure(chart, "eu_asylum_applicants_by_country", finding, None, eu_rows)
    totals, names = _country_bars(chart, eu_rows)
    plotted = eu_rows[eu_rows["destination_iso3"].isin(list(totals.index[:TOP_COUNTRIES]))
                      & (eu_rows["value"] > 0)]
    c = nb.claims()
    first = totals.index[0]
    origins = plotting.in_catalogue_order(eu_rows["origin_iso3"])
    cells = {"measure": "eu_asylum_applicants", "origins": origins, "years": [eu_year]}
    n_first = c.sum(totals.iloc[0], "number", destinations=[first], **cells)
    pct_first = c.share(totals.iloc[0] / totals.sum() * 100, "pct", destinations=[first],
                        of_origins=origins, fmt_args={"decimals": 0}, **cells)
    most = superlative(c, "the most", destinations=[first], rank_by="destination", among=None,
                       **cells)
    finding = (f"In {eu_year}, {fmt.the(names[first])} received {most} first-time "
               f"applicants from the states' nationals in the EU+: {n_first}, {pct_first} of "
               "all of them")
    mine = eu_rows[eu_rows["destination_iso3"] == first].set_index("origin_iso3")["value"]
    lead = mine.idxmax()
    if len(origins) > 1:
        n_lead = c.value(mine[lead], "number", measure="eu_asylum_applicants", origins=[lead],
                         destinations=[first], years=[eu_year])
        finding += f", {n_lead} of them nationals of {fmt.name(lead)}"
    return Figure(chart, "eu_asylum_applicants_by_country", finding + ".", c, plotted)


# -- UNHCR: recognition and protection rates ------------------------------------------------------

def protection_rates(nb: Session) -> Figure:
    """Refugee recognition and total protection rates in the latest year, with the meeting's
    year as a diamond; rates from fewer than 100 decisions hollow and not ranked."""
    rates = nb.complete(nb.indicators(list(RATES) + ["asylum_decisions_abroad"]))
    rates = rates.dropna(subset=["value"])
    decided = rates[rates["indicator"].isin(RATES)]
    year = int(decided["year"].max()) if not decided.empty else None
    few_now = metrics.unreliable(decided[decided["year"] == year])
    few_base = metrics.unreliable(decided[decided["year"] == BASE])
    by = {ind: decided[decided["indicator"] == ind] for ind in RATES}
    now = {ind: metrics.value_in(by[ind], year) for ind in RATES}
    then = {ind: metrics.value_in(by[ind], BASE).drop(index=list(few_base), errors="ignore")
            for ind in RATES}
    plotted = decided[(decided["year"] == year)
                      | ((decided["year"] == BASE) & ~decided["iso3"].isin(few_base))]
    # Without a year (no data), the title names none.
    chart = nb.chart("Refugee recognition and total protection rates of the states' nationals "
                     "abroad" + (f", {year}" if year else ""),
                     f"% of substantive decisions; diamond: {BASE} (left out where it rests on "
                     "fewer than 100 decisions); hollow bars: fewer than 100 decisions, not "
                     "ranked",
                     indicators=list(RATES) + ["asylum_decisions_abroad"], kind="Bar chart",
                     ncols=2, sharex=True, size=(8, 0.9 + 0.32 * len(nb.states)),
                     note=nb.footnote(plotted))
    _draw_rates(chart, now, then, few_now)
    drawn = pd.concat([plotted[(plotted["indicator"] == ind)
                               & plotted["iso3"].isin(now[ind].index)] for ind in RATES])
    if decided.empty:
        finding = "No asylum decisions recorded for the chosen states and years."
        return Figure(chart, "asylum_recognition_rates", finding, None, drawn)
    c = nb.claims()
    ranked = now["total_protection_rate_abroad"].drop(index=list(few_now), errors="ignore")
    finding = f"In {year}, "
    if ranked.empty:
        finding += "no state's nationals had enough decisions for a reliable rate."
    else:
        top = comparison.top_of(ranked)
        finding += _highest_rate(c, rates, now, top, year,
                                 comparison.ranked_among(ranked.dropna().index, top))
        if comparison.is_participant(top):
            nb.key_figure(rates, "total_protection_rate_abroad", top, year)
            nb.key_figure(rates, "refugee_recognition_rate_abroad", top, year)
    finding += _rate_changes(c, by, now, few_now | few_base, year)
    if few_now:
        finding += (f" Rates for {fmt.names(plotting.in_catalogue_order(few_now))} rest on "
                    "too few decisions to compare: they are drawn hollow and not ranked.")
    return Figure(chart, "asylum_recognition_rates", finding, c, drawn)


def _draw_rates(chart: plotting.Chart, now: dict, then: dict, few_now: set[str]) -> None:
    """One panel per rate, states in the order of their total protection rate."""
    order = now["total_protection_rate_abroad"].sort_values().index
    for ax, ind in zip(chart.axes.flat, RATES, strict=True):
        plotting.panel_title(ax, RATE_TITLES[ind], 40)
        if now[ind].empty:
            plotting.no_data(ax, "for the chosen states")
            continue
        values = now[ind].reindex(order).dropna()
        plotting.state_bars(ax, values, value_format=fmt.pct, sort=False, reference=then[ind],
                            reference_label=str(BASE), hollow=few_now)
        plotting.format_axis(ax, "x", percent=True)


def _highest_rate(c: Ledger, rates: pd.DataFrame, now: dict, top: str, year: int,
                  among: list[str]) -> str:
    decisions = metrics.value_in(rates[rates["indicator"] == "asylum_decisions_abroad"],
                                 year).get(top)
    one = {"states": [top], "years": [year]}
    refugee = c.value(now["refugee_recognition_rate_abroad"][top], "pct",
                      indicator="refugee_recognition_rate_abroad", **one)
    protection = c.value(now["total_protection_rate_abroad"][top], "pct",
                         indicator="total_protection_rate_abroad", **one)
    text = (f"of the decisions on {fmt.name(top)}'s nationals, {refugee} granted refugee "
            f"status and {protection} some form of protection (refugee status or "
            "complementary protection)")
    if decisions is not None:
        n_dec = c.value(decisions, "count", indicator="asylum_decisions_abroad", **one)
        text += f", out of {n_dec} decisions"
    highest = superlative(c, "the highest", indicator="total_protection_rate_abroad",
                          among=among, **one)
    return (text + f": {highest} total protection rate among "
            + ("the participating states" if comparison.is_participant(top) else "the states")
            + " with enough decisions.")


def _rate_changes(c: Ledger, by: dict, now: dict, few: set[str], year: int) -> str:
    """How many states' total protection rate rose since the meeting (states with too few
    decisions in either year left out)."""
    total_now = now["total_protection_rate_abroad"]
    total_then = metrics.value_in(by["total_protection_rate_abroad"], BASE)
    compared = [s for s in plotting.in_catalogue_order(total_now.index)
                if s in total_then.index and s not in few]
    if not compared or year == BASE:
        return ""
    limits = comparison.change_limits("total_protection_rate_abroad")  # a rise worth saying
    rose = sum(comparison.moved(total_then[s], total_now[s], **limits) == comparison.RISE
               for s in compared)
    cells = {"indicator": "total_protection_rate_abroad", "states": compared,
             "years": [BASE, year]}
    return (f" The total protection rate was clearly higher than in {BASE} (by "
            f"{comparison.limit_words('total_protection_rate_abroad')}) for "
            f"{c.count(rose, 'count', where='rose', **limits, **cells)} of "
            f"{c.count(len(compared), 'count', where='present', **cells)} states with "
            "enough decisions in both years.")


# -- UNHCR: statelessness ---------------------------------------------------------------------

def stateless_people(nb: Session) -> Figure:
    """Stateless people in each state, one panel each, from its first count above zero."""
    stateless_all = nb.indicators("stateless").dropna(subset=["value"])
    ever = stateless_all[stateless_all["value"] > 0]
    counted = plotting.in_catalogue_order(ever["iso3"])
    # Each state's series starts at its first figure above zero: UNHCR's zeros before a state's
    # first count mean no figure, not no stateless people.
    first_count = ever.groupby("iso3")["year"].min()
    stateless = stateless_all[stateless_all["iso3"].isin(counted)]
    stateless = stateless[stateless["year"] >= stateless["iso3"].map(first_count)] \
        .reset_index(drop=True)
    mid_year = nb.partial_year("stateless")
    nrows, ncols = max(-(-len(counted) // 2), 1), 2 if len(counted) > 1 else 1
    chart = nb.chart(f"{catalogue.measure_label_unit('stateless')[0]} in each state, as UNHCR "
                     "counts them",
                     "people at the end of each year; each panel on its own scale"
                     + (f"; {mid_year}: mid-year figure (hollow marker)" if mid_year else ""),
                     indicators=["stateless"], kind="Line chart", nrows=nrows, ncols=ncols,
                     sharex=True, size=(8, 1.6 * nrows + 0.4), note=nb.footnote(stateless))
    if stateless.empty:
        plotting.no_data(chart.ax, "UNHCR counts no stateless people in the chosen states")
        finding = "UNHCR counts no stateless people in the chosen states and years."
        return Figure(chart, "stateless_people", finding, None, stateless)
    _draw_stateless(chart, stateless, counted, mid_year, ncols, nb.years)
    full = nb.complete(stateless)
    year = int(full["year"].max())
    now = metrics.value_in(full, year)
    # Ranked among the participating states; an observer or the comparator is named apart.
    ranked = comparison.among_participants(now[now > 0]).sort_values(ascending=False)
    others = now[(now > 0) & ~now.index.isin(ranked.index)]
    c = nb.claims()
    finding = (_most_stateless(c, full, ranked, year) + _others_stateless(c, others, year)
               + _statelessness_ended(c, full, ranked, year))
    for iso3 in counted:
        finding += _none_after(c, full, iso3, year)
    finding += _carried_forward(full, counted)
    if not ranked.empty:
        nb.key_figure(full, "stateless", ranked.index[0], year)
    return Figure(chart, "stateless_people", finding, c, stateless)


def _draw_stateless(chart: plotting.Chart, stateless: pd.DataFrame, counted: list[str],
                    mid_year: int | None, ncols: int, years: tuple[int, int]) -> None:
    """One panel per state; the spare panels switched off, with year labels on the panels
    above them."""
    panels = list(chart.axes.flat)
    for ax, iso3 in zip(panels, counted, strict=False):
        plotting.state_lines(ax, stateless[stateless["iso3"] == iso3], label_ends=False,
                             partial_year=mid_year)
        plotting.panel_title(ax, fmt.name(iso3))
        plotting.format_axis(ax)
        ax.set_ylim(bottom=0)
        if iso3 == "KGZ" and years[0] <= 2019 <= years[1]:
            plotting.mark_years(ax, {2019: "known statelessness ended"})
    for k in range(len(counted), len(panels)):
        panels[k].set_axis_off()
        if k >= ncols:
            panels[k - ncols].tick_params(labelbottom=True)


def _most_stateless(c: Ledger, full: pd.DataFrame, ranked: pd.Series, year: int) -> str:
    """The three states with most stateless people, each against the meeting's year."""
    then = metrics.value_in(full, BASE)
    parts = []
    for iso3 in ranked.index[:3]:
        one = {"indicator": "stateless", "states": [iso3]}
        text = (f"{c.value(ranked[iso3], 'number', years=[year], **one)}"
                + (" stateless people" if not parts else "") + f" in {fmt.name(iso3)}")
        if iso3 in then.index and then[iso3] > 0 and year != BASE:
            text += f" ({c.value(then[iso3], 'number', years=[BASE], **one)} in {BASE})"
        parts.append(text)
    if not parts:
        return (f"At the end of {year}, UNHCR counted no stateless people in the participating "
                "states shown.")
    return (f"At the end of {year}, among the participating states shown, UNHCR counted "
            f"{fmt.listing(parts)}.")


def _others_stateless(c: Ledger, others: pd.Series, year: int) -> str:
    """The stateless people counted in the states shown that do not participate, each with
    its role (never ranked with the participants)."""
    parts = [f"{c.value(v, 'number', indicator='stateless', states=[s], years=[year])} in "
             f"{fmt.name(s)}{comparison.role_mark(s)}" for s, v in others.items()]
    return f" It also counted {fmt.listing(parts)}." if parts else ""


def _statelessness_ended(c: Ledger, full: pd.DataFrame, ranked: pd.Series, year: int) -> str:
    """Kyrgyzstan's peak, its count in the year it declared known statelessness ended and,
    if not among the three named, its latest count."""
    kgz = full[full["iso3"] == "KGZ"].set_index("year")["value"]
    if 2019 not in kgz.index or year <= 2019:
        return ""
    one = {"indicator": "stateless", "states": ["KGZ"]}
    peak = int(kgz.idxmax())
    return (f" {fmt.name('KGZ')}, which had "
            f"{c.value(kgz[peak], 'number', years=[peak], **one)} in {peak}, counted "
            f"{c.value(kgz[2019], 'number', years=[2019], **one)} in 2019, the year it "
            "declared known statelessness ended; UNHCR has counted stateless people there "
            "again since"
            + ("." if "KGZ" in ranked.index[:3] else
               f", {c.value(kgz[year], 'number', years=[year], **one)} in {year}."))


def _none_after(c: Ledger, full: pd.DataFrame, iso3: str, year: int) -> str:
    """A sentence if the state's count fell to zero in the latest year."""
    series = full[full["iso3"] == iso3].set_index("year")["value"]
    if not (year in series.index and year - 1 in series.index and series[year] == 0
            and series[year - 1] > 0):
        return ""
    one = {"indicator": "stateless", "states": [iso3]}
    return (f" UNHCR reports none for {fmt.name(iso3)} in {year}, after "
            f"{c.value(series[year - 1], 'number', years=[year - 1], **one)} in "
            f"{year - 1}; the data do not say whether cases were resolved or the "
            "counting changed.")


def _carried_forward(full: pd.DataFrame, counted: list[str]) -> str:
    """A sentence naming the states whose figure repeats unchanged for four years or more
    (each state's longest such run)."""
    repeats = []
    for iso3 in counted:
        series = full[full["iso3"] == iso3].sort_values("year")
        run = (series["value"] != series["value"].shift()).cumsum()
        lengths = series[series["value"] > 0].groupby(run)["year"].agg(["min", "max", "count"])
        long = lengths[lengths["count"] >= 4].sort_values("count")
        if not long.empty:
            run = long.iloc[-1]
            repeats.append(f"{fmt.name(iso3)} ({int(run['min'])} to {int(run['max'])})")
    if not repeats:
        return ""
    return (f" The same figure repeats year after year for {fmt.listing(repeats)}: carried "
            "forward, not counted each year.")


# -- Frontex: irregular crossings into the EU -----------------------------------------------------

def detections(nb: Session) -> pd.DataFrame:
    """Frontex's detections of the states' nationals, the year still being published month by
    month (flag P) included; both Frontex charts leave it out."""
    return nb.indicators("eu_irregular_crossings").dropna(subset=["value"])


def _part_year(detected: pd.DataFrame) -> str:
    """The subtitle's note of the part year left out (empty if there is none)."""
    running = sorted(int(y) for y in detected.loc[detected["flag"] == "P", "year"].unique())
    return f"; {running[0]} left out (part year)" if running else ""


def irregular_crossings(nb: Session, detected: pd.DataFrame) -> Figure:
    """Detections of each state's nationals per year, all routes, full years only."""
    crossings = nb.complete(detected)
    panels = _panels_by_size(crossings)
    _, unit = catalogue.measure_label_unit("eu_irregular_crossings")
    chart = _panel_chart(nb, "Detections of the states' nationals crossing into the EU "
                         "irregularly", f"{unit} per year, all routes" + _part_year(detected),
                         panels, indicators=["eu_irregular_crossings"],
                         note=nb.footnote(crossings))
    if crossings.empty:
        plotting.no_data(chart.ax, "Frontex detected none of the chosen states' nationals")
        finding = ("Frontex records no detections of the chosen states' nationals in these "
                   "years.")
        return Figure(chart, "eu_irregular_crossings", finding, None, crossings)
    _draw_panels(chart, crossings, panels)
    c = nb.claims()
    year = int(crossings["year"].max())
    in_year = metrics.value_in(crossings, year)
    top = comparison.top_of(in_year)
    one = {"indicator": "eu_irregular_crossings", "states": [top]}
    series = crossings[crossings["iso3"] == top].set_index("year")["value"]
    peak = int(series.idxmax())
    most = superlative(c, "the most", years=[year],
                       among=comparison.ranked_among(in_year.index, top), **one)
    finding = (f"In {year}, Frontex recorded "
               f"{c.value(in_year[top], 'number', years=[year], **one)} detections of "
               f"nationals of {fmt.name(top)} crossing into the EU irregularly, {most} among "
               f"{comparison.among(top)}")
    if peak != year:
        peak_word = superlative(c, "the peak", years=[peak], among=[top],
                                among_years=sorted(int(y) for y in series.index), **one)
        finding += (f", against {c.value(series[peak], 'number', years=[peak], **one)} at "
                    f"{peak_word} in {peak}")
    finding += ". These are detections, not people: one person can be detected more than once."
    others = comparison.among_participants(in_year).drop(index=top, errors="ignore") \
        .sort_values(ascending=False)
    if not others.empty:
        second = others.index[0]
        two = {"indicator": "eu_irregular_crossings", "states": [second]}
        after = superlative(c, "Next", place=2, years=[year],
                            among=list(comparison.among_participants(in_year).dropna().index),
                            **two)
        finding += (f" {after} came {fmt.name(second)}, with "
                    f"{c.value(others[second], 'number', years=[year], **two)}.")
    if comparison.is_participant(top):
        nb.key_figure(crossings, "eu_irregular_crossings", top, year)
    return Figure(chart, "eu_irregular_crossings", finding, c, crossings)


def crossing_routes(nb: Session, detected: pd.DataFrame) -> Figure:
    """Detections per year by Frontex route, the states shown together, full years only."""
    routes = nb.frontex_routes().dropna(subset=["detections"])
    routes = routes[routes["flag"] != "P"]
    by_route = routes.groupby("route")["detections"].sum().sort_values(ascending=False)
    main_routes = list(by_route.index[:MAIN_ROUTES])
    grouped = routes.assign(category=routes["route"].where(routes["route"].isin(main_routes),
                                                           "Other routes"))
    per_year = grouped.groupby(["year", "category"], as_index=False)["detections"].sum()
    plotted = per_year[per_year["detections"] > 0].rename(
        columns={"detections": "value"}).assign(series="eu_irregular_crossings_by_route",
                                                unit="detections",
                                                source="Frontex: frontex_routes")
    chart = nb.chart("Detections of the states' nationals crossing into the EU irregularly, by "
                     "route",
                     "detections per year, the states shown together, one line per route "
                     "(not added: one person can be detected on two routes)"
                     + _part_year(detected),
                     indicators=["eu_irregular_crossings"], kind="Line chart",
                     note=FRONTEX_WARNING)
    if routes.empty:
        plotting.no_data(chart.ax, "Frontex detected none of the chosen states' nationals")
        finding = ("Frontex records no detections of the chosen states' nationals in these "
                   "years.")
        return Figure(chart, "eu_irregular_crossings_by_route", finding, None, plotted)
    wide = per_year.pivot_table(index="year", columns="category", values="detections",
                                aggfunc="sum").fillna(0)
    columns = [r for r in main_routes if r in wide.columns] \
        + (["Other routes"] if "Other routes" in wide.columns else [])
    wide = wide[columns]
    # Lines, not stacked bars: a person detected entering on the Eastern Mediterranean route
    # and again leaving Greece on the Western Balkans route is two detections, so a stack (or
    # the sum of routes) counts them twice.
    # A year with no detection on a route is left out of its line (as in the CSV).
    plotting.lines_from_wide(chart.ax, wide.where(wide > 0),
                             plotting.category_looks(columns), label_ends=False)
    plotting.format_axis(chart.ax)
    chart.ax.legend(loc="upper right", fontsize=7)
    c = nb.claims()
    # The peak year of the largest single route: a year's sum across routes double-counts.
    finding = _routes_finding(c, routes, per_year, int(wide.max(axis=1).idxmax()))
    finding += " " + FRONTEX_WARNING
    # Frontex's published route series begin later than the theme's window (issue 19).
    finding += f" Frontex's route data start in {int(plotted['year'].min())}."
    return Figure(chart, "eu_irregular_crossings_by_route", finding, c, plotted)


def _lead_route(per_year: pd.DataFrame, year: int) -> tuple[str, pd.Series]:
    """The named route with most detections in the year, and the year's detections by route."""
    detected = per_year[per_year["year"] == year].set_index("category")["detections"]
    return detected.drop(index="Other routes", errors="ignore").idxmax(), detected


def _routes_finding(c: Ledger, routes: pd.DataFrame, per_year: pd.DataFrame,
                    peak_year: int) -> str:
    year = int(routes["year"].max())
    nationals = plotting.in_catalogue_order(routes["nationality_iso3"])
    lead_route, now = _lead_route(per_year, year)
    cells = {"table": "frontex_routes", "states": nationals, "years": [year]}
    n_lead = c.sum(now[lead_route], "number", select={"route": lead_route}, **cells)
    pct_lead = c.share(now[lead_route] / now.sum() * 100, "pct",
                       select={"route": lead_route}, fmt_args={"decimals": 0}, **cells)
    finding = (f"In {year}, most detections of the states' nationals were on the "
               f"{lead_route}: {n_lead}, {pct_lead} of all their detections")
    if peak_year != year:
        peak_route, then = _lead_route(per_year, peak_year)
        n_peak = c.sum(then[peak_route], "number", table="frontex_routes",
                       select={"route": peak_route}, states=nationals, years=[peak_year])
        most = superlative(c, "the most", table="frontex_routes", select={"route": peak_route},
                           states=nationals, years=[peak_year], rank_by=["route", "year"],
                           among_years=sorted({int(y) for y in per_year["year"]}))
        finding += (f". In {peak_year}, the year of {most} detections on a single route, "
                    f"the {peak_route} had {n_peak}")
    return finding + "."


# -- UNHCR: refugees returning home ---------------------------------------------------------------

def refugee_returns(nb: Session) -> Figure:
    """Refugees returning to the states shown, stacked by state of return."""
    returns_all = nb.indicators("returned_refugees")
    returns = nb.complete(returns_all)
    with_returns = returns.groupby("iso3")["value"].sum()
    shown = list(with_returns[with_returns > 0].index)
    chart = nb.chart("Refugees returning to the states shown, by state of return",
                     "people per year, stacked by state",
                     indicators=["returned_refugees"], kind="Bar chart",
                     note=nb.footnote(returns[returns["iso3"].isin(shown)]))
    if not shown:
        plotting.no_data(chart.ax, "no returns recorded for the chosen states")
        finding = "No refugee returns recorded for the chosen states and years."
        return Figure(chart, "refugee_returns", finding, None, returns.iloc[0:0])
    wide, looks = _returns_by_state(returns, shown)
    long = wide.stack().rename("value").reset_index()
    plotted = long[long["value"] > 0].rename(columns={"iso3": "category"}).assign(
        series="returned_refugees", unit=catalogue.indicator("returned_refugees").unit,
        source=returns["source"].iloc[0],
        iso3=lambda f: f["category"].where(f["category"].isin(catalogue.state_codes())))
    plotting.stacked_bars(chart.ax, wide, looks=looks)
    _five_year_ticks(chart.ax, wide.index)
    plotting.format_axis(chart.ax)
    chart.ax.legend(loc="upper right", fontsize=7)
    c = nb.claims()
    finding, top = _returns_since_meeting(c, returns)
    partial = _unhcr_partial(nb)
    if partial:
        finding += _first_half_returns(c, returns_all, partial)
    last = int(returns["year"].max())
    if top is not None and last >= BASE and comparison.is_participant(top):
        nb.key_figure(returns, "returned_refugees", top, last)
    return Figure(chart, "refugee_returns", finding, c, plotted)


def _returns_by_state(returns: pd.DataFrame, shown: list[str]) -> tuple[pd.DataFrame, dict]:
    """Returns per year (rows) and state (columns), with the states' looks."""
    wide = returns[returns["iso3"].isin(shown)].pivot_table(index="year", columns="iso3",
                                                            values="value").fillna(0)
    wide = wide[plotting.in_catalogue_order(wide.columns)]
    # States with under 1% of all the returns drawn would be invisible slivers: one segment.
    small = [s for s in wide.columns if wide[s].sum() < 0.01 * wide.to_numpy().sum()]
    small = small if len(small) > 1 else []
    looks = {s: plotting.state_look(s) for s in wide.columns if s not in small}
    if small:
        other = f"Other states shown ({fmt.names(small)})"
        wide = wide.drop(columns=small).assign(**{other: wide[small].sum(axis=1)})
        looks[other] = {"color": plotting.OTHER_COLOUR, "label": "the other states shown"}
    return wide, looks


def _returns_since_meeting(c: Ledger, returns: pd.DataFrame) -> tuple[str, str | None]:
    """The sentence on returns since the meeting, and the state most returned to (None if
    there were none)."""
    since = returns[(returns["year"] >= BASE)].dropna(subset=["value"])
    last = int(returns["year"].max())
    total = since.groupby("iso3")["value"].sum().sort_values()
    top = total.index[-1] if not total.empty and total.sum() > 0 else None
    if last < BASE:
        return (f"The chosen years end before {BASE}; the chart shows the returns UNHCR "
                "recorded in them."), top
    if top is None:
        return (f"UNHCR recorded no refugee returns to the states shown from {BASE} to "
                f"{last}."), top
    years = sorted(int(y) for y in since["year"].unique())
    states = plotting.in_catalogue_order(since["iso3"])
    n_total = c.sum(total.sum(), "number", indicator="returned_refugees", states=states,
                    years=years)
    if total[top] == total.sum():
        to_top = "all of them"
    else:
        to_top = c.share(total[top] / total.sum() * 100, "pct",
                         indicator="returned_refugees", states=[top], years=years,
                         of_states=states) + " of them"
    return (f"From {BASE} to {last}, UNHCR recorded {n_total} refugee returns to the "
            f"states shown together, {to_top} to {fmt.name(top)}."), top


def _first_half_returns(c: Ledger, returns_all: pd.DataFrame, partial: int) -> str:
    part = returns_all[(returns_all["year"] == partial)].dropna(subset=["value"])
    if part.empty or part["value"].sum() <= 0:
        return ""
    n_part = c.sum(part["value"].sum(), "number", indicator="returned_refugees",
                   states=plotting.in_catalogue_order(part["iso3"]), years=[partial])
    return (f" UNHCR's figures for the first half of {partial} alone record "
            f"{n_part} more returns to these states together.")


def outputs(nb: Session) -> Iterator[Figure | Finding]:
    """Every chart and finding of the theme after the lead, in the notebook's order (what the
    tests run)."""
    note = yearly_flows_note(nb)
    if note:
        yield note
    yield new_applications(nb)
    yield where_applied(nb)
    yield eu_applicants(nb)
    yield eu_where_applied(nb)
    yield protection_rates(nb)
    yield stateless_people(nb)
    detected = detections(nb)
    yield irregular_crossings(nb, detected)
    yield crossing_routes(nb, detected)
    yield refugee_returns(nb)
