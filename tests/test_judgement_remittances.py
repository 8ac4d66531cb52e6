"""Issue 18 judgement rules in the remittances, re-entry and country-profile money pages:
Russia's recorded outflows are not compared across their 2022 break nor used as a key figure;
KNOMAD receivers the model does not split are "not allocated by the model", not corridors;
an estimate covering part of a year is not set against a full year, and both pages quote the
same (full) survey year; SDG 10.c's 3% is the average target, 5% the corridor ceiling;
remittances are not compared with net FDI; year labels are neutral and US$ changes are said
to mix in exchange-rate valuation."""

from __future__ import annotations

import pandas as pd
from themerun import published_record

from analysis.themes import common


def _record(module_id: str, tmp_path, monkeypatch, built_root, state: str | None = None) -> dict:
    return published_record(module_id, tmp_path, monkeypatch, built_root.root, state)


def _captions(record: dict) -> dict[str, str]:
    return {f["name"]: f"{f['title']} | {f['subtitle']} | {f['caption']}"
            for f in record["figures"]}


def _indicator(built_root, indicator: str, iso3: str) -> pd.DataFrame:
    rows = pd.read_parquet(built_root.processed / "indicators.parquet")
    return rows[(rows["indicator"] == indicator) & (rows["iso3"] == iso3)].dropna(
        subset=["value"])


def test_russias_outflows_not_compared_across_their_break(tmp_path, monkeypatch, built_root):
    paid = _indicator(built_root, "remittances_paid_usd", "RUS")
    assert paid.loc[paid["year"] == 2022, "flag"].item() == "B"  # the snapshot's break
    record = _record("remittances", tmp_path, monkeypatch, built_root)
    text = _captions(record)["remittances_paid_by_destination_countries"]
    # the peak (2013) is set against 2021, the last year before the break, not 2023
    assert "stood at US$16.8 billion in 2021, the last year before a break" in text
    assert "From 2022 the series breaks" in text and "not comparable" in text
    assert not [k for k in record["key_figures"] if k["indicator"] == "remittances_paid_usd"]


def test_unsplit_knomad_receivers_are_not_corridors(tmp_path, monkeypatch, built_root):
    text = _captions(_record("remittances", tmp_path, monkeypatch, built_root))
    sources = text["remittance_sources_by_sending_country"]
    assert "Turkmenistan and Uzbekistan the model does not split" in sources
    assert "not allocated by the model" in sources and "only sending country" not in sources
    figure = next(f for f in _record("country_profile", tmp_path / "p", monkeypatch,
                                     built_root, "UZB")["figures"]
                  if f["name"] == "money_corridors")
    assert "one corridor" not in figure["caption"]
    assert "not allocated by the model" in figure["caption"]
    rows = pd.read_csv(tmp_path / "p" / "out" / figure["data"]["csv"])
    # no bar for the money Uzbekistan receives: it sits on Russia alone in the model
    assert not (rows.get("origin_iso3", pd.Series(dtype=str)) == "UZB").any()


def test_afghanistans_2021_estimate_not_set_against_2015(tmp_path, monkeypatch, built_root):
    afg = _indicator(built_root, "remittances_received_pct_gdp", "AFG")
    assert afg["year"].max() == 2021  # the snapshot: nothing reported after August 2021
    text = _captions(_record("country_profile", tmp_path, monkeypatch, built_root, "AFG"))
    remit = text["remittances"]
    assert "in 2021" in remit and "in 2015" not in remit and "not compared with 2015" in remit


def test_cost_year_and_sdg_wording_agree_across_pages(tmp_path, monkeypatch, built_root):
    main = _captions(_record("remittances", tmp_path / "m", monkeypatch, built_root))
    costs = main["remittance_costs_against_sdg_target"]
    assert "In 2019, the latest full year" in costs and "3%, the SDG 10.c target for the " \
        "average cost" in costs
    assert "first three quarters" in costs
    profile = _captions(_record("country_profile", tmp_path / "p", monkeypatch, built_root,
                                "AFG"))["remittance_costs"]
    # the same corridor year as the main page (2020 holds three quarters only)
    assert "sending money in 2019" in profile and "sending money in 2020" not in profile
    assert "above the target" not in profile and "below the target" not in profile
    assert "5%" in profile and "first three quarters only" in profile


def test_a_corridor_between_3_and_5_percent_is_not_a_breach():
    from analysis.themes.country_profile import _against_sdg
    assert _against_sdg(3.2) == "within the 5% corridor ceiling"
    assert _against_sdg(13.9).startswith("above the 5% SDG ceiling")
    assert _against_sdg(2.9) == "under 3%"


def test_remittances_not_compared_with_net_fdi(tmp_path, monkeypatch, built_root):
    text = _captions(_record("remittances", tmp_path, monkeypatch, built_root))
    fdi = text["remittances_and_fdi"]
    assert "exceeded" not in fdi and "times the investment" not in fdi
    assert "not compared state by state" in fdi


def test_year_labels_are_neutral_and_valuation_is_said(tmp_path, monkeypatch, built_root):
    causes = ("war", "sanction", "pandemic", "rouble's fall")
    assert not any(w in label.lower() for label in common.REMITTANCE_SHOCKS.values()
                   for w in causes)
    text = _captions(_record("reentry_reintegration", tmp_path, monkeypatch, built_root))
    shocks = text["remittance_shocks"]
    assert not any(w in shocks.lower() for w in causes)
    assert "exchange-rate valuation" in shocks
    main = _captions(_record("remittances", tmp_path / "m", monkeypatch, built_root))
    assert "exchange-rate valuation" in main["remittances_received_usd"]
