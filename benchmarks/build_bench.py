"""How long do the snapshot intake and the build take on this machine?

    python benchmarks/build_bench.py [--snapshot DIR] [--repeat N]

Runs `fetch --snapshot` once and `build` N times into a temporary project root, each as its own
process (as a user runs them), and prints the median wall time of each.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def timed(args: list[str], env: dict) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "analysis", "--quiet", *args], env=env, check=True,
                   stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--snapshot", default=str(REPO.parent / "shared" / "data" / "snapshot"))
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as root:
        env = {**os.environ, "ANALYSIS_ROOT": root}
        # --refresh: copy and check every time (an unchanged snapshot is otherwise kept as is).
        fetch = [timed(["fetch", "--refresh", "--snapshot", args.snapshot], env)
                 for _ in range(args.repeat)]
        builds = [timed(["build"], env) for _ in range(args.repeat)]
        n_files = sum(1 for _ in (Path(root) / "data" / "processed").iterdir())
    from analysis import providers

    for label, times in [(f"snapshot fetch (check + copy, {len(providers.IDS)} providers)", fetch),
                         (f"build (raw -> {n_files} processed files)", builds)]:
        print(f"{label}: median {statistics.median(times):.2f}s over {args.repeat} runs "
              f"(min {min(times):.2f}s, max {max(times):.2f}s)")


if __name__ == "__main__":
    main()
