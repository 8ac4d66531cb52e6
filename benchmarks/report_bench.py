"""How fast is the report on this machine, cold, with nothing to do, and after one edit?

    python benchmarks/report_bench.py [--snapshot DIR] [--repeat N] [--repeat-fast M]
                                      [--touch NOTEBOOK] [--jobs J]

Into a temporary project root fetched and built from the snapshot, with a copy of notebooks/
(so that the edit in (d) never touches the repository), and in one run:

  (a) baseline: plain papermill (its Python API, in one fresh process) over the same notebooks
      with the same parameters as the report, one after another; no summary, page or briefing;
  (b) cold `python -m analysis report` (empty report folder: every notebook runs, then the
      summary, page and briefing are written);
  (c) the same command again at once: nothing changed, nothing should run;
  (d) the same command after an edit to one theme notebook (a comment line appended to its
      last code cell, a new one each time): that notebook runs, then the page, summary and
      briefing are written.

(a) and (b) alternate N times (default 3); (c) and (d) run M times each (default 5). Prints the
median (and range) of each, the ratios b/a, c/a and d/a, d against the edited notebook's own
run time in (a), the CPU time of (a) and (b) (the work each did, which other work on the
machine does not change as it changes their wall time), the peak memory of (b) (the largest sum
of resident memory over the whole process tree: report, workers and kernels, sampled every
50 ms), and one summary line; writes
the same as JSON to benchmarks/results/report_bench-<UTC time>.json (git-ignored: numbers of
one machine at one moment; the lead's idle-machine run is the one that counts).
Targets (issue 22): b/a <= 0.40, c < 2 s, d <= 1.5 x the edited notebook's own run time, peak
memory < 2 GiB. Other work on the machine slows (a) and (b) alike: compare the ratios.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "results"
TARGET_B, TARGET_C, TARGET_D, TARGET_MEMORY = 0.40, 2.0, 1.5, 2 * 2**30

# (a): the same tasks (notebooks and parameters) as the report, run with papermill one after
# another in one process; prints each notebook's time as JSON on the last line.
BASELINE = r"""
import json, logging, sys, time
from pathlib import Path
import papermill
from analysis import catalogue, report
from analysis.exports import FORMATS
from analysis.paths import Paths

root, notebooks, out = (Path(a) for a in sys.argv[1:4])
logging.getLogger("papermill").setLevel(logging.WARNING)
options = report.Options(themes=tuple(t.id for t in catalogue.THEMES),
                         profiles=tuple(catalogue.state_codes()), states=None,
                         years=None, formats=FORMATS, out=out)
times = {}
(out / "notebooks").mkdir(parents=True)
for task in report.plan(options, Paths(root), notebooks):
    start = time.perf_counter()
    papermill.execute_notebook(str(task.source), str(task.output), parameters=task.parameters,
                               kernel_name="python3", progress_bar=False,
                               cwd=str(task.source.parent))
    times[task.source.name if task.kind == "theme" else task.stem] = (
        time.perf_counter() - start)
print(json.dumps(times))
"""


def sh(args: list[str], env: dict) -> None:
    subprocess.run([sys.executable, "-m", "analysis", "--quiet", *args], env=env, check=True)


class PeakMemory:
    """The largest sum of RSS over a process and all its descendants, sampled in a thread."""

    def __init__(self, pid: int, every: float = 0.05):
        self.process, self.every, self.peak = psutil.Process(pid), every, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._stop.is_set():
            total = 0
            with contextlib.suppress(psutil.Error):  # the report itself has ended
                for proc in [self.process, *self.process.children(recursive=True)]:
                    with contextlib.suppress(psutil.Error):  # a process ended meanwhile
                        total += proc.memory_info().rss
            self.peak = max(self.peak, total)
            self._stop.wait(self.every)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


def children_cpu() -> float:
    """CPU seconds (user and system) of this process's ended children and their descendants
    (workers, kernels): the work done, whatever else the machine was doing meanwhile."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_report(env: dict, notebooks: Path, extra: list[str] = (),
               measure_memory: bool = False) -> tuple[float, int, str, float]:
    """Time one `python -m analysis report`; return (seconds, peak bytes or 0, last line, CPU
    seconds)."""
    cpu = children_cpu()
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "analysis", "report", "--notebooks",
                             str(notebooks), *extra], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    memory = PeakMemory(proc.pid) if measure_memory else None
    output, _ = proc.communicate()
    elapsed = time.perf_counter() - start
    peak = memory.stop() if memory else 0
    if proc.returncode != 0:
        sys.exit(f"report failed (exit {proc.returncode}):\n{output}")
    return elapsed, peak, output.strip().splitlines()[-1], children_cpu() - cpu


def baseline(env: dict, root: Path, notebooks: Path, out: Path) -> tuple[float, dict, float]:
    shutil.rmtree(out, ignore_errors=True)
    cpu = children_cpu()
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", BASELINE, str(root), str(notebooks), str(out)],
                          env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"baseline failed (exit {done.returncode}):\n{done.stderr}")
    return elapsed, json.loads(done.stdout.strip().splitlines()[-1]), children_cpu() - cpu


