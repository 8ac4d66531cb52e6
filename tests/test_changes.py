"""What changed since the last successful report (issue 13, point 3): the comparison on small
hand-made tables, and two reports on two snapshots that differ in known ways."""

from __future__ import annotations

import json
import shutil

import jsonschema
import pandas as pd
import pytest

from analysis import build, catalogue, changes, htmlpage, report, snapshot, summary

NAN = float("nan")


def _indicators(rows):
    return pd.DataFrame(rows, columns=["iso3", "year", "indicator", "value"])


def test_compare_names_each_kind_of_change():
    before = _indicators([
        ("TJK", 2022, "gdp_usd", 100.0), ("TJK", 2023, "gdp_usd", 200.0),
        ("KGZ", 2023, "gdp_usd", 1000.0), ("KGZ", 2022, "gdp_usd", 50.0),
        ("IRN", 2023, "gdp_usd", 0.0), ("AFG", 2023, "gdp_usd", 10.0),
    ])
    after = _indicators([
        ("TJK", 2022, "gdp_usd", 100.4),  # +0.4%: under the 0.5% threshold, not listed
        ("TJK", 2023, "gdp_usd", 204.0),  # +2%: revised
        ("TJK", 2024, "gdp_usd", 210.0),  # a year TJK's series did not have
        ("KGZ", 2023, "gdp_usd", 1000.0),  # unchanged
        # KGZ 2022 gone: withdrawn
        ("IRN", 2023, "gdp_usd", 5.0),  # any move from 0 is a revision
        ("AFG", 2023, "gdp_usd", NAN),  # now null (flag M): withdrawn
        ("UZB", 2023, "gdp_usd", 7.0),  # a series that did not exist
    ])
    found = changes.compare(before, after, "indicators")
    assert [(c["kind"], c["iso3"], c["year"], c["before"], c["after"]) for c in found] == [
        ("new_year", "TJK", 2024, None, 210.0),
        ("new_state", "UZB", 2023, None, 7.0),
        ("revised", "IRN", 2023, 0.0, 5.0),
        ("revised", "TJK", 2023, 200.0, 204.0),
        ("withdrawn", "AFG", 2023, 10.0, None),
        ("withdrawn", "KGZ", 2022, 50.0, None),
    ]
    assert all(c["dataset"] == "indicators" and c["indicator"] == "gdp_usd" for c in found)
    # A looser threshold lets the 2% revision pass; a stricter one catches the 0.4% one.
    assert "TJK" not in {c["iso3"] for c in changes.compare(before, after, "indicators", 5.0)
                         if c["kind"] == "revised"}
    assert {(c["iso3"], c["year"]) for c in changes.compare(before, after, "indicators", 0.1)
            if c["kind"] == "revised"} == {("IRN", 2023), ("TJK", 2022), ("TJK", 2023)}


def test_compare_corridors_names_new_corridors():
    cols = ["year", "origin_iso3", "destination_iso3", "measure", "value"]
    before = pd.DataFrame([(2020, "TJK", "RUS", "migrant_stock", 100.0)], columns=cols)
    after = pd.DataFrame([(2020, "TJK", "RUS", "migrant_stock", 100.0),
                          (2024, "TJK", "RUS", "migrant_stock", 90.0),
                          (2024, "TJK", "KAZ", "migrant_stock", 5.0)], columns=cols)
    found = changes.compare(before, after, "corridors")
    assert [(c["kind"], c["destination_iso3"], c["year"]) for c in found] == [
        ("new_year", "RUS", 2024), ("new_corridor", "KAZ", 2024)]


# Each table's series columns and value column, as the catalogue and the processed layout name
# them (not taken from analysis.changes, whose job is to use them); a change writes a column
# named like its own `kind` field as `row_kind`.
FIELD = {"kind": "row_kind"}
SERIES = {"indicators": (("indicator", "iso3"), "value"),
          "corridors": (("measure", "origin_iso3", "destination_iso3"), "value"),
          **{t.name: ((t.state_column, *t.columns), t.value_column)
             for t in catalogue.BREAKDOWN_TABLES}}


def test_every_processed_table_is_compared():
    """Each provider's own processed table, and indicators and corridors, is in the list."""
    from analysis import providers

    built = {"indicators", "corridors"} | {t.name for p in providers.all_providers()
                                          for t in p.tables}
    assert {t.name for t in changes.TABLES} == built
    assert set(SERIES) | {changes.RECORDS} == built


