"""The plotting module: figure anatomy, state looks, deterministic exports, 'no data'."""

from __future__ import annotations

import json
import re
import struct

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from analysis import catalogue, plotting
from analysis.errors import AnalysisError


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _chart(source="Source: test provider (X.Y), data to 2023."):
    chart = plotting.new_chart("A title", "a subtitle, % of GDP", source, kind="Line chart")
    rows = pd.DataFrame({"iso3": ["TJK", "TJK", "KGZ", "KGZ"], "year": [2015, 2016, 2015, 2016],
                         "value": [27.0, 26.0, 25.0, 29.0]})
    plotting.state_lines(chart.ax, rows)
    return chart


def _png_dpi(path) -> float:
    data = path.read_bytes()
    at = data.index(b"pHYs")
    x_ppm, _y, unit = struct.unpack(">IIB", data[at + 4:at + 13])
    assert unit == 1  # metres
    return x_ppm * 0.0254


def test_every_state_has_its_own_colour_marker_and_hatch():
    looks = [plotting.state_look(s.iso3) for s in catalogue.STATES]
    for key in ("color", "marker", "hatch"):
        values = [look[key] for look in looks]
        assert len(set(values)) == len(values), f"two states share a {key}"
    assert plotting.state_look("TJK")["color"] == catalogue.state("TJK").colour
    assert plotting.state_look("TJK")["label"] == "Tajikistan"
    assert plotting.state_look("DEU")["color"] == plotting.OTHER_COLOUR


def test_lines_use_catalogue_colours_and_markers():
    chart = _chart()
    lines = {ln.get_label(): ln for ln in chart.ax.get_lines()}
    assert lines["Tajikistan"].get_color() == catalogue.state("TJK").colour
    assert lines["Kyrgyzstan"].get_marker() == catalogue.state("KGZ").marker


def test_save_writes_all_formats_with_the_house_settings(tmp_path):
    written = plotting.save(_chart(), tmp_path / "figs", "share_of_gdp")
    assert sorted(written) == ["pdf", "png", "svg"]
    assert all(p.name.startswith("share_of_gdp.") and p.is_file() for p in written.values())
    assert _png_dpi(written["png"]) == pytest.approx(200, abs=0.5)
    png = written["png"].read_bytes()
    assert b"Software" not in png and b"Matplotlib" not in png
    svg = written["svg"].read_text(encoding="utf-8")
    assert "<dc:date>" not in svg
    assert "A title" in svg and "Source: test provider" in svg  # text kept as text
    pdf = written["pdf"].read_bytes()
    assert b"/CreationDate" not in pdf and b"/Producer" not in pdf
    assert b"/FontFile2" in pdf  # TrueType (Type 42) fonts embedded


def test_the_same_chart_gives_the_same_bytes(tmp_path):
    first = plotting.save(_chart(), tmp_path / "a", "x")
    second = plotting.save(_chart(), tmp_path / "b", "x")
    for fmt_ in plotting.FORMATS:
        assert first[fmt_].read_bytes() == second[fmt_].read_bytes(), fmt_


def test_header_and_footer_are_on_the_figure():
    chart = _chart(source="Source: somewhere, retrieved 2026-01-01.")
    texts = [t.get_text() for t in chart.fig.texts]
    assert any("A title" in t for t in texts)
    assert any("% of GDP" in t for t in texts)
    assert any("retrieved 2026-01-01" in t for t in texts)


def test_no_data_says_so(tmp_path):
    chart = plotting.new_chart("Bans", "count", "Source: none.")
    plotting.no_data(chart.ax, "for the chosen states")
    assert len(chart.ax.get_lines()) == 0 and len(chart.ax.patches) == 0
    assert any("No data available" in t.get_text() for t in chart.ax.texts)
    svg = plotting.save(chart, tmp_path, "bans", ["svg"])["svg"].read_text(encoding="utf-8")
    assert "No data available" in svg


@pytest.mark.parametrize("name", ["Bad Name", "../escape", "x.png", ""])
def test_figure_names_are_checked(tmp_path, name):
    with pytest.raises(AnalysisError, match="figure name"):
        plotting.save(_chart(), tmp_path, name)


def test_formats_are_checked(tmp_path):
    with pytest.raises(AnalysisError, match="choose from png, svg, pdf"):
        plotting.save(_chart(), tmp_path, "x", ["jpg"])


def test_gaps_in_yearly_series_break_the_line():
    rows = pd.DataFrame({"year": [2000, 2001, 2002, 2020, 2021], "value": [1.0, 2, 3, 4, 5]})
    out = plotting.break_gaps(rows)
    assert out["value"].isna().sum() == 1
    five_yearly = pd.DataFrame({"year": [1990, 1995, 2000, 2020, 2024], "value": [1.0] * 5})
    assert plotting.break_gaps(five_yearly)["value"].isna().sum() == 1  # 2000 -> 2020 only


def test_source_note_names_provider_codes_and_vintage(built_root):
    vintage = json.loads(built_root.vintage_json.read_text())
    raw = pd.read_parquet(built_root.indicators)
    note = plotting.source_note(["remittances_received_pct_gdp"], paths=built_root)
    # A derived indicator names the codes it is computed from.
    assert "World Bank (BX.TRF.PWKR.CD.DT; NY.GDP.MKTP.CD)" in note
    latest = int(raw.loc[raw["indicator"] == "remittances_received_usd", "year"].max())
    assert f"data to {latest}" in note
    assert f"retrieved {vintage['worldbank']['retrieved_at'][:10]}" in note
    assert vintage["worldbank"]["licence"] in note

    unhcr = plotting.source_note(measures=["refugees"], paths=built_root)
    assert unhcr.startswith("Source: UNHCR (population.refugees)")
    assert f"released {vintage['unhcr']['last_updated']}" in unhcr

    iom = plotting.source_note(records=["missing_migrants_in_country"], paths=built_root)
    assert ("IOM Missing Migrants Project (Total Number of Dead and Missing, by country of "
            "incident)") in iom


def test_source_note_takes_the_code_recorded_in_the_processed_table(built_root):
    raw = pd.read_parquet(built_root.indicators)
    recorded = raw.loc[raw["indicator"] == "population", "source"].unique()
    # WPP estimates to 2023 and its medium-variant projection for 2024: both are named.
    assert len(recorded) == 2
    codes = sorted(re.sub(r"^[^:]+: ", "", label) for label in recorded)
    assert f"({'; '.join(codes)})" in plotting.source_note(["population"], paths=built_root)


def test_source_note_needs_a_source():
    with pytest.raises(AnalysisError, match="at least one source"):
        plotting.source_note()
