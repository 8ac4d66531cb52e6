"""Country profile: one state's figures for every theme of the closing remarks, each with its
year: migrant stocks and where its emigrants live, remittances, money corridors and their
cost, refugees and displacement, asylum claims abroad, and detected victims of trafficking."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pandas as pd

from analysis import catalogue, flags, fmt, metrics, plotting
from analysis.catalogue import CITIZENSHIP_BASED
from analysis.claims import Ledger
from analysis.notebook import Session
from analysis.themes.common import BASE, Figure, Finding, no_rows, superlative

STOCK_IDS = ["emigrant_stock", "immigrant_stock"]
PCT_IDS = ["emigrants_pct_population", "immigrants_pct_population"]
# Line-end labels: short, the subtitle says what is counted.
SHORT_LABELS = {"emigrant_stock": "Born here, living abroad",
                "immigrant_stock": "Born abroad, living here",
                "refugees_abroad": "Refugees abroad"}
REMIT_IDS = ["remittances_received_pct_gdp", "remittances_received_usd"]
MONEY, COST = "remittances_estimated_usd", "remittance_cost_pct"
TOP_CORRIDORS = 6
TARGET = 3.0  # SDG target 10.c: the *average* cost of sending money home under 3% by 2030
CEILING = 5.0  # SDG target 10.c: no corridor costing more than 5%
PEOPLE_IDS = ["refugees_hosted", "asylum_seekers_hosted", "refugees_abroad", "idps"]
IDMC_IDS = ["new_displacements_conflict", "new_displacements_disaster"]
NEW_APPLICATIONS_FROM = 2006  # first year UNHCR's asylum countries report the application type
RATE_IDS = ["refugee_recognition_rate_abroad", "total_protection_rate_abroad"]
ASYLUM_IDS = ["asylum_applications_abroad", "asylum_decisions_abroad"] + RATE_IDS
EU, EU_BY = "eu_asylum_applicants", "eu_asylum_applicants"
TIP, TIP_ABROAD = "trafficking_victims_detected", "trafficking_victims"


def _name(nb: Session) -> str:
    return fmt.name(nb.id)


def _the(nb: Session) -> str:
    """The state's name inside a sentence."""
    return fmt.the(fmt.name(nb.id))


def _not_reported(frame: pd.DataFrame, indicator: str, state: str) -> bool:
    """Does the provider publish the indicator for the state only as "not reported" (flag M,
    null) in these years?"""
    rows = frame[(frame["indicator"] == indicator) & (frame["iso3"] == state)]
    return not rows.empty and rows["value"].isna().all() and (rows["flag"] == "M").any()


def _partner_bars(ax, codes, names, values) -> None:
    """Horizontal bars, one per partner country in its colour and hatch, with value labels."""
    looks = [plotting.country_look(code, name, i)
             for i, (code, name) in enumerate(zip(codes, names, strict=True))]
    bars = ax.barh(range(len(values)), values, color=[k["color"] for k in looks],
                   edgecolor="#333333", linewidth=0.5)
    for bar, look, code, value in zip(bars, looks, codes, values, strict=True):
        bar.set_hatch(look["hatch"])
        plotting.record_point(ax, value, code)
    ax.set_yticks(range(len(values)), list(names))
    for pos, value in enumerate(values):
        ax.annotate(fmt.compact(value), (value, pos), xytext=(3, 0),
                    textcoords="offset points", va="center", fontsize=7.5)
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", visible=True)


def _bar_room(ax, n, slots=4):
    """Keep bars as thick as in a chart of `slots` bars when there are fewer."""
    pad = max(slots - n, 0) / 2
    ax.set_ylim(-0.6 - pad, n - 0.4 + pad)


# -- population and migrant stocks ---------------------------------------------------------


def population(nb: Session) -> Finding:
    """The state's latest population (UN DESA's projection where it has no estimate)."""
    state = nb.id
    frame = nb.indicators("population").dropna(subset=["value"])
    if frame.empty:
        return Finding(f"No population figure for {_the(nb)} in these years.")
    row = frame.sort_values("year").iloc[-1]
    pop_year = int(row["year"])
    c = nb.claims()
    shown = c.value(row["value"], "number", indicator="population", states=[state],
                    years=[pop_year])
    nb.key_figure(frame, "population", state, pop_year)
    return Finding(f"Population: {shown} in {pop_year}"
                   + (" (UN DESA World Population Prospects, medium-variant projection)"
                      if row["flag"] == "F" else "") + ".", c)


def migrant_stocks(nb: Session) -> Figure:
    """Lines: people born in the state living abroad, and people born abroad living in it."""
    name, state = _name(nb), nb.id
    stocks = nb.indicators(STOCK_IDS + PCT_IDS)
    drawn = stocks[stocks["indicator"].isin(STOCK_IDS)]
    chart = nb.chart(f"{name}: emigrants abroad and immigrants at home",
                     "people, by place of birth; UN DESA estimates for 1990, 1995, ..., 2020, 2024",
                     indicators=STOCK_IDS, note=nb.footnote(drawn), kind="Line chart")
    if drawn.dropna(subset=["value"]).empty:
        plotting.no_data(chart.ax, f"no migrant stock estimates for {name}")
        finding = f"UN DESA publishes no migrant stock estimates for {_the(nb)}."
        return Figure(chart, "migrant_stocks", finding, None, drawn.dropna(subset=["value"]))
    wide = drawn.pivot_table(index="year", columns="indicator", values="value")
    looks = {ind: {"color": plotting.state_look(state)["color"],
                   "marker": "o" if ind == "emigrant_stock" else "s",
                   "linestyle": "-" if ind == "emigrant_stock" else "--",
                   "label": SHORT_LABELS[ind]} for ind in wide.columns}
    plotting.lines_from_wide(chart.ax, wide, looks)
    plotting.format_axis(chart.ax)
    c = nb.claims()
    parts, projected = [], False
    for ind, pct_ind, words in (
            ("emigrant_stock", "emigrants_pct_population", f"people from {_the(nb)} lived "
             "abroad"),
            ("immigrant_stock", "immigrants_pct_population",
             f"citizens of other countries lived in {_the(nb)}" if state in CITIZENSHIP_BASED
             else f"people born in another country lived in {_the(nb)}")):
        text, share_projected = _stock_part(nb, c, stocks, ind, pct_ind, words)
        parts.append(text)
        projected |= share_projected
    finding = ("; ".join(parts) + "."
               + (" The shares use UN DESA's projected population." if projected else "")
               + " Both stocks count people by birthplace (by citizenship where the host "
               f"country counts that way, as {fmt.name('IRN')} and the Gulf states do), "
               "long-settled ones "
               "included; "
               "seasonal and circular workers are missed.")
    finding = finding[0].upper() + finding[1:]
    return Figure(chart, "migrant_stocks", finding, c, drawn.dropna(subset=["value"]))


