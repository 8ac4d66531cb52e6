"""Re-entry bans and reintegration (remarks 9 and 10): people born in Central Asia living in
Russia, remittance shocks, refugee returns, internally displaced people, and an analyst's
series of re-entry bans where one is supplied."""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from analysis import catalogue, comparison, fmt, metrics, plotting, transform
from analysis.notebook import Session
from analysis.themes.common import (
    BASE,
    MEETING_MARK,
    REMITTANCE_SHOCKS,
    VALUATION_NOTE,
    Figure,
    no_rows,
    superlative,
)

DESTINATION = "RUS"  # where most Central Asian workers go, and where the bans were imposed


def central_asians_in_russia(nb: Session) -> Figure:
    """UN DESA's birthplace count of people from Central Asia living in Russia."""
    central_asia = [c for c in catalogue.CENTRAL_ASIA if c in nb.states]
    in_russia = nb.corridors("migrant_stock", origins=central_asia, destinations=[DESTINATION])
    chart = nb.chart(f"People born in Central Asia living in {fmt.name(DESTINATION)}",
                     "people by country of birth, including long-settled residents; seasonal "
                     "workers mostly not counted; UN DESA estimates for 1990, 1995, ..., 2020, "
                     "2024", measures=["migrant_stock"], kind="Line chart",
                     note=nb.footnote(in_russia))
    if in_russia["value"].notna().sum() == 0:
        plotting.no_data(chart.ax, "no Central Asian state among the chosen states")
        finding = "None of the chosen states is a Central Asian state with a corridor estimate."
        return Figure(chart, "central_asian_migrants_in_russia", finding, None, in_russia)
    frame = in_russia.rename(columns={"origin_iso3": "iso3"}).dropna(subset=["value"])
    plotting.state_lines(chart.ax, frame)
    plotting.format_axis(chart.ax)
    plotting.mark_years(chart.ax, MEETING_MARK)
    origins = plotting.in_catalogue_order(frame["iso3"].unique())
    totals = frame.groupby("year")["value"].sum()
    last = int(totals.index.max())
    c = nb.claims()

    def total(year):
        return c.sum(totals[year], "number", measure="migrant_stock", origins=origins,
                     destinations=[DESTINATION], years=[year])

    together = " together" if len(origins) > 1 else ""
    finding = (f"In {last}, {total(last)} people born in {fmt.names(origins)}{together} lived "
               f"in {fmt.name(DESTINATION)}")
    if BASE in totals.index and last != BASE:
        finding += f", against {total(BASE)} in {BASE}"
    peak = int(totals.idxmax())
    if peak not in (BASE, last):
        finding += f" and a peak of {total(peak)} in {peak}"
    finding += "."
    if BASE in totals.index and last != BASE and len(origins) > 1:
        finding += _main_mover(c, frame, totals, last)
    finding += (" These are people counted by birthplace, many long settled, not migrant "
                "workers: seasonal and circular workers, the people most exposed to re-entry "
                "bans, are mostly missing from this count.")
    return Figure(chart, "central_asian_migrants_in_russia", finding, c, in_russia)


def _main_mover(c, frame: pd.DataFrame, totals: pd.Series, last: int) -> str:
    """A sentence naming the origin behind most of the change since the meeting, if one is."""
    change = totals[last] - totals[BASE]
    by_origin = frame.pivot_table(index="iso3", columns="year", values="value")
    diff = (by_origin[last] - by_origin[BASE]).dropna()
    biggest = diff.idxmin() if change < 0 else diff.idxmax()
    if change == 0 or diff[biggest] / change <= 0.5:
        return ""
    kw = {"measure": "migrant_stock", "origins": [biggest], "destinations": [DESTINATION]}
    return (f" Most of the {'fall' if change < 0 else 'rise'} is among people born "
            f"in {fmt.name(biggest)}: from "
            f"{c.value(by_origin.loc[biggest, BASE], 'number', years=[BASE], **kw)}"
            f" in {BASE} to "
            f"{c.value(by_origin.loc[biggest, last], 'number', years=[last], **kw)}"
            f" in {last}.")


