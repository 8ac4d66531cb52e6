"""The claims ledger (analysis.claims) and its independent checker (tests/claimcheck.py), on
tiny tables made here. Every expected number is worked out by hand from these tables (the
arithmetic is in the comments), never copied from the code's output."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from claimcheck import Tables, check_summary, check_text, recompute

from analysis import notebook
from analysis.claims import ClaimError, Ledger

NAN = float("nan")

# indicators.parquet: iso3, year, indicator, value, flag
INDICATORS = [
    ("TJK", 2015, "emigrant_stock", 1000, ""), ("TJK", 2020, "emigrant_stock", 1500, ""),
    ("KGZ", 2015, "emigrant_stock", 800, ""), ("KGZ", 2020, "emigrant_stock", 600, ""),
    ("UZB", 2015, "emigrant_stock", 2000, ""), ("UZB", 2020, "emigrant_stock", 2000, ""),
    ("AFG", 2015, "emigrant_stock", 500, ""), ("AFG", 2020, "emigrant_stock", NAN, "M"),
    ("TJK", 2020, "immigrant_stock", 300, ""), ("KGZ", 2020, "immigrant_stock", 700, ""),
    ("UZB", 2020, "immigrant_stock", 1000, ""),
    ("TJK", 2020, "population", 10000, ""), ("KGZ", 2020, "population", 6000, ""),
    ("UZB", 2020, "population", 30000, ""),
    ("TJK", 2020, "unemployment_pct", 9.0, "U"), ("KGZ", 2020, "unemployment_pct", 5.0, ""),
    ("UZB", 2020, "unemployment_pct", 7.0, ""), ("AFG", 2020, "unemployment_pct", 12.0, ""),
]
# corridors.parquet: origin, destination, year, measure, value, flag
CORRIDORS = [
    ("TJK", "RUS", 2015, 900, ""), ("TJK", "RUS", 2020, 1200, ""),
    ("TJK", "KAZ", 2015, 100, ""), ("TJK", "KAZ", 2020, 80, ""),
    ("KGZ", "RUS", 2015, 500, ""), ("KGZ", "RUS", 2020, 450, ""),
    ("KGZ", "KAZ", 2015, NAN, "M"), ("KGZ", "KAZ", 2020, 50, ""),
    ("TJK", "DEU", 2020, 20, ""),
]
# missing_migrants.parquet: year, incident_iso3, origin_iso3, dead_and_missing
RECORDS = [
    (2020, "TUR", "AFG,PAK", 10),
    (2020, "TUR", "AFG", 5),
    (2021, "IRN", "AFG", 3),
    (2020, "IRN", "PAK, IRN", 2),
    (2020, "GRC", "TUR", 7),
    (2020, "TUR", None, 1),
]
# displacement_by_cause.parquet: iso3, year, kind, cause, new_displacements
DISPLACEMENTS = [
    ("PAK", 2022, "disaster", "flood", 8000.0), ("PAK", 2022, "disaster", "storm", 1000.0),
    ("PAK", 2022, "conflict", "conflict", 500.0), ("PAK", 2021, "disaster", "flood", 200.0),
    ("TUR", 2023, "disaster", "earthquake", 4000.0),
]
# frontex_routes.parquet: year, nationality_iso3, route, type, detections, flag
ROUTES = [
    (2023, "AFG", "Western Balkan Route", "Land", 300.0, ""),
    (2023, "AFG", "Eastern Mediterranean Route", "Sea", 200.0, ""),
    (2025, "AFG", "Eastern Mediterranean Route", "Sea", 50.0, "P"),
    (2023, "PAK", "Central Mediterranean Route", "Sea", NAN, "M"),
]


def _write_tables(folder) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    pd.DataFrame([{"iso3": i, "year": y, "indicator": ind, "value": v, "unit": "u",
                   "source": "s", "flag": f} for i, y, ind, v, f in INDICATORS]
                 ).to_parquet(folder / "indicators.parquet")
    pd.DataFrame([{"year": y, "origin_iso3": o, "destination_iso3": d,
                   "measure": "migrant_stock", "value": v, "source": "s", "flag": f}
                  for o, d, y, v, f in CORRIDORS]).to_parquet(folder / "corridors.parquet")
    records = pd.DataFrame(RECORDS, columns=["year", "incident_iso3", "origin_iso3",
                                             "dead_and_missing"])
    records["year"] = records["year"].astype("Int64")
    records["date"] = pd.to_datetime(records["year"].astype(str) + "-06-01")
    records.to_parquet(folder / "missing_migrants.parquet")
    pd.DataFrame(DISPLACEMENTS, columns=["iso3", "year", "kind", "cause", "new_displacements"]
                 ).to_parquet(folder / "displacement_by_cause.parquet")
    pd.DataFrame(ROUTES, columns=["year", "nationality_iso3", "route", "type", "detections",
                                  "flag"]).to_parquet(folder / "frontex_routes.parquet")


@pytest.fixture
def tables(tmp_path) -> Tables:
    _write_tables(tmp_path / "processed")
    return Tables.read(tmp_path / "processed")


def _recompute(claim: dict, tables: Tables) -> float:
    return recompute(claim, tables.indicators, tables.corridors, tables.records, tables.folder)


EMI = {"indicator": "emigrant_stock"}
THREE = ["TJK", "KGZ", "UZB"]

# (ledger method, value as a notebook computes it, format, keywords, hand-computed value,
#  the text it is shown in)
CASES = {
    # TJK 2020
    "value": ("value", 1500, "number", dict(EMI, states=["TJK"], years=[2020]), 1500,
              "In 2020, Tajikistan had {} emigrants."),
    # 1500 + 600 + 2000; AFG's 2020 cell is null (flag M) and is no cell
    "sum": ("sum", 4100, "number", dict(EMI, states=THREE + ["AFG"], years=[2020]), 4100,
            "Together the four states had {} emigrants in 2020."),
    # 4100 / 3 = 1366.67, three significant figures
    "mean": ("mean", 4100 / 3, "number", dict(EMI, states=THREE, years=[2020]), 4100 / 3,
             "On average {} emigrants per state in 2020."),
    # 600 800 1000 1500 2000 2000 -> (1000 + 1500) / 2
    "median": ("median", 1250, "number", dict(EMI, states=THREE, years=[2015, 2020]), 1250,
               "The median state-year had {} emigrants between 2015 and 2020."),
    # (1500 + 600) - (1000 + 800)
    "change": ("change", 300, "number", dict(EMI, states=["TJK", "KGZ"], years=[2015, 2020]),
               300, "Tajikistan and Kyrgyzstan together had {} more emigrants in 2020."),
    # 300 / 1800 * 100 = 16.67
    "pct_change": ("pct_change", 300 / 1800 * 100, "signed_pct",
                   dict(EMI, states=["TJK", "KGZ"], years=[2015, 2020]), 300 / 18,
                   "Their emigrants changed by {} from 2015 to 2020."),
    # 1500 / 10000 * 1000
    "ratio": ("ratio", 150, "number",
              dict(EMI, states=["TJK"], years=[2020], denominator="population", factor=1000),
              150, "Tajikistan had {} emigrants per 1,000 residents in 2020."),
    # 1500 / (1500 + 600 + 2000) * 100 = 36.59; of_states None: every state in the table
    "share": ("share", 1500 / 4100 * 100, "pct", dict(EMI, states=["TJK"], years=[2020]),
              1500 / 41, "Tajikistan had {} of the emigrants in 2020."),
    # 2020: AFG 12, UZB 7, KGZ 5; TJK's 9 is flagged U and left out -> KGZ third
    "rank": ("rank", 3, "count", dict(indicator="unemployment_pct", states=["KGZ"],
                                      years=[2020], among=THREE + ["AFG"]), 3,
             "Kyrgyzstan's unemployment ranked {} in 2020."),
    # TJK, KGZ and UZB have both years; AFG's 2020 is null
    "count_present": ("count", 3, "count", dict(EMI, states=THREE + ["AFG"],
                                                years=[2015, 2020], where="present"), 3,
                      "{} states have emigrant estimates for 2015 and 2020."),
    # TJK 1000 -> 1500 rose; KGZ fell; UZB unchanged; AFG lacks 2020
    "count_rose": ("count", 1, "count", dict(EMI, states=THREE + ["AFG"], years=[2015, 2020],
                                             where="rose"), 1,
                   "Emigration rose in {} state between 2015 and 2020."),
    "count_unchanged": ("count", 1, "count", dict(EMI, states=THREE + ["AFG"],
                                                  years=[2015, 2020], where="unchanged"), 1,
                        "It did not change in {} state."),
    # emigrants > immigrants: TJK 1500 > 300, UZB 2000 > 1000; KGZ 600 < 700
    "count_gt": ("count", 2, "count", dict(EMI, states=THREE, years=[2020], where="gt",
                                           than="immigrant_stock"), 2,
                 "{} states had more emigrants than immigrants in 2020."),
    # corridors: TJK -> RUS 2020
    "corridor_value": ("value", 1200, "number",
                       dict(measure="migrant_stock", origins=["TJK"], destinations=["RUS"],
                            years=[2020]), 1200, "{} Tajiks lived in Russia in 2020."),
    # every destination of TJK, 2020: 1200 + 80 + 20
    "corridor_sum": ("sum", 1300, "number", dict(measure="migrant_stock", origins=["TJK"],
                                                 years=[2020]), 1300,
                     "{} Tajiks lived abroad in 2020."),
    # 1200 / 1300 * 100 = 92.31
    "corridor_share": ("share", 1200 / 1300 * 100, "pct",
                       dict(measure="migrant_stock", origins=["TJK"], destinations=["RUS"],
                            years=[2020], of_origins=["TJK"]), 1200 / 13,
                       "Russia held {} of them."),
    # (1200 - 900) / 900 * 100 = 33.33
    "corridor_pct_change": ("pct_change", 300 / 9, "signed_pct",
                            dict(measure="migrant_stock", origins=["TJK"],
                                 destinations=["RUS"], years=[2015, 2020]), 300 / 9,
                            "Tajiks in Russia changed by {} from 2015 to 2020."),
    # 1200 / 900 = 1.33
    "corridor_ratio": ("ratio", 1200 / 900, "times",
                       dict(measure="migrant_stock", origins=["TJK"], destinations=["RUS"],
                            years=[2020], denominator_years=[2015]), 4 / 3,
                       "Tajiks in Russia were {} as many in 2020 as in 2015."),
    # TJK-RUS rose; TJK-KAZ and KGZ-RUS fell; KGZ-KAZ lacks 2015 (flag M)
    "corridor_count_fell": ("count", 2, "count",
                            dict(measure="migrant_stock", origins=["TJK", "KGZ"],
                                 destinations=["RUS", "KAZ"], years=[2015, 2020],
                                 where="fell"), 2,
                            "{} corridors shrank between 2015 and 2020."),
    # records with incident in TUR in 2020: 10 + 5 + 1
    "record_value": ("value", 16, "count", dict(record="missing_migrants_in_country",
                                                states=["TUR"], years=[2020]), 16,
                     "{} people died or went missing in Türkiye in 2020."),
    # AFG or PAK among the origins, 2020: 10 (counted once) + 5 + 2
    "record_sum": ("sum", 17, "count", dict(record="missing_migrants_of_nationals",
                                            states=["AFG", "PAK"], years=[2020]), 17,
                   "{} Afghan and Pakistani nationals died or went missing in 2020."),
    # incident in TUR or IRN, 2020 and 2021: 16 + 2 + 3
    "record_sum_years": ("sum", 21, "count", dict(record="missing_migrants_in_country",
                                                  states=["TUR", "IRN"], years=[2020, 2021]),
                         21, "{} died or went missing in Türkiye and Iran in 2020 and 2021."),
    # Breakdown tables: rows matching `select`, other columns summed over.
    "table_value": ("value", 8000, "count", dict(table="displacement_by_cause",
                                                 select={"kind": "disaster", "cause": "flood"},
                                                 states=["PAK"], years=[2022]), 8000,
                    "Floods forced {} displacements in Pakistan in 2022."),
    "table_sum": ("sum", 9000, "count", dict(table="displacement_by_cause",
                                             select={"kind": "disaster"}, states=["PAK"],
                                             years=[2022]), 9000,
                  "Disasters forced {} displacements in Pakistan in 2022."),
    "table_share": ("share", 8000 / 9000 * 100, "pct",
                    dict(table="displacement_by_cause", select={"kind": "disaster",
                                                                "cause": "flood"},
                         of_select={"kind": "disaster"}, states=["PAK"], years=[2022]),
                    8000 / 9000 * 100, "Floods caused {} of them."),
    "table_change": ("change", 7800, "count", dict(table="displacement_by_cause",
                                                   select={"cause": "flood"}, states=["PAK"],
                                                   years=[2021, 2022]), 7800,
                     "Flood displacements rose by {} from 2021 to 2022."),
    # every route, the suppressed PAK row left out
    "table_all_routes": ("sum", 500, "count", dict(table="frontex_routes", select={},
                                                   states=["AFG", "PAK"], years=[2023]), 500,
                         "{} detections of Afghans and Pakistanis in 2023."),
    # Russia: 900 + 1,200 + 500 + 450 = 3,050 over 2015 and 2020, ahead of Kazakhstan (230)
    # and Germany (20): rank 1, in words
    "corridor_rank": ("rank", 1, "superlative",
                      dict(measure="migrant_stock", origins=["TJK", "KGZ"],
                           destinations=["RUS"], years=[2015, 2020], rank_by="destination",
                           among=None, fmt_args={"word": "the most"}), 1,
                      "Russia counted {} of them."),
}


@pytest.mark.parametrize("case", list(CASES))
def test_each_op_recomputes_to_the_hand_value_and_the_text_checks(case, tables):
    method, value, fmt_name, kw, expected, template = CASES[case]
    ledger = Ledger()
    shown = getattr(ledger, method)(value, fmt_name, **kw)
    text = template.format(shown)
    (claim,) = ledger.to_list()
    assert math.isclose(_recompute(claim, tables), expected, rel_tol=1e-12)
    assert check_text(text, ledger.to_list(), tables) == []
    json.dumps(claim)  # JSON-ready


def test_a_claim_records_what_it_states():
    ledger = Ledger()
    shown = ledger.ratio(np.float64(150.0), "decimal", indicator="emigrant_stock",
                         states=["TJK"], years=[np.int64(2020)], denominator="population",
                         factor=1000, fmt_args={"decimals": 0})
    assert shown == "150"
    assert ledger.to_list() == [{
        "value": 150.0, "shown": "150", "format": {"name": "decimal", "args": {"decimals": 0}},
        "op": "ratio", "indicator": "emigrant_stock", "states": ["TJK"], "years": [2020],
        "denominator": "population", "denominator_states": ["TJK"],
        "denominator_years": [2020], "factor": 1000.0}]
    assert type(ledger.claims[0]["years"][0]) is int
    shown = ledger.count(np.int64(2), "count", measure="migrant_stock", origins=["TJK"],
                         destinations=None, years=[2015, 2020], where="rose")
    assert shown == "2"
    claim = ledger.claims[-1]
    assert claim["value"] == 2 and type(claim["value"]) is int
    assert claim["origins"] == ["TJK"] and claim["destinations"] is None
    assert "states" not in claim


def test_a_wrong_value_is_caught(tables):
    ledger = Ledger()
    # TJK had 1,500 emigrants in 2020, not 1,600
    text = f"Tajikistan had {ledger.value(1600, 'number', **CASES['value'][3])} emigrants."
    (problem,) = check_text(text, ledger.to_list(), tables)
    assert "the tables give 1500.0, shown as '1,500'" in problem
    # a value off by less than the format shows is caught too
    ledger = Ledger()
    text = f"Tajikistan had {ledger.value(1500.4, 'number', **CASES['value'][3])} emigrants."
    (problem,) = check_text(text, ledger.to_list(), tables)
    assert "recorded value 1500.4" in problem


def test_a_claim_on_no_data_is_caught(tables):
    ledger = Ledger()
    # AFG's 2020 emigrant stock is null (flag M): no number to state
    afg = dict(EMI, states=["AFG"], years=[2020])
    text = f"Afghanistan had {ledger.value(0, 'number', **afg)}."
    (problem,) = check_text(text, ledger.to_list(), tables)
    assert "expected one cell, found 0" in problem
    ledger = Ledger()
    text = f"{ledger.sum(0, 'number', **afg)} in all."
    (problem,) = check_text(text, ledger.to_list(), tables)
    assert "no cell to sum" in problem


def test_a_number_without_a_claim_is_caught(tables):
    ledger = Ledger()
    shown = ledger.value(1500, "number", **CASES["value"][3])
    text = f"In 2020, Tajikistan had {shown} emigrants, 12 times more than in 1949."
    problems = check_text(text, ledger.to_list(), tables)
    assert problems == ["number '12' in the text has no claim",
                        "number '1949.' in the text has no claim"]
    # a claim covers one occurrence, and "5" is not read inside "15"
    ledger = Ledger()
    shown = ledger.count(1, "count", **CASES["count_rose"][3])
    assert check_text(f"{shown} rose, 1 fell and 11 did not.", ledger.to_list(), tables) == [
        "number '1' in the text has no claim", "number '11' in the text has no claim"]


def test_years_units_and_theme_leads_need_no_claim(tables):
    text = ("From 2015 to 2023 (2015–2023), per 1,000 residents, per 100 people, the cost of "
            "sending US$200 against the 3% target.")
    assert check_text(text, [], tables) == []
    assert check_text(notebook.theme_lead("remittances"), [], tables) == []
    for bad in ("US$2015", "2015%", "12,2015", "1949", "per 10,000", "13%"):
        assert check_text(f"In {bad}.", [], tables), bad


def test_a_claim_missing_from_its_text_is_caught(tables):
    ledger = Ledger()
    ledger.value(1500, "number", **CASES["value"][3])
    (problem,) = check_text("Tajikistan had many emigrants.", ledger.to_list(), tables)
    assert problem.endswith("not in the text")
    with pytest.raises(ClaimError, match="'1,500' not in the text"):
        ledger.check("Tajikistan had many emigrants.")


def test_the_ledger_finds_a_number_only_as_a_whole_number():
    """A claimed "5%" is not in a text stating "15%" (the checker's number boundaries)."""
    ledger = Ledger()
    shown = ledger.value(5, "pct", fmt_args={"decimals": 0}, **CASES["value"][3])
    assert shown == "5%"
    for text in ("It fell by 15%.", "It fell by 2.5%.", "It fell by 1,5%."):
        with pytest.raises(ClaimError, match="'5%' not in the text"):
            ledger.check(text)
    for text in ("It fell by 5%.", "5% fewer", "(5%)", "from 4% to 5%, then 15%"):
        ledger.check(text)
    ledger = Ledger()
    shown = ledger.value(1500, "number", **CASES["value"][3])
    with pytest.raises(ClaimError, match="'1,500' not in the text"):
        ledger.check("Tajikistan had 21,500 emigrants, or 1,500.5 thousand.")
    ledger.check(f"Tajikistan had {shown} emigrants.")


def test_rank_leaves_out_few_case_rates(tables):
    ledger = Ledger()
    # TJK's 9.0 is flagged U: it is neither ranked nor ranked against
    ledger.rank(1, "count", indicator="unemployment_pct", states=["TJK"], years=[2020],
                among=THREE)
    assert "no rankable cell" in check_text("ranked 1", ledger.to_list(), tables)[0]
    # ascending: KGZ's 5.0 is the lowest
    ledger = Ledger()
    ledger.rank(1, "count", indicator="unemployment_pct", states=["KGZ"], years=[2020],
                among=THREE + ["AFG"], order="asc")
    assert check_text("ranked 1", ledger.to_list(), tables) == []


@pytest.mark.parametrize("value", [NAN, np.float64("nan"), None, pd.NA, "1500", True,
                                   float("inf")])
def test_a_missing_or_non_number_is_refused(value):
    with pytest.raises(ClaimError, match="value"):
        Ledger().value(value, "number", **CASES["value"][3])


@pytest.mark.parametrize("kw, message", [
    (dict(indicator="emigrants"), "unknown indicator 'emigrants'"),
    (dict(measure="migrants", origins=["TJK"], destinations=["RUS"]),
     "unknown corridor measure 'migrants'"),
    (dict(record="missing_migrants_dead_and_missing", states=["TJK"]),
     "unknown record measure"),
    (dict(indicator="emigrant_stock", states=["XXX"]), "unknown state"),
    (dict(indicator="emigrant_stock", states=["tjk"]), "unknown state"),
    (dict(indicator="emigrant_stock", measure="migrant_stock", states=["TJK"]),
     "exactly one of indicator"),
    (dict(states=["TJK"]), "exactly one of indicator"),
    (dict(measure="migrant_stock", states=["TJK"]), "takes origins and destinations"),
    (dict(measure="migrant_stock", origins=["tajikistan"], destinations=["RUS"]),
     "expected ISO3 codes"),
    (dict(indicator="emigrant_stock", states=["TJK", "KGZ"]), "exactly one of states"),
    (dict(indicator="emigrant_stock", states=["TJK"], years=[2015, 2020]), "years=\\[year\\]"),
    (dict(indicator="emigrant_stock", states=["TJK"], years=[2015.5]), "not a year"),
    (dict(indicator="emigrant_stock", states=["TJK"], years=2015), "expected a list of years"),
    (dict(indicator="emigrant_stock", states=["TJK"], among=["TJK"]), "unexpected keyword"),
])
def test_unknown_ids_and_wrong_shapes_are_refused(kw, message):
    kw.setdefault("years", [2020])
    with pytest.raises(ClaimError, match=message):
        Ledger().value(1, "number", **kw)


@pytest.mark.parametrize("op, kw, message", [
    ("change", dict(years=[2020]), "years=\\[y0, y1\\]"),
    ("sum", dict(states=["TJK", "TJK"]), "listed twice"),
    ("ratio", dict(denominator="gdp"), "unknown indicator 'gdp'"),
    ("ratio", dict(denominator_origins=["TJK"]), "origins and destinations for corridor"),
    ("share", dict(of_states=["KGZ"]), "not all in of_states"),
    ("rank", dict(among=["KGZ", "UZB"]), "not among"),
    ("rank", dict(among=THREE, order="up"), "order='up'"),
    ("count", dict(), "where=None"),
    ("count", dict(where="gt"), "than=None: expected an id"),
    ("count", dict(where="present", than="population"), "than= goes with"),
    ("count", dict(where="rose"), "years=\\[y0, y1\\]"),
])
def test_op_needs_are_checked(op, kw, message):
    kw = dict(EMI, **{"states": ["TJK"], "years": [2020], **kw})
    with pytest.raises(ClaimError, match=message):
        Ledger().claim(1, "number" if op not in ("rank", "count") else "count", op, **kw)


def test_formats_and_op_table_combinations_are_checked():
    with pytest.raises(ClaimError, match="format 'percent' unknown"):
        Ledger().value(1, "percent", **CASES["value"][3])
    with pytest.raises(ClaimError, match="does not take"):
        Ledger().value(1, "number", fmt_args={"places": 2}, **CASES["value"][3])
    with pytest.raises(ClaimError, match="takes value, sum"):
        Ledger().mean(1, "number", record="missing_migrants_in_country", states=["TUR"],
                      years=[2020])
    with pytest.raises(ClaimError, match="rank 4 outside 1..3"):
        Ledger().rank(4, "count", indicator="population", states=["TJK"], years=[2020],
                      among=THREE)
    with pytest.raises(ClaimError, match="count 5 outside 0..4"):
        Ledger().count(5, "count", indicator="population", states=THREE + ["AFG"],
                       years=[2020], where="present")
    with pytest.raises(ClaimError, match="not a whole number"):
        Ledger().count(2.5, "count", indicator="population", states=THREE, years=[2020],
                       where="present")
    with pytest.raises(ClaimError, match="unknown"):
        Ledger().claim(1, "number", "total", indicator="population", states=["TJK"],
                       years=[2020])


def test_check_summary_goes_through_every_caption_and_finding(tmp_path):
    _write_tables(tmp_path / "processed")
    good, bad = Ledger(), Ledger()
    caption = f"In 2020, Tajikistan had {good.value(1500, 'number', **CASES['value'][3])}."
    kgz = dict(EMI, states=["KGZ"], years=[2020])
    wrong = f"Kyrgyzstan had {bad.value(700, 'number', **kgz)}."
    summary = {
        "themes": [{
            "id": "labour_migration",
            "charts": [{"name": "stocks", "caption": caption, "claims": good.to_list()}],
            "findings": [{"text": "A lead with no number.", "claims": []},
                         {"text": "Nine of 13 states.", "claims": []}],
        }],
        "countries": [{"iso3": "KGZ", "charts": [],
                       "findings": [{"text": wrong, "claims": bad.to_list()}]}],
    }
    assert check_summary(summary, tmp_path / "processed") == [
        "labour_migration: finding 'Nine of 13 states.': number '13' in the text has no claim",
        "KGZ: finding 'Kyrgyzstan had 700.': claim value of emigrant_stock shown '700': the "
        "tables give 600.0, shown as '600'",
    ]


def test_every_ledger_claim_fits_the_summary_schema():
    import jsonschema

    from analysis import summary

    schema = {"type": "array", "items": summary.SCHEMA["properties"]["themes"]["items"]
              ["properties"]["findings"]["items"]["properties"]["claims"]["items"]}
    claims = []
    for method, value, fmt_name, kw, _expected, _text in CASES.values():
        ledger = Ledger()
        getattr(ledger, method)(value, fmt_name, **kw)
        claims += ledger.to_list()
    jsonschema.validate(claims, schema)
    for broken in ({"measure": "migrant_stock"},  # two tables
                   {"op": "ratio", "denominator": None},
                   {"years": []}, {"years": ["2020"]}, {"shown": ""}):
        bad = dict(claims[0], **broken)
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate([bad], schema)
    without = {k: v for k, v in claims[0].items() if k != "indicator"}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate([without], schema)


def test_a_change_across_a_break_must_say_so(tmp_path):
    """DESIGN: a change across a series break is not computed, or its sentence states it."""
    folder = tmp_path / "processed"
    _write_tables(folder)
    rows = pd.read_parquet(folder / "indicators.parquet")
    # Iran's refugees: 800 in 2021, 3,400 in 2022 after a reclassification (flag B).
    extra = pd.DataFrame([
        {"iso3": "IRN", "year": 2021, "indicator": "refugees_hosted", "value": 800.0,
         "unit": "u", "source": "s", "flag": ""},
        {"iso3": "IRN", "year": 2022, "indicator": "refugees_hosted", "value": 3400.0,
         "unit": "u", "source": "s", "flag": "B"},
    ])
    pd.concat([rows, extra], ignore_index=True).to_parquet(folder / "indicators.parquet")
    tables = Tables.read(folder)
    c = Ledger()
    shown = c.change(2600.0, "number", indicator="refugees_hosted", states=["IRN"],
                     years=[2021, 2022])  # 3,400 - 800
    silent = f"Refugees in Iran rose by {shown} from 2021 to 2022."
    problems = check_text(silent, c.to_list(), tables)
    assert len(problems) == 1 and "series break (IRN 2022)" in problems[0]
    stated = silent[:-1] + ", mostly a reclassification (a break in the series)."
    assert check_text(stated, c.to_list(), tables) == []


def test_table_claims_pin_columns_and_refuse_what_they_cannot_recompute(tables):
    """A suppressed row is no cell; a whole narrower than its part and an unknown breakdown
    column are refused when the claim is recorded."""
    ledger = Ledger()
    shown = ledger.value(1, "count", table="frontex_routes",
                         select={"route": "Central Mediterranean Route"}, states=["PAK"],
                         years=[2023])
    problems = check_text(f"{shown} detection.", ledger.to_list(), tables)
    assert any("cannot recompute" in p and "expected one cell, found 0" in p
               for p in problems), problems
    with pytest.raises(ClaimError, match="leaves out part of the select"):
        Ledger().share(50, "pct", table="displacement_by_cause", select={"kind": "disaster"},
                       of_select={"kind": "disaster", "cause": "flood"}, states=["PAK"],
                       years=[2022])
    with pytest.raises(ClaimError, match="not a breakdown column"):
        Ledger().sum(1, "count", table="displacement_by_cause", select={"hazard": "flood"},
                     states=["PAK"], years=[2022])
    with pytest.raises(ClaimError, match="select= is for table claims"):
        Ledger().value(1, "count", indicator="emigrant_stock", select={"kind": "x"},
                       states=["TJK"], years=[2020])
    with pytest.raises(ClaimError, match="unknown"):
        Ledger().value(1, "count", table="glotip", states=["TJK"], years=[2020])


def test_a_superlative_on_a_corridor_measure_is_a_rank_that_must_hold(tables):
    """Issue 18: "the most ... were detected in X" is a claim. Summed over 2015 and 2020 for
    origins TJK and KGZ: Russia 900 + 1,200 + 500 + 450 = 3,050; Kazakhstan 100 + 80 + 50 =
    230 (KGZ 2015 not reported); Germany 20. By origin over every destination: TJK 900 + 1,200
    + 100 + 80 + 20 = 2,300; KGZ 500 + 450 + 50 = 1,000."""
    years = {"measure": "migrant_stock", "years": [2015, 2020]}
    ledger = Ledger()
    most = ledger.rank(1, "superlative", origins=["TJK", "KGZ"], destinations=["RUS"],
                       rank_by="destination", among=None, fmt_args={"word": "the most"},
                       **years)
    assert most == "the most"
    assert check_text(f"Russia counted {most} of them.", ledger.to_list(), tables) == []
    wrong = Ledger()
    wrong.rank(1, "superlative", origins=["TJK", "KGZ"], destinations=["KAZ"],
               rank_by="destination", among=None, fmt_args={"word": "the most"}, **years)
    problems = check_text("Kazakhstan counted the most of them.", wrong.to_list(), tables)
    assert len(problems) == 1 and "shown as 'rank 2'" in problems[0]
    by_origin = Ledger()
    by_origin.rank(1, "superlative", origins=["TJK"], destinations=None, rank_by="origin",
                   among=["TJK", "KGZ"], fmt_args={"word": "the most"}, **years)
    assert check_text("Tajikistan had the most.", by_origin.to_list(), tables) == []
    with pytest.raises(ClaimError, match="ranks exactly one of destinations"):
        Ledger().rank(1, "superlative", origins=["TJK"], destinations=["RUS", "KAZ"],
                      rank_by="destination", among=None, **years)
    with pytest.raises(ClaimError, match="rank_by=None"):
        Ledger().rank(1, "superlative", origins=["TJK"], destinations=["RUS"], among=None,
                      **years)


def _superlative_problems(method_kw: dict, text: str, tables, value=1, **fmt_args) -> list:
    ledger = Ledger()
    ledger.rank(value, "superlative", fmt_args={"word": "the most", **fmt_args}, **method_kw)
    return check_text(text, ledger.to_list(), tables)


def test_a_superlative_over_states_and_years_is_a_rank_of_one_cell(tables):
    """"The most in one year": emigrants of TJK, KGZ, UZB in 2015 and 2020 are 1,000, 1,500,
    800, 600, 2,000 and 2,000: UZB's 2,000 (2015) is the most (tied); TJK's 1,500 (2020) has
    two cells ahead of it, rank 3."""
    kw = dict(EMI, among=THREE, among_years=[2015, 2020])
    assert _superlative_problems(dict(kw, states=["UZB"], years=[2015]), "the most",
                                 tables) == []
    problems = _superlative_problems(dict(kw, states=["TJK"], years=[2020]), "the most",
                                     tables)
    assert len(problems) == 1 and "shown as 'rank 3'" in problems[0]
    with pytest.raises(ClaimError, match="one year that is among them"):
        Ledger().rank(1, "superlative", states=["TJK"], years=[2021], **kw)


def test_a_superlative_of_a_sum_or_a_ratio_ranks_each_state_the_same_way(tables):
    """Emigrants plus immigrants in 2020: TJK 1,500 + 300 = 1,800, KGZ 600 + 700 = 1,300,
    UZB 2,000 + 1,000 = 3,000, so TJK comes next (rank 2). Emigrants per 1,000 residents:
    TJK 150, KGZ 100, UZB 66.7, so TJK has the most and UZB the fewest."""
    both = dict(EMI, years=[2020], among=THREE, plus=["immigrant_stock"])
    assert _superlative_problems(dict(both, states=["TJK"]), "came next", tables, value=2,
                                 word="came next", place=2) == []
    wrong = _superlative_problems(dict(both, states=["KGZ"]), "came next", tables, value=2,
                                  word="came next", place=2)
    assert len(wrong) == 1 and "shown as 'rank 3'" in wrong[0]
    per = dict(EMI, years=[2020], among=THREE, denominator="population", factor=1000)
    assert _superlative_problems(dict(per, states=["TJK"]), "the most", tables) == []
    assert _superlative_problems(dict(per, states=["UZB"], order="asc"), "the most",
                                 tables) == []
    with pytest.raises(ClaimError, match="factor goes with a denominator"):
        Ledger().rank(1, "superlative", states=["TJK"], years=[2020], among=THREE, factor=2,
                      **EMI)


def test_a_superlative_of_records_pairs_and_breakdowns_must_hold(tables):
    """Records naming nationals in 2020: AFG 10 + 5 = 15, PAK 10 + 2 = 12, TUR 7. Corridors
    in 2020 from TJK and KGZ: TJK>RUS 1,200 ahead of KGZ>RUS 450. Displacements in PAK, 2022:
    floods 8,000 ahead of storms 1,000; floods in 2021 (200) behind 2022. Frontex, AFG: the
    Western Balkan Route in 2023 (300) is the largest route-year."""
    rec = dict(record="missing_migrants_of_nationals", years=[2020],
               among=["AFG", "PAK", "TUR"])
    assert _superlative_problems(dict(rec, states=["AFG"]), "the most", tables) == []
    assert "rank 2" in _superlative_problems(dict(rec, states=["PAK"]), "the most",
                                             tables)[0]
    pair = dict(measure="migrant_stock", years=[2020], rank_by="pair", among=["TJK", "KGZ"])
    assert _superlative_problems(dict(pair, origins=["TJK"], destinations=["RUS"]),
                                 "the most", tables) == []
    assert "rank 2" in _superlative_problems(dict(pair, origins=["KGZ"], destinations=["RUS"]),
                                             "the most", tables)[0]
    cause = dict(table="displacement_by_cause", states=["PAK"], years=[2022],
                 rank_by=["cause"])
    assert _superlative_problems(dict(cause, select={"kind": "disaster", "cause": "flood"}),
                                 "the most", tables) == []
    assert "rank 2" in _superlative_problems(
        dict(cause, select={"kind": "disaster", "cause": "storm"}), "the most", tables)[0]
    assert "rank 2" in _superlative_problems(
        dict(cause, years=[2021], rank_by=["year"], select={"kind": "disaster",
                                                            "cause": "flood"}),
        "the most", tables)[0]
    # Within 2021 alone (among_years), 2021's floods (200) are the most.
    assert _superlative_problems(
        dict(cause, years=[2021], rank_by=["year"], among_years=[2021],
             select={"kind": "disaster", "cause": "flood"}), "the most", tables) == []
    routes = dict(table="frontex_routes", states=["AFG"], rank_by=["route", "year"])
    assert _superlative_problems(dict(routes, years=[2023],
                                      select={"route": "Western Balkan Route"}),
                                 "the most", tables) == []
    assert "rank 3" in _superlative_problems(
        dict(routes, years=[2025], select={"route": "Eastern Mediterranean Route"}),
        "the most", tables)[0]
    with pytest.raises(ClaimError, match="select must pin cause"):
        Ledger().rank(1, "superlative", **dict(cause, select={"kind": "disaster"}))
