"""One HTTP session per source: a descriptive User-Agent, a timeout on every call, bounded
retries with exponential backoff, and recognition of the bodies providers send instead of data.

Why our own retry loop rather than urllib3's `Retry` mounted on the session: `Retry` acts only
until the response headers arrive. The failures the providers are known for come later - a body
cut off mid-way, a read timeout while the body streams, an HTML outage page or truncated JSON
under HTTP 200 - so one loop covers request, body and parsing, under one bound on attempts and
one on total time.

Retried: connection errors, timeouts, HTTP 429 (waiting as long as Retry-After asks) and 5xx,
and bodies a parser marks as transient (`Transient`). Never retried: any other 4xx, a TLS
certificate that does not verify, and bodies a parser rejects with `FetchError` (a provider's
error message does not change by asking again).

The deadline bounds the whole answer, headers and body. A read timeout alone does not: a server
that sends one byte every 0.2 s never trips a 60 s read timeout. So each request runs in a
helper thread that the caller waits for at most what is left of the deadline, reading the body
in the pieces that arrive (`read1`) so that it can stop between them.

TLS certificates are always verified (requests' default, set explicitly on the session;
tests/robustness/test_security.py holds src/ to it).
"""

from __future__ import annotations

import email.utils
import logging
import re
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from typing import TypeVar

import requests
from urllib3.exceptions import DecodeError, ProtocolError, ReadTimeoutError
from urllib3.exceptions import SSLError as Urllib3SSLError

from analysis.errors import AnalysisError
from analysis.live.config import HttpPolicy

log = logging.getLogger(__name__)

T = TypeVar("T")

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504}) | frozenset(range(505, 600))


class FetchError(AnalysisError):
    """A request or its body failed for good; the message names the URL."""


class OutOfTime(Exception):
    """The deadline passed while an answer was still arriving."""


@dataclass
class _Exchange:
    """One request in a helper thread, as far as it got."""

    timeout: tuple[float, float]
    stop: threading.Event = field(default_factory=threading.Event)
    status: int | None = None  # set once the status line and headers are in
    announced: str | None = None  # Content-Length
    received: int = 0  # body bytes so far
    response: requests.Response | None = None
    error: BaseException | None = None

    def describe(self) -> str:
        if self.status is None:
            return "the status line and headers were still arriving"
        length = self.announced
        announced = (f"{int(length):,} announced" if length and length.isdigit()
                     else "no length announced")
        return (f"HTTP {self.status}, but the body was still arriving ({self.received:,} "
                f"bytes so far, {announced})")


class Transient(Exception):
    """Raised by a body parser: this body looks like a passing fault (an outage page, a cut-off
    body); ask again."""

    def __init__(self, problem: str, retry_after: float | None = None):
        super().__init__(problem)
        self.retry_after = retry_after


def user_agent(source: str) -> str:
    try:
        version = metadata.version("almaty-analysis")
    except metadata.PackageNotFoundError:
        version = "dev"
    return (f"almaty-analysis/{version} (Almaty Process migration-policy evidence notebooks; "
            f"{source} client) python-requests/{requests.__version__}")


# What a browser sends, for the sites whose firewalls answer 403 to a library's User-Agent
# (Frontex's CDN, UN sites behind CloudFront; public code that reads these files sends the
# same; UNHCR's own `refugees` package sends browser headers). A provider opts in through
# `Provider.http_headers`; FETCH_USER_AGENT replaces the User-Agent for every provider.
BROWSER_HEADERS = {
    "User-Agent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like "
                  "Gecko) Chrome/125.0.0.0 Safari/537.36",
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,"
              "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,*/*;q=0.8",
    "Accept-Language": "en-US,en;q=0.9",
}


# Query parameters that are credentials (IDMC's client id): shown as *** in every message and
# log line; the request itself carries them.
SECRET_PARAMS = ("client_id",)


def redact(url: str) -> str:
    """The URL with the values of SECRET_PARAMS masked."""
    return re.sub(rf"([?&](?:{'|'.join(SECRET_PARAMS)})=)[^&#]*", r"\1***", url)


