"""Where does a cold report spend its time? Per notebook and per step (issue 22).

    python benchmarks/report_profile.py [--snapshot DIR | --root DIR] [--only STEM ...]
                                        [--warm] [--json FILE]

Into a temporary project root fetched and built from the snapshot, each of the report's runs
(the same notebooks and parameters as `python -m analysis report`) goes one after another, as
in plain papermill: a new kernel, the notebook's cells, the kernel shut down, the executed
notebook written. Timed per run:

- kernel start (until it answers), and its shutdown,
- imports: the package's notebook module and the notebook's theme module, with pandas and
  matplotlib (what the first cell imports),
- inside the cells (`stepclock`, exclusive times): data loading, claims, chart data (tidy,
  check, citation), CSV, chart checks, each figure format's savefig (the first one solves the
  layout and draws; "savefig pdf" without its font subsets, timed apart), the run record, the
  notebook's display of figures and findings, and the rest (the theme module's computations
  and drawing the charts),
- writing the executed notebook;

With --warm, the runs share one kernel as in a report worker (`analysis.warmkernel`): its start
once (with the libraries' imports), then each run's preparation. Then the report's assembly on
those runs: each theme's briefing pages and each country note (drawn as runs finish in a
report), the summary and key messages, the briefing, the deck and the pages. Prints
a table per run and the totals per step; --json writes them.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
THEME_IMPORT = re.compile(r"from analysis\.themes import (\w+)")


def _run_code(client, code: str) -> str:
    """Run `code` in the kernel as a cell of its own; return what it printed."""
    from nbformat.v4 import new_code_cell

    cell = new_code_cell(code)
    client.execute_cell(cell, 0)  # raises CellExecutionError if the code failed
    return "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")


def profile_task(task, warm=None) -> dict:
    """One run in a new kernel, like papermill, with every step timed; with `warm` (an
    analysis.warmkernel.WarmKernel), on that kernel as the report's workers run it."""
    import nbformat
    import papermill
    from nbclient import NotebookClient
    from papermill.iorw import load_notebook_node

    from analysis import warmkernel

    nb = papermill.parameterize.parameterize_notebook(load_notebook_node(str(task.source)),
                                                      task.parameters)
    modules = sorted(set(THEME_IMPORT.findall("".join(
        "".join(c.source) for c in nb.cells if c.cell_type == "code"))))
    task.output.parent.mkdir(parents=True, exist_ok=True)
    times: dict[str, float] = {}
    start = time.perf_counter()
    if warm is not None:
        if not warm.alive:
            warm.start(task.source.parent)
            times["kernel start"] = time.perf_counter() - start
        clock = time.perf_counter()
        warm._run_silently(warmkernel._PREPARE.format(folder=str(task.source.parent),
                                                      root=os.environ["ANALYSIS_ROOT"]))
        times["prepare a warm kernel"] = time.perf_counter() - clock
    client = NotebookClient(nb, km=warm.manager if warm else None, kernel_name="python3",
                            timeout=900, startup_timeout=120,
                            resources={"metadata": {"path": str(task.source.parent)}},
                            extra_arguments=["--IPKernelApp.log_level=ERROR"])
    clock = time.perf_counter()
    with client.setup_kernel():
        if warm is None:
            times["kernel start"] = time.perf_counter() - clock
        clock = time.perf_counter()
        _run_code(client, "\n".join([
            f"import sys; sys.path.insert(0, {str(HERE)!r})",
            "import stepclock, analysis.notebook",
            *[f"import analysis.themes.{m}" for m in modules],
            "stepclock.install()"]))
        times["imports"] = time.perf_counter() - clock
        clock = time.perf_counter()
        for index, cell in enumerate(nb.cells):
            if cell.cell_type == "code":
                client.execute_cell(cell, index)
        cells = time.perf_counter() - clock
        steps = json.loads(_run_code(client, "import json; print(json.dumps("
                                             "stepclock.report()))").strip())
        times.update(steps)
        times["theme computations and drawing"] = cells - sum(steps.values())
        clock = time.perf_counter()
    if warm is None:
        times["kernel shutdown"] = time.perf_counter() - clock
    else:
        warm._close_clients()
    clock = time.perf_counter()
    nbformat.write(nb, task.output)
    times["write notebook"] = time.perf_counter() - clock
    times["total"] = time.perf_counter() - start
    return times


