"""UNHCR client against a local server speaking the population API v1 (filters, breakdowns,
yearFrom/yearTo, limit/page/maxPages), on small hand-made tables."""

from __future__ import annotations

import logging
import math

import pandas as pd
import pytest
from live_server import UNHCR_PREFIX, FakeProviders, unhcr_select

from analysis import catalogue, providers, rawfiles, rawstore
from analysis.live import fetch_all
from analysis.paths import project_paths

STATES = catalogue.state_codes()
LIMIT = 2
DIMS = ["year", "coo_id", "coo_name", "coo", "coo_iso", "coa_id", "coa_name", "coa", "coa_iso"]
VALUES = {
    "population": ["refugees", "asylum_seekers", "returned_refugees", "idps", "returned_idps",
                   "stateless", "ooc", "oip", "hst"],
    "asylum-applications": ["procedure_type", "app_type", "dec_level", "app_pc", "applied"],
    "asylum-decisions": ["procedure_type", "dec_level", "dec_pc", "dec_recognized", "dec_other",
                         "dec_rejected", "dec_closed", "dec_total"],
    "solutions": ["returned_refugees", "resettlement", "naturalisation", "returned_idps"],
    "idmc": ["total"],
}
# UNHCR's own codes differ from ISO3 for some countries (Germany GFR, Pakistan PAK ...).
UNHCR_CODE = {"DEU": "GFR", "SYR": "SYR", "UNK": "UKN", "FRA": "FRA"}


def item(year, coo, coa, *values):
    def side(iso):
        code = UNHCR_CODE.get(iso, iso)
        return [hash(iso) % 1000, f"{iso} name ", code, iso]  # names carry trailing spaces

    return [year, *side(coo), *side(coa), *values]


def table(endpoint, rows):
    return pd.DataFrame(rows, columns=DIMS + VALUES[endpoint], dtype=object)


@pytest.fixture(scope="module")
def tables():
    # population: every state appears (as the build requires), partners outside the
    # catalogue, an unknown origin, a pair with a state on both sides, and rows the catalogue
    # cannot use (Germany -> France), "-" for not applicable, numbers as text.
    population = [item(2020, s, s, 0, 0, 0, 100 + i, 0, "-", 0, "-", 0)
                  for i, s in enumerate(STATES)]
    population += [
        item(2020, "AFG", "PAK", 1400000, 7000, "-", 0, 0, 0, 0, 0, 0),
        item(2020, "AFG", "DEU", 150000, 30000, 0, 0, 0, 0, 0, 0, 0),
        item(2020, "SYR", "TUR", 3600000, "-", 0, 0, 0, 0, 0, 0, 0),
        item(2020, "UNK", "USA", 500, 60000, 0, 0, 0, 0, 0, 0, 0),
        item(2020, "DEU", "FRA", 10, 5, 0, 0, 0, 0, 0, 0, 0),
        item(2021, "AFG", "PAK", "1500000", "-", 0, 0, 0, 0, 0, 0, 0),
        item(1949, "AFG", "PAK", 1, 1, 1, 1, 1, 1, 1, 1, 1),  # outside yearFrom..yearTo
    ]
    return {
        "population": table("population", population),
        "asylum-applications": table("asylum-applications", [
            item(2020, "AFG", "DEU", "G", "N", "FI", "P", 9000),
            item(2020, "AFG", "DEU", "G", "N", "FI", "C", 40),
            item(2020, "DEU", "FRA", "G", "N", "FI", "P", 3),
            item(2020, "IRN", "TUR", "G", "N", "FI", "P", "-"),
        ]),
        "asylum-decisions": table("asylum-decisions", [
            item(2020, "AFG", "DEU", "G", "FI", "P", 5000, 100, 2000, 50, 7150),
            item(2020, "TJK", "RUS", "G", "FI", "P", 3, "-", 10, 0, 13),
            item(2020, "DEU", "FRA", "G", "FI", "P", 1, 0, 0, 0, 1),
        ]),
        "solutions": table("solutions", [
            item(2020, "AFG", "PAK", 1000, "-", "-", "-"),
            item(2020, "SYR", "USA", "-", 4000, 10, "-"),
        ]),
        "idmc": table("idmc", [
            item(2020, "AFG", "AFG", 3500000),
            item(2020, "UNK", "UNK", 48000000),
        ]),
    }


def touches_states(frame):
    return frame.coo_iso.isin(STATES) | frame.coa_iso.isin(STATES)


@pytest.fixture(scope="module")
def fetched(tables, tmp_path_factory):
    paths = project_paths(tmp_path_factory.mktemp("unhcr"))
    with FakeProviders(unhcr=tables) as server:
        code = fetch_all(paths, ["unhcr"], refresh=True, max_age=24,
                         config=server.config(unhcr_limit=LIMIT, last_year=2025))
    return code, paths, server


def test_two_filtered_queries_per_endpoint_every_page_followed(tables, fetched):
    code, _, server = fetched
    assert code == 0
    requests = [(p, q) for p, q, _ in server.requests if p.startswith(UNHCR_PREFIX)]
    expected_total = 0
    for endpoint, items in tables.items():
        mine = [q for p, q in requests if p == f"{UNHCR_PREFIX}/{endpoint}/"]
        for q in mine:  # always ISO codes, years as a pair, every state in one list
            assert q["cf_type"] == "ISO"
            assert (q["yearFrom"], q["yearTo"]) == ("1950", "2025")
            assert q["limit"] == str(LIMIT)
        for dim, other in (("coo", "coa"), ("coa", "coo")):
            pages = [int(q["page"]) for q in mine
                     if q.get(dim) == ",".join(STATES) and q.get(f"{other}_all") == "true"]
            in_range = items[pd.to_numeric(items.year) >= 1950]
            rows = in_range[f"{dim}_iso"].isin(STATES).sum()
            n_pages = max(math.ceil(rows / LIMIT), 1)
            assert sorted(pages) == list(range(1, n_pages + 1)), (endpoint, dim)
            expected_total += n_pages
    assert len(requests) == expected_total


