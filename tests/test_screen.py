"""The jump screen (issue 18): its rules on self-made frames, and on the pinned snapshot every
hit reviewed in catalogue.OBSERVATION_NOTES and published in observation_notes.parquet."""

from __future__ import annotations

import pandas as pd
import pytest
from themerun import published_record

from analysis import build, catalogue, load, notebook, screen, validate
from analysis.catalogue import ObservationNote

NO_CORRIDORS = pd.DataFrame(columns=["measure", "origin_iso3", "destination_iso3", "year",
                                     "value"])


def _series(iso3: str, values: dict[int, float], indicator: str = "refugees_hosted"
            ) -> pd.DataFrame:
    return pd.DataFrame({"indicator": indicator, "iso3": iso3, "year": list(values),
                         "value": list(values.values())})


def test_jumps_need_both_the_ratio_and_the_size():
    frame = pd.concat([
        _series("AAA", {2010: 100_000, 2011: 300_000}),   # x3 and +200,000: a jump
        _series("BBB", {2010: 1_000, 2011: 5_000}),       # x5 but only +4,000
        _series("CCC", {2010: 100_000, 2011: 200_000}),   # +100,000 but only x2
        _series("DDD", {2010: 0, 2011: 20_000}),          # from a published zero
        _series("EEE", {2010: 50_000, 2011: 12_000}),     # a fall of x4.2 and -38,000
        _series("FFF", {1998: 1_000, 1999: 90_000}),      # before 2000: not screened
    ], ignore_index=True)
    hits = screen.jumps(frame, ["indicator", "iso3"], screen.MIN_PEOPLE)
    assert list(zip(hits["iso3"], hits["year_before"], hits["year"], strict=True)) == [
        ("AAA", 2010, 2011), ("DDD", 2010, 2011), ("EEE", 2010, 2011)]


def test_jumps_compare_consecutive_published_observations():
    # A gap (no row, or a null) is skipped: the change is from the last published value.
    frame = _series("AAA", {2000: 10_000, 2005: 40_000, 2006: float("nan"), 2007: 41_000})
    hits = screen.jumps(frame, ["indicator", "iso3"], screen.MIN_PEOPLE)
    assert hits[["year_before", "year"]].values.tolist() == [[2000, 2005]]


def test_money_uses_its_own_threshold():
    frame = _series("AAA", {2020: 100e6, 2021: 300e6}, "remittances_received_usd")
    assert screen.screen(frame, NO_CORRIDORS).empty  # x3 but only +US$200 million
    frame = _series("AAA", {2020: 100e6, 2021: 400e6}, "remittances_received_usd")
    assert len(screen.screen(frame, NO_CORRIDORS)) == 1


def _parts(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["indicator", "iso3", "reporter", "year", "value"])


def test_coverage_gap_is_a_major_reporter_gone():
    arr = "refugee_arrivals_abroad"
    parts = _parts([
        (arr, "AFG", "PAK", 2023, 263_018), (arr, "AFG", "IRN", 2023, 6_940),
        (arr, "AFG", "IRN", 2024, 7_714),                    # PAK absent in 2024: a hit
        (arr, "AZE", "ARM", 2023, 4_000), (arr, "AZE", "GEO", 2023, 6_000),
        (arr, "AZE", "GEO", 2024, 6_500),                    # ARM was 40%: no hit
        (arr, "TJK", "RUS", 2024, 50_000),                   # the data's last year: no hit
        (arr, "PAK", "DEU", 2022, 30_000), (arr, "PAK", "DEU", 2023, 0),  # a reported zero
    ])
    gaps = screen.coverage_gaps(parts, ["indicator", "iso3"])
    assert gaps[["iso3", "reporter", "year_before", "year", "value_before", "value"]] \
        .values.tolist() == [["AFG", "PAK", 2023, 2024, 269_958, 7_714]]


def _hit(check="jump", indicator="refugees_hosted", iso3="AAA", year_before=2021, year=2022,
         value_before=10_000.0, value=90_000.0, **kw) -> dict:
    return {"check": check, "indicator": indicator, "measure": "", "iso3": iso3,
            "origin_iso3": "", "destination_iso3": "", "year_before": year_before, "year": year,
            "value_before": value_before, "value": value, "reporter": "", **kw}


