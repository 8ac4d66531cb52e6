"""The two downloads: the UN DESA origin-destination workbook and the IOM Missing Migrants CSV,
parsed into the snapshot's layout, served from a local server."""

from __future__ import annotations

import io
import logging

import pandas as pd
import pytest
from live_server import IOM_PATH, UNDESA_PATH, FakeProviders, html_page, undesa_workbook

from analysis import rawstore
from analysis.live import fetch_all
from analysis.live.http import FetchError
from analysis.paths import project_paths
from analysis.providers.iom import parse_csv
from analysis.providers.undesa import parse_workbook

STOCK_COLUMNS = ["year", "destination_iso3", "origin_iso3", "sex", "migrants",
                 "based_on_foreign_born", "based_on_citizenship", "includes_refugees", "imputed"]


def stock_rows():
    """Hand-made long rows: Taiwan (M49 158, no UN code in country_converter), the Channel
    Islands (830, XCX) and UN DESA's "Other" origin (2003, OOO); a female count missing."""
    rows = [
        (1990, "RUS", "UZB", "female", 700000, 0, 1, 0, 0),
        (1990, "RUS", "UZB", "male", 650000, 0, 1, 0, 0),
        (2024, "RUS", "UZB", "female", 500000, 0, 1, 0, 0),
        (2024, "RUS", "UZB", "male", 620000, 0, 1, 0, 0),
        (2024, "RUS", "OOO", "male", 1200, 0, 1, 0, 0),
        (2024, "XCX", "GBR", "female", 15000, 1, 0, 0, 0),
        (2024, "XCX", "GBR", "male", 14000, 1, 0, 0, 0),
        (2024, "TWN", "KAZ", "male", 0, 0, 0, 1, 1),  # a definite zero stays a row
        (2024, "TWN", "KAZ", "female", 3, 0, 0, 1, 1),
        (2024, "KAZ", "TJK", "male", 40000, 1, 0, 1, 0),  # female missing: no row
    ]
    return pd.DataFrame(rows, columns=STOCK_COLUMNS)


def test_workbook_rows_come_back_as_the_snapshot_layout():
    want = stock_rows()
    got = parse_workbook(undesa_workbook(want), "http://test/stock.xlsx")
    key = ["year", "destination_iso3", "origin_iso3", "sex"]
    pd.testing.assert_frame_equal(got, want.sort_values(key, ignore_index=True),
                                  check_dtype=False)


def test_workbook_regions_and_missing_cells_are_dropped():
    got = parse_workbook(undesa_workbook(stock_rows(), with_aggregates=True), "http://t/x.xlsx")
    assert not ({"WLD", ""} & set(got.destination_iso3))  # the WORLD row (900) is gone
    kaz_tjk = got[(got.destination_iso3 == "KAZ") & (got.origin_iso3 == "TJK")]
    assert list(kaz_tjk.sex) == ["male"]  # ".." for females is no row, not a zero


def test_workbook_with_an_unexpected_header_is_refused():
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Table 1"
    for _ in range(10):
        sheet.append([])
    sheet.append(["Index", "Destination", "Location code of destination", "Origin",
                  "Location code of origin", 1990, 2000])
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(FetchError, match=r"sheet 'Table 1', row 11: expected 3 blocks of 8"):
        parse_workbook(out.getvalue(), "http://t/x.xlsx")


def test_undesa_fetch_records_the_file_date_and_no_wpp(tmp_path):
    paths = project_paths(tmp_path)
    stock = stock_rows()
    # every catalogue state must appear for the raw check to pass
    from analysis import catalogue

    extra = pd.DataFrame([(2024, s, "OOO", "male", 1, 1, 0, 0, 0)
                          for s in catalogue.state_codes() if s not in ("RUS", "KAZ")],
                         columns=STOCK_COLUMNS)
    with FakeProviders(undesa_xlsx=undesa_workbook(pd.concat([stock, extra]))) as server:
        assert fetch_all(paths, ["undesa"], refresh=True, max_age=24,
                         config=server.config()) == 0
    entry = rawstore.load_manifest(paths)["sources"]["undesa"]
    assert entry["vintage"]["last_updated"] == "2025-01-27"  # the Last-Modified header
    assert entry["vintage"]["latest_year"] == 2024
    assert set(entry["files"]) == {"migrant_stock_2024.csv"}
    assert not paths.raw_file("undesa", "population_wpp2024.csv").exists()


def test_an_html_page_instead_of_the_workbook_fails_the_source(tmp_path, caplog):
    paths = project_paths(tmp_path)
    with FakeProviders(undesa_xlsx=b"unused") as server:
        server.add_fault(UNDESA_PATH, body=html_page("Access Denied"), times=3)
        assert fetch_all(paths, ["undesa"], refresh=True, max_age=24,
                         config=server.config()) == 1
    assert "an HTML page ('Access Denied') instead of an Excel workbook" in caplog.text
    assert UNDESA_PATH in caplog.text


