"""Every command-line option, validated in one place before a command takes the project lock.

`check(args)` runs after argparse and before anything else: a bad option is a UsageError, which
the CLI reports in one line and answers with exit code 2, having run, written and locked
nothing. The parsed values go back on `args` (`args.providers`, `args.snapshot_dir`,
`args.report_options`, `args.notebook_dir`) so each command uses what was checked.
"""

from __future__ import annotations

import datetime as dt
import math
import os
from dataclasses import dataclass
from pathlib import Path

from analysis import catalogue, providers
from analysis.errors import AnalysisError
from analysis.exports import FORMATS
from analysis.paths import Paths, project_paths


class UsageError(AnalysisError):
    """A bad command-line option: reported in one line before anything runs."""


# ---------------------------------------------------------------------------
# Options
# ---------------------------------------------------------------------------


def default_jobs() -> int:
    """One run per CPU this process may use."""
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


@dataclass(frozen=True)
class Options:
    themes: tuple[str, ...]  # theme ids to run, catalogue order
    profiles: tuple[str, ...]  # states to profile (empty: no profiles)
    states: tuple[str, ...] | None  # passed to theme notebooks; None: each notebook's default
    years: tuple[int, int] | None
    formats: tuple[str, ...]
    out: Path
    reentry_bans: Path | None = None
    jobs: int | None = None  # runs at once; None: one per CPU
    force: bool = False  # run every notebook, whatever its fingerprint
    revision_threshold: float = 0.5  # % move that counts as a revision in data_changes


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
    unknown = catalogue.unknown_states(chosen)
    if unknown or not chosen:
        raise UsageError(f"--states {value!r}: unknown state(s) {', '.join(unknown) or '(none)'}"
                         f"; choose from {', '.join(catalogue.state_codes())}")
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
    last = dt.date.today().year
    if a < catalogue.FIRST_YEAR or b > last:
        raise UsageError(f"--years {value!r}: outside the years any source covers "
                         f"({catalogue.FIRST_YEAR}:{last})")
    return a, b


# Top-level folders of the project's data, code and notebooks: no report goes in them, not even
# into a new folder below them (nor below a hidden one: .git, .github, .venv, ...).
PROTECTED = ("data", "src", "notebooks", "tests", "benchmarks")
REPORT_MARK = "summary.json"  # every finished report folder holds one


def parse_out(value: str | None, paths: Paths) -> Path:
    """`--out DIR`: the report's folder (default reports/, where notebooks write too).

    A report replaces its whole folder (see `swap`), so only a folder with nothing to lose is
    accepted (an allowlist): a new folder, an empty one, or one holding a previous report (its
    summary.json), inside the project and outside its data, code, notebooks and hidden folders.
    Anything else (README.md, Makefile, .github, a folder of other files) is refused here,
    before anything is written."""
    if value is None:
        return paths.reports
    out = Path(value).resolve()
    root = paths.root.resolve()
    if out == paths.reports.resolve():
        return out

    def refuse(why: str) -> UsageError:
        return UsageError(f"--out {value!r}: {why}; choose a new or empty folder inside the "
                          "project, or one holding a previous report, e.g. reports/briefing")

    if not out.is_relative_to(root) or out == root:
        raise refuse(f"{out} is outside the project folder {root}")
    top = out.relative_to(root).parts[0]
    if top in PROTECTED or top.startswith("."):
        raise refuse(f"{out} is inside the project's {top}/ folder")
    existing = next(p for p in (out, *out.parents) if p.exists())
    if not existing.is_dir():
        raise refuse(f"{existing} is a file, not a folder")
    if existing == out and any(out.iterdir()) and not (out / REPORT_MARK).is_file():
        raise refuse(f"{out} holds files but no previous report ({REPORT_MARK}), and a report "
                     "replaces its whole folder")
    return out


def parse_formats(value: str | None) -> list[str]:
    if value is None:
        return list(FORMATS)
    chosen = [v.lower() for v in _split(value)]
    unknown = [v for v in chosen if v not in FORMATS]
    if unknown or not chosen:
        raise UsageError(f"--formats {value!r}: unknown format(s) {', '.join(unknown) or '(none)'}"
                         f"; choose from {', '.join(FORMATS)}")
    return list(dict.fromkeys(chosen))