def full_url(url: str, params: dict | None) -> str:
    """The URL with its query, for messages (credentials masked: `redact`)."""
    try:
        return redact(requests.Request("GET", url, params=params).prepare().url)
    except requests.RequestException as exc:
        raise FetchError(f"{redact(url)!r} is not a usable URL ({exc})") from None


# ---------------------------------------------------------------------------
# What a body is
# ---------------------------------------------------------------------------

_BOM = b"\xef\xbb\xbf"


def body_kind(content: bytes) -> str:
    """'json', 'xml', 'html', 'zip', 'empty' or 'text', from the first bytes."""
    head = content[:1024].removeprefix(_BOM).lstrip().lower()
    if not head:
        return "empty"
    if head.startswith(b"pk\x03\x04"):
        return "zip"
    if head.startswith((b"<!doctype html", b"<html")) or (
            head.startswith(b"<") and b"<html" in head):
        return "html"
    if head.startswith(b"<"):
        return "xml"
    if head[:1] in (b"{", b"["):
        return "json"
    return "text"


def _text(content: bytes) -> str:
    return content.removeprefix(_BOM).decode("utf-8", errors="replace")


def _squeeze(text: str, limit: int = 160) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def xml_message(content: bytes) -> str | None:
    """The message of an XML error body (`<wb:error><wb:message id=.. key=..>text`), if any."""
    match = re.search(r"<(?:[\w-]+:)?message\b([^>]*)>(.*?)</(?:[\w-]+:)?message>",
                      _text(content), flags=re.S)
    if not match:
        return None
    attrs = dict(re.findall(r'(\w+)="([^"]*)"', match.group(1)))
    parts = [f"error {attrs['id']}" if "id" in attrs else "error", attrs.get("key", "")]
    return _squeeze(" ".join(p for p in parts if p) + ": " + match.group(2))


def html_title(content: bytes) -> str:
    text = _text(content)
    match = re.search(r"<title[^>]*>(.*?)</title>", text, flags=re.S | re.I)
    if match and match.group(1).strip():
        return _squeeze(match.group(1))
    return _squeeze(re.sub(r"<[^>]+>", " ", text)) or "no title"


def describe_body(content: bytes) -> str:
    """A short phrase for an error message: what came back instead of data."""
    kind = body_kind(content)
    if kind == "empty":
        return "an empty body"
    if kind == "html":
        return f"an HTML page ({html_title(content)!r})"
    if kind == "xml":
        message = xml_message(content) or repr(_squeeze(_text(content)))
        return f"an XML body ({message})"
    if kind == "zip":
        return "a zip archive"
    return f"a body starting {_squeeze(_text(content), 120)!r}"


def expect_body(response: requests.Response, kind: str, what: str,
                expected: str | None = None) -> bytes:
    """The body if it is of `kind` (as `body_kind` names them). An HTML page or an empty body
    instead is transient (outage and redirect pages pass); any other body is refused for good.
    `what` names the body wanted ("a CSV file"); `expected`, if given, replaces it in the
    refusal."""
    content = response.content
    found = body_kind(content)
    if found == kind:
        return content
    if found in ("html", "empty"):
        raise Transient(f"{describe_body(content)} instead of {what}")
    raise FetchError(f"{redact(response.url)}: expected {expected or what}, got "
                     f"{describe_body(content)}")


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header: a number of seconds or an HTTP date."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(when.timestamp() - time.time(), 0.0)


# ---------------------------------------------------------------------------
# The client
# ---------------------------------------------------------------------------


def _content(response: requests.Response) -> bytes:
    return response.content


CHUNK = 64 * 1024  # at most this much per read; a read returns whatever has arrived


def _read_some(response: requests.Response) -> bytes:
    """The next piece of the body as it arrives (one socket read at most), with urllib3's errors
    translated as requests' own `iter_content` translates them (a read timeout excepted: it
    stays a timeout)."""
    try:
        return response.raw.read1(CHUNK, decode_content=True)
    except ReadTimeoutError as exc:
        raise requests.exceptions.ReadTimeout(exc) from None
    except ProtocolError as exc:  # reset, or fewer bytes than Content-Length announced
        raise requests.exceptions.ChunkedEncodingError(exc) from None
    except DecodeError as exc:
        raise requests.exceptions.ContentDecodingError(exc) from None
    except Urllib3SSLError as exc:
        raise requests.exceptions.SSLError(exc) from None


