"""`python -m analysis report`: run every theme notebook and country profile with papermill, then
write reports/summary.json, reports/index.html and reports/briefing.pdf.

Each notebook run is one independent task (`run_task(task) -> TaskResult`): its own kernel, its
own output notebook, its own run record (the JSON file the notebook's session writes, listing
figures and key figures). A failed notebook does not stop the others; it is marked failed in
the summary and on the page, its executed notebook keeps the error cell, and the command exits
non-zero. Options are checked before any notebook starts.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from analysis import catalogue, metrics, plotting
from analysis.errors import AnalysisError
from analysis.paths import Paths, project_paths

log = logging.getLogger(__name__)

KERNEL = "python3"  # resolved by jupyter_client to the interpreter running the report
EXECUTION_TIMEOUT = 900  # seconds per cell
REENTRY_THEME = "reentry_reintegration"
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class UsageError(AnalysisError):
    """A bad command-line option: reported in one line before anything runs."""


# ---------------------------------------------------------------------------
# Options
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Options:
    themes: tuple[str, ...]  # theme ids to run, catalogue order
    profiles: tuple[str, ...]  # states to profile (empty: no profiles)
    states: tuple[str, ...] | None  # passed to theme notebooks; None: each notebook's default
    years: tuple[int, int] | None
    formats: tuple[str, ...]
    out: Path
    reentry_bans: Path | None = None


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def parse_themes(value: str | None) -> tuple[list[str], bool]:
    """Theme ids (catalogue order) and whether country profiles run."""
    known = [t.id for t in catalogue.THEMES]
    if value is None:
        return known, True
    chosen = _split(value)
    allowed = known + [catalogue.COUNTRY_PROFILE_ID]
    unknown = [v for v in chosen if v not in allowed]
    if unknown or not chosen:
        raise UsageError(f"--themes {value!r}: unknown theme(s) {', '.join(unknown) or '(none)'}"
                         f"; choose from {', '.join(allowed)}")
    return [t for t in known if t in chosen], catalogue.COUNTRY_PROFILE_ID in chosen


def parse_states(value: str | None) -> list[str] | None:
    if value is None:
        return None
    chosen = [v.upper() for v in _split(value)]
    known = catalogue.state_codes()
    unknown = [v for v in chosen if v not in known]
    if unknown or not chosen:
        raise UsageError(f"--states {value!r}: unknown state(s) {', '.join(unknown) or '(none)'}"
                         f"; choose from {', '.join(known)}")
    return chosen


def parse_years(value: str | None) -> tuple[int, int] | None:
    if value is None:
        return None
    first, sep, last = value.partition(":")
    try:
        if not sep:
            raise ValueError
        a, b = int(first), int(last)
    except ValueError:
        raise UsageError(f"--years {value!r}: expected FIRST:LAST, e.g. 2005:2024") from None
    if a > b:
        raise UsageError(f"--years {value!r}: the range is inverted ({a} > {b}); "
                         f"write {b}:{a}")
    return a, b


def parse_formats(value: str | None) -> list[str]:
    if value is None:
        return list(plotting.FORMATS)
    chosen = [v.lower() for v in _split(value)]
    unknown = [v for v in chosen if v not in plotting.FORMATS]
    if unknown or not chosen:
        raise UsageError(f"--formats {value!r}: unknown format(s) {', '.join(unknown) or '(none)'}"
                         f"; choose from {', '.join(plotting.FORMATS)}")
    return list(dict.fromkeys(chosen))


def options_from_args(args, paths: Paths) -> Options:
    themes, profiles = parse_themes(getattr(args, "themes", None))
    states = parse_states(getattr(args, "states", None))
    bans = getattr(args, "reentry_bans", None)
    if bans is not None:
        bans = Path(bans).resolve()
        try:
            metrics.read_analyst_csv(bans)
        except AnalysisError as exc:
            raise UsageError(f"--reentry-bans: {exc}") from None
    out = Path(args.out).resolve() if getattr(args, "out", None) else paths.reports
    return Options(
        themes=tuple(themes),
        profiles=tuple(states or catalogue.state_codes()) if profiles else (),
        states=tuple(states) if states else None,
        years=parse_years(getattr(args, "years", None)),
        formats=tuple(parse_formats(getattr(args, "formats", None))),
        out=out,
        reentry_bans=bans,
    )


# ---------------------------------------------------------------------------
# Tasks
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Task:
    kind: str  # "theme" or "country"
    id: str  # theme id or ISO3
    source: Path  # the notebook in the repository
    output: Path  # the executed notebook
    record: Path  # the run record the notebook writes
    figure_dir: Path  # cleared before the run: its figures belong to this task only
    parameters: dict
    root: Path  # ANALYSIS_ROOT for the kernel
    out: Path  # the report folder; result paths are relative to it


@dataclass
class TaskResult:
    task: Task
    status: str  # "ok" or "failed"
    error: str | None
    output_notebook: Path
    figures: list[str] = field(default_factory=list)  # relative paths, every format
    charts: list[dict] = field(default_factory=list)  # per figure: title, alt, caption, files
    key_figures: list[dict] = field(default_factory=list)
    duration: float = 0.0


def plan(options: Options, paths: Paths, notebooks: Path | None = None) -> list[Task]:
    """One task per theme notebook and per profiled state; checks the notebooks exist."""
    notebooks = notebooks or paths.notebooks
    out = options.out
    base: dict = {"output_dir": str(out), "formats": list(options.formats)}
    if options.years:
        base["first_year"], base["last_year"] = options.years
    tasks = []
    for theme_id in options.themes:
        theme = catalogue.theme(theme_id)
        params = dict(base)
        if options.states:
            params["states"] = list(options.states)
        if theme.id == REENTRY_THEME and options.reentry_bans:
            params["reentry_bans_csv"] = str(options.reentry_bans)
        stem = Path(theme.notebook).stem
        tasks.append(_task("theme", theme.id, notebooks / theme.notebook, stem, params,
                           out / "figures" / theme.id, paths, out))
    profile = catalogue.COUNTRY_PROFILE_NOTEBOOK
    for iso3 in options.profiles:
        params = dict(base, iso3=iso3)
        tasks.append(_task("country", iso3, notebooks / profile, f"{Path(profile).stem}_{iso3}",
                           params, out / "countries" / iso3, paths, out))
    missing = sorted({str(t.source) for t in tasks if not t.source.is_file()})
    if missing:
        raise UsageError(f"notebook(s) not found: {', '.join(missing)}")
    return tasks


def _task(kind, id_, source, stem, params, figure_dir, paths, out) -> Task:
    output = out / "notebooks" / f"{stem}.ipynb"
    record = out / "notebooks" / f"{stem}.run.json"
    params = dict(params, record_file=str(record))
    return Task(kind, id_, source, output, record, figure_dir, params, paths.root, out)


@contextlib.contextmanager
def _environment(root: Path) -> Iterator[None]:
    """The kernel inherits this process's environment: point ANALYSIS_ROOT at the data."""
    before = os.environ.get("ANALYSIS_ROOT")
    os.environ["ANALYSIS_ROOT"] = str(root)
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("ANALYSIS_ROOT", None)
        else:
            os.environ["ANALYSIS_ROOT"] = before


