"""reports/briefing.pptx: the slides staff carry into a meeting (issue 19, item 3).

A title slide (the states chosen, the date, each source's age), the key messages (the summary's
`summary.key_messages`, each with how sure it is; its source in the speaker notes), then one
slide per main chart of each theme (catalogue.Theme.main_charts): the chart's title, its PNG
scaled to fit without distortion, its source line on the slide, and its caption and caveats in
the speaker notes. A theme that failed, or a main chart without a PNG, gets a slide saying so.

Slide titles sit in the layouts' title placeholders, so outline views and screen readers find
them. The file is the same bytes for the same summary and PNGs: python-pptx stamps the
document and each zip member with the time of writing, so both are set to the summary's
`generated_at` instead.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

from PIL import Image
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import PP_ALIGN
from pptx.util import Emu, Inches, Pt

from analysis import atomic, catalogue, htmlpage

TITLE = "Almaty Process 2015: the evidence by theme"
WIDTH, HEIGHT = Emu(12192000), Emu(6858000)  # 16:9, PowerPoint's widescreen (13.33 x 7.5 in)
MARGIN = Inches(0.5)
TITLE_TOP, TITLE_HEIGHT = Inches(0.3), Inches(1.0)
MESSAGES_PER_SLIDE = 6
MESSAGE_CHARS_PER_SLIDE = 1100  # long sentences: fewer per slide, so 18 pt still fits
NO_MESSAGES = "No key messages were chosen for this report."
ERROR_CHARS = 400  # the error's first lines; the theme's log has the rest
MUTED = RGBColor(0x55, 0x55, 0x55)
WARNING = RGBColor(0x99, 0x22, 0x22)
# The default template's layouts.
_TITLE_LAYOUT, _CONTENT_LAYOUT, _TITLE_ONLY_LAYOUT = 0, 1, 5


# ---------------------------------------------------------------------------
# Text helpers
# ---------------------------------------------------------------------------


def _place(shape, left, top, width, height) -> None:
    shape.left, shape.top, shape.width, shape.height = (Emu(int(v)) for v in
                                                        (left, top, width, height))


def _title(slide, text: str, size: float = 28, top=TITLE_TOP, height=TITLE_HEIGHT,
           align=PP_ALIGN.LEFT) -> None:
    """The slide's title placeholder, moved to the 16:9 slide's width, holding `text`."""
    shape = slide.shapes.title
    _place(shape, MARGIN, top, WIDTH - 2 * MARGIN, height)
    shape.text_frame.word_wrap = True
    shape.text_frame.text = text
    para = shape.text_frame.paragraphs[0]
    para.font.size = Pt(size)
    para.font.bold = True
    para.alignment = align


def _textbox(slide, left, top, width, height, text: str, size: float,
             color: RGBColor | None = None, italic: bool = False):
    box = slide.shapes.add_textbox(Emu(int(left)), Emu(int(top)), Emu(int(width)),
                                   Emu(int(height)))
    frame = box.text_frame
    frame.word_wrap = True
    for i, line in enumerate(text.split("\n")):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        run = para.add_run()
        run.text = line
        run.font.size = Pt(size)
        run.font.italic = italic
        if color is not None:
            run.font.color.rgb = color
    return box


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _notes(slide, text: str) -> None:
    slide.notes_slide.notes_text_frame.text = text


def _lines(text: str, width, size: float) -> int:
    """About how many lines `text` takes in a box `width` wide at `size` points (an average
    glyph is about half an em wide)."""
    per_line = max(int(width / Pt(size) / 0.5), 1)
    return sum(max(-(-len(part) // per_line), 1) for part in text.split("\n"))


# ---------------------------------------------------------------------------
# What the slides say
# ---------------------------------------------------------------------------


def states_chosen(summary: dict) -> str:
    """The states the report covers, by role (every state in the catalogue unless the report
    was narrowed with --states)."""
    chosen = set((summary.get("options") or {}).get("states") or catalogue.state_codes())
    by_role: dict[str, list[str]] = {}
    for iso3 in (code for code in catalogue.state_codes() if code in chosen):
        state = catalogue.state(iso3)
        by_role.setdefault(state.role, []).append(state.name)
    plural = {catalogue.PARTICIPATING: "Participating states", catalogue.OBSERVER: "Observers",
              catalogue.COMPARATOR: "Comparators"}
    return "\n".join(f"{plural[role]}: {', '.join(by_role[role])}"
                     for role in catalogue.ROLES if role in by_role)


def _first_phrase(title: str) -> str:
    """A source file's short name: its title up to the first comma, colon or bracket."""
    for stop in (",", ":", "("):
        title = title.split(stop)[0]
    return title.strip()


