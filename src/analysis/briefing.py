"""reports/briefing.pdf: every theme figure, one per page, with its caption and source.

A cover page lists the themes and their status; a theme that failed gets a page saying so.
Figures are placed from their PNG export; a figure exported without PNG gets a page naming its
files instead. Written with matplotlib's PdfPages and without dates, like the figures.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import matplotlib.image as mpimg
import matplotlib.pyplot as plt
from matplotlib.backends.backend_pdf import PdfPages

from analysis import atomic, plotting

PAGE = (8.27, 11.69)  # A4 portrait, inches
_METADATA = {"Title": "Almaty Process 2015: the evidence by theme", "CreationDate": None,
             "ModDate": None, "Creator": None, "Producer": None}


def _text_block(fig, y: float, text: str, size: float, width: int, **kw) -> float:
    """Write wrapped text from height y (figure fraction) down; return the y below it."""
    lines = []
    for para in text.split("\n"):
        lines += textwrap.wrap(para, width) or [""]
    fig.text(0.07, y, "\n".join(lines), fontsize=size, va="top", ha="left", **kw)
    return y - len(lines) * size * 1.45 / 72 / PAGE[1] - 0.01


def _cover(pdf, summary: dict) -> None:
    fig = plt.figure(figsize=PAGE)
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


def _figure_page(pdf, out: Path, theme: dict, chart: dict) -> None:
    fig = plt.figure(figsize=PAGE)
    y = _text_block(fig, 0.96, theme["title"], 9, 100, color="#555555")
    png = chart["files"].get("png")
    if png and (out / png).is_file():
        image = mpimg.imread(out / png)
        height, width = image.shape[:2]
        box_w = 0.86
        box_h = min(box_w * PAGE[0] / PAGE[1] * height / width, y - 0.30)
        box_w = box_h * PAGE[1] / PAGE[0] * width / height
        ax = fig.add_axes((0.07, y - box_h - 0.01, box_w, box_h))
        ax.imshow(image, interpolation="lanczos")
        ax.set_axis_off()
        y = y - box_h - 0.03
    else:
        files = ", ".join(chart["files"].values())
        y = _text_block(fig, y - 0.02, f"{chart['title']}\n(no PNG export in this report; "
                        f"files: {files})", 12, 80)
    y = _text_block(fig, y, chart["caption"], 11, 85)
    _text_block(fig, y - 0.01, chart["source"], 8, 120, color="#444444")
    pdf.savefig(fig)
    plt.close(fig)


def _failed_page(pdf, theme: dict) -> None:
    fig = plt.figure(figsize=PAGE)
    y = _text_block(fig, 0.93, theme["title"], 16, 50, fontweight="bold")
    _text_block(fig, y, f"This theme's notebook failed: {theme['error']}", 11, 85,
                color="#992222")
    pdf.savefig(fig)
    plt.close(fig)


def write(summary: dict, out: Path, target: Path) -> None:
    plotting.use_style()
    with atomic.atomic_path(target) as tmp, PdfPages(tmp, metadata=_METADATA) as pdf:
        _cover(pdf, summary)
        for theme in summary["themes"]:
            if theme["status"] == "failed":
                _failed_page(pdf, theme)
            for chart in theme["charts"]:
                _figure_page(pdf, out, theme, chart)
