"""Processed values equal the providers' values, computed here from the raw CSVs with plain
pandas, independently of the build code."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from conftest import read_snapshot_csv as _csv

from analysis import build, catalogue, load

STATES = ["AFG", "IRN", "KGZ", "TJK", "TUR", "UZB", "RUS"]


@pytest.fixture(scope="module")
def processed(built_root):
    return pd.read_parquet(built_root.indicators)


def _value(processed, indicator, iso3, year):
    rows = processed[(processed.indicator == indicator) & (processed.iso3 == iso3)
                     & (processed.year == year)]
    assert len(rows) == 1, f"{indicator} {iso3} {year}: {len(rows)} rows"
    return rows["value"].iloc[0]


def test_remittances_share_of_gdp_is_remittances_over_gdp(processed, snapshot_dir):
    wb = _csv(snapshot_dir, "worldbank/indicators.csv")
    for iso3, year in [("TJK", 2015), ("KGZ", 2023), ("UZB", 2020), ("AFG", 2010)]:
        rem = wb[(wb.indicator == "BX.TRF.PWKR.CD.DT") & (wb.iso3 == iso3) & (wb.year == year)]
        gdp = wb[(wb.indicator == "NY.GDP.MKTP.CD") & (wb.iso3 == iso3) & (wb.year == year)]
        expected = rem.value.iloc[0] / gdp.value.iloc[0] * 100
        assert _value(processed, "remittances_received_pct_gdp", iso3, year) == \
            pytest.approx(expected, rel=1e-12)
        assert _value(processed, "remittances_received_usd", iso3, year) == rem.value.iloc[0]


def test_refugee_totals_sum_every_partner_including_unknown_origin(processed, snapshot_dir):
    pop = _csv(snapshot_dir, "unhcr/population.csv")
    for iso3, year in [("IRN", 2023), ("PAK", 2015), ("TUR", 2020), ("KGZ", 2024),
                       ("USA", 2014)]:
        hosted = pop[(pop.coa_iso == iso3) & (pop.year == year)].refugees.sum()
        assert _value(processed, "refugees_hosted", iso3, year) == hosted
    unknown = pop[(pop.coo_iso == "UNK") & (pop.coa_iso == "USA") & (pop.year == 2014)]
    assert unknown.refugees.sum() > 0, "the test case must exercise unknown origins"
    for iso3, year in [("AFG", 2022), ("IRN", 2015), ("TJK", 2000)]:
        abroad = pop[(pop.coo_iso == iso3) & (pop.year == year)].refugees.sum()
        assert _value(processed, "refugees_abroad", iso3, year) == abroad


def test_emigrant_stock_sums_both_sexes_and_all_destinations(processed, snapshot_dir):
    stock = _csv(snapshot_dir, "undesa/migrant_stock_2024.csv")
    for iso3, year in [("TJK", 2024), ("KAZ", 1990), ("AZE", 2015)]:
        expected = stock[(stock.origin_iso3 == iso3) & (stock.year == year)].migrants.sum()
        assert _value(processed, "emigrant_stock", iso3, year) == expected
        immigrants = stock[(stock.destination_iso3 == iso3) & (stock.year == year)].migrants.sum()
        assert _value(processed, "immigrant_stock", iso3, year) == immigrants


def test_recognition_and_protection_rates_use_all_decision_rows(processed, snapshot_dir):
    dec = _csv(snapshot_dir, "unhcr/asylum_decisions.csv")
    for iso3, year in [("AFG", 2016), ("IRN", 2022), ("PAK", 2010), ("AFG", 2024)]:
        rows = dec[(dec.coo_iso == iso3) & (dec.year == year)]
        rec, other, rej = rows.dec_recognized.sum(), rows.dec_other.sum(), rows.dec_rejected.sum()
        assert _value(processed, "asylum_decisions_abroad", iso3, year) == rec + other + rej
        assert _value(processed, "refugee_recognition_rate_abroad", iso3, year) == \
            pytest.approx(rec / (rec + other + rej) * 100, rel=1e-12)
        assert _value(processed, "total_protection_rate_abroad", iso3, year) == \
            pytest.approx((rec + other) / (rec + other + rej) * 100, rel=1e-12)


def test_population_and_per_capita_rates_come_from_wpp(processed, snapshot_dir):
    wpp = _csv(snapshot_dir, "undesa/population_wpp2024.csv")
    pop = _csv(snapshot_dir, "unhcr/population.csv")
    iso3, year = "IRN", 2022
    population = wpp[(wpp.iso3 == iso3) & (wpp.year == year)].population.iloc[0]
    refugees = pop[(pop.coa_iso == iso3) & (pop.year == year)].refugees.sum()
    assert _value(processed, "population", iso3, year) == population
    assert _value(processed, "refugees_hosted_per_1000", iso3, year) == \
        pytest.approx(refugees / population * 1000, rel=1e-12)


def test_corridor_migrant_stock_tajikistan_to_russia(built_root, snapshot_dir):
    stock = _csv(snapshot_dir, "undesa/migrant_stock_2024.csv")
    expected = (stock[(stock.origin_iso3 == "TJK") & (stock.destination_iso3 == "RUS")]
                .groupby("year").migrants.sum())
    got = load.corridors("migrant_stock", origins=["TJK"], destinations=["RUS"],
                         paths=built_root).set_index("year")["value"]
    pd.testing.assert_series_equal(got, expected.astype(float), check_names=False)
    assert set(load.corridors("migrant_stock", origins=["TJK"], paths=built_root)
               .destination_name) >= {"Russia", "Kazakhstan"}


def test_corridor_returns_and_resettlement_follow_unhcr_orientation(built_root, snapshot_dir):
    sol = _csv(snapshot_dir, "unhcr/solutions.csv")
    rows = sol[(sol.coo_iso == "AFG") & (sol.coa_iso == "PAK") & (sol.year == 2016)]
    got = load.corridors("returned_refugees", origins=["AFG"], destinations=["PAK"],
                         years=(2016, 2016), paths=built_root)
    assert got["value"].tolist() == [rows.returned_refugees.sum()]


def test_every_indicator_state_and_source_year_is_present(processed, snapshot_dir):
    assert set(processed.indicator) == {i.id for i in catalogue.INDICATORS}
    assert set(processed.iso3) == set(catalogue.state_codes())
    wb = _csv(snapshot_dir, "worldbank/indicators.csv")
    pop = _csv(snapshot_dir, "unhcr/population.csv")
    by_indicator = processed.groupby("indicator").year.agg(["min", "max"])
    gdp = wb[(wb.indicator == "NY.GDP.MKTP.CD") & wb.iso3.isin(catalogue.state_codes())]
    assert by_indicator.loc["gdp_usd", "max"] == gdp.year.max()
    assert by_indicator.loc["gdp_usd", "min"] == gdp.year.min()
    hosted = pop[pop.coa_iso.isin(catalogue.state_codes())]
    assert by_indicator.loc["refugees_hosted", "max"] == hosted.year.max()


def test_missing_values_are_not_zeros(processed, snapshot_dir):
    """Turkmenistan publishes no remittances paid after 1997: no rows, not zeros."""
    wb = _csv(snapshot_dir, "worldbank/indicators.csv")
    published = wb[(wb.indicator == "BM.TRF.PWKR.CD.DT") & (wb.iso3 == "TKM")]
    got = processed[(processed.indicator == "remittances_paid_usd") & (processed.iso3 == "TKM")]
    assert sorted(got.year) == sorted(published.year)


def test_two_builds_are_byte_identical(fresh_copy, built_root):
    build.run_build(fresh_copy)
    for name in ["indicators.parquet", "corridors.parquet", "missing_migrants.parquet",
                 "trafficking_breakdowns.parquet", "frontex_routes.parquet",
                 "displacement_by_cause.parquet", "observation_notes.parquet",
                 "country_names.parquet", "catalogue.json", "vintage.json"]:
        assert (fresh_copy.processed / name).read_bytes() == \
            (built_root.processed / name).read_bytes(), name


def test_catalogue_export_and_vintage(built_root, snapshot_dir):
    exported = json.loads(built_root.catalogue_json.read_text(encoding="utf-8"))
    assert [s["iso3"] for s in exported["states"]] == catalogue.state_codes()
    vintage = load.vintage(paths=built_root)
    # the latest year of a catalogue state in either World Bank file (the social-spending
    # file is of a later release)
    wb = pd.concat([_csv(snapshot_dir, "worldbank/indicators.csv"),
                    _csv(snapshot_dir, "worldbank/wdi_social_spending.csv")])
    codes = [i.code for i in catalogue.INDICATORS if i.provider == "worldbank"]
    used = wb[wb.indicator.isin(codes) & wb.iso3.isin(catalogue.state_codes())
              & wb.value.notna()]
    assert vintage["worldbank"]["latest_year_present"] == int(used.year.max())
    assert vintage["unhcr"]["latest_year_present"] == 2025
    assert vintage["undesa"]["latest_year_present"] == 2024
    iom = _csv(snapshot_dir, "iom/missing_migrants.csv")
    assert vintage["iom"]["latest_year_present"] == int(iom.date.str[:4].max())
    assert vintage["unhcr"]["licence"] == "CC BY 4.0"
    sources = json.loads((snapshot_dir / "sources.json").read_text(encoding="utf-8"))
    assert vintage["worldbank"]["retrieved_at"] == sources["worldbank"]["date_accessed"]
    assert vintage["worldbank"]["snapshot_copied_at"].endswith("Z")


def test_load_filters_and_joins_names(built_root):
    frame = load.indicators(["refugees_hosted", "population"], states=["TUR", "PAK"],
                            years=(2010, 2012), paths=built_root)
    assert set(frame.indicator) == {"refugees_hosted", "population"}
    assert set(frame.name) == {"Türkiye", "Pakistan"}
    assert frame.year.between(2010, 2012).all()
    assert {"iso3", "name", "role", "year", "indicator", "label", "value", "unit",
            "source", "flag"} <= set(frame.columns)
    with pytest.raises(KeyError, match="unknown indicator"):
        load.indicators(["no_such_indicator"], paths=built_root)


def test_missing_migrants_by_state(built_root, snapshot_dir):
    iom = _csv(snapshot_dir, "iom/missing_migrants.csv")
    afghan = iom[iom.origin_iso3.str.split(",").map(lambda c: "AFG" in [x.strip() for x in c])
                 | (iom.incident_iso3 == "AFG")]
    got = load.missing_migrants(["AFG"], paths=built_root)
    assert len(got) == len(afghan)
    assert got.dead_and_missing.sum() == afghan.dead_and_missing.sum()


def test_empty_selections_select_nothing(built_root):
    assert load.indicators([], paths=built_root).empty
    assert load.indicators(["population"], states=[], paths=built_root).empty
    assert load.corridors("migrant_stock", origins=[], paths=built_root).empty
    assert not load.indicators(["population"], states=["TJK"], paths=built_root).empty
