"""Issue 18 judgement rules in the labour-migration, overview and refugee self-reliance themes:
model estimates are not ranked, returns are not durable solutions, a sum across years a state
did not report says so, and UN DESA stocks counted by citizenship are not called 'born in'."""

from __future__ import annotations

import importlib

import pandas as pd
from claimcheck import check_summary
from themerun import published_record

from analysis import notebook
from analysis.themes.common import Figure


def _captions(module_id: str, tmp_path, monkeypatch, built_root) -> dict[str, str]:
    record = published_record(module_id, tmp_path, monkeypatch, built_root.root)
    return {f["name"]: f"{f['title']} | {f['caption']}" for f in record["figures"]}


def test_unemployment_is_said_to_be_modelled_and_not_ranked(tmp_path, monkeypatch, built_root):
    text = _captions("labour_migration", tmp_path, monkeypatch, built_root)["unemployment"]
    assert "modelled" in text and "not ranked" in text
    assert "highest" not in text and "comparable across states" not in text


def test_citizenship_based_stocks_are_not_called_born_in(tmp_path, monkeypatch, built_root,
                                                         snapshot_dir):
    from analysis.catalogue import CITIZENSHIP_BASED
    stock = pd.read_csv(snapshot_dir / "undesa" / "migrant_stock_2024.csv", keep_default_na=False,
                        usecols=["destination_iso3", "based_on_citizenship"])
    by_citizenship = set(stock.loc[stock["based_on_citizenship"] == 1, "destination_iso3"])
    assert set(CITIZENSHIP_BASED) == by_citizenship  # the constant is the snapshot's column
    text = _captions("labour_migration", tmp_path, monkeypatch, built_root)
    corridor = text["main_migration_corridors"]
    assert "Afghanistan → Iran" in corridor  # the snapshot's largest corridor
    assert "people born in Afghanistan lived in Iran" not in corridor
    assert "citizens of Afghanistan lived in Iran" in corridor and "reclassification" in corridor
    assert "people born in Afghanistan lived abroad" not in text["immigrant_and_emigrant_stocks"]


def test_dashboard_names_returns_and_citizenship_counts(tmp_path, monkeypatch, built_root):
    text = _captions("overview", tmp_path, monkeypatch, built_root)["headline_dashboard"]
    assert "People born in the state" not in text
    assert "by citizenship" in text and "reclassifications" in text
    # Returns do not measure re-entry bans (issue 18 defect 9, issue 19 item 5): the dashboard
    # says no indicator fits instead of headlining them.
    assert "refugee returns to the state recorded by UNHCR" not in text
    assert "No indicator in this report measures re-entry bans" in text
    # refugees hosted: the 2023 reclassifications in Kazakhstan and Kyrgyzstan are not compared
    hosted = text.split("Refugees hosted per 1,000")[1].split("Internally displaced")[0]
    assert "Kazakhstan" in hosted and "Kyrgyzstan" in hosted and "not compared" in hosted


def test_returns_are_not_solutions_and_gaps_are_said(tmp_path, monkeypatch, built_root):
    text = _captions("refugee_self_reliance", tmp_path, monkeypatch, built_root)
    solutions = text["refugee_solutions"]
    assert not solutions.startswith("Solutions for refugees")
    assert "voluntariness not assessed, so not counted here as a durable solution" in solutions
    # Türkiye reports naturalisations for 2017 and 2018 only: the total says so
    nat = pd.read_parquet(built_root.processed / "indicators.parquet")
    tur = nat[(nat["indicator"] == "naturalisations") & (nat["iso3"] == "TUR")
              & nat["value"].notna() & (nat["year"] >= 2015)]
    years = sorted(int(y) for y in tur["year"].unique())
    assert years == [2017, 2018]
    assert "Türkiye: 99.7%, reported only for 2017–2018" in solutions


