"""The page checker, in a real headless Chromium, on pages made here."""

from __future__ import annotations

import base64

import pytest

from analysis import pagecheck

# A 1x1 PNG.
PIXEL = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")


@pytest.fixture(scope="module")
def chromium():
    return pagecheck.find_chromium()  # missing chromium is an error here, not a skip


def _page(tmp_path, body: str):
    (tmp_path / "figures").mkdir()
    (tmp_path / "figures" / "ok.png").write_bytes(PIXEL)
    (tmp_path / "notebook.ipynb").write_text("{}")
    page = tmp_path / "index.html"
    page.write_text(f"<!doctype html><html><head><meta charset='utf-8'><title>t</title></head>"
                    f"<body>{body}</body></html>", encoding="utf-8")
    return page


def test_clean_page_passes_and_is_photographed(tmp_path, chromium):
    page = _page(tmp_path, "<img src='figures/ok.png' alt='x'><a href='notebook.ipynb'>nb</a>"
                           "<a href='https://example.org/licence'>licence</a><a href='#top'>t</a>")
    shot = tmp_path / "shot.png"
    assert pagecheck.check_page(page, shot) == []
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_broken_image_link_and_console_error_are_reported(tmp_path, chromium):
    page = _page(tmp_path, "<img src='figures/missing.png' alt='x'>"
                           "<a href='notebooks/gone.ipynb'>nb</a>"
                           "<a href='/etc/passwd'>abs</a>"
                           "<script>console.error('boom')</script>")
    problems = pagecheck.check_page(page)
    text = "\n".join(problems)
    assert "broken image 'figures/missing.png'" in text
    assert "broken link 'notebooks/gone.ipynb'" in text
    assert "link '/etc/passwd' is not relative" in text
    assert "console error: boom" in text


def test_cli_exit_codes(tmp_path, chromium, capsys):
    good = _page(tmp_path, "<p>fine</p>")
    assert pagecheck.main([str(good)]) == 0
    assert pagecheck.main([str(tmp_path / "nope.html")]) == 1
    assert "page not found" in capsys.readouterr().err


def test_follow_checks_the_reports_pages_the_page_links_to(tmp_path, chromium):
    """--follow: a broken chart on a theme page is found from the main page; without it, the
    main page alone is checked."""
    page = _page(tmp_path, "<a href='themes/t/index.html#chart'>theme</a>"
                           "<a href='themes/t/index.html'>again</a>")
    theme = tmp_path / "themes" / "t" / "index.html"
    theme.parent.mkdir(parents=True)
    theme.write_text("<!doctype html><html><head><meta charset='utf-8'><title>t</title></head>"
                     "<body><img src='../../figures/gone.png' alt='x'>"
                     "<img src='../../figures/ok.png' alt='y'>"
                     "<a href='../../index.html'>back</a></body></html>", encoding="utf-8")
    assert pagecheck.check_page(page) == []
    problems = pagecheck.check_page(page, follow=True)
    assert "themes/t/index.html: broken image '../../figures/gone.png'" in problems
    # Only the missing image (also seen as a failed load): the image and the link back are fine.
    assert all(p.startswith("themes/t/index.html: ") for p in problems)
    assert all("gone.png" in p or "ERR_FILE_NOT_FOUND" in p for p in problems)
    assert pagecheck.main([str(page), "--follow"]) == 1