def parse_jobs(value) -> int | None:
    """`--jobs N`: a whole number, 1 or more (None: one per CPU)."""
    if value is None:
        return None
    try:
        jobs = int(str(value).strip())
    except ValueError:
        jobs = 0
    if jobs < 1:
        raise UsageError(f"--jobs {value!r}: expected a whole number of notebooks to run at "
                         f"once, 1 or more (this machine has {default_jobs()} CPU(s))")
    return jobs


def options_from_args(args, paths: Paths) -> Options:
    themes, profiles = parse_themes(getattr(args, "themes", None))
    states = parse_states(getattr(args, "states", None))
    jobs = parse_jobs(getattr(args, "jobs", None))
    bans = getattr(args, "reentry_bans", None)
    if bans is not None:
        from analysis import metrics  # pandas: only when there is a file to check

        bans = Path(bans).resolve()
        try:
            metrics.read_analyst_csv(bans)
        except AnalysisError as exc:
            raise UsageError(f"--reentry-bans: {exc}") from None
    out = parse_out(getattr(args, "out", None), paths)
    return Options(
        themes=tuple(themes),
        profiles=tuple(states or catalogue.state_codes()) if profiles else (),
        states=tuple(states) if states else None,
        years=parse_years(getattr(args, "years", None)),
        formats=tuple(parse_formats(getattr(args, "formats", None))),
        out=out,
        reentry_bans=bans,
        jobs=jobs,
        force=bool(getattr(args, "force", False)),
        revision_threshold=parse_threshold(getattr(args, "revision_threshold", None)),
    )


def parse_threshold(value) -> float:
    """`--revision-threshold PCT`: how far (in %) a value must move to be listed as revised."""
    if value is None:
        return 0.5
    try:
        pct = float(str(value).strip())
    except ValueError:
        pct = -1.0
    if not math.isfinite(pct) or pct < 0:
        raise UsageError(f"--revision-threshold {value!r}: expected a percentage, 0 or more "
                         "(e.g. 0.5)")
    return pct


def notebooks_from_args(args) -> Path | None:
    """`--notebooks DIR`: run the notebooks found there instead of the repository's."""
    value = getattr(args, "notebooks", None)
    if value is None:
        return None
    folder = Path(value).resolve()
    if not folder.is_dir():
        raise UsageError(f"--notebooks {value!r}: not a folder")
    return folder


# ---------------------------------------------------------------------------
# fetch and the options every command takes
# ---------------------------------------------------------------------------


def parse_sources(value: str | None) -> list[str]:
    """`--source NAME[,NAME]`: provider ids (default: every provider)."""
    known = list(providers.IDS)
    if value is None:
        return known
    chosen = _split(value)
    unknown = [v for v in chosen if v not in known]
    if unknown or not chosen:
        raise UsageError(f"--source {value!r}: unknown provider(s) {', '.join(unknown) or '(none)'}"
                         f"; choose from {', '.join(known)}")
    return chosen


def parse_snapshot(value: str | None) -> Path | None:
    """`--snapshot DIR`: an existing folder laid out like ../shared/data/snapshot."""
    if value is None:
        return None
    folder = Path(value).expanduser().resolve()
    if not folder.is_dir():
        raise UsageError(f"--snapshot {value!r}: folder {folder} not found (expected a folder "
                         "laid out like ../shared/data/snapshot)")
    return folder


def parse_seconds(option: str, value: float | None) -> float | None:
    """A duration option (`--wait`, `--max-age`): a finite number, 0 or more."""
    if value is None:
        return None
    if not math.isfinite(value) or value < 0:
        raise UsageError(f"{option} {value!r}: expected a number, 0 or more")
    return value


def check(args) -> None:
    """Validate every option of the parsed command line (see the module's docstring)."""
    parse_seconds("--wait", getattr(args, "wait", None))
    if args.command == "fetch":
        args.providers = parse_sources(args.source)
        args.snapshot_dir = parse_snapshot(args.snapshot)
        parse_seconds("--max-age", args.max_age)
    elif args.command == "report":
        paths = project_paths()
        args.report_options = options_from_args(args, paths)
        args.notebook_dir = notebooks_from_args(args)