def _stock_part(nb: Session, c: Ledger, stocks: pd.DataFrame, ind: str, pct_ind: str,
                words: str) -> tuple[str, bool]:
    """One stock's latest figure with its share of the residents; and whether that share uses
    a projected population."""
    state = nb.id
    rows = stocks[stocks["indicator"] == ind].dropna(subset=["value"])
    if rows.empty:
        return (f"UN DESA publishes no estimate of {words.split(' lived')[0]} "
                f"{'abroad' if ind == 'emigrant_stock' else 'in ' + _name(nb)}"), False
    last = metrics.latest(rows).iloc[0]
    year = int(last.year)
    text = (f"{c.value(last.value, 'number', indicator=ind, states=[state], years=[year])} "
            f"{words} in {year}")
    share = stocks[(stocks["indicator"] == pct_ind) & (stocks["year"] == year)] \
        .dropna(subset=["value"])
    projected = False
    if not share.empty:
        shown = c.value(share["value"].iloc[0], "pct", indicator=pct_ind, states=[state],
                        years=[year])
        text += f", equal to {shown} of its residents"
        projected = share["flag"].iloc[0] == "F"
    if ind == "emigrant_stock":
        nb.key_figure(stocks, ind, state, year)
    return text, projected


def emigrant_destinations(nb: Session) -> Figure:
    """Bars: the eight countries where most people born in the state live."""
    name, the, state = _name(nb), _the(nb), nb.id
    corridors = nb.corridors("migrant_stock", origins=[state]).dropna(subset=["value"])
    top = metrics.top_corridors(corridors, n=8)
    chart = nb.chart(f"Where people from {name} live",
                     "people, latest UN DESA estimate; the eight largest countries of residence",
                     measures=["migrant_stock"], note=nb.footnote(top), kind="Bar chart")
    if top.empty:
        plotting.no_data(chart.ax, f"no corridor estimates for {name}")
        finding = f"UN DESA publishes no estimates by country of residence for {the}."
        return Figure(chart, "emigrant_destinations", finding, None, top)
    shown = top.iloc[::-1]
    _partner_bars(chart.ax, shown["destination_iso3"], shown["destination_name"],
                  shown["value"])
    chart.ax.margins(x=0.12)
    plotting.format_axis(chart.ax, "x")
    year = int(top["year"].iloc[0])
    all_abroad = corridors[corridors["year"] == year]["value"].sum()
    first = top.iloc[0]
    c = nb.claims()
    cell = {"measure": "migrant_stock", "origins": [state],
            "destinations": [first.destination_iso3], "years": [year]}
    people = c.value(first.value, "number", **cell)
    part = c.share(first.value / all_abroad * 100, "pct", fmt_args={"decimals": 0},
                   of_origins=[state], **cell)
    if first.destination_iso3 in CITIZENSHIP_BASED:  # a register count, not by birthplace
        finding = (f"In {year}, {fmt.the(first.destination_name)} was home to {people} citizens "
                   f"of {the}, {part} of all those living abroad ({fmt.the(first.destination_name)}"
                   " counts by citizenship, and its count of refugees follows its registration, "
                   "so it moves with reclassifications"
                   + (f" such as {fmt.name('IRN')}'s in 2022)." if first.destination_iso3 == "IRN"
                      else ")."))
    else:
        finding = (f"In {year}, {fmt.the(first.destination_name)} was home to {people} people "
                   f"born in {the}, {part} of all those living abroad (people by birthplace, "
                   "long-settled ones included).")
    return Figure(chart, "emigrant_destinations", finding, c, top)


# -- remittances ----------------------------------------------------------------------------


def remittances(nb: Session) -> Figure:
    """Two panels: remittances received as % of GDP and in US$; gaps where not reported."""
    name = _name(nb)
    remit = nb.indicators(REMIT_IDS)
    chart = nb.chart(f"{name}: personal remittances received",
                     "left: % of GDP; right: current US$; gaps: not reported", kind="Line chart",
                     ncols=2, indicators=REMIT_IDS, size=(8, 3.6), note=nb.footnote(remit))
    for ax, ind in zip(chart.axes.flat, REMIT_IDS, strict=True):
        _remittance_panel(ax, remit[remit["indicator"] == ind], ind, name)
    drawn = remit.dropna(subset=["value"])
    share = remit[remit["indicator"] == "remittances_received_pct_gdp"]
    if share.dropna(subset=["value"]).empty:
        if _not_reported(remit, "remittances_received_usd", nb.id):
            finding = (f"The World Bank reports no remittance inflows for {_the(nb)}: the zeros "
                       "it publishes mean not reported, not that nothing is received.")
        else:
            finding = (f"The World Bank publishes no remittance figures for {_the(nb)} in these "
                       "years.")
        return Figure(chart, "remittances", finding, None, drawn)
    c = nb.claims()
    finding = _remittance_finding(nb, c, remit, share)
    return Figure(chart, "remittances", finding, c, drawn)


def _remittance_panel(ax, rows: pd.DataFrame, ind: str, name: str) -> None:
    plotting.panel_title(ax, catalogue.measure_label_unit(ind)[1], 40)
    if rows.dropna(subset=["value"]).empty:
        plotting.no_data(ax, f"not reported for {name}")
        return
    plotting.state_lines(ax, rows, label_ends=False)
    ax.set_xlim(rows["year"].min() - 1.5, rows["year"].max() + 1.5)  # gaps keep their years
    ax.set_ylim(bottom=0)
    plotting.format_axis(ax, percent=ind.endswith("pct_gdp"))
    shown = rows.dropna(subset=["value"])
    if len(shown) <= 2:  # a point or two is no line: label them and say what is missing
        as_text = fmt.pct if ind.endswith("pct_gdp") else fmt.usd
        for point in shown.itertuples():
            ax.annotate(f"{as_text(point.value)} ({point.year})", (point.year, point.value),
                        xytext=(8, 0), textcoords="offset points", va="center", fontsize=8)
        ax.text(0.5, 0.45, f"Not reported after {int(shown['year'].max())}",
                transform=ax.transAxes, ha="center", color=plotting.MUTED, fontsize=10)


