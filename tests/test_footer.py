"""Chart footers (issue 19, item 2): every source with its age, each caveat once, numbered
where it concerns some of the panels only."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from themerun import published_record

from analysis import footer, plotting

REASON = "the central bank changed how it records transfers (US$1.2 billion in 2015)"


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_sentences_are_cut_outside_parentheses():
    text = ("Azerbaijan 2020: a real event (UNHCR Global Trends 2020. Annex). Estimate "
            "(Iran 2016-2019): carried forward. 2024 is a projection.")
    assert footer.sentences(text) == [
        "Azerbaijan 2020: a real event (UNHCR Global Trends 2020. Annex).",
        "Estimate (Iran 2016-2019): carried forward.", "2024 is a projection."]
    assert footer.sentences(None) == []


def test_repeated_and_contained_sentences_are_said_once_and_breaks_merged():
    said = [f"Break in series (Tajikistan, 2006): {REASON}.",
            "Projection (2024, 3 states): medium variant.",
            f"Break in series (Uzbekistan, 2006): {REASON}.",
            "Projection (2024, 3 states): medium variant.",
            "Gaps: not reported",  # contained in the next one
            "Gaps: not reported, not zero.",
            f"Break in series (Pakistan, 2016): {REASON}."]
    assert footer.unique(said) == [
        f"Break in series (Tajikistan and Uzbekistan, 2006; Pakistan, 2016): {REASON}.",
        "Projection (2024, 3 states): medium variant.",
        "Gaps: not reported, not zero."]


def test_a_caveat_names_its_places_and_years():
    codes, years = footer.places(
        "Break in series (Tajikistan and Uzbekistan, 2006): a reason.")[0]
    assert {"TJK", "UZB"} <= codes and years == {2006}
    gaps = footer.places("Not reported, left as gaps (Iran 2005-2007; Turkmenistan 2015 and "
                         "2023): zeros.")
    assert [("IRN" in c, y) for c, y in gaps] == [(True, set()), (False, set())]
    assert "TKM" in gaps[1][0]  # gaps are not drawn: any panel drawing the state
    assert footer.places("Estimate (2021, 35 states): modelled.") == []
    event = footer.places("Pakistan 2014-2015: a real event (a source).")
    assert "PAK" in event[0][0] and event[0][1] == {2014, 2015}


def _three_panels(note: str) -> plotting.Chart:
    chart = plotting.new_chart("Three panels", "a unit", "Source: test provider, released "
                               "2025-01-01, data to 2023.", note=note, ncols=3, size=(9, 3))
    for ax, (title, iso3) in zip(chart.axes.flat, [("Tajikistan", "TJK"),
                                                   ("Kyrgyzstan", "KGZ"),
                                                   ("Uzbekistan", "UZB")], strict=True):
        rows = pd.DataFrame({"iso3": iso3, "year": [2015, 2016, 2017], "value": [1.0, 2, 3]})
        plotting.state_lines(ax, rows)
        plotting.panel_title(ax, title)
    return chart


def test_two_panels_sharing_a_caveat_print_it_once_with_a_number(tmp_path):
    note = (f"Break in series (Tajikistan, 2016): {REASON}. "
            f"Break in series (Kyrgyzstan, 2016): {REASON}. "
            "Projection (2024, 3 states): medium variant. "
            "Projection (2024, 3 states): medium variant.")
    chart = _three_panels(note)
    plotting.save(chart, tmp_path, "three", ["png"])
    printed = chart.texts["footer"].get_text().replace("\n", " ")
    assert printed.count("central bank changed") == 1
    assert printed.count("medium variant") == 1
    assert "¹ Break in series (Tajikistan and Kyrgyzstan, 2016)" in printed
    titles = [ax.get_title(loc="left") for ax in chart.axes.flat]
    assert titles == ["Tajikistan ¹", "Kyrgyzstan ¹", "Uzbekistan"]
    assert chart.caveats == ("Projection (2024, 3 states): medium variant. ¹ Break in series "
                             f"(Tajikistan and Kyrgyzstan, 2016): {REASON}.")
    assert chart.source not in chart.caveats  # the source line is said apart, once


def test_a_caveat_of_every_panel_has_no_number(tmp_path):
    note = "; ".join(["Break in series (Tajikistan, 2016): a",
                      "Kyrgyzstan, 2016): a"]).replace("; K", ". Break in series (K")
    chart = _three_panels(note + ". Estimate (Tajikistan 2016; Kyrgyzstan 2016; Uzbekistan "
                          "2016): modelled.")
    plotting.save(chart, tmp_path, "three", ["png"])
    assert chart.footnotes.plain == ["Estimate (Tajikistan 2016; Kyrgyzstan 2016; Uzbekistan "
                                     "2016): modelled."]
    assert chart.footnotes.numbered == [((0, 1), ["Break in series (Tajikistan and "
                                                  "Kyrgyzstan, 2016): a."])]


def test_the_footer_grows_the_figure_not_the_plot(tmp_path):
    short = _three_panels("Projection (2024, 3 states): medium variant.")
    long = _three_panels(" ".join(f"Estimate (Tajikistan {y}): reason number {y} is long "
                                  "enough to take a line of its own in the footer." for y in
                                  range(2005, 2018)))
    for chart in (short, long):
        plotting.save(chart, tmp_path, "x", ["png"])
    assert long.fig.get_figheight() > short.fig.get_figheight() + 0.5
    assert long.fig.get_figwidth() == short.fig.get_figwidth() == 9


def test_the_source_line_says_when_a_release_date_is_not_recorded():
    entry = {"latest_year_present": 2023, "retrieved_at": "2025-06-19", "licence": "CC BY 4.0"}
    assert plotting.vintage_phrase(entry) == "data to 2023, retrieved 2025-06-19, CC BY 4.0"
    assert plotting.vintage_phrase(entry, say_missing=True) == (
        "release date not recorded, data to 2023, retrieved 2025-06-19, CC BY 4.0")


@pytest.mark.parametrize("theme", ["remittances", "refugee_self_reliance"])
def test_every_chart_of_a_theme_says_each_caveat_once_and_each_sources_age(
        theme, tmp_path, monkeypatch, built_root):
    record = published_record(theme, tmp_path, monkeypatch, built_root.root)
    assert record["figures"]
    merged = 0
    for figure in record["figures"]:
        where = figure["name"]
        caveats = footer.sentences(figure["caveats"])
        stripped = [s.lstrip("¹²³⁴⁵⁶⁷⁸⁹ ") for s in caveats]
        assert len(stripped) == len(set(stripped)), where
        assert not any(s in figure["source"] for s in stripped), where
        parts = footer.sentences(figure["source"].removeprefix("Source: "))
        for part in parts:  # one provider (or one file of a provider) each
            assert "data to " in part, (where, part)
            assert "released " in part or "release date not recorded" in part, (where, part)
        merged += sum(s.startswith("Break in series") and " and " in s.split(":")[0]
                      for s in stripped)
    if theme == "refugee_self_reliance":  # Tajik refugees: one reason for two states' breaks
        assert merged


def test_a_place_drawn_in_several_panels_without_years_is_said_for_the_chart():
    """A dashboard draws every state in every panel, one series each and no year keys: a
    state's break cannot be pinned to a panel, so it is printed unnumbered."""
    note = f"Break in series (Russia, 2022): {REASON}. Break in series (Pakistan, 2024): x."
    dashboard = [[("RUS",), ("PAK",)], [("RUS",)], [("RUS",), ("KAZ",)]]
    notes = footer.footnotes(note, dashboard)
    assert notes.plain == [f"Break in series (Russia, 2022): {REASON}."]
    assert notes.numbered == [((0,), ["Break in series (Pakistan, 2024): x."])]
    assert notes.marks(0) == "¹" and notes.marks(1) == ""
