"""Open the briefing page in a real headless Chromium and report what a reader would hit:
broken images, links to files that are not there, console errors, failed loads.

    python -m analysis.pagecheck reports/index.html --screenshot reports/page.png --follow

`--follow` checks the report's pages the page links to as well (the theme pages, the country
annex), so a broken chart on a theme page is found from the main page.

Uses Debian's Chromium (`/usr/bin/chromium`, or CHROMIUM=path) driven by Playwright; the
browser is started with its networking features off, since the page must work offline.
Exit 0 when the page is clean, 1 with one line per problem otherwise.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

from analysis.errors import AnalysisError

CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]

_BROKEN_IMAGES_JS = """() => Array.from(document.images)
    .filter(img => !img.complete || img.naturalWidth === 0)
    .map(img => img.getAttribute('src'))"""
_LINKS_JS = """() => Array.from(document.querySelectorAll('a[href]'))
    .map(a => a.getAttribute('href'))"""


def find_chromium() -> str:
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which(
        "chromium-browser")
    if not path:
        raise AnalysisError("chromium not found: install Debian's `chromium` (make check-page "
                            "does it) or set CHROMIUM=/path/to/chromium")
    return path


def _missing_local_targets(page_file: Path, hrefs: list[str]) -> list[str]:
    """Relative links must point at files that exist beside the page (it is mailed as a zip)."""
    problems = []
    for href in hrefs:
        parts = urlsplit(href)
        if parts.scheme in ("http", "https", "mailto") or href.startswith("#"):
            continue
        if parts.scheme or href.startswith("/"):
            problems.append(f"link {href!r} is not relative: the page must work from a zip")
            continue
        target = (page_file.parent / unquote(parts.path)).resolve()
        if not target.exists():
            problems.append(f"broken link {href!r}: {target} does not exist")
    return problems


def _linked_pages(page_file: Path, hrefs: list[str]) -> list[Path]:
    """The report's own HTML pages that `page_file` links to (theme and country pages), each
    once, in link order."""
    pages: list[Path] = []
    for href in hrefs:
        parts = urlsplit(href)
        if parts.scheme or href.startswith(("#", "/")) or not parts.path.endswith(".html"):
            continue
        target = (page_file.parent / unquote(parts.path)).resolve()
        if target.is_file() and target != page_file and target not in pages:
            pages.append(target)
    return pages


def _check_one(browser, page_file: Path, screenshot: Path | None, width: int
               ) -> tuple[list[str], list[str]]:
    """Problems on one page, and the links it has."""
    problems: list[str] = []
    page = browser.new_page(viewport={"width": width, "height": 900})
    try:
        page.on("console", lambda msg: problems.append(f"console {msg.type}: {msg.text}")
                if msg.type == "error" else None)
        page.on("pageerror", lambda exc: problems.append(f"script error: {exc}"))
        page.on("requestfailed", lambda req: problems.append(
            f"failed to load {req.url}: {req.failure}"))
        page.goto(page_file.as_uri(), wait_until="load")
        problems += [f"broken image {src!r}" for src in page.evaluate(_BROKEN_IMAGES_JS)]
        hrefs = page.evaluate(_LINKS_JS)
        problems += _missing_local_targets(page_file, hrefs)
        if screenshot is not None:
            Path(screenshot).parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(screenshot), full_page=True)
    finally:
        page.close()
    return problems, hrefs


def check_page(page_file: Path, screenshot: Path | None = None,
               width: int = 1280, follow: bool = False) -> list[str]:
    """Problems found on the page, one string each; an empty list means clean. `follow`: also
    check every page of the report it links to (the theme pages, the country pages), whose
    problems are prefixed with that page's path relative to the first one's folder."""
    from playwright.sync_api import sync_playwright

    page_file = Path(page_file).resolve()
    if not page_file.is_file():
        raise AnalysisError(f"{page_file}: page not found; run `make report` first")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_FLAGS)
        try:
            problems, hrefs = _check_one(browser, page_file, screenshot, width)
            for linked in _linked_pages(page_file, hrefs) if follow else []:
                where = linked.relative_to(page_file.parent).as_posix()
                found, _ = _check_one(browser, linked, None, width)
                problems += [f"{where}: {problem}" for problem in found]
        finally:
            browser.close()
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis.pagecheck",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("page", type=Path, help="the HTML page, e.g. reports/index.html")
    parser.add_argument("--screenshot", type=Path, help="save a full-page PNG here")
    parser.add_argument("--follow", action="store_true",
                        help="also check the report's pages it links to (themes, countries)")
    args = parser.parse_args(argv)
    try:
        problems = check_page(args.page, args.screenshot, follow=args.follow)
    except AnalysisError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for problem in problems:
        print(f"{args.page}: {problem}", file=sys.stderr)
    status = "clean" if not problems else f"{len(problems)} problem(s)"
    print(f"check-page {args.page}: {status}"
          + (f"; screenshot {args.screenshot}" if args.screenshot else ""))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
