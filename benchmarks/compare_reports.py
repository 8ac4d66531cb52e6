"""Are two reports the same? (issue 22: a faster runner must not change what a report says)

    python benchmarks/compare_reports.py REPORT_A REPORT_B

Compares every figure and data file of the two report folders, byte for byte (CSV, PNG, SVG,
PDF; for a PNG that differs, its pixels too), and summary.json without what differs from run to
run (generated_at, each run's duration and up-to-date flag, the data changes since the report
before). Prints what differs and exits 1 if anything does.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

FIGURE_FOLDERS = ("figures", "countries")
RUN_FIELDS = ("duration_s", "up_to_date")


def _summary(folder: Path) -> dict:
    data = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    for key in ("generated_at", "data_changes"):
        data.pop(key, None)
    for entry in data["themes"] + data["countries"]:
        for key in RUN_FIELDS:
            entry.pop(key, None)
    return data


def _files(folder: Path) -> dict[str, Path]:
    return {p.relative_to(folder).as_posix(): p for sub in FIGURE_FOLDERS
            for p in sorted((folder / sub).rglob("*")) if p.is_file()}


def _same_pixels(a: Path, b: Path) -> bool:
    import matplotlib.image as mpimg
    import numpy as np

    return np.array_equal(mpimg.imread(a), mpimg.imread(b))


def compare(a: Path, b: Path) -> list[str]:
    problems = []
    files_a, files_b = _files(a), _files(b)
    for name in sorted(set(files_a) ^ set(files_b)):
        problems.append(f"only in {'A' if name in files_a else 'B'}: {name}")
    same = 0
    for name in sorted(set(files_a) & set(files_b)):
        if files_a[name].read_bytes() == files_b[name].read_bytes():
            same += 1
        elif name.endswith(".png") and _same_pixels(files_a[name], files_b[name]):
            problems.append(f"same pixels, other bytes: {name}")
        else:
            problems.append(f"differs: {name}")
    summary_a, summary_b = _summary(a), _summary(b)
    if summary_a != summary_b:
        for key in sorted(set(summary_a) | set(summary_b)):
            if summary_a.get(key) != summary_b.get(key):
                problems.append(f"summary.json differs in {key!r}")
    print(f"{same} of {len(files_a)} figure and data files byte-identical; summary.json "
          f"{'the same' if summary_a == summary_b else 'DIFFERS'} (without timings)")
    return problems


def main() -> None:
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    problems = compare(Path(sys.argv[1]), Path(sys.argv[2]))
    for line in problems:
        print(line)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
