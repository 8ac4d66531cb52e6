"""Overview (closing remarks, paragraphs 1, 2 and 13): who took part, by role, with each state's
population, and a dashboard of each theme's headline indicator in the meeting's year beside the
latest complete year."""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from analysis import catalogue, comparison, fmt, metrics, plotting
from analysis.notebook import Session
from analysis.themes.common import BASE, Figure, Finding, hide_spare, latest_year, no_rows

# How each headline reads in a sentence; the unit decides how a change is written.
PHRASES = {
    "emigrant_stock": "people from the state living abroad (by birth, or by citizenship where "
                      f"the host counts that way, as {fmt.name('IRN')} and the Gulf states do), "
                      "workers or "
                      "not",
    "asylum_applications_abroad": "new asylum applications by the state's nationals abroad",
    "remittances_received_pct_gdp": "remittances received as a share of GDP",
    "returned_refugees": "refugee returns to the state recorded by UNHCR (voluntariness not "
                         "assessed)",
    "refugees_hosted_per_1000": "refugees hosted per 1,000 residents",
    "idps": "internally displaced people counted by UNHCR",
}
COUNT_WORDS = {"people": "people", "population": "people", "applications": "applications"}
NCOLS = 2  # dashboard panels per row


# ---------------------------------------------------------------------------
# Who took part


def participants_by_role(nb: Session) -> Figure:
    """Dots: each state's population in the latest year the UN gives, one panel per role."""
    population = nb.indicators("population")
    pop_year = latest_year(population)
    pop_in_year = population[population["year"] == pop_year]
    pop_values = metrics.value_in(population, pop_year) if pop_year else pd.Series(dtype=float)
    roles = [r for r in catalogue.ROLES if any(catalogue.state(c).role == r for c in nb.states)]
    counts = [sum(catalogue.state(c).role == r for c in nb.states) for r in roles]
    title = "Who took part: the states by role" + (f", with their population in {pop_year}"
                                                   if pop_year else "")
    chart = nb.chart(title, "people, logarithmic scale",
                     indicators=["population"], kind="Dot chart", nrows=len(roles), sharex=True,
                     size=(8, 1.0 + 0.32 * len(nb.states)),
                     gridspec_kw={"height_ratios": counts}, note=nb.footnote(pop_in_year))
    _draw_roles(chart, nb.states, roles, pop_values)
    participating = [c for c in nb.states if catalogue.state(c).role == catalogue.PARTICIPATING]
    part_pop = pop_values.reindex(participating).dropna()
    c = nb.claims()
    if not participating:
        finding = "No participating state is among the states shown."
    elif part_pop.empty:
        finding = "The UN gives no population for the participating states in the chosen years."
    else:
        finding = _population_sentence(c, part_pop, pop_in_year, pop_year)
        nb.key_figure(population, "population", part_pop.idxmax(), pop_year)
    # The rows drawn: each state's population in that year (a state without one: not reported).
    return Figure(chart, "participants_by_role", finding, c, pop_in_year)


def _draw_roles(chart: plotting.Chart, states: list[str], roles: list[str],
                pop_values: pd.Series) -> None:
    for ax, role in zip(chart.axes.flat, roles, strict=False):
        members = [c for c in states if catalogue.state(c).role == role]
        values = pop_values.reindex(members).dropna()
        if values.empty:
            plotting.no_data(ax, "population for these states")  # clears the axes: title after
        else:
            plotting.state_bars(ax, values, value_format=fmt.number, log=True)
            plotting.format_axis(ax, "x")
        ax.set_title(f"{role.capitalize()} ({len(members)})")


def _population_sentence(c, part_pop: pd.Series, pop_in_year: pd.DataFrame,
                         pop_year: int) -> str:
    """The participating states' population: one state's, or the total and the range."""
    biggest, smallest = part_pop.idxmax(), part_pop.idxmin()
    projected = (pop_in_year["flag"] == "F").any()
    when = f"In {pop_year}" + (" (UN projection)" if projected else "")
    cells = {"indicator": "population", "years": [pop_year]}
    if len(part_pop) == 1:
        return (f"{when}, {fmt.name(biggest)}, the one participating state shown, had "
                f"{c.value(part_pop[biggest], 'number', states=[biggest], **cells)} "
                "inhabitants.")
    shown = list(part_pop.index)
    return (f"{when}, the "
            f"{c.count(len(shown), 'count', states=shown, where='present', **cells)} "
            "participating states shown had "
            f"{c.sum(part_pop.sum(), 'number', states=shown, **cells)} inhabitants "
            "together, from "
            f"{c.value(part_pop[biggest], 'number', states=[biggest], **cells)} in "
            f"{fmt.name(biggest)} to "
            f"{c.value(part_pop[smallest], 'number', states=[smallest], **cells)} in "
            f"{fmt.name(smallest)}.")


