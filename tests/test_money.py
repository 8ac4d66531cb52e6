"""Money and work (issue 11): KNOMAD bilateral remittance estimates, Remittance Prices Worldwide
corridor costs and the new World Bank series, each processed value computed here from the
snapshot CSVs with plain pandas, independently of the build code; and the raw checks."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from conftest import read_snapshot_csv as _csv

from analysis import catalogue, rawfiles, snapshot
from analysis.errors import DataError
from analysis.paths import project_paths
from analysis.providers import knomad, rpw, worldbank


@pytest.fixture(scope="module")
def corridors(built_root):
    return pd.read_parquet(built_root.corridors)


@pytest.fixture(scope="module")
def indicators(built_root):
    return pd.read_parquet(built_root.indicators)


def _corridor(corridors, measure, origin, destination, year):
    rows = corridors[(corridors.measure == measure) & (corridors.origin_iso3 == origin)
                     & (corridors.destination_iso3 == destination) & (corridors.year == year)]
    assert len(rows) == 1, f"{measure} {origin}<-{destination} {year}: {len(rows)} rows"
    return rows.iloc[0]


def _indicator(indicators, indicator, iso3, year):
    rows = indicators[(indicators.indicator == indicator) & (indicators.iso3 == iso3)
                      & (indicators.year == year)]
    assert len(rows) == 1, f"{indicator} {iso3} {year}: {len(rows)} rows"
    return rows.iloc[0]


@pytest.mark.parametrize("sender, receiver, year", [
    ("RUS", "TJK", 2021), ("RUS", "TJK", 2017), ("RUS", "UZB", 2021), ("RUS", "KGZ", 2017),
    ("USA", "PAK", 2021), ("TUR", "AZE", 2021), ("AFG", "PAK", 2017)])
def test_knomad_estimate_is_usd_million_times_a_million_in_the_migrants_direction(
        corridors, snapshot_dir, sender, receiver, year):
    kn = _csv(snapshot_dir, "knomad/bilateral_remittances.csv")
    row = kn[(kn.sender_iso3 == sender) & (kn.receiver_iso3 == receiver) & (kn.year == year)]
    assert len(row) == 1
    got = _corridor(corridors, "remittances_estimated_usd", receiver, sender, year)
    assert got.value == pytest.approx(row.usd_million.iloc[0] * 1e6, rel=1e-12)
    assert got.flag == "E"  # modelled


def test_knomad_keeps_every_pair_touching_a_catalogue_state(corridors, snapshot_dir):
    kn = _csv(snapshot_dir, "knomad/bilateral_remittances.csv")
    states = catalogue.state_codes()
    touching = kn[kn.sender_iso3.isin(states) | kn.receiver_iso3.isin(states)]
    got = corridors[corridors.measure == "remittances_estimated_usd"]
    assert len(got) == len(touching)
    assert got.value.sum() == pytest.approx(touching.usd_million.sum() * 1e6, rel=1e-9)
    assert (got.flag == "E").all()


@pytest.mark.parametrize("sender, receiver, year", [
    ("RUS", "KGZ", 2016), ("RUS", "KGZ", 2011), ("RUS", "TJK", 2019), ("RUS", "UZB", 2020),
    ("DEU", "TJK", 2018), ("USA", "PAK", 2014)])
def test_rpw_cost_is_the_mean_of_the_surveyed_quarters(corridors, snapshot_dir, sender,
                                                       receiver, year):
    costs = _csv(snapshot_dir, "rpw/corridor_costs.csv")
    quarters = costs[(costs.sender_iso3 == sender) & (costs.receiver_iso3 == receiver)
                     & costs.quarter.str.startswith(str(year))]
    assert len(quarters) >= 1
    got = _corridor(corridors, "remittance_cost_pct", receiver, sender, year)
    assert got.value == pytest.approx(quarters.avg_total_cost_pct.mean(), rel=1e-12)


def test_rpw_2011_mean_is_of_two_surveyed_quarters(corridors, snapshot_dir):
    costs = _csv(snapshot_dir, "rpw/corridor_costs.csv")
    q = costs[(costs.sender_iso3 == "RUS") & (costs.receiver_iso3 == "KGZ")
              & costs.quarter.isin(["2011Q1", "2011Q3"])]
    assert len(q) == 2, "before 2013 only Q1 and Q3 are surveyed"
    got = _corridor(corridors, "remittance_cost_pct", "KGZ", "RUS", 2011)
    assert got.value == pytest.approx((q.avg_total_cost_pct.iloc[0]
                                       + q.avg_total_cost_pct.iloc[1]) / 2, rel=1e-12)


@pytest.mark.parametrize("indicator, code, rel, cases", [
    ("fdi_inflows_usd", "BX.KLT.DINV.CD.WD", "worldbank/indicators.csv",
     [("KAZ", 2019), ("TJK", 2015), ("TUR", 2022), ("AZE", 2018)]),
    ("age_dependency_ratio", "SP.POP.DPND", "worldbank/indicators.csv",
     [("AFG", 2020), ("RUS", 2023), ("UZB", 2010)]),
    ("health_expenditure_pct_gdp", "SH.XPD.CHEX.GD.ZS", "worldbank/wdi_social_spending.csv",
     [("TJK", 2019), ("KGZ", 2015), ("USA", 2021)]),
    ("education_expenditure_pct_gdp", "SE.XPD.TOTL.GD.ZS", "worldbank/wdi_social_spending.csv",
     [("KGZ", 2018), ("TUR", 2015), ("KAZ", 2020)]),
])
def test_new_world_bank_series_equal_the_snapshot(indicators, snapshot_dir, indicator, code,
                                                  rel, cases):
    wb = _csv(snapshot_dir, rel)
    for iso3, year in cases:
        row = wb[(wb.indicator == code) & (wb.iso3 == iso3) & (wb.year == year)]
        assert len(row) == 1, (code, iso3, year)
        assert _indicator(indicators, indicator, iso3, year).value == row.value.iloc[0]


def test_fdi_keeps_negative_inflows(indicators, snapshot_dir):
    wb = _csv(snapshot_dir, "worldbank/indicators.csv")
    states = catalogue.state_codes()
    neg = wb[(wb.indicator == "BX.KLT.DINV.CD.WD") & (wb.value < 0) & wb.iso3.isin(states)]
    assert len(neg), "the snapshot must hold a negative net inflow for the test to mean much"
    got = indicators[indicators.indicator == "fdi_inflows_usd"]
    assert (got.value < 0).sum() == len(neg)


def test_social_spending_keeps_catalogue_states_only(indicators, snapshot_dir):
    social = _csv(snapshot_dir, "worldbank/wdi_social_spending.csv")
    assert {"WLD", "ECS"} <= set(social.iso3), "the file carries WDI aggregates"
    states = catalogue.state_codes()
    for indicator, code in [("health_expenditure_pct_gdp", "SH.XPD.CHEX.GD.ZS"),
                            ("education_expenditure_pct_gdp", "SE.XPD.TOTL.GD.ZS")]:
        expected = social[(social.indicator == code) & social.iso3.isin(states)
                          & social.value.notna()]
        got = indicators[indicators.indicator == indicator]
        assert len(got) == len(expected)
        assert set(got.iso3) <= set(states)


# -- raw checks ------------------------------------------------------------------------------


def _edited(tmp_path, snapshot_dir, provider, name, edit):
    source = snapshot_dir / provider / name
    frame = pd.read_csv(source, dtype=str, keep_default_na=False)
    edit(frame)
    target = tmp_path / name
    frame.to_csv(target, index=False)
    return target


@pytest.mark.parametrize("provider, name, spec, edit, expected", [
    ("rpw", "corridor_costs.csv", rpw.RAW_SPEC,
     lambda f: f.__setitem__("quarter", f["quarter"].where(f.index != 4, "2016-Q2")),
     r"row 6, column 'quarter': not a quarter.*2016-Q2"),
    ("rpw", "corridor_costs.csv", rpw.RAW_SPEC,
     lambda f: f.__setitem__("avg_total_cost_pct",
                             f["avg_total_cost_pct"].where(f.index != 2, "2500")),
     r"row 4, column 'avg_total_cost_pct': a cost outside"),
    ("knomad", "bilateral_remittances.csv", knomad.RAW_SPEC,
     lambda f: f.__setitem__("receiver_iso3", f["receiver_iso3"].where(f.index != 0, "")),
     r"row 2, column 'receiver_iso3': blank ISO3.*Pakistan"),
    ("knomad", "bilateral_remittances.csv", knomad.RAW_SPEC,
     lambda f: f.__setitem__("usd_million", f["usd_million"].where(f.index != 1, "-3")),
     r"row 3, column 'usd_million': negative count"),
    ("knomad", "bilateral_remittances.csv", knomad.RAW_SPEC,
     lambda f: f.__setitem__("sender_iso3", f["sender_iso3"].where(f.index != 2, "XYZ")),
     r"row 4, column 'sender_iso3': unknown country code"),
    ("worldbank", "wdi_social_spending.csv", worldbank.SOCIAL_SPEC,
     lambda f: f.__setitem__("value", f["value"].where(f.index != 3, "150")),
     r"row 5, column 'value': SE.XPD.TOTL.GD.ZS .* outside"),
])
def test_raw_checks_name_file_column_and_row(tmp_path, snapshot_dir, provider, name, spec,
                                             edit, expected):
    path = _edited(tmp_path, snapshot_dir, provider, name, edit)
    with pytest.raises(DataError, match=expected) as info:
        rawfiles.read_raw(path, spec)
    assert name in str(info.value)


def test_wdi_aggregates_pass_the_raw_check_but_other_codes_do_not(tmp_path, snapshot_dir):
    rawfiles.read_raw(snapshot_dir / "worldbank" / "wdi_social_spending.csv",
                      worldbank.SOCIAL_SPEC)  # WLD, ECS, ... accepted
    with pytest.raises(DataError, match="unknown country code.*WLD"):
        rawfiles.read_raw(_edited(tmp_path, snapshot_dir, "worldbank", "indicators.csv",
                                  lambda f: f.__setitem__("iso3", f["iso3"].where(
                                      f.index != 0, "WLD"))), worldbank.RAW_SPEC)


def test_bad_rpw_snapshot_file_keeps_previous_raw_data(fresh_copy, snapshot_dir, tmp_path):
    bad = tmp_path / "snap"
    shutil.copytree(snapshot_dir / "rpw", bad / "rpw")
    shutil.copy(snapshot_dir / "sources.json", bad / "sources.json")
    frame = pd.read_csv(bad / "rpw" / "corridor_costs.csv", dtype=str, keep_default_na=False)
    frame.loc[7, "quarter"] = "Q3 2019"
    frame.to_csv(bad / "rpw" / "corridor_costs.csv", index=False)
    before = (fresh_copy.raw_file("rpw", "corridor_costs.csv")).read_bytes()
    sources = snapshot.read_sources_json(bad)
    with pytest.raises(DataError, match="quarter"):
        snapshot.fetch_provider(project_paths(fresh_copy.root), bad, "rpw", sources,
                                refresh=True)
    assert fresh_copy.raw_file("rpw", "corridor_costs.csv").read_bytes() == before


def test_rpw_year_the_file_ends_in_is_provisional(corridors, snapshot_dir):
    """The snapshot ends in 2020Q3: 2020 means are of the quarters published so far (P);
    earlier years are complete as published."""
    costs = _csv(snapshot_dir, "rpw/corridor_costs.csv")
    last = costs.quarter.max()
    assert last == "2020Q3"
    got = corridors[corridors.measure == "remittance_cost_pct"]
    assert (got.loc[got.year == 2020, "flag"] == "P").all()
    assert (got.loc[got.year < 2020, "flag"] == "").all()


def test_channel_islands_get_the_world_banks_code():
    rows = pd.DataFrame({"sender_iso3": ["", "RUS"], "sender_name": ["Channel Islands",
                                                                    "Russian Federation"]})
    assert list(knomad._codes(rows, "sender")) == ["CHI", "RUS"]


def test_footers_carry_each_files_own_vintage(built_root, snapshot_dir):
    """The World Bank folder mixes releases: health and education spending come from a later
    bulk download with its own dates (sources.json `file_vintage`); the other series keep the
    folder's."""
    import json

    from analysis import plotting

    sources = json.loads((snapshot_dir / "sources.json").read_text(encoding="utf-8"))
    own = sources["worldbank"]["file_vintage"]["wdi_social_spending.csv"]
    health = plotting.source_note(["health_expenditure_pct_gdp"], paths=built_root)
    assert f"released {own['date_published']['SH.XPD.CHEX.GD.ZS']}" in health
    assert f"retrieved {own['date_accessed']}" in health
    both = plotting.source_note(["health_expenditure_pct_gdp", "education_expenditure_pct_gdp",
                                 "fdi_inflows_usd"], paths=built_root)
    assert (f"released {own['date_published']['SH.XPD.CHEX.GD.ZS']} (SH.XPD.CHEX.GD.ZS), "
            f"{own['date_published']['SE.XPD.TOTL.GD.ZS']} (SE.XPD.TOTL.GD.ZS)") in both
    # FDI comes from indicators.csv: its own part, with the folder's access date
    assert "World Bank (BX.KLT.DINV.CD.WD), " in both
    assert f"retrieved {sources['worldbank']['date_accessed']}" in both
    knomad_note = plotting.source_note(measures=["remittances_estimated_usd"], paths=built_root)
    assert knomad_note.startswith("Source: World Bank / KNOMAD (")
    assert f"released {sources['knomad']['date_published']}" in knomad_note
