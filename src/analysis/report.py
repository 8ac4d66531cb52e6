"""`python -m analysis report`: run every theme notebook and country profile with papermill, then
write reports/summary.json, reports/briefing.pdf, the slide deck reports/briefing.pptx, a PDF
note per profiled state (reports/countries/<ISO3>/<ISO3>.pdf) and the pages: reports/index.html
(the main page), reports/themes/<id>/index.html (every chart of a theme) and
reports/countries/<ISO3>/index.html (the country annex).

Each notebook run is one independent task (`run_task(task) -> TaskResult`): its own output
notebook, its own log (`notebooks/<run>.log`) and its own run record (the JSON file the
notebook's session writes, listing figures with their captions' claims, findings, key figures,
and the processed files and package code it used). Up to `--jobs` runs go at once, in a pool of
worker processes; the parent prints one line per finished run. Each worker keeps one kernel for
its runs, one after another, each run starting as in a new kernel (see `warmkernel`): a kernel
start and the imports of pandas and matplotlib once per worker, not once per run (issue 22).
papermill writes each executed notebook once, when its run ends (see `runengine`). As each run
finishes, the parent draws what is made of that run alone (a theme's briefing pages, a state's
country note) while the workers go on; each is kept while what it shows is unchanged.

A run whose fingerprint (notebook cells, parameters, the processed files and package code it
used; see `fingerprint`) is unchanged since its last successful run, and whose outputs are all
still there, is not run again: its figures, findings and key figures come from its run record.
`--force` runs everything. The summary, page and briefing are rewritten whenever any run ran
(or their own inputs changed).

A failed notebook does not stop the others; it is marked failed in the summary and on the page,
its executed notebook keeps the error cell, and the command exits non-zero. Options are checked
before any notebook starts.

Heavy libraries (papermill, pandas, matplotlib) are imported only where a notebook runs or the
page and briefing are written: a report with nothing to do stays well under two seconds.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
import os
import shutil
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from analysis import catalogue, fingerprint, logs, swap
from analysis.errors import AnalysisError
from analysis.options import (  # noqa: F401 (Options and the parsers are re-exported)
    Options,
    UsageError,
    default_jobs,
    notebooks_from_args,
    options_from_args,
)
from analysis.paths import Paths, project_paths
from analysis.progress import Progress, on_terminal

log = logging.getLogger(__name__)

KERNEL = "python3"  # resolved by jupyter_client to the interpreter running the report
EXECUTION_TIMEOUT = 900  # seconds per cell
START_TIMEOUT = 120  # seconds for a kernel to start on a loaded machine
REENTRY_THEME = "reentry_reintegration"
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
OK, FAILED, UP_TO_DATE = "ok", "failed", "up to date"  # TaskResult.status
# The files the summary, page and briefing are made with, besides the run records.
ASSEMBLY_CODE = ("report.py", "summary.py", "htmlpage.py", "briefing.py", "deck.py",
                 "plotting.py", "fmt.py", "catalogue.py", "templates/index.html.j2",
                 "house.mplstyle", "changes.py", "templates/country.html.j2",
                 "templates/macros.html.j2", "templates/style.html.j2",
                 "templates/theme.html.j2", "keymessages.py", "screen.py", "countrynote.py",
                 "pdfpages.py")


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

    @property
    def stem(self) -> str:
        return self.output.stem

    @property
    def log(self) -> Path:
        return self.output.with_suffix(".log")


@dataclass
class TaskResult:
    task: Task
    status: str  # OK, FAILED or UP_TO_DATE
    error: str | None
    output_notebook: Path | None  # None: the run left none (its worker process died)
    figures: list[str] = field(default_factory=list)  # relative paths, every format
    charts: list[dict] = field(default_factory=list)  # per figure: title, caption, claims...
    key_figures: list[dict] = field(default_factory=list)
    duration: float = 0.0
    findings: list[dict] = field(default_factory=list)  # other finding sentences and claims

    @property
    def succeeded(self) -> bool:
        return self.status in (OK, UP_TO_DATE)


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


# ---------------------------------------------------------------------------
# One run
# ---------------------------------------------------------------------------


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


KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=ERROR"]  # its start-up chatter is not news

# In a worker process: the kernel its runs share, one after another (see `warmkernel`).
_kernel = None


def _execute(task: Task, log_file=None) -> None:
    import papermill

    from analysis import runengine

    # In a run's own log, papermill's INFO lines (each cell as it starts, its printed output)
    # show where a run spends its time; elsewhere our own line says enough.
    logging.getLogger("papermill").setLevel(logging.INFO if log_file else logging.WARNING)
    arguments = dict(parameters=task.parameters, progress_bar=False,
                     log_output=log_file is not None, stdout_file=log_file,
                     stderr_file=log_file, start_timeout=START_TIMEOUT,
                     execution_timeout=EXECUTION_TIMEOUT,
                     engine_name=runengine.register())  # the notebook written once, at the end
    if _kernel is not None:
        _kernel.execute(task.source, task.output, task.root, **arguments)
        return
    papermill.execute_notebook(
        str(task.source), str(task.output), kernel_name=KERNEL, **arguments,
        # The kernel starts in the notebook's folder, as in JupyterLab. Given to the kernel
        # manager, not as papermill's `cwd=`, which changes this whole process's directory.
        resources={"metadata": {"path": str(task.source.parent)}},
        extra_arguments=KERNEL_ARGUMENTS)


def kernel_start_failed(exc: BaseException) -> bool:
    """Did the kernel fail to start (a port taken between choosing and binding it, a start
    slower than the timeout)? Such a failure is worth one more try; a notebook's own error is
    not."""
    text = str(exc)
    if isinstance(exc, TimeoutError):
        return True
    if isinstance(exc, RuntimeError) and ("Kernel died before replying to kernel_info" in text
                                          or "didn't respond" in text):
        return True
    return type(exc).__name__ == "ZMQError" and "Address already in use" in text


def run_task(task: Task, log_file=None) -> TaskResult:
    """Run one notebook; never raises for a notebook's own failure. Retries once when the kernel
    fails to start. `log_file` (a text file) receives the kernel's stream output."""
    from papermill.exceptions import PapermillExecutionError

    start = time.perf_counter()
    shutil.rmtree(task.figure_dir, ignore_errors=True)
    task.record.unlink(missing_ok=True)
    task.output.unlink(missing_ok=True)  # new files only: see `_staged_report`
    task.output.parent.mkdir(parents=True, exist_ok=True)
    error = None
    with _environment(task.root):
        for attempt in (1, 2):
            try:
                _execute(task, log_file)
                error = None
                break
            except PapermillExecutionError as exc:
                error = f"{exc.ename}: {exc.evalue} (cell {exc.exec_count})"
                break
            except Exception as exc:
                error = f"{type(exc).__name__}: {exc}"
                if attempt == 2 or not kernel_start_failed(exc):
                    break
                log.warning("report: %s: the kernel did not start (%s); trying once more",
                            task.stem, error)
    record = _read_record(task)
    return _result(task, FAILED if error else OK, error, record, time.perf_counter() - start)


