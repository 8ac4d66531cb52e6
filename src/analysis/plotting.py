"""The one plotting module: every exported chart has the same anatomy and the same colours.

    chart = plotting.new_chart("Remittances", "% of GDP", plotting.source_note(["..."]))
    plotting.state_lines(chart.ax, frame)
    plotting.save(chart, folder, "remittances_pct_gdp", ["png", "svg", "pdf"])

Anatomy (after OWID's grapher): a bold title and a subtitle naming the unit on top; a footer
naming each provider, indicator code and the source's age (from data/processed/vintage.json),
then the chart's caveats, each once and numbered by panel (`analysis.footer`), at the
bottom. A state has its catalogue colour, marker and hatch in every chart, so lines and bars
stay apart in greyscale too. A chart without data says so instead of drawing anything.
"""

from __future__ import annotations

import logging
import re
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.artist import Artist
from matplotlib.colors import to_rgb
from matplotlib.container import BarContainer
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.ticker import FuncFormatter, MaxNLocator

from analysis import atomic, catalogue, comparison, fmt, fontcache, footer, load
from analysis.errors import AnalysisError
from analysis.exports import FORMATS
from analysis.paths import Paths

# fontTools logs every font subset at INFO when PDFs embed fonts; that is not news here.
logging.getLogger("fontTools").setLevel(logging.WARNING)

STYLE = "analysis.house"
PNG_DPI = 200

# Hatches follow the catalogue's state order, like colours and markers.
_HATCHES = ("", "//", "\\\\", "xx", "..", "--", "||", "++", "oo", "**", "/.", "\\.", "x.")
OTHER_COLOUR = "#BBBBBB"  # countries outside the catalogue
MUTED = "#666666"

# Metadata without dates or versions, so that an unchanged chart yields an unchanged file.
_METADATA = {
    "png": {"Software": None},
    "svg": {"Date": None, "Creator": None},
    "pdf": {"CreationDate": None, "ModDate": None, "Creator": None, "Producer": None},
}
_NAME = re.compile(r"^[a-z0-9][a-z0-9_]*$")

# Layout in inches: header and footer keep their size whatever the figure's size.
_TITLE_PT, _SUBTITLE_PT, _FOOTER_PT = 12.5, 9.5, 7.0
_MARGIN_IN = 0.12


def use_style() -> None:
    plt.style.use(STYLE)
    fontcache.install()  # PDF exports: each font subset made once per process


def prepare_pdf_fonts() -> int:
    """Build now the PDF font bases (see `fontcache`) of the house style's text fonts, regular
    and bold: for a process that will save many charts, a report worker's kernel. matplotlib's
    settings are left as they were. Returns how many bases are ready."""
    from matplotlib import font_manager

    fontcache.install()
    with plt.style.context(STYLE):
        fonts = [font_manager.findfont(font_manager.FontProperties(weight=weight))
                 for weight in ("normal", "bold")]
    as_file = getattr(font_manager, "FontPath", None)  # matplotlib >= 3.11: with its face
    if as_file is not None:
        fonts = [f if hasattr(f, "face_index") else as_file(f, 0) for f in fonts]
    return fontcache.prepare(fonts)


# ---------------------------------------------------------------------------
# States' looks
# ---------------------------------------------------------------------------


def state_look(iso3: str) -> dict:
    """Colour, marker, hatch and display name of a catalogue state (with its role when it is
    not a participant); grey for any other."""
    codes = catalogue.state_codes()
    if iso3 in codes:
        s = catalogue.state(iso3)
        # An observer or comparator is marked as such wherever it is drawn (issue 19).
        return {"color": s.colour, "marker": s.marker, "label": s.name + comparison.role_mark(iso3),
                "hatch": _HATCHES[codes.index(iso3) % len(_HATCHES)]}
    return {"color": OTHER_COLOUR, "marker": ".", "label": iso3, "hatch": ""}


def state_label(iso3: str) -> str:
    """How a chart labels a catalogue state: its name, with its role unless it participates."""
    return state_look(iso3)["label"]


def in_catalogue_order(codes: Iterable[str]) -> list[str]:
    order = {c: i for i, c in enumerate(catalogue.state_codes())}
    return sorted(set(codes), key=lambda c: (order.get(c, len(order)), c))


# ---------------------------------------------------------------------------
# Sources and vintage for the footer
# ---------------------------------------------------------------------------


def base_indicators(ids: Iterable[str]) -> list[str]:
    out: list[str] = []
    for id_ in ids:
        ind = catalogue.indicator(id_)
        if ind.provider == "derived":
            out += base_indicators([ind.numerator, ind.denominator])
        elif id_ not in out:
            out.append(id_)
    return out


def _provider_id(name: str, paths: Paths | None) -> str:
    """The provider whose name a `source` label starts with, as the build recorded providers
    in vintage.json (a notebook kernel need not load the providers' modules and clients)."""
    for provider_id, entry in load.vintage(paths=paths).items():
        if entry.get("provider") == name:
            return provider_id
    raise AnalysisError(f"source label names unknown provider {name!r}")


def _indicator_sources(ids: list[str], paths: Paths | None) -> list[tuple[str, str, int | None]]:
    """(provider id, code, latest year) as recorded in the processed table's `source` column,
    so a live build that took population from the World Bank says so."""
    frame = load.indicators(ids, paths=paths)
    years = frame.groupby(["indicator", "source"])["year"].max()
    out = []
    for id_ in ids:
        rows = years[years.index.get_level_values("indicator") == id_]
        if rows.empty:  # no rows: name the catalogue's source anyway
            ind = catalogue.indicator(id_)
            out.append((ind.provider, ind.code, None))
        for (_ind, label), year in rows.items():
            name, _, code = label.partition(": ")
            out.append((_provider_id(name, paths), code, int(year)))
    return out