def _execute(task: Task) -> None:
    import papermill

    # papermill announces every input, output and kernel at INFO; our own line says enough.
    logging.getLogger("papermill").setLevel(logging.WARNING)
    papermill.execute_notebook(
        str(task.source), str(task.output), parameters=task.parameters, kernel_name=KERNEL,
        cwd=str(task.source.parent), progress_bar=False, log_output=False,
        execution_timeout=EXECUTION_TIMEOUT,
        # The kernel's own start-up chatter (e.g. about TCP transport) is not news.
        extra_arguments=["--IPKernelApp.log_level=ERROR"])


def run_task(task: Task) -> TaskResult:
    """Run one notebook; never raises for a notebook's own failure."""
    from papermill.exceptions import PapermillExecutionError

    start = time.perf_counter()
    shutil.rmtree(task.figure_dir, ignore_errors=True)
    task.record.unlink(missing_ok=True)
    task.output.parent.mkdir(parents=True, exist_ok=True)
    error = None
    with _environment(task.root):
        for attempt in (1, 2):
            try:
                _execute(task)
                error = None
                break
            except PapermillExecutionError as exc:
                error = f"{exc.ename}: {exc.evalue} (cell {exc.exec_count})"
                break
            except Exception as exc:  # kernel start or I/O: retry once (port races exist)
                error = f"{type(exc).__name__}: {exc}"
                log.warning("report: %s %s attempt %d failed: %s", task.kind, task.id, attempt,
                            error)
    record = _read_record(task)
    charts = record.get("figures", [])
    figures = [path for chart in charts for path in chart["files"].values()]
    return TaskResult(task, "failed" if error else "ok", error, task.output, figures, charts,
                      record.get("key_figures", []), time.perf_counter() - start)


def _read_record(task: Task) -> dict:
    if not task.record.is_file():
        return {}
    try:
        return json.loads(task.record.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        log.warning("report: run record %s unreadable: %s", task.record, exc)
        return {}


# ---------------------------------------------------------------------------
# The whole report
# ---------------------------------------------------------------------------


@dataclass
class ReportResult:
    results: list[TaskResult]
    summary: dict
    out: Path

    @property
    def failed(self) -> list[TaskResult]:
        return [r for r in self.results if r.status != "ok"]


def run_report(options: Options, paths: Paths, *, notebooks: Path | None = None,
               runner: Callable[[Task], TaskResult] = run_task) -> ReportResult:
    """Run every task, then write summary.json, index.html and briefing.pdf."""
    from analysis import briefing, htmlpage, load, summary

    vintage = load.vintage(paths=paths)  # fails early, in one line, if data is not built
    tasks = plan(options, paths, notebooks)
    options.out.mkdir(parents=True, exist_ok=True)
    results = []
    for task in tasks:
        result = runner(task)
        results.append(result)
        if result.status == "ok":
            log.info("report: %-32s ok, %d figure file(s) (%.1fs)", task.output.name,
                     len(result.figures), result.duration)
        else:
            log.error("report: %-32s FAILED: %s (%.1fs)", task.output.name, result.error,
                      result.duration)
    data = summary.build(results, options, vintage)
    summary.write(data, options.out / "summary.json")
    htmlpage.write(data, options.out / "index.html")
    briefing.write(data, options.out, options.out / "briefing.pdf")
    return ReportResult(results, data, options.out)


def main(args) -> int:
    paths = project_paths()
    start = time.perf_counter()
    try:
        options = options_from_args(args, paths)
        if not paths.indicators.is_file():
            raise UsageError(f"{paths.indicators}: not built yet; run `make data` (offline: "
                             "`make data SNAPSHOT=../shared/data/snapshot`)")
        plan(options, paths)  # notebooks present?
    except UsageError as exc:
        log.error("error: %s", exc)
        return EXIT_USAGE
    result = run_report(options, paths)
    ok = len(result.results) - len(result.failed)
    log.info("report: %d notebook(s), %d ok, %d failed -> %s (%.1fs)", len(result.results), ok,
             len(result.failed), result.out / "index.html", time.perf_counter() - start)
    return EXIT_FAILED if result.failed else EXIT_OK
