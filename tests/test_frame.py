"""One frame for comparisons (issue 19, item 5): every chart of a theme draws the theme's states
(partners only as marked non-participants or corridor partners) over one window unless its
caption says why; observers and the comparator are marked and never a key figure or a
participants' "largest"; the dashboard says when no indicator fits; a change below the minimum
meaningful change is not "rose" or "fell"."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from claimcheck import _count
from themerun import published_record

from analysis import catalogue, comparison, plotting
from analysis.claims import ClaimError, Ledger
from analysis.paths import REPO_ROOT

THEMES = [t for t in catalogue.THEMES]


def _notebook_first_year(theme: catalogue.Theme) -> int | None:
    """The theme notebook's own default first year (its parameters cell)."""
    cells = json.loads((REPO_ROOT / "notebooks" / theme.notebook).read_text())["cells"]
    source = "".join(next(c["source"] for c in cells
                          if "parameters" in c.get("metadata", {}).get("tags", [])))
    found = re.search(r"^first_year = (\d+)", source, re.MULTILINE)
    return int(found.group(1)) if found else None


# -- rules on self-made values ---------------------------------------------------------------


def test_zero_to_five_people_is_not_a_rise():
    limits = comparison.change_limits("emigrant_stock")
    assert comparison.moved(0, 5, **limits) == comparison.LITTLE
    assert comparison.moved(100_000, 105_000, **limits) == comparison.LITTLE  # 5%: too small
    assert comparison.moved(100_000, 120_000, **limits) == comparison.RISE
    assert comparison.moved(20_000, 10_000, **limits) == comparison.FALL
    # A share: 0.5 points is below the one-point floor even when it is 25% of the start.
    assert comparison.movement(2.0, 2.5, "remittances_received_pct_gdp") == comparison.LITTLE


def test_every_minimum_change_is_said_in_words_without_a_number():
    for unit, floor in catalogue.MIN_CHANGE_FLOOR.items():
        assert floor in comparison.FLOOR_WORDS, unit
    assert catalogue.MIN_CHANGE_PCT in comparison.PCT_WORDS
    for series in ("emigrant_stock", "remittances_received_pct_gdp", "asylum_applications_abroad"):
        assert not re.search(r"\d", comparison.limit_words(series))


def test_claims_count_rose_with_the_minimum_change_recomputes():
    limits = comparison.change_limits("emigrant_stock")
    cells = pd.DataFrame({"key": ["A", "A", "B", "B", "C", "C"],
                          "year": [2015, 2024] * 3,
                          "value": [0.0, 5.0, 10_000.0, 30_000.0, 50_000.0, 40_000.0]})
    claim = {"where": "rose", "years": [2015, 2024], **limits}
    assert _count(claim, cells, None) == 1  # B only; A's 0 -> 5 is not a rise
    assert _count({**claim, "where": "little"}, cells, None) == 1  # A
    assert _count({**claim, "where": "fell"}, cells, None) == 1  # C: -20%
    assert _count({"where": "rose", "years": [2015, 2024]}, cells, None) == 2  # no limits
    c = Ledger()
    with pytest.raises(ClaimError):  # "little" means nothing without the limits
        c.count(1, "count", indicator="emigrant_stock", states=["TJK"], years=[2015, 2024],
                where="little")


def test_observers_and_the_comparator_are_marked_in_chart_labels():
    assert plotting.state_label("RUS").endswith("(observer)")
    assert plotting.state_label("UZB").endswith("(comparator)")
    for iso3 in catalogue.state_codes(catalogue.PARTICIPATING):
        assert "(" not in plotting.state_label(iso3)


def test_themes_without_a_fitting_indicator_say_so():
    for theme_id in ("rights_irregular", "reentry_reintegration", "trafficking_smuggling"):
        theme = catalogue.theme(theme_id)
        assert theme.headline is None
        assert theme.headline_note.startswith("No indicator in this report measures")
    for theme in THEMES:
        assert theme.headline or theme.headline_note or theme.id == "overview"


