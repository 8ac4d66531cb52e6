"""Trafficking and smuggling (remark 6): UNODC's victims of trafficking detected in each state,
the states' citizens detected abroad, the forms of exploitation, convictions beside detections,
and IOM's records of people dead or missing on migration routes (which are not trafficking
data)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pandas as pd
from matplotlib.patches import Patch

from analysis import catalogue, comparison, fmt, metrics, plotting
from analysis.claims import Ledger
from analysis.notebook import Session
from analysis.themes.common import BASE, Figure, Finding, hide_spare, no_rows, superlative

DETECTED = "trafficking_victims_detected"
CONVICTED = "trafficking_convictions"
FORM = "by form of exploitation"
FORMS = ["Sexual exploitation", "Forced labour", "Other forms of exploitation"]
# The breakdown rows the forms chart draws: all victims of each form, one part of the release.
FORM_SELECT = {"indicator": DETECTED, "dimension": FORM, "sex": "Total", "age": "Total",
               "part": 1}
# The two UNODC series, alike in every panel of the convictions chart.
LOOKS = {DETECTED: {"color": "#0072B2", "marker": "o", "label": "victims detected"},
         CONVICTED: {"color": "#D55E00", "marker": "s", "linestyle": "--",
                     "label": "persons convicted"}}
IN_COUNTRY = "missing_migrants_in_country"  # where the incident took place
OF_NATIONALS = "missing_migrants_of_nationals"  # the dead and missing's nationality
OF_NATIONALS_ONLY = "missing_migrants_of_nationals_only"  # incidents of those nationals only
IOM_SOURCE = f"{catalogue.provider('iom').name}: dead and missing, each record counted once"


# -- UNODC: victims detected and persons convicted --------------------------------------------

def unodc_counts(nb: Session) -> pd.DataFrame:
    """UNODC's victims detected and persons convicted, for the states and years shown."""
    return nb.indicators([DETECTED, CONVICTED])


def detection_caveat() -> Finding:
    """What UNODC's counts measure, and how counts under five are treated."""
    return Finding("UNODC's figures count the victims that authorities detected: they measure "
                   "the response to trafficking, not how many people are trafficked. Counts "
                   "under five, which UNODC suppresses to protect the victims, are not reported "
                   "here, never counted as zero.")


def victims_detected(nb: Session, glotip: pd.DataFrame) -> Figure:
    """Victims each state detected, one panel per state on its own scale."""
    detected = glotip[glotip["indicator"] == DETECTED].reset_index(drop=True)
    reported = detected.dropna(subset=["value"])
    with_data = plotting.in_catalogue_order(reported["iso3"])
    grid = plotting.grid_shape(len(with_data))
    plotted = detected[detected["iso3"].isin(with_data)]
    chart = nb.chart("Victims of trafficking in persons detected in each state",
                     "victims detected by the state's authorities per year, any citizenship; "
                     "each panel on its own scale",
                     indicators=[DETECTED], kind="Line chart", **grid, sharex=True,
                     size=(8, 1.6 * grid["nrows"] + 0.4), note=nb.footnote(plotted))
    drawn = reported[reported["iso3"].isin(with_data)]
    if not with_data:
        plotting.no_data(chart.ax, "no state shown reported detected victims in these years")
        finding = "None of the states shown reported detected victims to UNODC in these years."
        return Figure(chart, "trafficking_victims_detected", finding, None, drawn)
    for ax, iso3 in zip(chart.axes.flat, with_data, strict=False):
        plotting.state_lines(ax, reported[reported["iso3"] == iso3], label_ends=False)
        _panel_look(ax, iso3)
    hide_spare(chart, len(with_data), years_above=True)
    year = int(reported["year"].max())
    now = metrics.value_in(reported, year)
    c = nb.claims()
    finding = _detected_finding(c, nb.states, now, year)
    for iso3 in plotting.in_catalogue_order(now.index):
        if comparison.is_participant(iso3):  # key figures: participants only
            nb.key_figure(detected, DETECTED, iso3, year)
    return Figure(chart, "trafficking_victims_detected", finding, c, drawn)


def _panel_look(ax, iso3: str) -> None:
    plotting.panel_title(ax, fmt.name(iso3))
    plotting.format_axis(ax)
    ax.set_ylim(bottom=0)


def _detected_finding(c: Ledger, states: list[str], now: pd.Series, year: int) -> str:
    listed = plotting.in_catalogue_order(now.index)
    top = now.idxmax()
    n_listed = c.count(len(listed), "count", indicator=DETECTED, states=listed, years=[year],
                       where="present")
    n_top = c.value(now[top], "count", indicator=DETECTED, states=[top], years=[year])
    finding = (f"In {year}, the latest year of UNODC's release, {n_listed} of the states shown "
               "reported detected victims")
    if len(listed) > 1:
        n_all = c.sum(now.sum(), "count", indicator=DETECTED, states=listed, years=[year])
        most = superlative(c, "the most", indicator=DETECTED, states=[top], years=[year],
                           among=listed)
        finding += (f" ({fmt.names(listed)}), {n_all} together; {fmt.name(top)} detected "
                    f"{most}, {n_top}.")
    else:
        finding += f": {fmt.name(top)}, with {n_top} victims."
    silent = [s for s in states if s not in listed]
    if silent:
        finding += (f" {fmt.names(silent)} reported no figure for {year} (or a count under "
                    "five); a missing figure says nothing about how many people were trafficked.")
    return finding


