"""Labour migration and skills (paragraphs 2, 3 and 4): immigrants and emigrants by place of
birth, per 100 residents and over time, the main corridors and how they changed, remittances
per migrant by corridor, net migration, unemployment at home, the income gap to the main
destination and the age dependency ratio at home and in the main countries of work."""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from analysis import catalogue, comparison, fmt, metrics, plotting
from analysis.catalogue import CITIZENSHIP_BASED
from analysis.notebook import Session
from analysis.themes.common import (
    BASE,
    MEETING_MARK,
    Figure,
    dated,
    hide_spare,
    latest_year,
    no_rows,
    superlative,
)

BY_BIRTH_OR_CITIZENSHIP = ("counts by place of birth, except where the host country counts by "
                           f"citizenship (among them {fmt.name('IRN')} and the Gulf states)")


def _whom(values: pd.Series, chosen: str) -> str:
    """Among whom a "largest" was chosen: the participating states, or (when the choice holds
    none) the states shown."""
    return "the participating states shown" if comparison.is_participant(chosen) else \
        "the states shown"


def _from(origin: str, destination: str | None = None) -> str:
    """'people born in X', or 'citizens of X' where the destination counts by citizenship, or
    'people from X' for a total over destinations that count either way."""
    if destination is None:
        return f"people from {fmt.name(origin)}"
    if destination in CITIZENSHIP_BASED:
        return f"citizens of {fmt.name(origin)}"
    return f"people born in {fmt.name(origin)}"


# Corridors whose birthplace count is known to be mostly not labour migration (reviewed
# examples for the caption, by origin and destination code).
NOT_WORKERS = {
    ("AFG", "IRN"): "refugees", ("AFG", "PAK"): "refugees",
    ("KAZ", "RUS"): "people settled for decades", ("KAZ", "DEU"): "people settled for decades",
    ("PAK", "IND"): "people who moved at the partition of British India",
}
# Remittance estimate year -> the UN DESA stock year it is paired with (never the same year).
PAIRED_STOCK_YEAR = {2021: 2020, 2017: 2015}
MIN_STOCK = 10_000  # smaller counts give erratic ratios
SHOWN = 12  # corridors on the remittances-per-migrant chart
# The region's main countries of work (a fixed analytical choice, as in the remittances notebook).
WORK_COUNTRIES = ["RUS", "KAZ", "TUR"]


# -- immigrants and emigrants ---------------------------------------------------------------


def immigrant_emigrant_stocks(nb: Session) -> Figure:
    """Bars: people born abroad living in each state, and people born there living abroad."""
    stocks = nb.indicators(["immigrant_stock", "emigrant_stock"])
    immigrants = stocks[stocks["indicator"] == "immigrant_stock"]
    emigrants = stocks[stocks["indicator"] == "emigrant_stock"]
    stock_year = latest_year(stocks)
    im_y = metrics.value_in(immigrants, stock_year) if stock_year else pd.Series(dtype=float)
    em_y = metrics.value_in(emigrants, stock_year) if stock_year else pd.Series(dtype=float)
    chart = nb.chart(dated("Immigrants and emigrants", stock_year),
                     "people, by place of birth; left: people born abroad living in the state; "
                     "right: people born in the state living abroad",
                     indicators=["immigrant_stock", "emigrant_stock"], kind="Bar chart",
                     ncols=2, size=(8, 0.9 + 0.3 * len(nb.states)),
                     note=nb.footnote(stocks[stocks["year"] == stock_year]))
    for ax, values, which in ((chart.axes[0, 0], im_y, "immigrant_stock"),
                              (chart.axes[0, 1], em_y, "emigrant_stock")):
        plotting.panel_title(ax, catalogue.measure_label_unit(which)[0], 40)
        if values.empty:
            plotting.no_data(ax, "for the chosen states")
            continue
        plotting.state_bars(ax, values, value_format=fmt.compact)
        plotting.format_axis(ax, "x")
    c = nb.claims()
    if im_y.empty or em_y.empty:
        finding = "No migrant stock estimates for the chosen states and years."
    else:
        finding = _stocks_sentence(c, im_y, em_y, stock_year)
        if comparison.leader(em_y):
            nb.key_figure(emigrants, "emigrant_stock", comparison.leader(em_y), stock_year)
        if comparison.leader(im_y):
            nb.key_figure(immigrants, "immigrant_stock", comparison.leader(im_y), stock_year)
    plotted = stocks[stocks["year"] == stock_year].dropna(subset=["value"])
    return Figure(chart, "immigrant_and_emigrant_stocks", finding, c, plotted)


def _stocks_sentence(c, im_y: pd.Series, em_y: pd.Series, stock_year: int) -> str:
    # The largest among the participating states (an observer or the comparator is not one of
    # them); a choice of non-participants only is named as such.
    top_em = comparison.leader(em_y) or em_y.idxmax()
    top_im = comparison.leader(im_y) or im_y.idxmax()
    both = plotting.in_catalogue_order(set(im_y.index) & set(em_y.index))
    senders = [s for s in both if em_y[s] > im_y[s]]
    cells = {"indicator": "emigrant_stock", "years": [stock_year]}
    ranked = comparison.among_participants(em_y)
    most = (", " + superlative(c, "the most", states=[top_em], among=list(ranked.index),
                               **cells) + " of the participating states shown," if len(ranked) > 1
            and comparison.is_participant(top_em) else "")
    n_em = c.value(em_y[top_em], "number", states=[top_em], **cells)
    n_im = c.value(im_y[top_im], "number", indicator="immigrant_stock", states=[top_im],
                   years=[stock_year])
    if len(both) > 1:
        most_im = superlative(c, "the most", indicator="immigrant_stock", states=[top_im],
                              years=[stock_year],
                              among=comparison.ranked_among(im_y.index, top_im))
        n_senders = c.count(len(senders), "count", states=both, where="gt",
                            than="immigrant_stock", **cells)
        n_both = c.count(len(both), "count", states=both, where="present", **cells)
        finding = (f"In {stock_year}, {n_em} {_from(top_em)} lived abroad"
                   f"{most} and {fmt.name(top_im)} was home to {most_im} people born abroad "
                   f"among {_whom(im_y, top_im)} ({n_im}). In {n_senders} of {n_both} states, "
                   "more people born there lived abroad than people born abroad lived there.")
    else:
        finding = (f"In {stock_year}, {n_em} {_from(top_em)} lived abroad "
                   f"and {n_im} people born abroad lived there.")
    return finding + (f" Both are {BY_BIRTH_OR_CITIZENSHIP}, whenever and why people "
                      "moved, not counts of migrant workers.")


