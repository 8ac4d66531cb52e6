"""Key messages (issue 19, item 1): chosen by rule, participating states only, never a change
across a break or below the minimum, every number a claim that recomputes."""

from __future__ import annotations

import dataclasses
import json

import jsonschema
import pandas as pd
import pytest
from claimcheck import Tables, check_summary, check_text

from analysis import catalogue, keymessages, summary
from analysis.paths import project_paths

PARTICIPATING = set(catalogue.state_codes(catalogue.PARTICIPATING))
MESSAGE_SCHEMA = summary.SCHEMA["properties"]["summary"]


def _options(states=None, years=None, themes=None) -> dict:
    return {"states": states, "years": years, "themes": themes}


# ---------------------------------------------------------------------------
# On the snapshot


@pytest.fixture(scope="module")
def default_messages(built_root) -> dict:
    return keymessages.build({"options": _options()}, built_root)


def test_default_states_give_six_to_twelve_messages_that_recompute(default_messages,
                                                                   built_root):
    jsonschema.validate(default_messages, MESSAGE_SCHEMA)
    messages = default_messages["key_messages"]
    assert 6 <= len(messages) <= 12
    assert default_messages["note"] is None
    assert keymessages.rule_text() == default_messages["rule"]
    problems = check_summary({"summary": default_messages}, built_root.processed)
    assert problems == []
    for m in messages:
        assert str(m["year"]) in m["text"]
        assert m["claims"] and all(c["shown"] in m["text"] for c in m["claims"])
        assert m["source"] and m["certainty"]


def test_messages_follow_the_stated_order(default_messages):
    order = [t.id for t in catalogue.THEMES]
    keys = [(order.index(m["theme"]), m["text"].startswith("From")) for m in
            default_messages["key_messages"]]
    assert keys == sorted(keys)


def test_observers_and_comparators_never_in_a_message(built_root):
    # Every state chosen, Russia and China among them: Russia has more emigrants than any
    # participating state, yet no message may name it or rank among it.
    found = keymessages.build({"options": _options(states=catalogue.state_codes())},
                              built_root)
    assert found["key_messages"]
    for m in found["key_messages"]:
        assert m["iso3"] in PARTICIPATING
        for claim in m["claims"]:
            assert set(claim.get("states", [])) <= PARTICIPATING
            assert set(claim.get("among", [])) <= PARTICIPATING
        others = [s.name for s in catalogue.STATES if s.role != catalogue.PARTICIPATING]
        assert not any(name in m["text"] for name in others)


def test_stock_change_not_across_a_refugee_break_it_carries(built_root):
    """Afghanistan's and Pakistan's refugee series break after 2015 (Iran's reclassification,
    the verification in Afghanistan); UN DESA's stocks include refugees, so neither state's
    emigrant stock change is a key message."""
    theme = dataclasses.replace(catalogue.theme("labour_migration"), headline="emigrant_stock")
    tables = keymessages.read_tables(["emigrant_stock"], sorted(PARTICIPATING), None,
                                     built_root)
    for iso3 in ("AFG", "PAK"):
        assert keymessages.break_between(tables, "emigrant_stock", iso3, 2015, 2024)
    change = keymessages.largest_change(theme, tables)
    assert change is not None and change.iso3 not in ("AFG", "PAK")
    assert "estimate" in change.text


def test_empty_choice_gives_none_and_says_so(built_root):
    no_headline = [t.id for t in catalogue.THEMES if not t.headline]
    for options in (_options(states=["CHN", "UZB"]), _options(years=[1950, 1950]),
                    _options(themes=no_headline)):
        found = keymessages.build({"options": options}, built_root)
        jsonschema.validate(found, MESSAGE_SCHEMA)
        assert found["key_messages"] == []
        assert found["note"].startswith("No key message")