# ---------------------------------------------------------------------------
# Dashboard of the headline indicators


def _headline_themes() -> list[catalogue.Theme]:
    return [t for t in catalogue.THEMES if t.headline]


def _unmeasured_themes() -> list[catalogue.Theme]:
    """The themes for which the catalogue says no indicator of this report fits the remarks:
    the dashboard names them (and the caption says why) rather than borrow an unrelated
    indicator."""
    return [t for t in catalogue.THEMES if not t.headline and t.headline_note]


def headline_frames(nb: Session) -> dict[str, pd.DataFrame]:
    """Each headline theme's indicator for the chosen states, complete years only, by theme
    id (the dashboard and its table both read them)."""
    return {t.id: nb.complete(nb.indicators(t.headline)) for t in _headline_themes()}


def _compare_panel(frame: pd.DataFrame, base: int) -> dict | None:
    """The panel's two years (base, end: the latest year with a value), the values in each, the
    states whose series breaks in between, and the rows the panel draws (with any break and
    any not-reported cell in those years, for the footnote)."""
    values = frame.dropna(subset=["value"])
    if values.empty or int(values["year"].max()) <= base:
        return None
    end = int(values["year"].max())
    start_v, end_v = metrics.value_in(frame, base), metrics.value_in(frame, end)
    broken = {s: metrics.first_break(frame, s, base, end) for s in frame["iso3"].unique()}
    broken = {s: y for s, y in broken.items() if y is not None}
    drawn = frame["iso3"].isin(set(start_v.index) | set(end_v.index))
    plotted = frame[frame["year"].isin([base, end])
                    | (drawn & (frame["flag"] == "B") & frame["year"].between(base, end))]
    return {"end": end, "start": start_v, "last": end_v, "broken": broken,
            "plotted": plotted}


def _panel_table(theme: catalogue.Theme, panel: dict) -> pd.DataFrame:
    """Per state drawn: the value in the base year and at the panel's end, the break year and
    the change (none across a break)."""
    start_v, end_v, broken = panel["start"], panel["last"], panel["broken"]
    codes = plotting.in_catalogue_order(set(start_v.index) | set(end_v.index))
    table = pd.DataFrame({"theme": theme.title, "indicator": theme.headline, "iso3": codes,
                          "base": start_v.reindex(codes).to_numpy(), "end_year": panel["end"],
                          "latest": end_v.reindex(codes).to_numpy(),
                          "break_year": pd.array([broken.get(s) for s in codes],
                                                 dtype="Int64")})
    table["change"] = (table["latest"] - table["base"]).where(table["break_year"].isna())
    return table


