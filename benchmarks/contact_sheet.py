"""Render every figure PNG of a report onto contact sheets, each figure's name under it, so a
person can review all charts at a glance.

    .venv/bin/python benchmarks/contact_sheet.py [REPORT_DIR] [--out DIR] [--per-sheet N]

Reads REPORT_DIR/figures/**/*.png and REPORT_DIR/countries/**/*.png (default REPORT_DIR:
reports/) and writes REPORT_DIR/contact_sheet_1.png, _2.png, ... (or into --out). Prints the
sheets written. Exits 1 when the report holds no figure PNG.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

TILE = (600, 420)  # each figure is scaled to fit this box (pixels), keeping its proportions
CAPTION = 30  # pixels of caption below each tile
PAD = 12
COLUMNS = 4
PER_SHEET = 24
FOLDERS = ("figures", "countries")


def figure_pngs(report: Path) -> list[Path]:
    """Every figure PNG of a report, theme figures first, in path order."""
    found: list[Path] = []
    for folder in FOLDERS:
        root = report / folder
        if root.is_dir():
            found += sorted(p for p in root.rglob("*.png") if p.is_file())
    return found


def _font(size: int) -> ImageFont.ImageFont:
    try:  # matplotlib ships DejaVu Sans; Pillow's default bitmap font is tiny
        import matplotlib
        path = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
        return ImageFont.truetype(str(path), size)
    except (ImportError, OSError):
        return ImageFont.load_default()


def _caption(draw: ImageDraw.ImageDraw, text: str, box: tuple[int, int, int], font) -> None:
    x, y, width = box
    while text and draw.textlength(text, font=font) > width:  # shorten from the left
        text = "…" + text[2:]
    draw.text((x + (width - draw.textlength(text, font=font)) / 2, y), text, fill="#000000",
              font=font)


def render(images: list[Path], target: Path, report: Path, *,
           columns: int = COLUMNS) -> Path:
    """One sheet: the images in a grid of `columns`, each scaled into TILE and captioned with
    its path relative to `report`."""
    columns = max(1, min(columns, len(images)))
    rows = math.ceil(len(images) / columns)
    cell_w, cell_h = TILE[0] + PAD, TILE[1] + CAPTION + PAD
    sheet = Image.new("RGB", (columns * cell_w + PAD, rows * cell_h + PAD), "#DDDDDD")
    draw = ImageDraw.Draw(sheet)
    font = _font(15)
    for i, path in enumerate(images):
        col, row = i % columns, i // columns
        x0, y0 = PAD + col * cell_w, PAD + row * cell_h
        with Image.open(path) as img:
            img = img.convert("RGB")
            img.thumbnail(TILE, Image.Resampling.LANCZOS)
            sheet.paste(img, (x0 + (TILE[0] - img.width) // 2, y0 + (TILE[1] - img.height) // 2))
        name = path.relative_to(report).with_suffix("").as_posix()
        name = name.removeprefix("figures/")
        _caption(draw, name, (x0, y0 + TILE[1] + 6, TILE[0]), font)
    target.parent.mkdir(parents=True, exist_ok=True)
    sheet.save(target, format="PNG", optimize=True)
    return target


def contact_sheets(report: Path, out: Path | None = None, *, per_sheet: int = PER_SHEET,
                   columns: int = COLUMNS) -> list[Path]:
    """Sheets of at most `per_sheet` figures each; returns the paths written."""
    images = figure_pngs(report)
    out = out or report
    for old in out.glob("contact_sheet_*.png"):  # a smaller report leaves no stale sheet
        old.unlink()
    written = []
    for n, start in enumerate(range(0, len(images), per_sheet), start=1):
        written.append(render(images[start:start + per_sheet],
                              out / f"contact_sheet_{n}.png", report, columns=columns))
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("report", nargs="?", default="reports", type=Path,
                        help="report folder (default: reports)")
    parser.add_argument("--out", type=Path, help="folder for the sheets (default: the report)")
    parser.add_argument("--per-sheet", type=int, default=PER_SHEET,
                        help=f"figures per sheet (default {PER_SHEET})")
    parser.add_argument("--columns", type=int, default=COLUMNS,
                        help=f"figures per row (default {COLUMNS})")
    args = parser.parse_args(argv)
    if args.per_sheet < 1 or args.columns < 1:
        parser.error("--per-sheet and --columns must be at least 1")
    written = contact_sheets(args.report, args.out, per_sheet=args.per_sheet,
                             columns=args.columns)
    if not written:
        print(f"contact sheet: no figure PNG under {args.report}/{{{','.join(FOLDERS)}}}",
              file=sys.stderr)
        return 1
    count = len(figure_pngs(args.report))
    print(f"contact sheet: {count} figure(s) on {len(written)} sheet(s)")
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