def shock_changes(nb: Session) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each state's % change in remittances received on the year before, in the shock years
    (the bars, with the stronger flag of their two years), and the rows they are computed
    from."""
    received = nb.indicators("remittances_received_usd")
    changes = metrics.yoy_change_pct(received)
    shock = changes[changes["year"].isin(REMITTANCE_SHOCKS)].dropna(subset=["change_pct"])
    used = received[received["year"].isin(set(REMITTANCE_SHOCKS)
                                           | {y - 1 for y in REMITTANCE_SHOCKS})]
    flags = received.set_index(["iso3", "year"])["flag"].fillna("")
    bars = pd.DataFrame({"series": "remittances_received_usd_pct_change",
                         "unit": "% change on the previous year", "iso3": shock["iso3"],
                         "year": shock["year"], "value": shock["change_pct"],
                         "flag": [transform.strongest_flag(flags.get((i, y), ""),
                                                           flags.get((i, y - 1), ""))
                                  for i, y in zip(shock["iso3"], shock["year"], strict=True)],
                         "source": "computed: remittances_received_usd, % change on the "
                                   "previous year"})
    return bars, used


def remittance_shocks(nb: Session) -> Figure:
    """Bars: the change in remittances received in each shock year, per state."""
    bars, used = shock_changes(nb)
    chart = nb.chart("Change in remittances received on the year before, in marked years",
                     "% change, current US$ (includes exchange-rate valuation); one bar per "
                     "marked year",
                     indicators=["remittances_received_usd"], kind="Bar chart",
                     note=nb.footnote(used))
    if bars.empty:
        plotting.no_data(chart.ax, "no remittance data for the shock years")
        finding = "No remittance data for the shock years and chosen states."
        return Figure(chart, "remittance_shocks", finding, None, bars)
    wide = bars.pivot_table(index="iso3", columns="year", values="value")
    wide = wide.loc[plotting.in_catalogue_order(wide.index)]
    _draw_shock_bars(chart, wide)
    c = nb.claims()
    parts = []
    for year in REMITTANCE_SHOCKS:
        if year in wide.columns:
            parts.append(_shock_sentence(c, nb.states, wide[year].dropna(), year, used))
    finding = "; ".join(parts) + "."
    finding = finding[0].upper() + finding[1:] + " " + VALUATION_NOTE
    # Not the theme's window: only the marked years are drawn (issue 19, one frame per theme).
    finding += (f" Years shown from {int(bars['year'].min())}: only the marked years "
                f"{fmt.listing([str(y) for y in sorted(set(bars['year']))])}.")
    return Figure(chart, "remittance_shocks", finding, c, bars)


def _draw_shock_bars(chart: plotting.Chart, wide: pd.DataFrame) -> None:
    looks = plotting.category_looks([REMITTANCE_SHOCKS[y] for y in wide.columns])
    width = 0.8 / len(wide.columns)
    for i, year in enumerate(wide.columns):
        look = looks[REMITTANCE_SHOCKS[year]]
        chart.ax.bar([p + i * width for p in range(len(wide))], wide[year], width=width,
                     color=look["color"], hatch=look["hatch"], edgecolor="#333333",
                     linewidth=0.4, label=f"{year - 1} to {year}")
        for code, value in wide[year].items():
            plotting.record_point(chart.ax, value, code, year)
    chart.ax.set_xticks([p + width * (len(wide.columns) - 1) / 2 for p in range(len(wide))],
                        [plotting.state_label(code) for code in wide.index], rotation=30,
                        ha="right")
    chart.ax.axhline(0, color="#333333", linewidth=0.8)
    plotting.format_axis(chart.ax, percent=True)
    chart.ax.legend(loc="upper left", fontsize=7)


def _shock_sentence(c, states: list[str], col: pd.Series, year: int,
                    received: pd.DataFrame) -> str:
    """How many states' remittances rose or fell in `year` by at least the minimum meaningful
    change (issue 19), and the largest move among the participating states."""
    years = [year - 1, year]
    limits = comparison.change_limits("remittances_received_usd")
    before, after = (metrics.value_in(received, y) for y in years)
    moves = {s: comparison.moved(before[s], after[s], **limits) for s in col.index}
    fell = sum(m == comparison.FALL for m in moves.values())
    kw = {"indicator": "remittances_received_usd", "states": states, "years": years}
    of = c.count(len(col), "count", where="present", **kw)
    if fell:
        part = (f"in {year}, remittances fell clearly in "
                f"{c.count(fell, 'count', where='fell', **limits, **kw)} of the {of} states "
                "shown with figures for both years")
        worst = comparison.top_of(col, smallest=True)
        pct = c.pct_change(col[worst], "signed_pct", fmt_args={"decimals": 0},
                           indicator="remittances_received_usd", states=[worst], years=years)
        part += f", most among {comparison.among(worst)} in {fmt.name(worst)} ({pct})"
    else:
        part = (f"in {year}, remittances fell clearly in none of the {of} "
                "states shown with figures for both years")
    rose = sum(m == comparison.RISE for m in moves.values())
    if rose > fell:
        best = comparison.top_of(col)
        pct = c.pct_change(col[best], "signed_pct", fmt_args={"decimals": 0},
                           indicator="remittances_received_usd", states=[best], years=years)
        part += (f", while they rose clearly in "
                 f"{c.count(rose, 'count', where='rose', **limits, **kw)}, most "
                 f"among {comparison.among(best)} in {fmt.name(best)} ({pct})")
    return part


def refugee_returns(nb: Session) -> Figure:
    """Refugees returning to each state per year, in panels of at most six lines."""
    returns = nb.indicators("returned_refugees")
    partial = nb.partial_year("returned_refugees")
    label, unit = catalogue.measure_label_unit("returned_refugees")
    positive = returns[returns.groupby("iso3")["value"].transform("max") > 0]
    groups = plotting.panel_groups(positive.dropna(subset=["value"])["iso3"]) or [[]]
    chart = nb.chart(label, f"{unit} per year, symmetric log scale (values below 10 linear)"
                     + ("; panels share one scale" if len(groups) > 1 else "")
                     + (f"; {partial}: first half only (hollow marker, dotted line)"
                        if partial else ""),
                     indicators=["returned_refugees"], kind="Line chart",
                     note=nb.footnote(positive), nrows=len(groups), sharex=True,
                     size=(8, 4.8 if len(groups) == 1 else 3.0 * len(groups)))
    if positive.empty:
        plotting.no_data(chart.ax, "no returns recorded for the chosen states")
        finding = "No refugee returns recorded for the chosen states and years."
        return Figure(chart, "refugee_returns", finding, None, positive)
    plotting.small_multiples(chart.axes.flat, positive, groups=groups, yscale="symlog",
                             partial_year=partial)
    for ax in chart.axes.flat:
        plotting.format_axis(ax)
    complete = nb.complete(returns)
    last_full = int(complete["year"].max())
    window = complete[complete["year"].isin(range(BASE, last_full + 1))] \
        .dropna(subset=["value"])
    since = window.groupby("iso3")["value"].sum()
    top = since.idxmax() if not since.empty and since.max() > 0 else None
    if top is None:
        finding = (f"UNHCR recorded no refugee returns to any of the states shown from {BASE} "
                   f"to {last_full}.")
        return Figure(chart, "refugee_returns", finding, None, positive)
    c = nb.claims()
    top_years = sorted(int(y) for y in window.loc[window["iso3"] == top, "year"])
    in_last = metrics.value_in(complete, last_full).get(top)
    kw = {"indicator": "returned_refugees", "states": [top]}
    finding = (f"From {BASE} to {last_full}, "
               f"{c.sum(since[top], 'number', years=top_years, **kw)}"
               f" refugees returned to {fmt.name(top)}, the years added together, more than "
               "to any other state shown")
    if in_last is not None and in_last == since[top]:
        finding += f"; all of them in {last_full}"
    elif in_last is not None:
        finding += (f"; {c.value(in_last, 'number', years=[last_full], **kw)} of them in "
                    f"{last_full}")
    finding += "."
    if partial is not None:
        part = metrics.value_in(returns, partial).get(top)
        if part is not None and part > 0:
            finding += (f" The first half of {partial}, as published so far, adds "
                        f"{c.value(part, 'number', years=[partial], **kw)}.")
    if comparison.is_participant(top):  # key figures: participants only
        nb.key_figure(complete, "returned_refugees", top, last_full)
    return Figure(chart, "refugee_returns", finding, c, positive)


def internally_displaced(nb: Session) -> Figure:
    """UNHCR's internally displaced people, where it reports them."""
    idps = nb.indicators("idps")
    label, unit = catalogue.measure_label_unit("idps")
    shown = idps[idps.groupby("iso3")["value"].transform("max") > 0]
    chart = nb.chart(label, f"{unit}, end of year (a year published only in part: hollow "
                     "marker)", indicators=["idps"], kind="Line chart", note=nb.footnote(shown))
    if shown.empty:
        plotting.no_data(chart.ax, "no internally displaced people reported for the chosen "
                         "states")
        finding = "UNHCR reports no figure of internally displaced people for the chosen states."
        return Figure(chart, "internally_displaced_people", finding, None, shown)
    plotting.state_lines(chart.ax, shown, partial_year=nb.partial_year("idps"))
    plotting.format_axis(chart.ax)
    complete = nb.complete(idps)
    last_full = int(complete.dropna(subset=["value"])["year"].max())
    in_last = metrics.value_in(complete, last_full)
    in_last = in_last[in_last > 0]
    c = nb.claims()
    top = in_last.idxmax()
    shown_top = c.value(in_last[top], "number", indicator="idps", states=[top],
                        years=[last_full])
    most = superlative(c, "the most", indicator="idps", states=[top], years=[last_full],
                       among=list(in_last.index))
    series_last = int(nb.complete(nb.indicators("idps", states=catalogue.state_codes()))
                      .dropna(subset=["value"])["year"].max())
    if last_full < series_last:
        finding = (f"UNHCR's latest figure for the states shown is for the end of {last_full}: "
                   f"{shown_top} internally displaced people in {fmt.name(top)}, {most} among "
                   "them.")
    else:
        finding = (f"UNHCR counted {shown_top} internally displaced people in {fmt.name(top)} "
                   f"at the end of {last_full}, {most} among the states shown.")
    others = [s for s in plotting.in_catalogue_order(in_last.index) if s != top]
    if others:
        finding += f" It also reports figures for {fmt.names(others)} that year."
    silent = [s for s in plotting.in_catalogue_order(nb.states) if s not in in_last.index]
    if silent:
        finding += (f" For {fmt.names(silent)} it reports none that year: it counts "
                    "internally displaced people only where it runs an operation for them, so "
                    "no figure does not mean no one displaced.")
    if comparison.is_participant(top):  # key figures: participants only
        nb.key_figure(complete, "idps", top, last_full)
    return Figure(chart, "internally_displaced_people", finding, c, shown)