# -- UNODC: the states' citizens detected abroad ----------------------------------------------

def citizens_abroad(nb: Session) -> Figure:
    """The states' citizens detected as victims in other countries over the latest five years,
    summed, by the country that detected them (the top five, then all others)."""
    abroad = nb.corridors("trafficking_victims", origins=nb.states)
    known = abroad.dropna(subset=["value"])
    last = int(known["year"].max()) if not known.empty else None
    window = list(range(max(last - 4, nb.years[0]), last + 1)) if last else []
    known = known[known["year"].isin(window)]
    suppressed = abroad[abroad["year"].isin(window) & abroad["value"].isna()]
    span = f"{window[0]} to {window[-1]}" if window else ""
    chart = nb.chart("The states' citizens detected as victims of trafficking in other countries"
                     + (f", {span}" if span else ""),
                     "victims detected abroad, summed over the years, by the country that "
                     "detected them (the five that detected most, then all others)",
                     measures=["trafficking_victims"], kind="Bar chart",
                     size=(8, 1.0 + 0.35 * max(known["origin_iso3"].nunique(), 2)),
                     note=(f"Counts under five (\"<5\" in UNODC's data) are left out, not "
                           f"counted as zero: {fmt.count(len(suppressed))} country-year cells "
                           "for the states shown." if not suppressed.empty else None))
    if known.empty:
        plotting.no_data(chart.ax, "no country reported victims of these citizenships")
        finding = ("No country reported to UNODC victims who were citizens of the states shown "
                   "in these years.")
        return Figure(chart, "trafficking_citizens_detected_abroad", finding, None, known)
    names = dict(zip(abroad["destination_iso3"], abroad["destination_name"], strict=False))
    grouped, wide, totals = _abroad_table(known, names)
    _draw_abroad(chart, wide, totals)
    c = nb.claims()
    finding = _abroad_finding(c, known, totals, names, window, span)
    return Figure(chart, "trafficking_citizens_detected_abroad", finding, c,
                  _abroad_rows(grouped, known, names, span))


def _abroad_table(known: pd.DataFrame, names: dict[str, str]
                  ) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series]:
    """The rows with their bar segment (`where`: a top-five country or "other"), the bars'
    table (states by segment, smallest total first) and each state's total."""
    by_dest = known.groupby("destination_iso3")["value"].sum().sort_values(ascending=False)
    top_dest = list(by_dest.index[:5])
    grouped = known.assign(where=known["destination_iso3"].where(
        known["destination_iso3"].isin(top_dest), "other"))
    wide = grouped.pivot_table(index="origin_iso3", columns="where", values="value",
                               aggfunc="sum").fillna(0)
    columns = [d for d in top_dest if d in wide.columns] + (["other"] if "other" in wide else [])
    totals = wide.sum(axis=1).sort_values()
    wide = wide.loc[totals.index, columns]
    wide.columns = [names[d] if d != "other" else "all other countries" for d in columns]
    wide.index = [fmt.name(s) for s in wide.index]
    return grouped, wide, totals


def _draw_abroad(chart: plotting.Chart, wide: pd.DataFrame, totals: pd.Series) -> None:
    plotting.stacked_bars(chart.ax, wide, looks=plotting.category_looks(list(wide.columns)),
                          horizontal=True)
    for pos, total in enumerate(totals):
        chart.ax.annotate(fmt.count(total), (total, pos), xytext=(3, 0),
                          textcoords="offset points", va="center", fontsize=7.5)
    chart.ax.grid(axis="y", visible=False)
    chart.ax.grid(axis="x", visible=True)
    chart.ax.set_xlim(0, totals.max() * 1.1)
    plotting.format_axis(chart.ax, "x")
    chart.ax.legend(loc="lower right", fontsize=7)


def _abroad_rows(grouped: pd.DataFrame, known: pd.DataFrame, names: dict[str, str],
                 span: str) -> pd.DataFrame:
    """The bar segments as drawn: each state's victims per segment, summed over the years."""
    segments = grouped.groupby(["origin_iso3", "where"], as_index=False)["value"].sum()
    return segments[segments["value"] > 0].assign(
        series="trafficking_victims_summed_over_years",
        unit=catalogue.corridor_measure("trafficking_victims").unit,
        source=known["source"].iloc[0],
        destination_iso3=lambda f: f["where"].where(f["where"] != "other", None),
        category=lambda f: f["where"].map(lambda d: names.get(d, "all other countries"))
        + f", {span} summed").drop(columns="where")