def _remittance_finding(nb: Session, c: Ledger, remit: pd.DataFrame,
                        share: pd.DataFrame) -> str:
    """The last reported share of GDP (and US$), against the meeting year's where the series
    does not break between them, and the years not reported since."""
    state, the = nb.id, _the(nb)
    valid = share.dropna(subset=["value"])
    last = metrics.latest(valid).iloc[0]
    year = int(last.year)
    later = share[(share["year"] > year) & (share["flag"] == "M")]
    finding = ("" if later.empty or year >= BASE else
               f"The World Bank reports no remittance inflows for {the} in "
               f"{flags.year_span(later['year'])}: the zeros it publishes for those years mean "
               "not reported. ")
    finding += ("Remittances received were worth " if not finding else
                "Its last reported figure: remittances worth ")
    base = valid[valid["year"] == BASE]
    smallest = min([abs(last.value)] + list(base["value"].abs()))
    places = {"decimals": 1 if smallest >= 0.095 else 2 if smallest >= 0.0095 else 3}

    def pct_gdp(value, year):
        return c.value(value, "pct", fmt_args=places, indicator="remittances_received_pct_gdp",
                       states=[state], years=[year])

    finding += f"{pct_gdp(last.value, year)} of {the}'s GDP in {year}"
    usd = remit[(remit["indicator"] == "remittances_received_usd") & (remit["year"] == year)] \
        .dropna(subset=["value"])
    if not usd.empty:
        shown = c.value(usd["value"].iloc[0], "usd", indicator="remittances_received_usd",
                        states=[state], years=[year])
        finding += f" ({shown})"
    # An estimate (flag E; Afghanistan's 2021: January to August only) is not set against a
    # full year (issue 18, defect 7).
    if not base.empty and year > BASE and last.flag != "E" \
            and metrics.first_break(share, state, BASE, year) is None:
        finding += f", against {pct_gdp(base['value'].iloc[0], BASE)} in {BASE}"
    finding += "."
    if last.flag == "E":
        finding += (f" The {year} figure is an estimate that need not cover the whole year "
                    f"(see the chart's note), so it is not compared with {BASE}.")
    if not later.empty and year >= BASE:
        finding += f" {flags.year_span(later['year'])}: not reported."
    if year >= BASE:  # a key figure from before the meeting would mislead
        nb.key_figure(share, "remittances_received_pct_gdp", state, year)
    return finding


# -- money corridors and their cost ---------------------------------------------------------


@dataclass
class MoneyCorridors:
    """The state's remittance corridors in the estimates' latest year. `sides` holds
    (how, rows, partner) for "received" (partner: the sending "destination") and "sent"
    (partner: the receiving "origin"), the state's main direction first, sides without a
    corridor left out; `top` the TOP_CORRIDORS largest corridors of each side."""
    year: int | None
    received: pd.DataFrame
    sent: pd.DataFrame
    sides: list[tuple[str, pd.DataFrame, str]]
    top: dict[str, pd.DataFrame]

    @property
    def shown(self) -> pd.DataFrame:
        """The corridors the chart draws."""
        return pd.concat(self.top.values(), ignore_index=True) if self.top else no_rows()


def remittance_corridors(nb: Session) -> MoneyCorridors:
    """World Bank/KNOMAD estimates of the money the state receives and sends, by corridor."""
    state = nb.id
    # Corridors keep the migrants' direction: origin = where the money goes (the receiving
    # state), destination = where it is sent from.
    money = pd.concat([nb.corridors(MONEY, origins=[state]),
                       nb.corridors(MONEY, destinations=[state])])
    money = money.dropna(subset=["value"]).drop_duplicates()
    money_year = int(money["year"].max()) if not money.empty else None
    money = money[money["year"] == money_year]
    received = money[money["origin_iso3"] == state].sort_values("value", ascending=False)
    sent = money[money["destination_iso3"] == state].sort_values("value", ascending=False)
    # The state's main direction first: a state sending more than it receives is shown as a
    # sender.
    sides = [("received", received, "destination"), ("sent", sent, "origin")]
    if sent["value"].sum() > received["value"].sum():
        sides.reverse()
    sides = [s for s in sides if not s[1].empty]
    top = {how: rows.head(TOP_CORRIDORS).reset_index(drop=True) for how, rows, _p in sides}
    return MoneyCorridors(money_year, received, sent, sides, top)


def no_money_corridors(nb: Session) -> Finding:
    return Finding(f"The World Bank/KNOMAD bilateral estimates hold no remittance corridor for "
                   f"{_the(nb)}.")


def money_corridors(nb: Session, money: MoneyCorridors) -> Figure:
    """Bars: the largest corridors of money received and of money sent, one panel each."""
    chart = nb.chart(f"{_name(nb)}: its main remittance corridors, {money.year}",
                     f"US$ a year, World Bank/KNOMAD model estimates; the {TOP_CORRIDORS} "
                     "largest corridors",
                     measures=[MONEY], note=nb.footnote(pd.concat(money.top.values())),
                     kind="Bar chart", ncols=len(money.sides), size=(8, 3.4))
    c = nb.claims()
    sentences = []
    drawn = []
    for ax, (how, rows, partner) in zip(chart.axes.flat, money.sides, strict=True):
        if len(rows) == 1:  # the model does not split this side: no bar (issue 18, defect 4)
            _unsplit_panel(ax, how)
        else:
            _money_panel(ax, money.top[how], how, partner)
            drawn.append(money.top[how])
        sentences.append(_money_sentence(nb, c, money, how, rows, partner))
    for how, rows in (("received", money.received), ("sent", money.sent)):
        if not rows.empty:
            continue
        sentences.append(f"The estimates hold no corridor of money {how} "
                         f"{'by' if how == 'received' else 'from'} {_the(nb)}.")
    finding = (" ".join(sentences) + " These are model estimates, not recorded flows: they "
               "need not add up to the receipts and payments the World Bank records.")
    shown = pd.concat(drawn, ignore_index=True) if drawn else no_rows()
    return Figure(chart, "money_corridors", finding, c, shown)


def _unsplit_panel(ax, how: str) -> None:
    """A side the model does not split by partner country: a note, not a full-width bar."""
    ax.set_axis_off()
    ax.text(0.5, 0.5, "Not allocated by the model:\nKNOMAD does not split this money\n"
            "by partner country", transform=ax.transAxes, ha="center", va="center",
            color=plotting.MUTED, fontsize=9)
    plotting.panel_title(ax, f"Money {how}", 45)


def _money_panel(ax, top: pd.DataFrame, how: str, partner: str) -> None:
    shown = top.iloc[::-1]
    _partner_bars(ax, shown[f"{partner}_iso3"], list(shown[f"{partner}_name"]), shown["value"])
    ax.margins(x=0.2)
    _bar_room(ax, len(shown))
    plotting.format_axis(ax, "x")
    plotting.panel_title(ax, f"Money {how}" + (", by sending country" if how == "received"
                                                else ", by receiving country"), 45)


