"""IDMC's GIDD API as it answers today: pages capped at 100 results whatever `limit` asks, a
`next` link on every page but the last, and hazard types we have not reviewed ("Mixed
disasters", "Sea level Rise"). Served from 127.0.0.1 with real results of the API
(tests/fixtures/idmc_gidd_pages.json: its `source` says where they come from); expected values
are computed here from those results with plain pandas."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pandas as pd
from live_server import IDMC_PREFIX, FakeProviders

from analysis import build, rawstore
from analysis.live import fetch_all

PAGES = json.loads((Path(__file__).parent / "fixtures" / "idmc_gidd_pages.json")
                   .read_text(encoding="utf-8"))
LISTS = {"conflicts": PAGES["conflicts"], "disasters": PAGES["disasters"]}
DISASTERS = f"{IDMC_PREFIX}/gidd/disasters/"
# The hazard types we review and count under their own name, as IDMC spells them on these pages
REVIEWED = {"Flood": "flood", "Mass Movement": "mass movement", "Earthquake": "earthquake",
            "Wildfire": "wildfire", "Storm": "storm", "Extreme Temperature": "extreme temperature"}


def expected_rows() -> pd.DataFrame:
    """data/raw/idmc/new_displacements.csv as the real results make it: conflict figures per
    country and year; disaster events added by country, year and hazard, unreviewed types under
    `other`; a result without a figure is no row."""
    conflicts = pd.DataFrame(PAGES["conflicts"]).assign(cause="conflict")
    disasters = pd.DataFrame(PAGES["disasters"])
    disasters["cause"] = disasters["hazard_type_name"].map(REVIEWED).fillna("other")
    rows = pd.concat([conflicts, disasters]).dropna(subset=["new_displacement"])
    sums = rows.groupby(["iso3", "year", "cause"], as_index=False)["new_displacement"].sum()
    return sums.rename(columns={"new_displacement": "new_displacements"})


def _fetch(server, paths) -> int:
    return fetch_all(paths, ["idmc"], refresh=True, max_age=24, config=server.config())


def test_the_fixture_holds_what_the_tests_need():
    """More disaster events than one capped page, both unreviewed hazard types, and conflict
    results without a figure."""
    hazards = {d["hazard_type_name"] for d in PAGES["disasters"]}
    assert len(PAGES["disasters"]) > 100
    assert {"Mixed disasters", "Sea level Rise"} <= hazards
    assert hazards - {"Mixed disasters", "Sea level Rise"} == set(REVIEWED)
    assert any(c["new_displacement"] is None for c in PAGES["conflicts"])


def test_capped_pages_are_all_followed_and_built_into_their_values(fresh_copy, caplog):
    paths = fresh_copy
    with FakeProviders(idmc=LISTS) as server:
        assert server.idmc_max_limit == 100  # as IDMC's server: a larger limit is clamped
        assert _fetch(server, paths) == 0
        asked = [q for p, q, _ in server.requests if p == DISASTERS]
    # 10,000 asked each time, 100 answered: the offset moves by what came, to the end
    assert [(q["limit"], q["offset"]) for q in asked] == [("10000", "0"), ("10000", "100")]

    got = pd.read_csv(paths.raw_file("idmc", "new_displacements.csv"), keep_default_na=False)
    want = expected_rows()
    key = ["iso3", "year", "cause"]
    pd.testing.assert_frame_equal(got.sort_values(key, ignore_index=True),
                                  want.sort_values(key, ignore_index=True), check_dtype=False)
    assert rawstore.load_manifest(paths)["sources"]["idmc"]["vintage"]["last_updated"] == \
        PAGES["last_updated"]

    # one warning line names the unreviewed hazard types, their events and displacements
    lines = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING
             and "hazard type(s) not reviewed" in r.getMessage()]
    events = pd.DataFrame(PAGES["disasters"])
    mixed = events[events.hazard_type_name == "Mixed disasters"]
    rise = events[events.hazard_type_name == "Sea level Rise"]
    assert len(lines) == 1 and DISASTERS in lines[0]
    assert (f"'Mixed disasters' ({len(mixed)} event(s), "
            f"{mixed.new_displacement.sum():,.0f} displacements)") in lines[0]
    assert (f"'Sea level Rise' ({len(rise)} event(s), "
            f"{rise.new_displacement.sum():,.0f} displacements)") in lines[0]

    # the build takes them as they are: the disaster indicator is the sum over every hazard,
    # `other` included; the breakdown keeps `other` as a disaster cause
    build.run_build(paths)
    ind = pd.read_parquet(paths.indicators)
    disaster = ind[ind.indicator == "new_displacements_disaster"]
    per_year = want[want.cause != "conflict"].groupby(["iso3", "year"])["new_displacements"].sum()
    catalogue_states = set(disaster.iso3)
    per_year = per_year[per_year.index.get_level_values("iso3").isin(catalogue_states)]
    assert disaster.set_index(["iso3", "year"])["value"].sort_index().to_dict() == \
        per_year.astype(float).sort_index().to_dict()
    conflict = ind[ind.indicator == "new_displacements_conflict"]
    kgz = want[(want.iso3 == "KGZ") & (want.cause == "conflict")].set_index("year")
    assert conflict[conflict.iso3 == "KGZ"].set_index("year")["value"].to_dict() == \
        kgz["new_displacements"].astype(float).to_dict()
    by_cause = pd.read_parquet(paths.processed / "displacement_by_cause.parquet")
    other = by_cause[by_cause.cause == "other"]
    assert set(other.kind) == {"disaster"}
    unreviewed = pd.concat([mixed, rise]).groupby(["iso3", "year"])["new_displacement"].sum()
    assert other.set_index(["iso3", "year"])["new_displacements"].to_dict() == \
        unreviewed.astype(float).to_dict()
    assert ("TUR", 2024) in unreviewed  # Türkiye's mixed disaster: a catalogue state


def _keeps_raw(paths, server_kw: dict, caplog, rewrite=None) -> str:
    """A fetch that fails leaves IDMC's raw file and manifest entry as they were; returns the
    one error line."""
    raw = paths.raw_file("idmc", "new_displacements.csv")
    before = raw.read_bytes()
    entry = rawstore.load_manifest(paths)["sources"]["idmc"]
    caplog.clear()
    with FakeProviders(**server_kw) as server:
        if rewrite is not None:
            server.add_fault(DISASTERS, rewrite=rewrite, match={"offset": "100"})
        assert _fetch(server, paths) == 1
    assert raw.read_bytes() == before
    assert rawstore.load_manifest(paths)["sources"]["idmc"] == entry
    lines = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR
             and r.getMessage().startswith("fetch idmc failed")]
    assert len(lines) == 1 and "\n" not in lines[0]
    return lines[0]


def test_a_list_that_stops_short_of_its_count_is_refused(fresh_copy, caplog):
    """The silent loss of the old client: pages that end before `count` (no next link, or an
    empty page) fail the fetch, naming the URL and how far it got; the previous data stays."""
    total = len(PAGES["disasters"])

    def no_more(answer, query, earlier):  # the second page cut short, claiming to be the last
        return {**answer, "next": None, "results": answer["results"][:5]}

    line = _keeps_raw(fresh_copy, {"idmc": LISTS}, caplog, rewrite=no_more)
    assert DISASTERS in line and "offset=100" in line
    assert f"a page without a next link after 105 of {total} results" in line
    assert "client_id=***" in line and "test-client" not in line

    def empty(answer, query, earlier):
        return {**answer, "results": []}

    line = _keeps_raw(fresh_copy, {"idmc": LISTS}, caplog, rewrite=empty)
    assert f"an empty page after 100 of {total} results" in line

    def too_many(answer, query, earlier):  # more results than the list counts
        return {**answer, "results": answer["results"] + answer["results"][:2]}

    line = _keeps_raw(fresh_copy, {"idmc": LISTS}, caplog, rewrite=too_many)
    assert f"{total + 2} results received, but the list counts {total}" in line
