"""Borders, trafficking and emergencies (issue 12): UNODC GLOTIP, Eurostat, Frontex, IDMC and
UNHCR flows. Expected values are computed here from the snapshot CSVs with plain pandas."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from analysis import catalogue, validate
from analysis.errors import DataError
from analysis.paths import project_paths
from analysis.providers import unodc
from analysis.rawfiles import RawData

STATES = catalogue.state_codes()


@pytest.fixture(scope="module")
def indicators(built_root):
    return pd.read_parquet(built_root.indicators)


@pytest.fixture(scope="module")
def corridors(built_root):
    return pd.read_parquet(built_root.corridors)


@pytest.fixture(scope="module")
def glotip(snapshot_dir):
    return pd.read_csv(snapshot_dir / "unodc" / "glotip.csv", dtype=str, keep_default_na=False)


def _row(table, indicator, iso3, year):
    rows = table[(table.indicator == indicator) & (table.iso3 == iso3) & (table.year == year)]
    assert len(rows) == 1, f"{indicator} {iso3} {year}: {len(rows)} rows"
    return rows.iloc[0]


def _glotip_totals(glotip, name):
    rows = glotip[(glotip.Indicator == name) & (glotip.Dimension == "Total")
                  & (glotip.Sex == "Total") & (glotip.Age == "Total")
                  & glotip.Iso3_code.isin(STATES)]
    return {(r.Iso3_code, int(r.Year)): r.txtVALUE for r in rows.itertuples()}


def _count(text):
    return None if text == "<5" else float(text.replace(",", ""))


# -- UNODC GLOTIP ---------------------------------------------------------------------------


def test_victims_detected_in_tajikistan_2008(indicators, glotip):
    rows = glotip[(glotip.Iso3_code == "TJK") & (glotip.Year == "2008")
                  & (glotip.Indicator == "Detected trafficking victims")
                  & (glotip.Dimension == "Total") & (glotip.Sex == "Total")
                  & (glotip.Age == "Total")]
    assert len(rows) == 1
    row = _row(indicators, "trafficking_victims_detected", "TJK", 2008)
    assert row.value == float(rows.txtVALUE.iloc[0].replace(",", ""))
    assert row.flag == ""


@pytest.mark.parametrize(("indicator", "name"), [
    ("trafficking_victims_detected", "Detected trafficking victims"),
    ("trafficking_convictions", "Persons convicted")])
def test_glotip_totals_are_the_state_totals_and_suppressed_counts_stay_null(
        indicators, glotip, indicator, name):
    expected = _glotip_totals(glotip, name)
    got = indicators[indicators.indicator == indicator]
    assert {(r.iso3, r.year) for r in got.itertuples()} == set(expected)
    suppressed = 0
    for r in got.itertuples():
        value = _count(expected[(r.iso3, r.year)])
        if value is None:
            suppressed += 1
            assert math.isnan(r.value) and r.flag == "M", (r.iso3, r.year)
        else:
            assert r.value == value and r.flag == "", (r.iso3, r.year)
    assert suppressed, "the test must exercise <5"


def test_suppressed_counts_are_never_numbers_in_the_breakdown_table(built_root, glotip):
    table = pd.read_parquet(built_root.processed / "trafficking_breakdowns.parquet")
    states = glotip[(glotip.Iso3_code != "") & (glotip.Country != "")]
    assert len(table) == len(states)
    assert (table.flag == "M").sum() == (states.txtVALUE == "<5").sum()
    assert table.loc[table.flag == "M", "value"].isna().all()
    assert table.loc[table.flag == "", "value"].notna().all()
    # forms of exploitation of victims detected in Kazakhstan 2019, as published
    forms = states[(states.Iso3_code == "KAZ") & (states.Year == "2019")
                   & (states.Indicator == "Detected trafficking victims")
                   & (states.Dimension == "by form of exploitation")]
    got = table[(table.iso3 == "KAZ") & (table.year == 2019)
                & (table.indicator == "trafficking_victims_detected")
                & (table.dimension == "by form of exploitation")]
    assert sorted(zip(got.category, got.sex, got.age, got.value.fillna(-1), strict=True)) == \
        sorted((r.Category, r.Sex, r.Age, _count(r.txtVALUE) or -1) for r in forms.itertuples())
    validate.check_table(table, validate.trafficking_breakdowns_schema(), "t")


def test_regional_aggregates_are_no_state(built_root, glotip):
    table = pd.read_parquet(built_root.processed / "trafficking_breakdowns.parquet")
    aggregates = set(glotip.loc[glotip.Country == "", "Iso3_code"]) - {""}
    assert "CAS" in aggregates and not aggregates & set(table.iso3)


def test_trafficking_corridor_by_citizenship(corridors, glotip):
    cit = glotip[(glotip.Indicator == "Detected trafficking victims")
                 & (glotip.Dimension == "by citizenship")]
    got = corridors[corridors.measure == "trafficking_victims"]
    # Uzbek victims detected in Kazakhstan, every year published
    uzb = cit[(cit.Iso3_code == "KAZ") & (cit.Category == "Uzbekistan")]
    assert len(uzb) > 3
    for r in uzb.itertuples():
        row = got[(got.origin_iso3 == "UZB") & (got.destination_iso3 == "KAZ")
                  & (got.year == int(r.Year))]
        assert len(row) == 1
        value = _count(r.txtVALUE)
        if value is None:
            assert row.flag.iloc[0] == "M" and math.isnan(row.value.iloc[0])
        else:
            assert row.value.iloc[0] == value
    assert not (got.origin_iso3 == got.destination_iso3).any()  # domestic victims left out
    assert set(got.flag) <= {"", "M"}
    assert got.loc[got.flag == "M", "value"].isna().all()


def test_bad_glotip_value_is_refused_naming_file_column_and_row(tmp_path, snapshot_dir):
    paths = project_paths(tmp_path)
    raw = paths.raw_file("unodc", "glotip.csv")
    raw.parent.mkdir(parents=True)
    lines = (snapshot_dir / "unodc" / "glotip.csv").read_text(encoding="utf-8").splitlines()
    header, rows = lines[0], lines[1:6]
    rows[2] = rows[2].rsplit(",", 2)[0] + ",about 40,GLOTIP"
    raw.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    with pytest.raises(DataError) as err:
        unodc.read(RawData(paths))
    text = str(err.value)
    assert "glotip.csv" in text and "txtVALUE" in text and "row 4" in text
    assert "about 40" in text


# -- Eurostat -------------------------------------------------------------------------------


def test_afghans_first_time_eu_applications_2024_come_from_eu27_rows(indicators, corridors,
                                                                     snapshot_dir):
    eu = pd.read_csv(snapshot_dir / "eurostat" / "asylum_applicants.csv")
    afg = eu[(eu.citizenship_iso3 == "AFG") & (eu.year == 2024)]
    eu27 = afg[afg.destination_iso3 == "EU27"].applicants.sum()
    members = afg[afg.destination_iso3 != "EU27"].applicants.sum()
    assert eu27 > 0 and members != eu27
    assert _row(indicators, "eu_asylum_applicants", "AFG", 2024).value == eu27
    got = corridors[corridors.measure == "eu_asylum_applicants"]
    assert "EU27" not in set(got.destination_iso3)  # never added to its members
    afg_got = got[(got.origin_iso3 == "AFG") & (got.year == 2024)]
    assert afg_got.value.sum() == members
    deu = afg[afg.destination_iso3 == "DEU"].applicants.sum()
    assert afg_got[afg_got.destination_iso3 == "DEU"].value.tolist() == [deu]
    assert {"CHE", "NOR"} <= set(afg_got.destination_iso3)  # EU+ non-members are kept
    # years without Eurostat's own EU27 rows have no value: members are never summed into one
    no_eu27 = sorted(set(eu.year) - set(eu.loc[eu.destination_iso3 == "EU27", "year"]))
    assert no_eu27
    got_years = set(indicators.loc[indicators.indicator == "eu_asylum_applicants", "year"])
    assert not got_years & set(no_eu27)


# -- Frontex --------------------------------------------------------------------------------


def test_afghan_detections_at_eu_borders_2023_and_the_running_year(indicators, built_root,
                                                                  snapshot_dir):
    fx = pd.read_csv(snapshot_dir / "frontex" / "illegal_border_crossings.csv")
    afg = fx[fx.nationality_iso3 == "AFG"]
    row = _row(indicators, "eu_irregular_crossings", "AFG", 2023)
    assert row.value == afg[afg.month.str.startswith("2023")].detections.sum()
    assert row.flag == ""
    assert fx.month.max() < "2025-12"  # the snapshot ends in the running year
    last = _row(indicators, "eu_irregular_crossings", "AFG", 2025)
    assert last.flag == "P"
    assert last.value == afg[afg.month.str.startswith("2025")].detections.sum()
    assert (indicators[(indicators.indicator == "eu_irregular_crossings")
                       & (indicators.year < 2025)].flag == "").all()
    label = catalogue.indicator("eu_irregular_crossings").label
    assert "detections, not people" in label
    routes = pd.read_parquet(built_root.processed / "frontex_routes.parquet")
    afg23 = routes[(routes.nationality_iso3 == "AFG") & (routes.year == 2023)]
    assert afg23.detections.sum() == row.value
    east = afg[afg.month.str.startswith("2023")
               & (afg.route == "Eastern Mediterranean Route") & (afg.type == "Sea")]
    assert afg23[(afg23.route == "Eastern Mediterranean Route")
                 & (afg23.type == "Sea")].detections.tolist() == [east.detections.sum()]
    assert set(routes.loc[routes.year == 2025, "flag"]) == {"P"}


# -- IDMC -----------------------------------------------------------------------------------


def test_pakistan_disaster_displacements_2022(indicators, built_root, snapshot_dir):
    idmc = pd.read_csv(snapshot_dir / "idmc" / "new_displacements.csv")
    pak = idmc[(idmc.iso3 == "PAK") & (idmc.year == 2022)]
    disaster = pak[pak.cause != "conflict"].new_displacements.sum()
    assert _row(indicators, "new_displacements_disaster", "PAK", 2022).value == disaster
    assert _row(indicators, "new_displacements_conflict", "PAK", 2022).value == \
        pak[pak.cause == "conflict"].new_displacements.sum()
    tur = idmc[(idmc.iso3 == "TUR") & (idmc.year == 2023) & (idmc.cause == "earthquake")]
    table = pd.read_parquet(built_root.processed / "displacement_by_cause.parquet")
    assert table[(table.iso3 == "TUR") & (table.year == 2023)
                 & (table.cause == "earthquake")].new_displacements.tolist() == \
        tur.new_displacements.tolist()
    assert "AB9" in set(idmc.iso3) and "AB9" not in set(table.iso3)  # Abyei is no state
    assert len(table) == (idmc.iso3 != "AB9").sum()


# -- UNHCR flows ----------------------------------------------------------------------------


def test_refugee_arrivals_abroad_sum_refugees_refugee_like_and_oip(indicators, snapshot_dir):
    flows = pd.read_csv(snapshot_dir / "unhcr" / "flows.csv", keep_default_na=False,
                        na_values=[""])
    parts = ["refugees", "refugee_like", "oip"]
    for iso3, year in [("AFG", 2021), ("AFG", 2022), ("TUR", 2016), ("PAK", 2023)]:
        rows = flows[(flows.coo_iso == iso3) & (flows.year == year)]
        expected = rows[parts].sum(axis=1, min_count=1).sum(min_count=1)
        assert expected > 0, (iso3, year)
        assert _row(indicators, "refugee_arrivals_abroad", iso3, year).value == expected
    # an origin-year with only blank cells has no row (missing, never 0)
    by = flows[flows.coo_iso.isin(STATES)].groupby(["coo_iso", "year"])[parts]
    blank = by.count().sum(axis=1) == 0
    got = indicators[indicators.indicator == "refugee_arrivals_abroad"]
    assert blank.any()
    for iso3, year in blank[blank].index:
        assert got[(got.iso3 == iso3) & (got.year == year)].empty


# -- loaders --------------------------------------------------------------------------------


def test_breakdown_tables_load_by_state_and_year(built_root):
    from analysis import load

    forms = load.trafficking_breakdowns(["KAZ"], (2019, 2019), paths=built_root)
    assert set(forms.iso3) == {"KAZ"} and set(forms.year) == {2019}
    routes = load.frontex_routes("AFG", (2023, 2023), paths=built_root)
    assert set(routes.nationality_iso3) == {"AFG"} and len(routes) > 1
    hazards = load.displacement_by_cause(["PAK"], (2022, 2022), paths=built_root)
    assert "flood" in set(hazards.cause)


def test_rule_flags_give_their_own_reason(indicators):
    suppressed = indicators[(indicators.indicator == "trafficking_convictions")
                            & (indicators.flag == "M")].iloc[0]
    reason = catalogue.flag_reason("trafficking_convictions", suppressed.iso3,
                                   int(suppressed.year), "M")
    assert "'<5'" in reason and "not zero" in reason
    assert "running year" in catalogue.flag_reason("eu_irregular_crossings", "AFG", 2025, "P")