def _money_sentence(nb: Session, c: Ledger, money: MoneyCorridors, how: str,
                    rows: pd.DataFrame, partner: str) -> str:
    """The side's largest corridor, its share of the side's total and the next one."""
    the, top, year = _the(nb), money.top[how], money.year
    first = top.iloc[0]
    cell = {"measure": MONEY, "origins": [first.origin_iso3],
            "destinations": [first.destination_iso3], "years": [year]}
    amount = c.value(first.value, "usd", **cell)
    where = fmt.the(first[f"{partner}_name"])
    if len(rows) == 1:  # one corridor: the model's whole total put on one partner
        return (f"The {year} estimates do not split the money {how} "
                f"{'by' if how == 'received' else 'from'} {the} by partner country: the "
                f"model puts all of it, {amount}, on {where} (not allocated by the model), "
                "so it is not a measured corridor.")
    whole = {"of_origins": [nb.id]} if how == "received" else {"of_destinations": [nb.id]}
    part = c.share(first.value / rows["value"].sum() * 100, "pct",
                   fmt_args={"decimals": 0}, **cell, **whole)
    ranked = "destination" if how == "received" else "origin"  # the partner's side
    if how == "received":
        most = superlative(c, "the most", rank_by=ranked, among=None, **cell)
        text = (f"Of the money estimated to have been sent to {the} in {year}, "
                f"{most} came from {where}: {amount}, {part} of the estimated total from "
                "all sending countries")
    else:
        largest = superlative(c, "the largest", rank_by=ranked, among=None, **cell)
        text = (f"Of the money estimated to have been sent from {the} in {year}, "
                f"{largest} corridor led to {where}: {amount}, {part} of the estimated total "
                "to all receiving countries")
    if len(top) > 1:
        second = top.iloc[1]
        shown2 = c.value(second.value, "usd", measure=MONEY, origins=[second.origin_iso3],
                         destinations=[second.destination_iso3], years=[year])
        after = superlative(c, "next", place=2, measure=MONEY, origins=[second.origin_iso3],
                            destinations=[second.destination_iso3], years=[year],
                            rank_by=ranked, among=None)
        text += f"; {after} {fmt.the(second[f'{partner}_name'])} ({shown2})"
    return text + "."


@dataclass
class CorridorCosts:
    """Remittance Prices Worldwide rows for the corridors the money chart shows (at most
    TOP_CORRIDORS of them surveyed), and each surveyed corridor's line label by (origin,
    destination)."""
    rows: pd.DataFrame
    labels: dict[tuple[str, str], str]


def corridor_costs(nb: Session, money: MoneyCorridors) -> CorridorCosts:
    """The cost of sending money on the corridors of `money`, where they were surveyed."""
    state = nb.id
    cost_lines = []  # (label, origin, destination)
    for how, _rows, partner in money.sides:
        for r in money.top[how].itertuples():
            word = "from" if how == "received" else "to"
            cost_lines.append((f"{word} {getattr(r, partner + '_name')}", r.origin_iso3,
                               r.destination_iso3))
    costs_all = pd.concat([nb.corridors(COST, origins=[state]),
                           nb.corridors(COST, destinations=[state])])
    costs_all = costs_all.dropna(subset=["value"]).drop_duplicates()
    surveyed = [(lab, o, d) for lab, o, d in cost_lines
                if ((costs_all["origin_iso3"] == o) & (costs_all["destination_iso3"] == d)).any()]
    labels = {(o, d): lab for lab, o, d in surveyed[:TOP_CORRIDORS]}
    keep = pd.Series([(o, d) in labels for o, d in
                      zip(costs_all["origin_iso3"], costs_all["destination_iso3"], strict=True)],
                     index=costs_all.index, dtype=bool)
    return CorridorCosts(costs_all[keep].reset_index(drop=True), labels)


def no_cost_survey(nb: Session) -> Finding:
    return Finding(f"Remittance Prices Worldwide did not survey the cost of sending money on "
                   f"{_the(nb)}'s main corridors.")


def remittance_costs(nb: Session, costs: CorridorCosts) -> Figure:
    """Lines: the cost of sending US$200 on each surveyed corridor, against SDG target 10.c
    (3% for the average cost, 5% for any corridor)."""
    plotted = costs.rows
    # The file's last year holds only the quarters surveyed to September (flag P): the
    # caption quotes the latest full year, as the main remittances page does (issue 18,
    # defect 7); the part year is drawn and said to be part.
    part = sorted(plotted.loc[plotted["flag"] == "P", "year"].unique())
    full = plotted[plotted["flag"] != "P"]
    cost_year = int(full["year"].max()) if not full.empty else int(plotted["year"].max())
    chart = nb.chart(f"{_name(nb)}: the cost of sending US$200 on its main corridors",
                     f"average total cost, % of the amount sent; red line: {TARGET:g}%, the "
                     f"SDG 10.c target for the average cost; dashed: {CEILING:g}%, its "
                     "ceiling for any corridor"
                     + (f"; {part[-1]}: the first three quarters only" if part else ""),
                     measures=[COST], note=nb.footnote(plotted), kind="Line chart",
                     size=(8, 3.6))
    wide = plotted.assign(label=[costs.labels[(o, d)] for o, d in zip(
        plotted["origin_iso3"], plotted["destination_iso3"], strict=True)]) \
        .pivot_table(index="year", columns="label", values="value")
    partner_code = {lab: (d if o == nb.id else o) for (o, d), lab in costs.labels.items()}
    looks = {lab: {**plotting.country_look(partner_code[lab], lab, i), "label": lab}
             for i, lab in enumerate(wide.columns)}
    chart.ax.axhline(TARGET, color="#CC3311", linestyle="-", linewidth=1.0, zorder=0)
    chart.ax.annotate(f"SDG 10.c, average cost: {TARGET:g}%", (0.01, TARGET),
                      xycoords=("axes fraction", "data"), xytext=(0, 3),
                      textcoords="offset points", fontsize=7, color="#CC3311")
    chart.ax.axhline(CEILING, color="#CC3311", linestyle="--", linewidth=0.8, zorder=0)
    chart.ax.annotate(f"SDG 10.c, any corridor: {CEILING:g}%", (0.01, CEILING),
                      xycoords=("axes fraction", "data"), xytext=(0, 3),
                      textcoords="offset points", fontsize=7, color="#CC3311")
    chart.ax.set_ylim(0, max(wide.max().max(), CEILING) * 1.15)
    plotting.lines_from_wide(chart.ax, wide, looks)
    plotting.format_axis(chart.ax, percent=True)
    c = nb.claims()
    finding = _cost_finding(c, full if not full.empty else plotted, cost_year, part)
    return Figure(chart, "remittance_costs", finding, c, plotted)


def _against_sdg(value: float) -> str:
    """Where one corridor's cost stands against SDG 10.c: 3% is the target for the *average*
    cost, 5% the ceiling for any corridor, so only a corridor above 5% misses a target."""
    if value > CEILING:
        return f"above the {CEILING:g}% SDG ceiling for any corridor"
    if value > TARGET:
        return f"within the {CEILING:g}% corridor ceiling"
    return f"under {TARGET:g}%"