def _refuse_oversize(response: requests.Response, received: int, limit: int) -> None:
    """Refuse for good an answer over `limit` bytes (HttpPolicy.max_bytes, FETCH_MAX_BYTES):
    at once if its Content-Length says so, else as soon as the bytes read pass it, so memory
    holds at most the limit and one piece."""
    announced = response.headers.get("Content-Length", "").strip()
    if announced.isdigit() and int(announced) > limit:
        size = f"it announces {int(announced):,} bytes"
    elif received > limit:
        size = f"{received:,} bytes had arrived when reading stopped"
    else:
        return
    raise FetchError(f"{redact(response.url)}: answer larger than the {limit:,}-byte limit "
                     f"({size}); not retried. FETCH_MAX_BYTES raises the limit")


def _certificate_refused(exc: requests.exceptions.SSLError) -> bool:
    """A certificate that does not verify (permanent), as opposed to a handshake cut short by
    the network (passing)."""
    seen, todo = set(), [exc]
    while todo:
        err = todo.pop()
        if err is None or id(err) in seen:
            continue
        seen.add(id(err))
        if isinstance(err, ssl.SSLCertVerificationError):
            return True
        todo.extend([err.__cause__, err.__context__, getattr(err, "reason", None),
                     *[a for a in getattr(err, "args", ()) if isinstance(a, BaseException)]])
    return "CERTIFICATE_VERIFY_FAILED" in str(exc)


