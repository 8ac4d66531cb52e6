"""Live clients for KNOMAD and Remittance Prices Worldwide against the local stand-in server,
serving the layouts the providers publish today, built here from the real snapshot rows:

- KNOMAD: the 2017 matrix (a title row with year and version, a header row of receiving
  countries, sending rows with `-` where there is no estimate, a WORLD total, footnotes; as the
  web archive keeps it) and the 2021 estimates' long file, WB-KNOMAD.xlsx (sheet Data, Indicator
  ID WB.KNOMAD.BRE, Economy ISO3 / Economy Name the sender, Partner the receiver by name, one
  column per year; the layout public code reading that file selects on).
- RPW: the complete dataset workbook, one row per provider, corridor and quarter on the sheets
  `Dataset (up to Q1 2016)` and `Dataset (from Q2 2016)`, `cc1 total cost %` sometimes stored as
  text; the corridor average is the mean over the providers surveyed.

Each good fetch must give the snapshot's raw rows and, built, the snapshot path's processed
values; truncated and reshaped files are refused in one line and keep the previous raw file."""

from __future__ import annotations

import json
import logging

import pandas as pd
import pytest
from live_server import (
    KNOMAD_PREFIX,
    RPW_COLUMNS,
    RPW_PATH,
    FakeProviders,
    html_page,
    knomad_files,
    knomad_long_workbook,
    knomad_workbook,
    link_page,
    rpw_workbook,
)

from analysis import build, catalogue, rawstore
from analysis.live import LiveConfig, fetch_all
from analysis.paths import project_paths
from analysis.providers import rpw

STATES = catalogue.state_codes()


@pytest.fixture(scope="module")
def knomad_rows(snapshot_dir) -> pd.DataFrame:
    """The snapshot's corridors touching the catalogue states, and those from the Channel
    Islands (no ISO code), both vintages (the whole matrix would make a 200 x 200 workbook per
    year: slow to build and nothing more to test)."""
    kn = pd.read_csv(snapshot_dir / "knomad" / "bilateral_remittances.csv",
                     keep_default_na=False)
    return kn[kn.sender_iso3.isin(STATES) | kn.receiver_iso3.isin(STATES)
              | (kn.sender_name == "Channel Islands")]


@pytest.fixture(scope="module")
def workbooks(knomad_rows) -> dict[str, bytes]:
    """The default list's two layouts: matrix_2017.xlsx and WB-KNOMAD.xlsx."""
    return knomad_files(knomad_rows)


@pytest.fixture(scope="module")
def cost_rows(snapshot_dir) -> pd.DataFrame:
    costs = pd.read_csv(snapshot_dir / "rpw" / "corridor_costs.csv", keep_default_na=False)
    return costs[costs.sender_iso3.isin(STATES) | costs.receiver_iso3.isin(STATES)]


@pytest.fixture(scope="module")
def rpw_xlsx(cost_rows) -> bytes:
    return rpw_workbook(cost_rows)


def _fetch(server, paths, *sources) -> int:
    return fetch_all(paths, list(sources), refresh=True, max_age=24, config=server.config())


def _errors(caplog) -> str:
    return "\n".join(r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR)


def _same_rows(got: pd.DataFrame, want: pd.DataFrame, key: list[str], value: str) -> None:
    got = got.sort_values(key, ignore_index=True)
    want = want.sort_values(key, ignore_index=True)
    assert list(got.columns) == list(want.columns)
    pd.testing.assert_frame_equal(got.drop(columns=value), want.drop(columns=value),
                                  check_dtype=False)
    assert got[value].to_numpy() == pytest.approx(want[value].to_numpy(), rel=1e-12)


# -- KNOMAD -----------------------------------------------------------------------------------


def test_the_default_list_is_the_current_long_file_and_the_archived_matrix():
    urls = LiveConfig.from_env({}).url("KNOMAD_MATRIX_URLS").split(",")
    assert urls[-1].endswith("/WB-KNOMAD.xlsx") and "thedocs.worldbank.org" in urls[-1]
    assert urls[0].startswith("https://web.archive.org/") and "2017-Apr2018" in urls[0]