def _result(task: Task, status: str, error: str | None, record: dict,
            duration: float) -> TaskResult:
    charts = record.get("figures", [])
    figures = [path for chart in charts
               for path in [*chart["files"].values(), *([chart["data"]["csv"]]
                                                       if chart.get("data") else [])]]
    return TaskResult(task, status, error, task.output, figures, charts,
                      record.get("key_figures", []), duration, record.get("findings", []))


def _read_record(task: Task) -> dict:
    if not task.record.is_file():
        return {}
    try:
        return json.loads(task.record.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        log.warning("report: run record %s unreadable: %s", task.record, exc)
        return {}


# ---------------------------------------------------------------------------
# Worker processes
# ---------------------------------------------------------------------------


def _exit_with_parent(parent: int) -> None:
    """End this worker if the report process ends without shutting the pool down (killed):
    workers are not told, and would wait for work forever. Its kernel follows it (ipykernel
    watches its parent too)."""
    import threading

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


# A worker's kernel builds the PDF font bases as it starts (see `fontcache`) when it will run
# at least this many notebooks on average: about 0.8 s, earned back over two or three runs.
PREPARE_FONTS_RUNS = 3


def _worker_start(parent: int, prepare_fonts: bool = False) -> None:
    """In each worker process, once: end with the parent, log to stderr (the current notebook's
    log file while a run goes on), import papermill ahead of the first run, and keep a kernel
    for this worker's runs (started by the first; ended when the worker ends), which builds
    the PDF font bases as it starts if `prepare_fonts`."""
    global _kernel
    from multiprocessing.util import Finalize

    from analysis.warmkernel import WarmKernel

    _exit_with_parent(parent)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: "
                        "%(message)s", stream=sys.stderr, force=True)
    # papermill -> nbformat -> jsonschema imports rfc3987_syntax, when installed, to check
    # "iri" strings, and building its grammar takes a second per process. Notebook schemas
    # have no such strings; without the module, jsonschema leaves that format unchecked.
    sys.modules.setdefault("rfc3987_syntax", None)
    import papermill  # noqa: F401

    _kernel = WarmKernel(KERNEL, START_TIMEOUT, KERNEL_ARGUMENTS, prepare_fonts)
    Finalize(_kernel, _kernel.shutdown, exitpriority=10)  # run as the worker process ends