def reentry_bans(nb: Session, bans_csv: str | None = None) -> Figure:
    """The analyst's sourced series of re-entry bans, or a chart saying no open data exist."""
    if not bans_csv:
        return _no_open_bans(nb)
    bans = metrics.read_analyst_csv(bans_csv)
    first, last = nb.years
    bans = bans[bans["iso3"].isin(nb.states) & bans["year"].between(first, last)]
    sources = "; ".join(sorted(bans["source"].unique()))
    chart = nb.chart("Re-entry bans (analyst-supplied data)",
                     "number of bans per year, as given in the file",
                     source=f"Source: analyst-supplied file, citing: {sources}.",
                     kind="Line chart")
    # The file's figures as drawn, each with the source the file cites for it.
    plotted = bans.assign(series="reentry_bans", unit="bans")
    if bans.empty:
        plotting.no_data(chart.ax, "the file has no rows for the chosen states")
        finding = "The supplied file has no rows for the chosen states."
    else:
        plotting.state_lines(chart.ax, bans)
        plotting.format_axis(chart.ax)
        given = fmt.names(plotting.in_catalogue_order(bans["iso3"].unique()))
        finding = (f"Re-entry bans for {given} as given in a file supplied by an analyst, with "
                   "the sources it cites; these figures do not come from an open dataset and "
                   "are not checked against one.")
    return Figure(chart, "reentry_bans", finding, None, plotted)