def test_knomad_both_layouts_give_the_snapshot_rows(knomad_rows, workbooks, tmp_path):
    paths = project_paths(tmp_path)
    with FakeProviders(knomad_xlsx=workbooks) as server:
        assert _fetch(server, paths, "knomad") == 0
        assert [p for p, _, _ in server.requests] == [KNOMAD_PREFIX + n for n in workbooks]
    raw = pd.read_csv(paths.raw_file("knomad", "bilateral_remittances.csv"),
                      keep_default_na=False)
    _same_rows(raw, knomad_rows, ["year", "sender_name", "receiver_name"], "usd_million")
    # "-" cells, WORLD totals and the long file's other series are no rows
    assert "WORLD" not in set(raw.sender_name) | set(raw.receiver_name)
    entry = rawstore.load_manifest(paths)["sources"]["knomad"]
    assert entry["mode"] == "live"
    assert entry["vintage"]["version_producer"] == \
        "2017: April 2018 version; 2021: December 2022 version"
    assert entry["vintage"]["latest_year"] == 2021
    # the Channel Islands: the World Bank's CHI in the long file, blank in the raw file as in
    # the snapshot
    islands = raw[raw.sender_name == "Channel Islands"]
    want = knomad_rows[knomad_rows.sender_name == "Channel Islands"]
    assert len(islands) == len(want) > 0 and set(islands.sender_iso3) == {""}


def test_the_layout_is_read_from_the_content_not_the_address(knomad_rows, tmp_path):
    """The long file served under a matrix's name and the matrix under WB-KNOMAD.xlsx."""
    swapped = {"WB-KNOMAD.xlsx": knomad_workbook(knomad_rows[knomad_rows.year == 2017]),
               "matrix_2021.xlsx": knomad_long_workbook(knomad_rows[knomad_rows.year == 2021])}
    paths = project_paths(tmp_path)
    with FakeProviders(knomad_xlsx=swapped) as server:
        assert _fetch(server, paths, "knomad") == 0
    raw = pd.read_csv(paths.raw_file("knomad", "bilateral_remittances.csv"),
                      keep_default_na=False)
    _same_rows(raw, knomad_rows, ["year", "sender_name", "receiver_name"], "usd_million")


def test_money_live_fetch_and_build_give_the_snapshot_paths_values(workbooks, rpw_xlsx,
                                                                   built_root, fresh_copy):
    """KNOMAD (both layouts) and RPW (the complete dataset) fetched live over a copy of the
    snapshot path's data and built: the same corridor values as the snapshot path's build,
    corridor by corridor."""
    paths = fresh_copy
    with FakeProviders(knomad_xlsx=workbooks, rpw_xlsx=rpw_xlsx) as server:
        assert _fetch(server, paths, "knomad", "rpw") == 0
    assert rawstore.load_manifest(paths)["sources"]["rpw"]["mode"] == "live"
    build.run_build(paths)
    measures = ["remittances_estimated_usd", "remittance_cost_pct"]
    got = pd.read_parquet(paths.corridors)
    want = pd.read_parquet(built_root.corridors)
    got, want = (f[f.measure.isin(measures)] for f in (got, want))
    key = ["measure", "year", "origin_iso3", "destination_iso3"]
    got, want = (f.sort_values(key, ignore_index=True) for f in (got, want))
    assert len(got) == len(want) > 0
    pd.testing.assert_frame_equal(got.drop(columns=["value", "source"]),
                                  want.drop(columns=["value", "source"]))
    assert got.value.to_numpy() == pytest.approx(want.value.to_numpy(), rel=1e-9)
    # computed here from the snapshot CSV: Russia -> Tajikistan, KNOMAD 2021, in US$
    kn = pd.read_csv(built_root.raw_file("knomad", "bilateral_remittances.csv"),
                     keep_default_na=False)
    sent = kn[(kn.sender_iso3 == "RUS") & (kn.receiver_iso3 == "TJK") & (kn.year == 2021)]
    row = got[(got.measure == "remittances_estimated_usd") & (got.year == 2021)
              & (got.origin_iso3 == "TJK") & (got.destination_iso3 == "RUS")]
    assert row.value.tolist() == pytest.approx([sent.usd_million.iloc[0] * 1e6])
    assert set(row.flag) == {"E"}


