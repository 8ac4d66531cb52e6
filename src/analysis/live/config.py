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
    idmc_limit: int = 10_000  # results per page
    progress: bool | None = None  # tqdm bars; None: only when stderr is a terminal

    def url(self, env: str) -> str:
        """The URL a provider's endpoint variable (e.g. WORLDBANK_API_URL) points to."""
        return self.urls[env]

    @classmethod
    def from_env(cls, environ: dict | None = None, **overrides) -> LiveConfig:
        env = os.environ if environ is None else environ
        values = {"urls": provider_urls(env),
                  "idmc_client_id": (env.get("IDMC_CLIENT_ID") or "").strip() or None}
        values.update(overrides)
        return cls(**values)