# -- relative to the population -------------------------------------------------------------


def migrant_shares(nb: Session) -> pd.DataFrame:
    """Immigrants and emigrants per 100 residents (the two share charts use this frame)."""
    return nb.indicators(["immigrants_pct_population", "emigrants_pct_population"])


def share_of_population(nb: Session, shares: pd.DataFrame) -> Figure:
    """Bars: both stocks per 100 residents of each state, in the latest year."""
    im_share = shares[shares["indicator"] == "immigrants_pct_population"]
    em_share = shares[shares["indicator"] == "emigrants_pct_population"]
    share_year = latest_year(shares)
    im_sy = metrics.value_in(im_share, share_year) if share_year else pd.Series(dtype=float)
    em_sy = metrics.value_in(em_share, share_year) if share_year else pd.Series(dtype=float)
    chart = nb.chart(dated("Immigrants and emigrants relative to the population", share_year),
                     "per 100 residents of the state (% of its population), by place of birth",
                     indicators=["immigrants_pct_population", "emigrants_pct_population"],
                     kind="Bar chart", ncols=2, size=(8, 0.9 + 0.3 * len(nb.states)),
                     note=nb.footnote(shares[shares["year"] == share_year]))
    panels = ((chart.axes[0, 0], im_sy, "People born abroad living in the state"),
              (chart.axes[0, 1], em_sy, "People born in the state living abroad"))
    for ax, values, title in panels:
        plotting.panel_title(ax, title, 40)
        if values.empty:
            plotting.no_data(ax, "no year has both figures")
            continue
        plotting.state_bars(ax, values, value_format=fmt.pct)
    c = nb.claims()
    if em_sy.empty:
        finding = "No year has both an emigrant stock and a population figure for these states."
    else:
        finding = _diaspora_sentence(nb, c, shares, em_sy, share_year)
        top_em = comparison.leader(em_sy)
        if top_em:
            nb.key_figure(em_share, "emigrants_pct_population", top_em, share_year)
        if comparison.leader(im_sy):
            top_im = comparison.leader(im_sy)
            pct_im = c.value(im_sy[top_im], "pct", indicator="immigrants_pct_population",
                             states=[top_im], years=[share_year])
            ranked = list(comparison.among_participants(im_sy).index)
            largest = (superlative(c, "The largest", indicator="immigrants_pct_population",
                                   states=[top_im], years=[share_year], among=ranked)
                       if len(ranked) > 1 else "")
            finding += (f" {largest} immigrant share of the participating states shown was "
                        f"{fmt.name(top_im)}'s ({pct_im})."
                        if len(comparison.among_participants(im_sy)) > 1 else
                        f" People born abroad equalled {pct_im} of its population.")
            nb.key_figure(im_share, "immigrants_pct_population", top_im, share_year)
    plotted = shares[shares["year"] == share_year].dropna(subset=["value"])
    return Figure(chart, "migrants_share_of_population", finding, c, plotted)


def _diaspora_sentence(nb: Session, c, shares: pd.DataFrame, em_sy: pd.Series,
                       share_year: int) -> str:
    """The largest diaspora relative to the population, and where most of it lives."""
    top = comparison.leader(em_sy) or em_sy.idxmax()
    projected = (shares.loc[shares["year"] == share_year, "flag"] == "F").any()
    pct_em = c.value(em_sy[top], "pct", indicator="emigrants_pct_population", states=[top],
                     years=[share_year])
    ranked = list(comparison.among_participants(em_sy).index)
    lead = (f"Relative to its residents, {fmt.name(top)} has "
            + superlative(c, "the largest", indicator="emigrants_pct_population", states=[top],
                          years=[share_year], among=ranked)
            + " diaspora of the participating states shown: in" if len(ranked) > 1
            and comparison.is_participant(top) else "In")
    finding = (f"{lead} {share_year}, {_from(top)} living abroad "
               f"equalled {pct_em} of its population"
               + (f" (its {share_year} population is UN DESA's projection)" if projected else "")
               + ".")
    abroad = nb.corridors("migrant_stock", origins=[top])
    abroad = abroad[abroad["year"] == share_year].dropna(subset=["value"])
    if abroad.empty:
        return finding
    dests = metrics.top_destinations(abroad, top, n=2)
    names = dict(zip(abroad["destination_iso3"], abroad["destination_name"], strict=True))
    part = abroad.loc[abroad["destination_iso3"].isin(dests), "value"].sum() \
        / abroad["value"].sum() * 100
    pct_part = c.share(part, "pct", measure="migrant_stock", origins=[top],
                       destinations=dests, years=[share_year], of_origins=[top],
                       fmt_args={"decimals": 0})
    return finding + (f" Of them, {pct_part} live in {' and '.join(names[d] for d in dests)}; "
                      "as a count by place of birth it includes refugees and people who left "
                      "long ago.")


def emigrants_share_over_time(nb: Session, shares: pd.DataFrame) -> Figure:
    """Lines: emigrants per 100 residents from 1990, one panel per region group."""
    plotted = shares[shares["indicator"] == "emigrants_pct_population"] \
        .dropna(subset=["value"])
    groups = plotting.region_groups(plotted["iso3"].unique())
    layout = plotting.grid_shape(len(groups))
    projected = sorted(plotted.loc[plotted["flag"] == "F", "year"].unique())
    chart = nb.chart("People born in each state and living abroad, per 100 residents",
                     "by place of birth, whenever and why people left"
                     + ("; each panel has its own scale" if len(groups) > 1 else "")
                     + (f"; hollow marker: {projected[0]}, on a projected population"
                        if projected else ""),
                     indicators=["emigrants_pct_population"], kind="Line chart",
                     size=(8, 3.6 * layout["nrows"]), **layout,
                     note=nb.footnote(plotted))
    _draw_share_panels(chart, plotted, groups, projected[0] if projected else None)
    c = nb.claims()
    last = latest_year(plotted)
    if last is None:
        plotting.no_data(chart.ax, "for the chosen states and years")
        finding = "No emigrant shares for the chosen states and years."
    else:
        finding = _share_change_finding(c, plotted, last, projected)
    return Figure(chart, "emigrants_share_over_time", finding, c, plotted)