@contextlib.contextmanager
def _output_to(path: Path) -> Iterator:
    """Send this process's stdout and stderr, and its children's (the kernel's), to `path`:
    each run's messages stay in its own log, none reach the terminal interleaved."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)  # a new file: the old one may be linked from the last report
    with open(path, "w", encoding="utf-8", buffering=1) as log_file:
        sys.stdout.flush()
        sys.stderr.flush()
        saved = os.dup(1), os.dup(2)
        os.dup2(log_file.fileno(), 1)
        os.dup2(log_file.fileno(), 2)
        try:
            yield log_file
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])


def _run_in_worker(task: Task) -> TaskResult:
    with _output_to(task.log) as log_file:
        log.info("report: %s: %s -> %s", task.stem, task.source, task.output)
        log.info("report: %s: parameters %s", task.stem, json.dumps(task.parameters))
        result = run_task(task, log_file)
        log.info("report: %s: %s%s (%.1fs)", task.stem, result.status,
                 f": {result.error}" if result.error else "", result.duration)
    return result


def _run_all(tasks: list[Task], jobs: int) -> Iterator[TaskResult]:
    """Run `tasks` in a pool of `jobs` worker processes; yield each result as it finishes."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool

    if not tasks:
        return
    # spawn: each worker is a fresh interpreter (no state or threads copied from this one).
    workers = min(jobs, len(tasks))
    pool = ProcessPoolExecutor(max_workers=workers, initializer=_worker_start,
                               initargs=(os.getpid(), len(tasks) >= PREPARE_FONTS_RUNS * workers),
                               mp_context=multiprocessing.get_context("spawn"))
    with pool:
        futures = {pool.submit(_run_in_worker, task): task for task in tasks}
        try:
            for future in as_completed(futures):
                task = futures[future]
                try:
                    yield future.result()
                except BrokenProcessPool as exc:
                    yield TaskResult(task, FAILED, f"the worker process running it died ({exc})",
                                     task.output)
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise


# ---------------------------------------------------------------------------
# Up to date?
# ---------------------------------------------------------------------------


def _processed(task: Task) -> Path:
    return Paths(task.root).processed


def _up_to_date(task: Task) -> tuple[TaskResult | None, str]:
    """The stored result of `task` if its fingerprint is unchanged and its outputs exist, else
    None and the reason it must run."""
    entry = fingerprint.load(task.out, task.stem)
    if entry is None:
        return None, "no earlier successful run"
    stored = entry["fingerprint"]
    record = _read_record(task) if task.output.is_file() else {}
    if not record:
        return None, "outputs missing"
    result = _result(task, UP_TO_DATE, None, record, 0.0)
    missing = [f for f in result.figures if not (task.out / f).is_file()]
    if missing:
        return None, f"outputs missing: {missing[0]}"
    current = fingerprint.compute(task.source, task.parameters, list(stored.get("data", {})),
                                  list(stored.get("code", {})), _processed(task))
    reason = fingerprint.difference(stored, current)
    if reason:
        return None, reason
    return result, ""