def test_evidence_links_a_chart_of_the_theme_drawing_the_indicator(built_root):
    theme = next(t for t in catalogue.THEMES if t.headline)
    chart = {"name": "other_chart", "definitions": [{"id": "population"}]}
    drawing = {"name": "drawing_it", "definitions": [{"id": theme.headline}]}
    main = {"name": "main_one", "main": True, "definitions": [{"id": theme.headline}]}
    data = {"themes": [{"id": theme.id, "status": "ok", "charts": [chart, drawing, main]}]}
    assert keymessages.evidence(data, theme.id, theme.headline) == \
        f"themes/{theme.id}/index.html#main_one"
    data["themes"][0]["charts"] = [chart]
    assert keymessages.evidence(data, theme.id, theme.headline) is None
    data["themes"][0]["status"] = "failed"
    assert keymessages.evidence(data, theme.id, theme.headline) is None


# ---------------------------------------------------------------------------
# On self-made processed tables


NOTE_COLUMNS = ["indicator", "measure", "iso3", "origin_iso3", "destination_iso3", "year",
                "flag", "kind", "reason", "source"]


def _root(tmp_path, rows, notes=()):
    """A project root whose data/processed holds only `rows` (iso3, year, indicator, value,
    flag) and `notes` (indicator, iso3, year, flag, kind)."""
    processed = tmp_path / "data" / "processed"
    processed.mkdir(parents=True)
    frame = pd.DataFrame(rows, columns=["iso3", "year", "indicator", "value", "flag"])
    frame["unit"] = frame["indicator"].map(lambda i: catalogue.indicator(i).unit)
    frame["source"] = "UNHCR: test"
    frame["year"] = frame["year"].astype("int64")
    frame.to_parquet(processed / "indicators.parquet")
    notes = pd.DataFrame([{"indicator": i, "measure": None, "iso3": s, "origin_iso3": None,
                           "destination_iso3": None, "year": y, "flag": f, "kind": k,
                           "reason": "test", "source": "test"} for i, s, y, f, k in notes],
                         columns=NOTE_COLUMNS)
    notes["year"] = notes["year"].astype("int64")
    notes.to_parquet(processed / "observation_notes.parquet")
    (processed / "vintage.json").write_text(json.dumps(
        {"unhcr": {"provider": "UNHCR", "last_updated": "2021-06-01",
                   "latest_year_present": 2020}}))
    return project_paths(tmp_path)


@pytest.fixture
def one_theme(monkeypatch):
    """The catalogue with one theme headlining refugees hosted (the tests' own choice, so
    they hold whatever the catalogue's themes headline)."""
    theme = dataclasses.replace(catalogue.THEMES[0], headline="refugees_hosted")
    monkeypatch.setattr(catalogue, "THEMES", (theme,))
    return theme


def _series(iso3, values, flags=None, indicator="refugees_hosted"):
    flags = flags or {}
    return [(iso3, y, indicator, v, flags.get(y, "")) for y, v in values.items()]


def _checked(paths, found):
    tables = Tables(pd.read_parquet(paths.indicators), pd.DataFrame(), pd.DataFrame())
    for m in found["key_messages"]:
        assert check_text(m["text"], m["claims"], tables) == []
    jsonschema.validate(found, MESSAGE_SCHEMA)


def _by_kind(found, starts):
    return [m for m in found["key_messages"] if m["text"].startswith(starts)]


def test_no_change_across_a_break(tmp_path, one_theme):
    years = range(2015, 2021)
    rows = (_series("KGZ", {y: 1_000 if y < 2018 else 50_000 for y in years}, {2018: "B"})
            + _series("TJK", {y: 10_000 + 2_000 * (y - 2015) for y in years})
            + _series("CHN", {y: 300_000 for y in years}))
    paths = _root(tmp_path, rows)
    found = keymessages.build({"options": _options()}, paths)
    _checked(paths, found)
    (change,) = _by_kind(found, "From")
    assert change["iso3"] == "TJK" and "rose from 10,000 to 20,000" in change["text"]
    (top,) = _by_kind(found, "In 2020")
    assert top["iso3"] == "KGZ"  # the latest value is not a change: it may lead
    assert "China" not in top["text"]

    unbroken = [(s, y, i, v, "") for s, y, i, v, _ in rows]
    paths = _root(tmp_path / "unbroken", unbroken)
    (change,) = _by_kind(keymessages.build({"options": _options()}, paths), "From")
    assert change["iso3"] == "KGZ"  # the control: without the break KGZ's change leads