def _cost_finding(c: Ledger, plotted: pd.DataFrame, cost_year: int, part: list) -> str:
    latest = plotted[plotted["year"] == cost_year].sort_values("value")
    parts = []
    for r in latest.itertuples():
        shown = c.value(r.value, "pct", fmt_args={"decimals": 2}, measure=COST,
                        origins=[r.origin_iso3], destinations=[r.destination_iso3],
                        years=[cost_year])
        parts.append(f"from {fmt.the(r.destination_name)} to {fmt.the(r.origin_name)}, "
                     f"{shown} ({_against_sdg(r.value)})")
    only_part = bool(part) and cost_year == part[-1]
    finding = (f"Average total cost of sending money in {cost_year}"
               + (" (the first three quarters only)" if only_part else "")
               + ", as a share of the amount sent: " + "; ".join(parts)
               + f". SDG target 10.c asks for an average cost under {TARGET:g}% and no "
               f"corridor above {CEILING:g}%.")
    finding += (f" The survey data here end after the first three quarters of {part[-1]}"
                if part
                else f" The survey data here end in {cost_year}")
    if "RUS" in set(plotted["origin_iso3"]) | set(plotted["destination_iso3"]):
        finding += (f"; in later releases of the survey {fmt.name('RUS')}'s corridors end in "
                    "2021")
    return finding + "."


# -- refugees and displacement --------------------------------------------------------------


def refugees_and_displacement(nb: Session) -> Figure:
    """Lines (symmetric log): refugees and asylum-seekers hosted, refugees abroad, IDPs."""
    name = _name(nb)
    people = nb.indicators(PEOPLE_IDS)
    complete = nb.complete(people)
    chart = nb.chart(f"{name}: refugees hosted, refugees abroad and internal displacement",
                     "people at the end of each year, complete years only; symmetric log scale; "
                     "black bars mark breaks in series", indicators=PEOPLE_IDS,
                     note=nb.footnote(complete), kind="Line chart")
    drawn = complete.dropna(subset=["value"])
    if drawn.empty:
        plotting.no_data(chart.ax, f"UNHCR reports none for {name}")
        finding = f"UNHCR reports no refugees, asylum-seekers or displaced people for {_the(nb)}."
        return Figure(chart, "refugees_and_displacement", finding, None, drawn)
    _draw_people(chart, complete)
    year = int(complete["year"].max())
    last = complete[complete["year"] == year].set_index("indicator")
    c = nb.claims()
    finding = (_people_sentence(nb, c, last, year) + _break_sentences(nb, people)
               + _idp_sentence(nb, c, people, last, year))
    for ind in ("refugees_hosted", "refugees_abroad", "idps"):
        value = last["value"].get(ind)
        if value is not None and pd.notna(value):
            nb.key_figure(complete, ind, nb.id, year)
    return Figure(chart, "refugees_and_displacement", finding, c, drawn)


def _draw_people(chart: plotting.Chart, complete: pd.DataFrame) -> None:
    chart.ax.set_yscale("symlog", linthresh=10)
    wide = complete.pivot_table(index="year", columns="indicator", values="value")
    wide = wide[[col for col in PEOPLE_IDS if col in wide.columns]]
    styles = ["-", "--", "-.", ":"]
    markers = ["o", "s", "^", "D"]
    looks = {ind: {"color": ["#0072B2", "#E69F00", "#009E73", "#D55E00"][i],
                   "marker": markers[i], "linestyle": styles[i],
                   "label": SHORT_LABELS.get(ind, catalogue.measure_label_unit(ind)[0])}
             for i, ind in enumerate(PEOPLE_IDS)}
    plotting.lines_from_wide(chart.ax, wide, {col: looks[col] for col in wide.columns})
    plotting.mark_flags(chart.ax, complete)
    plotting.format_axis(chart.ax)


def _people_sentence(nb: Session, c: Ledger, last: pd.DataFrame, year: int) -> str:
    """Refugees and asylum-seekers hosted and nationals who are refugees abroad, at the end
    of the latest complete year."""

    def people_count(ind: str, noun: str) -> str:
        value = last["value"].get(ind)
        if value is None or pd.isna(value):
            return f"no reported figure for {noun}"
        if value == 0:
            return f"no {noun} recorded"
        text = (f"{c.value(value, 'number', indicator=ind, states=[nb.id], years=[year])} "
                f"{noun}")
        if last["flag"].get(ind) == "B":  # the year itself starts a new series: say so
            why = catalogue.break_label(ind, nb.id, year)
            text += f" (counted on a new basis from {year}" + (f": {why})" if why else ")")
        return text

    finding = (f"At the end of {year}, {_the(nb)} hosted "
               f"{people_count('refugees_hosted', 'refugees')} and "
               f"{people_count('asylum_seekers_hosted', 'asylum-seekers')}; "
               f"{people_count('refugees_abroad', _abroad_noun(nb))}.")
    finding += _fled_to(nb, c, year)
    finding = finding.replace("no of its nationals were refugees abroad recorded",
                              "none of its nationals were recorded as refugees abroad")
    return finding.replace("no reported figure for of its nationals were refugees abroad",
                           "there is no reported figure for its nationals who are refugees "
                           "abroad")


# Refugees abroad whom UNHCR records under the state as country of origin but who are not
# its nationals in the ordinary sense: the host and how the page names them (issue 18).
RECORDED_ORIGIN = {"AZE": ("ARM", "people who fled Karabakh to Armenia")}


def _abroad_noun(nb: Session, noun: str = "of its nationals were refugees abroad") -> str:
    """'of its nationals ...', or, where UNHCR's origin is not nationality, what it records."""
    if nb.id in RECORDED_ORIGIN:
        return f"refugees abroad had {fmt.name(nb.id)} as their recorded country of origin"
    return noun


def _fled_to(nb: Session, c: Ledger, year: int) -> str:
    """' Of them, N were people who fled Karabakh to Armenia, recorded by UNHCR with
    Azerbaijan as country of origin (UNHCR's count at the end of the year).'"""
    if nb.id not in RECORDED_ORIGIN:
        return ""
    host, who = RECORDED_ORIGIN[nb.id]
    rows = nb.corridors("refugees", origins=[nb.id], destinations=[host])
    value = rows.loc[rows["year"] == year, "value"].dropna()
    if value.empty:
        return ""
    n = c.value(float(value.iloc[0]), "number", measure="refugees", origins=[nb.id],
                destinations=[host], years=[year])
    return (f" Of them, {n} were {who}, recorded by UNHCR with {fmt.name(nb.id)} as country "
            "of origin (UNHCR's count at the end of the year; UN DESA's migrant stock and net "
            "migration estimates measure other things and give other figures).")


def _break_sentences(nb: Session, people: pd.DataFrame) -> str:
    finding = ""
    for ind, what in (("refugees_hosted", "The count of refugees it hosts"),
                      ("refugees_abroad", "The count of refugees abroad from it"
                       if nb.id in RECORDED_ORIGIN
                       else "The count of its nationals who are refugees abroad")):
        # Every break in the series, the latest part year's included.
        crossed = metrics.breaks_between(people[people["indicator"] == ind], 0,
                                         int(people["year"].max()))
        told = []
        for brk in sorted(int(y) for y in crossed["year"]):
            why = catalogue.break_label(ind, nb.id, brk)
            told.append(f"{brk}" + (f" ({why})" if why else ""))
        if told:
            finding += (f" {what} is not one series: it breaks in " + " and in ".join(told)
                        + ". No change is computed across these breaks.")
    return finding


