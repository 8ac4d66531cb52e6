"""Helpers shared by the PDF documents (briefing.pdf, the country notes): A4 pages drawn with
matplotlib's PdfPages without dates, wrapped text, and the charts' own PDF exports placed on
those pages as vector with pypdf (sharp at any zoom, nothing decoded or compressed again)."""

from __future__ import annotations

import hashlib
import io
import textwrap
from collections.abc import Iterable
from pathlib import Path

from analysis import fingerprint
from analysis.errors import AnalysisError

PAGE = (8.27, 11.69)  # A4 portrait, inches
LEFT = 0.07  # left margin, page fraction


# The libraries whose releases can change a drawn document: matplotlib draws its pages,
# fontTools cuts their fonts, pypdf places the charts on them.
DRAWING_LIBRARIES = ("matplotlib", "fonttools", "pypdf")


def digest(shown: object, files: Iterable[Path], code: Iterable[str]) -> str:
    """The digest of a document drawn from `shown` (JSON-able), the `files` it places (absent
    ones count as absent), the package `code` that draws it (file names in the package) and
    the drawing libraries' versions: the same digest, the same document, so a kept one is not
    drawn again."""
    h = hashlib.sha256(fingerprint.canonical(shown).encode("utf-8"))
    for path in files:
        h.update(path.read_bytes() if path.is_file() else b"\0absent\0")
    for name in code:
        h.update((fingerprint.PACKAGE / name).read_bytes())
    h.update(fingerprint.canonical(fingerprint.library_versions(DRAWING_LIBRARIES)).encode())
    return h.hexdigest()


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
    page number to [(export, (left, bottom, width, height)), ...].

    Each export's page becomes a form XObject, drawn where it goes with one `cm ... Do`: the
    charts' content streams are copied, never parsed (pypdf's merge_transformed_page parsed
    and rewrote every operator of each chart: two thirds of the time the briefing pages and
    country notes took, issue 22)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(drawn))
    for number, items in placements.items():
        page = writer.pages[number]
        page_w, page_h = float(page.mediabox.width), float(page.mediabox.height)
        draw = []
        for index, (export, (left, bottom, width, _height)) in enumerate(items):
            chart = PdfReader(export).pages[0]
            name = f"/Chart{number}_{index}"
            _add_xobject(writer, page, name, _form(writer, chart, export))
            scale = width * page_w / float(chart.mediabox.width)
            x, y = left * page_w, bottom * page_h
            # The form's own origin is the chart's lower left corner (its media box's).
            x -= scale * float(chart.mediabox.left)
            y -= scale * float(chart.mediabox.bottom)
            draw.append(f"q {scale:.6f} 0 0 {scale:.6f} {x:.4f} {y:.4f} cm {name} Do Q")
        _append_content(writer, page, "\n".join(draw).encode("ascii"))
    writer.write(target)


def _form(writer, chart, export):
    """A chart's page as a form XObject in `writer`: its content, resources and media box."""
    from pypdf.generic import ArrayObject, DecodedStreamObject, FloatObject, NameObject

    resources = chart.get("/Resources")
    if resources is None:
        raise AnalysisError(f"{export}: its page has no /Resources; export the chart again")
    contents = chart.get("/Contents")
    streams = contents.get_object() if contents is not None else []
    if not isinstance(streams, list):
        streams = [streams]
    form = DecodedStreamObject()
    form.set_data(b"\n".join(s.get_object().get_data() for s in streams))
    box = chart.mediabox
    form.update({
        NameObject("/Type"): NameObject("/XObject"),
        NameObject("/Subtype"): NameObject("/Form"),
        NameObject("/BBox"): ArrayObject(FloatObject(v) for v in
                                         (box.left, box.bottom, box.right, box.top)),
        NameObject("/Resources"): resources.get_object().clone(writer),
    })
    return writer._add_object(form.flate_encode())


def _add_xobject(writer, page, name: str, reference) -> None:
    """Name `reference` in this page's resources. matplotlib's pages share one resource
    dictionary: the page gets its own copy first, so that each names its own charts."""
    from pypdf.generic import DictionaryObject, NameObject

    shared = page.get("/Resources")
    resources = DictionaryObject(shared.get_object() if shared is not None else {})
    xobjects = resources.get("/XObject")
    xobjects = DictionaryObject(xobjects.get_object() if xobjects is not None else {})
    xobjects[NameObject(name)] = reference
    resources[NameObject("/XObject")] = xobjects
    page[NameObject("/Resources")] = resources


def _append_content(writer, page, data: bytes) -> None:
    """Draw `data` after what the page draws already, in the page's initial graphics state
    (what the page drew is wrapped in q ... Q, as pypdf's merge does)."""
    from pypdf.generic import ArrayObject, DecodedStreamObject, NameObject

    def stream(content: bytes):
        made = DecodedStreamObject()
        made.set_data(content)
        return writer._add_object(made.flate_encode() if len(content) > 64 else made)

    contents = page.get("/Contents")
    existing = contents.get_object() if contents is not None else []
    parts = list(existing) if isinstance(existing, list) else [contents]
    page[NameObject("/Contents")] = ArrayObject([stream(b"q\n"), *parts,
                                                 stream(b"Q\n" + data)])