def test_rows_are_those_touching_a_state_with_the_apis_field_names(tables, fetched):
    _, paths, _ = fetched
    for endpoint, items in tables.items():
        name = endpoint.replace("-", "_") + ".csv"
        raw = pd.read_csv(paths.raw_file("unhcr", name), dtype=str, keep_default_na=False)
        assert list(raw.columns) == [c for c in items.columns if c not in ("coo_id", "coa_id")]
        want = items[touches_states(items) & (pd.to_numeric(items.year) >= 1950)]
        want = want.drop(columns=["coo_id", "coa_id"]).astype(str)
        want = want.apply(lambda col: col.str.strip().replace("-", ""))
        key = list(providers.get("unhcr").raw_spec(name).key)
        pd.testing.assert_frame_equal(raw.sort_values(key, ignore_index=True),
                                      want.sort_values(key, ignore_index=True))


def test_a_state_on_both_sides_is_kept_once(fetched):
    _, paths, _ = fetched
    pop = pd.read_csv(paths.raw_file("unhcr", "population.csv"))
    pairs = pop[(pop.coo_iso == "AFG") & (pop.coa_iso == "PAK")]
    assert sorted(pairs.year) == [2020, 2021]
    assert not ((pop.coo_iso == "DEU") & (pop.coa_iso == "FRA")).any()


def test_dash_is_missing_never_zero(fetched):
    _, paths, _ = fetched
    pop = rawfiles.read_raw(paths.raw_file("unhcr", "population.csv"),
                            providers.get("unhcr").raw_spec("population.csv"))
    afg_pak = pop[(pop.coo_iso == "AFG") & (pop.coa_iso == "PAK")].set_index("year")
    assert pd.isna(afg_pak.at[2021, "asylum_seekers"])
    assert afg_pak.at[2021, "refugees"] == 1500000  # a number sent as text
    assert pd.isna(afg_pak.at[2020, "returned_refugees"])
    assert afg_pak.at[2020, "asylum_seekers"] == 7000
    syr_tur = pop[(pop.coo_iso == "SYR") & (pop.coa_iso == "TUR")]
    assert pd.isna(syr_tur.asylum_seekers.iloc[0])


def test_provenance_in_the_manifest(fetched):
    _, paths, server = fetched
    entry = rawstore.load_manifest(paths)["sources"]["unhcr"]
    assert entry["mode"] == "live"
    assert entry["vintage"]["latest_year"] == 2021
    assert entry["vintage"]["citation"].startswith("UNHCR Refugee Population Statistics")
    recorded = entry["files"]["asylum_decisions.csv"]
    assert recorded["origin"] == f"{server.url}{UNHCR_PREFIX}/asylum-decisions/"
    assert recorded["params"]["cf_type"] == "ISO"
    assert recorded["rows"] == 2


def test_an_unknown_endpoint_fails_the_source_and_keeps_the_old_files(tables, fetched,
                                                                       tmp_path, caplog):
    _, good, _ = fetched
    paths = project_paths(tmp_path)
    with FakeProviders(unhcr=tables) as server:
        assert fetch_all(paths, ["unhcr"], refresh=True, max_age=24,
                         config=server.config(unhcr_limit=LIMIT)) == 0
    before = {f.name: f.read_bytes() for f in (paths.raw / "unhcr").iterdir()}
    manifest = paths.manifest.read_text()
    without_idmc = {k: v for k, v in tables.items() if k != "idmc"}
    with FakeProviders(unhcr=without_idmc) as server:
        code = fetch_all(paths, ["unhcr"], refresh=True, max_age=24,
                         config=server.config(unhcr_limit=LIMIT))
    assert code == 1
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert any(f"{server.url}{UNHCR_PREFIX}/idmc/" in e and "HTTP 404" in e
               and "fetch unhcr failed" in e for e in errors)
    assert {f.name: f.read_bytes() for f in (paths.raw / "unhcr").iterdir()} == before
    assert paths.manifest.read_text() == manifest


def test_the_local_server_sums_an_unbroken_dimension(tables):
    """The stand-in behaves like the API where it matters: forget the breakdown and you get
    totals with "-" codes, which the client's row check would refuse."""
    pop = tables["population"]
    summed = unhcr_select(pop, {"coo": "AFG", "cf_type": "ISO", "yearFrom": "2020",
                                "yearTo": "2020"})
    assert len(summed) == 1
    assert summed.coa_iso.iloc[0] == "-"
    assert summed.refugees.iloc[0] == 1400000 + 150000


def test_an_empty_result_is_an_empty_file_not_an_error(tables, tmp_path):
    nothing = {**tables, "idmc": table("idmc", [item(2020, "UNK", "UNK", 48000000)])}
    paths = project_paths(tmp_path)
    with FakeProviders(unhcr=nothing) as server:
        assert fetch_all(paths, ["unhcr"], refresh=True, max_age=24,
                         config=server.config(unhcr_limit=LIMIT)) == 0
    idmc = [q for p, q, _ in server.requests if p == f"{UNHCR_PREFIX}/idmc/"]
    assert len(idmc) == 2  # one page each, maxPages 0
    raw = pd.read_csv(paths.raw_file("unhcr", "idmc.csv"))
    assert raw.empty and {"year", "coo_iso", "coa_iso", "total"} <= set(raw.columns)