def _draw_share_panels(chart: plotting.Chart, plotted: pd.DataFrame, groups: list,
                       partial_year: int | None) -> None:
    for ax, (title, members) in zip(chart.axes.flat, groups, strict=False):
        plotting.panel_title(ax, title, 40)
        rows = plotted[plotted["iso3"].isin(members)]
        if not rows.empty:  # each panel from zero, on its own scale, set before the end labels
            ax.set_ylim(0, float(rows["value"].max()) * 1.05)
        if rows.empty:
            plotting.no_data(ax, "for these states")
            continue
        plotting.state_lines(ax, rows, partial_year=partial_year)
        plotting.format_axis(ax, percent=True)
        plotting.mark_years(ax, MEETING_MARK)
    hide_spare(chart, len(groups))


def _share_change_finding(c, plotted: pd.DataFrame, last: int, projected: list) -> str:
    now, then = metrics.value_in(plotted, last), metrics.value_in(plotted, BASE)
    both = plotting.in_catalogue_order(now.index.intersection(then.index))
    parts = []
    if both and last != BASE:
        parts.append(_share_fall_sentence(c, now, then, both, last))
    top = comparison.leader(now) or now.idxmax()
    top_pct = c.value(now[top], "pct", indicator="emigrants_pct_population", states=[top],
                      years=[last])
    largest = superlative(c, "the largest", indicator="emigrants_pct_population",
                          states=[top], years=[last],
                          among=comparison.ranked_among(now.index, top))
    parts.append(f"In {last}, {largest} share among {_whom(now, top)} was {fmt.name(top)}'s: "
                 f"{top_pct}.")
    if projected and last in projected:
        parts.append(f"The {last} shares rest on UN DESA's projected population for that "
                     "year. A falling share can reflect a growing population at home as much "
                     "as fewer people abroad.")
    return " ".join(parts)


def _share_fall_sentence(c, now: pd.Series, then: pd.Series, both: list[str],
                         last: int) -> str:
    kw = {"indicator": "emigrants_pct_population", "states": both, "years": [BASE, last]}
    limits = comparison.change_limits("emigrants_pct_population")  # a fall worth saying
    fell = [s for s in both if comparison.moved(then[s], now[s], **limits) == comparison.FALL]
    text = (f"Between {BASE} and {last}, emigrants per 100 residents fell clearly in "
            f"{c.count(len(fell), 'count', where='fell', **limits, **kw)} of the "
            f"{c.count(len(both), 'count', where='present', **kw)} states shown")
    if fell:
        drop = min(fell, key=lambda s: now[s] - then[s])
        cell = {"indicator": "emigrants_pct_population", "states": [drop]}
        text += (f"; most of all in {fmt.name(drop)}, from "
                 f"{c.value(then[drop], 'pct', years=[BASE], **cell)} to "
                 f"{c.value(now[drop], 'pct', years=[last], **cell)}")
    return text + "."


# -- the main corridors ---------------------------------------------------------------------


def corridor_stocks(nb: Session) -> pd.DataFrame:
    """UN DESA's people born in each chosen state, by country of residence (the corridor
    charts, the income gap and the demography chart use this frame)."""
    return nb.corridors("migrant_stock", origins=nb.states)


def _place(code: str, names: dict) -> str:
    """A catalogue state's display name, else the provider's country name."""
    return fmt.name(code) if code in catalogue.state_codes() else names.get(code, code)


def _origins(nb: Session, corridors: pd.DataFrame) -> list[str]:
    """The chosen states with at least one corridor estimate."""
    return [o for o in nb.states if not corridors[corridors["origin_iso3"] == o].empty]


def _state_barh(ax, origins: pd.Series, values: pd.Series):
    """Horizontal bars in each origin state's colour and hatch; returns the bars."""
    looks = [plotting.state_look(o) for o in origins]
    bars = ax.barh(range(len(values)), values, color=[k["color"] for k in looks],
                   edgecolor="#333333", linewidth=0.5)
    for bar, look, origin, value in zip(bars, looks, origins, values, strict=True):
        bar.set_hatch(look["hatch"])
        plotting.record_point(ax, value, origin)
    return bars


def _labelled_barh(ax, origins: pd.Series, values: pd.Series, labels: list[str]) -> None:
    """Bars labelled with their compact value, on an x grid with room for the labels."""
    _state_barh(ax, origins, values)
    for pos, value in enumerate(values):
        ax.annotate(fmt.compact(value), (value, pos), xytext=(3, 0),
                    textcoords="offset points", va="center", fontsize=7.5)
    ax.set_yticks(range(len(values)), labels)
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", visible=True)
    plotting.format_axis(ax, "x")
    ax.margins(x=0.12)


def main_corridors(nb: Session, corridors: pd.DataFrame) -> Figure:
    """Bars: the 15 largest origin-destination corridors from the states, latest estimate."""
    top = metrics.top_corridors(corridors, n=15)
    year = int(top["year"].iloc[0]) if not top.empty else None
    chart = nb.chart(dated(f"The {len(top)} largest corridors from the states", year)
                     if not top.empty else "The largest corridors from the states",
                     "people born in the origin state and living in the destination country (a "
                     "count by place of birth: refugees and long-settled people included, "
                     "seasonal workers missed)",
                     measures=["migrant_stock"], kind="Bar chart", size=(8, 5.2),
                     note=nb.footnote(top))
    c = nb.claims()
    if top.empty:
        plotting.no_data(chart.ax, "no corridor estimates for the chosen states")
        finding = "No corridor estimates for the chosen states."
        return Figure(chart, "main_migration_corridors", finding, c, top)
    dest_names = dict(zip(corridors["destination_iso3"], corridors["destination_name"],
                          strict=False))
    ordered = top.iloc[::-1]
    labels = [f"{_place(o, dest_names)} → {_place(d, dest_names)}" for o, d in
              zip(ordered["origin_iso3"], ordered["destination_iso3"], strict=True)]
    _labelled_barh(chart.ax, ordered["origin_iso3"], ordered["value"], labels)
    first = top.iloc[0]
    o, d = first["origin_iso3"], first["destination_iso3"]
    from_o = corridors[(corridors["origin_iso3"] == o) & (corridors["year"] == year)]
    cells = {"measure": "migrant_stock", "origins": [o], "destinations": [d], "years": [year]}
    n_first = c.value(first["value"], "number", **cells)
    pct_first = c.share(first["value"] / from_o["value"].sum() * 100, "pct", of_origins=[o],
                        fmt_args={"decimals": 0}, **cells)
    largest = superlative(c, "the largest", measure="migrant_stock", origins=[o],
                          destinations=[d], years=[year], rank_by="pair",
                          among=sorted(set(corridors["origin_iso3"])))
    finding = (f"In {year}, {largest} corridor was {fmt.name(o)} → {_place(d, dest_names)}: "
               f"{n_first} {_from(o, d)} lived in {_place(d, dest_names)}, "
               f"{pct_first} of all those living abroad. These are "
               f"{BY_BIRTH_OR_CITIZENSHIP}, not of labour migration")
    finding += _not_workers_clause(top, dest_names)
    if d in CITIZENSHIP_BASED:  # a register count: it changes when the host reclassifies
        finding += (f"; {_place(d, dest_names)}'s count is by citizenship and, for refugees, "
                    "follows the host's registration (UNHCR's figures), so it moves with "
                    "reclassifications"
                    + (f" such as {fmt.name(d)}'s in 2022" if d == "IRN" else ""))
    finding += ("; they miss seasonal and circular workers who do not live in the "
                "destination.")
    return Figure(chart, "main_migration_corridors", finding, c, top)