def _idp_sentence(nb: Session, c: Ledger, people: pd.DataFrame, last: pd.DataFrame,
                  year: int) -> str:
    """UNHCR's internally displaced people in the year, or why it gives no figure."""
    idp = people[people["indicator"] == "idps"]
    idp_value = last["value"].get("idps")
    if idp_value is not None and pd.notna(idp_value):
        shown = c.value(idp_value, "number", indicator="idps", states=[nb.id], years=[year])
        finding = f" UNHCR counted {shown} internally displaced people in {year}"
        if last["flag"].get("idps") == "B":
            finding += (", a single figure after a gap in reporting, not a continuation of "
                        "the earlier series")
        return finding + "."
    if not (idp["flag"] == "M").any():
        return ""
    valid = idp.dropna(subset=["value"])
    if valid.empty:
        return (f" UNHCR reports no figure for internally displaced people in {_the(nb)}: "
                "it counts them only where it runs or supports an operation, so the "
                "figure is not reported, not zero.")
    lastv = valid.sort_values("year").iloc[-1]
    shown = c.value(lastv["value"], "number", indicator="idps", states=[nb.id],
                    years=[int(lastv["year"])])
    return (f" UNHCR's count of internally displaced people is not reported for "
            f"{year}; its last figure was {shown} in {int(lastv['year'])}.")


def idmc_displacements(nb: Session) -> tuple[pd.DataFrame, pd.DataFrame]:
    """IDMC's new displacements by conflict and by disasters, and the state's disaster
    events by cause, largest first."""
    idmc = nb.indicators(IDMC_IDS).dropna(subset=["value"])
    by_cause = nb.displacement_by_cause()
    events = (by_cause[by_cause["kind"] == "disaster"].dropna(subset=["new_displacements"])
              .query("new_displacements > 0")
              .sort_values("new_displacements", ascending=False))
    return idmc, events


def no_new_displacements(nb: Session) -> Finding:
    return Finding(f"IDMC records no new internal displacements for {_the(nb)} in these years.")


def new_displacements(nb: Session, idmc: pd.DataFrame, events: pd.DataFrame) -> Figure:
    """Lines: new displacements by conflict and by disasters, the largest events marked."""
    big = events[events["new_displacements"] >= 1_000_000].head(2)
    if big.empty:
        big = events[events["new_displacements"] >= 100_000].head(1)
    marks = {int(r.year): catalogue.HAZARD_WORDS.get(r.cause, r.cause) for r in big.itertuples()}
    if nb.id == "AFG" and 2021 in set(idmc["year"]):
        marks[2021] = "change of power"
    chart = nb.chart(f"{_name(nb)}: new internal displacements by conflict and by disasters",
                     "movements in the year (not people); a year without a point: none "
                     "recorded" + ("; vertical lines: the largest events" if marks else ""),
                     indicators=IDMC_IDS, note=nb.footnote(idmc),
                     kind="Line chart", size=(8, 3.4))
    wide = idmc.pivot_table(index="year", columns="indicator", values="value")
    chart.ax.set_ylim(0, idmc["value"].max() * 1.25)
    plotting.lines_from_wide(chart.ax, wide, {k: plotting.DISPLACEMENT_LOOKS[k]
                                              for k in wide.columns})
    plotting.format_axis(chart.ax)
    plotting.mark_years(chart.ax, marks)
    c = nb.claims()
    sentences = _disaster_sentences(nb, c, events, big) if not events.empty else []
    conflict = idmc[(idmc["indicator"] == "new_displacements_conflict") & (idmc["value"] > 0)]
    if not conflict.empty:
        top = conflict.loc[conflict["value"].idxmax()]
        shown = c.value(top.value, "number", indicator="new_displacements_conflict",
                        states=[nb.id], years=[int(top.year)])
        most = superlative(c, "the most", indicator="new_displacements_conflict",
                           states=[nb.id], years=[int(top.year)], among=[nb.id],
                           among_years=sorted({int(y) for y in idmc["year"]}))
        sentences.append(f"Conflict and violence caused {most} new displacements in "
                         f"{int(top.year)}: {shown}.")
    else:
        sentences.append("IDMC records no new displacements by conflict in these years.")
    finding = " ".join(sentences)
    return Figure(chart, "new_displacements", finding, c, idmc[idmc["value"].notna()])


def _disaster_cause(nb: Session, cause: str, year: int) -> str:
    """What caused a year's displacements: the named event where the catalogue knows one
    ("the Herat earthquakes of October 2023"), else the hazard and the year."""
    event = catalogue.disaster_event(nb.id, year, cause)
    if event:
        return f"the {event}"
    return f"{catalogue.HAZARD_WORDS.get(cause, cause)} in {year}"


def _disaster_sentences(nb: Session, c: Ledger, events: pd.DataFrame,
                        big: pd.DataFrame) -> list[str]:
    """The largest disaster displacement in the data and, if two were marked, the next."""
    top = events.iloc[0]
    year = int(top.year)
    shown = c.value(top.new_displacements, "number", table="displacement_by_cause",
                    select={"kind": "disaster", "cause": top.cause}, states=[nb.id],
                    years=[year])
    rank = {"table": "displacement_by_cause", "states": [nb.id], "rank_by": ["cause", "year"],
            "among_years": sorted({int(y) for y in events["year"]})}  # the years shown
    largest = superlative(c, "The largest", select={"kind": "disaster", "cause": top.cause},
                          years=[year], **rank)
    sentences = [f"{largest} disaster displacement in the data: {shown} new displacements "
                 f"by {_disaster_cause(nb, top.cause, year)}."]
    if len(big) > 1:
        r = big.iloc[1]
        shown = c.value(r.new_displacements, "number", table="displacement_by_cause",
                        select={"kind": "disaster", "cause": r.cause}, states=[nb.id],
                        years=[int(r.year)])
        after = superlative(c, "Next", place=2, select={"kind": "disaster", "cause": r.cause},
                            years=[int(r.year)], **rank)
        sentences.append(f"{after}: {shown} by {_disaster_cause(nb, r.cause, int(r.year))}.")
    return sentences


# -- asylum ---------------------------------------------------------------------------------


