"""Helpers shared by the PDF documents (briefing.pdf, the country notes): A4 pages drawn with
matplotlib's PdfPages without dates, wrapped text, and the charts' own PDF exports placed on
those pages as vector with pypdf (sharp at any zoom, nothing decoded or compressed again)."""

from __future__ import annotations

import io
import textwrap
from pathlib import Path

PAGE = (8.27, 11.69)  # A4 portrait, inches
LEFT = 0.07  # left margin, page fraction


def metadata(title: str) -> dict:
    """PdfPages metadata without dates or tool names: the same inputs give the same bytes."""
    return {"Title": title, "CreationDate": None, "ModDate": None, "Creator": None,
            "Producer": None}


def wrap(text: str, width: int) -> list[str]:
    """Lines of at most `width` characters, keeping the text's own line breaks."""
    lines = []
    for para in text.split("\n"):
        lines += textwrap.wrap(para, width) or [""]
    return lines


def line_height(size: float) -> float:
    """The height of one line of text at `size` points, as a page fraction."""
    return size * 1.45 / 72 / PAGE[1]


def text_height(text: str, size: float, width: int) -> float:
    """How far `text_block` moves down for this text."""
    return len(wrap(text, width)) * line_height(size) + 0.01


def text_block(fig, y: float, text: str, size: float, width: int, x: float = LEFT,
               **kw) -> float:
    """Write wrapped text from height y (figure fraction) down; return the y below it."""
    lines = wrap(text, width)
    fig.text(x, y, "\n".join(lines), fontsize=size, va="top", ha="left", **kw)
    return y - len(lines) * line_height(size) - 0.01


def export_size(export: Path) -> tuple[float, float]:
    """Width and height (points) of a chart's PDF export's first page."""
    from pypdf import PdfReader

    box = PdfReader(export).pages[0].mediabox
    return float(box.width), float(box.height)


def fit_box(y: float, width: float, height: float, max_height: float,
            max_width: float = 0.86) -> tuple[float, float, float, float]:
    """Where a figure of the given size goes below height y: (left, bottom, width, height) as
    page fractions, as wide as `max_width` unless that makes it taller than `max_height`."""
    box_h = min(max_width * PAGE[0] / PAGE[1] * height / width, max_height)
    box_w = box_h * PAGE[1] / PAGE[0] * width / height
    return LEFT, y - box_h - 0.01, box_w, box_h


def place(drawn: io.BytesIO, placements: dict[int, list], target: Path) -> None:
    """Put PDF exports onto the drawn pages, each scaled into its box: `placements` maps a
    page number to [(export, (left, bottom, width, height)), ...]."""
    from pypdf import PdfReader, PdfWriter, Transformation

    writer = PdfWriter(clone_from=PdfReader(drawn))
    for number, items in placements.items():
        page = writer.pages[number]
        page_w, page_h = float(page.mediabox.width), float(page.mediabox.height)
        for export, (left, bottom, width, _height) in items:
            chart = PdfReader(export).pages[0]
            scale = width * page_w / float(chart.mediabox.width)
            page.merge_transformed_page(
                chart, Transformation().scale(scale).translate(left * page_w, bottom * page_h))
    writer.write(target)
