"""reports/countries/<ISO3>/<ISO3>.pdf: a two-to-four-page A4 note per profiled state, for a
reader who carries one state's evidence into a meeting (issue 19, item 4).

Made from the country's summary entry and the data vintage, from files already rendered:
- page 1: the state's name and role at the 2015 meeting, its key figures as a table (value,
  unit, year, and the provider's flag in words), and the profile's findings;
- then its most telling charts (`chosen_charts`: the catalogue's COUNTRY_NOTE_CHARTS order,
  the first five drawn with data and with a number in the caption, shown in the profile's
  order), each the chart's own PDF export placed as vector (its title and full source line are
  part of it), with the caption and a short source line below;
- last: the sources the note draws on and their age (producer, dataset, released, data to),
  and where the full profile is.

A note has two to four pages. Blocks flow down the pages; a note that would run past four
pages draws its five charts smaller, then shows four. When everything fits on one page (a
profile that drew no chart: the note says so), the sources go on a second page of their own.
A failed profile gets a note too: page 1 says it failed, with the error, and the note shows
what the profile recorded before it.

Text is black or dark grey on white: nothing is told by colour alone, and the note reads the
same printed in greyscale (the charts mark their series by line style and marker too).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from analysis import atomic, catalogue, pdfpages
from analysis.htmlpage import _plain as plain_text
from analysis.htmlpage import format_value

MAX_CHARTS, MIN_CHARTS = 5, 4
MAX_PAGES = 4
TOP, BOTTOM = 0.95, 0.05  # page fractions
CHART_HEIGHTS = (0.34, 0.30, 0.26)  # the largest chart box, as a page fraction, tried in turn
SQUEEZE = 0.8  # a chart may shrink to this share of its size to fit a page's foot
INK, GREY = "#000000", "#333333"
BODY, SMALL = 9.5, 7.5  # points
_WIDE = {BODY: 105, SMALL: 140, 11.0: 90}  # characters per line of the page's text width


def note_path(out: Path, iso3: str) -> Path:
    return Path(out) / "countries" / iso3 / f"{iso3}.pdf"


def chosen_charts(country: dict) -> list[dict]:
    """The note's charts: of the catalogue's COUNTRY_NOTE_CHARTS, the first MAX_CHARTS that this
    profile drew with data rows and at least one claim, in the profile's own order."""
    eligible = {c["name"]: c for c in country["charts"]
                if c.get("data", {}).get("rows", 0) > 0 and c.get("claims")}
    picked = [name for name in catalogue.COUNTRY_NOTE_CHARTS if name in eligible][:MAX_CHARTS]
    return [c for c in country["charts"] if c["name"] in picked]


def _providers_of(ids) -> list[str]:
    """The provider ids behind catalogue series ids (indicators, corridor and record measures);
    a derived indicator's inputs are followed to theirs. Unknown ids are left out."""
    found: list[str] = []

    def add(id_: str) -> None:
        try:
            if id_ in {i.id for i in catalogue.INDICATORS}:
                ind = catalogue.indicator(id_)
                if ind.provider == "derived":
                    add(ind.numerator)
                    add(ind.denominator)
                    return
                provider = ind.provider
            elif id_ in {m.id for m in catalogue.CORRIDOR_MEASURES}:
                provider = catalogue.corridor_measure(id_).provider
            else:
                provider = catalogue.record_measure(id_).provider
        except KeyError:
            return
        if provider not in found:
            found.append(provider)

    for id_ in ids:
        add(id_)
    return found


def _chart_providers(chart: dict) -> list[str]:
    return _providers_of(d["id"] for d in chart.get("definitions", []))


def sources(country: dict, charts: list[dict], vintage: dict) -> list[dict]:
    """The vintage entries of the providers the note's key figures and charts draw on, in the
    vintage's order; every entry if none can be told."""
    ids = set(_providers_of(kf["indicator"] for kf in country["key_figures"]))
    for chart in charts:
        ids.update(_chart_providers(chart))
    used = [entry for key, entry in vintage.items() if key in ids]
    return used or list(vintage.values())