def test_an_html_page_once_is_retried(workbooks, tmp_path):
    paths = project_paths(tmp_path)
    with FakeProviders(knomad_xlsx=workbooks) as server:
        server.add_fault(KNOMAD_PREFIX, body=html_page("Maintenance"))
        assert _fetch(server, paths, "knomad") == 0
        assert len(server.requests) == len(workbooks) + 1


def _good_then(bad: dict[str, bytes], workbooks, tmp_path, caplog) -> str:
    """Fetch the good workbooks, then `bad`: the fetch fails and the raw file stays."""
    paths = project_paths(tmp_path)
    with FakeProviders(knomad_xlsx=workbooks) as server:
        assert _fetch(server, paths, "knomad") == 0
    raw = paths.raw_file("knomad", "bilateral_remittances.csv")
    before = raw.read_bytes()
    entry = rawstore.load_manifest(paths)["sources"]["knomad"]
    caplog.clear()
    with FakeProviders(knomad_xlsx=bad) as server:
        assert _fetch(server, paths, "knomad") == 1
    assert raw.read_bytes() == before
    assert rawstore.load_manifest(paths)["sources"]["knomad"] == entry
    assert not list(paths.raw.glob(".*new*"))
    lines = [m for m in _errors(caplog).splitlines() if m.startswith("fetch knomad failed")]
    assert len(lines) == 1, _errors(caplog)
    return lines[0]