def _source_parts(indicators: list[str], measures: list[str], records: list[str],
                  paths: Paths | None) -> list[tuple[str, list[str], dict]]:
    """(provider's name, codes, vintage entry) for every source of a chart, in order."""
    if not (indicators or measures or records):
        raise AnalysisError("source_note: a chart needs at least one source")
    entries = _indicator_sources(base_indicators(indicators), paths) if indicators else []
    for m in measures:
        cm = catalogue.corridor_measure(m)
        entries.append((cm.provider, f"{cm.dataset}.{cm.field}", None))
    for r in records:
        rm = catalogue.record_measure(r)
        entries.append((rm.provider, rm.code, None))
    vintage = load.vintage(paths=paths)
    # A series from a raw file with a vintage of its own (a folder mixing releases) gets its
    # own footer part with that file's dates; the rest of a provider's series share one.
    file_of = {(i.provider, i.code): i.dataset for i in catalogue.INDICATORS if i.dataset}
    file_of.update({(m.provider, f"{m.dataset}.{m.field}"): m.dataset
                    for m in catalogue.CORRIDOR_MEASURES})
    codes: dict[tuple[str, str | None], list[str]] = {}
    years: dict[tuple[str, str | None], list[int | None]] = {}
    for provider, code, year in entries:
        file = file_of.get((provider, code))
        key = (provider, file if file in vintage.get(provider, {}).get("files", {}) else None)
        codes.setdefault(key, [])
        if code not in codes[key]:
            codes[key].append(code)
        years.setdefault(key, []).append(year)
    parts = []
    for (provider, file), provider_codes in codes.items():
        entry = dict(vintage.get(provider, {}))
        if file is not None:
            entry.update(_file_vintage(entry["files"][file], provider_codes))
        if None not in years[(provider, file)]:  # every series' own latest year is known
            entry["latest_year_present"] = max(years[(provider, file)])
        name = entry.get("provider") or catalogue.provider(provider).name
        parts.append((name, provider_codes, entry))
    return parts


def _source_text(parts: list[tuple[str, list[str], dict]], say_missing: bool) -> str:
    return "Source: " + ". ".join(f"{name} ({'; '.join(codes)}), "
                                  f"{vintage_phrase(entry, say_missing=say_missing)}"
                                  for name, codes, entry in parts) + "."


def source_note(indicators: Iterable[str] = (), measures: Iterable[str] = (),
                records: Iterable[str] = (), note: str | None = None, *,
                paths: Paths | None = None) -> str:
    """Provider, codes and vintage for every source a chart uses, then `note`: the text the
    charts' CSVs give as a series' vintage.

    `indicators` are catalogue indicator ids (derived ones expand to their inputs), `measures`
    corridor measure ids, `records` record-measure ids (IOM Missing Migrants). "Data to" is
    the latest year of the chart's own series where known, else the source's."""
    parts = _source_parts(list(indicators), list(measures), list(records), paths)
    text = _source_text(parts, say_missing=False)
    return f"{text} {note}" if note else text


def source_lines(indicators: Iterable[str] = (), measures: Iterable[str] = (),
                 records: Iterable[str] = (), *, paths: Paths | None = None
                 ) -> tuple[str, str]:
    """(the footer's source line, the `source_note` text): the footer gives every source's
    age, saying so where the manifest recorded no release date; the CSVs keep their text."""
    parts = _source_parts(list(indicators), list(measures), list(records), paths)
    return _source_text(parts, say_missing=True), _source_text(parts, say_missing=False)


def _file_vintage(file: dict, codes: list[str]) -> dict:
    """A raw file's own vintage (sources.json `file_vintage`) as vintage.json fields: its
    release date (one per series code where the provider dates them apart), access date and
    latest year."""
    out = {}
    published = file.get("date_published")
    if isinstance(published, dict):
        dates = {published[c] for c in codes if c in published}
        if len(dates) == 1:
            out["last_updated"] = dates.pop()
        elif dates:
            out["last_updated"] = ", ".join(f"{published[c]} ({c})" for c in codes
                                            if c in published)
    elif published:
        out["last_updated"] = published
    if file.get("date_accessed"):
        out["retrieved_at"] = file["date_accessed"]
    if file.get("latest_year"):
        out["latest_year_present"] = file["latest_year"]
    return out


def vintage_phrase(entry: dict, *, say_missing: bool = False) -> str:
    """'released 2025-12-01, data to 2025, retrieved 2026-11-27, CC BY 4.0' from one
    vintage.json entry; parts the manifest lacks are left out, or with `say_missing` the
    source's age is said to be unrecorded ('release date not recorded')."""
    bits = []
    if entry.get("last_updated"):
        bits.append(f"released {entry['last_updated']}")
    elif say_missing:
        bits.append("release date not recorded")
    if entry.get("latest_year_present"):
        bits.append(f"data to {entry['latest_year_present']}")
    elif say_missing:
        bits.append("latest year not recorded")
    if entry.get("retrieved_at"):
        bits.append(f"retrieved {str(entry['retrieved_at'])[:10]}")
    if entry.get("licence"):
        bits.append(str(entry["licence"]))
    return ", ".join(bits) or "vintage not recorded"


# ---------------------------------------------------------------------------
# Charts
# ---------------------------------------------------------------------------


@dataclass
class Chart:
    """A figure with its header and footer, and what the report needs to describe it."""

    fig: Figure
    axes: np.ndarray  # 2-D array of Axes
    title: str
    subtitle: str
    source: str  # the footer's source line: every provider with its age
    kind: str  # for alt text: "Line chart", "Bar chart", ...
    notes: list[str] = field(default_factory=list)
    definitions: list[dict] = field(default_factory=list)  # what each series counts
    note: str | None = None  # breaks, gaps, estimates: the caveats as the chart was given them
    # The caveats as the footer prints them, each once (numbered where they concern some
    # panels only): set when the chart is saved, once its panels are drawn.
    caveats: str | None = None
    data_source: str | None = None  # what a computed series' CSV rows give as their vintage
    plot_size: tuple[float, float] = (8.0, 4.8)
    footnotes: footer.Footnotes | None = None
    texts: dict = field(default_factory=dict)  # title, subtitle and footer artists

    @property
    def ax(self):
        return self.axes.flat[0]


def _wrap(text: str, width_in: float, points: float, em: float = 0.55) -> list[str]:
    # An average DejaVu Sans glyph is about 0.55 em wide (bold: about 0.63).
    chars = max(int(width_in * 72 / (points * em)), 20)
    return textwrap.wrap(text, chars) or [""]


def new_chart(title: str, subtitle: str, source: str, *, note: str | None = None,
              kind: str = "Chart", nrows: int = 1, ncols: int = 1,
              size: tuple[float, float] = (8.0, 4.8), sharex: bool = False,
              sharey: bool = False, **subplots_kw) -> Chart:
    """A figure with title, subtitle (say the unit there) and a footer: the `source` line,
    then the caveats of `note` (each once, numbered by panel when the chart is saved); the
    axes fill the space between them (constrained layout keeps tick labels and legends
    inside)."""
    use_style()
    fig = plt.figure(figsize=size, layout=ConstrainedLayoutEngine())
    axes = fig.subplots(nrows, ncols, squeeze=False, sharex=sharex, sharey=sharey,
                        **subplots_kw)
    texts = {
        "title": fig.text(0, 1, "", fontsize=_TITLE_PT, fontweight="bold", va="top",
                          ha="left", linespacing=1.15),
        "subtitle": fig.text(0, 1, "", fontsize=_SUBTITLE_PT, color="#444444", va="top",
                             ha="left", linespacing=1.2),
        "footer": fig.text(0, 0, "", fontsize=_FOOTER_PT, color="#555555", va="bottom",
                           ha="left", linespacing=1.25),
    }
    chart = Chart(fig, axes, title, subtitle, source, kind, note=note, caveats=note,
                  plot_size=tuple(size), texts=texts)
    _lay_out(chart, [source, note] if note else [source])  # until `finish_footer`
    return chart


