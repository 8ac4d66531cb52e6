"""Remote downloads are bounded (issue 21, point 5): an answer over FETCH_MAX_BYTES is refused
in one line naming the URL and the limit, before it is read if its Content-Length says so,
else as soon as the bytes read pass the limit (a stream without a length, a gzip bomb); and
workbooks are parsed through defusedxml, which refuses XML declaring entities (an XML bomb, an
external entity). All against servers on 127.0.0.1; the workbooks are made here with openpyxl."""

from __future__ import annotations

import gzip
import io
import logging
import tomllib
import zipfile

import openpyxl
import pytest
from live_server import GLOTIP_PATH, IOM_PATH, FakeProviders
from werkzeug import Response

from analysis.errors import AnalysisError
from analysis.live import fetch_all
from analysis.live.common import open_workbook
from analysis.live.config import HttpPolicy, LiveConfig
from analysis.live.http import CHUNK, FetchError, HttpClient
from analysis.paths import REPO_ROOT, project_paths

LIMIT = 200_000


def _client(limit: int = LIMIT) -> HttpClient:
    # The limit as a user sets it, through the environment; short timeouts for the tests.
    policy = LiveConfig.from_env({"FETCH_MAX_BYTES": str(limit)}).http
    assert policy.max_bytes == limit
    fast = HttpPolicy(timeout=(2.0, 5.0), attempts=3, backoff=0.01, backoff_max=0.1,
                      deadline=20.0, max_bytes=policy.max_bytes)
    return HttpClient("test", fast)


def _refusal(client: HttpClient, url: str) -> str:
    with pytest.raises(FetchError) as err:
        client.get(url)
    message = str(err.value)
    assert "\n" not in message
    assert message.startswith(url), message
    assert f"{LIMIT:,}-byte limit" in message and "FETCH_MAX_BYTES" in message, message
    return message


def test_the_setting_defaults_generously_and_refuses_a_bad_value():
    default = LiveConfig.from_env({}).http.max_bytes
    assert default == HttpPolicy().max_bytes >= 256 * 1024 * 1024  # the largest file is ~30 MB
    assert LiveConfig.from_env({"FETCH_MAX_BYTES": " "}).http.max_bytes == default
    assert LiveConfig.from_env({"FETCH_MAX_BYTES": "2000000000"}).http.max_bytes == 2_000_000_000
    for bad in ("abc", "0", "-5", "1e6", "10MB", "²"):
        with pytest.raises(AnalysisError, match=r"^FETCH_MAX_BYTES=.*whole number of bytes"):
            LiveConfig.from_env({"FETCH_MAX_BYTES": bad})


def test_an_answer_announcing_more_than_the_limit_is_refused_once(httpserver):
    httpserver.expect_request("/big.csv").respond_with_data(b"x" * (LIMIT + 1))
    url = httpserver.url_for("/big.csv")
    with _client() as client:
        message = _refusal(client, url)
        assert f"announces {LIMIT + 1:,} bytes" in message and "not retried" in message
        assert client.requests == 1 and client.bytes == 0  # refused before reading the body
    assert len(httpserver.log) == 1


def test_an_answer_of_exactly_the_limit_is_accepted(httpserver):
    body = b"y" * LIMIT
    httpserver.expect_request("/edge.csv").respond_with_data(body)
    with _client() as client:
        assert client.get(httpserver.url_for("/edge.csv")) == body


def test_a_stream_without_a_length_is_cut_at_the_limit(httpserver):
    sent = []

    def endless_enough(_request):
        def pieces():  # 300 x 64 KiB = 19.7 MB, a hundred times the limit
            for _ in range(300):
                sent.append(CHUNK)
                yield b"z" * CHUNK
        return Response(pieces(), mimetype="text/csv")  # chunked: no Content-Length

    httpserver.expect_request("/stream.csv").respond_with_handler(endless_enough)
    url = httpserver.url_for("/stream.csv")
    with _client() as client:
        assert "had arrived when reading stopped" in _refusal(client, url)
        # Reading stopped at the first piece past the limit: memory held no more than that.
        assert LIMIT < client.bytes <= LIMIT + CHUNK
        assert client.requests == 1