def _abroad_finding(c: Ledger, known: pd.DataFrame, totals: pd.Series, names: dict[str, str],
                    window: list[int], span: str) -> str:
    top = totals.index[-1]
    cells = {"measure": "trafficking_victims", "years": window}
    mine = known[known["origin_iso3"] == top].groupby("destination_iso3")["value"].sum()
    where = mine.idxmax()
    most = c.rank(1, "superlative", origins=[top], destinations=None, rank_by="origin",
                  among=list(totals.index), fmt_args={"word": "the most"}, **cells)
    finding = (f"From {span}, the countries that reported victims by citizenship detected at "
               f"least {c.sum(totals[top], 'count', origins=[top], destinations=None, **cells)} "
               f"victims who were citizens of {fmt.name(top)}, {most} among the states shown; "
               + (f"{fmt.the(names[where])} detected all of them." if mine[where] == totals[top]
                  else f"{fmt.the(names[where])} detected "
                  f"{c.sum(mine[where], 'count', origins=[top], destinations=[where], **cells)}"
                  " of them."))
    central_asia = [s for s in catalogue.CENTRAL_ASIA if s in totals.index]
    if central_asia and top not in central_asia:
        ca = known[known["origin_iso3"].isin(central_asia)]
        ca_dest = ca.groupby("destination_iso3")["value"].sum()
        first = ca_dest.idxmax()
        n_ca = c.sum(ca_dest[first], "count", origins=central_asia, destinations=[first],
                     **cells)
        most = c.rank(1, "superlative", origins=central_asia, destinations=[first],
                      rank_by="destination", among=None, fmt_args={"word": "the most"}, **cells)
        if len(central_asia) == 1:
            finding += (f" Of the countries that detected citizens of "
                        f"{fmt.name(central_asia[0])}, {fmt.the(names[first])} detected {most}: "
                        f"{n_ca}.")
        else:
            # "Most" holds for the group's sum only: say each state's part there, and name the
            # states that country did not detect at all, so no reader takes it for each state.
            there = ca[ca["destination_iso3"] == first].groupby("origin_iso3")["value"].sum()
            parts = [f"{fmt.name(s)} " + c.sum(there[s], "count", origins=[s],
                                                destinations=[first], **cells)
                     for s in central_asia if there.get(s, 0) > 0]
            none = [s for s in central_asia if there.get(s, 0) <= 0]
            finding += (f" Counted together, {most} citizens of {fmt.names(central_asia)} "
                        f"were detected in {fmt.the(names[first])}: {n_ca} ("
                        + ", ".join(parts)
                        + (f"; none who were citizens of {fmt.names(none)}" if none else "")
                        + ").")
    return finding


# -- UNODC: forms of exploitation -------------------------------------------------------------

def forms_of_exploitation(nb: Session) -> Figure:
    """Victims each state detected by form of exploitation, in the latest year it reported
    the breakdown."""
    with_forms, latest, shown_forms = _latest_forms(nb)
    order = plotting.in_catalogue_order(latest.index)[::-1]
    chart = nb.chart("Victims of trafficking detected in each state, by form of exploitation",
                     "victims detected in the latest year the state reported the breakdown",
                     indicators=[DETECTED], kind="Bar chart",
                     size=(8, 0.8 + 0.55 * max(len(order), 2)), note=nb.footnote(shown_forms))
    if not order:
        plotting.no_data(chart.ax, "no state shown reported victims by form of exploitation")
        finding = ("None of the states shown reported victims by form of exploitation in these "
                   "years.")
        # no_rows(), not the empty breakdown rows: chartdata cannot label rows that are none.
        return Figure(chart, "trafficking_forms_of_exploitation", finding, None, no_rows())
    _draw_forms(chart, shown_forms, order, latest)
    c = nb.claims()
    finding = ("In the latest year each state reported, the form of exploitation detected most "
               "often was " + _most_common_forms(c, with_forms, order, latest) + ". These are "
               "the forms the authorities identified, and what they find depends on where they "
               "look.")
    return Figure(chart, "trafficking_forms_of_exploitation", finding, c,
                  shown_forms.dropna(subset=["value"]))


def _latest_forms(nb: Session) -> tuple[pd.DataFrame, pd.Series, pd.DataFrame]:
    """The form rows with a value, each state's latest year with one, and all the form rows
    of those years (with their "<5" cells)."""
    breakdowns = nb.trafficking_breakdowns()
    forms = breakdowns[(breakdowns["indicator"] == DETECTED) & (breakdowns["dimension"] == FORM)
                       & (breakdowns["sex"] == "Total") & (breakdowns["age"] == "Total")
                       & (breakdowns["part"] == 1) & breakdowns["category"].isin(FORMS)]
    with_forms = forms.dropna(subset=["value"])
    latest = with_forms.groupby("iso3")["year"].max()
    shown_forms = pd.concat([forms[(forms["iso3"] == s) & (forms["year"] == y)]
                             for s, y in latest.items()]) if not with_forms.empty \
        else forms.iloc[0:0]
    return with_forms, latest, shown_forms