def age_phrase(entry: dict) -> str:
    """'released 2025-01-27, data to 2024': how old a source's data are."""
    bits = []
    if entry.get("last_updated"):
        bits.append(f"released {entry['last_updated']}")
    if entry.get("latest_year_present"):
        bits.append(f"data to {entry['latest_year_present']}")
    return ", ".join(bits) or "release and data years not recorded"


# One provider's part of a chart's source line (plotting.source_note): "Name (codes), released
# ..., data to YYYY, retrieved ..., licence." The chart's own "data to" is its series' latest year.
_SOURCE_PART = re.compile(r"(?:^Source: |\. )(?P<name>[^.()]+?) \((?P<codes>.*?)\), "
                          r"(?P<age>(?:released [^,]+, )?data to \d{4}|released [^,]+)")


def short_source(chart: dict) -> str:
    """'Source: UN DESA Population Division, released 2025-01-27, data to 2024.': the chart's
    own source line without its codes, access dates, licences and notes (the chart's footer
    keeps them); the whole line when it is not in that form."""
    parts = [f"{m['name']}, {m['age']}" for m in _SOURCE_PART.finditer(chart["source"])]
    return f"Source: {'; '.join(parts)}." if parts else chart["source"]


def key_figure_rows(country: dict) -> list[tuple[str, str, str, str, str]]:
    """(measure, value, unit, year, status in words) per key figure; status is blank for a
    value as published."""
    rows = []
    for kf in country["key_figures"]:
        label, _unit = catalogue.measure_label_unit(kf["indicator"])
        flag = kf.get("flag") or ""
        rows.append((label, format_value(kf["value"], kf["unit"]), kf["unit"], str(kf["year"]),
                     catalogue.FLAG_MEANINGS.get(flag, flag)))
    return rows


def findings(country: dict) -> list[str]:
    """The profile's finding sentences, markdown emphasis dropped; headings left out (the
    note has its own)."""
    return [plain_text(f["text"]) for f in country["findings"]
            if not f["text"].startswith("# ")]


# ---------------------------------------------------------------------------
# Layout: what goes where, page by page, before anything is drawn
# ---------------------------------------------------------------------------


@dataclass
class Page:
    texts: list[dict] = field(default_factory=list)  # fig.text calls: x, y, text, size, style
    rules: list[tuple[float, float, float]] = field(default_factory=list)  # x0, x1, y
    charts: list[tuple[Path, tuple[float, float, float, float]]] = field(default_factory=list)


class Layout:
    """Blocks flowed down A4 pages: a block that does not fit below the last starts a page."""

    def __init__(self) -> None:
        self.pages: list[Page] = [Page()]
        self.y = TOP

    def new_page(self) -> None:
        self.pages.append(Page())
        self.y = TOP

    def room(self, height: float) -> None:
        if self.y - height < BOTTOM and self.y < TOP:
            self.new_page()

    def text(self, text: str, size: float = BODY, x: float = pdfpages.LEFT, width: int = 0,
             gap: float = 0.0, **style) -> None:
        width = width or _WIDE.get(size, int(105 * BODY / size))
        if style.get("fontweight") == "bold":
            width = int(width * 0.9)  # bold letters are wider
        height = pdfpages.text_height(text, size, width)
        self.room(height + gap)
        self.y -= gap
        self.pages[-1].texts.append({"x": x, "y": self.y, "text": "\n".join(
            pdfpages.wrap(text, width)), "size": size, "style": {"color": INK, **style}})
        self.y -= height

    def table(self, header: tuple[str, ...], rows: list[tuple[str, ...]],
              columns: tuple[tuple[float, int], ...]) -> None:
        """Rows of wrapped cells; `columns` gives each column's x and width in characters."""
        line = pdfpages.line_height(BODY)

        def row(cells, style) -> None:
            wrapped = [pdfpages.wrap(cell, width)
                       for cell, (_x, width) in zip(cells, columns, strict=True)]
            height = max(len(w) for w in wrapped) * line + 0.006
            self.room(height)
            for lines, (x, _width) in zip(wrapped, columns, strict=True):
                self.pages[-1].texts.append({"x": x, "y": self.y - 0.003, "text": "\n".join(
                    lines), "size": BODY, "style": {"color": INK, **style}})
            self.y -= height
            self.pages[-1].rules.append((pdfpages.LEFT, 0.93, self.y))

        row(header, {"fontweight": "bold"})
        for cells in rows:
            row(cells, {})
        self.y -= 0.01

    def chart(self, export: Path, size: tuple[float, float], max_height: float,
              below: float) -> None:
        """A chart's export with `below` (the height of its caption and source) on the same
        page: smaller, down to SQUEEZE of its size, where that saves starting a page."""
        wanted = pdfpages.fit_box(self.y, *size, max_height=max_height)[3]
        room = self.y - BOTTOM - below - 0.03  # the gaps above and below the box
        if room < SQUEEZE * wanted:
            self.new_page()
            room = max_height
        box = pdfpages.fit_box(self.y, *size, max_height=min(max_height, room))
        self.pages[-1].charts.append((export, box))
        self.y = box[1] - 0.01