def _not_workers_clause(top: pd.DataFrame, dest_names: dict) -> str:
    """": they include refugees (...) and ..." for the reviewed corridors among those shown."""
    shown = set(zip(top["origin_iso3"], top["destination_iso3"], strict=True))
    kinds = {}
    for pair, kind in NOT_WORKERS.items():
        if pair in shown:
            kinds.setdefault(kind, []).append(f"{_place(pair[0], dest_names)} → "
                                              f"{_place(pair[1], dest_names)}")
    listed = [f"{k} ({', '.join(v)})" for k, v in kinds.items()]
    if not listed:
        return ""
    return ": they include " + (", ".join(listed[:-1]) + " and " if len(listed) > 1
                                else "") + listed[-1]


def corridors_over_time(nb: Session, corridors: pd.DataFrame) -> Figure:
    """Lines: each state's two largest destinations (latest estimate), back to 1990."""
    origins = _origins(nb, corridors)
    ncols = 2
    nrows = max(-(-len(origins) // ncols), 1)
    chart = nb.chart("The two largest destinations of each state's emigrants over time",
                     "people born in the state living in each destination (by place of birth); "
                     "each panel has its own scale",
                     measures=["migrant_stock"], kind="Line chart", nrows=nrows, ncols=ncols,
                     size=(8, 1.7 * nrows + 0.4), note=nb.footnote(corridors))
    changes = []
    drawn_pairs = []
    for ax, origin in zip(chart.axes.flat, origins, strict=False):
        dests, moved = _destination_panel(ax, corridors, origin)
        drawn_pairs += [(origin, d) for d in dests]
        changes += moved
    hide_spare(chart, len(origins))
    c = nb.claims()
    if not origins:
        plotting.no_data(chart.ax, "no corridor estimates for the chosen states")
        finding = "No corridor estimates for the chosen states."
    else:
        finding = _corridor_change_finding(c, changes)
    pairs = pd.DataFrame(drawn_pairs, columns=["origin_iso3", "destination_iso3"])
    plotted = corridors.merge(pairs).dropna(subset=["value"])
    return Figure(chart, "main_corridors_over_time", finding, c, plotted)


def _destination_panel(ax, corridors: pd.DataFrame, origin: str) -> tuple[list[str], list]:
    """Draw one origin's two largest destinations; return them and, for each with a value in
    the meeting year and later, (origin, dest, dest name, base, last, last year)."""
    rows = corridors[corridors["origin_iso3"] == origin]
    dests = metrics.top_destinations(rows, origin, n=2)
    wide = rows[rows["destination_iso3"].isin(dests)].pivot_table(
        index="year", columns="destination_iso3", values="value")
    names = dict(zip(rows["destination_iso3"], rows["destination_name"], strict=True))
    looks = {d: plotting.country_look(d, names[d], i) for i, d in enumerate(dests)}
    plotting.panel_title(ax, plotting.state_label(origin))
    plotting.lines_from_wide(ax, wide[dests], looks)
    plotting.format_axis(ax)
    changes = []
    for d in dests:
        series = wide[d].dropna()
        if BASE in series.index and series.index.max() > BASE:
            changes.append((origin, d, names[d], series[BASE], series.iloc[-1],
                            int(series.index.max())))
    return dests, changes


def _corridor_change_finding(c, changes: list) -> str:
    moved = pd.DataFrame(changes, columns=["origin", "dest", "dest_name", "base", "last",
                                           "year"])
    moved["pct"] = (moved["last"] - moved["base"]) / moved["base"] * 100
    if moved.empty:
        return (f"No corridor shown has estimates for both {BASE} and a later year in the "
                "chosen range.")
    y1 = int(moved["year"].max())
    moved = moved[moved["year"] == y1]
    parts = []
    if (moved["pct"] < 0).any():
        parts.append("the largest fall was " + _told(c, moved.sort_values("pct").iloc[0], y1))
    if (moved["pct"] > 0).any():
        parts.append("the largest rise was " + _told(c, moved.sort_values("pct").iloc[-1], y1))
    return (f"Between {BASE} and {y1}, among each state's two largest destinations, "
            + (" and ".join(parts) if parts else "no corridor changed") + ". "
            "These counts by place of birth also fall as people who moved long ago die, "
            "so a fall is not necessarily a return, nor a rise new workers.")


def _told(c, row, y1: int) -> str:
    """"Origin → destination (+12%)", the change since the meeting claimed."""
    pct = c.pct_change(row.pct, "signed_pct", measure="migrant_stock",
                       origins=[row.origin], destinations=[row.dest], years=[BASE, y1],
                       fmt_args={"decimals": 0})
    return f"{fmt.name(row.origin)} → {row.dest_name} ({pct})"


# -- money sent home per migrant ------------------------------------------------------------


def _per_migrant(sent: pd.DataFrame, stock: pd.DataFrame) -> pd.DataFrame:
    """KNOMAD's corridor remittances divided by UN DESA's count for the paired stock year, on
    corridors of at least MIN_STOCK people."""
    rows = []
    for money_year, stock_year in PAIRED_STOCK_YEAR.items():
        money = sent[sent["year"] == money_year]
        people = stock[stock["year"] == stock_year]
        joined = money.merge(people, on=["origin_iso3", "destination_iso3"],
                             suffixes=("_money", "_people"))
        joined = joined[joined["value_people"] >= MIN_STOCK]
        rows.append(pd.DataFrame({
            "series": "remittances_per_migrant", "unit": "US$ per migrant",
            "origin_iso3": joined["origin_iso3"], "destination_iso3": joined["destination_iso3"],
            "year": money_year, "stock_year": stock_year,
            "value": joined["value_money"] / joined["value_people"],
            "remittances_usd": joined["value_money"], "migrant_stock": joined["value_people"],
            "category": f"remittances {money_year} / migrant stock {stock_year}",
            "source": "computed: KNOMAD remittances_estimated_usd / UN DESA migrant_stock"}))
    return pd.concat(rows, ignore_index=True)


def remittances_per_migrant(nb: Session, corridors: pd.DataFrame) -> Figure:
    """Bars: remittances per migrant on the corridors carrying the most money."""
    sent = nb.corridors("remittances_estimated_usd", origins=nb.states).dropna(subset=["value"])
    stock = corridors.dropna(subset=["value"])
    per_migrant = _per_migrant(sent, stock)
    pair_years = sorted(per_migrant["year"].unique())
    money_year = int(pair_years[-1]) if pair_years else None
    stock_year = PAIRED_STOCK_YEAR.get(money_year)
    # Where the model puts an origin's whole estimate on one sending country, the "corridor"
    # is a model total, and dividing it by the stock divides a model output by its own input.
    unsplit = _unsplit_origins(sent, money_year)
    # The corridors carrying most money in the latest estimate.
    plotted = per_migrant[(per_migrant["year"] == money_year)
                          & ~per_migrant["origin_iso3"].isin(unsplit)] \
        .sort_values("remittances_usd", ascending=False).head(SHOWN)
    inputs = pd.concat([sent.merge(plotted[["origin_iso3", "destination_iso3", "year"]]),
                        stock.merge(plotted[["origin_iso3", "destination_iso3", "stock_year"]]
                                    .rename(columns={"stock_year": "year"}))],
                       ignore_index=True)
    chart = nb.chart(dated(f"Remittances per migrant on the {len(plotted)} corridors carrying "
                           "the most money", money_year) if len(plotted) else
                     "Remittances per migrant on the corridors carrying the most money",
                     f"US$ per migrant: KNOMAD's {money_year} estimate of remittances divided by "
                     f"the people born in the origin (or its citizens, where the destination "
                     f"counts that way) living in the destination in {stock_year}"
                     if len(plotted) else "US$ per migrant: KNOMAD's estimate of remittances "
                     "divided by the people from the origin living in the destination",
                     measures=["remittances_estimated_usd", "migrant_stock"], kind="Bar chart",
                     size=(8, 0.9 + 0.32 * max(len(plotted), 1)), note=nb.footnote(inputs))
    c = nb.claims()
    if plotted.empty:
        plotting.no_data(chart.ax,
                         "no corridor has both a remittance estimate and a migrant count")
        finding = ("No corridor from the chosen states has both a remittance estimate and a "
                   "migrant count.")
        return Figure(chart, "remittances_per_migrant_by_corridor", finding, c, plotted)
    names = dict(zip(sent["destination_iso3"], sent["destination_name"], strict=False))
    # Ordered by the money each corridor carries, not by the modelled ratio: not a ranking.
    ordered = plotted.sort_values("remittances_usd")
    _labelled_barh(chart.ax, ordered["origin_iso3"], ordered["value"],
                   [f"{_place(d, names)} to {fmt.name(o)}" for o, d in
                    zip(ordered["origin_iso3"], ordered["destination_iso3"], strict=True)])
    finding = _per_migrant_finding(c, plotted, names, money_year, stock_year)
    if unsplit:
        finding += (f" Not shown: {fmt.names(unsplit)}, whose {money_year} estimate the model "
                    "does not split by sending country (not allocated by the model), so a "
                    "ratio there would divide a model total by one of its own inputs.")
    return Figure(chart, "remittances_per_migrant_by_corridor", finding, c, plotted)


def _unsplit_origins(sent: pd.DataFrame, year: int | None) -> list[str]:
    """The origins whose estimate for the year the model puts on a single sending country."""
    counts = sent[sent["year"] == year].groupby("origin_iso3").size()
    return plotting.in_catalogue_order(counts[counts == 1].index)


def _corridor_words(row, names: dict) -> str:
    """"Russia to Uzbekistan": the way money goes on a corridor."""
    return f"{_place(row['destination_iso3'], names)} to {fmt.name(row['origin_iso3'])}"


def _per_migrant_finding(c, plotted: pd.DataFrame, names: dict, money_year: int,
                         stock_year: int) -> str:
    def per_head(row):
        return c.ratio(row["value"], "usd", measure="remittances_estimated_usd",
                       origins=[row["origin_iso3"]], destinations=[row["destination_iso3"]],
                       years=[money_year], denominator="migrant_stock",
                       denominator_years=[stock_year])

    biggest = plotted.iloc[0]
    high = plotted.loc[plotted["value"].idxmax()]
    low = plotted.loc[plotted["value"].idxmin()]
    most = superlative(c, "the most", measure="remittances_estimated_usd",
                       origins=[biggest["origin_iso3"]],
                       destinations=[biggest["destination_iso3"]], years=[money_year],
                       rank_by="pair", among=sorted(set(plotted["origin_iso3"])),
                       among_destinations=sorted(set(plotted["destination_iso3"])))
    finding = (f"On the corridor carrying {most} money, {_corridor_words(biggest, names)}, "
               f"KNOMAD's {money_year} estimate comes to about {per_head(biggest)} per person "
               + ("from" if biggest["destination_iso3"] in CITIZENSHIP_BASED else "born in")
               + f" {fmt.name(biggest['origin_iso3'])} and living in "
               f"{_place(biggest['destination_iso3'], names)} in {stock_year}.")
    if high["value"] != low["value"]:
        finding += (f" Among the corridors shown, the figure ranges from {per_head(low)} "
                    f"({_corridor_words(low, names)}) to {per_head(high)} "
                    f"({_corridor_words(high, names)}).")
    return finding + (f" The {money_year} estimates are paired with the {stock_year} counts; "
                      "the remittances are model estimates built from migrant stocks and "
                      "incomes, and the counts by place of birth include people settled for "
                      "decades and miss seasonal workers, so the ratio is not what a migrant "
                      "worker sends.")


# -- net migration and unemployment ---------------------------------------------------------


def net_migration(nb: Session) -> Figure:
    """Lines: net migration per 1,000 residents, one panel per region group."""
    net = nb.indicators("net_migration")
    population = nb.indicators("population")
    net_rate = metrics.ratio(net, population, 1000)
    used = net_rate[["iso3", "year"]]
    inputs = pd.concat([net.merge(used, on=["iso3", "year"]),
                        population.merge(used, on=["iso3", "year"])], ignore_index=True)
    groups = plotting.region_groups(net_rate["iso3"].unique())
    layout = plotting.grid_shape(len(groups))
    chart = nb.chart(f"{catalogue.measure_label_unit('net_migration')[0]} per 1,000 residents",
                     "below zero: more people left than arrived"
                     + ("; each panel has its own scale" if len(groups) > 1 else ""),
                     indicators=["net_migration", "population"], kind="Line chart",
                     size=(8, 3.8 * layout["nrows"]), **layout, note=nb.footnote(inputs))
    c = nb.claims()
    if net_rate.empty:
        plotting.no_data(chart.ax, "for the chosen states and years")
        finding = "No net migration figures for the chosen states and years."
    else:
        _draw_region_lines(chart, net_rate, groups, zero_line=True)
        finding = _net_migration_finding(nb, c, net, net_rate)
    plotted = net_rate.assign(series="net_migration_per_1000",
                              unit="people per 1,000 population",
                              source="computed: net_migration / population * 1000")
    return Figure(chart, "net_migration_rate", finding, c, plotted)


def _draw_region_lines(chart: plotting.Chart, frame: pd.DataFrame, groups: list, *,
                       zero_line: bool = False, percent: bool = False) -> None:
    """One panel of state lines per region group (titled when there are several), the meeting
    year marked; a line at zero, or percent ticks."""
    for ax, (title, members) in zip(chart.axes.flat, groups, strict=False):
        if len(groups) > 1:
            plotting.panel_title(ax, title, 40)
        plotting.state_lines(ax, frame[frame["iso3"].isin(members)])
        if zero_line:
            ax.axhline(0, color="#333333", linewidth=0.8)
        if percent:
            plotting.format_axis(ax, percent=True)
        plotting.mark_years(ax, MEETING_MARK)
    hide_spare(chart, len(groups))


def _net_migration_finding(nb: Session, c, net: pd.DataFrame, net_rate: pd.DataFrame) -> str:
    year = int(net_rate["year"].max())
    in_year = metrics.value_in(net_rate, year)
    losing = [s for s in plotting.in_catalogue_order(in_year.index) if in_year[s] < 0]
    low = comparison.leader(in_year, smallest=True) or in_year.idxmin()
    if losing:
        finding = f"In {year}, more people left than arrived in {fmt.names(losing)}"
    else:
        finding = f"In {year}, no state shown lost more people to migration than it gained"
    if in_year[low] < 0:
        rate = c.ratio(in_year[low], "decimal", indicator="net_migration", states=[low],
                       years=[year], denominator="population", factor=1000)
        largest = superlative(c, "the largest", indicator="net_migration", states=[low],
                              years=[year], denominator="population", factor=1000,
                              order="asc", among=comparison.ranked_among(in_year.index, low))
        finding += (f"; relative to population {largest} net outflow of {_whom(in_year, low)} "
                    f"was {fmt.name(low)}'s ({rate} per 1,000 residents)")
        events = [n for n in catalogue.observation_notes("net_migration", low)
                  if not n.flag and n.covers(year) and n.iso3 == low]
        if events:  # an exceptional year: say what it most likely was
            finding += f", {events[0].reason.split(' (')[0]}"
    finding += ". These are modelled estimates, not counts of departures and arrivals."
    if comparison.is_participant(low):
        nb.key_figure(net, "net_migration", low, year)
    return finding


def unemployment(nb: Session) -> Figure:
    """Lines: ILO modelled unemployment, one panel per region group."""
    unemployed = nb.indicators("unemployment_pct")
    label, unit = catalogue.measure_label_unit("unemployment_pct")
    groups = plotting.region_groups(unemployed.dropna(subset=["value"])["iso3"].unique())
    layout = plotting.grid_shape(len(groups))
    chart = nb.chart(f"{label} (ILO modelled estimate)",
                     unit + ("; each panel has its own scale" if len(groups) > 1 else ""),
                     indicators=["unemployment_pct"], kind="Line chart",
                     size=(8, 3.8 * layout["nrows"]), **layout, note=nb.footnote(unemployed))
    c = nb.claims()
    if unemployed.dropna(subset=["value"]).empty:
        plotting.no_data(chart.ax, "for the chosen states and years")
        finding = "No unemployment figures for the chosen states and years."
    else:
        _draw_region_lines(chart, unemployed, groups, percent=True)
        year = latest_year(unemployed)
        in_year = metrics.value_in(unemployed, year)
        # WDI's series is the ILO's modelled estimate (filled in by the model where a state has
        # no recent labour force survey): listed in catalogue order, never ranked as a fact.
        codes = plotting.in_catalogue_order(set(in_year.index))
        cells = {"indicator": "unemployment_pct", "years": [year]}
        listed = ", ".join(f"{fmt.name(s)} {c.value(in_year[s], 'pct', states=[s], **cells)}"
                           for s in codes)
        finding = (f"In {year}, the ILO's modelled estimates of unemployment, as a share of the "
                   f"labour force, were: {listed}. These are model estimates, not survey counts "
                   "(for states without a recent labour force survey the model supplies the "
                   "figure), so they are not ranked here.")
        if comparison.participants(codes):
            nb.key_figure(unemployed, "unemployment_pct", comparison.participants(codes)[0], year)
    return Figure(chart, "unemployment", finding, c, unemployed.dropna(subset=["value"]))


# -- the income gap -------------------------------------------------------------------------


def _main_pairs(nb: Session, corridors: pd.DataFrame) -> tuple[list, list]:
    """Each state paired with its largest destination among the catalogue's states, and the
    (origin, destination name) of those whose largest destination overall is another."""
    catalogue_states = catalogue.state_codes()
    pairs, outside = [], []
    for origin in _origins(nb, corridors):
        rows = corridors[corridors["origin_iso3"] == origin]
        inside = metrics.top_destinations(
            rows[rows["destination_iso3"].isin(catalogue_states)], origin, n=1)
        overall = metrics.top_destinations(rows, origin, n=1)
        if inside:
            pairs.append((origin, inside[0]))
            if overall and overall[0] != inside[0]:
                name = rows.loc[rows["destination_iso3"] == overall[0],
                                "destination_name"].iloc[0]
                outside.append((origin, name, overall[0], int(rows["year"].max())))
    return pairs, outside


def _gaps(gdp: pd.DataFrame, pairs: list) -> list[dict]:
    """Destination / origin GDP per head for each pair: latest year and the meeting year."""
    gaps = []
    for origin, dest in pairs:
        o = gdp[gdp["iso3"] == origin].set_index("year")["value"]
        d = gdp[gdp["iso3"] == dest].set_index("year")["value"]
        ratio = (d / o).dropna()
        if not ratio.empty:
            gaps.append({"origin": origin, "dest": dest, "year": int(ratio.index.max()),
                         "ratio": ratio.iloc[-1], "base": ratio.get(BASE)})
    return gaps


def income_gap(nb: Session, corridors: pd.DataFrame) -> Figure:
    """Bars: GDP per head at each state's main destination (among the catalogue's states)
    relative to the state's, latest year, with the meeting year as a diamond."""
    pairs, outside = _main_pairs(nb, corridors)
    gdp = nb.indicators("gdp_per_capita_ppp",
                        states=sorted({s for p in pairs for s in p}) or None)
    label, unit = catalogue.measure_label_unit("gdp_per_capita_ppp")
    gaps = _gaps(gdp, pairs)
    chart = nb.chart("The income gap: GDP per head at each state's main destination among the "
                     "states covered here, relative to the state",
                     f"ratio of {label} ({unit}), destination / origin; bar: latest year; "
                     f"diamond: {BASE}; destinations limited to the states this briefing covers",
                     indicators=["gdp_per_capita_ppp"], kind="Bar chart",
                     size=(8, 0.9 + 0.35 * max(len(pairs), 1)), note=nb.footnote(gdp))
    c = nb.claims()
    if not gaps:
        plotting.no_data(chart.ax, "no GDP per head for the corridor pairs")
        finding = "No GDP per head for the chosen corridor pairs."
        return Figure(chart, "income_gap_main_corridors", finding, c, no_rows())
    gap = pd.DataFrame(gaps).sort_values("ratio")
    _draw_gap_bars(chart.ax, gap)
    finding = _gap_finding(c, gap.iloc[-1], outside)
    return Figure(chart, "income_gap_main_corridors", finding, c, _gap_rows(gap))


def _draw_gap_bars(ax, gap: pd.DataFrame) -> None:
    pos = range(len(gap))
    _state_barh(ax, gap["origin"], gap["ratio"])
    ax.plot(gap["base"], pos, linestyle="none", marker="D", markerfacecolor="white",
            markeredgecolor="black", label=str(BASE))
    for origin, base in zip(gap["origin"], gap["base"], strict=True):
        plotting.record_point(ax, base, origin, BASE)
    ax.axvline(1, color="#333333", linewidth=0.8)
    near = 0.06 * max(gap["ratio"].max(), gap["base"].max(skipna=True) or 0)
    for p, value, base in zip(pos, gap["ratio"], gap["base"], strict=True):
        # right of the bar, or of the diamond when it sits just past the bar's end
        at = base if pd.notna(base) and value <= base <= value + near else value
        ax.annotate(f"{value:.1f}×", (at, p), xytext=(6, 0), textcoords="offset points",
                    va="center", fontsize=7.5)
    ax.set_yticks(list(pos), [f"{fmt.name(o)} → {fmt.name(d)}"
                              for o, d in zip(gap["origin"], gap["dest"], strict=True)])
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", visible=True)
    ax.legend(loc="lower right")


def _gap_rows(gap: pd.DataFrame) -> pd.DataFrame:
    """The ratios drawn: latest year (bars) and meeting year (diamonds)."""
    ratio_rows = [gap.assign(year=gap["year"], value=gap["ratio"]),
                  gap.dropna(subset=["base"]).assign(year=BASE, value=lambda f: f["base"])]
    # No meeting-year ratio (a range after it): leave the empty frame out of the concat.
    ratio_rows = [rows for rows in ratio_rows if not rows.empty]
    return pd.concat(ratio_rows, ignore_index=True).rename(
        columns={"origin": "origin_iso3", "dest": "destination_iso3"})[
        ["origin_iso3", "destination_iso3", "year", "value"]].assign(
        series="gdp_per_capita_ppp_ratio", unit="ratio, destination / origin",
        source="computed: gdp_per_capita_ppp of the destination / that of the origin")


def _gap_finding(c, widest, outside: list) -> str:
    def times(value, year):
        return c.ratio(value, "times", indicator="gdp_per_capita_ppp", states=[widest.dest],
                       years=[year], denominator="gdp_per_capita_ppp",
                       denominator_states=[widest.origin])

    finding = (f"In {widest.year}, GDP per head at purchasing-power parity in "
               f"{fmt.the(fmt.name(widest.dest))} was {times(widest.ratio, widest.year)} that "
               f"of {fmt.name(widest.origin)}, the widest gap among the pairs shown")
    if pd.notna(widest.base) and widest.year != BASE:
        finding += f" ({times(widest.base, BASE)} in {BASE})"
    finding += (". Each state is compared only with its largest destination among the states "
                "this briefing covers, not among all countries")
    if outside:
        o, _n, d, year = outside[0]
        largest = superlative(c, "largest", measure="migrant_stock", origins=[o],
                              destinations=[d], years=[year], rank_by="destination",
                              among=None)
        named = [f"{fmt.name(o)} ({f'{largest} destination overall: ' if i == 0 else ''}{n})"
                 for i, (o, n, _d, _y) in enumerate(outside)]
        finding += ("; for " + (", ".join(named[:-1]) + " and " if len(named) > 1 else "")
                    + named[-1] + " the pair shown is not the main corridor")
    return finding + (". Destinations are ranked by counts by place of birth, so a gap "
                      "describes what a move may pay, not why the people counted moved.")


# -- demography -----------------------------------------------------------------------------


def _senders_to_work_countries(corridors: pd.DataFrame) -> list[str]:
    """At most six origins with most people living in the WORK_COUNTRIES (latest count), in
    catalogue order."""
    in_work = corridors[corridors["destination_iso3"].isin(WORK_COUNTRIES)
                        & ~corridors["origin_iso3"].isin(WORK_COUNTRIES)].dropna(subset=["value"])
    stock_last = int(in_work["year"].max()) if not in_work.empty else None
    senders = in_work[in_work["year"] == stock_last].groupby("origin_iso3")["value"].sum() \
        .sort_values(ascending=False)
    return plotting.in_catalogue_order(list(senders.index[:6]))


def age_dependency(nb: Session, corridors: pd.DataFrame) -> Figure:
    """Lines: the age dependency ratio in the main countries of work and in the origins with
    most people living in them, on one scale."""
    origins_shown = _senders_to_work_countries(corridors)
    dependency = nb.indicators("age_dependency_ratio", states=WORK_COUNTRIES + origins_shown)
    plotted = dependency.dropna(subset=["value"])
    chart = nb.chart("Dependants per 100 people of working age: countries of work and of origin",
                     "people under 15 and over 64 for every 100 people aged 15 to 64",
                     indicators=["age_dependency_ratio"], kind="Line chart", ncols=2,
                     sharey=True, size=(8, 3.8), note=nb.footnote(plotted))
    _draw_dependency_panels(chart, plotted, origins_shown)
    c = nb.claims()
    year = latest_year(plotted)
    now = metrics.value_in(plotted, year) if year else pd.Series(dtype=float)
    work_now = now.reindex(WORK_COUNTRIES).dropna()
    origin_now = now.reindex(origins_shown).dropna()
    if work_now.empty or origin_now.empty:
        finding = "No age dependency ratios for the chosen states and years."
    else:
        finding = _dependency_contrast(c, now, work_now, origin_now, year)
        finding += _dependency_caveats(nb, c, plotted, work_now, origin_now, origins_shown,
                                       year)
    return Figure(chart, "age_dependency_origins_and_work_countries", finding, c, plotted)


def _draw_dependency_panels(chart: plotting.Chart, plotted: pd.DataFrame,
                            origins_shown: list[str]) -> None:
    panels = ((chart.axes[0, 0], WORK_COUNTRIES, "Main countries of work"),
              (chart.axes[0, 1], origins_shown, "Origins with most people living in them"))
    span = (plotted["value"].min(), plotted["value"].max()) if not plotted.empty else (0, 1)
    pad = (span[1] - span[0]) * 0.05
    for ax, members, title in panels:
        ax.set_ylim(span[0] - pad, span[1] + pad)  # one scale for both panels, set before labels
        plotting.panel_title(ax, title, 40)
        rows = plotted[plotted["iso3"].isin(members)]
        if rows.empty:
            plotting.no_data(ax, "for these states")
            continue
        plotting.state_lines(ax, rows)
        plotting.mark_years(ax, MEETING_MARK)


def _dependency_contrast(c, now: pd.Series, work_now: pd.Series, origin_now: pd.Series,
                         year: int) -> str:
    cell = {"indicator": "age_dependency_ratio", "years": [year]}

    def ratio_of(iso3):
        return c.value(now[iso3], "decimal", states=[iso3], **cell)

    def listed(codes):
        parts = [f"{fmt.name(s)} ({ratio_of(s)})" for s in codes]
        return ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else parts[0]

    origins_text = listed(list(origin_now.sort_values(ascending=False).index))
    work_text = listed(list(work_now.index))
    if origin_now.min() > work_now.max():
        return (f"In {year}, there were more dependants per 100 people of working age in "
                f"each state of origin shown, {origins_text}, than in the countries of work, "
                f"{work_text}.")
    return (f"In {year}, dependants per 100 people of working age numbered "
            f"{origins_text} in the states of origin shown, against {work_text} in the "
            "countries of work.")


def _dependency_caveats(nb: Session, c, plotted: pd.DataFrame, work_now: pd.Series,
                        origin_now: pd.Series, origins_shown: list[str], year: int) -> str:
    """Russia's rise, the exceptions to the contrast, the states left out, and what the ratio
    does not say."""
    finding = ""
    russia = plotted[plotted["iso3"] == "RUS"].set_index("year")["value"]
    if len(russia) > 1:
        low_year = int(russia.idxmin())
        if low_year < year and russia[year] > russia[low_year]:
            rus = {"indicator": "age_dependency_ratio", "states": ["RUS"]}
            finding += (f" {fmt.name('RUS')}'s ratio has risen since {low_year}, from "
                        f"{c.value(russia[low_year], 'decimal', years=[low_year], **rus)}.")
    highest = work_now.idxmax()
    lower = [s for s in origin_now.index if origin_now[s] < work_now[highest]]
    if lower:
        finding += (f" The contrast is not clear-cut: {fmt.name(highest)}'s ratio was higher "
                    f"than those of {fmt.names(plotting.in_catalogue_order(lower))}.")
    elsewhere = [s for s in nb.states if s not in origins_shown and s not in WORK_COUNTRIES]
    if elsewhere:
        finding += (f" Not shown: {fmt.names(plotting.in_catalogue_order(elsewhere))}, with "
                    "fewer people born there living in these three countries.")
    return finding + (" The ratio adds children and older people together, so it shows how "
                      "many people each working-age person supports, not whether they are "
                      "young or old.")


def outputs(nb: Session) -> Iterator[Figure]:
    """Every chart of the theme, in the notebook's order (what the tests run)."""
    yield immigrant_emigrant_stocks(nb)
    shares = migrant_shares(nb)
    yield share_of_population(nb, shares)
    yield emigrants_share_over_time(nb, shares)
    corridors = corridor_stocks(nb)
    yield main_corridors(nb, corridors)
    yield corridors_over_time(nb, corridors)
    yield remittances_per_migrant(nb, corridors)
    yield net_migration(nb)
    yield unemployment(nb)
    yield income_gap(nb, corridors)
    yield age_dependency(nb, corridors)