def profile_assembly(tasks, options, paths) -> dict:
    """The report's assembly on the runs' records, step by step. The briefing pages and the
    country notes are drawn in a report as each run finishes; the rest after the runs."""
    from analysis import (
        briefing,
        changes,
        countrynote,
        deck,
        htmlpage,
        keymessages,
        report,
        screen,
        summary,
    )

    times: dict[str, float] = {}

    def timed(step: str, function, *args):
        clock = time.perf_counter()
        value = function(*args)
        times[step] = times.get(step, 0.0) + time.perf_counter() - clock
        return value

    out = options.out
    vintage = report._read_vintage(paths)
    results = [report._result(t, report.OK, None, report._read_record(t), 0.0) for t in tasks]
    for result in results:
        if result.task.kind == "theme":
            entry = summary.theme_entry(result.task.id, result, out)
            timed("briefing pages of each theme", briefing.theme_pages, entry, out)
        else:
            entry = summary.country_entry(result.task.id, result, out)
            timed("country notes", countrynote.note, entry, vintage, out)
    data = timed("summary", lambda: summary.build(results, options, vintage,
                                                  changes.since_last(out, paths, 5.0),
                                                  screen.unreviewed_entries(paths)))
    data["summary"] = timed("key messages", keymessages.build, data, paths)
    timed("summary", summary.write, data, out / "summary.json")
    timed("briefing.pdf (from the pages)", briefing.write, data, out, out / "briefing.pdf")
    timed("slide deck", deck.write, data, out, out / "briefing.pptx")
    timed("theme pages", htmlpage.write_themes, data, out)
    timed("country pages", htmlpage.write_countries, data, out)
    timed("index.html", htmlpage.write, data, out / "index.html")
    times["total"] = sum(times.values())
    return times


def _table(rows: dict[str, dict], columns: list[str]) -> str:
    width = max(len(c) for c in columns) + 1
    names = list(rows)
    head = f"{'step':<{width}}" + "".join(f"{n[:9]:>10}" for n in names)
    lines = [head, "-" * len(head)]
    for column in columns:
        lines.append(f"{column:<{width}}" + "".join(
            f"{rows[n].get(column, 0.0):10.2f}" for n in names))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--snapshot", default=str(REPO.parent / "shared" / "data" / "snapshot"))
    parser.add_argument("--root", help="an existing project root with data/processed built "
                        "(default: a temporary one, fetched and built from the snapshot)")
    parser.add_argument("--only", nargs="*", help="run stems to profile (default: all)")
    parser.add_argument("--json", help="write the timings to this file")
    parser.add_argument("--warm", action="store_true",
                        help="run every notebook on one kernel, as a report worker does "
                        "(analysis.warmkernel), instead of a new kernel per notebook")
    args = parser.parse_args()
    sys.modules.setdefault("rfc3987_syntax", None)  # as the report's workers (see report.py)

    with tempfile.TemporaryDirectory(prefix="report-profile-") as tmp:
        root = Path(args.root) if args.root else Path(tmp) / "root"
        os.environ["ANALYSIS_ROOT"] = str(root)
        if not args.root:
            for verb in (["fetch", "--snapshot", args.snapshot], ["build"]):
                subprocess.run([sys.executable, "-m", "analysis", "--quiet", *verb], check=True)
        from analysis import catalogue, report
        from analysis.exports import FORMATS
        from analysis.paths import Paths

        out = Path(tmp) / "reports"
        shutil.rmtree(out, ignore_errors=True)
        options = report.Options(themes=tuple(t.id for t in catalogue.THEMES),
                                 profiles=tuple(catalogue.state_codes()), states=None,
                                 years=None, formats=FORMATS, out=out)
        paths = Paths(root)
        tasks = [t for t in report.plan(options, paths, REPO / "notebooks")
                 if not args.only or t.stem in args.only]
        runs = {}
        warm = None
        if args.warm:
            from analysis.warmkernel import WarmKernel

            warm = WarmKernel(report.KERNEL, report.START_TIMEOUT, report.KERNEL_ARGUMENTS)
        for task in tasks:
            runs[task.stem] = profile_task(task, warm)
            print(f"  {task.stem}: {runs[task.stem]['total']:.2f}s", flush=True)
        if warm is not None:
            warm.shutdown()
        assembly = profile_assembly(tasks, options, paths) if not args.only else {}

    steps = ["kernel start", "prepare a warm kernel", "imports", "data loading", "claims",
             "chart data (tidy, check, citation)", "CSV", "chart checks", "savefig png",
             "savefig svg", "savefig pdf", "pdf font subsets", "run record", "notebook display",
             "theme computations and drawing", "kernel shutdown", "write notebook", "total"]
    themes = {k: v for k, v in runs.items() if not k.startswith("country_profile")}
    profiles = {k: v for k, v in runs.items() if k.startswith("country_profile")}
    sums = {"themes": {s: sum(r.get(s, 0.0) for r in themes.values()) for s in steps},
            "profiles": {s: sum(r.get(s, 0.0) for r in profiles.values()) for s in steps}}
    sums["all"] = {s: sums["themes"][s] + sums["profiles"][s] for s in steps}
    print()
    print(_table(themes, steps))
    print()
    print(_table(sums, steps))
    total = sums["all"]["total"] or 1.0
    print()
    print("share of all runs' time:")
    for step in steps[:-1]:
        print(f"  {step:<36} {sums['all'][step]:8.2f}s  {100 * sums['all'][step] / total:5.1f}%")
    if assembly:
        print()
        print("assembly (after the runs):")
        for step, seconds in assembly.items():
            print(f"  {step:<36} {seconds:8.2f}s")
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps({"runs": runs, "sums": sums,
                                               "assembly": assembly}, indent=1) + "\n")


if __name__ == "__main__":
    main()
