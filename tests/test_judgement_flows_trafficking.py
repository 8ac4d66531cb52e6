"""Issue 18, defects 5, 6, 10 and 11: coverage gaps, lower bounds, "most" and double counts in
the mixed-flows, trafficking and rights/irregular themes, run on the built snapshot."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from analysis import notebook
from analysis.themes import mixed_flows, rights_irregular, trafficking_smuggling


@pytest.fixture
def session(built_root, tmp_path, monkeypatch):
    monkeypatch.setenv("ANALYSIS_ROOT", str(built_root.root))

    def start(module_id: str, states=None):
        return notebook.start_theme(module_id, states=states, output_dir=tmp_path / "out",
                                    formats=["png"], record_file=tmp_path / "record.json")
    return start


def test_afghan_arrivals_coverage_gap_is_not_a_fall(session):
    # 2024's 7,714 lacks Pakistan (263,018 of 2023's 269,958): stated as a coverage gap.
    figure = mixed_flows.refugee_arrivals(session("mixed_flows"))
    text = figure.finding
    assert "and 7,710 in 2024." not in text  # the old wording, read as a collapse
    assert "not comparable" in text and "coverage gap, not a fall" in text
    assert "Pakistan not reporting new arrivals" in text
    # and the chart draws no line into or out of a coverage-break year (2023, 2024)
    left = figure.chart.axes[0, 0]
    for line in left.get_lines():
        years = {int(x) for x in line.get_xdata() if x == x}
        for cut in (2023, 2024):
            assert not (cut in years and len(years) > 1), (cut, sorted(years))


def test_idmc_conflict_zero_before_collection_is_not_drawn(session, built_root):
    idmc = mixed_flows.idmc_displacements(session("mixed_flows"))
    afg = idmc[(idmc["iso3"] == "AFG") & (idmc["indicator"] == "new_displacements_conflict")]
    raw = pd.read_parquet(built_root.processed / "indicators.parquet")
    raw = raw[(raw["iso3"] == "AFG") & (raw["indicator"] == "new_displacements_conflict")]
    assert raw.loc[raw["year"] == 2009, "value"].iloc[0] == 0  # the published placeholder
    assert afg["year"].min() == 2010 and (afg["value"] > 0).all()
    # disaster zeros are kept: only conflict years before the first record go
    nb = session("mixed_flows")
    every = nb.indicators(["new_displacements_disaster"]).dropna(subset=["value"])
    every = every[every["iso3"].isin(set(idmc["iso3"]))]
    assert (idmc["indicator"] == "new_displacements_disaster").sum() == len(every)


def test_iom_deaths_inside_are_not_called_a_peak(session):
    nb = session("trafficking_smuggling")
    figure = trafficking_smuggling.missing_by_year(nb, trafficking_smuggling.iom_records(nb))
    assert "peaked" not in figure.finding
    assert "coverage has widened" in figure.finding


def test_afghan_dead_and_missing_give_the_lower_bound(session):
    nb = session("trafficking_smuggling")
    figure = trafficking_smuggling.missing_by_nationality(
        nb, trafficking_smuggling.iom_records(nb))
    text = figure.finding
    assert not text.startswith("Nationals of Afghanistan are the largest group: at least")
    # 5,722 counts every victim of an incident with any Afghan; 5,245 Afghans-only incidents
    assert "5,722" in text and "5,245" in text and "lower bound" in text
    lower = [c for c in figure.claims.to_list()
             if c.get("record") == "missing_migrants_of_nationals_only"]
    assert len(lower) == 1 and lower[0]["value"] == 5245


def test_trafficking_most_often_names_states_not_detected_there(session):
    figure = trafficking_smuggling.citizens_abroad(session("trafficking_smuggling"))
    text = figure.finding
    assert "were detected most often in" not in text
    match = re.search(r"Counted together, the most citizens of (.+?) were detected in "
                      r"(.+?): [\d,]+ \((.+?)\)\.", text)
    assert match, text
    assert "Uzbekistan" in match.group(1)  # the report's state set, Uzbekistan included
    assert "none who were citizens of Tajikistan" in match.group(3)


def test_frontex_routes_are_lines_not_a_stack(session):
    nb = session("rights_irregular")
    figure = rights_irregular.crossing_routes(nb, rights_irregular.detections(nb))
    assert figure.chart.ax.containers == []  # no bars: a stack would add routes
    assert len(figure.chart.ax.lines) >= 2
    assert "not people" in figure.finding and "Western Balkans" in figure.finding
    assert "the peak year" not in figure.finding