def _draw_forms(chart: plotting.Chart, shown_forms: pd.DataFrame, order: list[str],
                latest: pd.Series) -> None:
    looks = plotting.category_looks(FORMS)
    for pos, iso3 in enumerate(order):
        _form_bars(chart.ax, shown_forms[shown_forms["iso3"] == iso3].set_index("category"),
                   pos, looks)
    chart.ax.set_yticks(range(len(order)),
                        [f"{fmt.name(s)}, {int(latest[s])}" for s in order])
    chart.ax.grid(axis="y", visible=False)
    chart.ax.grid(axis="x", visible=True)
    chart.ax.set_ylim(-0.6, len(order) - 0.4)
    chart.ax.margins(x=0.12)
    plotting.format_axis(chart.ax, "x")
    handles = [Patch(facecolor=looks[f]["color"], hatch=looks[f]["hatch"],
                     edgecolor="#333333", label=f) for f in FORMS[::-1]]
    chart.ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0, 1.0), ncol=3,
                    fontsize=7, frameon=False)


def _form_bars(ax, rows: pd.DataFrame, pos: int, looks: dict[str, dict]) -> None:
    """One state's bars, one per form; a form without a value reads "<5" or "not reported"."""
    height = 0.8 / len(FORMS)
    for k, form in enumerate(FORMS):
        y = pos - 0.4 + height * (k + 0.5)
        value = rows["value"].get(form) if form in rows.index else None
        if value is None or pd.isna(value):
            text = "<5" if form in rows.index else "not reported"
            ax.annotate(text, (0, y), xytext=(3, 0), textcoords="offset points",
                        va="center", fontsize=7, color=plotting.MUTED, fontstyle="italic")
            continue
        bar = ax.barh(y, value, height=height, color=looks[form]["color"],
                      edgecolor="#333333", linewidth=0.4)
        plotting.record_point(ax, value, form)
        bar[0].set_hatch(looks[form]["hatch"])
        ax.annotate(fmt.count(value), (value, y), xytext=(3, 0),
                    textcoords="offset points", va="center", fontsize=7)


def _most_common_forms(c: Ledger, with_forms: pd.DataFrame, order: list[str],
                       latest: pd.Series) -> str:
    """Each form that was the most detected one somewhere, with the states where it was."""
    most = {}
    for iso3 in order[::-1]:
        rows = with_forms[(with_forms["iso3"] == iso3)
                          & (with_forms["year"] == latest[iso3])]
        top_row = rows.loc[rows["value"].idxmax()]
        most[iso3] = (top_row["category"], float(top_row["value"]), int(top_row["year"]))
        # "Most often" is a claim: the form's rank among the state's forms that year.
        if top_row["category"] in FORMS:
            superlative(c, "most often", table="trafficking_breakdowns",
                        select={**FORM_SELECT, "category": top_row["category"]},
                        states=[iso3], years=[int(top_row["year"])], rank_by=["category"],
                        among=FORMS)
    parts = []
    for form in FORMS:
        where = [s for s in most if most[s][0] == form]
        if not where:
            continue
        listed = [f"{fmt.name(s)} ("
                  + c.value(most[s][1], "count", table="trafficking_breakdowns",
                            select={**FORM_SELECT, "category": form}, states=[s],
                            years=[most[s][2]])
                  + f" in {most[s][2]})" for s in where]
        parts.append(f"{form.lower()} in {fmt.listing(listed)}")
    return "; ".join(parts)



# -- UNODC: convictions beside detections -----------------------------------------------------

def convictions_and_detections(nb: Session, glotip: pd.DataFrame) -> Figure:
    """Persons convicted beside victims detected, one panel per state on its own scale."""
    both = glotip.dropna(subset=["value"])
    with_both = plotting.in_catalogue_order(both["iso3"])
    grid = plotting.grid_shape(len(with_both))
    chart = nb.chart("Victims of trafficking detected and persons convicted, in each state",
                     "victims and persons per year; each panel on its own scale",
                     indicators=[DETECTED, CONVICTED], kind="Line chart", **grid, sharex=True,
                     size=(8, 1.6 * grid["nrows"] + 0.4),
                     note=nb.footnote(glotip[glotip["iso3"].isin(with_both)]))
    if not with_both:
        plotting.no_data(chart.ax, "no state shown reported victims or convictions")
        finding = "None of the states shown reported victims or convictions to UNODC."
        return Figure(chart, "trafficking_convictions_and_detections", finding, None, both)
    _conviction_panels(chart, both, with_both)
    paired = both.pivot_table(index=["iso3", "year"], columns="indicator",
                              values="value").dropna()
    if paired.empty:
        finding = ("No state shown reported both victims detected and persons convicted for the "
                   "same year.")
        return Figure(chart, "trafficking_convictions_and_detections", finding, None, both)
    c = nb.claims()
    year = int(paired.index.get_level_values("year").max())
    pairs = paired.xs(year, level="year")
    parts = []
    for iso3 in plotting.in_catalogue_order(pairs.index):
        one = {"states": [iso3], "years": [year]}
        parts.append(
            f"{fmt.name(iso3)} convicted "
            f"{c.value(pairs.loc[iso3, CONVICTED], 'count', indicator=CONVICTED, **one)}"
            " persons and detected "
            f"{c.value(pairs.loc[iso3, DETECTED], 'count', indicator=DETECTED, **one)} "
            "victims")
    finding = (f"In {year}, the latest year with both figures, " + "; ".join(parts)
               + ". Convictions and detections are different cases and years, so their "
               "ratio is no conviction rate.")
    return Figure(chart, "trafficking_convictions_and_detections", finding, c, both)