def test_karabakh_refugees_are_not_called_nationals(tmp_path, monkeypatch, built_root):
    record = published_record("country_profile", tmp_path, monkeypatch, built_root.root, "AZE")
    mine = [f for f in record["figures"] if f["name"] == "refugees_and_displacement"]
    summary = {"themes": [{"id": "country_profile", "charts": mine, "findings": []}]}
    assert check_summary(summary, built_root.processed) == []  # the new figure recomputes
    text = next(f["caption"] for f in record["figures"]
                if f["name"] == "refugees_and_displacement")
    assert "nationals" not in text
    corridors = pd.read_parquet(built_root.processed / "corridors.parquet")
    arm = corridors[(corridors["measure"] == "refugees") & (corridors["origin_iso3"] == "AZE")
                    & (corridors["destination_iso3"] == "ARM") & (corridors["year"] == 2024)]
    assert len(arm) == 1 and round(arm["value"].iloc[0], -3) == 137_000
    assert ("137,000 were people who fled Karabakh to Armenia, recorded by UNHCR with Azerbaijan "
            "as country of origin") in text


def test_profile_calls_iran_count_of_afghans_citizens(tmp_path, monkeypatch, built_root):
    monkeypatch.setenv("ANALYSIS_ROOT", str(built_root.root))
    module = importlib.import_module("analysis.themes.country_profile")
    nb = notebook.start_profile("AFG", first_year=None, last_year=None,
                                output_dir=tmp_path / "out", formats=["png"],
                                record_file=tmp_path / "record.json")
    figures = {f.name: f for f in module.outputs(nb) if isinstance(f, Figure)}
    where = figures["emigrant_destinations"].finding
    assert "Iran was home to" in where  # Iran is the largest destination in the snapshot
    assert "citizens of Afghanistan" in where and "people born in Afghanistan" not in where
    assert "people born in Afghanistan lived abroad" not in figures["migrant_stocks"].finding


def test_a_count_on_a_new_basis_says_so_where_it_is_quoted(tmp_path, monkeypatch, built_root):
    """Russia's 2024 refugees (1.23 million in 2023, about 10,000 in 2024: the Ukrainians no
    longer counted) are not quoted as if the series went on."""
    hosted = pd.read_parquet(built_root.processed / "indicators.parquet")
    rus = hosted[(hosted["indicator"] == "refugees_hosted") & (hosted["iso3"] == "RUS")
                 & (hosted["year"] == 2024)]
    assert list(rus["flag"]) == ["B"]  # the build's review flags the break
    monkeypatch.setenv("ANALYSIS_ROOT", str(built_root.root))
    module = importlib.import_module("analysis.themes.country_profile")
    nb = notebook.start_profile("RUS", first_year=None, last_year=None,
                                output_dir=tmp_path / "out", formats=["png"],
                                record_file=tmp_path / "record.json")
    figures = {f.name: f for f in module.outputs(nb) if isinstance(f, Figure)}
    text = figures["refugees_and_displacement"].finding
    assert "Russia hosted 10,100 refugees (counted on a new basis from 2024" in text


def test_per_migrant_leaves_out_receivers_the_model_does_not_split(tmp_path, monkeypatch,
                                                                    built_root):
    """Defect 4: Uzbekistan's only KNOMAD corridor (Russia gets all it records) divided by the
    stock is a model output over its own input: not drawn, and said so."""
    sent = pd.read_parquet(built_root.processed / "corridors.parquet")
    sent = sent[(sent["measure"] == "remittances_estimated_usd") & (sent["year"] == 2021)
                & sent["value"].notna()]
    assert (sent["origin_iso3"] == "UZB").sum() == 1  # the data as the issue describes it
    text = _captions("labour_migration", tmp_path, monkeypatch, built_root)[
        "remittances_per_migrant_by_corridor"]
    rows = pd.read_csv(tmp_path / "out" / "figures" / "labour_migration"
                       / "remittances_per_migrant_by_corridor.csv", dtype=str)
    assert "UZB" not in set(rows["origin_iso3"])
    assert "not allocated by the model" in text and "Uzbekistan" in text.split("Not shown:")[1]
