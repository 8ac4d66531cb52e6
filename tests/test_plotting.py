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


def _breaks_and_hollows(ax):
    bars = [ln for ln in ax.get_lines() if ln.get_marker() == "|"]
    hollow = [ln for ln in ax.get_lines() if ln.get_markerfacecolor() == "white"]
    words = [(t.get_text(), t.xy) for t in ax.texts if t.get_text() == "break"]
    return bars, hollow, words


def test_mark_flags_marks_breaks_and_few_case_values():
    chart = plotting.new_chart("t", "s", "Source: x.")
    rows = pd.DataFrame({"year": [2020, 2021, 2022, 2023], "value": [50.0, 60.0, 3.4, None],
                         "flag": ["U", "", "B", "B"]})
    look = plotting.state_look("TJK")
    plotting.mark_flags(chart.ax, rows, look=look)
    bars, hollow, words = _breaks_and_hollows(chart.ax)
    # One break with a value (2023 has none to mark), one hollow few-case point.
    assert [(ln.get_xdata()[0], ln.get_ydata()[0]) for ln in bars] == [(2022, 3.4)]
    assert words == [("break", (2022, 3.4))]
    assert len(hollow) == 1 and list(hollow[0].get_xdata()) == [2020]
    assert hollow[0].get_color() == look["color"] and hollow[0].get_marker() == look["marker"]


def test_mark_flags_needs_a_flag_column():
    chart = plotting.new_chart("t", "s", "Source: x.")
    plotting.mark_flags(chart.ax, pd.DataFrame({"year": [2022], "value": [1.0]}))
    assert len(chart.ax.get_lines()) == 0 and len(chart.ax.texts) == 0


def test_state_lines_mark_the_breaks_of_each_state():
    chart = plotting.new_chart("t", "s", "Source: x.")
    rows = pd.DataFrame({"iso3": ["IRN"] * 3 + ["TUR"] * 3, "year": [2021, 2022, 2023] * 2,
                         "value": [0.8, 3.4, 3.7, 3.7, 3.5, 3.2],
                         "flag": ["", "B", "", "", "", ""]})
    plotting.state_lines(chart.ax, rows, label_ends=False)
    _bars, _hollow, words = _breaks_and_hollows(chart.ax)
    assert words == [("break", (2022, 3.4))]


def _value_labels(ax):
    return {t.get_text(): t.xy for t in ax.texts}


def test_state_bars_put_each_value_label_past_its_bar_or_marker():
    chart = plotting.new_chart("t", "s", "Source: x.")
    values = pd.Series({"TJK": 20.0, "KGZ": 50.0, "UZB": 12.0, "TKM": 40.0})
    reference = pd.Series({"TJK": 30.0, "KGZ": 10.0, "TKM": 80.0})  # UZB: no reference
    plotting.state_bars(chart.ax, values, value_format=lambda v: f"{v:g}", sort=False,
                        reference=reference, hollow=["TKM"])
    # Bottom-up: the few-case TKM set apart first, then TJK, KGZ, UZB in the order given.
    # TJK's marker lies just past its bar (10 <= 0.15 * 80): the label goes past the marker;
    # TKM's lies far beyond (40 > 12): the label stays with its bar.
    assert _value_labels(chart.ax) == {"40": (40.0, 0), "20": (30.0, 1), "50": (50.0, 2),
                                       "12": (12.0, 3)}


def test_state_bars_labels_of_negative_bars_go_left():
    chart = plotting.new_chart("t", "s", "Source: x.")
    values = pd.Series({"TJK": -5.0, "KGZ": -5.0})
    plotting.state_bars(chart.ax, values, value_format=lambda v: "", sort=False,
                        reference=pd.Series({"TJK": -5.5, "KGZ": -2.0}))
    # TJK's marker is just beyond its bar (0.5 <= 0.15 * 5.5); KGZ's lies inside the bar.
    assert [t.xy for t in chart.ax.texts] == [(-5.5, 0), (-5.0, 1)]


def test_state_bars_without_reference_label_the_bar_end():
    chart = plotting.new_chart("t", "s", "Source: x.")
    plotting.state_bars(chart.ax, pd.Series({"TJK": 3.0, "KGZ": 1.0}),
                        value_format=lambda v: f"{v:g}")
    # Sorted ascending, drawn bottom-up: KGZ first.
    assert _value_labels(chart.ax) == {"1": (1.0, 0), "3": (3.0, 1)}