def _conviction_panels(chart: plotting.Chart, both: pd.DataFrame, with_both: list[str]) -> None:
    """One panel per state, and the legend in the first spare panel (or the first panel)."""
    for ax, iso3 in zip(chart.axes.flat, with_both, strict=False):
        wide = both[both["iso3"] == iso3].pivot_table(index="year", columns="indicator",
                                                      values="value")
        wide = wide[[i for i in (DETECTED, CONVICTED) if i in wide.columns]]
        plotting.lines_from_wide(ax, wide, LOOKS, label_ends=False)
        _panel_look(ax, iso3)
    hide_spare(chart, len(with_both), years_above=True)
    spare = list(chart.axes.flat)[len(with_both):]
    handles, labels = chart.ax.get_legend_handles_labels()
    (spare[0] if spare else chart.ax).legend(handles, labels, loc="center" if spare else "best",
                                             fontsize=8 if spare else 7)


# -- IOM Missing Migrants ---------------------------------------------------------------------

@dataclass
class IomRecords:
    """IOM's records involving the states shown, with the coverage of the whole file."""
    records: pd.DataFrame  # records involving the states shown (metrics.involving)
    partial: int | None  # the file's incomplete last year
    last_date: pd.Timestamp | None  # the file's last record
    complete_years: list[int]
    last_full: int | None  # the file's latest complete year
    record_years: list[int]  # the years of the records involving the states shown
    start: int | None  # the file's first year
    shown: str  # how sentences name the states shown
    with_incidents: list[str]  # states shown where an incident took place
    with_nationals: list[str]  # states shown whose nationals are among the dead and missing

    def total(self, measure: str, codes: list[str], years: list[int]) -> float:
        """Dead and missing of the records selected by a record measure for `codes` in
        `years`: incidents in one of them, or nationals of one of them (a record counted
        once)."""
        rows = self.records[self.records["year"].isin(years)]
        if measure == IN_COUNTRY:
            chosen = rows["incident_iso3"].isin(codes)
        else:
            chosen = metrics.origin_codes(rows).map(lambda o: bool(o & set(codes)))
        return float(rows.loc[chosen, "dead_and_missing"].sum())


def iom_records(nb: Session) -> IomRecords:
    """The records involving the states shown and the file's coverage (shared by the IOM
    charts and findings)."""
    records = metrics.involving(nb.missing_migrants(), nb.states)
    # The file's coverage (its last record, its incomplete last year) is read from every record
    # involving a catalogue state, so that a few states without recent records do not shorten
    # it.
    covered = nb.missing_migrants(catalogue.state_codes())
    partial = metrics.records_partial_year(covered) if not covered.empty else None
    complete_years = sorted(int(y) for y in covered["year"].unique() if y != partial)
    origins = metrics.origin_codes(records)
    return IomRecords(
        records=records, partial=partial,
        last_date=covered["date"].max() if not covered.empty else None,
        complete_years=complete_years,
        last_full=complete_years[-1] if complete_years else None,
        record_years=sorted(int(y) for y in records["year"].unique()),
        start=int(covered["year"].min()) if not covered.empty else nb.first_year,
        # Together when there are several states, by name when one.
        shown="the states shown together" if len(nb.states) > 1 else fmt.name(nb.states[0]),
        # The states whose territory or nationals appear in the records (claims need a cell).
        with_incidents=sorted(set(records.loc[records["in_states"], "incident_iso3"])),
        with_nationals=[s for s in nb.states if origins.map(lambda o, s=s: s in o).any()])


def not_trafficking_data() -> Finding:
    """IOM's records are no measure of trafficking or smuggling."""
    return Finding("These records are deaths and disappearances on migration routes, not data "
                   "on trafficking or smuggling: they say nothing about how many people were "
                   "trafficked or smuggled.")


def records_overview(nb: Session, iom: IomRecords) -> list[Finding]:
    """The dead and missing recorded inside the states and among their nationals, over the
    whole file (nothing when no record involves the states)."""
    if iom.records.empty:
        return []
    span = f"from {iom.start} to {iom.last_date:%B %Y}"
    parts = []
    c = nb.claims()
    if iom.with_incidents:
        total = iom.total(IN_COUNTRY, iom.with_incidents, iom.record_years)
        shown = c.sum(total, "count", record=IN_COUNTRY, states=nb.states,
                      years=iom.record_years)
        parts.append(f"IOM recorded at least {shown} people dead or missing inside "
                     f"{iom.shown}, {span}")
    if iom.with_nationals:
        total = iom.total(OF_NATIONALS, iom.with_nationals, iom.record_years)
        lead = "Counted by nationality instead" if parts else f"{span[0].upper()}{span[1:]}"
        shown = c.sum(total, "count", record=OF_NATIONALS, states=nb.states,
                      years=iom.record_years)
        parts.append(f"{lead}, at least {shown} people from {iom.shown} died or went missing, "
                     "at home or abroad")
    text = ". ".join(parts) + "."
    if len(parts) == 2:
        text += (f" The two counts overlap (an Afghan who died in {fmt.name('IRN')} is in both) "
                 "and are never added together.")
    return [Finding(text, c)]


