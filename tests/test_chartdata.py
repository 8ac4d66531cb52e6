"""The data behind each chart: a CSV of exactly the values drawn, with units, flags, sources
and vintages, checked against the figure; and a citation in the providers' own words."""

from __future__ import annotations

import json

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from conftest import read_snapshot_csv

from analysis import chartdata, notebook, plotting
from analysis.errors import AnalysisError


@pytest.fixture
def session(built_root, tmp_path, monkeypatch):
    monkeypatch.setenv("ANALYSIS_ROOT", str(built_root.root))
    yield notebook.start_theme("remittances", states=["TJK", "KGZ"], first_year=2010,
                               last_year=2021, output_dir=tmp_path / "out", formats=["png"],
                               record_file=tmp_path / "run.json")
    plt.close("all")


def _record(tmp_path) -> dict:
    return json.loads((tmp_path / "run.json").read_text(encoding="utf-8"))


def test_a_line_chart_csv_holds_the_plotted_rows_with_units_flags_and_vintage(
        session, tmp_path, snapshot_dir):
    frame = session.indicators("remittances_received_usd")
    chart = session.chart("Remittances", "US$ billion", indicators=["remittances_received_usd"])
    plotting.state_lines(chart.ax, frame.assign(value=frame["value"] / 1e9))  # axis in billions
    session.publish(chart, "money", "Remittances received.", data=frame)

    entry = _record(tmp_path)["figures"][0]
    assert entry["data"] == {"csv": "figures/remittances/money.csv", "rows": len(frame)}
    csv = pd.read_csv(tmp_path / "out" / entry["data"]["csv"], keep_default_na=False)
    assert list(csv.columns) == chartdata.COLUMNS
    # Tajikistan 2015 straight from the World Bank CSV of the snapshot, in US$ (not billions)
    wdi = read_snapshot_csv(snapshot_dir, "worldbank/indicators.csv")
    raw = wdi[(wdi["iso3"] == "TJK") & (wdi["indicator"] == "BX.TRF.PWKR.CD.DT")
              & (wdi["year"] == 2015)]["value"].iloc[0]
    row = csv[(csv["iso3"] == "TJK") & (csv["year"] == 2015)].iloc[0]
    assert float(row["value"]) == pytest.approx(float(raw), rel=1e-12)
    assert row["unit"] == "current US$" and row["series"] == "remittances_received_usd"
    assert row["vintage"].startswith("World Bank (BX.TRF.PWKR.CD.DT)")
    assert "CC BY 4.0" in row["vintage"] and "retrieved" in row["vintage"]
    # Afghanistan-style gaps keep their flag: every flag in the CSV is the processed one
    assert (csv["flag"].astype(str).replace("nan", "") == frame["flag"].fillna("")
            .astype(str).to_numpy()).all()
    assert entry["citation"].startswith("World Bank, World Development Indicators")
    assert entry["citation"].endswith("chart “Remittances” (money).")


def test_a_value_the_chart_does_not_draw_is_refused(session):
    frame = session.indicators("remittances_received_usd")
    chart = session.chart("Remittances", "US$", indicators=["remittances_received_usd"])
    drawn = frame[frame["iso3"] == "TJK"]
    plotting.state_lines(chart.ax, drawn)
    with pytest.raises(AnalysisError, match=r"chart 'money': data= holds \d+ value\(s\) the "
                                            "chart does not draw"):
        session.publish(chart, "money", "Remittances.", data=frame)  # KGZ too: not drawn
    assert not (session.figure_dir / "money.csv").exists()
    assert not (session.figure_dir / "money.png").exists()


def test_corridor_breakdown_and_computed_rows_share_one_layout(session, tmp_path):
    corridors = session.corridors("remittances_estimated_usd", destinations=["RUS"])
    causes = session.displacement_by_cause(["PAK"])  # the session's years, PAK asked for
    assert set(causes["iso3"]) == {"PAK"} and causes["year"].between(2010, 2021).all()
    causes = causes[causes["year"] == 2021]
    share = pd.DataFrame({"series": ["flood_share"], "unit": ["% of disaster displacements"],
                          "value": [50.0], "source": ["our computation"], "iso3": ["PAK"],
                          "year": [2022]})
    chart = session.chart("Mixed", "", measures=["remittances_estimated_usd"],
                          indicators=["new_displacements_disaster"])
    chart.ax.bar(range(len(corridors)), corridors["value"] / 1e6)  # bare matplotlib: noted
    for r in corridors.itertuples():
        plotting.record_point(chart.ax, r.value / 1e6, r.origin_iso3, r.year)
    chart.ax.plot(causes["year"], causes["new_displacements"], "o")
    plotting.record_frame(chart.ax, causes, "new_displacements", ("iso3", "year", "cause"))
    plotting.record_point(chart.ax, 50.0, "PAK", 2022)
    data = pd.concat([chartdata.tidy(corridors, chart_source=chart.source, where="t"),
                      chartdata.tidy(causes, chart_source=chart.source, where="t"),
                      chartdata.tidy(share, chart_source=chart.source, where="t")],
                     ignore_index=True)
    assert chartdata.unmatched(data, plotting.drawn_points(chart.fig)) == ([], [])
    knomad = data[data["series"] == "remittances_estimated_usd"]
    assert set(knomad["destination_iso3"]) == {"RUS"} and (knomad["flag"] == "E").all()
    assert knomad["vintage"].str.startswith("World Bank / KNOMAD").all()
    idmc = data[data["series"] == "displacement_by_cause"]
    assert idmc["category"].str.startswith("disaster | ").any()
    assert (idmc["unit"] == "displacements").all()
    assert idmc["vintage"].str.startswith("IDMC (displacement_by_cause), released").all()
    computed = data[data["series"] == "flood_share"].iloc[0]
    assert computed["vintage"] == chart.source.removeprefix("Source: ")
    cited = chartdata.citation(data, "Mixed", "Ours", "mixed", paths=session.paths)
    assert cited.startswith("World Bank / KNOMAD, Bilateral Remittance Estimates")
    assert "Internal Displacement Monitoring Centre (IDMC)" in cited
    assert "World Bank, World Development Indicators" not in cited  # not KNOMAD's parent
    with pytest.raises(AnalysisError, match="needs column\\(s\\) source"):
        chartdata.tidy(share.drop(columns="source"), chart_source="", where="t")
    with pytest.raises(AnalysisError, match="needs an `indicator`, `measure` or `series`"):
        chartdata.tidy(pd.DataFrame({"value": [1]}), chart_source="", where="t")