def _remember(result: TaskResult, planned: Task) -> None:
    """After a run: store its fingerprint if it succeeded, forget it if it failed. The run
    happened in the staging folder (`result.task`); the fingerprint is of the task as planned,
    whose parameters name the final folder, so that the next report can compare."""
    task = result.task
    if result.status != OK:
        fingerprint.forget(task.out, task.stem)
        return
    record = _read_record(task)
    current = fingerprint.compute(planned.source, planned.parameters, record.get("reads", []),
                                  record.get("code", []), _processed(task))
    fingerprint.save(task.out, task.stem, current, result.duration)


def _longest_first(tasks: list[Task]) -> list[Task]:
    """Runs that took longest last time start first, so no long run is left for the end."""
    def last_duration(task: Task) -> float:
        entry = fingerprint.load(task.out, task.stem)
        return entry.get("duration_s", 0.0) if entry else 0.0
    return sorted(tasks, key=last_duration, reverse=True)


# ---------------------------------------------------------------------------
# The whole report
# ---------------------------------------------------------------------------


@dataclass
class ReportResult:
    results: list[TaskResult]
    summary: dict | None  # None when the summary, page and briefing were up to date
    out: Path

    @property
    def failed(self) -> list[TaskResult]:
        return [r for r in self.results if not r.succeeded]

    @property
    def ran(self) -> list[TaskResult]:
        return [r for r in self.results if r.status != UP_TO_DATE]


def _import_in_background(*modules: str) -> None:
    """Import what the page and briefing need while the workers run the notebooks (this
    process only waits meanwhile), rather than after them."""
    import importlib
    import threading

    def load() -> None:
        for name in modules:
            importlib.import_module(name)

    threading.Thread(target=load, name="report-imports", daemon=True).start()


def _draw_pages_of(result: TaskResult, out: Path, vintage: dict) -> None:
    """As soon as a notebook has finished (the parent has nothing else to do meanwhile), draw
    what is made of its run alone: a theme's briefing pages, a profiled state's country note.
    The assembly at the end then finds them drawn (each is kept while what it shows is
    unchanged) and only puts the briefing together."""
    from analysis import briefing, countrynote, summary

    if result.task.kind == "theme":
        briefing.theme_pages(summary.theme_entry(result.task.id, result, result.task.out), out)
    else:
        countrynote.note(summary.country_entry(result.task.id, result, result.task.out),
                         vintage, out)


def _read_vintage(paths: Paths) -> dict:
    if not paths.vintage_json.is_file():
        raise AnalysisError(f"{paths.vintage_json}: not built yet; run `make data`")
    return json.loads(paths.vintage_json.read_text(encoding="utf-8"))


def _assembly_fingerprint(options: Options, results: list[TaskResult], paths: Paths,
                          store: Path) -> dict:
    """What the summary, page and briefing are made of: the options, the data vintage, each
    run's fingerprint, and the code that writes them."""
    runs = {}
    for r in results:
        entry = fingerprint.load(store, r.task.stem) if r.succeeded else None
        runs[r.task.stem] = (fingerprint.sha256_bytes(
            fingerprint.canonical(entry["fingerprint"]).encode()) if entry else r.status)
    return {
        "options": fingerprint.canonical({k: str(v) for k, v in vars(options).items()
                                          if k not in ("jobs", "force")}),
        "vintage": fingerprint.sha256_file(paths.vintage_json),
        # The key messages read the indicators and the observation notes.
        "tables": {p.name: fingerprint.sha256_file(p) for p in (paths.indicators,
                                                              paths.corridors,
                                                              paths.observation_notes)},
        "runs": runs,
        "code": {name: fingerprint.sha256_file(fingerprint.PACKAGE / name)
                 for name in ASSEMBLY_CODE},
    }


