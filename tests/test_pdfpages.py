"""Charts' PDF exports placed on drawn pages (briefing pages, country notes) as form XObjects:
each page shows its own charts where their boxes are, as vector, with their text."""

from __future__ import annotations

import io
import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.backends.backend_pdf import PdfPages  # noqa: E402
from pypdf import PdfReader  # noqa: E402

from analysis import pdfpages  # noqa: E402


def _chart(path, title: str, hatch: str = "//"):
    fig, ax = plt.subplots(figsize=(6, 3))
    ax.bar(["a", "b"], [3, 5], hatch=hatch)
    ax.set_title(title)
    fig.savefig(path, format="pdf")
    plt.close(fig)
    return path


def _pages(*texts: str) -> io.BytesIO:
    drawn = io.BytesIO()
    with PdfPages(drawn) as pdf:
        for text in texts:
            fig = plt.figure(figsize=pdfpages.PAGE)
            fig.text(0.1, 0.95, text)
            pdf.savefig(fig)
            plt.close(fig)
    drawn.seek(0)
    return drawn


def _words(page) -> str:
    return re.sub(r"\s+", " ", page.extract_text())


def test_each_page_shows_its_own_charts(tmp_path):
    first = _chart(tmp_path / "first.pdf", "Remittances first chart")
    second = _chart(tmp_path / "second.pdf", "Refugees second chart", hatch="xx")
    third = _chart(tmp_path / "third.pdf", "Costs third chart", hatch="..")
    target = tmp_path / "placed.pdf"
    pdfpages.place(_pages("Page one text", "Page two text", "Page three text"),
                   {0: [(first, (0.1, 0.5, 0.8, 0.3))],
                    2: [(second, (0.1, 0.6, 0.8, 0.3)), (third, (0.1, 0.2, 0.8, 0.3))]},
                   target)
    pages = PdfReader(target).pages
    one, two, three = (_words(p) for p in pages)
    assert "Page one text" in one and "Remittances first chart" in one
    assert "chart" not in two and "Page two text" in two
    assert "Refugees second chart" in three and "Costs third chart" in three
    assert "Remittances" not in three
    raw = target.read_bytes()
    assert b"/Subtype /Image" not in raw and b"/Subtype/Image" not in raw  # vector
    # Each chart is drawn where its box is: scaled to the box's width, at its lower left.
    xobjects = pages[2]["/Resources"]["/XObject"]
    assert {"/Chart2_0", "/Chart2_1"} <= set(xobjects)
    content = pages[2].get_contents().get_data().decode("latin-1")
    page_w, page_h = (float(v) for v in pages[2].mediabox[2:])
    scale = 0.8 * page_w / (6 * 72)
    assert f"q {scale:.6f} 0 0 {scale:.6f} {0.1 * page_w:.4f} {0.2 * page_h:.4f} cm " \
           "/Chart2_1 Do Q" in content


def test_a_page_keeps_what_it_drew_around_the_charts(tmp_path):
    chart = _chart(tmp_path / "c.pdf", "Chart title")
    target = tmp_path / "placed.pdf"
    pdfpages.place(_pages("Text above the chart"), {0: [(chart, (0.1, 0.4, 0.5, 0.3))]}, target)
    content = PdfReader(target).pages[0].get_contents().get_data()
    # The page's own drawing, wrapped in q ... Q, comes before the chart is drawn.
    assert content.lstrip().startswith(b"q")
    assert content.index(b"Q\nq ") < content.index(b"Do Q")


def test_a_documents_digest_changes_with_what_it_shows_places_and_is_drawn_with(tmp_path,
                                                                                monkeypatch):
    chart = tmp_path / "chart.pdf"
    chart.write_bytes(b"%PDF one")
    code = ["pdfpages.py"]
    first = pdfpages.digest({"name": "Kyrgyzstan"}, [chart], code)
    assert pdfpages.digest({"name": "Kyrgyzstan"}, [chart], code) == first
    assert pdfpages.digest({"name": "Tajikistan"}, [chart], code) != first
    assert pdfpages.digest({"name": "Kyrgyzstan"}, [chart], code + ["fmt.py"]) != first
    chart.write_bytes(b"%PDF two")
    assert pdfpages.digest({"name": "Kyrgyzstan"}, [chart], code) != first
    chart.write_bytes(b"")
    empty = pdfpages.digest({"name": "Kyrgyzstan"}, [chart], code)
    chart.unlink()
    assert pdfpages.digest({"name": "Kyrgyzstan"}, [chart], code) != empty  # absent != empty
    chart.write_bytes(b"%PDF one")
    monkeypatch.setattr(pdfpages.fingerprint, "library_versions",
                        lambda names: {"matplotlib": "9.9"})
    assert pdfpages.digest({"name": "Kyrgyzstan"}, [chart], code) != first  # a new release
