"""How numbers and names read in the findings."""

from __future__ import annotations

import pytest

from analysis import fmt


@pytest.mark.parametrize("value, text", [
    (415_676, "416,000"), (2_350_000, "2.35 million"), (1_420_000_000, "1.42 billion"),
    (38.42, "38.4"), (0.004, "0.004"), (-143_000, "-143,000"), (0, "0"), (None, "n/a"),
    (float("nan"), "n/a"),
])
def test_number(value, text):
    assert fmt.number(value) == text


@pytest.mark.parametrize("value, text", [
    (950, "950"), (1500, "1.5k"), (2_300_000, "2.3M"), (4.1e9, "4.1bn"), (-2000, "-2k"),
])
def test_compact(value, text):
    assert fmt.compact(value) == text


def test_percentages_and_money():
    assert fmt.pct(38.42) == "38.4%"
    assert fmt.signed_pct(-33.2, 0) == "-33%"
    assert fmt.points(11.1) == "+11.1 percentage points"
    assert fmt.usd(51_800_000_000) == "US$51.8 billion"
    assert fmt.count(4412.0) == "4,412"
    assert fmt.times(13.71) == "13.7 times"


def test_names_come_from_the_catalogue():
    assert fmt.name("TUR") == "Türkiye"
    assert fmt.names(["KGZ", "TJK", "UZB"]) == "Kyrgyzstan, Tajikistan and Uzbekistan"
    assert fmt.names(["IRN"]) == "Iran"
    assert fmt.names([]) == "none"


def test_decimal_and_missing():
    assert fmt.decimal(41.49) == "41.5"
    assert fmt.decimal(float("nan")) == "n/a"


@pytest.mark.parametrize("country, text", [
    ("United States", "the United States"), ("United Kingdom", "the United Kingdom"),
    ("Netherlands", "the Netherlands"), ("Philippines", "the Philippines"),
    ("Solomon Islands", "the Solomon Islands"), ("Dominican Republic", "the Dominican Republic"),
    ("Isle of Man", "the Isle of Man"), ("Iran", "Iran"), ("Türkiye", "Türkiye"),
    ("Germany", "Germany"), ("Czechia", "Czechia"),
    # UN names (issue 19): as the UN's own prose writes them
    ("Republic of Korea", "the Republic of Korea"),
    ("Democratic People's Republic of Korea", "the Democratic People's Republic of Korea"),
    ("State of Palestine", "the State of Palestine"),
    ("Syrian Arab Republic", "the Syrian Arab Republic"), ("Sudan", "the Sudan"),
    ("China, Hong Kong SAR", "China, Hong Kong SAR"), ("Viet Nam", "Viet Nam"),
])
def test_the_adds_the_article_a_country_takes_inside_a_sentence(country, text):
    assert fmt.the(country) == text