def test_a_truncated_workbook_keeps_the_previous_raw_file(workbooks, tmp_path, caplog):
    for name, content in workbooks.items():
        bad = {**workbooks, name: content[: len(content) // 2]}
        error = _good_then(bad, workbooks, tmp_path / name, caplog)
        assert f"{KNOMAD_PREFIX}{name}" in error and "not a readable Excel workbook" in error


def test_a_changed_matrix_header_is_refused(knomad_rows, workbooks, tmp_path, caplog):
    rows = knomad_rows[knomad_rows.year == 2017]
    receivers = sorted(rows.receiver_name.unique())
    header = [f"Column {n}" for n in range(1, len(receivers) + 1)]
    bad = {**workbooks, "matrix_2017.xlsx": knomad_workbook(rows, header=header)}
    error = _good_then(bad, workbooks, tmp_path, caplog)
    assert "matrix_2017.xlsx" in error and "Column 1" in error
    assert "country_converter does not know" in error


def test_a_header_of_numbers_is_refused(knomad_rows, workbooks, tmp_path, caplog):
    rows = knomad_rows[knomad_rows.year == 2017]
    header = [str(n) for n in range(len(rows.receiver_name.unique()))]
    bad = {**workbooks, "matrix_2017.xlsx": knomad_workbook(rows, header=header)}
    error = _good_then(bad, workbooks, tmp_path, caplog)
    assert "the header holds numbers" in error


def test_a_title_without_year_and_version_is_refused(knomad_rows, workbooks, tmp_path, caplog):
    rows = knomad_rows[knomad_rows.year == 2017]
    bad = {**workbooks,
           "matrix_2017.xlsx": knomad_workbook(rows, title="Bilateral Remittance Matrix")}
    error = _good_then(bad, workbooks, tmp_path, caplog)
    assert "does not give the estimates' year and the version" in error


def test_two_workbooks_of_one_year_are_refused(knomad_rows, workbooks, tmp_path, caplog):
    """The archived 2021 matrix listed beside the long file of the same estimates."""
    rows = knomad_rows[knomad_rows.year == 2021]
    later = rows.assign(version="June 2023")
    bad = {**workbooks, "matrix_2021_again.xlsx": knomad_workbook(later)}
    error = _good_then(bad, workbooks, tmp_path, caplog)
    assert "more than one version of the estimates for 2021" in error


def test_a_reshaped_long_file_is_refused(knomad_rows, workbooks, tmp_path, caplog):
    rows = knomad_rows[knomad_rows.year == 2021]
    header = ["Economy ISO3", "Economy Name", "Indicator ID", "Indicator", "Attribute 1",
              "Attribute 2", "Attribute 3", "Counterpart", "2020", "2021", "2022"]
    bad = {**workbooks, "WB-KNOMAD.xlsx": knomad_long_workbook(rows, header=header)}
    error = _good_then(bad, workbooks, tmp_path / "renamed", caplog)
    assert "WB-KNOMAD.xlsx, sheet 'Data', row 1: no column(s) 'Partner'" in error
    header = ["Economy ISO3", "Economy Name", "Indicator ID", "Indicator", "Attribute 1",
              "Attribute 2", "Attribute 3", "Partner", "YR2020", "YR2021", "YR2022"]
    bad = {**workbooks, "WB-KNOMAD.xlsx": knomad_long_workbook(rows, header=header)}
    error = _good_then(bad, workbooks, tmp_path / "years", caplog)
    assert "no year columns" in error


def test_a_receiver_takes_the_code_the_long_file_gives_its_name(knomad_rows, tmp_path):
    """A name no library knows ("T. Republic") is Tajikistan's because the file's own Economy
    rows give it TJK."""
    rows = knomad_rows[knomad_rows.year == 2021].replace({"Tajikistan": "T. Republic"})
    assert (rows.receiver_name == "T. Republic").any() and (rows.sender_name == "T. Republic").any()
    paths = project_paths(tmp_path)
    with FakeProviders(knomad_xlsx={"WB-KNOMAD.xlsx": knomad_long_workbook(rows)}) as server:
        assert _fetch(server, paths, "knomad") == 0
    raw = pd.read_csv(paths.raw_file("knomad", "bilateral_remittances.csv"),
                      keep_default_na=False)
    assert set(raw[raw.receiver_name == "T. Republic"].receiver_iso3) == {"TJK"}


def test_an_unknown_receiver_in_the_long_file_is_refused(knomad_rows, workbooks, tmp_path,
                                                         caplog):
    rows = knomad_rows[knomad_rows.year == 2021].copy()
    rows.iloc[5, rows.columns.get_loc("receiver_name")] = "Atlantis"
    bad = {**workbooks, "WB-KNOMAD.xlsx": knomad_long_workbook(rows)}
    error = _good_then(bad, workbooks, tmp_path, caplog)
    assert "column 'Partner'" in error and "Atlantis" in error


# -- RPW --------------------------------------------------------------------------------------


def test_rpw_complete_dataset_gives_the_snapshot_rows(cost_rows, rpw_xlsx, tmp_path):
    paths = project_paths(tmp_path)
    with FakeProviders(rpw_xlsx=rpw_xlsx) as server:
        assert _fetch(server, paths, "rpw") == 0
        assert [p for p, _, _ in server.requests] == [RPW_PATH]
    raw = pd.read_csv(paths.raw_file("rpw", "corridor_costs.csv"), keep_default_na=False)
    _same_rows(raw, cost_rows, ["sender_iso3", "receiver_iso3", "quarter"], "avg_total_cost_pct")
    vintage = rawstore.load_manifest(paths)["sources"]["rpw"]["vintage"]
    assert vintage["latest_year"] == 2020 and vintage["latest_period"] == "2020Q3"
    assert vintage["last_updated"] == "2025-01-27"


def test_rpw_means_over_the_providers_quotes(tmp_path):
    """Three providers in one corridor-quarter, one with its cost stored as text, and a fourth
    without a US$200 cost: the average is of the three quotes."""
    rows = pd.DataFrame({"sender_iso3": ["RUS"], "receiver_iso3": ["TJK"],
                         "quarter": ["2019Q2"], "avg_total_cost_pct": [2.0]})
    content = rpw_workbook(rows, text_every=2)  # quotes 0.75, "2.0" (text) and 3.25, no quote
    table = rpw.parse_workbook(content, "rpw.xlsx")
    assert table.to_dict("records") == [{"sender_iso3": "RUS", "receiver_iso3": "TJK",
                                         "quarter": "2019Q2",
                                         "avg_total_cost_pct": pytest.approx(2.0)}]
    # a period before Q2 2016 is read from the older sheet
    rows = rows.assign(quarter="2013Q1", avg_total_cost_pct=4.5)
    table = rpw.parse_workbook(rpw_workbook(rows), "rpw.xlsx")
    assert table.quarter.tolist() == ["2013Q1"]
    assert table.avg_total_cost_pct.tolist() == pytest.approx([4.5])


def test_rpw_from_the_data_catalog_listing(rpw_xlsx, cost_rows, tmp_path):
    """RPW_URL as a JSON listing of the dataset's files (the World Bank data catalog's shape):
    the newest rpw_dataset workbook it names is fetched."""
    listing = {"count": 3, "data": [
        {"name": "Remittance Prices Worldwide (Quarterly Report)",
         "distribution": {"url": "https://example.invalid/RPW_report.pdf"}},
        {"name": "Remittance Prices Worldwide (Complete Dataset)",
         "distribution": {"file_name": "rpw_dataset_2011_2020_q3.xlsx",
                          "url": "RPW_FILE"}},
        {"name": "an older release", "distribution": {
            "url": "https://example.invalid/rpw/rpw_dataset_2011_2019_q4.xlsx"}}]}
    paths = project_paths(tmp_path)
    with FakeProviders(rpw_xlsx=rpw_xlsx, urls={"RPW_URL": "/ddh/resources"}) as server:
        body = json.dumps(listing).replace("RPW_FILE", server.url + RPW_PATH).encode()
        server.pages["/ddh/resources"] = body
        assert _fetch(server, paths, "rpw") == 0
        assert server.paths_requested() == ["/ddh/resources", RPW_PATH]
    entry = rawstore.load_manifest(paths)["sources"]["rpw"]
    assert entry["files"]["corridor_costs.csv"]["origin"].endswith(RPW_PATH)
    raw = pd.read_csv(paths.raw_file("rpw", "corridor_costs.csv"), keep_default_na=False)
    assert len(raw) == len(cost_rows)


def test_rpw_page_without_a_link_is_one_line_naming_the_page(rpw_xlsx, tmp_path, caplog):
    paths = project_paths(tmp_path)
    page = link_page("Data download", "/files/rpw_report_2020_q3.pdf")
    with FakeProviders(rpw_xlsx=rpw_xlsx, urls={"RPW_URL": "/rpw/data-download"},
                       pages={"/rpw/data-download": page}) as server:
        assert _fetch(server, paths, "rpw") == 1
    lines = [m for m in _errors(caplog).splitlines() if m.startswith("fetch rpw failed")]
    assert len(lines) == 1
    assert "/rpw/data-download" in lines[0] and "with no link to RPW's complete dataset" in lines[0]
    assert not paths.raw_file("rpw", "corridor_costs.csv").exists()


def test_rpw_reshaped_workbooks_are_refused(cost_rows, tmp_path, caplog):
    paths = project_paths(tmp_path)
    header = [("total cost %" if c == "cc1 total cost %" else c) for c in RPW_COLUMNS]
    cases = {
        "renamed": (rpw_workbook(cost_rows, header=header),
                    "sheet 'Dataset (from Q2 2016)': no header row naming period"),
        "period": (rpw_workbook(cost_rows.assign(quarter=cost_rows.quarter.where(
            cost_rows.quarter != "2019Q1", "2019Q5"))), "column 'period': '2019_5Q' is not a "
                                                      "quarter like 2016_2Q"),
        "truncated": (rpw_workbook(cost_rows)[:50_000], "not a readable Excel workbook"),
    }
    for name, (content, message) in cases.items():
        caplog.clear()
        with FakeProviders(rpw_xlsx=content) as server:
            assert _fetch(server, paths, "rpw") == 1, name
        lines = [m for m in _errors(caplog).splitlines() if m.startswith("fetch rpw failed")]
        assert len(lines) == 1 and RPW_PATH in lines[0] and message in lines[0], (name, lines)
    assert not paths.raw_file("rpw", "corridor_costs.csv").exists()


def test_rpw_above_100_percent_is_a_cost(tmp_path):
    """A fee larger than the US$200 sent: quotes above 100% exist in the real file."""
    rows = pd.DataFrame({"sender_iso3": ["TUR"], "receiver_iso3": ["BGR"],
                         "quarter": ["2025Q1"], "avg_total_cost_pct": [187.5]})
    paths = project_paths(tmp_path)
    with FakeProviders(rpw_xlsx=rpw_workbook(rows)) as server:
        assert _fetch(server, paths, "rpw") == 0
    raw = pd.read_csv(paths.raw_file("rpw", "corridor_costs.csv"))
    assert raw.avg_total_cost_pct.tolist() == pytest.approx([187.5])

