"""The notebooks' shared computations, on small tables made by hand."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from analysis import metrics
from analysis.errors import DataError


def frame(rows):
    return pd.DataFrame(rows, columns=["iso3", "year", "value"])


SERIES = frame([
    ("TJK", 2014, 37.0), ("TJK", 2015, 27.0), ("TJK", 2023, 38.0),
    ("KGZ", 2015, 25.0), ("KGZ", 2022, 26.0), ("KGZ", 2023, None),
    ("TKM", 2020, 0.0),
])


def test_latest_takes_each_states_last_year_with_a_value():
    out = metrics.latest(SERIES).set_index("iso3")
    assert out.loc["TJK", "year"] == 2023 and out.loc["TJK", "value"] == 38.0
    assert out.loc["KGZ", "year"] == 2022  # 2023 is missing, not zero
    assert out.loc["TKM", "value"] == 0.0


def test_change_since_base_year():
    out = metrics.change_since(SERIES, 2015).set_index("iso3")
    assert out.loc["TJK", "base"] == 27.0
    assert out.loc["TJK", "change"] == 11.0
    assert out.loc["TJK", "change_pct"] == pytest.approx(11 / 27 * 100)
    assert out.loc["KGZ", "change"] == 1.0
    assert math.isnan(out.loc["TKM", "base"])  # no 2015 value: nothing invented
    assert math.isnan(out.loc["TKM", "change_pct"])


def test_value_in_one_year():
    assert metrics.value_in(SERIES, 2015).to_dict() == {"TJK": 27.0, "KGZ": 25.0}


def test_ratio_joins_exact_years_only_and_skips_zero_denominators():
    num = frame([("TJK", 2015, 10.0), ("TJK", 2016, 20.0), ("KGZ", 2015, 5.0)])
    den = frame([("TJK", 2015, 100.0), ("TJK", 2017, 100.0), ("KGZ", 2015, 0.0)])
    out = metrics.ratio(num, den, 1000)
    assert out.to_dict("records") == [{"iso3": "TJK", "year": 2015, "value": 100.0}]


def flagged(rows):
    return pd.DataFrame(rows, columns=["iso3", "year", "value", "flag"])


def test_ratio_carries_the_stronger_input_flag():
    num = flagged([("IRN", 2022, 3_400.0, "B"), ("IRN", 2023, 3_500.0, ""),
                   ("IRN", 2019, 980.0, "E"), ("TKM", 2023, None, "M"),
                   ("TJK", 2015, 2.0, "")])
    den = flagged([("IRN", 2022, 100.0, ""), ("IRN", 2023, 100.0, "F"),
                   ("IRN", 2019, 98.0, "F"), ("TKM", 2023, 7.0, ""), ("TJK", 2015, 8.0, "")])
    out = metrics.ratio(num, den, 1000).set_index(["iso3", "year"])
    # B beats nothing; F (projection) beats "" and E (estimate), by catalogue.FLAG_PRECEDENCE.
    assert out.loc[("IRN", 2022)].tolist() == [34_000.0, "B"]
    assert out.loc[("IRN", 2023)].tolist() == [35_000.0, "F"]
    assert out.loc[("IRN", 2019)].tolist() == [10_000.0, "F"]
    assert out.loc[("TJK", 2015)].tolist() == [250.0, ""]
    assert ("TKM", 2023) not in out.index  # not reported: no rate of nothing


def test_ratio_takes_the_flag_of_the_one_input_that_has_one():
    num = flagged([("AFG", 2022, 6.0, "B")])
    den = frame([("AFG", 2022, 40.0)])
    assert metrics.ratio(num, den, 1000).to_dict("records") == [
        {"iso3": "AFG", "year": 2022, "value": 150.0, "flag": "B"}]
    assert metrics.ratio(den, num).to_dict("records") == [
        {"iso3": "AFG", "year": 2022, "value": 40 / 6, "flag": "B"}]


BROKEN = flagged([("IRN", 2015, 1.0, "B"), ("IRN", 2021, 0.8, ""), ("IRN", 2022, 3.4, "B"),
                  ("IRN", 2025, 1.6, "B"), ("PAK", 2024, 1.5, "B"), ("TUR", 2022, 3.5, "")])


def test_breaks_between_takes_breaks_after_the_first_year_up_to_the_last():
    def years(out):
        return sorted(zip(out["iso3"], out["year"], strict=True))

    assert years(metrics.breaks_between(BROKEN, 2015, 2024)) == [("IRN", 2022), ("PAK", 2024)]
    assert years(metrics.breaks_between(BROKEN, 2021, 2022)) == [("IRN", 2022)]
    assert years(metrics.breaks_between(BROKEN, 2022, 2023)) == []  # a break in the first year
    assert years(metrics.breaks_between(BROKEN, 0, 2025)) == [
        ("IRN", 2015), ("IRN", 2022), ("IRN", 2025), ("PAK", 2024)]
    assert metrics.breaks_between(SERIES, 0, 2030).empty  # no flag column: no break


def test_first_break_is_the_first_of_breaks_between():
    assert metrics.first_break(BROKEN, "IRN", 2015, 2025) == 2022
    assert metrics.first_break(BROKEN, "IRN", 2014, 2025) == 2015
    assert metrics.first_break(BROKEN, "IRN", 2022, 2024) is None
    assert metrics.first_break(BROKEN, "TUR", 0, 2025) is None
    assert metrics.first_break(SERIES, "TJK", 0, 2030) is None


def test_yoy_change_needs_the_previous_calendar_year():
    out = metrics.yoy_change_pct(SERIES).set_index(["iso3", "year"])
    assert out.loc[("TJK", 2015), "change_pct"] == pytest.approx((27 - 37) / 37 * 100)
    assert ("TJK", 2023) not in out.index  # 2022 is missing: no change computed


def test_shares_sum_to_100_per_year():
    out = metrics.shares(frame([("A", 2020, 3.0), ("B", 2020, 1.0), ("A", 2021, 5.0)]))
    assert out.groupby("year")["share"].sum().tolist() == [100.0, 100.0]
    assert out.loc[(out["iso3"] == "A") & (out["year"] == 2020), "share"].item() == 75.0


def test_series_breaks_flag_big_jumps_only():
    rows = frame([("IRN", 2021, 800_000.0), ("IRN", 2022, 3_400_000.0),
                  ("IRN", 2023, 3_700_000.0), ("KAZ", 2022, 300.0), ("KAZ", 2023, 42_000.0),
                  ("TKM", 2022, 14.0), ("TKM", 2023, 3_600.0)])
    out = metrics.series_breaks(rows)
    assert list(zip(out["iso3"], out["year"], strict=True)) == [("IRN", 2022), ("KAZ", 2023)]
    assert out.iloc[0]["ratio"] == pytest.approx(3_400_000 / 800_000)


@pytest.mark.parametrize("entry, expected", [
    ({"last_updated": "2025-12-01", "latest_year_present": 2025}, 2025),
    ({"last_updated": "2026-06-15", "latest_year_present": 2025}, None),
    ({"last_updated": None, "latest_year_present": 2023}, None),
    ({"last_updated": "not a date", "latest_year_present": 2023}, None),
    ({}, None),
])
def test_partial_year_from_vintage(entry, expected):
    assert metrics.partial_year(entry) == expected


def test_complete_years_drops_the_partial_year():
    out = metrics.complete_years(SERIES, 2023)
    assert out["year"].max() == 2022
    assert metrics.complete_years(SERIES, None) is SERIES


CORRIDORS = pd.DataFrame({
    "year": [2020, 2024, 2024, 2024, 2024],
    "origin_iso3": ["TJK", "TJK", "TJK", "KGZ", "TJK"],
    "destination_iso3": ["RUS", "RUS", "KAZ", "RUS", "UKR"],
    "value": [426.0, 415.0, 28.0, 333.0, 30.0],
})


def test_top_corridors_and_destinations_use_the_latest_year():
    top = metrics.top_corridors(CORRIDORS, n=2)
    assert list(top["value"]) == [415.0, 333.0]
    assert metrics.top_destinations(CORRIDORS, "TJK", n=2) == ["RUS", "UKR"]
    assert metrics.top_destinations(CORRIDORS, "TJK", n=1, year=2020) == ["RUS"]


def test_top_with_other_sums_the_rest():
    rows = CORRIDORS[CORRIDORS["origin_iso3"] == "TJK"]
    wide = metrics.top_with_other(rows, "destination_iso3", 1, other="OTHER")
    assert list(wide.columns) == ["RUS", "OTHER"]
    assert wide.loc[2024, "OTHER"] == 58.0
    assert math.isnan(wide.loc[2020, "OTHER"])  # nothing else recorded in 2020


RECORDS = pd.DataFrame({
    "date": pd.to_datetime(["2023-01-05", "2023-06-01", "2024-02-01", "2025-04-24",
                            "2024-03-03"]),
    "year": [2023, 2023, 2024, 2025, 2024],
    "route": ["Asia Pacific routes", "Undefined", None, "Asia Pacific routes", "X"],
    "incident_iso3": ["IRN", "GRC", "TUR", "IRN", "MEX"],
    "origin_iso3": ["AFG", "AFG,PAK", "UNK", "AFG", "GTM"],
    "cause": ["Drowning", "Violence", "Drowning,Violence", "Violence", "Drowning"],
    "dead_and_missing": [3.0, 2.0, 5.0, 1.0, 7.0],
})


def test_involving_flags_incidents_and_nationals():
    out = metrics.involving(RECORDS, ["IRN", "PAK", "TUR"])
    assert len(out) == 4  # the record in Mexico involves none of them
    assert list(out["in_states"]) == [True, False, True, True]
    assert list(out["nationals"]) == [False, True, False, False]


def test_by_origin_counts_shared_records_for_each_state():
    out = metrics.dead_and_missing_by_origin(RECORDS, ["AFG", "PAK", "IRN"])
    assert out.to_dict() == {"AFG": 6.0, "PAK": 2.0, "IRN": 0.0}


def test_by_column_names_blank_categories():
    out = metrics.dead_and_missing_by(RECORDS, "route")
    assert out["Not recorded"] == 5.0
    assert out.index[0] == "X"


def test_records_partial_year():
    assert metrics.records_partial_year(RECORDS) == 2025
    full = RECORDS.assign(date=pd.to_datetime(["2023-12-30"] * 5))
    assert metrics.records_partial_year(full) is None


def write_csv(tmp_path, text):
    path = tmp_path / "bans.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_analyst_csv_good_file(tmp_path):
    path = write_csv(tmp_path, "year,iso3,value,source,note\n2015,TJK,100,Ministry X,\n"
                               "2016, KGZ ,20.5,Report Y,estimate\n")
    out = metrics.read_analyst_csv(path)
    assert out.to_dict("records") == [
        {"year": 2015, "iso3": "TJK", "value": 100.0, "source": "Ministry X", "note": ""},
        {"year": 2016, "iso3": "KGZ", "value": 20.5, "source": "Report Y", "note": "estimate"},
    ]


@pytest.mark.parametrize("text, needle", [
    ("year,iso3,value,source\n2015,TJK,1,S\n", "missing column(s) note"),
    ("year,iso3,value,source,note\n", "no rows"),
    ("year,iso3,value,source,note\n2015,TJK,1,S,\n20x6,TJK,1,S,\n", "row 3, column 'year'"),
    ("year,iso3,value,source,note\n2015,XXX,1,S,\n", "row 2, column 'iso3'"),
    ("year,iso3,value,source,note\n2015,TJK,-4,S,\n", "cannot be negative"),
    ("year,iso3,value,source,note\n2015,TJK,many,S,\n", "row 2, column 'value'"),
    ("year,iso3,value,source,note\n2015,TJK,3, ,\n", "every row needs its source"),
])
def test_analyst_csv_errors_name_row_and_column(tmp_path, text, needle):
    path = write_csv(tmp_path, text)
    with pytest.raises(DataError) as info:
        metrics.read_analyst_csv(path)
    assert needle in str(info.value)
    assert str(path) in str(info.value)


def test_analyst_csv_missing_file(tmp_path):
    with pytest.raises(DataError, match="file not found"):
        metrics.read_analyst_csv(tmp_path / "nope.csv")