# -- every theme on the snapshot ---------------------------------------------------------------


@pytest.fixture(scope="module")
def records(built_root, tmp_path_factory):
    """Each theme run from its notebook's default first year, once for the module's tests."""
    mp = pytest.MonkeyPatch()
    out = {}
    try:
        for theme in THEMES:
            tmp = tmp_path_factory.mktemp(theme.id)
            record = published_record(theme.id, tmp, mp, built_root.root,
                                      first_year=_notebook_first_year(theme))
            out[theme.id] = (record, tmp / "out", _notebook_first_year(theme))
    finally:
        mp.undo()
    return out


def _csv(out, figure) -> pd.DataFrame:
    return pd.read_csv(out / figure["data"]["csv"], keep_default_na=False, na_values=[""])


@pytest.mark.parametrize("theme_id", [t.id for t in THEMES])
def test_charts_draw_the_themes_states_and_marked_partners_only(theme_id, records):
    record, out, _first = records[theme_id]
    chosen = set(record["states"])
    for figure in record["figures"]:
        rows = _csv(out, figure)
        drawn = set(rows["iso3"].dropna()) if "iso3" in rows else set()
        # A state outside the choice may appear only as a marked non-participant (a country
        # of work such as Russia), never as an unmarked one.
        for iso3 in drawn - chosen:
            assert iso3 in catalogue.state_codes() and not comparison.is_participant(iso3), \
                f"{figure['name']}: {iso3} drawn but not among the states chosen"
        pairs = rows.dropna(subset=["origin_iso3", "destination_iso3"]) \
            if {"origin_iso3", "destination_iso3"} <= set(rows.columns) else rows.iloc[:0]
        for o, d in zip(pairs["origin_iso3"], pairs["destination_iso3"], strict=True):
            assert o in chosen or d in chosen, f"{figure['name']}: corridor {o}->{d}"


@pytest.mark.parametrize("theme_id", [t.id for t in THEMES])
def test_charts_over_years_start_with_the_window_or_say_why(theme_id, records):
    record, out, first = records[theme_id]
    assert first is not None
    for figure in record["figures"]:
        years = comparison.series_years(_csv(out, figure))
        if len(years) < 3 or years[0] <= first:
            continue
        assert comparison.window_reason(figure["caption"], years[0]), \
            f"{figure['name']} starts in {years[0]}, not {first}, and its caption does not say why"


@pytest.mark.parametrize("theme_id", [t.id for t in THEMES])
def test_no_observer_or_comparator_among_key_figures_or_participants_largest(theme_id, records):
    record, _out, _first = records[theme_id]
    for key in record["key_figures"]:
        assert comparison.is_participant(key["iso3"]), key
    for text in [f["caption"] for f in record["figures"]] + \
            [f["text"] for f in record["findings"]]:
        for name in re.findall(r"largest change among the participating states: ([^(]+?) \(",
                               text):
            assert name in {catalogue.state(c).name
                            for c in catalogue.state_codes(catalogue.PARTICIPATING)}, text


def test_dashboard_says_no_indicator_fits_and_counts_little_change(records):
    record, _out, _first = records["overview"]
    dashboard = next(f for f in record["figures"] if f["name"] == "headline_dashboard")
    for theme in THEMES:
        if theme.headline is None and theme.headline_note:
            assert theme.headline_note in dashboard["caption"]
    assert "changed little in" in dashboard["caption"]
    limits = [c for c in dashboard["claims"] if c.get("where") in ("rose", "fell", "little")]
    assert limits and all(c["min_pct"] == catalogue.MIN_CHANGE_PCT for c in limits)
    # The counts are the participants' (the comparator is drawn, marked, but not counted).
    assert all(comparison.is_participant(s) for c in limits for s in c["states"])
    assert "drawn but not counted: Uzbekistan (comparator)" in dashboard["caption"]
    assert "asylum applications abroad count" in dashboard["caption"]  # said, not headlined
    assert "asylum_applications_abroad" not in {c.get("indicator") for c in dashboard["claims"]}