def test_a_gzip_bomb_is_counted_as_it_unpacks(httpserver):
    packed = gzip.compress(b"0" * (50 * LIMIT))  # 10 MB of zeros in about 10 KB
    assert len(packed) < LIMIT
    httpserver.expect_request("/bomb.csv").respond_with_data(
        packed, headers={"Content-Encoding": "gzip"}, content_type="text/csv")
    url = httpserver.url_for("/bomb.csv")
    with _client() as client:
        assert "had arrived when reading stopped" in _refusal(client, url)
        assert LIMIT < client.bytes <= LIMIT + CHUNK


def test_a_live_fetch_over_the_limit_fails_in_one_line_and_writes_nothing(tmp_path, caplog):
    paths = project_paths(tmp_path)
    csv = b"Incident Date,Total Number of Dead and Missing\n" + b"2024-01-01,1\n" * 200
    with FakeProviders(iom_csv=csv) as server:
        config = LiveConfig.from_env({**server.env(), "FETCH_MAX_BYTES": "1000"},
                                     progress=False)
        with caplog.at_level(logging.ERROR):
            assert fetch_all(paths, ["iom"], refresh=True, max_age=24, config=config) == 1
        assert server.paths_requested(IOM_PATH) == [IOM_PATH]  # asked once, not retried
        url = server.url + IOM_PATH
    lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("fetch iom")]
    assert len(lines) == 1, lines
    assert url in lines[0] and "1,000-byte limit" in lines[0] and "\n" not in lines[0]
    assert not paths.raw_file("iom", "missing_migrants.csv").exists()


# -- workbooks through defusedxml -----------------------------------------------------------

BOMB = (b'<!DOCTYPE workbook [<!ENTITY a "aaaaaaaaaa">'
        + b"".join(b'<!ENTITY %s "%s">' % (bytes([98 + i]), b"&%s;" % bytes([97 + i]) * 10)
                   for i in range(8))
        + b"]>")  # "billion laughs": each entity ten of the one before
EXTERNAL = b'<!DOCTYPE workbook [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'


def _workbook(doctype: bytes | None = None) -> bytes:
    """A one-sheet workbook; with `doctype`, its xl/workbook.xml starts with that DTD."""
    book = openpyxl.Workbook()
    book.active.append(["Country", "Year", "Value"])
    book.active.append(["Tajikistan", 2022, 5])
    plain = io.BytesIO()
    book.save(plain)
    if doctype is None:
        return plain.getvalue()
    source, out = zipfile.ZipFile(plain), io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            target.writestr(item, doctype + data if item.filename == "xl/workbook.xml" else data)
    return out.getvalue()


def test_defusedxml_is_a_dependency_and_openpyxl_uses_it():
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert any(d.startswith("defusedxml") for d in project["project"]["dependencies"])
    assert openpyxl.DEFUSEDXML is True


@pytest.mark.parametrize("doctype", [BOMB, EXTERNAL], ids=["entity-bomb", "external-entity"])
def test_a_workbook_declaring_entities_is_refused_in_one_line(doctype):
    url = "http://127.0.0.1:1/data_glotip.xlsx"
    rows = list(open_workbook(_workbook(), url).active.iter_rows(values_only=True))
    assert rows == [("Country", "Year", "Value"), ("Tajikistan", 2022, 5)]  # the plain one reads
    with pytest.raises(FetchError) as err:
        open_workbook(_workbook(doctype), url)
    message = str(err.value)
    assert message.startswith(f"{url}: refused: the workbook's XML declares entities")
    assert "EntitiesForbidden" in message and "\n" not in message


def test_a_live_workbook_declaring_entities_fails_the_fetch_in_one_line(tmp_path, caplog):
    paths = project_paths(tmp_path)
    with FakeProviders(glotip_xlsx=_workbook(BOMB)) as server:
        with caplog.at_level(logging.ERROR):
            assert fetch_all(paths, ["unodc"], refresh=True, max_age=24,
                             config=server.config()) == 1
        url = server.url + GLOTIP_PATH
    lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("fetch unodc")]
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"fetch unodc failed: {url}: refused: the workbook's XML "
                               "declares entities (EntitiesForbidden(name='a'")
    assert "\n" not in lines[0]
    assert not paths.raw_file("unodc", "glotip.csv").exists()