def asylum_abroad(nb: Session) -> Figure:
    """Two panels: new asylum applications by the state's nationals abroad, and the refugee
    recognition and total protection rates of the decisions on them."""
    name = _name(nb)
    asylum = nb.complete(nb.indicators(ASYLUM_IDS))
    apps = asylum[(asylum["indicator"] == "asylum_applications_abroad")
                  & (asylum["year"] >= NEW_APPLICATIONS_FROM)]
    rates = asylum[asylum["indicator"].isin(RATE_IDS)]
    chart = nb.chart(f"{name}: asylum claims by its nationals abroad and their outcome",
                     f"left: new applications per year, from {NEW_APPLICATIONS_FROM}; right: % "
                     "of substantive decisions granting refugee status (solid) or refugee "
                     "status or complementary protection (dashed); hollow: few decisions",
                     indicators=ASYLUM_IDS, note=nb.footnote(pd.concat([apps, rates])),
                     kind="Line chart", ncols=2, size=(8, 3.6))
    _draw_asylum(chart, apps, rates, name)
    drawn = pd.concat([apps, rates]).dropna(subset=["value"])
    valid = apps.dropna(subset=["value"])
    if valid.empty:
        finding = f"UNHCR records no new asylum applications by nationals of {_the(nb)}."
        return Figure(chart, "asylum_abroad", finding, None, drawn)
    c = nb.claims()
    a = metrics.latest(valid).iloc[0]
    year = int(a.year)
    shown = c.value(a.value, "number", indicator="asylum_applications_abroad", states=[nb.id],
                    years=[year])
    finding = (f"In {year}, nationals of {_the(nb)} lodged {shown} new asylum applications in "
               "other countries.")
    nb.key_figure(apps, "asylum_applications_abroad", nb.id, year)
    finding += _decisions_sentence(nb, c, asylum, year)
    return Figure(chart, "asylum_abroad", finding, c, drawn)


def _draw_asylum(chart: plotting.Chart, apps: pd.DataFrame, rates: pd.DataFrame,
                 name: str) -> None:
    left, right = chart.axes[0, 0], chart.axes[0, 1]
    plotting.panel_title(left, "New asylum applications", 45)
    if apps.dropna(subset=["value"]).empty:
        plotting.no_data(left, f"for {name}")
    else:
        plotting.state_lines(left, apps, label_ends=False)
        plotting.format_axis(left)
    plotting.panel_title(right, "Decisions: refugee status; any protection", 45)
    if rates.dropna(subset=["value"]).empty:
        plotting.no_data(right, f"for {name}")
        return
    for ind, style in zip(RATE_IDS, ("-", "--"), strict=True):
        plotting.state_lines(right, rates[rates["indicator"] == ind], label_ends=False,
                             linestyle=style)
    handles = right.get_lines()
    right.legend([line for line in handles if line.get_linestyle() in ("-", "--")
                  and line.get_label() and not line.get_label().startswith("_")][:2],
                 ["Refugee status", "Any protection"], loc="upper center",
                 bbox_to_anchor=(0.5, -0.12), ncol=2, fontsize=7)
    plotting.format_axis(right, percent=True)


def _decisions_sentence(nb: Session, c: Ledger, asylum: pd.DataFrame, year: int) -> str:
    """The year's substantive decisions and their two rates, unless too few to rate."""
    at = asylum[asylum["year"] == year].set_index("indicator")
    decisions = at["value"].get("asylum_decisions_abroad")
    if decisions is None or pd.isna(decisions) or decisions <= 0:
        return f" UNHCR records no substantive decisions on their claims in {year}."
    n = c.value(decisions, "count", indicator="asylum_decisions_abroad", states=[nb.id],
                years=[year])
    if (at["flag"].reindex(RATE_IDS) == "U").any():
        return (f" Only {n} substantive decisions were taken on their claims that "
                "year: too few for a reliable recognition rate (drawn hollow).")
    rec, tot = (c.value(at.loc[ind, "value"], "pct", indicator=ind, states=[nb.id],
                        years=[year]) for ind in RATE_IDS)
    for ind in RATE_IDS:
        nb.key_figure(asylum, ind, nb.id, year)
    return (f" Of the {n} substantive decisions on their claims that year, {rec} "
            "granted refugee status (refugee recognition rate) and "
            f"{tot} refugee status or complementary protection (total protection "
            "rate).")


def eu_applicants(nb: Session) -> pd.DataFrame:
    """Eurostat's first-time asylum applicants in the EU who are nationals of the state."""
    return nb.indicators(EU).dropna(subset=["value"])


def no_eu_applicants(nb: Session) -> Finding:
    return Finding(f"Eurostat publishes no first-time asylum applications in the EU by "
                   f"nationals of {_the(nb)} in these years.")


def eu_asylum_applicants(nb: Session, eu: pd.DataFrame) -> Figure:
    """A line: first-time asylum applicants in the EU, with the peak and the main country."""
    chart = nb.chart(f"{_name(nb)}: first-time asylum applicants in the EU",
                     "applicants a year, its nationals, the 27 EU member states together",
                     indicators=[EU], note=nb.footnote(eu), kind="Line chart", size=(8, 3.2))
    plotting.state_lines(chart.ax, eu, label_ends=False)
    chart.ax.set_ylim(bottom=0)
    plotting.format_axis(chart.ax)
    c = nb.claims()
    last = eu.sort_values("year").iloc[-1]
    year = int(last.year)
    peak = eu.loc[eu["value"].idxmax()]
    shown = c.value(last.value, "number", indicator=EU, states=[nb.id], years=[year])
    finding = (f"In {year}, {shown} nationals of {_the(nb)} applied for asylum in the EU for "
               "the first time")
    if int(peak.year) != year:
        shown = c.value(peak.value, "number", indicator=EU, states=[nb.id],
                        years=[int(peak.year)])
        most = superlative(c, "the most", indicator=EU, states=[nb.id], years=[int(peak.year)],
                           among=[nb.id], among_years=sorted({int(y) for y in eu["year"]}))
        finding += f"; {most} in one year was {shown}, in {int(peak.year)}"
    finding += "."
    by_country = nb.corridors(EU_BY, origins=[nb.id]).dropna(subset=["value"])
    by_country = by_country[by_country["year"] == year]
    if not by_country.empty:
        top = by_country.loc[by_country["value"].idxmax()]
        shown = c.value(top.value, "number", measure=EU_BY, origins=[nb.id],
                        destinations=[top.destination_iso3], years=[year])
        where = fmt.the(top.destination_name)
        most = superlative(c, "the most", measure=EU_BY, origins=[nb.id],
                           destinations=[top.destination_iso3], years=[year],
                           rank_by="destination", among=None)
        finding += (f" {where[0].upper()}{where[1:]} received {most} of them in {year}: "
                    f"{shown}.")
    nb.key_figure(eu, EU, nb.id, year)
    return Figure(chart, "eu_asylum_applicants", finding, c, eu)


# -- trafficking ----------------------------------------------------------------------------


def trafficking_victims(nb: Session) -> tuple[pd.DataFrame, pd.DataFrame]:
    """UNODC's victims detected in the state (nulls kept: their flags tell suppressed counts)
    and its citizens detected in other countries."""
    tip = nb.indicators(TIP)
    abroad = nb.corridors(TIP_ABROAD, origins=[nb.id])
    abroad = abroad[abroad["destination_iso3"] != nb.id].dropna(subset=["value"])
    return tip, abroad