def missing_by_year(nb: Session, iom: IomRecords) -> Figure:
    """Dead and missing per year: inside the states, and their nationals elsewhere."""
    partial, last_date = iom.partial, iom.last_date
    chart = nb.chart("Deaths and disappearances on migration routes: inside the states, and of "
                     "their nationals elsewhere",
                     "people recorded dead or missing (minimum count) per year, the states shown "
                     "together"
                     + (f"; {partial}* covers records to {last_date:%B}" if partial else ""),
                     records=[IN_COUNTRY, OF_NATIONALS], kind="Bar chart")
    if iom.records.empty:
        plotting.no_data(chart.ax, "no records involve the chosen states")
        finding = "No IOM records involve the chosen states in these years."
        return Figure(chart, "missing_migrants_by_year", finding, None, no_rows())
    plotted = _draw_by_year(chart, iom.records, partial)
    finding, c = _by_year_finding(nb, iom)
    # IOM's Missing Migrants records begin in 2014, after the theme's window (issue 19).
    finding += f" IOM's records start in {int(plotted['year'].min())}."
    return Figure(chart, "missing_migrants_by_year", finding, c, plotted)


def _draw_by_year(chart: plotting.Chart, records: pd.DataFrame, partial: int | None
                  ) -> pd.DataFrame:
    """Stacked bars per year (a record counted once: inside, else nationals); returns the
    segments drawn."""
    where = records.assign(
        group=records["in_states"].map({True: "Incident in one of the states shown",
                                        False: "Nationals of the states shown, died elsewhere"}))
    wide = where.pivot_table(index="year", columns="group", values="dead_and_missing",
                             aggfunc="sum").fillna(0)
    plotted = wide.stack().rename("value").reset_index()
    plotted = plotted[plotted["value"] > 0].rename(columns={"group": "category"}).assign(
        series=lambda f: f["category"].map(lambda g: IN_COUNTRY if g.startswith("Incident")
                                           else "missing_migrants_of_nationals_elsewhere"),
        unit="people", source=IOM_SOURCE)
    wide.index = [f"{y}*" if y == partial else str(y) for y in wide.index]
    plotting.stacked_bars(chart.ax, wide, looks=plotting.category_looks(list(wide.columns)))
    plotting.format_axis(chart.ax)
    chart.ax.legend(loc="upper left")
    return plotted


def _by_year_finding(nb: Session, iom: IomRecords) -> tuple[str, Ledger | None]:
    inside = {y: iom.total(IN_COUNTRY, iom.with_incidents, [y]) for y in iom.complete_years}
    inside = {y: v for y, v in inside.items() if v > 0}
    if not inside:
        return ("No complete year has a record of deaths inside the states shown; the bars "
                "are their nationals who died elsewhere."), None
    c = nb.claims()
    peak = max(inside, key=inside.get)
    peak_shown = c.sum(inside[peak], "count", record=IN_COUNTRY, states=nb.states,
                       years=[peak])
    if len(inside) == 1:
        finding = (f"Deaths and disappearances were recorded inside the states shown in one "
                   f"complete year only, {peak}: {peak_shown} people ({iom.shown}")
    else:
        # Not "peaked": IOM's recording inside these states spread over the years (Iran:
        # 1 record in 2016), so the largest year is a count, not the top of a trend.
        finding = (f"The most deaths and disappearances recorded inside the states shown in "
                   f"a complete year were in {peak}: {peak_shown} people ({iom.shown}")
    if BASE in inside and peak != BASE:
        then = c.sum(inside[BASE], "count", record=IN_COUNTRY, states=nb.states, years=[BASE])
        finding += f", against {then} in {BASE}"
    finding += ")"
    top = max(iom.with_incidents, key=lambda s: iom.total(IN_COUNTRY, [s], [peak]))
    top_value = iom.total(IN_COUNTRY, [top], [peak])
    if len(iom.with_incidents) > 1 and top_value > 0:
        there = c.value(top_value, "count", record=IN_COUNTRY, states=[top], years=[peak])
        finding += f"; {there} of them in {fmt.name(top)}"
    finding += "."
    finding += (" IOM's records are a minimum count whose coverage has widened over the "
                "years, so a rise between years is likely more recording as well as more "
                "deaths, not a trend.")
    if iom.partial:
        finding += f" The starred year ({iom.partial}) is incomplete."
    return finding, c