def test_review_takes_a_note_on_the_later_year_or_a_placeholder_before(monkeypatch):
    notes = (
        ObservationNote("B", "a break", "src B", "refugees_hosted", "AFG", (2022,)),
        ObservationNote("M", "zero: not reported", "src M", "refugees_hosted", "KAZ", (2021,),
                        only_zero=True),
        ObservationNote("", "a real event", "src E", "refugees_hosted", "TUR", (2021,)),
        ObservationNote("B", "a break the year before", "src", "refugees_hosted", "PAK",
                        (2021,)),
        ObservationNote("B", "a coverage change", "src C", "refugee_arrivals_abroad", "AFG",
                        (2024,), kind="coverage"),
    )
    monkeypatch.setattr(catalogue, "OBSERVATION_NOTES", notes)
    hits = pd.DataFrame([
        _hit(iso3="AFG"),                                   # B on the later year
        _hit(iso3="KAZ", value_before=0.0),                 # M on the earlier zero
        _hit(iso3="TUR"),                                   # an event the year before: no
        _hit(iso3="PAK"),                                   # a break the year before: no
        _hit(check="coverage", indicator="refugee_arrivals_abroad", iso3="AFG",
             year_before=2023, year=2024, reporter="PAK"),
    ])
    found = screen.review(hits)
    assert [n.source if n else None for n in found] == ["src B", "src M", None, None, "src C"]
    table, unreviewed = screen.notes_table(_series("AFG", {2021: 10_000, 2022: 90_000}),
                                           NO_CORRIDORS, hits)
    assert unreviewed["iso3"].tolist() == ["TUR", "PAK"]
    validate.check_table(table, validate.observation_notes_schema(), "observation_notes")
    rows = table.set_index(["iso3", "year", "kind"])
    assert rows.loc[("AFG", 2022, "break"), "reason"] == "a break"
    assert rows.loc[("TUR", 2022, "unreviewed"), "flag"] == ""
    line = screen.warning_line(unreviewed)
    assert "\n" not in line and "refugees_hosted TUR 2021->2022" in line
    assert screen.note_kind(notes[4]) == "coverage" and screen.note_kind(notes[2]) == "event"


def test_schema_refuses_a_note_without_a_source():
    row = {"indicator": "refugees_hosted", "measure": "", "iso3": "RUS", "origin_iso3": "",
           "destination_iso3": "", "year": 2024, "flag": "B", "kind": "break",
           "reason": "Ukrainians no longer counted", "source": ""}
    with pytest.raises(Exception, match="source"):
        validate.check_table(pd.DataFrame([row]), validate.observation_notes_schema(),
                             "observation_notes")


# -- the pinned snapshot ---------------------------------------------------------------------

# Hits of the snapshot not yet reviewed (the review is owed; see the report of issue 18).
# Empty once every hit is reviewed; a hit that appears or is reviewed fails the test until this
# list says so.
NOT_YET_REVIEWED: set[str] = set()


def _screen_snapshot(paths):
    from analysis.rawfiles import RawData

    raw = RawData(paths)
    skip = build.absent_providers(paths)
    published = build.published_indicators(raw, skip)
    corridors = build.published_corridors(raw, skip)
    flows = raw.get("unhcr", "flows.csv")
    hits = screen.screen(published, corridors, screen.flow_parts(flows, corridors))
    return hits, screen.review(hits)


def test_every_snapshot_hit_is_reviewed(built_root):
    hits, found = _screen_snapshot(built_root)
    unreviewed = {screen.describe(r) for _, r in hits[found.isna()].iterrows()}
    assert unreviewed == NOT_YET_REVIEWED
    # The examples are hits, each reviewed as the statistician did.
    by_name = {screen.describe(r): n for (_, r), n in zip(hits.iterrows(), found, strict=True)}
    assert by_name["refugees_hosted RUS 2023->2024"].flag == "B"
    assert by_name["refugees_hosted KAZ 2022->2023"] is not None
    assert by_name["remittances_paid_usd RUS 2021->2022"].flag == "B"
    assert screen.note_kind(by_name["refugee_arrivals_abroad AFG 2023->2024 (PAK absent)"]) \
        == "coverage"