def _assembly_outputs(out: Path, options: Options) -> list[Path]:
    """The files the assembly writes: one missing means it runs again. Every theme has its
    page (a theme not run says so on it); every profiled state its country page and note."""
    from analysis.countrynote import note_path

    return [out / "summary.json", out / "index.html", out / "briefing.pdf",
            out / "briefing.pptx",
            *(out / "themes" / theme.id / "index.html" for theme in catalogue.THEMES),
            *(out / "countries" / iso3 / "index.html" for iso3 in options.profiles),
            *(note_path(out, iso3) for iso3 in options.profiles)]


def _handle(result: TaskResult, planned: Task, done: dict[str, TaskResult],
            staging: Path, vintage: dict) -> None:
    """Record one finished run: fingerprint, log line, its briefing pages or country note.
    The result is kept with the paths it will have once the staging folder is in place."""
    _remember(result, planned)
    left = result.output_notebook is not None and result.output_notebook.is_file()
    result = dataclasses.replace(result, task=planned,
                                 output_notebook=planned.output if left else None)
    done[result.task.stem] = result
    if result.status == OK:
        log.info("report: %-32s ok, %d figure and data file(s) (%.1fs)", result.task.output.name,
                 len(result.figures), result.duration)
    else:
        log.error("report: %-32s FAILED: %s (%.1fs); log: %s", result.task.output.name,
                  result.error, result.duration, result.task.log)
    _draw_pages_of(result, staging, vintage)  # now, while the workers run the other notebooks


@contextlib.contextmanager
def _progress(total: int) -> Iterator[Progress]:
    """A bar on a terminal (not with --quiet), log lines printed above it."""
    enabled = total > 0 and on_terminal() and log.isEnabledFor(logging.INFO)
    progress = Progress("report", total, enabled, unit="notebook")
    try:
        if enabled:
            from tqdm.contrib.logging import logging_redirect_tqdm

            with logging_redirect_tqdm(loggers=[logging.getLogger()]):  # root: our handler
                yield progress
        else:
            yield progress
    finally:
        progress.close()


def run_report(options: Options, paths: Paths, *, notebooks: Path | None = None) -> ReportResult:
    """Run every task that is not up to date, then write summary.json, index.html and
    briefing.pdf (unless they are up to date too).

    Everything is written into a staging copy of the report folder (hard links to the files
    that stay), which replaces the folder only at the end: a report killed midway leaves the
    previous report as it was, whole (see `swap`)."""
    vintage = _read_vintage(paths)  # fails early, in one line, if data is not built
    tasks = plan(options, paths, notebooks)
    final = options.out
    swap.recover_dir(final)  # a report killed between its two renames
    jobs = options.jobs or default_jobs()

    done: dict[str, TaskResult] = {}  # by run (task stem)
    to_run: list[tuple[Task, str]] = []
    for task in tasks:
        result, reason = (None, "--force") if options.force else _up_to_date(task)
        if result is None:
            to_run.append((task, reason))
        else:
            done[task.stem] = result
    if done:
        log.info("report: %d notebook(s) up to date", len(done))
    if not to_run and not options.force:
        results = [done[task.stem] for task in tasks]
        stored = fingerprint.load(final, "_assembly")
        if (stored is not None
                and stored["fingerprint"] == _assembly_fingerprint(options, results, paths, final)
                and all(p.is_file() for p in _assembly_outputs(final, options))):
            log.info("report: summary, page and briefing up to date")
            return ReportResult(results, None, final)
    _log_reasons(to_run, jobs)

    with swap.replace_dir(final) as staging:
        _link_tree(final, staging)
        planned = {task.stem: task for task, _ in to_run}
        ordered = _longest_first([_relocate(task, final, staging) for task, _ in to_run])
        for task in ordered:  # a run cut short must not look up to date later
            fingerprint.forget(task.out, task.stem)
        with _progress(len(ordered)) as progress:
            for result in _run_all(ordered, jobs):
                progress.step(result.task.stem)
                _handle(result, planned[result.task.stem], done, staging, vintage)
        results = [done[task.stem] for task in tasks]

        from analysis import (
            briefing,
            changes,
            countrynote,
            deck,
            htmlpage,
            keymessages,
            screen,
            summary,
        )

        start = time.perf_counter()
        assembly = _assembly_fingerprint(options, results, paths, staging)
        data = summary.build(results, options, vintage,
                             changes.since_last(staging, paths, options.revision_threshold),
                             screen.unreviewed_entries(paths))
        data["summary"] = keymessages.build(data, paths)
        if data["status"] == "ok":  # the next report compares with the last successful one
            changes.keep(staging, paths, data["generated_at"])
        summary.write(data, staging / "summary.json")
        countrynote.write(data, staging)
        briefing.write(data, staging, staging / "briefing.pdf")
        deck.write(data, staging, staging / "briefing.pptx")
        # The pages last: the main page links the optional files (slides, country notes) only
        # if they exist by now.
        htmlpage.write_themes(data, staging)
        htmlpage.write_countries(data, staging)
        htmlpage.write(data, staging / "index.html")
        fingerprint.save(staging, "_assembly", assembly, time.perf_counter() - start)
    return ReportResult(results, data, final)


