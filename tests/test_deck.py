"""reports/briefing.pptx (analysis.deck) on a self-made summary with self-made PNGs: a title
slide, the key messages, a slide per main chart with its picture undistorted and its source on
the slide, caption and caveats in the notes, a slide for a failed theme, the same bytes twice."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from PIL import Image  # noqa: E402
from pptx import Presentation  # noqa: E402
from pptx.enum.shapes import MSO_SHAPE_TYPE  # noqa: E402

from analysis import deck  # noqa: E402

GENERATED = "2026-03-05T10:20:30Z"


def _png(path: Path, size: tuple[float, float]) -> str:
    """A small real chart of the given size (inches) at 50 dpi."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fig, ax = plt.subplots(figsize=size)
    ax.plot([2015, 2020, 2024], [3, 5, 4])
    fig.savefig(path, dpi=50)
    plt.close(fig)
    return path.as_posix()


def _chart(out: Path, name: str, provider: str, *, main: bool, size=(8, 4.8),
           caveats: str | None = None, png: bool = True) -> dict:
    files = {"svg": f"figures/t/{name}.svg"}
    if png:
        _png(out / "figures" / "t" / f"{name}.png", size)
        files["png"] = f"figures/t/{name}.png"
    source = f"Source: {provider} (code.{name}), released 2025-01-27, data to 2024."
    return {"name": name, "title": f"Title of {name}", "subtitle": "people",
            "source": f"{source} {caveats}" if caveats else source,
            "caption": f"Caption of {name}: 12 people in 2024.", "alt": "Line chart",
            "files": files, "claims": [], "caveats": caveats, "main": main}


def _theme(id_: str, charts: list[dict], status: str = "ok", error: str | None = None) -> dict:
    return {"id": id_, "title": f"Theme {id_}", "paragraphs": [3], "summary": "",
            "status": status, "error": error, "charts": charts, "findings": [],
            "key_figures": []}


def _message(i: int, **kw) -> dict:
    return {"text": f"Message number {i} says 1.{i} million people moved in 2023.",
            "claims": [], "theme": "t1", "indicator": "population", "iso3": "KAZ",
            "year": 2023, "flag": "", "certainty": "", "source": f"Provider {i}, table {i}",
            "evidence": f"themes/t1/index.html#chart-{i}", **kw}


@pytest.fixture
def made(tmp_path) -> tuple[dict, Path]:
    """Three themes: one with a main and a secondary chart, one with a wide, a tall and a
    PNG-less main chart, one failed; eight key messages."""
    out = tmp_path / "reports"
    summary = {
        "generated_at": GENERATED,
        "options": {"states": ["TKM", "AZE", "UZB"]},
        "data_vintage": {
            "undesa": {"provider": "UN DESA Population Division", "last_updated": "2025-01-27",
                       "latest_year_present": 2024, "files": {}},
            "rpw": {"provider": "World Bank Remittance Prices Worldwide",
                    "last_updated": "2020-12-07", "latest_year_present": 2020},
        },
        "themes": [
            _theme("t1", [_chart(out, "first", "UN DESA Population Division", main=True,
                                 caveats="Projection (2024): WPP 2024 medium variant."),
                          _chart(out, "second", "UNHCR", main=False)]),
            _theme("t2", [_chart(out, "wide", "World Bank", main=True, size=(12, 3)),
                          _chart(out, "tall", "UNHCR", main=True, size=(4, 9)),
                          _chart(out, "svg_only", "IOM", main=True, png=False)]),
            _theme("t3", [], status="failed", error="ValueError: deliberately broken"),
        ],
        "summary": {"rule": "the largest and the most changed since 2015",
                    "key_messages": [_message(1, flag="E"), _message(2, certainty="projection"),
                                     *(_message(i) for i in range(3, 9))]},
    }
    return summary, out


def _write(summary: dict, out: Path) -> Presentation:
    target = out / "briefing.pptx"
    deck.write(summary, out, target)
    return Presentation(str(target))


def _title(slide) -> str:
    return slide.shapes.title.text_frame.text if slide.shapes.title is not None else ""


def _texts(slide) -> list[str]:
    return [s.text_frame.text for s in slide.shapes if s.has_text_frame]


def _pictures(slide) -> list:
    return [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]


def _notes(slide) -> str:
    return slide.notes_slide.notes_text_frame.text


def test_slides_in_order_title_messages_then_main_charts_and_the_failed_theme(made):
    summary, out = made
    prs = _write(summary, out)
    assert prs.slide_width * 9 == prs.slide_height * 16  # 16:9
    titles = [_title(s) for s in prs.slides]
    # 1 title + 2 key-message slides (8 messages, 6 a slide) + 4 main charts + 1 failed theme
    assert len(prs.slides) == 1 + 2 + 4 + 1
    assert titles == [deck.TITLE, "Key messages (1 of 2)", "Key messages (2 of 2)",
                      "Title of first", "Title of wide", "Title of tall", "Title of svg_only",
                      "Theme t3"]
    assert "Title of second" not in titles  # not a main chart