def test_observation_notes_parquet_lists_the_review(built_root):
    table = load.observation_notes(paths=built_root)
    validate.check_table(table, validate.observation_notes_schema(), "observation_notes")
    assert (table["kind"] == screen.UNREVIEWED).sum() == len(NOT_YET_REVIEWED)
    rus = load.observation_notes(["RUS"], (2024, 2024), paths=built_root)
    row = rus[(rus["indicator"] == "refugees_hosted")].iloc[0]
    assert (row["flag"], row["kind"]) == ("B", "break") and row["source"]
    # Every reviewed coverage change is listed, even where no reporter has a figure (China's
    # arrivals of 2009: India's figure of 2008 not repeated, no other reporter).
    coverage = table[table["kind"] == "coverage"]
    assert set(zip(coverage["iso3"], coverage["year"], strict=True)) == {
        ("AFG", 2023), ("AFG", 2024), ("CHN", 2009)}
    assert coverage["reason"].str.len().gt(0).all() and coverage["source"].str.len().gt(0).all()
    # Afghanistan's IDPs of 2024 are 2023's carried forward: not reported.
    afg = load.observation_notes(["AFG"], (2024, 2024), paths=built_root)
    assert "M" in set(afg.loc[afg["indicator"] == "idps_idmc", "flag"])


def test_a_new_unreviewed_jump_does_not_stop_the_build(fresh_copy, monkeypatch):
    # Fresh data with a jump no one has reviewed: drop the review of Iran's 2022 jump.
    kept = tuple(n for n in catalogue.OBSERVATION_NOTES
                 if not (n.indicator == "refugees_hosted" and n.iso3 == "IRN"
                         and n.years == (2022,)))
    monkeypatch.setattr(catalogue, "OBSERVATION_NOTES", kept)
    result = build.run_build(fresh_copy)
    lines = [w for w in result.warnings if w.startswith("screen:")]
    assert len(lines) == 1 and "refugees_hosted IRN 2021->2022" in lines[0]
    table = load.observation_notes(["IRN"], (2022, 2022), paths=fresh_copy)
    row = table[(table["indicator"] == "refugees_hosted") & (table["kind"] == "unreviewed")]
    assert len(row) == 1 and row.iloc[0]["flag"] == ""
    assert "798,343" in row.iloc[0]["reason"] and "3,425,091" in row.iloc[0]["reason"]


def test_an_unreviewed_jump_is_published_as_such(fresh_copy, monkeypatch, tmp_path):
    """Issue 18: until someone reviews it, a new jump is marked on the chart (its footer), in
    the CSV beside it (`note`), in the caption (never read as real change) and in the
    report's "What is new" (summary.json `unreviewed`)."""
    # Fresh data with a jump no one has reviewed: drop the review of Azerbaijan's 2022
    # remittances (US$1.53 billion in 2021, US$3.95 billion in 2022).
    kept = tuple(n for n in catalogue.OBSERVATION_NOTES
                 if not (n.indicator == "remittances_received_usd" and n.iso3 == "AZE"
                         and n.years == (2022,)))
    monkeypatch.setattr(catalogue, "OBSERVATION_NOTES", kept)
    build.run_build(fresh_copy)
    record = published_record("remittances", tmp_path, monkeypatch, fresh_copy.root)
    marked = []
    for figure in record["figures"]:
        rows = pd.read_csv(tmp_path / "out" / figure["data"]["csv"], dtype=str,
                           keep_default_na=False)
        jump = rows[(rows["series"] == "remittances_received_usd") & (rows["iso3"] == "AZE")
                    & (rows["year"] == "2022")]
        if jump.empty:
            assert notebook.UNREVIEWED_SENTENCE not in figure["caption"], figure["name"]
            continue
        marked.append(figure["name"])
        assert jump["note"].str.startswith("unreviewed: not yet reviewed").all()
        assert figure["caption"].endswith(notebook.UNREVIEWED_SENTENCE)
    assert "remittances_received_usd" in marked, marked
    footers = [f["caveats"] or "" for f in record["figures"] if f["name"] in marked]
    assert any("Not yet reviewed (Azerbaijan, 2022): changed from 1,5" in f for f in footers)
    entries = screen.unreviewed_entries(fresh_copy)
    assert [(e["indicator"], e["iso3"], e["year"]) for e in entries] == [
        ("remittances_received_usd", "AZE", 2022)]