class HttpClient:
    """A `requests.Session` for one source, counting what it sends."""

    def __init__(self, source: str, policy: HttpPolicy, *, headers: dict | None = None,
                 sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic):
        self.source = source
        self.policy = policy
        self.session = requests.Session()
        self.session.verify = True  # requests' default; never turned off (see module doc)
        # Ours, then the provider's own headers (`Provider.http_headers`), then FETCH_USER_AGENT.
        self.session.headers["User-Agent"] = user_agent(source)
        self.session.headers.update(headers or {})
        if policy.user_agent:
            self.session.headers["User-Agent"] = policy.user_agent
        self._sleep = sleep
        self._clock = clock
        self.requests = 0  # HTTP requests sent, retries included
        self.bytes = 0  # body bytes received

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def get(self, url: str, params: dict | None = None,
            parse: Callable[[requests.Response], T] = _content) -> T:
        """GET url and return parse(response) for a 2xx response, retrying passing faults, all
        within `policy.deadline` seconds (body included)."""
        shown = full_url(url, params)
        policy = self.policy
        start = self._clock()
        attempt = 0
        while True:
            attempt += 1
            retry_after = None
            try:
                self.requests += 1
                response = self._fetch(url, params, start + policy.deadline)
                status = response.status_code
                if status in RETRY_STATUSES:
                    retry_after = parse_retry_after(response.headers.get("Retry-After"))
                    raise Transient(f"HTTP {status} {response.reason or ''}".rstrip()
                                    + f" with {describe_body(response.content)}", retry_after)
                if status >= 300:
                    raise FetchError(f"{shown}: HTTP {status} {response.reason or ''}".rstrip()
                                     + f" with {describe_body(response.content)}; not retried "
                                       "(the request itself was refused)")
                return parse(response)
            except OutOfTime as exc:
                raise FetchError(f"{shown}: {exc}; gave up on attempt {attempt}: a request "
                                 f"and its retries get {policy.deadline:g}s") from None
            except Transient as exc:
                problem, retry_after = str(exc), exc.retry_after
            except requests.Timeout as exc:
                problem = f"no answer within the {self._timeout_phrase()} timeout ({_cause(exc)})"
            except requests.exceptions.SSLError as exc:
                if _certificate_refused(exc):
                    raise FetchError(f"{shown}: the server's TLS certificate does not verify "
                                     f"({_cause(exc)}); not retried. Verification stays on: fix "
                                     "the URL, or the CA bundle (REQUESTS_CA_BUNDLE) for a "
                                     "proxy that re-signs traffic") from None
                problem = f"TLS handshake failed ({_cause(exc)})"
            except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError,
                    requests.exceptions.ContentDecodingError) as exc:
                problem = f"connection failed or body cut off ({_cause(exc)})"
            except requests.RequestException as exc:  # bad URL, too many redirects: permanent
                raise FetchError(f"{shown}: {_cause(exc)}") from None

            elapsed = self._clock() - start
            if attempt >= policy.attempts:
                raise FetchError(f"{shown}: {problem}; gave up after {attempt} attempt(s) "
                                 f"in {elapsed:.1f}s")
            if retry_after is not None:
                wait = retry_after
                if wait > policy.backoff_max:
                    raise FetchError(f"{shown}: {problem}; the server asks to retry after "
                                     f"{wait:.0f}s, longer than the {policy.backoff_max:.0f}s "
                                     "we wait; try again later")
            else:
                wait = min(policy.backoff * 2 ** (attempt - 1), policy.backoff_max)
            if elapsed + wait > policy.deadline:
                raise FetchError(f"{shown}: {problem}; gave up after {attempt} attempt(s): "
                                 f"another try would pass the {policy.deadline:g}s limit")
            log.info("%s: %s from %s; try %d of %d in %.1fs", self.source, problem, shown,
                     attempt + 1, policy.attempts, wait)
            self._sleep(wait)

    def _fetch(self, url: str, params: dict | None, deadline_at: float) -> requests.Response:
        """One request and its whole body before `deadline_at`, else OutOfTime.

        The exchange runs in a helper thread that we wait for at most what is left of the
        deadline: nothing else stops a server that drips its headers or body a byte at a time
        (each byte restarts the read timeout). When time is up the helper is told to stop; it
        does after its current read, or, if still waiting for headers, when the server closes
        the connection (a daemon thread, so never holding the process)."""
        left = deadline_at - self._clock()
        if left <= 0:
            raise OutOfTime("no time left for another request")
        connect, read = self.policy.timeout
        exchange = _Exchange(timeout=(min(connect, left), min(read, left)))
        helper = threading.Thread(target=self._exchange, args=(url, params, exchange),
                                  name=f"{self.source} request", daemon=True)
        helper.start()
        helper.join(left)
        self.bytes += exchange.received
        if helper.is_alive():
            exchange.stop.set()
            raise OutOfTime(exchange.describe())
        if exchange.error is not None:
            raise exchange.error
        return exchange.response

    def _exchange(self, url: str, params: dict | None, exchange: _Exchange) -> None:
        """In the helper thread: send, then read the body in the pieces that arrive."""
        try:
            response = self.session.get(url, params=params, stream=True,
                                        timeout=exchange.timeout)
            exchange.status = response.status_code
            exchange.announced = response.headers.get("Content-Length")
            try:
                _refuse_oversize(response, 0, self.policy.max_bytes)
                chunks = []
                while not exchange.stop.is_set() and (chunk := _read_some(response)):
                    chunks.append(chunk)
                    exchange.received += len(chunk)
                    _refuse_oversize(response, exchange.received, self.policy.max_bytes)
                # What `response.content` returns, as requests stores a body it has read.
                response._content = b"".join(chunks)
                response._content_consumed = True
            finally:
                response.close()
            exchange.response = response
        except BaseException as exc:  # handed to the caller's thread
            exchange.error = exc

    def _timeout_phrase(self) -> str:
        connect, read = self.policy.timeout
        return f"{connect:g}s connect / {read:g}s read"


def _cause(exc: Exception) -> str:
    """The innermost useful text of a requests/urllib3 exception: the reason inside urllib3's
    MaxRetryError (its own retries are off; the text repeats the URL), without object reprs."""
    inner = exc.args[0] if exc.args else None
    reason = getattr(inner, "reason", None) or inner
    if not isinstance(reason, BaseException):
        reason = exc
    text = re.sub(r"<[\w.]+ object at 0x[0-9a-f]+>:?\s*", "", str(reason)).strip()
    return _squeeze(f"{reason.__class__.__name__}: {text or 'no detail'}", 200)

