"""Live fetching from the providers into data/raw/, laid out exactly as a snapshot intake lays
it out, so that `build` and everything after it cannot tell the two apart.

Each source is fetched completely into a staging folder (rawstore.stage) and checked with the
build's reader before it replaces its raw files and manifest entry. A source that fails keeps
its previous files, is named in the log, and does not stop the others; the exit code says
whether any failed. A source fetched live less than `max_age` hours ago is not asked again
unless `refresh`. A source that fails in part (UNHCR: its API files fetched, its flow workbook
not) replaces what it fetched, keeps the rest from before, counts as failed, and is asked again
by the next fetch whatever its age.
"""

from __future__ import annotations

import datetime as dt
import logging
import time

from analysis import logs, rawstore
from analysis import providers as registry  # `providers` is fetch_all's list of ids
from analysis.errors import AnalysisError
from analysis.live.config import HttpPolicy, LiveConfig, NotConfigured, PartlyFetched
from analysis.live.http import FetchError, HttpClient
from analysis.paths import Paths
from analysis.progress import Progress, on_terminal

__all__ = ["FetchError", "HttpPolicy", "LiveConfig", "fetch_all", "fetch_source", "fresh_age"]

log = logging.getLogger("analysis.live")


def fresh_age(manifest: dict, provider_id: str, max_age: float) -> float | None:
    """Hours since the last good live fetch of this source, if that is under max_age hours;
    None when it must be fetched (never fetched, from a snapshot, too old, or with files kept
    from before after a partial failure)."""
    entry = manifest.get("sources", {}).get(provider_id)
    if not entry or entry.get("mode") != "live" or entry.get("not_updated") or max_age <= 0:
        return None
    try:
        retrieved = dt.datetime.fromisoformat(entry["retrieved_at"])
    except (KeyError, TypeError, ValueError):
        return None
    if retrieved.tzinfo is None:
        retrieved = retrieved.replace(tzinfo=dt.UTC)
    hours = (dt.datetime.now(dt.UTC) - retrieved).total_seconds() / 3600
    return hours if 0 <= hours < max_age else None


def fetch_source(paths: Paths, provider_id: str, config: LiveConfig, *,
                 client: HttpClient | None = None):
    """Fetch one source into data/raw; returns (Summary, requests sent). Raises on failure,
    leaving the source's previous raw files as they were."""
    provider = registry.get(provider_id)
    if not provider.has_live_client:
        raise AnalysisError(f"fetch {provider_id}: no live client yet; take it from a snapshot "
                            f"(fetch --snapshot DIR --source {provider_id})")
    own_client = client is None
    client = client or HttpClient(provider_id, config.http, headers=provider.http_headers)
    enabled = on_terminal() if config.progress is None else config.progress
    progress = Progress(f"fetch {provider_id}", provider.live_steps(), enabled)
    try:
        summary = provider.fetch_live(paths, config, client, progress)
        progress.close(f"{sum(summary.rows.values()):,} rows")
        return summary, client.requests
    except NotConfigured:
        progress.close("skipped")
        raise
    except BaseException:
        progress.close("failed")
        raise
    finally:
        if own_client:
            client.close()


def fetch_all(paths: Paths, providers: list[str], *, refresh: bool, max_age: float,
              config: LiveConfig | None = None) -> int:
    """Fetch each provider live; 0 if all succeeded (or were fresh), 1 if any failed."""
    config = config or LiveConfig.from_env()
    manifest = rawstore.load_manifest(paths)
    fetching = []
    for provider_id in providers:
        age = None if refresh else fresh_age(manifest, provider_id, max_age)
        if age is not None:
            log.info("fetch %s: kept, last live fetch %.1fh ago is within --max-age %gh "
                     "(--refresh fetches anyway)", provider_id, age, max_age)
        else:
            fetching.append(provider_id)

    # Providers with no live client yet keep their raw files (from a snapshot) as they are.
    no_client = [p for p in fetching if not registry.get(p).has_live_client]
    for provider_id in no_client:
        log.warning("fetch %s: no live client yet; data/raw/%s kept as it is (take it from a "
                    "snapshot: fetch --snapshot DIR --source %s)", provider_id, provider_id,
                    provider_id)
    fetching = [p for p in fetching if p not in no_client]

    failed, unconfigured = [], []
    for provider_id in fetching:
        start = time.perf_counter()
        client = HttpClient(provider_id, config.http,
                            headers=registry.get(provider_id).http_headers)
        try:
            summary, requests_sent = fetch_source(paths, provider_id, config, client=client)
        except NotConfigured as exc:  # not a failure: the user has not set it up
            unconfigured.append(provider_id)
            log.warning("fetch %s: skipped: %s; data/raw/%s kept as it is", provider_id, exc,
                        provider_id)
            continue
        except PartlyFetched as exc:  # the rest of its files replaced: say which, in the line
            failed.append(provider_id)
            files = ", ".join(f"{name} {rows:,} rows" for name, rows in exc.summary.rows.items())
            log.error("fetch %s failed in part: %s; updated: %s", provider_id, exc, files)
            continue
        except AnalysisError as exc:
            failed.append(provider_id)
            log.error("fetch %s failed: %s", provider_id, exc)
            continue
        except Exception as exc:  # a provider changed its format in a way we did not foresee
            failed.append(provider_id)
            log.error("fetch %s failed: unexpected %s: %s", provider_id,
                      exc.__class__.__name__, exc)
            continue
        finally:
            client.close()
        files = ", ".join(f"{name} {rows:,} rows" for name, rows in summary.rows.items())
        notes = "".join(f"; {note}" for note in summary.notes)
        log.info("fetch %s: %d request(s), %s (%.1fs)%s", provider_id, requests_sent, files,
                 time.perf_counter() - start, notes)
    if failed:
        log.error("fetch: %d of %d source(s) failed: %s; their previous raw data is kept",
                  len(failed), len(fetching) - len(unconfigured), ", ".join(failed))
        return 1
    logs.summary(log, "fetch: %d source(s) fetched live, %d kept as fresh",
                 len(fetching) - len(unconfigured),
                 len(providers) - len(fetching) - len(no_client))
    return 0