def _front(layout: Layout, country: dict) -> None:
    """Page 1: who the state is at the meeting, its key figures, the profile's findings."""
    layout.text("Almaty Process 2015: the evidence by theme. Country note", SMALL, color=GREY)
    layout.text(country["name"], 20, width=40, fontweight="bold")
    role = catalogue.ROLE_NAMES.get(country["role"], country["role"])
    layout.text(f"Role at the 2015 meeting: {role}.", 11.0)
    if country["status"] == "failed":
        layout.text(f"FAILED: this profile's notebook stopped with an error ({country['error']}). "
                    "This note shows only what the profile produced before it.", BODY, gap=0.005,
                    fontweight="bold")
    rows = key_figure_rows(country)
    layout.text("Key figures", 13, gap=0.015, fontweight="bold")
    if rows:
        layout.table(("Measure", "Value", "Unit", "Year", "Status of the value"), rows,
                     ((pdfpages.LEFT, 44), (0.47, 12), (0.58, 20), (0.76, 4), (0.82, 18)))
        layout.text("Status: the provider's flag on the value, in words; blank: the value as "
                    "published. Years differ where a source's latest data end earlier.", SMALL,
                    color=GREY)
    else:
        layout.text("The profile recorded no key figures for this state.")
    sentences = findings(country)
    layout.text("Findings", 13, gap=0.015, fontweight="bold")
    for sentence in sentences:
        layout.text(f"- {sentence}", gap=0.003)
    if not sentences:
        layout.text("The profile recorded no findings beyond its charts' captions.")


def _charts(layout: Layout, out: Path, charts: list[dict], max_height: float) -> None:
    """After the findings: each chart's export with its caption and short source line."""
    if not charts:
        layout.text("Charts", 13, gap=0.015, fontweight="bold")
        layout.text("This profile drew no chart with data and a stated number, so the note has "
                    "none; the full profile says what each source lacks for this state.")
    for chart in charts:
        caption, source = chart["caption"], short_source(chart)
        below = (pdfpages.text_height(caption, BODY, _WIDE[BODY])
                 + pdfpages.text_height(source, SMALL, _WIDE[SMALL]))
        export = out / chart["files"].get("pdf", "")
        layout.y -= 0.015
        if chart["files"].get("pdf") and export.is_file():
            layout.chart(export, pdfpages.export_size(export), max_height, below)
        else:  # no vector export in this report: name the chart and its files instead
            layout.text(f"{chart['title']} (no PDF export in this report; files: "
                        f"{', '.join(chart['files'].values())})", 11.0, fontweight="bold")
        layout.text(caption)
        layout.text(source, SMALL, color=GREY)


def _sources(layout: Layout, country: dict, charts: list[dict], vintage: dict) -> None:
    """Last: each source and its age, and where the full profile is."""
    layout.text("Sources and their age", 13, gap=0.02, fontweight="bold")
    layout.text("Each source's release and the latest year in any of its series here; each "
                "chart's source line gives the latest year of that chart's own series.", SMALL,
                color=GREY)
    for entry in sources(country, charts, vintage):
        dataset = entry.get("title") or entry.get("citation") or ""
        layout.text(f"{entry['provider']}: {dataset}; {age_phrase(entry)}.", gap=0.002)
    iso3 = country["iso3"]
    layout.text(f"The full profile, with every chart, its definitions and caveats and its data "
                f"as CSV: countries/{iso3}/index.html in the report folder. Every number and "
                "the claim behind it, machine-readable: summary.json.", gap=0.015)


