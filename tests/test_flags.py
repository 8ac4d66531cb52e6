"""Provider definitions and observation flags (DESIGN: processed tables), each checked against
values computed here from the snapshot's raw CSVs with plain pandas."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from conftest import read_snapshot_csv as _csv

from analysis import catalogue, load, validate
from analysis.errors import DataError


@pytest.fixture(scope="module")
def processed(built_root):
    return pd.read_parquet(built_root.indicators)


@pytest.fixture(scope="module")
def corridors(built_root):
    return pd.read_parquet(built_root.corridors)


def _row(processed, indicator, iso3, year):
    rows = processed[(processed.indicator == indicator) & (processed.iso3 == iso3)
                     & (processed.year == year)]
    assert len(rows) == 1, f"{indicator} {iso3} {year}: {len(rows)} rows"
    return rows.iloc[0]


# -- definitions ---------------------------------------------------------------------------

def test_asylum_applications_count_new_applications_only(processed, snapshot_dir):
    apps = _csv(snapshot_dir, "unhcr/asylum_applications.csv")
    for iso3, year in [("AFG", 2024), ("PAK", 2019), ("IRN", 2023), ("TUR", 2016)]:
        rows = apps[(apps.coo_iso == iso3) & (apps.year == year)]
        assert _row(processed, "asylum_applications_abroad", iso3, year).value == \
            rows[rows.app_type == "N"].applied.sum()
    afg = apps[(apps.coo_iso == "AFG") & (apps.year == 2024)]
    # The defect this replaces: every application type counted (about 29% more in 2024).
    assert afg.applied.sum() / afg[afg.app_type == "N"].applied.sum() == pytest.approx(1.285,
                                                                                      abs=0.01)


def test_applications_before_2006_are_not_split_by_type(processed, snapshot_dir):
    """Before 2006 every asylum country but the United States reports all application types
    together (V): Iran's 2000 records are not new applications, and a state's total of new
    applications abroad cannot be known (M), although its nationals' US applications are N."""
    apps = _csv(snapshot_dir, "unhcr/asylum_applications.csv")
    early = apps[apps.year < 2006]
    assert set(early[early.app_type != "V"].coa_iso) == {"USA"}
    iran_2000 = apps[(apps.coa_iso == "IRN") & (apps.year == 2000)]
    assert set(iran_2000.app_type) == {"V"}
    hosted = processed[(processed.indicator == "asylum_applications_hosted")
                       & (processed.iso3 == "IRN") & (processed.year == 2000)]
    assert hosted.empty  # no new application published for Iran in 2000
    afg_2005 = _row(processed, "asylum_applications_abroad", "AFG", 2005)
    assert afg_2005.flag == "M" and math.isnan(afg_2005.value)
    assert _row(processed, "asylum_applications_abroad", "AFG", 2006).flag == ""


def test_corridor_asylum_applications_are_new_only(corridors, snapshot_dir):
    apps = _csv(snapshot_dir, "unhcr/asylum_applications.csv")
    rows = apps[(apps.coo_iso == "AFG") & (apps.coa_iso == "DEU") & (apps.year == 2023)]
    got = corridors[(corridors.measure == "asylum_applications") & (corridors.year == 2023)
                    & (corridors.origin_iso3 == "AFG") & (corridors.destination_iso3 == "DEU")]
    assert got.value.tolist() == [rows[rows.app_type == "N"].applied.sum()]
    assert rows.applied.sum() > rows[rows.app_type == "N"].applied.sum()  # the case bites


def test_population_2024_comes_from_the_wpp_projection_flagged_f(processed, snapshot_dir):
    proj = _csv(snapshot_dir, "undesa/population_wpp2024_projection.csv")
    stock = _csv(snapshot_dir, "undesa/migrant_stock_2024.csv")
    for iso3 in ["TJK", "KAZ", "AFG"]:
        p = proj[(proj.iso3 == iso3) & (proj.year == 2024)].iloc[0]
        population = round((p.pop_male_thousands + p.pop_female_thousands) * 1000)
        row = _row(processed, "population", iso3, 2024)
        assert (row.value, row.flag) == (population, "F")
        emigrants = stock[(stock.origin_iso3 == iso3) & (stock.year == 2024)].migrants.sum()
        immigrants = stock[(stock.destination_iso3 == iso3) & (stock.year == 2024)].migrants.sum()
        em = _row(processed, "emigrants_pct_population", iso3, 2024)
        assert em.value == pytest.approx(emigrants / population * 100, rel=1e-12)
        assert em.flag == "F"
        assert _row(processed, "immigrants_pct_population", iso3, 2024).value == \
            pytest.approx(immigrants / population * 100, rel=1e-12)
    # Projection years after the last migrant-stock estimate are not needed as denominators.
    assert processed[processed.indicator == "population"].year.max() == \
        catalogue.POPULATION_PROJECTION_LAST_YEAR


