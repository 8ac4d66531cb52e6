"""benchmarks/contact_sheet.py: every figure PNG of a report on a sheet, named under it."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from PIL import Image

_SPEC = importlib.util.spec_from_file_location(
    "contact_sheet", Path(__file__).resolve().parents[1] / "benchmarks" / "contact_sheet.py")
contact_sheet = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(contact_sheet)

COLOURS = ["#FF0000", "#00FF00", "#0000FF", "#FFFF00", "#FF00FF"]


def _report(tmp_path: Path, n: int) -> Path:
    report = tmp_path / "reports"
    for i in range(n):
        folder = report / ("figures/theme" if i < n - 1 else "countries/TJK")
        folder.mkdir(parents=True, exist_ok=True)
        Image.new("RGB", (300, 200), COLOURS[i % len(COLOURS)]).save(folder / f"fig_{i}.png")
    (report / "figures" / "theme" / "notes.txt").write_text("not a figure")
    return report


def _tiles(sheet: Image.Image) -> int:
    """Count the pure-colour blocks: each tile is a solid colour the test drew."""
    colours = sheet.convert("RGB").getcolors(maxcolors=1 << 24)
    seen = {c for _n, c in colours if "#{:02X}{:02X}{:02X}".format(*c) in COLOURS}
    return len(seen)


def test_one_sheet_with_a_tile_per_figure(tmp_path):
    report = _report(tmp_path, 5)
    written = contact_sheet.contact_sheets(report, columns=3)
    assert [p.name for p in written] == ["contact_sheet_1.png"]
    with Image.open(written[0]) as sheet:
        assert _tiles(sheet) == 5
        cell_w = contact_sheet.TILE[0] + contact_sheet.PAD
        cell_h = contact_sheet.TILE[1] + contact_sheet.CAPTION + contact_sheet.PAD
        assert sheet.size == (3 * cell_w + contact_sheet.PAD, 2 * cell_h + contact_sheet.PAD)
        # the 6th cell of the 3x2 grid is empty: background only
        x0, y0 = contact_sheet.PAD + 2 * cell_w, contact_sheet.PAD + cell_h
        box = sheet.crop((x0, y0, x0 + contact_sheet.TILE[0], y0 + contact_sheet.TILE[1]))
        assert [c for _n, c in box.getcolors()] == [(0xDD, 0xDD, 0xDD)]


def test_figures_are_split_over_sheets_and_stale_sheets_go(tmp_path):
    report = _report(tmp_path, 5)
    (report / "contact_sheet_9.png").write_bytes(b"old")
    written = contact_sheet.contact_sheets(report, per_sheet=2)
    assert [p.name for p in written] == [f"contact_sheet_{i}.png" for i in (1, 2, 3)]
    assert not (report / "contact_sheet_9.png").exists()
    counts = []
    for path in written:
        with Image.open(path) as sheet:
            counts.append(_tiles(sheet))
    assert counts == [2, 2, 1]


def test_figures_and_country_pngs_are_found_and_captions_are_their_names(tmp_path):
    report = _report(tmp_path, 3)
    found = contact_sheet.figure_pngs(report)
    assert [p.relative_to(report).as_posix() for p in found] == [
        "figures/theme/fig_0.png", "figures/theme/fig_1.png", "countries/TJK/fig_2.png"]


def test_main_exits_1_without_figures(tmp_path, capsys):
    assert contact_sheet.main([str(tmp_path)]) == 1
    assert "no figure PNG" in capsys.readouterr().err


def test_main_writes_into_out(tmp_path, capsys):
    report = _report(tmp_path, 2)
    assert contact_sheet.main([str(report), "--out", str(tmp_path / "sheets")]) == 0
    assert (tmp_path / "sheets" / "contact_sheet_1.png").is_file()
    assert "2 figure(s) on 1 sheet(s)" in capsys.readouterr().out


@pytest.mark.parametrize("bad", [["--per-sheet", "0"], ["--columns", "0"]])
def test_bad_options_exit_2(tmp_path, bad):
    with pytest.raises(SystemExit) as exc:
        contact_sheet.main([str(tmp_path), *bad])
    assert exc.value.code == 2