def headline_dashboard(nb: Session, frames: dict[str, pd.DataFrame]) -> Figure:
    """One dumbbell panel per headline theme: each state in the meeting's year and the
    panel's latest complete year."""
    themes = _headline_themes()
    unmeasured = _unmeasured_themes()
    panels = {t.id: _compare_panel(frames[t.id], BASE) for t in themes}
    chart = _dashboard_chart(nb, themes, unmeasured, panels)
    rows, clauses = [], []
    drawn = []  # per panel, the rows its markers draw
    c = nb.claims()
    for ax, theme in zip(chart.axes.flat, themes, strict=False):
        panel = panels[theme.id]
        if panel is None:
            _draw_empty_panel(ax, theme)
            clauses.append(f"{_phrase(theme.headline)}: no figure after {BASE} for the "
                           "states shown")
            continue
        _draw_panel(ax, theme, panel)
        frame, end = frames[theme.id], panel["end"]
        table = _panel_table(theme, panel)
        drawn.append(frame[frame["year"].isin([BASE, end]) & frame["iso3"].isin(table["iso3"])])
        rows.append(table)
        top = comparison.leader(panel["last"])  # key figures: participants only
        if top is not None:
            nb.key_figure(frame, theme.headline, top, end)
        clauses.append(_panel_clause(c, theme.headline, panel, table, frame))
    hide_spare(chart, len(themes))
    dashboard = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()
    if nb.first_year and nb.first_year > BASE or nb.last_year and nb.last_year < BASE:
        c = nb.claims()  # the sentence states no number
        finding = (f"The chosen years leave out {BASE}, the meeting's year, so no change since "
                   "the meeting is computed; the panels show the values in the years chosen.")
    elif dashboard.empty:
        finding = "No headline indicator has data for the chosen states."
    else:
        finding = (f"From {BASE} to each panel's latest complete year, counting the states with "
                   "figures in both years and no series break; a value 'rose' or 'fell' only "
                   f"when it moved by {comparison.PCT_WORDS[catalogue.MIN_CHANGE_PCT]} of its "
                   "starting value and by more than a small absolute amount, otherwise it "
                   "'changed little'. "
                   + " ".join(f"{k[0].upper()}{k[1:]}." for k in clauses))
    if unmeasured:
        finding += " " + " ".join(t.headline_note for t in unmeasured)
    plotted = pd.concat(drawn, ignore_index=True) if drawn else no_rows()
    return Figure(chart, "headline_dashboard", finding, c, plotted)


