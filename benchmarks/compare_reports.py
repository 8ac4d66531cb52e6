"""Are two reports the same? (issue 22: a faster runner must not change what a report says)

    python benchmarks/compare_reports.py REPORT_A REPORT_B

Compares every figure and data file of the two report folders, byte for byte (CSV, PNG, SVG,
PDF; for a PNG that differs, its pixels too; for an SVG, its drawing without the clip-path ids),
and summary.json without what differs from run to run (generated_at, each run's duration and
up-to-date flag, the data changes since the report before). Prints what differs and exits 1 if
anything does.

matplotlib names an SVG's clip paths by a hash of the clip rectangle at full float precision,
and a few charts' layouts differ in the last digits from one process to the next (the hash
seed): such a file, the same apart from those ids, is listed but not counted as a difference.
The same last digits show in a PDF's drawing ("81.0294975063" against "81.0294975062"): a PDF
whose drawing is the same with every number rounded to six decimals is listed, not counted.
(Run one notebook with PYTHONHASHSEED=1 and =2 to see it: the same code gives both.)

The country notes (countries/<ISO3>/<ISO3>.pdf) are documents put together from the charts,
not charts: they are left out of the count and listed with their page counts.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

FIGURE_FOLDERS = ("figures", "countries")
FILE_TYPES = (".csv", ".png", ".svg", ".pdf")
CLIP_ID = re.compile(rb'p[0-9a-f]{10}\b')
NUMBER = re.compile(rb"-?\d+\.\d+")
NOTE = re.compile(r"countries/([A-Z]{3})/\1\.pdf$")
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
            for p in sorted((folder / sub).rglob("*"))
            if p.suffix in FILE_TYPES and not NOTE.search(p.relative_to(folder).as_posix())}


def _notes(folder: Path) -> dict[str, Path]:
    return {p.relative_to(folder).as_posix(): p for p in sorted(folder.glob("countries/*/*.pdf"))
            if NOTE.search(p.relative_to(folder).as_posix())}


def _same_pdf_drawing(a: Path, b: Path) -> bool:
    """The same PDF objects, with every number in the drawing rounded to six decimals."""
    from pypdf import PdfReader

    def drawing(path: Path) -> list[bytes]:
        reader = PdfReader(path)
        return [NUMBER.sub(lambda m: b"%.6f" % float(m.group()), page.get_contents().get_data())
                for page in reader.pages]

    return len(a.read_bytes()) == len(b.read_bytes()) and drawing(a) == drawing(b)


def _same_pixels(a: Path, b: Path) -> bool:
    import matplotlib.image as mpimg
    import numpy as np

    return np.array_equal(mpimg.imread(a), mpimg.imread(b))


def _same_svg_drawing(a: Path, b: Path) -> bool:
    return CLIP_ID.sub(b"p", a.read_bytes()) == CLIP_ID.sub(b"p", b.read_bytes())


def compare(a: Path, b: Path) -> list[str]:
    problems, notes = [], []
    files_a, files_b = _files(a), _files(b)
    for name in sorted(set(files_a) ^ set(files_b)):
        problems.append(f"only in {'A' if name in files_a else 'B'}: {name}")
    same = 0
    for name in sorted(set(files_a) & set(files_b)):
        if files_a[name].read_bytes() == files_b[name].read_bytes():
            same += 1
        elif name.endswith(".png") and _same_pixels(files_a[name], files_b[name]):
            problems.append(f"same pixels, other bytes: {name}")
        elif name.endswith(".svg") and _same_svg_drawing(files_a[name], files_b[name]):
            notes.append(f"same drawing, other clip-path ids: {name}")
        elif name.endswith(".pdf") and _same_pdf_drawing(files_a[name], files_b[name]):
            notes.append(f"same drawing to six decimals, other last digits: {name}")
        else:
            problems.append(f"differs: {name}")
    summary_a, summary_b = _summary(a), _summary(b)
    if summary_a != summary_b:
        for key in sorted(set(summary_a) | set(summary_b)):
            if summary_a.get(key) != summary_b.get(key):
                problems.append(f"summary.json differs in {key!r}")
    print(f"{same} of {len(files_a)} figure and data files byte-identical; summary.json "
          f"{'the same' if summary_a == summary_b else 'DIFFERS'} (without timings)")
    for line in notes:
        print(line)
    notes_a, notes_b = _notes(a), _notes(b)
    for name in sorted(set(notes_a) ^ set(notes_b)):
        problems.append(f"country note only in {'A' if name in notes_a else 'B'}: {name}")
    shared = sorted(set(notes_a) & set(notes_b))
    if shared:
        from pypdf import PdfReader

        pages = [(len(PdfReader(notes_a[n]).pages), len(PdfReader(notes_b[n]).pages))
                 for n in shared]
        same_bytes = sum(notes_a[n].read_bytes() == notes_b[n].read_bytes() for n in shared)
        print(f"country notes (documents, not counted above): {len(shared)}, "
              f"{same_bytes} byte-identical; pages A/B: "
              + ", ".join(f"{n.split('/')[1]} {x}/{y}" for n, (x, y) in zip(shared, pages,
                                                                           strict=True)))
        problems += [f"country note has other page count: {n}" for n, (x, y)
                     in zip(shared, pages, strict=True) if x != y]
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