def test_the_csv_and_the_drawn_points_are_compared_both_ways(session):
    """Issue 17: a value must be drawn for the same state and year, not merely appear somewhere
    on the figure (an axis position, a year); and every point drawn must be in the CSV."""
    frame = session.indicators("remittances_received_usd", states=["TJK"]).dropna(
        subset=["value"])
    frame = frame[frame["year"].between(2019, 2021)]
    rows = chartdata.tidy(frame, chart_source="Source: X.", where="t", paths=session.paths)

    def drawn(points):
        chart = session.chart("R", "", indicators=["remittances_received_usd"])
        for value, keys in points:
            plotting.record_point(chart.ax, value, *keys)
        return chart

    exact = [(v, ("TJK", y)) for v, y in zip(frame["value"], frame["year"], strict=True)]
    chartdata.check_drawn(rows, drawn(exact).fig, "chart 'r'")
    # each value drawn one year late
    shifted = [(v, ("TJK", year + 1)) for v, (_state, year) in exact]
    with pytest.raises(AnalysisError, match="holds 3 value\\(s\\) the chart does not draw "
                                            ".*draws 3 point\\(s\\) data= lacks"):
        chartdata.check_drawn(rows, drawn(shifted).fig, "chart 'r'")
    with pytest.raises(AnalysisError, match="draws 1 point\\(s\\) data= lacks \\(e.g. 7 "):
        chartdata.check_drawn(rows, drawn(exact + [(7.0, ("KGZ", 2020))]).fig, "chart 'r'")
    with pytest.raises(AnalysisError, match="holds 1 value\\(s\\) the chart does not draw"):
        chartdata.check_drawn(rows, drawn(exact[:2]).fig, "chart 'r'")
    with pytest.raises(AnalysisError, match="noted no drawn points but data= holds 3"):
        chartdata.check_drawn(rows, drawn([]).fig, "chart 'r'")
    in_billions = [(v / 1e9, keys) for v, keys in exact]  # an axis in US$ billion
    chartdata.check_drawn(rows, drawn(in_billions).fig, "chart 'r'")


def test_one_frame_may_mix_indicator_rows_and_computed_rows(session):
    frame = session.indicators("remittances_received_usd")
    frame = frame[(frame["iso3"] == "TJK") & frame["year"].isin([2019, 2020])]
    ratio = pd.DataFrame({"series": ["per_migrant"], "unit": ["US$ per migrant"],
                          "value": [1234.5], "source": ["our computation"], "iso3": ["TJK"],
                          "year": [2020]})
    mixed = pd.concat([frame, ratio], ignore_index=True)
    rows = chartdata.tidy(mixed, chart_source="Source: X.", where="t", paths=session.paths)
    assert rows["series"].tolist() == ["remittances_received_usd"] * 2 + ["per_migrant"]
    assert rows["unit"].tolist() == ["current US$"] * 2 + ["US$ per migrant"]
    assert rows["vintage"].iloc[2] == "X."
    assert rows["value"].iloc[:2].tolist() == frame["value"].tolist()
    with pytest.raises(AnalysisError, match="row 0 names no indicator, series"):
        chartdata.tidy(mixed.assign(indicator=None, series=None), chart_source="", where="t")


def test_a_chart_not_ready_for_a_slide_is_refused(session):
    """More than six lines in one panel: small multiples instead (issue 13)."""
    frame = session.indicators("population", states=[s.iso3 for s in
                                                     notebook.catalogue.STATES][:7])
    chart = session.chart("Population", "people", indicators=["population"])
    plotting.state_lines(chart.ax, frame)
    with pytest.raises(AnalysisError, match="not ready for a slide: panel 1: 7 lines"):
        session.publish(chart, "too_many", "Population.", data=frame)


def test_a_computed_series_with_a_category_is_not_taken_for_a_breakdown_table():
    shares = pd.DataFrame({"series": ["flood_share"], "unit": ["%"], "value": [50.0],
                           "source": ["our computation"], "iso3": ["PAK"], "year": [2022],
                           "category": ["flood"]})
    rows = chartdata.tidy(shares, chart_source="Source: X.", where="t")
    assert rows[["series", "unit", "category", "vintage"]].iloc[0].tolist() == [
        "flood_share", "%", "flood", "X."]
