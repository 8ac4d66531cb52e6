"""The notebook session: parameters checked, data for the chosen states and years, figures and
key figures recorded for the report."""

from __future__ import annotations

import json

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from analysis import catalogue, notebook, plotting
from analysis.errors import AnalysisError


@pytest.fixture
def session(built_root, tmp_path, monkeypatch):
    monkeypatch.setenv("ANALYSIS_ROOT", str(built_root.root))
    yield notebook.start_theme("remittances", states=["TJK", "KGZ"], first_year=2010,
                               last_year=2020, output_dir=tmp_path / "out", formats=["svg"],
                               record_file=tmp_path / "run.json")
    plt.close("all")


def test_states_and_years_are_checked():
    assert notebook.check_states("tjk, KGZ") == ["TJK", "KGZ"]
    assert notebook.check_states(None) is None
    with pytest.raises(AnalysisError, match="parameter states=.*unknown state"):
        notebook.check_states(["TJK", "ZZZ"])
    with pytest.raises(AnalysisError, match="inverted"):
        notebook.check_years(2020, 2010)
    with pytest.raises(AnalysisError, match="first_year='x': not a year"):
        notebook.check_years("x", None)


def test_default_states_follow_the_catalogue_roles(built_root, tmp_path, monkeypatch):
    monkeypatch.setenv("ANALYSIS_ROOT", str(built_root.root))
    nb = notebook.start_theme("remittances", output_dir=tmp_path)
    expected = [s.iso3 for s in catalogue.STATES
                if s.role in (catalogue.PARTICIPATING, catalogue.COMPARATOR)]
    assert nb.states == expected
    assert nb.figure_dir == tmp_path / "figures" / "remittances"
    profile = notebook.start_profile("tkm", output_dir=tmp_path)
    assert profile.states == ["TKM"] and profile.figure_dir == tmp_path / "countries" / "TKM"


def test_data_is_limited_to_the_sessions_states_and_years(session, built_root):
    frame = session.indicators("remittances_received_pct_gdp")
    assert set(frame["iso3"]) == {"TJK", "KGZ"}
    assert frame["year"].between(2010, 2020).all()
    raw = pd.read_parquet(built_root.indicators)
    expected = raw[(raw["indicator"] == "remittances_received_pct_gdp")
                   & raw["iso3"].isin(["TJK", "KGZ"]) & raw["year"].between(2010, 2020)]
    assert len(frame) == len(expected)


def test_an_empty_list_of_states_or_origins_gives_no_rows(session):
    assert session.indicators("population", states=[]).empty
    assert session.corridors("migrant_stock", origins=[]).empty
    assert session.missing_migrants(states=[]).empty
    assert not session.corridors("migrant_stock", origins=["TJK"]).empty


def test_key_figures_come_from_the_frame_and_are_recorded(session, tmp_path):
    frame = session.indicators("remittances_received_pct_gdp")
    value = session.key_figure(frame, "remittances_received_pct_gdp", "TJK")
    row = frame[(frame["iso3"] == "TJK")].sort_values("year").iloc[-1]
    assert value == row["value"]
    record = json.loads((tmp_path / "run.json").read_text())
    assert record["key_figures"] == [{"indicator": "remittances_received_pct_gdp",
                                      "iso3": "TJK", "year": int(row["year"]),
                                      "value": float(row["value"]), "unit": "% of GDP",
                                      "flag": row["flag"]}]
    with pytest.raises(AnalysisError, match="0 rows in the frame"):
        session.key_figure(frame, "remittances_received_pct_gdp", "TJK", 1999)
    with pytest.raises(AnalysisError, match="differs from the catalogue"):
        session.record_key_figure("remittances_received_pct_gdp", "TJK", 2015, 1.0, "people")


def test_published_charts_are_saved_and_recorded(session, tmp_path):
    frame = session.indicators("remittances_received_pct_gdp")
    chart = session.chart("Remittances", "% of GDP", indicators=["remittances_received_pct_gdp"],
                          kind="Line chart")
    plotting.state_lines(chart.ax, frame)
    with pytest.raises(AnalysisError, match="pass data="):
        session.publish(chart, "remittances_test", "A finding.")
    paths = session.publish(chart, "remittances_test", "A finding.", data=frame)
    assert paths == ["figures/remittances/remittances_test.svg"]
    assert (tmp_path / "out" / paths[0]).is_file()
    record = json.loads((tmp_path / "run.json").read_text())
    (fig,) = record["figures"]
    assert fig["caption"] == "A finding." and fig["files"] == {"svg": paths[0]}
    assert fig["alt"].startswith("Line chart: Remittances")
    assert fig["source"].startswith("Source: World Bank (BX.TRF.PWKR.CD.DT; NY.GDP.MKTP.CD)")


def test_partial_years_are_dropped_by_complete(session, built_root):
    vintage = json.loads(built_root.vintage_json.read_text())
    updated = int(vintage["unhcr"]["last_updated"][:4])
    latest = vintage["unhcr"]["latest_year_present"]
    expected = latest if updated <= latest else None
    assert session.partial_year("idps") == expected
    assert session.partial_year("remittances_received_usd") is None  # no release date
    wide = notebook.start_theme("mixed_flows", states=["AFG"])
    frame = wide.indicators("idps")
    complete = wide.complete(frame)
    if expected is None:
        assert len(complete) == len(frame)
    else:
        assert complete["year"].max() == expected - 1 and frame["year"].max() == expected


def test_lead_comes_from_the_catalogue():
    lead = notebook.theme_lead("remittances")
    theme = catalogue.theme("remittances")
    assert theme.title in lead and theme.summary in lead and "paragraph 8" in lead


def test_captions_and_findings_carry_their_claims(session, tmp_path, built_root):
    from claimcheck import Tables, check_text

    from analysis import fmt

    frame = session.indicators("population")
    value = frame[(frame["iso3"] == "TJK") & (frame["year"] == 2015)]["value"].item()
    c = session.claims()
    caption = (f"In 2015, {fmt.name('TJK')} had "
               f"{c.value(value, 'number', indicator='population', states=['TJK'], years=[2015])}"
               " inhabitants.")
    chart = session.chart("Population", "people", indicators=["population"])
    plotting.state_lines(chart.ax, frame)
    session.publish(chart, "population_test", caption, claims=c, data=frame)
    session.finding("A lead states no number.")
    total = frame[frame["year"] == 2015]["value"].sum()
    f = session.claims()
    both = f.sum(total, "number", indicator="population", states=["TJK", "KGZ"], years=[2015])
    text = f"The two had {both} inhabitants in 2015."
    session.finding(text, claims=f)
    session.finding(text, claims=f)  # the same text again replaces it
    record = json.loads((tmp_path / "run.json").read_text())
    (fig,) = record["figures"]
    assert fig["caption"] == caption and fig["claims"] == c.to_list()
    assert [x["text"] for x in record["findings"]] == ["A lead states no number.", text]
    assert record["findings"][0]["claims"] == [] and record["findings"][1]["claims"] == f.to_list()
    tables = Tables.read(built_root.processed)
    assert check_text(caption, fig["claims"], tables) == []
    assert check_text(text, record["findings"][1]["claims"], tables) == []
    with pytest.raises(AnalysisError, match="not in the text"):
        session.finding("The two had many inhabitants.", claims=f)
    with pytest.raises(AnalysisError, match="expected a ledger"):
        session.finding(text, claims=f.to_list())
