"""The catalogue names everything once: states, themes covering every remark, indicators."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from analysis import catalogue
from analysis.paths import REPO_ROOT

REMARKS = REPO_ROOT.parent / "shared" / "reference" / "almaty-process-2015-closing-remarks.txt"

# DESIGN.md's processed-table contract, typed from the design document (not from the code).
DESIGN_INDICATORS = {
    "remittances_received_usd", "remittances_paid_usd", "gdp_usd", "remittances_received_pct_gdp",
    "unemployment_pct", "net_migration", "gdp_per_capita_ppp", "population", "refugees_hosted",
    "refugees_abroad", "asylum_seekers_hosted", "asylum_seekers_abroad", "idps", "stateless",
    "returned_refugees", "refugees_hosted_per_1000", "immigrant_stock", "emigrant_stock",
    "immigrants_pct_population", "emigrants_pct_population", "asylum_applications_abroad",
    "asylum_decisions_abroad", "refugee_recognition_rate_abroad", "total_protection_rate_abroad",
    # borders, trafficking and emergencies (issue 12)
    "trafficking_victims_detected", "trafficking_convictions", "eu_asylum_applicants",
    "eu_irregular_crossings", "new_displacements_conflict", "new_displacements_disaster",
    "refugee_arrivals_abroad",
}
DESIGN_MEASURES = {"migrant_stock", "refugees", "asylum_seekers", "asylum_applications",
                   "resettlement", "returned_refugees",
                   "trafficking_victims", "eu_asylum_applicants"}  # issue 12


def test_states_and_roles_follow_the_design():
    assert catalogue.state_codes("participating") == [
        "AFG", "AZE", "IRN", "KAZ", "KGZ", "PAK", "TJK", "TUR", "TKM"]
    assert catalogue.state_codes("observer") == ["CHN", "RUS", "USA"]
    assert catalogue.state_codes("comparator") == ["UZB"]
    assert catalogue.state("TUR").name == "Türkiye"
    assert catalogue.state("KGZ").name == "Kyrgyzstan"
    assert catalogue.state("IRN").name == "Iran"


def test_each_state_has_its_own_colour_and_marker():
    colours = [s.colour.upper() for s in catalogue.STATES]
    markers = [s.marker for s in catalogue.STATES]
    assert len(set(colours)) == len(colours)
    assert len(set(markers)) == len(markers)
    assert all(re.fullmatch(r"#[0-9A-F]{6}", c) for c in colours)


def test_themes_cover_every_remark_paragraph():
    covered = {p for t in catalogue.THEMES for p in t.paragraphs}
    assert covered == set(range(1, 14))
    assert len({t.notebook for t in catalogue.THEMES}) == len(catalogue.THEMES)
    assert len({t.id for t in catalogue.THEMES}) == len(catalogue.THEMES)


def test_theme_summaries_are_our_own_words():
    """No run of eight words from the remarks appears in a summary or title."""
    words = re.findall(r"[a-z]+", REMARKS.read_text(encoding="utf-8").lower())
    shingles = {" ".join(words[i:i + 8]) for i in range(len(words) - 7)}
    for theme in catalogue.THEMES:
        own = re.findall(r"[a-z]+", f"{theme.title} {theme.summary}".lower())
        copied = [" ".join(own[i:i + 8]) for i in range(len(own) - 7)
                  if " ".join(own[i:i + 8]) in shingles]
        assert not copied, f"{theme.id} copies the remarks: {copied[0]!r}"


def test_every_design_indicator_and_measure_is_catalogued():
    assert {i.id for i in catalogue.INDICATORS} >= DESIGN_INDICATORS
    assert {m.id for m in catalogue.CORRIDOR_MEASURES} >= DESIGN_MEASURES


def test_theme_references_resolve():
    for theme in catalogue.THEMES:
        for ind in theme.indicators:
            catalogue.indicator(ind)
        for measure in theme.corridor_measures:
            catalogue.corridor_measure(measure)
        if theme.headline:
            assert theme.headline in theme.indicators


def test_derived_indicators_name_their_formula():
    pct = catalogue.indicator("remittances_received_pct_gdp")
    assert pct.formula == "remittances_received_usd / gdp_usd * 100"
    for ind in catalogue.INDICATORS:
        if ind.provider == "derived":
            catalogue.indicator(ind.numerator)
            catalogue.indicator(ind.denominator)
        else:
            assert ind.formula is None


def test_unknown_names_say_what_is_known():
    with pytest.raises(KeyError, match="unknown state 'XYZ'.*AFG"):
        catalogue.state("XYZ")


def test_catalog_command_prints_states_themes_and_indicators():
    out = subprocess.run([sys.executable, "-m", "analysis", "catalog"], capture_output=True,
                         text=True, check=True).stdout
    assert "Türkiye" in out
    assert "remarks 9, 10" in out
    assert "remittances_received_pct_gdp" in out and "BX.TRF.PWKR.CD.DT" in out


@pytest.mark.parametrize("command", ["fetch", "build", "report", "catalog"])
def test_every_subcommand_has_help(command):
    result = subprocess.run([sys.executable, "-m", "analysis", command, "--help"],
                            capture_output=True, text=True)
    assert result.returncode == 0
    assert f"python -m analysis {command}" in result.stdout


IRAN_2022 = "Iran's reclassification of Afghans in a refugee-like situation as refugees"
IRAN_2025 = ("UNHCR's reclassification of part of Iran's Afghans as other people in need of "
             "international protection")


def test_break_label_names_a_break_briefly():
    assert catalogue.break_label("refugees_hosted", "IRN", 2022) == IRAN_2022
    assert catalogue.break_label("refugees_hosted", "IRN", 2025) == IRAN_2025
    assert catalogue.break_label("refugees_abroad", "AFG", 2022) == IRAN_2022
    # A derived indicator takes its input's break (refugees hosted per 1,000 residents).
    assert catalogue.break_label("refugees_hosted_per_1000", "IRN", 2022) == IRAN_2022
    assert catalogue.break_label("refugees_hosted", "IRN", 2021) is None  # no break then
    assert catalogue.break_label("refugees_hosted", "TUR", 2022) is None
    assert catalogue.break_label("remittances_received_usd", "AFG", 2022) is None  # M, not B


def test_break_label_prefers_the_states_own_note(monkeypatch):
    notes = (catalogue.ObservationNote("B", "every", "src", "idps", None, (2020,),
                                       label="a break for every state"),
             catalogue.ObservationNote("B", "own", "src", "idps", "PAK", (2020,),
                                       label="Pakistan's own break"))
    monkeypatch.setattr(catalogue, "OBSERVATION_NOTES", notes)
    assert catalogue.break_label("idps", "PAK", 2020) == "Pakistan's own break"
    assert catalogue.break_label("idps", "AFG", 2020) == "a break for every state"


def test_every_break_has_a_label_and_no_label_has_a_digit():
    for note in catalogue.OBSERVATION_NOTES:
        if note.flag == "B":
            assert note.label, note.reason
        assert not re.search(r"\d", note.label), note.label