def _lay_out(chart: Chart, footer_paragraphs: Sequence[str]) -> None:
    """Header on top, footer (its paragraphs each starting on a new line) at the bottom; the
    figure grows by their height, so the plot area keeps the size asked for."""
    width, plot_height = chart.plot_size
    usable = width - 2 * _MARGIN_IN
    title_lines = _wrap(chart.title, usable, _TITLE_PT, em=0.63)
    subtitle_lines = _wrap(chart.subtitle, usable, _SUBTITLE_PT)
    footer_lines = [line for p in footer_paragraphs for line in _wrap(p, usable, _FOOTER_PT)]
    header_in = (_MARGIN_IN + len(title_lines) * _TITLE_PT * 1.3 / 72
                 + len(subtitle_lines) * _SUBTITLE_PT * 1.35 / 72 + 0.08)
    footer_in = len(footer_lines) * _FOOTER_PT * 1.35 / 72 + _MARGIN_IN + 0.05
    height = plot_height + header_in + footer_in
    fig = chart.fig
    fig.set_size_inches(width, height)
    bottom, top = footer_in / height, 1 - header_in / height
    fig.get_layout_engine().set(rect=(0, bottom, 1, top - bottom))
    x = _MARGIN_IN / width
    y = 1 - _MARGIN_IN / height
    chart.texts["title"].set(text="\n".join(title_lines), x=x, y=y)
    y -= len(title_lines) * _TITLE_PT * 1.3 / 72 / height
    chart.texts["subtitle"].set(text="\n".join(subtitle_lines), x=x, y=y)
    chart.texts["footer"].set(text="\n".join(footer_lines), x=x, y=_MARGIN_IN / height)


def panel_keys(ax) -> set[tuple]:
    """The identifying keys of the points a panel draws (as `record_point` noted them)."""
    return set(ax.__dict__.get("drawn_keys", ()))


def finish_footer(chart: Chart) -> footer.Footnotes:
    """The footer as printed: the source line, then the chart's caveats each once; those that
    concern some panels only are numbered, the number after those panels' titles. Done once,
    when the panels are drawn (`save` calls it)."""
    if chart.footnotes is not None:
        return chart.footnotes
    panels = [ax for ax in chart.axes.flat if panel_keys(ax)]
    notes = footer.footnotes(chart.note, [sorted(panel_keys(ax), key=str) for ax in panels])
    for k, ax in enumerate(panels):
        if notes.marks(k):
            _mark_title(ax, notes.marks(k))
    chart.footnotes, chart.caveats = notes, notes.text()
    _lay_out(chart, [chart.source, *notes.paragraphs()])
    return notes


def _mark_title(ax, marks: str) -> None:
    """Footnote numbers after a panel's title (on its last line), or alone at its right."""
    # The three title artists of an Axes; matplotlib offers no public getter for the Text.
    for title in (ax._left_title, ax.title, ax._right_title):
        if title.get_text():
            title.set_text(f"{title.get_text()} {marks}")
            return
    ax.set_title(marks, loc="right", fontsize=8.5)


def no_data(ax, what: str, *, headline: str = "No data available") -> None:
    """Mark an empty panel: the chart says there is no data instead of filling anything in
    (`headline` in bold, then `what`). A panel title set before stays."""
    titles = {loc: ax.get_title(loc) for loc in ("left", "center", "right")}
    ax.cla()
    for loc, title in titles.items():
        if title:
            ax.set_title(title, loc=loc, fontsize=8.5)
    ax.set_axis_off()
    ax.text(0.5, 0.5, f"{what}", ha="center", va="top", fontsize=10, color=MUTED,
            transform=ax.transAxes, wrap=True, linespacing=1.4)
    ax.annotate(headline, (0.5, 0.5), xycoords="axes fraction", xytext=(0, 6),
                textcoords="offset points", ha="center", va="bottom", fontsize=11,
                fontweight="bold", color=MUTED)


def thousands(x, _pos=None) -> str:
    return fmt.compact(x)


def format_axis(ax, axis: str = "y", percent: bool = False) -> None:
    """Compact tick labels (1.5k, 2M, 3bn) or percentages."""
    target = ax.yaxis if axis == "y" else ax.xaxis
    if percent:
        target.set_major_formatter(FuncFormatter(lambda v, _p: f"{v:g}%"))
    else:
        target.set_major_formatter(FuncFormatter(thousands))


# -- what a chart draws: noted for the check of its CSV ------------------------------


def record_point(ax, value, *keys) -> None:
    """Note one data point a panel draws: its value and what identifies it (a state's ISO3
    code, a year, a series or category). Publishing compares the noted points with the chart's
    CSV rows in both directions (`chartdata.check_drawn`). A null value draws nothing."""
    if value is None or pd.isna(value):
        return
    ids = []
    for key in keys:
        if key is None or (not isinstance(key, str) and pd.isna(key)):
            continue
        ids.append(key if isinstance(key, str) else int(key))
    ax.figure.__dict__.setdefault("drawn_points", []).append((float(value), tuple(ids)))
    ax.__dict__.setdefault("drawn_keys", set()).add(tuple(ids))  # which panel: for footnotes


def record_frame(ax, frame: pd.DataFrame, value: str = "value",
                 keys: Sequence[str] = ("iso3", "year")) -> None:
    """`record_point` for every row of a frame (its `value` column, identified by `keys`)."""
    present = [k for k in keys if k in frame.columns]
    for row in frame[[value, *present]].itertuples(index=False):
        record_point(ax, row[0], *row[1:])


def drawn_points(fig) -> list[tuple[float, tuple]]:
    """The points noted for a figure (empty if none were)."""
    return list(fig.__dict__.get("drawn_points", []))