def missing_by_route(nb: Session, iom: IomRecords) -> Figure:
    """Dead and missing by the route IOM assigns, each record counted once."""
    chart = _breakdown_chart(nb, iom, "route")
    if iom.records.empty:
        plotting.no_data(chart.ax, "no records involve the chosen states")
        finding = "No IOM records involve the chosen states in these years."
        return Figure(chart, "missing_migrants_by_route", finding, None, no_rows())
    by_route = metrics.dead_and_missing_by(iom.records, "route")
    plotted = _breakdown_rows(by_route)
    shown = by_route.iloc[::-1]
    chart.ax.barh(range(len(shown)), shown.to_numpy(), color="#0072B2", edgecolor="#333333",
                  linewidth=0.5)
    for route, value in shown.items():
        plotting.record_point(chart.ax, value, route)
    chart.ax.set_yticks(range(len(shown)), list(shown.index))
    _label_bars(chart.ax, shown)
    most = "Most" if by_route.iloc[0] > by_route.sum() / 2 else "The largest number"
    if by_route.index[0] == "Undefined":
        finding = (f"{most} of the dead and missing in records involving the states shown have "
                   "no defined route in IOM's records (the bar \"Undefined\").")
    else:
        finding = (f"{most} of the dead and missing in records involving the states shown were "
                   f"recorded on what IOM calls the {by_route.index[0]}.")
        if "Undefined" in by_route.index:
            finding += " Some records have no defined route (the bar \"Undefined\")."
    return Figure(chart, "missing_migrants_by_route", finding, None, plotted)


def _breakdown_chart(nb: Session, iom: IomRecords, by: str) -> plotting.Chart:
    """The bar chart of IOM's dead and missing by `by` (route or cause), with its period."""
    return nb.chart(f"Deaths and disappearances on migration routes, by {by}",
                    "people recorded dead or missing (minimum count), each record counted once"
                    + (f", {iom.start} to {iom.last_date:%B %Y}"
                       if iom.last_date is not None else ""),
                    records=[IN_COUNTRY, OF_NATIONALS], kind="Bar chart")


def _breakdown_rows(counts: pd.Series) -> pd.DataFrame:
    """A breakdown's counts (category -> people) as the chart's CSV rows."""
    return counts.rename("value").rename_axis("category").reset_index().assign(
        series="missing_migrants_involving_states", unit="people", source=IOM_SOURCE)


def _label_bars(ax, shown: pd.Series) -> None:
    """Each horizontal bar's count at its end, and the axis of a bar list."""
    for pos, value in enumerate(shown):
        ax.annotate(fmt.count(value), (value, pos), xytext=(3, 0),
                    textcoords="offset points", va="center", fontsize=7.5)
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", visible=True)
    plotting.format_axis(ax, "x")
    ax.margins(x=0.12)


def missing_by_cause(nb: Session, iom: IomRecords) -> Figure:
    """Dead and missing by recorded cause; incidents with several causes grouped."""
    chart = _breakdown_chart(nb, iom, "cause")
    if iom.records.empty:
        plotting.no_data(chart.ax, "no records involve the chosen states")
        finding = "No IOM records involve the chosen states in these years."
        return Figure(chart, "missing_migrants_by_cause", finding, None, no_rows())
    records = iom.records
    causes = records.assign(cause=records["cause"].where(
        ~records["cause"].fillna("").str.contains(","), "Several causes"))
    by_cause = metrics.dead_and_missing_by(causes, "cause")
    plotted = _breakdown_rows(by_cause)
    shown = by_cause.iloc[::-1]
    looks = plotting.category_looks(list(by_cause.index))
    bars = chart.ax.barh(range(len(shown)), shown.to_numpy(),
                         color=[looks[c]["color"] for c in shown.index], edgecolor="#333333",
                         linewidth=0.5)
    for bar, cause in zip(bars, shown.index, strict=True):
        bar.set_hatch(looks[cause]["hatch"])
        plotting.record_point(chart.ax, shown[cause], cause)
    # IOM's cause names are long: wrapped onto two lines, never cut.
    chart.ax.set_yticks(range(len(shown)), [fmt.wrapped(c) for c in shown.index])
    _label_bars(chart.ax, shown)
    finding = (f"The most common recorded cause was {by_cause.index[0].lower()}"
               + (f", followed by {by_cause.index[1].lower()}" if len(by_cause) > 1 else "")
               + ".")
    return Figure(chart, "missing_migrants_by_cause", finding, None, plotted)