def touch(notebook: Path, count: int) -> None:
    """A real edit: a comment line appended to the last code cell (a changed timestamp alone
    is not a change: fingerprints hash the cells)."""
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    cell = [c for c in nb["cells"] if c["cell_type"] == "code"][-1]
    source = "".join(cell["source"])
    cell["source"] = source.rstrip("\n") + f"\n# benchmark edit {count}\n"
    notebook.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def spread(times: list[float]) -> str:
    return (f"median {statistics.median(times):6.2f}s  (min {min(times):.2f}, "
            f"max {max(times):.2f}, n={len(times)})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--snapshot", default=str(REPO.parent / "shared" / "data" / "snapshot"))
    parser.add_argument("--repeat", type=int, default=3, help="repetitions of (a) and (b)")
    parser.add_argument("--repeat-fast", type=int, default=5, help="repetitions of (c), (d)")
    parser.add_argument("--touch", default="05_remittances.ipynb",
                        help="the theme notebook edited in (d)")
    parser.add_argument("--jobs", help="passed to the report (default: its own, one per CPU)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="report-bench-") as tmp:
        tmp = Path(tmp)
        root, notebooks = tmp / "root", tmp / "notebooks"
        shutil.copytree(REPO / "notebooks", notebooks)
        env = {**os.environ, "ANALYSIS_ROOT": str(root)}
        sh(["fetch", "--snapshot", args.snapshot], env)
        sh(["build"], env)
        reports = root / "reports"
        extra = ["--jobs", args.jobs] if args.jobs else []
        print(f"report benchmark: {psutil.cpu_count()} CPU(s), "
              f"{len(os.sched_getaffinity(0))} usable; jobs: {args.jobs or 'default'}; "
              f"root {root}", flush=True)

        a, b, peaks, own, cpu_a, cpu_b = [], [], [], [], [], []
        for i in range(args.repeat):
            seconds, per_notebook, cpu = baseline(env, root, notebooks, tmp / "baseline")
            a.append(seconds)
            cpu_a.append(cpu)
            own.append(per_notebook[args.touch])
            print(f"  (a) baseline papermill, run {i + 1}: {seconds:.2f}s, CPU {cpu:.1f}s "
                  f"({len(per_notebook)} notebooks)", flush=True)
            shutil.rmtree(reports, ignore_errors=True)
            seconds, peak, last, cpu = run_report(env, notebooks, extra, measure_memory=True)
            b.append(seconds)
            cpu_b.append(cpu)
            peaks.append(peak)
            print(f"  (b) cold report, run {i + 1}: {seconds:.2f}s, CPU {cpu:.1f}s, "
                  f"peak {peak / 2**20:.0f} MiB  [{last}]", flush=True)
        c = []
        for i in range(args.repeat_fast):
            seconds, _, last, _ = run_report(env, notebooks, extra)
            c.append(seconds)
            print(f"  (c) no-op rerun {i + 1}: {seconds:.2f}s  [{last}]", flush=True)
        d = []
        for i in range(args.repeat_fast):
            touch(notebooks / args.touch, i)
            seconds, _, last, _ = run_report(env, notebooks, extra)
            d.append(seconds)
            print(f"  (d) after editing {args.touch}, run {i + 1}: {seconds:.2f}s  [{last}]",
                  flush=True)

    ma, mb, mc, md, mown, mcpu_a, mcpu_b = (statistics.median(x) for x in
                                            (a, b, c, d, own, cpu_a, cpu_b))
    peak = max(peaks)
    print()
    print(f"(a) baseline, plain papermill, sequential: {spread(a)}")
    print(f"(b) cold `python -m analysis report`:      {spread(b)}")
    print(f"(c) no-op rerun:                           {spread(c)}")
    print(f"(d) rerun after editing {args.touch}: {spread(d)}")
    print(f"    {args.touch} alone in (a):  {spread(own)}")
    print(f"ratios: b/a = {mb / ma:.2f} (target <= {TARGET_B}), c/a = {mc / ma:.3f}, "
          f"d/a = {md / ma:.3f}; d / own run time = {md / mown:.2f} (target <= {TARGET_D})")
    print(f"CPU time (the work, whatever else ran): (a) {mcpu_a:.1f}s, (b) {mcpu_b:.1f}s, "
          f"b/a {mcpu_b / mcpu_a:.2f}; on an idle machine with {psutil.cpu_count()} CPUs (b) "
          f"takes at least {mcpu_b / psutil.cpu_count():.1f}s, "
          f"{mcpu_b / psutil.cpu_count() / mcpu_a:.2f} of (a)'s CPU time")
    print(f"peak memory of (b), whole process tree: {peak / 2**20:.0f} MiB "
          f"(target < {TARGET_MEMORY / 2**20:.0f} MiB)")
    met = {"b/a": mb / ma <= TARGET_B, "c": mc < TARGET_C, "d/own": md / mown <= TARGET_D,
           "peak memory": peak < TARGET_MEMORY}
    missed = [name for name, ok in met.items() if not ok]
    verdict = "all targets met" if not missed else f"TARGET MISSED: {', '.join(missed)}"
    print(f"report_bench: a {ma:.1f}s, b {mb:.1f}s (b/a {mb / ma:.2f}), c {mc:.2f}s, "
          f"d {md:.1f}s (d/own {md / mown:.2f}), peak {peak / 2**20:.0f} MiB: {verdict}")
    when = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    RESULTS.mkdir(parents=True, exist_ok=True)
    target = RESULTS / f"report_bench-{when}.json"
    target.write_text(json.dumps({
        "when": when, "cpus": psutil.cpu_count(), "load_average": os.getloadavg(),
        "jobs": args.jobs, "touched": args.touch,
        "seconds": {"a": a, "b": b, "c": c, "d": d, "own": own},
        "cpu_seconds": {"a": cpu_a, "b": cpu_b},
        "medians": {"a": ma, "b": mb, "c": mc, "d": md, "own": mown},
        "ratios": {"b/a": mb / ma, "c/a": mc / ma, "d/a": md / ma, "d/own": md / mown},
        "peak_memory_bytes": peak,
        "targets": {"b/a": TARGET_B, "c_seconds": TARGET_C, "d/own": TARGET_D,
                    "peak_memory_bytes": TARGET_MEMORY},
        "met": met}, indent=1) + "\n", encoding="utf-8")
    print(f"written: {target}")


if __name__ == "__main__":
    main()
