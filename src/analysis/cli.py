"""`python -m analysis fetch | build | report | catalog`.

Exit codes: 0 success, 1 a step failed (the message names what and where), 2 bad usage.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time

from analysis import catalogue, lock, logs, options, providers, swap
from analysis.errors import AnalysisError
from analysis.paths import project_paths

log = logging.getLogger("analysis")


def cmd_fetch(args) -> int:
    from analysis import snapshot

    paths = project_paths()
    chosen = args.providers  # checked by options.check
    if args.snapshot_dir is None:
        from analysis import live

        return live.fetch_all(paths, chosen, refresh=args.refresh, max_age=args.max_age)
    snapshot_dir = args.snapshot_dir
    sources = snapshot.read_sources_json(snapshot_dir)
    failed = []
    for provider_id in chosen:
        start = time.perf_counter()
        try:
            files, copied = snapshot.fetch_provider(paths, snapshot_dir, provider_id, sources,
                                                    refresh=args.refresh)
        except AnalysisError as exc:
            failed.append(provider_id)
            log.error("fetch %s failed: %s", provider_id, exc)
            continue
        rows = sum(f["rows"] for f in files.values())
        log.info("fetch %s: %d file(s), %d rows from snapshot %s%s (%.1fs)", provider_id,
                 len(files), rows, snapshot_dir,
                 "" if copied else ", unchanged since the last fetch (--refresh copies anyway)",
                 time.perf_counter() - start)
    if failed:
        log.error("fetch: %d of %d source(s) failed: %s; their previous raw data is kept",
                  len(failed), len(chosen), ", ".join(failed))
        return 1
    logs.summary(log, "fetch: %d source(s) from snapshot %s", len(chosen), snapshot_dir)
    return 0


def cmd_build(args) -> int:
    from analysis import build

    paths = project_paths()
    start = time.perf_counter()
    result = build.run_build(paths)
    tables = "".join(f", {rows} {label}" for label, rows in result.tables.items())
    logs.summary(log, "build: %d indicator rows, %d corridor rows%s -> %s (%.1fs)",
                 result.indicators, result.corridors, tables, paths.processed,
                 time.perf_counter() - start)
    return 0


def cmd_report(args) -> int:
    from analysis import report

    return report.main(args)


def cmd_catalog(args) -> int:
    out = sys.stdout
    out.write("States\n")
    for s in catalogue.STATES:
        out.write(f"  {s.iso3}  {s.name:<14} {s.role:<13} {s.colour}\n")
    out.write("\nThemes\n")
    for t in catalogue.THEMES:
        paras = ", ".join(map(str, t.paragraphs))
        out.write(f"  {t.id:<22} remarks {paras:<9} {t.title}\n")
        out.write(f"  {'':<22} {t.notebook}; indicators: {', '.join(t.indicators) or '-'}\n")
        if t.corridor_measures:
            out.write(f"  {'':<22} corridor measures: {', '.join(t.corridor_measures)}\n")
    out.write("\nIndicators\n")
    for i in catalogue.INDICATORS:
        out.write(f"  {i.id:<31} {i.unit:<27} {i.provider:<9} {i.code}\n")
    out.write("\nCorridor measures\n")
    for m in catalogue.CORRIDOR_MEASURES:
        out.write(f"  {m.id:<20} {m.unit:<13} {m.provider:<7} {m.dataset}.{m.field}\n")
    return 0


def _common_options(parser: argparse.ArgumentParser, default) -> None:
    """--quiet and --wait, accepted before or after the subcommand (`python -m analysis -q build`
    or `python -m analysis build -q`); `default` is SUPPRESS on all but the top parser, so that a
    subparser does not overwrite what was given before the subcommand."""
    parser.add_argument("-q", "--quiet", action="store_true", default=default,
                        help="only warnings, errors and one summary line per step (for cron)")
    parser.add_argument("--wait", type=float, default=default, metavar="SECONDS",
                        help="if another fetch/build/report runs on this project, wait this "
                             "long for it before giving up (default 0)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m analysis",
        description="Almaty Process evidence: fetch data, build tables, run the report.")
    _common_options(parser, argparse.SUPPRESS)
    parser.set_defaults(quiet=False, wait=0.0)
    common = argparse.ArgumentParser(add_help=False)
    _common_options(common, argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", required=True)

    fetch = sub.add_parser("fetch", parents=[common], help="bring provider data into data/raw",
                           description="Fetch every provider's data into data/raw/ and record it "
                                       "in data/raw/manifest.json. Live from the providers' APIs, "
                                       "or from a snapshot folder with --snapshot.")
    fetch.add_argument("--snapshot", metavar="DIR",
                       help="read from a folder laid out like ../shared/data/snapshot")
    fetch.add_argument("--source", metavar="NAME[,NAME]",
                       help="only these providers: " + ", ".join(providers.IDS))
    fetch.add_argument("--refresh", action="store_true",
                       help="fetch even if the last good fetch is recent")
    fetch.add_argument("--max-age", type=float, default=24.0, metavar="HOURS",
                       help="a live fetch newer than this is kept without a request (default 24)")
    fetch.set_defaults(func=cmd_fetch)

    build = sub.add_parser("build", parents=[common], help="turn data/raw into data/processed",
                           description="Derive data/processed/indicators.parquet, "
                                       "corridors.parquet and the catalogue export from "
                                       "data/raw, validated.")
    build.set_defaults(func=cmd_build)

    report = sub.add_parser("report", parents=[common], help="run the notebooks into reports/",
                            description="Run every theme notebook and country profile with "
                                        "papermill into reports/: executed notebooks, figures, "
                                        "summary.json, index.html, briefing.pdf and the slide "
                                        "deck briefing.pptx. Notebooks "
                                        "run in parallel (--jobs); one whose notebook, "
                                        "parameters, data and code are unchanged since its last "
                                        "successful run is not run again (--force runs all). "
                                        "Exits 1 if a notebook failed (the others still run), 2 "
                                        "on a bad option.")
    report.add_argument("--themes", metavar="ID[,ID]",
                        help="only these themes (default: all, plus country profiles): "
                             + ", ".join([t.id for t in catalogue.THEMES]
                                         + [catalogue.COUNTRY_PROFILE_ID]))
    report.add_argument("--states", metavar="ISO3[,ISO3]",
                        help="only these states, in theme notebooks and profiles (default: "
                             "each notebook's own set; profiles for every catalogue state)")
    report.add_argument("--years", metavar="A:B",
                        help="year range, inclusive (default: each notebook's own)")
    report.add_argument("--formats", metavar="png,svg,pdf",
                        help="figure formats (default: png,svg,pdf)")
    report.add_argument("--out", metavar="DIR",
                        help="output folder inside the project: a new or empty folder, or a "
                             "previous report's (default reports/)")
    report.add_argument("--reentry-bans", metavar="CSV",
                        help="analyst-supplied re-entry bans (columns year, iso3, value, "
                             "source, note) for the re-entry notebook")
    report.add_argument("--jobs", metavar="N",
                        help="run up to N notebooks at once, in N worker processes, each "
                             "with a kernel that runs its notebooks in turn, each from a clean "
                             "slate (default: one per CPU)")
    report.add_argument("--force", action="store_true",
                        help="run every notebook, even those whose notebook, parameters, data "
                             "and code are unchanged since their last successful run")
    report.add_argument("--revision-threshold", metavar="PCT",
                        help="list a value as revised in the page's 'What is new' and "
                             "summary.json's data_changes when it moved by more than PCT %% "
                             "since the last successful report (default 0.5)")
    report.add_argument("--notebooks", metavar="DIR",
                        help="run the notebooks in DIR instead of the repository's notebooks/")
    report.set_defaults(func=cmd_report)

    cat = sub.add_parser("catalog", parents=[common], help="print states, themes and indicators",
                         description="Print the catalogue: states, themes with their remark "
                                     "paragraphs, indicators and corridor measures.")
    cat.set_defaults(func=cmd_catalog)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logs.SUMMARY if args.quiet else logging.INFO,
                        format="%(message)s", stream=sys.stderr)
    try:
        # Every option first: a bad one runs, writes and locks nothing (exit 2).
        options.check(args)
    except options.UsageError as exc:
        log.error("error: %s", exc)
        return 2
    try:
        if args.command == "catalog":
            return args.func(args)
        # fetch, build and report write data/ or reports/: one at a time per project root.
        with lock.exclusive(project_paths(), args.command, wait=args.wait):
            swap.recover(project_paths())
            return args.func(args)
    except AnalysisError as exc:
        log.error("error: %s", exc)
        return 1
    except KeyboardInterrupt:
        log.error("interrupted")
        return 130
