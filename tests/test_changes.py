"""What changed since the last successful report (issue 13, point 3): the comparison on small
hand-made tables, and two reports on two snapshots that differ in known ways."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest

from analysis import build, changes, htmlpage, report, snapshot

NAN = float("nan")


def _indicators(rows):
    return pd.DataFrame(rows, columns=["iso3", "year", "indicator", "value"])


def test_compare_names_each_kind_of_change():
    before = _indicators([
        ("TJK", 2022, "gdp_usd", 100.0), ("TJK", 2023, "gdp_usd", 200.0),
        ("KGZ", 2023, "gdp_usd", 1000.0), ("KGZ", 2022, "gdp_usd", 50.0),
        ("IRN", 2023, "gdp_usd", 0.0), ("AFG", 2023, "gdp_usd", 10.0),
    ])
    after = _indicators([
        ("TJK", 2022, "gdp_usd", 100.4),  # +0.4%: under the 0.5% threshold, not listed
        ("TJK", 2023, "gdp_usd", 204.0),  # +2%: revised
        ("TJK", 2024, "gdp_usd", 210.0),  # a year TJK's series did not have
        ("KGZ", 2023, "gdp_usd", 1000.0),  # unchanged
        # KGZ 2022 gone: withdrawn
        ("IRN", 2023, "gdp_usd", 5.0),  # any move from 0 is a revision
        ("AFG", 2023, "gdp_usd", NAN),  # now null (flag M): withdrawn
        ("UZB", 2023, "gdp_usd", 7.0),  # a series that did not exist
    ])
    found = changes.compare(before, after, "indicators")
    assert [(c["kind"], c["iso3"], c["year"], c["before"], c["after"]) for c in found] == [
        ("new_year", "TJK", 2024, None, 210.0),
        ("new_state", "UZB", 2023, None, 7.0),
        ("revised", "IRN", 2023, 0.0, 5.0),
        ("revised", "TJK", 2023, 200.0, 204.0),
        ("withdrawn", "AFG", 2023, 10.0, None),
        ("withdrawn", "KGZ", 2022, 50.0, None),
    ]
    assert all(c["dataset"] == "indicators" and c["indicator"] == "gdp_usd" for c in found)
    # A looser threshold lets the 2% revision pass; a stricter one catches the 0.4% one.
    assert "TJK" not in {c["iso3"] for c in changes.compare(before, after, "indicators", 5.0)
                         if c["kind"] == "revised"}
    assert {(c["iso3"], c["year"]) for c in changes.compare(before, after, "indicators", 0.1)
            if c["kind"] == "revised"} == {("IRN", 2023), ("TJK", 2022), ("TJK", 2023)}


def test_compare_corridors_names_new_corridors():
    cols = ["year", "origin_iso3", "destination_iso3", "measure", "value"]
    before = pd.DataFrame([(2020, "TJK", "RUS", "migrant_stock", 100.0)], columns=cols)
    after = pd.DataFrame([(2020, "TJK", "RUS", "migrant_stock", 100.0),
                          (2024, "TJK", "RUS", "migrant_stock", 90.0),
                          (2024, "TJK", "KAZ", "migrant_stock", 5.0)], columns=cols)
    found = changes.compare(before, after, "corridors")
    assert [(c["kind"], c["destination_iso3"], c["year"]) for c in found] == [
        ("new_year", "RUS", 2024), ("new_corridor", "KAZ", 2024)]


def _changed_snapshot(source, target):
    """A copy of the snapshot whose World Bank file differs in four known ways."""
    target.mkdir()
    for item in source.iterdir():
        if item.name != "worldbank":
            (target / item.name).symlink_to(item)
    shutil.copytree(source / "worldbank", target / "worldbank")
    path = target / "worldbank" / "indicators.csv"
    wb = pd.read_csv(path, dtype={"value": "float64"}, keep_default_na=False, na_values=[""])

    def at(code, iso3, year):
        return (wb.indicator == code) & (wb.iso3 == iso3) & (wb.year == year)

    wb.loc[at("NY.GDP.MKTP.CD", "TJK", 2023), "value"] *= 1.02  # revised (and the GDP share)
    wb.loc[at("SL.UEM.TOTL.ZS", "KGZ", 2023), "value"] *= 1.001  # 0.1%: under the threshold
    wb = wb[~at("NY.GDP.PCAP.PP.KD", "TJK", 2023)]  # withdrawn
    wb = pd.concat([wb, pd.DataFrame([{"indicator": "SL.UEM.TOTL.ZS", "iso3": "TJK",
                                       "year": 2024, "value": 7.0}])])  # a new year
    wb.to_csv(path, index=False)
    return target


def test_a_second_report_on_a_changed_snapshot_lists_exactly_the_changes(
        fresh_copy, snapshot_dir, tmp_path):
    options = report.Options(themes=("remittances",), profiles=(), states=None, years=None,
                             formats=("png",), out=fresh_copy.reports)
    first = report.run_report(options, fresh_copy).summary
    assert first["data_changes"] == {"since": None, "threshold_pct": 0.5, "changes": []}
    assert "first report here" in htmlpage.render(first)

    changed = _changed_snapshot(snapshot_dir, tmp_path / "snapshot")
    snapshot.fetch_provider(fresh_copy, changed, "worldbank",
                            snapshot.read_sources_json(changed))
    build.run_build(fresh_copy)
    second = report.run_report(options, fresh_copy).summary
    found = second["data_changes"]
    assert found["since"] == first["generated_at"]
    assert sorted((c["kind"], c["indicator"], c["iso3"], c["year"]) for c in found["changes"]) \
        == [("new_year", "unemployment_pct", "TJK", 2024),
            ("revised", "gdp_usd", "TJK", 2023),
            ("revised", "remittances_received_pct_gdp", "TJK", 2023),
            ("withdrawn", "gdp_per_capita_ppp", "TJK", 2023)]
    gdp = next(c for c in found["changes"] if c["indicator"] == "gdp_usd")
    assert gdp["after"] == pytest.approx(gdp["before"] * 1.02)
    page = (fresh_copy.reports / "index.html").read_text(encoding="utf-8")
    assert "What is new" in page and "4 change(s) in the data" in page
    kept = json.loads((fresh_copy.reports / changes.KEPT / changes.ABOUT).read_text())
    assert kept["generated_at"] == second["generated_at"]


def test_the_log_line_names_the_count():
    assert report._changes_phrase({"data_changes": {"since": None}}).startswith(
        "; first report here")
    assert report._changes_phrase({"data_changes": {"since": "2026-11-21T05:17:03Z",
                                                    "changes": [{}, {}]}}) == \
        "; 2 data change(s) since 2026-11-21T05:17:03Z"
    assert report._changes_phrase(None) == ""