def _dashboard_chart(nb: Session, themes: list[catalogue.Theme],
                     unmeasured: list[catalogue.Theme],
                     panels: dict[str, dict | None]) -> plotting.Chart:
    plotted = [p["plotted"] for p in panels.values() if p is not None]
    note = nb.footnote(pd.concat(plotted, ignore_index=True)) if plotted else None
    nrows = max(-(-len(themes) // NCOLS), 1)
    # Themes no indicator fits are named in the subtitle (their reasons in the caption), not
    # drawn as empty panels: the chart stays short enough for a slide.
    none_fits = ("; no indicator in this report fits: " + "; ".join(t.title for t in unmeasured)
                 if unmeasured else "")
    return nb.chart(f"Dashboard: each theme's headline indicator, {BASE} and latest complete "
                    "year",
                    f"hollow marker: {BASE}; filled marker: the year in each panel's title; "
                    "no joining line: series break; units in each panel's title" + none_fits,
                    indicators=[t.headline for t in themes], kind="Dot chart",
                    nrows=nrows, ncols=NCOLS, size=(8, 2.6 * nrows + 0.6), note=note)


def _what(indicator: str) -> str:
    """The indicator's label, with its unit unless the label already says it."""
    label, unit = catalogue.measure_label_unit(indicator)
    return label if unit in label else f"{label} ({unit})"


def _phrase(indicator: str) -> str:
    return PHRASES.get(indicator, catalogue.measure_label_unit(indicator)[0].lower())


def _draw_empty_panel(ax, theme: catalogue.Theme) -> None:
    plotting.no_data(ax, f"for the chosen states after {BASE}")  # clears the axes: title after
    plotting.panel_title(ax, f"{theme.title}\n{_what(theme.headline)}", 38)


def _draw_panel(ax, theme: catalogue.Theme, panel: dict) -> None:
    unit = catalogue.measure_label_unit(theme.headline)[1]
    plotting.panel_title(ax, f"{theme.title}: {BASE} and {panel['end']}\n"
                         f"{_what(theme.headline)}", 38)
    plotting.dumbbell(ax, panel["start"], panel["last"], start_label=str(BASE),
                      end_label="latest complete year", broken=list(panel["broken"]))
    plotting.format_axis(ax, "x", percent=unit.startswith("%"))


def _panel_clause(c, ind: str, panel: dict, table: pd.DataFrame, frame: pd.DataFrame) -> str:
    """The panel's part of the finding: how many states rose, fell or changed little (by the
    minimum meaningful change), the participants' largest change, and the states not compared
    or not reported."""
    compared = table.dropna(subset=["change"])
    phrase = _phrase(ind)
    if compared.empty:
        return f"{phrase}: no state has comparable figures for both years"
    end, broken = panel["end"], panel["broken"]
    years = [BASE, end]
    states_c = list(compared["iso3"])
    # Counted and ranked among the participants: an observer or the comparator is drawn,
    # marked, on the chart but never part of the participants' headline (issue 19).
    own = compared[[comparison.is_participant(s) for s in compared["iso3"]]]
    counted = own if not own.empty else compared
    apart = [s for s in states_c if s not in set(counted["iso3"])]
    cells = {"indicator": ind, "states": list(counted["iso3"]), "years": years}
    limits = comparison.change_limits(ind)
    moves = [comparison.moved(r.base, r.latest, **limits) for r in counted.itertuples()]
    counts = {m: moves.count(m) for m in (comparison.RISE, comparison.FALL, comparison.LITTLE)}
    clause = (f"{phrase} ({end}): rose in "
              f"{c.count(counts['rose'], 'count', where='rose', **limits, **cells)}, fell in "
              f"{c.count(counts['fell'], 'count', where='fell', **limits, **cells)} and "
              "changed little in "
              f"{c.count(counts['little'], 'count', where='little', **limits, **cells)} of "
              f"{c.count(len(counted), 'count', where='present', **cells)} "
              + ("participating states" if not own.empty else "states"))
    if apart:
        clause += ("; drawn but not counted: "
                   + fmt.listing([fmt.name(s) + comparison.role_mark(s) for s in apart]))
    top = own.loc[own["change"].abs().idxmax()] if not own.empty else None
    if top is not None and top["change"] != 0:
        clause += ("; largest change among the participating states: "
                   f"{fmt.name(top['iso3'])} ("
                   f"{_change_text(c, top['change'], ind, top['iso3'], years)})")
        if ind == "emigrant_stock":  # register counts: a reclassification moves them
            clause += (", which may include hosts that count by citizenship, whose figures move "
                       f"with reclassifications ({fmt.name('IRN')}'s count of Afghans follows "
                       "UNHCR's refugee "
                       "figures)")
    if broken:
        clause += (f"; {fmt.names(plotting.in_catalogue_order(broken))} not compared "
                   f"(series break in {', '.join(str(y) for y in sorted(set(broken.values())))}, "
                   "see the note below the chart)")
    at_ends = frame[frame["year"].isin(years)]
    silent = set(at_ends.loc[at_ends["flag"] == "M", "iso3"]) - set(states_c) - set(broken)
    if silent:
        who = (fmt.names(plotting.in_catalogue_order(silent)) if len(silent) <= 3
               else "the other states shown")
        clause += f"; not reported for {who}"
    return clause


def _change_text(c, value: float, indicator: str, iso3: str, years: list[int]) -> str:
    """A change between two years, claimed, written in the indicator's unit."""
    unit = catalogue.measure_label_unit(indicator)[1]
    cells = {"indicator": indicator, "states": [iso3], "years": years}
    if unit.startswith("%"):
        return c.change(value, "points", **cells)
    sign = "+" if value > 0 else ""
    if unit.startswith("per 1,000"):
        return f"{sign}{c.change(value, 'decimal', **cells)} per 1,000"
    return f"{sign}{c.change(value, 'number', **cells)} {COUNT_WORDS.get(unit, unit)}"


def themes_without_headline(nb: Session) -> Finding | None:
    """The themes the dashboard leaves out without a note of their own (None if there are
    none)."""
    without = [t.title for t in catalogue.THEMES
               if not t.headline and not t.headline_note and t.id != nb.id]
    if not without:
        return None
    return Finding("Themes without a per-state headline indicator (see their own notebooks): "
                   + "; ".join(without) + ".")


def change_table(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The dashboard's numbers, one row per theme and state, for reading beside the chart."""
    panels = [(t, _compare_panel(frames[t.id], BASE)) for t in _headline_themes()]
    tables = [_panel_table(t, p) for t, p in panels if p is not None]
    columns = ["theme", "indicator", "state", "end_year", "latest", "base", "change",
               "break_year"]
    if not tables:
        return pd.DataFrame(columns=columns).rename(columns={"base": f"value_{BASE}"})
    dashboard = pd.concat(tables, ignore_index=True)
    shown = dashboard.assign(state=dashboard["iso3"].map(fmt.name))
    return shown[columns].rename(columns={"base": f"value_{BASE}"}).round(1)


def outputs(nb: Session) -> Iterator[Figure | Finding]:
    """Every chart and finding of the theme, in the notebook's order (what the tests run)."""
    yield participants_by_role(nb)
    frames = headline_frames(nb)
    yield headline_dashboard(nb, frames)
    without = themes_without_headline(nb)
    if without:
        yield without