def _no_open_bans(nb: Session) -> Figure:
    chart = nb.chart("Re-entry bans: no open data",
                     "bans on re-entering the country of work, per state and year",
                     source="Source: none. We know of no open dataset that publishes counts of "
                            "re-entry bans.",
                     kind="Chart", size=(8, 2.4))
    plotting.no_data(chart.ax, "An analyst who holds figures from a named source (for example "
                     "a destination\ncountry's migration authority) can supply them as a table: "
                     "one row per state\nand year, with the number of bans and the source of "
                     "each figure. This chart\nthen shows them, citing those sources.",
                     headline="No open dataset counts re-entry bans")
    finding = ("Re-entry bans are not charted: we know of no open dataset that counts them. "
               "An analyst who holds a sourced series, for example figures published by a "
               "destination country's migration authorities, can supply it as a table of "
               "bans per state and year with the source of each figure, and this chart then "
               "shows it with those sources.")
    return Figure(chart, "reentry_bans", finding, None, no_rows())


def outputs(nb: Session, reentry_bans_csv: str | None = None) -> Iterator[Figure]:
    """Every chart of the theme, in the notebook's order (what the tests run)."""
    yield central_asians_in_russia(nb)
    yield remittance_shocks(nb)
    yield refugee_returns(nb)
    yield internally_displaced(nb)
    yield reentry_bans(nb, reentry_bans_csv)
