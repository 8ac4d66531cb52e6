"""Settings of a live fetch: where each provider lives and how patiently we ask.

Base URLs come from the environment (so tests and mirrors can point elsewhere) and default to
the providers' real addresses. Everything else has production defaults that tests shrink.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field

from analysis import rawfiles
from analysis.errors import AnalysisError

DEFAULT_URLS = {
    "WORLDBANK_API_URL": "https://api.worldbank.org/v2",
    "UNHCR_API_URL": "https://api.unhcr.org/population/v1",
    "UNDESA_STOCK_URL": (
        "https://www.un.org/development/desa/pd/sites/www.un.org.development.desa.pd/files/"
        "undesa_pd_2024_ims_stock_by_sex_destination_and_origin.xlsx"),
    "MMP_CSV_URL": (
        "https://missingmigrants.iom.int/sites/g/files/tmzbdl601/files/report-migrant-incident/"
        "Missing_Migrants_Global_Figures_allData.csv"),
}


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
    worldbank_url: str = DEFAULT_URLS["WORLDBANK_API_URL"]
    unhcr_url: str = DEFAULT_URLS["UNHCR_API_URL"]
    undesa_stock_url: str = DEFAULT_URLS["UNDESA_STOCK_URL"]
    mmp_csv_url: str = DEFAULT_URLS["MMP_CSV_URL"]
    http: HttpPolicy = field(default_factory=HttpPolicy)
    # World Bank: the snapshot's extraction starts in 1990; the API takes a year range.
    worldbank_first_year: int = 1990
    worldbank_per_page: int = 20_000  # one page holds 13 states x 36 years many times over
    # UNHCR: yearFrom/yearTo are always sent together (one alone is silently ignored).
    unhcr_first_year: int = rawfiles.MIN_YEAR
    unhcr_limit: int = 10_000  # rows per page; the API has no practical upper bound
    last_year: int = field(default_factory=_this_year)
    progress: bool | None = None  # tqdm bars; None: only when stderr is a terminal

    @classmethod
    def from_env(cls, environ: dict | None = None, **overrides) -> LiveConfig:
        env = os.environ if environ is None else environ

        def url(name: str) -> str:
            value = (env.get(name) or DEFAULT_URLS[name]).strip()
            if not value.startswith(("http://", "https://")):
                raise AnalysisError(f"{name}={value!r}: not an http(s) URL; unset it to use "
                                    f"{DEFAULT_URLS[name]}")
            return value

        values = {
            # API bases without a trailing slash: paths are appended to them
            "worldbank_url": url("WORLDBANK_API_URL").rstrip("/"),
            "unhcr_url": url("UNHCR_API_URL").rstrip("/"),
            "undesa_stock_url": url("UNDESA_STOCK_URL"),
            "mmp_csv_url": url("MMP_CSV_URL"),
        }
        values.update(overrides)
        return cls(**values)
