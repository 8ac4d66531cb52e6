"""What every live provider does the same way: write a staged CSV, check it with the build's own
reader, record it for the manifest, and report what was fetched."""

from __future__ import annotations

import datetime as dt
import email.utils
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import requests

from analysis import providers, rawfiles, rawstore
from analysis.errors import DataError
from analysis.live.http import FetchError
from analysis.live.pages import fetch_listed
from analysis.paths import Paths
from analysis.rawstore import Staging


@dataclass
class Summary:
    """One source's fetch, for the log line."""

    provider: str
    rows: dict[str, int] = field(default_factory=dict)  # file name -> rows written
    notes: list[str] = field(default_factory=list)


def today() -> str:
    return dt.date.today().isoformat()


def http_date(value: str | None) -> str | None:
    """YYYY-MM-DD from an HTTP date header (Last-Modified), if it parses."""
    if not value:
        return None
    try:
        return email.utils.parsedate_to_datetime(value).date().isoformat()
    except (TypeError, ValueError):
        return None


def download_file(client, url: str, check: Callable[[requests.Response], bytes]
                  ) -> tuple[bytes, str | None]:
    """One file download (UN DESA workbook, IOM CSV): its checked content and the server's
    Last-Modified date (YYYY-MM-DD), the closest thing these providers give to a release date."""
    last_modified: list[str | None] = []

    def keep_date(response: requests.Response) -> bytes:
        content = check(response)
        last_modified.append(response.headers.get("Last-Modified"))
        return content

    content = client.get(url, parse=keep_date)
    return content, http_date(last_modified[-1]) if last_modified else None


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    frame.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")


def record_checked(staging: Staging, name: str, origin: str, params: dict) -> pd.DataFrame:
    """Check a staged file with the reader the build uses, so that data the build would refuse
    never replaces good raw files; then note it for the manifest."""
    path = staging.path(name)
    try:
        frame = rawfiles.read_raw(path, providers.get(staging.provider).raw_spec(name))
    except DataError as exc:
        raise exc.at(f"{staging.provider}/{name} as parsed from {origin}") from None
    staging.record(name, origin=origin, params=params)
    return frame


def stage_file(paths: Paths, provider: str, name: str, table: pd.DataFrame, origin: str,
               params: dict, vintage: dict,
               latest_year: Callable[[pd.DataFrame], int | None]) -> Summary:
    """A provider whose live source is one file: write its parsed table as the raw file, check
    and record it, and replace data/raw/<provider>/ and its manifest entry, the vintage given
    plus today's access date and the latest year of the checked rows."""
    with rawstore.stage(paths, provider, mode="live") as staging:
        write_csv(table, staging.path(name))
        frame = record_checked(staging, name, origin, params)
        staging.vintage = {**vintage, "date_accessed": today(), "latest_year": latest_year(frame)}
    return Summary(provider, {name: len(table)})


def max_year(column: str) -> Callable[[pd.DataFrame], int | None]:
    """The latest year in a raw table's `column` of years or periods ('2021', '2020Q3',
    '2025-04'), for `stage_file`; None for an empty table."""
    def latest(frame: pd.DataFrame) -> int | None:
        return int(frame[column].astype(str).str[:4].max()) if len(frame) else None
    return latest


def fetch_file(paths: Paths, client, progress, url: str, *, provider: str, name: str,
               download: Callable[[requests.Response], bytes],
               parse: Callable[[bytes, str], pd.DataFrame], step: str, vintage: dict,
               latest_year: Callable[[pd.DataFrame], int | None],
               table_vintage: Callable[[pd.DataFrame], dict] | None = None,
               listed: tuple[re.Pattern, str] | None = None) -> Summary:
    """A provider whose live source is one downloaded file: download it (`download` checks the
    body), `parse` it into the raw layout and stage it with `vintage`, the server's
    Last-Modified date and, if given, `table_vintage(table)`. With `listed` (the file name's
    pattern and what the file is, for messages) `url` may also be a page linking to the file
    (`live.pages`): the newest file it links to is fetched, and the page kept as provenance."""
    if listed:
        found = fetch_listed(client, url, *listed, check=download)
        content, last_updated = found.content, http_date(found.last_modified)
        url, params = found.url, ({"page": found.page} if found.page else {})
    else:
        content, last_updated = download_file(client, url, download)
        params = {}
    progress.step(step)
    table = parse(content, url)
    extra = table_vintage(table) if table_vintage else {}
    return stage_file(paths, provider, name, table, url, params,
                      {**vintage, "last_updated": last_updated, **extra}, latest_year)


def _refuse_entities(content: bytes, url: str) -> None:
    """Raise FetchError if an XML part of the .xlsx declares a DTD or entities (they can only
    come before the root element, so each part is read up to its first element)."""
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import iterparse

    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile:
        return  # load_workbook says so, naming the URL
    with archive:
        for info in archive.infolist():
            if not info.filename.endswith((".xml", ".rels", ".vml")):
                continue
            with archive.open(info) as part:
                try:
                    next(iterparse(part, events=("start",)), None)
                except DefusedXmlException as exc:
                    raise FetchError(f"{url}: refused: the workbook's XML declares entities "
                                     f"({exc!r}) in {info.filename}, as XML bombs do; real "
                                     "workbooks have none") from None
                except ParseError:
                    continue  # not well-formed: load_workbook says so


def open_workbook(content: bytes, url: str):
    """A downloaded .xlsx as a read-only openpyxl workbook, or one line naming the URL (a cut
    body is not a readable zip archive). Every XML part is first read up to its root element
    with defusedxml, which refuses XML that declares entities: a workbook never needs them, and
    they are how an XML bomb or an external-entity read works. (openpyxl itself parses through
    lxml when lxml is installed, as python-pptx needs it, and lxml does not refuse them.)"""
    from defusedxml import DefusedXmlException
    from openpyxl import load_workbook

    _refuse_entities(content, url)
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        cause = exc
        while cause is not None and not isinstance(cause, DefusedXmlException):
            cause = cause.__cause__ or cause.__context__
        if cause is not None:
            raise FetchError(f"{url}: refused: the workbook's XML declares entities "
                             f"({cause!r}), as XML bombs do; real workbooks have none") from None
        reason = " ".join(str(exc).split())  # openpyxl's messages run over several lines
        raise FetchError(f"{url}: not a readable Excel workbook, cut off? ({reason})") from None
    # Read every row and column there is, not the size a sheet declares: read-only mode
    # trusts the declared <dimension>, and some exports declare A1:A1 for a full sheet
    # (reported of UNODC's data-portal workbooks), which would read as one empty cell.
    for sheet in book.worksheets:
        sheet.reset_dimensions()
    return book


def cell_text(value) -> str:
    """A workbook cell as the snapshot writes it: '' when empty, a whole number without
    '.0', text stripped."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