def source_ages(summary: dict) -> list[tuple[str, str, str]]:
    """(source, released, data to) for each provider in the data vintage, and for each raw
    file with a release of its own; a date the manifest lacks reads "not recorded"."""
    rows = []
    for entry in summary["data_vintage"].values():
        rows.append((entry.get("provider") or "?", str(entry.get("last_updated")
                                                        or "not recorded"),
                     str(entry.get("latest_year_present") or "not recorded")))
        for file in (entry.get("files") or {}).values():
            published = file.get("date_published")
            if isinstance(published, dict):
                published = ", ".join(sorted(set(published.values())))
            name = f"{entry.get('provider')}: {_first_phrase(file.get('title') or '?')}"
            rows.append((name, str(published or "not recorded"),
                         str(file.get("latest_year") or "not recorded")))
    return rows


def certainty(message: dict) -> str:
    """How sure a key message is, in words: its own `certainty`, else its flag's meaning."""
    if message.get("certainty"):
        return str(message["certainty"])
    flag = message.get("flag") or ""
    return catalogue.FLAG_MEANINGS.get(flag, "as reported by the source")


def message_pages(messages: list[dict]) -> list[list[dict]]:
    """The key messages split over slides: at most MESSAGES_PER_SLIDE, and no more text on a
    slide than fits at the deck's size."""
    pages: list[list[dict]] = []
    chars = 0
    for message in messages:
        size = len(message["text"]) + len(certainty(message)) + 3
        if not pages or len(pages[-1]) == MESSAGES_PER_SLIDE or chars + size > \
                MESSAGE_CHARS_PER_SLIDE:
            pages.append([])
            chars = 0
        pages[-1].append(message)
        chars += size
    return pages


def chart_notes(chart: dict) -> str:
    parts = [chart["caption"]]
    if chart.get("caveats"):
        parts.append(f"Caveats: {chart['caveats']}")
    parts.append(htmlpage.source_line(chart))
    return "\n\n".join(parts)


# ---------------------------------------------------------------------------
# Slides
# ---------------------------------------------------------------------------


def _title_slide(prs, summary: dict) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[_TITLE_LAYOUT])
    _title(slide, TITLE, size=32, top=Inches(0.4), height=Inches(0.9), align=PP_ALIGN.CENTER)
    subtitle = slide.placeholders[1]
    _place(subtitle, MARGIN, Inches(1.3), WIDTH - 2 * MARGIN, Inches(1.5))
    frame = subtitle.text_frame
    frame.word_wrap = True
    lines = [f"Report generated {summary['generated_at'][:10]}", *states_chosen(summary)
             .split("\n")]
    for i, line in enumerate(lines):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        para.text = line
        para.font.size = Pt(15 if i == 0 else 13)
        para.font.color.rgb = MUTED
    rows = source_ages(summary)
    top = Inches(3.0)
    row_h = min(Inches(0.3), int((HEIGHT - top - Inches(0.3)) / (len(rows) + 1)))
    table = slide.shapes.add_table(len(rows) + 1, 3, MARGIN, top, WIDTH - 2 * MARGIN,
                                   row_h * (len(rows) + 1)).table
    table.columns[0].width = Inches(7.5)
    table.columns[1].width = Inches(2.8)
    table.columns[2].width = WIDTH - 2 * MARGIN - Inches(10.3)
    for r, row in enumerate([("Source", "Released", "Data to"), *rows]):
        table.rows[r].height = row_h
        for c, text in enumerate(row):
            cell = table.cell(r, c)
            cell.text = text
            cell.margin_top = cell.margin_bottom = Inches(0.02)
            for para in cell.text_frame.paragraphs:
                para.font.size = Pt(11)
                para.font.bold = r == 0
    _notes(slide, "Each source's age: the producer's release date and the latest year of data "
                  "the report holds. Every number in the key messages and the chart captions is "
                  "recorded as a claim in summary.json and recomputed from the processed tables "
                  "by tests/claimcheck.py.")


def _messages_slides(prs, summary: dict) -> None:
    block = summary.get("summary") or {}
    messages = block.get("key_messages") or []
    if not messages:
        slide = prs.slides.add_slide(prs.slide_layouts[_TITLE_ONLY_LAYOUT])
        _title(slide, "Key messages")
        _textbox(slide, MARGIN, Inches(1.6), WIDTH - 2 * MARGIN, Inches(1), NO_MESSAGES, 20)
        _notes(slide, NO_MESSAGES)
        return
    pages = message_pages(messages)
    for number, page in enumerate(pages, start=1):
        slide = prs.slides.add_slide(prs.slide_layouts[_CONTENT_LAYOUT])
        _title(slide, "Key messages" + (f" ({number} of {len(pages)})" if len(pages) > 1
                                        else ""))
        body = slide.placeholders[1]
        _place(body, MARGIN, Inches(1.4), WIDTH - 2 * MARGIN, HEIGHT - Inches(1.8))
        frame = body.text_frame
        frame.word_wrap = True
        for i, message in enumerate(page):
            para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
            para.space_after = Pt(8)
            text = para.add_run()
            text.text = message["text"] + " "
            text.font.size = Pt(18)
            sure = para.add_run()
            sure.text = f"— {certainty(message)}"  # a dash: flag meanings hold brackets
            sure.font.size = Pt(14)
            sure.font.italic = True
            sure.font.color.rgb = MUTED
        _notes(slide, "\n\n".join(
            f"{i}. {m['text']}\nSource: {m.get('source') or 'not recorded'}"
            + (f"\nEvidence: {m['evidence']}" if m.get("evidence") else "")
            for i, m in enumerate(page, start=1)))
    if block.get("rule"):
        notes = slide.notes_slide.notes_text_frame
        notes.text = notes.text + f"\n\nHow these messages were chosen: {block['rule']}"