def test_emigrants_share_uses_the_estimate_population_before_2024(processed, snapshot_dir):
    wpp = _csv(snapshot_dir, "undesa/population_wpp2024.csv")
    stock = _csv(snapshot_dir, "undesa/migrant_stock_2024.csv")
    population = wpp[(wpp.iso3 == "KGZ") & (wpp.year == 2020)].population.iloc[0]
    emigrants = stock[(stock.origin_iso3 == "KGZ") & (stock.year == 2020)].migrants.sum()
    row = _row(processed, "emigrants_pct_population", "KGZ", 2020)
    assert row.value == pytest.approx(emigrants / population * 100, rel=1e-12)
    assert row.flag == ""


# -- flags ---------------------------------------------------------------------------------

def test_rates_from_fewer_than_100_decisions_are_flagged_u(processed, snapshot_dir):
    dec = _csv(snapshot_dir, "unhcr/asylum_decisions.csv")
    sums = dec.groupby(["coo_iso", "year"])[["dec_recognized", "dec_other", "dec_rejected"]] \
        .sum().sum(axis=1)
    sums = sums[sums.index.get_level_values(0).isin(catalogue.state_codes())]
    few = sums[(sums > 0) & (sums < 100)]
    many = sums[sums >= 100]
    assert len(few) > 5, "the snapshot must exercise the rule"
    for (iso3, year), _ in few.items():
        for ind in ("refugee_recognition_rate_abroad", "total_protection_rate_abroad"):
            assert _row(processed, ind, iso3, year).flag == "U"
    for (iso3, year), _ in many.items():
        if year < 2025:  # 2025 is a part year (P)
            assert _row(processed, "refugee_recognition_rate_abroad", iso3, year).flag == ""


def test_world_bank_zero_remittances_are_missing_not_zero(processed, snapshot_dir):
    wb = _csv(snapshot_dir, "worldbank/indicators.csv")
    zeros = wb[(wb.indicator == "BX.TRF.PWKR.CD.DT") & (wb.value == 0)
               & wb.iso3.isin(catalogue.state_codes())]
    assert {"IRN", "TKM"} <= set(zeros.iso3)
    for row in zeros.itertuples():
        got = _row(processed, "remittances_received_usd", row.iso3, row.year)
        assert got.flag == "M" and math.isnan(got.value)
        share = _row(processed, "remittances_received_pct_gdp", row.iso3, row.year)
        assert share.flag == "M" and math.isnan(share.value)


def test_afghan_remittances_carried_forward_after_2021(processed, snapshot_dir):
    wb = _csv(snapshot_dir, "worldbank/indicators.csv")
    afg = wb[(wb.indicator == "BX.TRF.PWKR.CD.DT") & (wb.iso3 == "AFG")].set_index("year").value
    assert afg[2021] == afg[2022] == afg[2023]  # the published repetition
    assert _row(processed, "remittances_received_usd", "AFG", 2021).flag == "E"
    assert _row(processed, "remittances_received_usd", "AFG", 2021).value == afg[2021]
    for year in (2022, 2023):
        row = _row(processed, "remittances_received_usd", "AFG", year)
        assert row.flag == "M" and math.isnan(row.value)


def test_iran_reclassifications_are_breaks(processed, corridors):
    for year in (2022, 2025):
        assert _row(processed, "refugees_hosted", "IRN", year).flag == "B"
        assert _row(processed, "refugees_abroad", "AFG", year).flag == "B"
        pair = corridors[(corridors.measure == "refugees") & (corridors.origin_iso3 == "AFG")
                         & (corridors.destination_iso3 == "IRN") & (corridors.year == year)]
        assert pair.flag.tolist() == ["B"]
    assert _row(processed, "refugees_hosted", "IRN", 2021).flag == ""
    assert _row(processed, "refugees_hosted_per_1000", "IRN", 2022).flag == "B"


def test_unhcr_zero_idps_are_not_reported(processed, snapshot_dir):
    pop = _csv(snapshot_dir, "unhcr/population.csv")
    sums = pop[pop.coa_iso.isin(catalogue.state_codes())].groupby(["coa_iso", "year"]) \
        .idps.sum(min_count=1).dropna()
    zeros = sums[sums == 0]
    assert ("PAK", 2022) in zeros.index and ("KAZ", 2015) in zeros.index
    for (iso3, year), _ in zeros.items():
        row = _row(processed, "idps", iso3, year)
        assert row.flag == "M" and math.isnan(row.value)
    assert catalogue.flag_reason("idps", "PAK", 2022, "M").startswith(
        "UNHCR stopped reporting Pakistan")
    real = _row(processed, "idps", "AFG", 2023)
    assert real.value == sums[("AFG", 2023)] and real.flag == ""


