"""Live fetching from the providers' APIs (issue 3 builds the clients)."""

from __future__ import annotations

from analysis.errors import AnalysisError


def fetch_all(paths, providers, *, refresh: bool, max_age: float) -> int:
    raise AnalysisError("live fetching is not available yet; use --snapshot DIR "
                        "(make data SNAPSHOT=../shared/data/snapshot)")