@pytest.mark.parametrize("name", list(SERIES))
def test_a_planted_revision_reflag_and_small_move_in_each_table(built_root, name):
    series, value = SERIES[name]
    before = pd.read_parquet(built_root.processed / f"{name}.parquet")
    flagged = "flag" in before.columns
    plain = before[(before[value] >= 100)
                   & ((before["flag"] == "") if flagged else True)].index
    big, small, reflag = plain[0], plain[len(plain) // 2], plain[-1]
    after = before.copy()
    after.loc[big, value] *= 1.02  # 2%: revised
    after.loc[small, value] *= 1.004  # 0.4%: under the 0.5% threshold
    if flagged:
        after.loc[reflag, "flag"] = "B"  # the same value, now a break in series

    def key(i):
        return tuple(before.at[i, c] for c in (*series, "year"))

    found = changes.compare(before, after, name)
    fields = [FIELD.get(k, k) for k in (*series, "year")]
    got = [(c["kind"], tuple(c[k] for k in fields), c["before"], c["after"]) for c in found]
    want = [("revised", key(big), before.at[big, value], pytest.approx(before.at[big, value]
                                                                       * 1.02))]
    if flagged:
        want.append(("reflagged", key(reflag), before.at[reflag, value],
                     before.at[reflag, value]))
        assert [(c["flag_before"], c["flag_after"]) for c in found] == [("", ""), ("", "B")]
    assert got == want
    assert all(c["dataset"] == name for c in found)
    # A stricter threshold catches the small move too.
    assert key(small) in {tuple(c[k] for k in fields)
                          for c in changes.compare(before, after, name, 0.3)}
    jsonschema.validate(found, {"type": "array", "items": summary.SCHEMA["properties"][
        "data_changes"]["properties"]["changes"]["items"]})


def _record_totals(records):
    """Dead and missing by (incident country, year) and by (listed origin country, year),
    summed here without analysis code (a record listing a country twice counts once)."""
    dated = records[records["year"].notna()].assign(year=lambda f: f["year"].astype(int))
    incident = dated.groupby(["incident_iso3", "year"])["dead_and_missing"].sum()
    origins = dated.assign(o=dated["origin_iso3"].str.split(",")).explode("o")
    origins["o"] = origins["o"].str.strip()
    origins = origins[origins["o"] != ""].reset_index().drop_duplicates(["index", "o"])
    return incident, origins.groupby(["o", "year"])["dead_and_missing"].sum()


def _single_origin(records):
    return (~records["origin_iso3"].str.contains(",")) & (records["origin_iso3"] != "") \
        & (records["origin_iso3"] != records["incident_iso3"]) & records["year"].notna()


def test_a_planted_revision_in_the_missing_migrants_records_is_listed(built_root):
    before = pd.read_parquet(built_root.processed / "missing_migrants.parquet")
    incident, origin = _record_totals(before)
    single = before[_single_origin(before)]

    def totals(i):
        row = before.loc[i]
        return incident[(row.incident_iso3, int(row.year))], origin[(row.origin_iso3,
                                                                     int(row.year))]

    # One record moved a lot, one by a single death in two counts of 1,000 or more.
    moved = single.index[0]
    small = next(i for i in single.index[::-1] if min(totals(i)) >= 1000
                 and before.at[i, "incident_iso3"] != before.at[moved, "incident_iso3"]
                 and before.at[i, "origin_iso3"] != before.at[moved, "origin_iso3"])
    in_before, of_before = totals(moved)
    planted = max(in_before, of_before)
    after = before.copy()
    after.loc[moved, "dead_and_missing"] += planted
    after.loc[small, "dead_and_missing"] += 1
    found = changes.compare(before, after, changes.RECORDS)
    year = int(before.at[moved, "year"])
    assert sorted((c["kind"], c["record"], c["iso3"], c["year"], c["before"], c["after"])
                  for c in found) == sorted([
        ("revised", "missing_migrants_in_country", before.at[moved, "incident_iso3"], year,
         in_before, in_before + planted),
        ("revised", "missing_migrants_of_nationals", before.at[moved, "origin_iso3"], year,
         of_before, of_before + planted)])
    assert {c["record"] for c in found} == {m.id for m in catalogue.RECORD_MEASURES}
    assert all("flag_before" not in c for c in found)  # the records carry no flags
    # A record dated in a year no record had before is a new year for its countries.
    new = before.copy()
    new.loc[moved, ["date", "year"]] = [pd.Timestamp("2030-06-01"), 2030]
    kinds = {(c["kind"], c["iso3"], c["year"]) for c in changes.compare(before, new,
                                                                        changes.RECORDS)}
    assert ("new_year", before.at[moved, "incident_iso3"], 2030) in kinds


STATES = set(catalogue.state_codes())
PLANTED = ("unodc", "frontex", "idmc", "iom")  # besides worldbank


def _plant_worldbank(folder) -> None:
    """Four known changes to the World Bank file."""
    path = folder / "worldbank" / "indicators.csv"
    wb = pd.read_csv(path, dtype={"value": "float64"}, keep_default_na=False, na_values=[""])

    def at(code, iso3, year):
        return (wb.indicator == code) & (wb.iso3 == iso3) & (wb.year == year)

    wb.loc[at("NY.GDP.MKTP.CD", "TJK", 2023), "value"] *= 1.02  # revised (and the GDP share)
    wb.loc[at("SL.UEM.TOTL.ZS", "KGZ", 2023), "value"] *= 1.001  # 0.1%: under the threshold
    wb = wb[~at("NY.GDP.PCAP.PP.KD", "TJK", 2023)]  # withdrawn
    wb = pd.concat([wb, pd.DataFrame([{"indicator": "SL.UEM.TOTL.ZS", "iso3": "TJK",
                                       "year": 2024, "value": 7.0}])])  # a new year
    wb.to_csv(path, index=False)


def _read_raw(folder, rel):
    return pd.read_csv(folder / rel, dtype=str, keep_default_na=False)


# The fields of a change each planter's expected tuple names, besides kind, year and values.
PLANTED_FIELDS = {"trafficking_breakdowns": ("iso3", "category", "sex", "age"),
                  "frontex_routes": ("nationality_iso3", "route", "type"),
                  "displacement_by_cause": ("iso3", "row_kind", "cause")}


# Each planter changes one provider file of the copy in two places: a 10% revision and a move
# of one unit in a count of 1,000 or more (under the 0.5% threshold). The rows are of states
# outside the catalogue and of breakdowns no indicator or corridor reads, so the table's own
# change is the only one. Each returns the one change expected, as (kind, *fields, year,
# before, after) with the fields of PLANTED_FIELDS.

def _plant_glotip(folder, kept_states):
    rel = "unodc/glotip.csv"
    raw = _read_raw(folder, rel)
    key = ["Iso3_code", "Year", "Indicator", "Dimension", "Category", "Sex", "Age"]
    count = pd.to_numeric(raw["txtVALUE"].str.replace(",", ""), errors="coerce")
    usable = (~raw["Iso3_code"].isin(STATES) & raw["Iso3_code"].isin(kept_states)
              & (raw["Dimension"] == "by form of exploitation") & (raw["Sex"] == "Female")
              & ~raw.duplicated(key, keep=False))
    big = raw.index[usable & count.between(100, 100_000)][0]
    small = raw.index[usable & (count >= 1000) & (raw["Iso3_code"] != raw.at[big, "Iso3_code"])][0]
    after = round(count[big] * 1.1)
    raw.loc[big, "txtVALUE"] = str(after)
    raw.loc[small, "txtVALUE"] = str(int(count[small]) + 1)
    raw.to_csv(folder / rel, index=False)
    row = raw.loc[big]
    return ("revised", row.Iso3_code, row.Category, row.Sex, row.Age, int(row.Year),
            float(count[big]), float(after))


def _plant_frontex(folder):
    rel = "frontex/illegal_border_crossings.csv"
    raw = _read_raw(folder, rel)
    count = pd.to_numeric(raw["detections"])
    year = raw["month"].str[:4].astype(int)
    key = [year, raw["nationality_iso3"], raw["route"], raw["type"]]
    total = count.groupby(key).transform("sum")
    # Not the running year (its rows are flagged P) and not a catalogue state's nationals.
    usable = (year < year.max()) & ~raw["nationality_iso3"].isin(STATES) & (count > 0)
    big = raw.index[usable & total.between(500, 50_000)][0]
    small = raw.index[usable & (total >= 5000)
                      & (raw["nationality_iso3"] != raw.at[big, "nationality_iso3"])][0]
    delta = int(total[big]) // 10
    raw.loc[big, "detections"] = str(int(count[big]) + delta)
    raw.loc[small, "detections"] = str(int(count[small]) + 1)
    raw.to_csv(folder / rel, index=False)
    row = raw.loc[big]
    return ("revised", row.nationality_iso3, row.route, row.type, int(year[big]),
            float(total[big]), float(total[big] + delta))


def _plant_idmc(folder, kept_states):
    rel = "idmc/new_displacements.csv"
    raw = _read_raw(folder, rel)
    count = pd.to_numeric(raw["new_displacements"])
    usable = ~raw["iso3"].isin(STATES) & raw["iso3"].isin(kept_states)
    big = raw.index[usable & count.between(1000, 1_000_000)][0]
    small = raw.index[usable & (count >= 10_000) & (raw["iso3"] != raw.at[big, "iso3"])][0]
    after = round(count[big] * 1.1)
    raw.loc[big, "new_displacements"] = str(after)
    raw.loc[small, "new_displacements"] = str(int(count[small]) + 1)
    raw.to_csv(folder / rel, index=False)
    row = raw.loc[big]
    kind = "conflict" if row.cause == "conflict" else "disaster"  # IDMC's two kinds
    return ("revised", row.iso3, kind, row.cause, int(row.year), float(count[big]),
            float(after))


def _plant_iom(folder):
    """One record moved by as much as its larger count (both its counts are revised); one by a
    single death in two counts of 1,000 or more."""
    rel = "iom/missing_migrants.csv"
    raw = _read_raw(folder, rel)
    records = raw.assign(year=pd.to_numeric(raw["date"].str[:4], errors="coerce"),
                         dead_and_missing=pd.to_numeric(raw["dead_and_missing"]))
    incident, origin = _record_totals(records)
    single = records[_single_origin(records)]

    def totals(i):
        row = records.loc[i]
        return incident[(row.incident_iso3, int(row.year))], origin[(row.origin_iso3,
                                                                     int(row.year))]

    moved = single.index[0]
    small = next(i for i in single.index[::-1] if min(totals(i)) >= 1000
                 and raw.at[i, "incident_iso3"] != raw.at[moved, "incident_iso3"]
                 and raw.at[i, "origin_iso3"] != raw.at[moved, "origin_iso3"])
    in_before, of_before = totals(moved)
    planted = int(max(in_before, of_before))
    raw.loc[moved, "dead_and_missing"] = str(int(records.at[moved, "dead_and_missing"])
                                             + planted)
    raw.loc[small, "dead_and_missing"] = str(int(records.at[small, "dead_and_missing"]) + 1)
    raw.to_csv(folder / rel, index=False)
    row, year = raw.loc[moved], int(records.at[moved, "year"])
    return [("revised", "missing_migrants_in_country", row.incident_iso3, year,
             float(in_before), float(in_before + planted)),
            ("revised", "missing_migrants_of_nationals", row.origin_iso3, year,
             float(of_before), float(of_before + planted))]


def _changed_snapshot(source, target, processed):
    """A copy of the snapshot with known changes in five providers' files; returns the changes
    expected in each breakdown table and in the Missing Migrants records."""
    target.mkdir()
    for item in source.iterdir():
        if item.name in ("worldbank", *PLANTED):
            shutil.copytree(item, target / item.name)
        else:
            (target / item.name).symlink_to(item)
    _plant_worldbank(target)

    def states(table, column):
        return set(pd.read_parquet(processed / f"{table}.parquet")[column])

    return {"trafficking_breakdowns": [_plant_glotip(
                target, states("trafficking_breakdowns", "iso3"))],
            "frontex_routes": [_plant_frontex(target)],
            "displacement_by_cause": [_plant_idmc(
                target, states("displacement_by_cause", "iso3"))],
            changes.RECORDS: _plant_iom(target)}


def _as_tuples(found: list[dict], dataset: str, fields: tuple[str, ...]) -> list[tuple]:
    return [(c["kind"], *(c[f] for f in fields), c["year"], c["before"], c["after"])
            for c in found if c["dataset"] == dataset]


def _a_plain_stateless_year(paths) -> int:
    """A year of Kazakhstan's stateless count with a value and no flag (no derived indicator
    reads it, and the remittances notebook does not)."""
    table = pd.read_parquet(paths.indicators)
    rows = table[(table.indicator == "stateless") & (table.iso3 == "KAZ") & (table.flag == "")
                 & table.value.notna()]
    return int(rows.year.max())


def test_a_second_report_on_a_changed_snapshot_lists_exactly_the_changes(
        fresh_copy, snapshot_dir, tmp_path, monkeypatch):
    options = report.Options(themes=("remittances",), profiles=(), states=None, years=None,
                             formats=("png",), out=fresh_copy.reports)
    first = report.run_report(options, fresh_copy).summary
    assert first["data_changes"] == {"since": None, "threshold_pct": 0.5, "changes": []}
    assert "first report here" in htmlpage.render(first)

    expected = _changed_snapshot(snapshot_dir, tmp_path / "snapshot", fresh_copy.processed)
    changed = tmp_path / "snapshot"
    sources = snapshot.read_sources_json(changed)
    for provider_id in ("worldbank", *PLANTED):
        snapshot.fetch_provider(fresh_copy, changed, provider_id, sources)
    # A break in series reviewed since the first report: the value stays, its flag becomes B.
    year = _a_plain_stateless_year(fresh_copy)
    monkeypatch.setattr(catalogue, "OBSERVATION_NOTES", (*catalogue.OBSERVATION_NOTES,
        catalogue.ObservationNote("B", "a break planted by this test", "tests/test_changes.py",
                                  "stateless", "KAZ", (year,), label="a planted break")))
    build.run_build(fresh_copy)
    second = report.run_report(options, fresh_copy).summary
    jsonschema.validate(second, summary.SCHEMA)
    found = second["data_changes"]
    assert found["since"] == first["generated_at"]
    indicators = [c for c in found["changes"] if c["dataset"] == "indicators"]
    assert sorted((c["kind"], c["indicator"], c["iso3"], c["year"]) for c in indicators) \
        == [("new_year", "unemployment_pct", "TJK", 2024),
            ("reflagged", "stateless", "KAZ", year),
            ("revised", "gdp_usd", "TJK", 2023),
            ("revised", "remittances_received_pct_gdp", "TJK", 2023),
            ("withdrawn", "gdp_per_capita_ppp", "TJK", 2023)]
    gdp = next(c for c in indicators if c["indicator"] == "gdp_usd")
    assert gdp["after"] == pytest.approx(gdp["before"] * 1.02)
    reflagged = next(c for c in indicators if c["kind"] == "reflagged")
    assert reflagged["before"] == reflagged["after"] is not None
    assert (reflagged["flag_before"], reflagged["flag_after"]) == ("", "B")
    assert not [c for c in found["changes"] if c["dataset"] == "corridors"]
    # Each breakdown table and the records: the planted revision, not the one-unit move.
    for table, fields in PLANTED_FIELDS.items():
        assert _as_tuples(found["changes"], table, fields) == expected[table], table
    assert sorted(_as_tuples(found["changes"], changes.RECORDS, ("record", "iso3"))) \
        == sorted(expected[changes.RECORDS])
    assert len(found["changes"]) == 5 + 3 + 2

    page = (fresh_copy.reports / "index.html").read_text(encoding="utf-8")
    assert "What is new" in page and "10 change(s) in the data" in page
    for line in ("trafficking_breakdowns: revised 1", "frontex_routes: revised 1",
                 "displacement_by_cause: revised 1", "missing_migrants: revised 2",
                 "reflagged: flag none &rarr; B"):
        assert line in page, line
    kept = json.loads((fresh_copy.reports / changes.KEPT / changes.ABOUT).read_text())
    assert kept["generated_at"] == second["generated_at"]
    assert {p.name for p in (fresh_copy.reports / changes.KEPT).glob("*.parquet")} \
        == {f"{t.name}.parquet" for t in changes.TABLES}


def test_the_log_line_names_the_count():
    assert report._changes_phrase({"data_changes": {"since": None}}).startswith(
        "; first report here")
    assert report._changes_phrase({"data_changes": {"since": "2026-11-21T05:17:03Z",
                                                    "changes": [{}, {}]}}) == \
        "; 2 data change(s) since 2026-11-21T05:17:03Z"
    assert report._changes_phrase(None) == ""