def layout(vintage: dict, country: dict, out: Path) -> Layout:
    """The note's pages: five charts at the largest size that keeps it within four pages,
    else five smaller, else four; the sources on a page of their own when all else fits on
    one."""
    picked = chosen_charts(country)
    five, four = picked[:MAX_CHARTS], picked[:MIN_CHARTS]
    tries = [(five, CHART_HEIGHTS[0]), (five, CHART_HEIGHTS[1]), (four, CHART_HEIGHTS[0]),
             (four, CHART_HEIGHTS[1]), (five, CHART_HEIGHTS[2]), (four, CHART_HEIGHTS[2])]
    for charts, max_height in tries:
        pages = Layout()
        _front(pages, country)
        _charts(pages, out, charts, max_height)
        if len(pages.pages) == 1:
            pages.new_page()
        _sources(pages, country, charts, vintage)
        if len(pages.pages) <= MAX_PAGES:
            break
    return pages


# ---------------------------------------------------------------------------
# Drawing
# ---------------------------------------------------------------------------


def _draw(pages: Layout, title: str, target: Path) -> None:
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.lines import Line2D

    from analysis import plotting

    plotting.use_style()
    drawn = io.BytesIO()
    with PdfPages(drawn, metadata=pdfpages.metadata(title)) as pdf:
        for page in pages.pages:
            fig = plt.figure(figsize=pdfpages.PAGE)
            for t in page.texts:
                fig.text(t["x"], t["y"], t["text"], fontsize=t["size"], va="top", ha="left",
                         **t["style"])
            for x0, x1, y in page.rules:
                fig.add_artist(Line2D([x0, x1], [y, y], color=GREY, linewidth=0.5))
            pdf.savefig(fig)
            plt.close(fig)
    placements = {n: page.charts for n, page in enumerate(pages.pages) if page.charts}
    with atomic.atomic_path(target) as tmp:
        pdfpages.place(drawn, placements, tmp)


# Where each note's digest is kept: a note whose digest is unchanged is not drawn again.
DIGESTS_FOLDER = ".notes"
_CODE = ("countrynote.py", "pdfpages.py", "house.mplstyle", "htmlpage.py", "catalogue.py",
         "fmt.py", "plotting.py")


def _digest(country: dict, vintage: dict, out: Path) -> str:
    """What a note shows: the country's entry (without timings), the data vintage, the PDF
    exports of its charts, and the code that draws it."""
    shown = {k: v for k, v in country.items() if k not in ("duration_s", "up_to_date")}
    exports = [Path(out) / chart["files"]["pdf"] for chart in chosen_charts(country)
               if chart["files"].get("pdf")]
    return pdfpages.digest([shown, vintage], exports, _CODE)


def note(country: dict, vintage: dict, out: Path) -> Path:
    """Write one state's note, unless the one there was drawn from the same entry, vintage,
    charts and code (see `_digest`); return its path. The report draws each note as soon as
    its profile has run, while the other notebooks run."""
    out = Path(out)
    target = note_path(out, country["iso3"])
    key = out / DIGESTS_FOLDER / f"{country['iso3']}.sha256"
    digest = _digest(country, vintage, out)
    if target.is_file() and key.is_file() and key.read_text(encoding="utf-8") == digest:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    _draw(layout(vintage, country, out), f"{country['name']}: country note", target)
    atomic.write_text(key, digest)
    return target


def write_note(summary: dict, country: dict, out: Path) -> Path:
    """Write one state's note (unless unchanged); return its path."""
    return note(country, summary["data_vintage"], out)


def write(summary: dict, out: Path) -> list[Path]:
    """A note for every profiled state in the summary."""
    return [write_note(summary, country, out) for country in summary["countries"]]