IOM_CSV = """\
Main ID,Incident Type,Incident Date,Total Number of Dead and Missing,Number of Survivors,\
Country of Origin, Cause of Death ,Country of Incident,Migration Route,Location of Incident,\
Coordinates
1,Incident,2023-05-02,3,,"Afghanistan,Iran (Islamic Republic of)",Drowning,Türkiye,\
Eastern Mediterranean Route,"Van, Türkiye","38.5, 43.4"
2,Split Incident,2023-06-30,12,4,Unknown,Violence,Iran (Islamic Republic of),\
Asia Pacific routes,Border area,"29.1, 61.2"
3,Cumulative Incident,2024-01-15,,,"Rohingya, Myanmar",Mixed or unknown,Bangladesh,\
Asia Pacific routes,,
"""


def test_iom_csv_to_the_snapshot_columns(caplog):
    with caplog.at_level(logging.WARNING):
        got = parse_csv(IOM_CSV.encode("utf-8-sig"), "http://t/mmp.csv")
    assert list(got.columns) == ["date", "record_type", "route", "incident_iso3",
                                 "dead_and_missing", "cause", "survivors", "origin_iso3",
                                 "location", "lon", "lat"]
    assert list(got.date) == ["2023-05-02", "2023-06-30", "2024-01-15"]
    assert list(got.incident_iso3) == ["TUR", "IRN", "BGD"]
    assert list(got.origin_iso3) == ["AFG,IRN", "UNK", "MMR,UNK"]
    assert list(got.dead_and_missing) == ["3", "12", ""]  # blank is unknown, not 0
    assert list(got.survivors) == ["", "4", ""]
    assert list(got.cause) == ["Drowning", "Violence", "Mixed or unknown"]
    assert (list(got.lon), list(got.lat)) == (["43.4", "61.2", ""], ["38.5", "29.1", ""])
    assert "Rohingya" in caplog.text  # named once, not silently dropped


def test_iom_older_column_names_and_dates():
    older = ("Reported Date,Incident Type,Total Dead and Missing,Number of Survivors,"
             "Country of Origin,Cause of Death,Country of Incident,Migration Route,"
             "Location Description,Location Coordinates\n"
             '"Thu, 01/06/2014 - 12:00",Incident,1,,Guatemala,Mixed or unknown,'
             'United States of America,Central American Route,Arizona,"31.65, -110.37"\n')
    got = parse_csv(older.encode(), "http://t/old.csv")
    assert got.iloc[0].to_dict() == {
        "date": "2014-01-06", "record_type": "Incident", "route": "Central American Route",
        "incident_iso3": "USA", "dead_and_missing": "1", "cause": "Mixed or unknown",
        "survivors": "", "origin_iso3": "GTM", "location": "Arizona", "lon": "-110.37",
        "lat": "31.65"}


def test_iom_csv_without_a_needed_column_is_refused():
    with pytest.raises(FetchError, match=r"no column 'Total Number of Dead and Missing'"):
        parse_csv(b"Incident Date,Incident Type,Country of Origin,Cause of Death,"
                  b"Country of Incident,Migration Route\n", "http://t/mmp.csv")


def test_iom_fetch_failure_keeps_the_previous_file(tmp_path):
    paths = project_paths(tmp_path)
    target = paths.raw_file("iom", "missing_migrants.csv")
    with FakeProviders(iom_csv=IOM_CSV.encode()) as server:
        assert fetch_all(paths, ["iom"], refresh=True, max_age=24, config=server.config()) == 0
        before = target.read_bytes()
        server.add_fault(IOM_PATH, status=500, times=3)
        assert fetch_all(paths, ["iom"], refresh=True, max_age=24, config=server.config()) == 1
    assert target.read_bytes() == before


def test_country_name_lists_with_commas_inside_names():
    from analysis.live.codes import resolve_name_lists

    got = resolve_name_lists(["Afghanistan,Pakistan", "Congo, Democratic Republic of the",
                              "Korea, Republic of, Türkiye", "Unknown, Sudan",
                              "Rohingya, Myanmar"])
    assert got == {
        "Afghanistan,Pakistan": (["AFG", "PAK"], []),
        "Congo, Democratic Republic of the": (["COD"], []),
        "Korea, Republic of, Türkiye": (["KOR", "TUR"], []),
        "Unknown, Sudan": (["UNK", "SDN"], []),
        "Rohingya, Myanmar": (["MMR"], ["Rohingya"]),
    }