def test_title_slide_names_the_states_the_date_and_each_sources_age(made):
    summary, out = made
    first = _write(summary, out).slides[0]
    text = "\n".join(_texts(first))
    assert "Report generated 2026-03-05" in text
    assert "Participating states: Azerbaijan, Turkmenistan" in text
    assert "Comparators: Uzbekistan" in text and "Kazakhstan" not in text
    table = next(s.table for s in first.shapes if s.has_table)
    rows = [[table.cell(r, c).text for c in range(3)] for r in range(len(table.rows))]
    assert rows == [["Source", "Released", "Data to"],
                    ["UN DESA Population Division", "2025-01-27", "2024"],
                    ["World Bank Remittance Prices Worldwide", "2020-12-07", "2020"]]


def test_every_chart_slide_shows_its_picture_undistorted_and_names_its_source(made):
    summary, out = made
    prs = _write(summary, out)
    for slide, name, provider in zip(list(prs.slides)[3:6], ("first", "wide", "tall"),
                                     ("UN DESA Population Division", "World Bank", "UNHCR"),
                                     strict=True):
        (picture,) = _pictures(slide)
        with Image.open(out / "figures" / "t" / f"{name}.png") as png:
            px_w, px_h = png.size
        assert picture.width / picture.height == pytest.approx(px_w / px_h, rel=0.01)
        assert picture.left >= 0 and picture.left + picture.width <= prs.slide_width
        source_box = next(s for s in slide.shapes
                          if s.has_text_frame and s.text_frame.text.startswith("Source:"))
        assert source_box.text_frame.text.startswith(f"Source: {provider} (code.{name})")
        assert picture.top + picture.height <= source_box.top  # the chart leaves it visible
        assert f"Caption of {name}: 12 people in 2024." in _notes(slide)


def test_caveats_go_to_the_notes_not_the_source_line(made):
    summary, out = made
    slide = list(_write(summary, out).slides)[3]
    on_slide = "\n".join(_texts(slide))
    assert "Projection (2024)" not in on_slide
    assert "Source: UN DESA Population Division (code.first)" in on_slide
    assert "Caveats: Projection (2024): WPP 2024 medium variant." in _notes(slide)


def test_a_main_chart_without_png_and_a_failed_theme_get_a_slide_saying_so(made):
    summary, out = made
    slides = list(_write(summary, out).slides)
    svg_only, failed = slides[6], slides[7]
    assert _pictures(svg_only) == [] and _pictures(failed) == []
    assert "No PNG export of this chart" in "\n".join(_texts(svg_only))
    failed_text = "\n".join(_texts(failed))
    assert "notebook failed" in failed_text
    assert "ValueError: deliberately broken" in failed_text


def test_key_messages_are_bullets_with_their_certainty_and_sources_in_the_notes(made):
    summary, out = made
    slides = list(_write(summary, out).slides)
    body = slides[1].placeholders[1].text_frame
    paragraphs = [p.text for p in body.paragraphs]
    assert len(paragraphs) == 6
    assert paragraphs[0] == ("Message number 1 says 1.1 million people moved in 2023. "
                             "— estimated or modelled")  # flag E in words
    assert paragraphs[1].endswith("— projection")  # the message's own certainty
    assert paragraphs[2].endswith("— as reported by the source")
    assert "Source: Provider 1, table 1" in _notes(slides[1])
    assert "Source: Provider 8, table 8" in _notes(slides[2])
    assert "How these messages were chosen" in _notes(slides[2])


@pytest.mark.parametrize("block", [None, {}, {"rule": "r", "key_messages": []}])
def test_without_key_messages_one_slide_says_none_were_chosen(made, block):
    summary, out = made
    if block is None:
        del summary["summary"]
    else:
        summary["summary"] = block
    slides = list(_write(summary, out).slides)
    assert len(slides) == 1 + 1 + 4 + 1
    assert _title(slides[1]) == "Key messages"
    assert deck.NO_MESSAGES in _texts(slides[1])


def test_the_same_summary_gives_the_same_bytes_dated_by_the_summary(made, tmp_path):
    summary, out = made
    deck.write(summary, out, tmp_path / "a.pptx")
    deck.write(summary, out, tmp_path / "b.pptx")
    assert (tmp_path / "a.pptx").read_bytes() == (tmp_path / "b.pptx").read_bytes()
    props = Presentation(str(tmp_path / "a.pptx")).core_properties
    assert props.title == deck.TITLE
    assert props.created == props.modified == dt.datetime(2026, 3, 5, 10, 20, 30)
