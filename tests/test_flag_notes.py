"""Footnotes on flagged observations, and the metrics that respect breaks and few cases,
on small hand-made frames."""

from __future__ import annotations

import pandas as pd

from analysis import flags, metrics


def _frame(rows):
    return pd.DataFrame(rows, columns=["iso3", "year", "indicator", "value", "flag"])


def test_year_span_compresses_runs():
    assert flags.year_span([2016, 2017, 2018, 2019]) == "2016-2019"
    assert flags.year_span([2022, 2025]) == "2022 and 2025"
    assert flags.year_span([2005, 2006, 2007, 2010, 2012]) == "2005-2007, 2010, 2012"


def test_footnote_names_breaks_with_reasons_and_gaps():
    frame = _frame([
        ("IRN", 2021, "refugees_hosted", 798343.0, ""),
        ("IRN", 2022, "refugees_hosted", 3425091.0, "B"),
        ("TKM", 2020, "remittances_received_usd", float("nan"), "M"),
    ])
    note = flags.footnote(frame)
    assert note.startswith("Break in series (Iran, 2022): reclassification")
    assert "Not reported, left as gaps (Turkmenistan 2020)" in note
    assert flags.footnote(frame[frame.flag == ""]) is None


def test_footnote_carries_annotated_events():
    frame = _frame([("AZE", 2023, "net_migration", -84122.0, "")])
    assert "Azerbaijan 2023: likely the departure" in flags.footnote(frame)


def test_change_since_is_not_computed_across_a_break():
    frame = _frame([
        ("IRN", 2015, "refugees_hosted", 979435.0, ""),
        ("IRN", 2022, "refugees_hosted", 3425091.0, "B"),
        ("IRN", 2024, "refugees_hosted", 3489257.0, ""),
        ("TUR", 2015, "refugees_hosted", 2541352.0, ""),
        ("TUR", 2024, "refugees_hosted", 2921617.0, ""),
    ])
    out = metrics.change_since(frame, 2015).set_index("iso3")
    assert out.loc["IRN", "break_year"] == 2022
    assert pd.isna(out.loc["IRN", "change"]) and pd.isna(out.loc["IRN", "change_pct"])
    assert out.loc["TUR", "change"] == 2921617.0 - 2541352.0
    assert pd.isna(out.loc["TUR", "break_year"])


def test_missing_values_are_not_latest_values():
    frame = _frame([("TKM", 2022, "x", 5.0, ""), ("TKM", 2023, "x", float("nan"), "M")])
    assert metrics.latest(frame).iloc[0].year == 2022


def test_unreliable_states():
    frame = _frame([("TKM", 2020, "r", 50.0, "U"), ("AFG", 2020, "r", 60.0, "")])
    assert metrics.unreliable(frame) == {"TKM"}


def test_footnote_lists_states_in_catalogue_order_whatever_the_frame_order():
    frame = _frame([
        ("TKM", 2020, "remittances_received_usd", float("nan"), "M"),
        ("TUR", 2020, "remittances_received_usd", float("nan"), "M"),
        ("AZE", 2021, "remittances_received_usd", float("nan"), "M"),
    ])
    note = flags.footnote(frame)
    assert note.startswith("Not reported, left as gaps (Azerbaijan 2021; Türkiye 2020; "
                           "Turkmenistan 2020): the World Bank publishes 0")
    assert flags.footnote(frame.iloc[::-1]) == note


def test_footnote_of_a_derived_row_prefers_the_states_own_note_on_its_input():
    # Afghanistan's 2022 remittances: the state's own note (carried forward), not the note on
    # published zeros that covers every state.
    frame = _frame([("AFG", 2022, "remittances_received_pct_gdp", float("nan"), "M")])
    assert flags.footnote(frame) == (
        "Not reported, left as gaps (Afghanistan 2022): the 2021 figure carried forward "
        "unchanged: no remittance data were reported for Afghanistan after August 2021.")