def _failed_slide(prs, theme: dict) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[_TITLE_ONLY_LAYOUT])
    _title(slide, theme["title"])
    kept = any(chart.get("main") for chart in theme["charts"])
    text = ("This theme's notebook failed: "
            + ("the charts it made before failing follow, and may be incomplete."
               if kept else "its charts are not in this deck.")
            + f"\nError: {_shorten(theme.get('error') or 'none recorded', ERROR_CHARS)}")
    _textbox(slide, MARGIN, Inches(1.6), WIDTH - 2 * MARGIN, Inches(3), text, 18,
             color=WARNING)
    _notes(slide, text)


def _chart_slide(prs, out: Path, theme: dict, chart: dict) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[_TITLE_ONLY_LAYOUT])
    _textbox(slide, MARGIN, Inches(0.15), WIDTH - 2 * MARGIN, Inches(0.35), theme["title"], 12,
             color=MUTED)
    _title(slide, chart["title"], size=22, top=Inches(0.45), height=Inches(0.9))
    source = htmlpage.source_line(chart)
    source_h = Pt(10) * 1.25 * _lines(source, WIDTH - 2 * MARGIN, 10) + Inches(0.15)
    source_top = HEIGHT - Inches(0.2) - source_h
    _textbox(slide, MARGIN, source_top, WIDTH - 2 * MARGIN, source_h, source, 10, color=MUTED)
    png = chart["files"].get("png")
    box_top, box_h = Inches(1.4), source_top - Inches(1.5)
    if png and (out / png).is_file():
        with Image.open(out / png) as image:
            px_w, px_h = image.size
        scale = min((WIDTH - 2 * MARGIN) / px_w, box_h / px_h)  # one scale: no distortion
        width, height = int(px_w * scale), int(px_h * scale)
        slide.shapes.add_picture(str(out / png), Emu(int((WIDTH - width) / 2)),
                                 Emu(int(box_top)), Emu(width), Emu(height))
    else:
        files = ", ".join(chart["files"].values()) or "none"
        _textbox(slide, MARGIN, box_top, WIDTH - 2 * MARGIN, Inches(1.5),
                 f"No PNG export of this chart in this report (files: {files}).\n"
                 f"{chart['caption']}", 18, color=WARNING)
    _notes(slide, chart_notes(chart))


# ---------------------------------------------------------------------------
# The deck
# ---------------------------------------------------------------------------


def _when(summary: dict) -> dt.datetime:
    return dt.datetime.strptime(summary["generated_at"], "%Y-%m-%dT%H:%M:%SZ")


def build(summary: dict, out: Path):
    """The presentation for a summary whose files lie under `out`."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = WIDTH, HEIGHT
    _title_slide(prs, summary)
    _messages_slides(prs, summary)
    for theme in summary["themes"]:
        if theme["status"] == "failed":
            _failed_slide(prs, theme)
        for chart in theme["charts"]:
            if chart.get("main"):
                _chart_slide(prs, out, theme, chart)
    props = prs.core_properties
    props.title, props.author, props.last_modified_by = TITLE, "", ""
    props.revision = 1
    props.created = props.modified = _when(summary)
    return prs


def _fixed_zip(data: bytes, when: dt.datetime) -> bytes:
    """The same zip with every member stamped `when` (python-pptx stamps the time of
    writing), so an unchanged deck is an unchanged file."""
    stamp = (max(when.year, 1980), when.month, when.day, when.hour, when.minute, when.second)
    fixed = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=stamp)
            member.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(member, source.read(info.filename))
    return fixed.getvalue()


def write(summary: dict, out: Path, target: Path) -> None:
    """Write the deck for `summary` (its chart files relative to `out`) to `target`."""
    drawn = io.BytesIO()
    build(summary, out).save(drawn)
    atomic.write_bytes(target, _fixed_zip(drawn.getvalue(), _when(summary)))