def state_lines(ax, frame: pd.DataFrame, *, x: str = "year", y: str = "value",
                label_ends: bool = True, partial_year: int | None = None,
                linestyle: str = "-", legend: bool = False, yscale: str | None = None,
                linthresh: float = 10) -> list[str]:
    """One line per state (catalogue colour and marker), labelled at its end. A year that is
    not complete (`partial_year`) is drawn with a hollow marker and a dotted segment. Set the
    scale here (`yscale`), before the end labels are placed. Returns the states drawn."""
    if yscale == "symlog":
        ax.set_yscale("symlog", linthresh=linthresh)
    elif yscale:
        ax.set_yscale(yscale)
    drawn = []
    for iso3 in in_catalogue_order(frame["iso3"]):
        rows = frame[frame["iso3"] == iso3].dropna(subset=[y]).sort_values(x)
        if rows.empty:
            continue
        look = state_look(iso3)
        if x == "year":
            rows = break_gaps(rows, y)
        full = rows if partial_year is None else rows[rows[x] < partial_year]
        part = rows.iloc[0:0] if partial_year is None else rows[rows[x] >= partial_year]
        every = max(len(full) // 6, 1)
        # With gaps, mark every point: a lone year between gaps would otherwise be invisible.
        markevery = (None if full[y].isna().any() or not len(full)
                     else slice(len(full) - 1 - (len(full) - 1) // every * every, None, every))
        ax.plot(full[x], full[y], color=look["color"], marker=look["marker"],
                markevery=markevery, linestyle=linestyle, label=look["label"])
        if not part.empty:
            joined = pd.concat([full.tail(1), part])
            ax.plot(joined[x], joined[y], color=look["color"], linestyle=":")
            ax.plot(part[x], part[y], linestyle="none", marker=look["marker"],
                    markerfacecolor="white", color=look["color"])
        mark_flags(ax, rows, x, y, look)
        record_frame(ax, rows.dropna(subset=[y]), y, ("iso3", x) if x == "year" else ("iso3",))
        drawn.append(iso3)
    if x == "year":
        integer_years(ax)
    # A line stopping at the last complete year has not stopped early.
    latest = partial_year - 1 if partial_year is not None else None
    ends = _line_ends(frame[frame["iso3"].isin(drawn)], x, y, latest)
    if label_ends and ends:
        _label_ends(ax, ends)
    if legend and drawn:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), borderaxespad=0)
    return drawn


# More lines than this in one panel is spaghetti: split them into small multiples.
MAX_LINES = 6


def panel_groups(codes: Iterable[str], max_lines: int = MAX_LINES) -> list[list[str]]:
    """States split into as few panels as keep each at `max_lines` or fewer, in catalogue
    order and of near-equal size (10 states: two panels of 5)."""
    codes = in_catalogue_order(codes)
    if not codes:
        return []
    if max_lines < 1:
        raise AnalysisError(f"panel_groups: max_lines must be at least 1, not {max_lines}")
    panels = -(-len(codes) // max_lines)
    size, extra = divmod(len(codes), panels)
    out, start = [], 0
    for n in range(panels):
        stop = start + size + (n < extra)
        out.append(codes[start:stop])
        start = stop
    return out


def region_groups(codes: Iterable[str], max_lines: int = MAX_LINES
                  ) -> list[tuple[str, list[str]]]:
    """(title, states) panels of at most `max_lines` states: Central Asia first, then the other
    states, each in catalogue order; a group too large for one panel is split ("(1)", "(2)")."""
    codes = in_catalogue_order(codes)
    groups = [("Central Asia", [s for s in codes if s in catalogue.CENTRAL_ASIA]),
              ("The other states", [s for s in codes if s not in catalogue.CENTRAL_ASIA])]
    out = []
    for title, members in groups:
        chunks = [members[i:i + max_lines] for i in range(0, len(members), max_lines)]
        out += [(title + (f" ({n + 1})" if len(chunks) > 1 else ""), chunk)
                for n, chunk in enumerate(chunks)]
    return out


def grid_shape(panels: int, ncols: int = 2) -> dict:
    """`nrows` and `ncols` for `panels` small multiples (keywords of `nb.chart`): `ncols`
    columns once there are that many panels, and at least one panel."""
    ncols = min(ncols, max(panels, 1))
    return {"nrows": max(-(-panels // ncols), 1), "ncols": ncols}


# IDMC's two series of new displacements, alike on every chart that shows them.
DISPLACEMENT_LOOKS = {
    "new_displacements_conflict": {"color": "#D55E00", "marker": "o", "linestyle": "-",
                                   "label": "conflict"},
    "new_displacements_disaster": {"color": "#0072B2", "marker": "s", "linestyle": "--",
                                   "label": "disasters"},
}


def small_multiples(axes, frame: pd.DataFrame, *, groups: Sequence[Sequence[str]] | None = None,
                    max_lines: int = MAX_LINES, sharey: bool = True, x: str = "year",
                    y: str = "value", **state_lines_kw) -> list[list[str]]:
    """`state_lines` spread over several panels, at most `max_lines` states in each, all on
    the same y limits (`sharey`) so panels compare at a glance. `axes` is a sequence (or array)
    of axes with at least as many panels as groups; spare ones are switched off. `groups`
    defaults to `panel_groups(frame's states, max_lines)`; pass the same groups to two rows of
    panels to keep each state in the same column. Other keywords go to `state_lines`. Returns
    the states drawn per panel.

        groups = plotting.panel_groups(frame["iso3"])
        chart = nb.chart(..., nrows=len(groups), sharex=True)
        plotting.small_multiples(chart.axes.flat, frame, groups=groups)
    """
    axes = list(np.ravel(np.asarray(axes, dtype=object)))
    present = frame.dropna(subset=[y])["iso3"]
    groups = ([list(g) for g in groups] if groups is not None
              else panel_groups(present, max_lines))
    if len(groups) > len(axes):
        raise AnalysisError(f"small_multiples: {len(groups)} panels of states but "
                            f"{len(axes)} axes")
    too_many = [g for g in groups if len(g) > max_lines]
    if too_many:
        raise AnalysisError(f"small_multiples: a panel of {len(too_many[0])} states; at most "
                            f"{max_lines} lines per panel")
    state_lines_kw.pop("label_ends", None)
    drawn, used = [], []
    for ax, group in zip(axes, groups, strict=False):
        rows = frame[frame["iso3"].isin(group)]
        drawn.append(state_lines(ax, rows, x=x, y=y, label_ends=False, **state_lines_kw))
        used.append((ax, rows[rows["iso3"].isin(drawn[-1])]))
    for ax in axes[len(groups):]:
        ax.set_axis_off()
    with_lines = [(ax, rows) for ax, rows in used if not rows.empty]
    for ax, _rows in with_lines:
        ax.relim()
        ax.autoscale_view()
    if sharey and with_lines:
        lows, highs = zip(*(ax.get_ylim() for ax, _rows in with_lines), strict=True)
        for ax, _rows in with_lines:
            ax.set_ylim(min(lows), max(highs))
    latest = frame.dropna(subset=[y])[x].max() if with_lines else None
    if state_lines_kw.get("partial_year") is not None:
        latest = state_lines_kw["partial_year"] - 1
    for ax, rows in with_lines:  # "(to 2017)": a line stopping before any other panel's
        _label_ends(ax, _line_ends(rows, x, y, latest), autoscale=False)
    return drawn


def mark_flags(ax, rows: pd.DataFrame, x: str = "year", y: str = "value",
               look: dict | None = None) -> None:
    """Per DESIGN's evidence rules: a series break (flag B) gets a black bar across the line
    and a "break" label at its first year; a low-reliability value (U) a hollow marker in the
    line's `look` (colour and marker, as `state_look` gives; default a grey circle).

    `state_lines` calls it for every state; call it for lines drawn otherwise (e.g. with
    `lines_from_wide`), passing the rows drawn, with their flag column. Rows without a value
    get no mark; a frame without a flag column none."""
    if "flag" not in rows.columns:
        return
    rows = rows.dropna(subset=[y])
    for _, row in rows[rows["flag"] == "B"].iterrows():
        ax.plot(row[x], row[y], marker="|", markersize=14, markeredgewidth=2,
                color="#000000", linestyle="none", zorder=5)
        ax.annotate("break", (row[x], row[y]), xytext=(3, 6), textcoords="offset points",
                    fontsize=6.5, color="#000000", zorder=6,  # above lines and markers
                    bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.3,
                          "alpha": 0.85})
    few = rows[rows["flag"] == "U"]
    if not few.empty:
        look = look or {"color": MUTED, "marker": "o"}
        ax.plot(few[x], few[y], linestyle="none", marker=look["marker"],
                markerfacecolor="white", color=look["color"], zorder=5)


def break_gaps(rows: pd.DataFrame, y: str = "value") -> pd.DataFrame:
    """Insert a missing value where a series skips more years than its usual step, so the line
    breaks there instead of bridging years without data (5-yearly estimates stay joined)."""
    rows = rows.dropna(subset=[y]).sort_values("year")
    if len(rows) < 3:
        return rows
    steps = rows["year"].diff().dropna()
    usual = float(steps.median())
    gaps = rows.loc[steps[steps > usual * 1.5].index, "year"]
    if gaps.empty:
        return rows
    fillers = pd.DataFrame({"year": gaps.to_numpy() - usual, y: np.nan})
    return pd.concat([rows, fillers], ignore_index=True).sort_values("year")


def _line_ends(frame: pd.DataFrame, x: str = "year", y: str = "value", latest=None
               ) -> list[tuple[float, str, str, object]]:
    """(last value, label, colour, last x) of each state's line, in catalogue order. A yearly
    line that stops before the others is labelled with its last year ("Pakistan (to 2022)"),
    since its label sits at the right edge, beyond the line's end."""
    ends = []
    present = frame.dropna(subset=[y])
    if latest is None and not present.empty:
        latest = present[x].max()
    for iso3 in in_catalogue_order(present["iso3"]):
        rows = present[present["iso3"] == iso3].sort_values(x)
        look = state_look(iso3)
        last = rows.iloc[-1]
        ends.append((float(last[y]), _ended(look["label"], last[x], latest, x),
                     look["color"], last[x]))
    return ends


def _ended(label: str, last, latest, x: str) -> str:
    if not (x == "year" and last < latest):
        return label
    if label.endswith(")"):  # a role already in brackets: "Uzbekistan (comparator, to 2023)"
        return f"{label[:-1]}, to {int(last)})"
    return f"{label} (to {int(last)})"


def spread_labels(wanted: Sequence[float], gap: float, low: float = 0.0,
                  high: float = 1.0) -> list[float]:
    """Positions for labels that want to sit at `wanted` (any order), each at least `gap`
    from the next and as near its wish as that allows: labels that would collide form a block
    centred on their wishes (blocks merge until none overlaps), then the blocks are pushed
    inside [low, high] where they fit. Returned in the order of `wanted`."""
    order = sorted(range(len(wanted)), key=lambda i: wanted[i])
    want = [float(wanted[i]) for i in order]
    blocks: list[list[int]] = []  # [first index into `want`, count]

    def centre(block):
        first, count = block
        return sum(want[first:first + count]) / count

    for i in range(len(want)):
        blocks.append([i, 1])
        while len(blocks) > 1:
            below, above = blocks[-2], blocks[-1]
            top_of_below = centre(below) + (below[1] - 1) * gap / 2
            bottom_of_above = centre(above) - (above[1] - 1) * gap / 2
            if bottom_of_above - top_of_below >= gap - 1e-12:
                break
            blocks[-2:] = [[below[0], below[1] + above[1]]]
    placed: list[float] = []
    for block in blocks:
        bottom = centre(block) - (block[1] - 1) * gap / 2
        placed += [bottom + k * gap for k in range(block[1])]
    for k in range(len(placed)):  # up from the floor, then down from the ceiling
        placed[k] = max(placed[k], low if k == 0 else placed[k - 1] + gap)
    for k in reversed(range(len(placed))):
        placed[k] = min(placed[k], high if k == len(placed) - 1 else placed[k + 1] - gap)
    out = [0.0] * len(placed)
    for rank, i in enumerate(order):
        out[i] = placed[rank]
    return out


END_LABEL_PT = 7.5


class _EndLabels(Artist):
    """Keeps a panel's line-end labels apart. It places them when the figure is drawn, after
    the layout has given the axes their final size (a gap computed before would be too small
    once constrained layout shrinks the axes), and is drawn before them (lowest zorder). It
    draws nothing itself and takes no room in the layout."""

    def __init__(self, ax, labels: list, anchors: list[tuple[object, float]]):
        super().__init__()
        self.set_zorder(-1e9)
        self.set_in_layout(False)
        self._ax, self._labels, self._anchors = ax, labels, anchors

    def place(self, renderer=None) -> None:
        ax = self._ax
        to_axes = ax.transAxes.inverted()
        wanted = [float(to_axes.transform(ax.transData.transform((float(x), v)))[1])
                  for x, v in self._anchors]
        height_px = max(ax.bbox.height, 1.0)
        if renderer is not None:
            label_px = max(t.get_window_extent(renderer).height for t in self._labels)
        else:
            label_px = END_LABEL_PT * 1.25 * ax.figure.dpi / 72
        gap = label_px * 1.05 / height_px
        for label, pos in zip(self._labels, spread_labels(wanted, gap, -0.03, 1.03),
                              strict=True):
            label.xy = (1.0, pos)

    def draw(self, renderer):
        self.place(renderer)
        self.stale = False

    def get_tightbbox(self, renderer=None):
        return None


def _label_colour(colour: str) -> str:
    """A line's colour for its label, but a light grey reads badly as text: dark grey then."""
    r, g, b = to_rgb(colour)
    return MUTED if r == g == b and r > 0.5 else colour


def _label_ends(ax, ends: list[tuple[float, str, str, object]], *,
                autoscale: bool = True) -> None:
    """Names at the right end of lines, spread apart so they never overlap (placed again when
    the figure is drawn, at its final size). The y limits are frozen first (after fitting
    them to the data, unless `autoscale` is False) so the labels stay beside their lines."""
    if autoscale:
        ax.relim()
        ax.autoscale_view()
    ax.set_ylim(ax.get_ylim())
    labels = [ax.annotate(label, xy=(1.0, 0.5), xycoords="axes fraction", xytext=(4, 0),
                          textcoords="offset points", va="center", ha="left",
                          fontsize=END_LABEL_PT,
                          color=_label_colour(colour),
                          annotation_clip=False)
              for _value, label, colour, _x in ends]
    placer = _EndLabels(ax, labels, [(x, value) for value, _l, _c, x in ends])
    placer.place()
    ax.add_artist(placer)


def country_look(iso3: str, name: str | None = None, index: int = 0) -> dict:
    """A catalogue state's look, or for any other country a grey with its own line style and
    marker (by `index`), labelled with `name`."""
    if iso3 in catalogue.state_codes():
        return state_look(iso3)
    styles = ["--", "-.", ":", (0, (5, 1, 1, 1))]
    markers = [".", "x", "+", "1"]
    greys = ["#555555", "#888888", "#333333", "#AAAAAA"]
    return {"color": greys[index % 4], "marker": markers[index % 4],
            "linestyle": styles[index % 4], "hatch": _HATCHES[(index + 3) % len(_HATCHES)],
            "label": name or iso3}


def lines_from_wide(ax, wide: pd.DataFrame, looks: dict[str, dict], *,
                    label_ends: bool = True) -> None:
    """One line per column of a year-indexed table, each with the look given for it."""
    ends = []
    integer_years(ax)
    for col in wide.columns:
        series = wide[col].dropna()
        if series.empty:
            continue
        gapped = break_gaps(series.rename("value").rename_axis("year").reset_index(), "value")
        series = gapped.set_index("year")["value"]
        look = looks[col]
        for year, value in series.items():
            record_point(ax, value, col, year)
        ax.plot(series.index, series.to_numpy(), color=look["color"],
                marker=look.get("marker"),
                markevery=None if series.isna().any() else max(len(series) // 6, 1),
                linestyle=look.get("linestyle", "-"), label=look.get("label", col))
        ends.append((float(series.iloc[-1]), look.get("label", col), look["color"],
                     series.index[-1]))
    latest = max((x for _v, _l, _c, x in ends), default=None)
    ends = [(v, _ended(label, x, latest, "year"), colour, x) for v, label, colour, x in ends]
    if label_ends and ends:
        _label_ends(ax, ends)


def state_bars(ax, values: pd.Series, *, horizontal: bool = True, value_format=fmt.compact,
               sort: bool = True, reference: pd.Series | None = None,
               reference_label: str | None = None, hollow: Iterable[str] = (),
               log: bool = False) -> None:
    """One bar per state (index = ISO3), coloured and hatched like the state, labelled with its
    name and value. `reference` (same index) adds a hollow marker per state, e.g. 2015; the
    value label then goes after whichever is further out, the bar's end or the marker, so the
    two never overlap. States in `hollow` (low-reliability values, flag U) are drawn as
    outlines, set apart after the ranked bars and labelled "few cases": they take no place in
    the ranking.

    A bar's length must read on a linear scale: with `log=True` (or on an axis already set to
    a log scale) each state gets a dot in its colour and marker instead of a bar, on a log
    value axis, its value label just past the dot."""
    values = values.dropna()
    hollow = [c for c in values.index if c in set(hollow)]
    ranked = values.drop(index=hollow)
    if sort:
        ranked = ranked.sort_values(ascending=horizontal)
    apart = values[hollow]
    # Horizontal bars are drawn bottom-up: the set-apart bars go below the ranking.
    values = pd.concat([apart, ranked]) if horizontal else pd.concat([ranked, apart])
    names = [state_look(c)["label"] + (" (few cases)" if c in hollow else "")
             for c in values.index]
    positions = np.arange(len(values))
    colours = [state_look(c)["color"] for c in values.index]
    hatches = [state_look(c)["hatch"] for c in values.index]
    for code, value in values.items():
        record_point(ax, value, code)
    value_axis = ax.xaxis if horizontal else ax.yaxis
    dots = log or value_axis.get_scale() in ("log", "symlog")
    if dots:
        _state_dots(ax, values, positions, hollow, horizontal)
    else:
        draw = ax.barh if horizontal else ax.bar
        bars = draw(positions, values.to_numpy(), color=colours, edgecolor="#333333",
                    linewidth=0.5)
        for bar, hatch, code, colour in zip(bars, hatches, values.index, colours, strict=True):
            bar.set_hatch(hatch)
            if code in hollow:
                bar.set_facecolor("white")
                bar.set_edgecolor(colour)
                bar.set_linewidth(1.2)
                bar.set_hatch("")
    if horizontal:
        ax.set_yticks(positions, names)
        ax.grid(axis="x")
        ax.grid(axis="y", visible=False)
    else:
        ax.set_xticks(positions, names, rotation=30, ha="right")
    ref = reference.reindex(values.index) if reference is not None else None
    placed = []
    for pos, v, at, r in zip(positions, values.to_numpy(), _label_positions(values, ref),
                             ref.to_numpy(dtype=float) if ref is not None
                             else np.full(len(values), np.nan), strict=True):
        label = value_format(v)
        # With markers, room for half a marker: one just inside the bar's end sticks out.
        gap = 3 if ref is None and not dots else 7
        if horizontal:
            text = ax.annotate(label, (at, pos), xytext=(gap if v >= 0 else -gap, 0),
                               textcoords="offset points", va="center",
                               ha="left" if v >= 0 else "right", fontsize=7.5)
        else:
            text = ax.annotate(label, (pos, at), xytext=(0, gap - 1),
                               textcoords="offset points", ha="center", va="bottom",
                               fontsize=7.5)
        if not np.isnan(r) and at != r:
            placed.append((text, (r, pos) if horizontal else (pos, r)))
    if placed:
        ax.add_artist(_ClearOfMarkers(placed))
    if ref is not None:
        for code, value in ref.items():
            record_point(ax, value, code)
        xy = (ref.to_numpy(), positions) if horizontal else (positions, ref.to_numpy())
        ax.plot(*xy, linestyle="none", marker="D", markerfacecolor="white",
                markeredgecolor="#000000", markersize=5, label=reference_label)
        if reference_label:
            ax.legend(loc="best")  # clear of the bars, markers and value labels
    if horizontal:  # room for the value labels (on a log axis, in decades: shared axes agree)
        ax.margins(x=0.15)
    elif dots:
        ax.margins(y=0.15)


class _ClearOfMarkers(Artist):
    """Moves a bar's value label past its reference marker when, drawn at the figure's final
    size, the label would touch the marker (the marker's half-width of 5 pt plus 1 pt):
    the label is then anchored at the marker, as `_label_positions` does for a marker just
    beyond the bar. Draws nothing itself; drawn before the labels."""

    def __init__(self, labels: list):
        super().__init__()
        self.set_zorder(-1e9)
        self.set_in_layout(False)
        self._labels = [(text, text.xy, marker) for text, marker in labels]

    def draw(self, renderer):
        for text, home, marker in self._labels:
            text.xy = home
            box = text.get_window_extent(renderer)
            mx, my = text.axes.transData.transform(marker)
            half = (5 / 2 + 1) * renderer.points_to_pixels(1)
            if (box.x0 - half < mx < box.x1 + half) and (box.y0 - half < my < box.y1 + half):
                text.xy = marker
        self.stale = False

    def get_tightbbox(self, renderer=None):
        return None


def _state_dots(ax, values: pd.Series, positions, hollow, horizontal: bool) -> None:
    """`state_bars` on a log scale: one dot per state (its colour and marker, hollow for
    few-case values) on a faint guide line, and a log value axis."""
    (ax.set_xscale if horizontal else ax.set_yscale)("log")
    # Half a row of room above and below, as bars have: no dot sits on the axis line.
    (ax.set_ylim if horizontal else ax.set_xlim)(-0.6, len(values) - 0.4)
    for pos, (code, v) in zip(positions, values.items(), strict=True):
        look = state_look(code)
        guide = ax.axhline if horizontal else ax.axvline
        guide(pos, color="#DDDDDD", linewidth=0.6, zorder=0)
        xy = (v, pos) if horizontal else (pos, v)
        ax.plot(*xy, linestyle="none", marker=look["marker"], markersize=7,
                color=look["color"], markeredgecolor=look["color"],
                markerfacecolor="white" if code in hollow else look["color"], zorder=3)


# A value label's width, as a share of the axis' largest extent (7.5 pt text, a few glyphs).
LABEL_ROOM = 0.15


def _label_positions(values: pd.Series, reference: pd.Series | None = None) -> list[float]:
    """Where each bar's value label is anchored: the bar's end, or the reference marker when
    that lies just beyond it, where the label would cover it (within LABEL_ROOM of the axis'
    largest extent, further right for a positive bar, further left for a negative one). A
    marker far beyond the bar leaves the label at the bar, so the label stays with its bar."""
    if reference is None:
        return [float(v) for v in values]
    ref = reference.reindex(values.index).to_numpy(dtype=float)
    extent = np.nanmax(np.abs(np.concatenate([values.to_numpy(dtype=float), ref])))
    room = LABEL_ROOM * extent
    out = []
    for v, r in zip(values.to_numpy(dtype=float), ref, strict=True):
        beyond = (r - v) if v >= 0 else (v - r)
        out.append(float(r) if not np.isnan(r) and 0 < beyond <= room else float(v))
    return out


def dumbbell(ax, start: pd.Series, end: pd.Series, *, start_label: str, end_label: str,
             log: bool = False, broken: Iterable[str] = ()) -> None:
    """Per state: a hollow marker at `start` joined to a filled marker at `end`. For states in
    `broken` (a series break between the two) the two are not joined and the label says so."""
    broken = set(broken)
    codes = [c for c in in_catalogue_order(set(start.dropna().index) | set(end.dropna().index))]
    codes = list(reversed(codes))
    for pos, iso3 in enumerate(codes):
        look = state_look(iso3)
        a, b = start.get(iso3, np.nan), end.get(iso3, np.nan)
        record_point(ax, a, iso3)
        record_point(ax, b, iso3)
        if pd.notna(a) and pd.notna(b) and iso3 not in broken:
            ax.plot([a, b], [pos, pos], color=look["color"], linewidth=1.5)
        if pd.notna(a):
            ax.plot(a, pos, marker=look["marker"], markerfacecolor="white",
                    color=look["color"], linestyle="none")
        if pd.notna(b):
            ax.plot(b, pos, marker=look["marker"], color=look["color"], linestyle="none")
    ax.set_yticks(range(len(codes)), [state_look(c)["label"] + (" (break)" if c in broken else "")
                                      for c in codes])
    ax.grid(axis="x")
    ax.grid(axis="y", visible=False)
    if log:
        ax.set_xscale("symlog", linthresh=1)
    ax.plot([], [], marker="o", markerfacecolor="white", color="#333333", linestyle="none",
            label=start_label)
    ax.plot([], [], marker="o", color="#333333", linestyle="none", label=end_label)


def stacked_bars(ax, table: pd.DataFrame, *, looks: dict[str, dict] | None = None,
                 horizontal: bool = False, percent: bool = False) -> None:
    """Bars stacked by column (states or categories), index along the axis. Each segment gets
    its colour and hatch, so stacks read in greyscale."""
    looks = looks or {c: state_look(c) for c in table.columns}
    base = np.zeros(len(table))
    positions = np.arange(len(table))
    for col in table.columns:
        for at, value in table[col].items():
            record_point(ax, value, col, at)
        vals = table[col].fillna(0).to_numpy(dtype=float)
        look = looks[col]
        kw = {"color": look["color"], "hatch": look.get("hatch", ""), "edgecolor": "#333333",
              "linewidth": 0.4, "label": look.get("label", col)}
        if horizontal:
            ax.barh(positions, vals, left=base, **kw)
        else:
            ax.bar(positions, vals, bottom=base, **kw)
        base += vals
    labels = [str(i) for i in table.index]
    if horizontal:
        ax.set_yticks(positions, labels)
    else:
        ax.set_xticks(positions, labels)
    if percent:
        format_axis(ax, "x" if horizontal else "y", percent=True)


def category_looks(categories: Sequence[str]) -> dict[str, dict]:
    """Looks for non-state categories (routes, causes, solution types): Okabe-Ito colours with
    hatches, in the order given."""
    palette = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442",
               "#999999", "#000000"]
    return {c: {"color": palette[i % len(palette)], "hatch": _HATCHES[(i + 1) % len(_HATCHES)],
                "label": c} for i, c in enumerate(categories)}


def mark_years(ax, years: dict[int, str]) -> None:
    """Dashed vertical lines with short labels (the meeting, a shock, a break). A line in the
    right fifth gets its label on its left, clear of the line-end labels; a label that would
    run into another one goes a row lower."""
    ax.relim()
    ax.autoscale_view(scaley=False)
    left, right = ax.get_xlim()
    span = right - left if right > left else 1.0
    # A label's width as a share of the axes (7 pt text; the layout may still narrow the axes).
    width_pt = max(ax.get_window_extent().width * 72 / ax.figure.dpi, 1.0)
    rows: list[list[tuple[float, float]]] = []
    for year in sorted(years):
        ax.axvline(year, color="#555555", linestyle="--", linewidth=0.8, zorder=0)
        at = (year - left) / span
        on_left = at > 0.8
        wide = (len(years[year]) * 7 * 0.6 + 6) / width_pt * 1.2
        extent = (at - wide, at) if on_left else (at, at + wide)
        row = next((i for i, taken in enumerate(rows)
                    if all(extent[1] <= a or extent[0] >= b for a, b in taken)), len(rows))
        if row == len(rows):
            rows.append([])
        rows[row].append(extent)
        ax.annotate(years[year], (year, 1.0), xycoords=("data", "axes fraction"),
                    xytext=(-2 if on_left else 2, -2 - 10 * row), textcoords="offset points",
                    va="top", ha="right" if on_left else "left", fontsize=7, color="#444444",
                    bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5, "alpha": 0.8},
                    zorder=4)


def integer_years(ax, axis: str = "x") -> None:
    (ax.xaxis if axis == "x" else ax.yaxis).set_major_locator(
        MaxNLocator(nbins=6, integer=True, steps=[1, 2, 5, 10]))


def legend_below(ax, ncol: int = 4) -> None:
    handles, labels = ax.get_legend_handles_labels()
    if handles:
        ax.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=ncol)


# ---------------------------------------------------------------------------
# Saving
# ---------------------------------------------------------------------------


def check_formats(formats: Iterable[str]) -> list[str]:
    chosen = list(formats)
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown or not chosen:
        raise AnalysisError(f"figure formats {chosen!r}: choose from {', '.join(FORMATS)}")
    return chosen


def chart_defects(chart: Chart, max_lines: int = MAX_LINES, *, draw: bool = True) -> list[str]:
    """What keeps a chart from going into a slide as it is, per panel: bars on a log scale,
    more than `max_lines` labelled lines, overlapping line-end labels (only with `draw`: that
    check draws the figure). An empty list: none found."""
    found = []
    renderer = None
    for n, ax in enumerate(chart.fig.axes, start=1):
        if not ax.get_visible() or not ax.axison:
            continue
        for container in ax.containers:
            if isinstance(container, BarContainer):
                scale = (ax.get_yscale() if container.orientation == "vertical"
                         else ax.get_xscale())
                if scale != "linear":
                    found.append(f"panel {n}: bars on a {scale} scale")
                    break
        lines = [ln for ln in ax.get_lines() if not ln.get_label().startswith("_")
                 and len(ln.get_xdata()) > 1]
        if len(lines) > max_lines:
            found.append(f"panel {n}: {len(lines)} lines (more than {max_lines})")
        placers = [a for a in ax.artists if isinstance(a, _EndLabels)]
        if placers and draw:
            if renderer is None:
                chart.fig.canvas.draw()
                renderer = chart.fig.canvas.get_renderer()
            boxes = sorted((t.get_window_extent(renderer) for p in placers for t in p._labels),
                           key=lambda b: b.y0)
            if any(b.y0 < a.y1 - 0.5 and a.x0 < b.x1 and b.x0 < a.x1
                   for a, b in zip(boxes, boxes[1:], strict=False)):
                found.append(f"panel {n}: line-end labels overlap")
    return found


def save(chart: Chart, folder: Path, name: str, formats: Iterable[str] = FORMATS) -> dict:
    """Write `folder/name.<format>` for each format, each written whole then renamed; return
    {format: path}. The same chart always yields the same bytes.

    The constrained layout is solved while the first format is written and then kept for the
    others: every format shows the same layout, and it is not solved again per format (which
    was a third of a notebook's run time). Change the chart before saving it, not after."""
    if not _NAME.match(name):
        raise AnalysisError(f"figure name {name!r}: use lower-case letters, digits and _")
    log_bars = [d for d in chart_defects(chart, draw=False) if "bars on a" in d]
    if log_bars:
        raise AnalysisError(f"figure {name}: {log_bars[0]}; bar lengths need a linear scale "
                            "(state_bars(..., log=True) draws dots)")
    _wrap_long_names(chart.fig)
    finish_footer(chart)
    written = {}
    for format_ in check_formats(formats):
        target = Path(folder) / f"{name}.{format_}"
        with atomic.atomic_path(target) as tmp:
            chart.fig.savefig(tmp, format=format_, dpi=PNG_DPI,
                              metadata=_METADATA[format_])
        written[format_] = target
        if isinstance(chart.fig.get_layout_engine(), ConstrainedLayoutEngine):
            chart.fig.set_layout_engine("none")  # keeps the axes where the layout put them
            # matplotlib still draws a figure once without output before saving it while it has
            # any layout engine, even the "none" placeholder; with none at all it draws each
            # later format once (issue 22). The layout is done, so nothing else changes.
            chart.fig._layout_engine = None
    return written


# The longest UN names ("United Kingdom of Great Britain and Northern Ireland") would squeeze a
# panel beside them: as a tick label, legend entry or label on the chart they take two lines.
NAME_CHARS = 32


def _two_lines(name: str) -> str:
    """A name broken at the space that makes its two lines most even."""
    spaces = [i for i, ch in enumerate(name) if ch == " "]
    cut = min(spaces, key=lambda i: max(i, len(name) - i - 1))
    return f"{name[:cut]}\n{name[cut + 1:]}"


_LONG_NAMES = {n: _two_lines(n) for n in catalogue.UN_NAMES.values() if len(n) > NAME_CHARS}


def _wrapped_names(text: str) -> str:
    for name, wrapped in _LONG_NAMES.items():
        text = text.replace(name, wrapped)
    return text


def _wrap_tick_names(axis) -> None:
    """Tick labels through the axis's own formatter, long names wrapped (the labels' font
    settings stay: only the formatter changes)."""
    formatter = axis.get_major_formatter()
    labels = [str(t) for t in formatter.format_ticks(axis.get_ticklocs())]
    if any(_wrapped_names(t) != t for t in labels):
        axis.set_major_formatter(FuncFormatter(
            lambda x, pos: _wrapped_names(str(formatter(x, pos)))))


def _wrap_long_names(fig) -> None:
    """Break each long UN name in the figure's tick labels, legends and labels (not titles,
    which wrap to the figure's width) onto two lines."""
    texts = [t for legend in fig.legends for t in legend.get_texts()]
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            _wrap_tick_names(axis)
        legend = ax.get_legend()
        texts += [*ax.texts, *(legend.get_texts() if legend else [])]
    for text in texts:
        text.set_text(_wrapped_names(text.get_text()))


def panel_title(ax, text: str, chars: int = 50) -> None:
    """A small multiple's title, wrapped to fit half a figure's width."""
    lines = []
    for part in text.split("\n"):
        lines += textwrap.wrap(part, chars) or [""]
    ax.set_title("\n".join(lines), fontsize=8.5)