def no_trafficking_data(nb: Session, tip: pd.DataFrame) -> Finding:
    suppressed = (tip["flag"] == "M").any()
    return Finding(f"UNODC's trafficking data hold no detected victims in {_the(nb)} or of its "
                   "citizens abroad in these years"
                   + (" (only suppressed small counts)" if suppressed else "") + ".")


def trafficking(nb: Session, tip: pd.DataFrame, abroad: pd.DataFrame) -> Figure:
    """A panel of victims detected in the state per year and one of its citizens detected
    abroad by country, each where UNODC has a count."""
    tip_valid = tip.dropna(subset=["value"])
    totals = (abroad.groupby(["destination_iso3", "destination_name"])["value"].sum()
              .sort_values(ascending=False).head(6).reset_index())
    panels = [p for p, ok in (("home", not tip_valid.empty), ("abroad", not totals.empty)) if ok]
    span = (f"{int(abroad['year'].min())}-{int(abroad['year'].max())}" if not abroad.empty
            else "")
    chart = _trafficking_chart(nb, tip, panels, span)
    c = nb.claims()
    sentences, plotted = [], []
    if "home" not in panels:
        sentences.append(f"UNODC's data hold no count of victims detected in {_the(nb)} in "
                         "these years" + (" other than suppressed small counts"
                                          if (tip["flag"] == "M").any() else "") + ".")
    for ax, panel in zip(chart.axes.flat, panels, strict=True):
        if panel == "home":
            sentence, rows = _home_panel(ax, nb, c, tip_valid)
        else:
            sentence, rows = _abroad_panel(ax, c, abroad, totals, nb.id, span)
        sentences.append(sentence)
        plotted.append(rows)
    finding = " ".join(sentences) + (" Detections measure the authorities' response, not how "
                                     "many people are trafficked.")
    return Figure(chart, "trafficking", finding, c, pd.concat(plotted, ignore_index=True))


def _trafficking_chart(nb: Session, tip: pd.DataFrame, panels: list[str],
                       span: str) -> plotting.Chart:
    return nb.chart(f"{_name(nb)}: detected victims of trafficking in persons",
                    "victims detected (detections, not prevalence)"
                    + ("; left: in the state, per year; right: its citizens detected in other "
                       f"countries, {span} together" if len(panels) == 2 else
                       "; in the state, per year" if panels == ["home"] else
                       f"; its citizens detected in other countries, {span} together"),
                    indicators=[TIP] if "home" in panels else [],
                    measures=[TIP_ABROAD] if "abroad" in panels else [],
                    note=nb.footnote(tip) if "home" in panels else None,
                    kind="Line chart" if panels[0] == "home" else "Bar chart",
                    ncols=len(panels), size=(8, 3.4))


def _home_panel(ax, nb: Session, c: Ledger, tip_valid: pd.DataFrame
                ) -> tuple[str, pd.DataFrame]:
    """Victims detected in the state per year; its sentence and rows."""
    plotting.panel_title(ax, "Detected in the state", 45)
    plotting.state_lines(ax, tip_valid, label_ends=False)
    first_y, last_y = int(tip_valid["year"].min()), int(tip_valid["year"].max())
    if last_y - first_y < 4:  # a year or two: keep the axis to years, not centuries
        ax.set_xlim(first_y - 2.5, last_y + 2.5)
    ax.set_ylim(bottom=0)
    plotting.format_axis(ax)
    last = tip_valid.sort_values("year").iloc[-1]
    year = int(last.year)
    shown = c.value(last.value, "number", indicator=TIP, states=[nb.id], years=[year])
    nb.key_figure(tip_valid, TIP, nb.id, year)
    return (f"In {year}, the authorities in {_the(nb)} detected {shown} victims of "
            "trafficking.", tip_valid.rename(columns={"indicator": "series"}))


def _abroad_panel(ax, c: Ledger, abroad: pd.DataFrame, totals: pd.DataFrame, state: str,
                  span: str) -> tuple[str, pd.DataFrame]:
    """The state's citizens detected in other countries, summed over the years; its sentence
    and rows."""
    plotting.panel_title(ax, "Its citizens detected abroad", 45)
    shown_rows = totals.iloc[::-1]
    _partner_bars(ax, shown_rows["destination_iso3"], shown_rows["destination_name"],
                  shown_rows["value"])
    ax.margins(x=0.2)
    _bar_room(ax, len(shown_rows))
    top = totals.iloc[0]
    years = sorted(int(y) for y in abroad.loc[
        abroad["destination_iso3"] == top.destination_iso3, "year"])
    shown = c.sum(top.value, "number", measure=TIP_ABROAD, origins=[state],
                  destinations=[top.destination_iso3], years=years)
    when = (f"in {years[0]}" if len(years) == 1 else
            f"together in the years it reported a count from {years[0]} to {years[-1]}")
    most = superlative(c, "the most", measure=TIP_ABROAD, origins=[state],
                       destinations=[top.destination_iso3],
                       years=sorted({int(y) for y in abroad["year"]}), rank_by="destination",
                       among=list(totals["destination_iso3"]))
    sentence = (f"Of its citizens detected as victims in other countries, "
                f"{fmt.the(top.destination_name)} detected {most}: {shown} "
                f"{when} (suppressed small counts left out).")
    rows = totals.assign(series="trafficking_victims_abroad_total", unit="victims",
                         origin_iso3=state, category=f"{span} together",
                         source="UNODC GLOTIP victims by citizenship, summed over the years "
                         "reported")
    return sentence, rows


def outputs(nb: Session) -> Iterator[Figure | Finding]:
    """Every chart and finding of the profile, in the notebook's order (what the tests run);
    a chart whose data are missing gives way to a finding saying so."""
    yield population(nb)
    yield migrant_stocks(nb)
    yield emigrant_destinations(nb)
    yield remittances(nb)
    money = remittance_corridors(nb)
    yield money_corridors(nb, money) if money.sides else no_money_corridors(nb)
    costs = corridor_costs(nb, money)
    if not costs.rows.empty:
        yield remittance_costs(nb, costs)
    elif money.sides:
        yield no_cost_survey(nb)
    yield refugees_and_displacement(nb)
    idmc, events = idmc_displacements(nb)
    if (idmc["value"] > 0).any():
        yield new_displacements(nb, idmc, events)
    else:
        yield no_new_displacements(nb)
    yield asylum_abroad(nb)
    eu = eu_applicants(nb)
    yield eu_asylum_applicants(nb, eu) if not eu.empty else no_eu_applicants(nb)
    tip, abroad = trafficking_victims(nb)
    if tip["value"].notna().any() or not abroad.empty:
        yield trafficking(nb, tip, abroad)
    else:
        yield no_trafficking_data(nb, tip)