def test_unhcr_asylum_seekers_before_2000_and_zero_stateless_are_not_reported(
        processed, corridors, snapshot_dir):
    """UNHCR's asylum-seeker statistics start in 2000 (every earlier figure is 0), and it
    publishes 0 stateless people where it has no figure: both are M, never 0."""
    pop = _csv(snapshot_dir, "unhcr/population.csv")
    hosted = pop[pop.coa_iso.isin(catalogue.state_codes())].groupby(["coa_iso", "year"]) \
        .asylum_seekers.sum(min_count=1).dropna()
    before = hosted[hosted.index.get_level_values("year") < 2000]
    assert len(before) > 50 and (before == 0).all()  # the premise of the rule
    for (iso3, year), _ in before.items():
        row = _row(processed, "asylum_seekers_hosted", iso3, year)
        assert row.flag == "M" and math.isnan(row.value)
    assert _row(processed, "asylum_seekers_hosted", "USA", 2000).value == hosted[("USA", 2000)]
    early = corridors[(corridors.measure == "asylum_seekers") & (corridors.year < 2000)]
    assert len(early) and (early.flag == "M").all() and early.value.isna().all()
    stateless = pop[pop.coa_iso == "UZB"].groupby("year").stateless.sum(min_count=1)
    assert stateless[2010] == 0 and stateless[2014] > 0
    assert _row(processed, "stateless", "UZB", 2010).flag == "M"
    assert _row(processed, "stateless", "UZB", 2014).value == stateless[2014]


def test_unhcr_mid_year_is_provisional(processed, corridors, snapshot_dir):
    pop = _csv(snapshot_dir, "unhcr/population.csv")
    assert pop.year.max() == 2025
    latest = processed[(processed.indicator == "refugees_hosted") & (processed.year == 2025)]
    assert set(latest.flag) <= {"P", "B"} and "P" in set(latest.flag)
    assert _row(processed, "refugees_hosted", "TUR", 2024).flag == ""
    unhcr_2025 = corridors[(corridors.measure == "refugees") & (corridors.year == 2025)]
    assert set(unhcr_2025.flag) <= {"P", "B"}


def test_azerbaijan_2023_net_migration_is_annotated_not_flagged(processed):
    row = _row(processed, "net_migration", "AZE", 2023)
    assert row.flag == ""
    notes = catalogue.observation_notes("net_migration", "AZE")
    assert len(notes) == 1 and notes[0].reason.startswith("likely")
    assert notes[0].source


def test_every_note_names_a_catalogue_entry_and_has_reason_and_source():
    ids = {i.id for i in catalogue.INDICATORS}
    measures = {m.id for m in catalogue.CORRIDOR_MEASURES}
    for note in catalogue.OBSERVATION_NOTES:
        assert note.flag in ("", *catalogue.FLAG_MEANINGS)
        assert note.reason and note.source
        assert (note.indicator in ids) != (note.measure in measures)
        if note.iso3:
            catalogue.state(note.iso3)


def test_load_returns_flag_and_null_missing_values(built_root):
    frame = load.indicators("remittances_received_usd", states=["IRN"], years=(2005, 2023),
                            paths=built_root)
    assert len(frame) == 19
    assert (frame.flag == "M").all() and frame.value.isna().all()
    earlier = load.indicators("remittances_received_usd", states=["IRN"], years=(1995, 2000),
                              paths=built_root)
    assert (earlier.flag == "").all() and (earlier.value > 0).all()


def test_schema_refuses_a_null_value_without_flag_m(processed):
    broken = processed.copy()
    broken.loc[broken.index[broken["flag"] == ""][0], "value"] = float("nan")
    with pytest.raises(DataError, match="null exactly when flag is M"):
        validate.check_table(broken, validate.indicators_schema(), "indicators.parquet")
    unknown = processed.copy()
    unknown.loc[unknown.index[unknown["flag"] == ""][0], "flag"] = "X"
    with pytest.raises(DataError, match="flag"):
        validate.check_table(unknown, validate.indicators_schema(), "indicators.parquet")


def test_a_derived_value_gives_the_reason_of_the_input_it_inherits_from(processed):
    share = _row(processed, "remittances_received_pct_gdp", "TKM", 2015)
    assert share.flag == "M"
    assert catalogue.flag_reason("remittances_received_pct_gdp", "TKM", 2015, "M") == \
        catalogue.flag_reason("remittances_received_usd", "TKM", 2015, "M")
    per_1000 = _row(processed, "refugees_hosted_per_1000", "IRN", 2022)
    assert catalogue.flag_reason("refugees_hosted_per_1000", "IRN", 2022, per_1000.flag) \
        .startswith("reclassification: from 2022")
