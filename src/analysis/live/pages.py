"""A download whose file name changes with each release (Frontex's monthly workbook, GLOTIP's
dated path, RPW's latest quarter): its setting may name the file itself or the provider's page
that links to it. An answer that is the file is used as it is; a page (HTML, or a JSON listing
such as the World Bank data catalog's) is searched for links whose file name matches the
provider's pattern, and the newest is downloaded (the one whose path carries the highest dates
and numbers). A page without such a link is asked again like any passing fault, then refused in
one line naming the page.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import unquote, urljoin, urlsplit

import requests

from analysis.live.http import FetchError, Transient, body_kind, describe_body, redact


@dataclass(frozen=True)
class Found:
    """The file's content and Last-Modified header, its URL, and the page it was found on
    (None when the setting named the file itself)."""

    content: bytes
    last_modified: str | None
    url: str
    page: str | None


class _Links(HTMLParser):
    """Every href and src of an HTML page (entities undone by the parser)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.found += [value for key, value in attrs if key in ("href", "src") and value]


def _strings(value) -> Iterator[str]:
    """Every string in a decoded JSON document."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def links(content: bytes, base: str, name: re.Pattern) -> list[str]:
    """Absolute URLs of the links of an HTML page (its href and src attributes) or a JSON
    document (its strings) whose last path segment matches `name`, newest first; relative links
    are resolved against `base`."""
    text = content.decode("utf-8", errors="replace")
    if body_kind(content) == "json":  # only whole URLs: its other strings are names and notes
        try:
            candidates = [v for v in _strings(json.loads(text))
                          if v.strip().lower().startswith(("http://", "https://"))]
        except ValueError:
            candidates = []
    else:
        parser = _Links()
        parser.feed(text)
        candidates = parser.found
    found = {urljoin(base, link.strip()) for link in candidates}
    found = {u for u in found if urlsplit(u).scheme in ("http", "https")
             and name.search(unquote(urlsplit(u).path.rsplit("/", 1)[-1]))}
    return sorted(found, key=_newness, reverse=True)


def _newness(url: str) -> tuple:
    """The numbers in a URL's path, in order: dates and quarters in file and folder names
    (`2025_06_03`, `2011_2025_q3`, `files/2025-11/`) compare as the releases do."""
    path = urlsplit(url).path
    return tuple(int(n) for n in re.findall(r"\d+", path)), path


def fetch_listed(client, url: str, name: re.Pattern, what: str,
                 check: Callable[[requests.Response], bytes]) -> Found:
    """The file at `url`, or the newest file named like `name` that the page at `url` links
    to. `check` accepts the file's body (a workbook: a zip archive); `what` names the file in
    messages ("Frontex's monthly workbook")."""
    modified: list[str | None] = []  # the file's Last-Modified header, as answered

    def file_or_link(response: requests.Response) -> bytes | str:
        kind = body_kind(response.content)
        if kind not in ("html", "json"):  # the file itself, or a body `check` refuses
            content = check(response)
            modified.append(response.headers.get("Last-Modified"))
            return content
        found = links(response.content, response.url, name)
        if found:
            return found[0]
        problem = (f"{describe_body(response.content)} with no link to {what} (a file named "
                   f"like {name.pattern!r})")
        if kind == "html":  # an outage or maintenance page passes: ask again, then refuse
            raise Transient(problem)
        raise FetchError(f"{redact(response.url)}: {problem}")

    answer = client.get(url, parse=file_or_link)
    if isinstance(answer, bytes):
        return Found(answer, modified[-1], url, None)

    def the_file(response: requests.Response) -> bytes:
        content = check(response)
        modified.append(response.headers.get("Last-Modified"))
        return content

    return Found(client.get(answer, parse=the_file), modified[-1], answer, url)