def missing_by_nationality(nb: Session, iom: IomRecords) -> Figure:
    """Nationals of each state recorded dead or missing, wherever they died."""
    last_date = iom.last_date
    chart = nb.chart("Nationals of each state recorded dead or missing on migration routes",
                     "people (minimum count), wherever the incident took place"
                     + (f", {iom.start} to {last_date:%B %Y}" if last_date is not None else ""),
                     records=[OF_NATIONALS], kind="Bar chart")
    by_origin = metrics.dead_and_missing_by_origin(iom.records, nb.states) \
        if not iom.records.empty else None
    if by_origin is None or by_origin.sum() == 0:
        plotting.no_data(chart.ax, "no records list the chosen states as origins")
        finding = "No IOM records list the chosen states as origins."
        return Figure(chart, "missing_migrants_by_state_of_origin", finding, None, no_rows())
    by_origin = by_origin[by_origin > 0]
    plotted = by_origin.rename("value").rename_axis("iso3").reset_index().assign(
        series=OF_NATIONALS, unit="people", source=IOM_SOURCE)
    plotting.state_bars(chart.ax, by_origin, value_format=fmt.count)
    plotting.format_axis(chart.ax, "x")
    top = by_origin.idxmax()
    c = nb.claims()
    largest = (superlative(c, "the largest", record=OF_NATIONALS, states=[top],
                           years=iom.record_years, among=list(by_origin.index))
               if len(by_origin) > 1 else "")
    lead = (f"Nationals of {fmt.name(top)} are {largest} group" if len(by_origin) > 1
            else f"Nationals of {fmt.name(top)}")
    shown = c.sum(by_origin[top], "count", record=OF_NATIONALS, states=[top],
                  years=iom.record_years)
    # IOM lists several nationalities for one incident and gives its victims as one number,
    # so the count above includes every victim of an incident with any national of the state
    # among them; the lower bound counts only incidents whose listed origins are that state.
    only = metrics.origin_codes(iom.records).map(lambda o, t=top: o == {t})
    lower = float(iom.records.loc[only, "dead_and_missing"].sum())
    lower_shown = c.sum(lower, "count", record=OF_NATIONALS_ONLY, states=[top],
                        years=iom.record_years)
    finding = (f"{lead}: {shown} recorded dead or missing from {iom.start} to "
               f"{last_date:%B %Y}, in {fmt.name(top)} or abroad, counting every victim of an "
               f"incident in which IOM lists a national of {fmt.name(top)} among others; "
               f"the lower bound, incidents whose victims IOM lists as nationals of "
               f"{fmt.name(top)} only, is {lower_shown}. This count overlaps with the "
               f"deaths recorded inside the states (an Afghan who died in {fmt.name('IRN')} is "
               "in both), so the two are not added. Some records give no nationality, so every "
               "bar is a minimum.")
    return Figure(chart, "missing_migrants_by_state_of_origin", finding, c, plotted)


def key_figures(nb: Session, iom: IomRecords) -> list[Finding]:
    """Records the key figures (dead and missing inside each state in the latest complete
    year, the top three) and returns their finding and the coverage finding."""
    if iom.records.empty:
        return []
    found = [_key_figure_finding(nb, iom)]
    central_asia = [s for s in catalogue.CENTRAL_ASIA if s in nb.states]
    if central_asia:
        found.append(_coverage_finding(nb, iom, central_asia))
    return [f for f in found if f is not None]


def _key_figure_finding(nb: Session, iom: IomRecords) -> Finding | None:
    last_full = iom.last_full
    # Key figures are the participating states' (issue 19): ranked among them only.
    inside = {iso3: iom.total(IN_COUNTRY, [iso3], [last_full])
              for iso3 in comparison.participants(nb.states)} if last_full else {}
    top3 = [(iso3, v) for iso3, v in sorted(inside.items(), key=lambda kv: -kv[1]) if v > 0][:3]
    unit = catalogue.record_measure(IN_COUNTRY).unit
    if not top3:
        if not last_full:
            return None
        return Finding(f"No deaths or disappearances on migration routes were recorded inside "
                       f"the participating states shown in {last_full}, the latest complete "
                       "year, so they have "
                       "no key figure.")
    c = nb.claims()
    listed = []
    for iso3, value in top3:
        nb.record_key_figure(IN_COUNTRY, iso3, last_full, value, unit)
        shown = c.value(value, "count", record=IN_COUNTRY, states=[iso3], years=[last_full])
        listed.append(f"{shown} people dead or missing in {fmt.name(iso3)}" if not listed
                      else f"{shown} in {fmt.name(iso3)}")
    return Finding(f"Key figures for {last_full}, the latest complete year, counted where the "
                   "incident took place, whatever the nationality of the dead: IOM recorded at "
                   f"least {fmt.listing(listed)}.", c)


def _coverage_finding(nb: Session, iom: IomRecords, central_asia: list[str]) -> Finding:
    in_central_asia = iom.total(IN_COUNTRY, central_asia, iom.record_years)
    span = f"from {iom.start} to {iom.last_date:%B %Y}"
    if in_central_asia > 0:
        c = nb.claims()
        shown_ca = c.sum(in_central_asia, "count", record=IN_COUNTRY, states=central_asia,
                         years=iom.record_years)
        recorded = (f"IOM recorded at least {shown_ca} people dead or missing inside "
                    f"{fmt.names(central_asia)}"
                    f"{' together' if len(central_asia) > 1 else ''} {span}")
    else:
        c = None
        recorded = (f"IOM has no record of anyone dead or missing inside "
                    f"{fmt.names(central_asia)} {span}")
    return Finding(f"Coverage: {recorded}. The routes through Central Asia and to "
                   f"{fmt.name('RUS')} are barely documented, so few records do not mean few "
                   "deaths.", c)


def outputs(nb: Session) -> Iterator[Figure | Finding]:
    """Every chart and finding of the theme after the lead, in the notebook's order (what the
    tests run)."""
    yield detection_caveat()
    glotip = unodc_counts(nb)
    yield victims_detected(nb, glotip)
    yield citizens_abroad(nb)
    yield forms_of_exploitation(nb)
    yield convictions_and_detections(nb, glotip)
    iom = iom_records(nb)
    yield not_trafficking_data()
    yield from records_overview(nb, iom)
    yield missing_by_year(nb, iom)
    yield missing_by_route(nb, iom)
    yield missing_by_cause(nb, iom)
    yield missing_by_nationality(nb, iom)
    yield from key_figures(nb, iom)