def test_no_change_across_a_noted_coverage_change_or_unreviewed_jump(tmp_path, one_theme):
    years = range(2015, 2021)
    rows = (_series("KGZ", {y: 1_000 if y < 2018 else 50_000 for y in years})
            + _series("TJK", {y: 10_000 + 2_000 * (y - 2015) for y in years}))
    for n, kind in enumerate(("coverage", "unreviewed", "reclassification")):
        paths = _root(tmp_path / str(n), rows, [("refugees_hosted", "KGZ", 2018, "", kind)])
        (change,) = _by_kind(keymessages.build({"options": _options()}, paths), "From")
        assert change["iso3"] == "TJK", kind
    paths = _root(tmp_path / "event", rows, [("refugees_hosted", "KGZ", 2018, "", "event")])
    (change,) = _by_kind(keymessages.build({"options": _options()}, paths), "From")
    assert change["iso3"] == "KGZ"  # a real event is no break


def test_minimum_change_zero_to_five_is_not_rose(tmp_path, one_theme):
    years = range(2015, 2021)
    rows = (_series("TJK", {y: 0 if y == 2015 else 5 for y in years})
            + _series("KAZ", {y: 100_000 + (y - 2015) * 1_000 for y in years}))  # +5%: small
    paths = _root(tmp_path, rows)
    found = keymessages.build({"options": _options()}, paths)
    _checked(paths, found)
    assert _by_kind(found, "From") == []
    assert not any("rose" in m["text"] or "fell" in m["text"] for m in found["key_messages"])
    assert keymessages.meaningful("refugees_hosted", 0, 5_000)
    assert not keymessages.meaningful("refugees_hosted", 0, 5)
    assert not keymessages.meaningful("refugees_hosted", 100_000, 105_000)


def test_narrow_choice_gives_fewer_messages_and_says_so(tmp_path, one_theme):
    years = range(2015, 2021)
    rows = (_series("TJK", {y: 10_000 + 2_000 * (y - 2015) for y in years})
            + _series("KGZ", {y: 90_000 for y in years}))
    paths = _root(tmp_path, rows)
    found = keymessages.build({"options": _options(states=["TJK"], years=[2019, 2020])},
                              paths)
    _checked(paths, found)
    (only,) = found["key_messages"]
    assert only["iso3"] == "TJK" and only["year"] == 2020
    assert "largest" not in only["text"]  # one state: nothing to rank it among
    assert found["note"] and "Only" in found["note"]


def test_modelled_and_flagged_values_say_how_sure(tmp_path, monkeypatch):
    theme = dataclasses.replace(catalogue.THEMES[0], headline="emigrant_stock")
    monkeypatch.setattr(catalogue, "THEMES", (theme,))
    rows = (_series("TJK", {2015: 500_000, 2020: 700_000}, indicator="emigrant_stock")
            + _series("KGZ", {2015: 600_000, 2020: 650_000}, {2020: "E"},
                      indicator="emigrant_stock"))
    paths = _root(tmp_path, rows)
    found = keymessages.build({"options": _options()}, paths)
    _checked(paths, found)
    assert len(found["key_messages"]) == 2
    for m in found["key_messages"]:
        assert m["iso3"] == "TJK" and m["certainty"] == "estimate" and m["flag"] == ""
        assert "estimate" in m["text"]
    assert keymessages.certainty("refugees_hosted", "F") == "projection"
    assert keymessages.certainty("refugees_hosted", "") == "as reported"
    assert keymessages.certainty("refugees_hosted", "B") == "break in series"


def test_a_repeated_headline_gives_its_messages_once(tmp_path, monkeypatch):
    first = dataclasses.replace(catalogue.THEMES[1], headline="refugees_hosted")
    second = dataclasses.replace(catalogue.THEMES[2], headline="refugees_hosted")
    monkeypatch.setattr(catalogue, "THEMES", (first, second))
    rows = _series("TJK", {2015: 10_000, 2020: 20_000}) + _series("KGZ", {2020: 5_000})
    found = keymessages.build({"options": _options()}, _root(tmp_path, rows))
    assert [m["theme"] for m in found["key_messages"]] == [first.id, first.id]


def test_every_unit_has_a_minimum_change():
    assert {i.unit for i in catalogue.INDICATORS} == set(catalogue.KEY_MESSAGE_MIN_CHANGE)
