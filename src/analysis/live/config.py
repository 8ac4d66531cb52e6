"""Settings of a live fetch: where each provider lives and how patiently we ask.

Base URLs come from the environment (so tests and mirrors can point elsewhere) and default to
the providers' real addresses; each provider module declares its own (`UrlSetting`). Everything
else has production defaults that tests shrink.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field

from analysis import rawfiles
from analysis.errors import AnalysisError


class NotConfigured(AnalysisError):
    """A provider cannot be asked without a setting the user must supply (IDMC's client id): a
    live fetch skips it with one warning line, keeping its raw files, and goes on."""


class PartlyFetched(AnalysisError):
    """A provider whose other files were fetched and replaced, but one failed and was kept from
    before (UNHCR's flow workbook beside its API): a failure (exit code 1) that names the file
    and URL; `summary` is what was written."""

    def __init__(self, message: str, summary):
        super().__init__(message)
        self.summary = summary


@dataclass(frozen=True)
class UrlSetting:
    """One endpoint of a provider (declared in its module): the environment variable that sets
    it and the provider's real address used without one."""

    env: str  # e.g. WORLDBANK_API_URL
    default: str
    api_base: bool = False  # paths are appended to it: kept without a trailing slash

    def resolve(self, environ) -> str:
        value = (environ.get(self.env) or self.default).strip()
        if not value.startswith(("http://", "https://")):
            raise AnalysisError(f"{self.env}={value!r}: not an http(s) URL; unset it to use "
                                f"{self.default}")
        return value.rstrip("/") if self.api_base else value


def provider_urls(environ) -> dict[str, str]:
    """Every provider's endpoints, environment variable -> URL, each checked."""
    from analysis import providers  # not at the top: provider modules import this one

    return {setting.env: setting.resolve(environ)
            for provider in providers.all_providers() for setting in provider.live_urls}


@dataclass(frozen=True)
class HttpPolicy:
    """Timeouts and retries for every request one source makes."""

    timeout: tuple[float, float] = (10.0, 60.0)  # (connect, read) seconds, on every call
    attempts: int = 5  # tries per request, the first included
    backoff: float = 1.0  # seconds before the second try; doubles for each further one
    backoff_max: float = 30.0  # longest pause between two tries (Retry-After included)
    deadline: float = 300.0  # a request and its retries give up after this many seconds
    # Largest answer accepted (bytes, after decompression; FETCH_MAX_BYTES): the biggest real
    # download is a few tens of MB, so this only stops a runaway or hostile answer.
    max_bytes: int = 512 * 1024 * 1024
    # FETCH_USER_AGENT: the User-Agent of every request, replacing ours and any a provider
    # sets (for a site that refuses both); None: ours, or the provider's (`Provider.http_headers`).
    user_agent: str | None = None


def max_bytes_setting(environ) -> int:
    """FETCH_MAX_BYTES from the environment (a whole number of bytes), or the default."""
    default = HttpPolicy.max_bytes
    value = (environ.get("FETCH_MAX_BYTES") or "").strip()
    if not value:
        return default
    if not (value.isascii() and value.isdigit()) or int(value) == 0:
        raise AnalysisError(f"FETCH_MAX_BYTES={value!r}: expected a whole number of bytes above "
                            f"0; unset it for the default {default:,}")
    return int(value)


def _this_year() -> int:
    return dt.date.today().year


@dataclass(frozen=True)
class LiveConfig:
    # Environment variable -> URL, for every provider's endpoints (UrlSetting).
    urls: dict[str, str] = field(default_factory=lambda: provider_urls({}))
    http: HttpPolicy = field(default_factory=HttpPolicy)
    # World Bank: the snapshot's extraction starts in 1990; the API takes a year range.
    worldbank_first_year: int = 1990
    worldbank_per_page: int = 20_000  # one page holds 13 states x 36 years many times over
    # UNHCR: yearFrom/yearTo are always sent together (one alone is silently ignored).
    unhcr_first_year: int = rawfiles.MIN_YEAR
    unhcr_limit: int = 10_000  # rows per page; the API has no practical upper bound
    last_year: int = field(default_factory=_this_year)
    # IDMC: its API answers only with a client id (free, from IDMC); None: IDMC is skipped.
    idmc_client_id: str | None = None
    idmc_limit: int = 10_000  # results asked per page; IDMC's server answers at most 100
    progress: bool | None = None  # tqdm bars; None: only when stderr is a terminal

    def url(self, env: str) -> str:
        """The URL a provider's endpoint variable (e.g. WORLDBANK_API_URL) points to."""
        return self.urls[env]

    @classmethod
    def from_env(cls, environ: dict | None = None, **overrides) -> LiveConfig:
        env = os.environ if environ is None else environ
        values = {"urls": provider_urls(env),
                  "http": HttpPolicy(max_bytes=max_bytes_setting(env),
                                     user_agent=(env.get("FETCH_USER_AGENT") or "").strip()
                                     or None),
                  "idmc_client_id": (env.get("IDMC_CLIENT_ID") or "").strip() or None}
        values.update(overrides)
        return cls(**values)