def _log_reasons(to_run: list[tuple[Task, str]], jobs: int) -> None:
    reasons: dict[str, list[str]] = {}
    for task, reason in to_run:
        reasons.setdefault(reason, []).append(task.stem)
    for reason, stems in reasons.items():
        shown = ", ".join(stems) if len(stems) <= 4 else f"{len(stems)} notebooks"
        log.info("report: to run (%s): %s", reason, shown)
    if to_run:
        log.info("report: running %d notebook(s), %d at a time", len(to_run),
                 min(jobs, len(to_run)))
        _import_in_background("analysis.briefing", "analysis.htmlpage", "analysis.deck",
                              "analysis.countrynote", "pypdf")


def _link_tree(source: Path, target: Path) -> None:
    """Fill `target` with hard links to every file under `source` (cheap, same file system).
    Whatever a run rewrites is first unlinked there, never written through a link."""
    if not source.is_dir():
        return
    for folder, _dirs, files in os.walk(source):
        here = target / Path(folder).relative_to(source)
        here.mkdir(parents=True, exist_ok=True)
        for name in files:
            os.link(Path(folder) / name, here / name)


def _relocate(task: Task, final: Path, staging: Path) -> Task:
    """The same run, writing into the staging folder instead of the final one."""
    def moved(path: Path) -> Path:
        return staging / Path(path).relative_to(final)

    parameters = dict(task.parameters, output_dir=str(staging),
                      record_file=str(moved(Path(task.parameters["record_file"]))))
    return dataclasses.replace(task, output=moved(task.output), record=moved(task.record),
                               figure_dir=moved(task.figure_dir), parameters=parameters,
                               out=staging)


def _changes_phrase(data: dict | None) -> str:
    """'; 12 data change(s) since 2026-11-21T05:17:03Z' for the scheduler's one log line."""
    if not data:
        return ""
    found = data["data_changes"]
    if found["since"] is None:
        return "; first report here: no earlier data to compare with"
    return f"; {len(found['changes'])} data change(s) since {found['since']}"


def main(args) -> int:
    paths = project_paths()
    start = time.perf_counter()
    try:
        # Checked already when called from the command line (options.check); parsed here
        # for callers that hand over an argparse namespace of their own.
        options = getattr(args, "report_options", None) or options_from_args(args, paths)
        notebooks = (args.notebook_dir if hasattr(args, "report_options")
                     else notebooks_from_args(args))
        if not paths.indicators.is_file():
            raise UsageError(f"{paths.indicators}: not built yet; run `make data` (offline: "
                             "`make data SNAPSHOT=../shared/data/snapshot`)")
        plan(options, paths, notebooks)  # notebooks present?
    except UsageError as exc:
        log.error("error: %s", exc)
        return EXIT_USAGE
    result = run_report(options, paths, notebooks=notebooks)
    # The one line --quiet keeps (a scheduler's log).
    logs.summary(log, "report: %d notebook(s): %d ran, %d up to date, %d failed -> %s (%.1fs)%s",
                 len(result.results), len(result.ran) - len(result.failed),
                 len(result.results) - len(result.ran), len(result.failed),
                 result.out / "index.html", time.perf_counter() - start,
                 _changes_phrase(result.summary))
    return EXIT_FAILED if result.failed else EXIT_OK
