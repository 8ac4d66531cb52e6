"""reports/briefing.pdf: every theme figure, one per page, with its caption and source.

A cover page lists the themes and their status; a theme that failed gets a page saying so.
Figures are placed from their PDF export (vector: sharp at any zoom, and nothing to decode or
compress again), else from their PNG export (as it is, not resampled); a figure exported in
neither gets a page naming its files instead. Page text is drawn with matplotlib's PdfPages,
without dates, like the figures; pypdf places the PDF exports on their pages.

Each theme's pages are kept in `<out>/.briefing/<theme>.pdf`, with the digest of what they show
(the theme's summary entry, its PNG files and this code): a report in which one theme changed
draws only that theme's pages again, and the report runner draws a theme's pages as soon as its
notebook has finished, while the others still run. The cover and the kept pages are put
together with pypdf.
"""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.backends.backend_pdf import PdfPages
from PIL import Image

from analysis import atomic, pdfpages, plotting

TITLE = "Almaty Process 2015: the evidence by theme"
_METADATA = pdfpages.metadata(TITLE)
PAGES_FOLDER = ".briefing"
_CODE = ("briefing.py", "pdfpages.py", "house.mplstyle", "plotting.py")
_text_block = pdfpages.text_block


def _cover(pdf, summary: dict) -> None:
    fig = plt.figure(figsize=pdfpages.PAGE)
    y = _text_block(fig, 0.93, "Almaty Process 2015: the evidence by theme", 20, 40,
                    fontweight="bold")
    y = _text_block(fig, y, f"Report generated {summary['generated_at']}.", 10, 90,
                    color="#444444")
    for theme in summary["themes"]:
        paras = ", ".join(str(p) for p in theme["paragraphs"])
        figs = len(theme["charts"])
        y = _text_block(fig, y - 0.01, f"{theme['title']} (remarks {paras}): {theme['status']}, "
                        f"{figs} figure(s)", 10.5, 85)
    y = _text_block(fig, y - 0.03, "Sources", 12, 80, fontweight="bold")
    for entry in summary["data_vintage"].values():
        y = _text_block(fig, y, f"{entry.get('citation') or entry.get('provider')} "
                        f"({plotting.vintage_phrase(entry)})", 8.5, 110, color="#333333")
    pdf.savefig(fig)
    plt.close(fig)


def _box(y: float, width: float, height: float) -> tuple[float, float, float, float]:
    """Where a figure goes below height y: as wide as the text unless that makes it too tall."""
    return pdfpages.fit_box(y, width, height, max_height=y - 0.30)


def _figure_page(pdf, out: Path, theme: dict, chart: dict):
    """Draw a figure's page; return (PDF export, box) when the export is to be placed in the
    box afterwards, else None."""
    fig = plt.figure(figsize=pdfpages.PAGE)
    y = _text_block(fig, 0.96, theme["title"], 9, 100, color="#555555")
    vector, png = chart["files"].get("pdf"), chart["files"].get("png")
    placed = None
    if vector and (out / vector).is_file():
        placed = (out / vector, _box(y, *pdfpages.export_size(out / vector)))
        y = placed[1][1] - 0.02
    elif png and (out / png).is_file():
        with Image.open(out / png) as file:
            image = np.asarray(file.convert("RGB"))  # 8-bit, opaque: embedded as it is
        height, width = image.shape[:2]
        box = _box(y, width, height)
        ax = fig.add_axes(box)
        ax.imshow(image, interpolation="none")  # not resampled: the PDF gets the PNG's pixels
        ax.set_axis_off()
        y = box[1] - 0.02
    else:
        files = ", ".join(chart["files"].values())
        y = _text_block(fig, y - 0.02, f"{chart['title']}\n(no PDF or PNG export in this "
                        f"report; files: {files})", 12, 80)
    y = _text_block(fig, y, chart["caption"], 11, 85)
    _text_block(fig, y - 0.01, chart["source"], 8, 120, color="#444444")
    pdf.savefig(fig)
    plt.close(fig)
    return placed


def _failed_page(pdf, theme: dict) -> None:
    fig = plt.figure(figsize=pdfpages.PAGE)
    y = _text_block(fig, 0.93, theme["title"], 16, 50, fontweight="bold")
    _text_block(fig, y, f"This theme's notebook failed: {theme['error']}", 11, 85,
                color="#992222")
    pdf.savefig(fig)
    plt.close(fig)


def _digest(theme: dict, out: Path) -> str:
    """What a theme's pages show: its entry (without timings), its figure files, this code."""
    shown = {k: v for k, v in theme.items() if k not in ("duration_s", "up_to_date")}
    files = [out / chart["files"][fmt_] for chart in theme["charts"]
             for fmt_ in ("pdf", "png") if chart["files"].get(fmt_)]
    return pdfpages.digest(shown, files, _CODE)


def theme_pages(theme: dict, out: Path) -> Path | None:
    """The PDF pages of one theme's summary entry (a failure page, then a page per figure),
    drawn unless kept from an earlier report; None if the theme has no page."""
    if theme["status"] != "failed" and not theme["charts"]:
        return None
    target = out / PAGES_FOLDER / f"{theme['id']}.pdf"
    key = target.with_suffix(".sha256")
    digest = _digest(theme, out)
    if target.is_file() and key.is_file() and key.read_text(encoding="utf-8") == digest:
        return target
    plotting.use_style()
    drawn = io.BytesIO()
    placements = {}  # page number: [(PDF export, box)]
    with PdfPages(drawn, metadata=_METADATA) as pdf:
        if theme["status"] == "failed":
            _failed_page(pdf, theme)
        for chart in theme["charts"]:
            placed = _figure_page(pdf, out, theme, chart)
            if placed:
                placements[pdf.get_pagecount() - 1] = [placed]
    with atomic.atomic_path(target) as tmp:
        if placements:
            pdfpages.place(drawn, placements, tmp)
        else:
            tmp.write_bytes(drawn.getvalue())
    atomic.write_text(key, digest)
    return target


def write(summary: dict, out: Path, target: Path) -> None:
    from pypdf import PdfWriter

    plotting.use_style()
    cover = io.BytesIO()
    with PdfPages(cover, metadata=_METADATA) as pdf:
        _cover(pdf, summary)
    writer = PdfWriter()
    writer.append(cover)
    for theme in summary["themes"]:
        pages = theme_pages(theme, out)
        if pages is not None:
            writer.append(pages)
    writer.add_metadata({"/Title": TITLE})
    with atomic.atomic_path(target) as tmp:
        writer.write(tmp)
