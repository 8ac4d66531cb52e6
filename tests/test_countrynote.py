"""The PDF note per country (issue 19, item 4): on the full report of the snapshot, every
profiled state has a two-to-four-page note naming its sources' age; on self-made entries, the
key figures show years and flags in words, the chart choice follows the catalogue's rule, and a
profile without charts or a failed one still gets a valid note."""

from __future__ import annotations

import json
import re

import matplotlib
import pytest
from pypdf import PdfReader

from analysis import catalogue, countrynote, report
from analysis.paths import Paths

matplotlib.use("Agg")


def _text(pdf) -> str:
    """Every page's text, whitespace runs made single spaces (wrapped lines join again)."""
    reader = PdfReader(pdf)
    return " ".join(re.sub(r"\s+", " ", page.extract_text()) for page in reader.pages)


def _summary(paths: Paths) -> dict:
    return json.loads((paths.reports / "summary.json").read_text(encoding="utf-8"))


# ---------------------------------------------------------------------------
# The full report on the snapshot (the session's report run, shared with test_report.py)
# ---------------------------------------------------------------------------


def test_every_profiled_state_has_a_note_of_two_to_four_pages(report_run):
    paths, _result = report_run
    data = _summary(paths)
    assert {c["iso3"] for c in data["countries"]} == set(catalogue.state_codes())
    for country in data["countries"]:
        note = paths.reports / "countries" / country["iso3"] / f"{country['iso3']}.pdf"
        reader = PdfReader(note)
        assert 2 <= len(reader.pages) <= 4, (country["iso3"], len(reader.pages))
        text = _text(note)
        assert country["name"] in text
        assert f"Role at the 2015 meeting: {catalogue.ROLE_NAMES[country['role']]}" in text
        # The charts are their PDF exports placed as vector: no raster image in the note.
        raw = note.read_bytes()
        assert b"/Subtype /Image" not in raw and b"/Subtype/Image" not in raw


def test_each_note_shows_four_or_five_charts_with_captions_and_names_its_sources(report_run):
    paths, _result = report_run
    data = _summary(paths)
    for country in data["countries"]:
        note = paths.reports / "countries" / country["iso3"] / f"{country['iso3']}.pdf"
        text = _text(note)
        shown = [c for c in country["charts"] if c["caption"][:60] in text.replace("- ", "")]
        # Every profile on the snapshot draws at least five charts with data and numbers.
        assert 4 <= len(shown) <= 5, (country["iso3"], [c["name"] for c in shown])
        assert {c["name"] for c in shown} <= set(catalogue.COUNTRY_NOTE_CHARTS)
        # Each source a shown chart cites is listed at the end with its release and last year.
        sources = text[text.index("Sources and their age"):]
        cited = {key: entry for key, entry in data["data_vintage"].items()
                 if any(f"Source: {entry['provider']} (" in c["source"]
                        or f". {entry['provider']} (" in c["source"] for c in shown)}
        assert cited, country["iso3"]
        for entry in cited.values():
            assert f"{entry['provider']}: " in sources, (country["iso3"], entry["provider"])
            assert f"data to {entry['latest_year_present']}" in sources
        assert f"countries/{country['iso3']}/index.html" in sources
        assert "summary.json" in sources


def test_a_missing_note_makes_the_report_write_it_again(report_run):
    paths, _result = report_run
    note = paths.reports / "countries" / "TKM" / "TKM.pdf"
    note.unlink()
    options = report.Options(
        themes=tuple(t.id for t in catalogue.THEMES), profiles=tuple(catalogue.state_codes()),
        states=None, years=None, formats=("png", "svg", "pdf"), out=paths.reports)
    again = report.run_report(options, paths)
    assert not again.ran  # no notebook runs again; only the assembly is rewritten
    assert again.summary is not None
    assert len(PdfReader(note).pages) >= 2


# ---------------------------------------------------------------------------
# Self-made entries
# ---------------------------------------------------------------------------


def _export(path, label: str) -> None:
    """A small chart export with a text of its own, to find it in the note."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 4.5))
    ax.plot([2015, 2020], [1, 2])
    ax.set_title(label)
    fig.savefig(path)
    plt.close(fig)


def _chart(out, name: str, rows: int = 5, claims: int = 1, source: str | None = None) -> dict:
    (out / "countries" / "XYZ").mkdir(parents=True, exist_ok=True)
    pdf = f"countries/XYZ/{name}.pdf"
    _export(out / pdf, f"EXPORT-{name}")
    return {"name": name, "title": f"Chart {name}", "subtitle": "", "caption":
            f"Caption of {name}: 12 people in 2020.", "alt": "x", "files": {"pdf": pdf},
            "source": source or "Source: UNHCR (population.refugees by asylum country), "
            "released 2025-12-01, data to 2024, retrieved 2026-06-25, CC BY 4.0. A note.",
            "claims": [{"value": 12}] * claims, "data": {"csv": f"{name}.csv", "rows": rows},
            "definitions": [{"id": "refugees_hosted"}]}


_VINTAGE = {
    "undesa": {"provider": "UN DESA Population Division", "title": "World Population Prospects",
               "last_updated": "2024-07-11", "latest_year_present": 2024},
    "unhcr": {"provider": "UNHCR", "title": "Refugee Data Finder",
              "last_updated": "2025-12-01", "latest_year_present": 2025},
    "frontex": {"provider": "Frontex", "title": "Detections of illegal border-crossings",
                "last_updated": "2025-06-03", "latest_year_present": 2025},
    "worldbank": {"provider": "World Bank", "title": "World Development Indicators",
                  "latest_year_present": 2023},
}


def _entry(charts=(), status="ok", error=None) -> dict:
    return {
        "iso3": "KGZ", "name": "Kyrgyzstan", "role": "participating", "status": status,
        "error": error, "charts": list(charts),
        "findings": [{"text": "# Kyrgyzstan", "claims": []},
                     {"text": "Remittances were **large** in 2023.", "claims": []}],
        "key_figures": [
            {"indicator": "population", "iso3": "KGZ", "year": 2024, "value": 7.2e6,
             "unit": "people", "flag": "F"},
            {"indicator": "remittances_received_pct_gdp", "iso3": "KGZ", "year": 2021,
             "value": 18.5, "unit": "% of GDP", "flag": "E"},
            {"indicator": "idps", "iso3": "KGZ", "year": 2019, "value": 1230.0,
             "unit": "people", "flag": ""},
        ],
    }


def _note(tmp_path, country: dict):
    summary = {"countries": [country], "data_vintage": _VINTAGE}
    (tmp_path / "countries" / country["iso3"]).mkdir(parents=True, exist_ok=True)
    return countrynote.write(summary, tmp_path)[0]


def test_key_figures_show_each_year_and_flag_in_words(tmp_path):
    note = _note(tmp_path, _entry())
    first = re.sub(r"\s+", " ", PdfReader(note).pages[0].extract_text())
    assert "Total population 7.2 million people 2024 forecast or projection" in first
    assert "Personal remittances received 18.5% % of GDP 2021 estimated or modelled" in first
    assert "Internally displaced people (UNHCR) 1,230 people 2019" in first
    assert "(E)" not in first and "(F)" not in first
    # The findings, markdown emphasis dropped, headings left out.
    assert "Remittances were large in 2023." in first and "**" not in first
    assert "# Kyrgyzstan" not in first


def test_a_profile_without_charts_gets_a_two_page_note(tmp_path):
    note = _note(tmp_path, _entry())
    reader = PdfReader(note)
    assert len(reader.pages) == 2
    first, second = (re.sub(r"\s+", " ", p.extract_text()) for p in reader.pages)
    assert "drew no chart" in first
    assert "Sources and their age" in second
    # Sources of the key figures only: UN DESA (population), World Bank (remittances and GDP),
    # UNHCR (idps); Frontex is not used and not listed.
    assert "UN DESA Population Division: World Population Prospects; released 2024-07-11, " \
           "data to 2024." in second
    assert "World Bank: World Development Indicators; data to 2023." in second
    assert "UNHCR: Refugee Data Finder; released 2025-12-01, data to 2025." in second
    assert "Frontex" not in second


def test_a_failed_profile_says_so_and_keeps_what_it_made(tmp_path):
    charts = [_chart(tmp_path, "migrant_stocks")]
    note = _note(tmp_path, _entry(charts, status="failed", error="ValueError: no rows (cell 7)"))
    text = _text(note)
    assert "FAILED" in text and "ValueError: no rows (cell 7)" in text
    assert "EXPORT-migrant_stocks" in text and "Caption of migrant_stocks" in text
    assert 2 <= len(PdfReader(note).pages) <= 4


def test_charts_are_chosen_by_the_catalogue_rule_and_shown_in_the_profile_order(tmp_path):
    profile_order = ["trafficking", "migrant_stocks", "remittance_costs", "emigrant_destinations",
                     "asylum_abroad", "new_displacements", "refugees_and_displacement",
                     "remittances", "eu_asylum_applicants"]
    charts = [_chart(tmp_path, name) for name in profile_order]
    charts[3]["data"]["rows"] = 0  # emigrant_destinations: nothing drawn
    charts[4]["claims"] = []  # asylum_abroad: no number in its caption
    charts.append(_chart(tmp_path, "not_in_the_catalogue_list"))
    # Catalogue order, eligible only: migrant_stocks, remittances, refugees_and_displacement,
    # (emigrant_destinations, asylum_abroad left out), money_corridors (absent),
    # new_displacements, eu_asylum_applicants; the first five, in the profile's order.
    expected = ["migrant_stocks", "new_displacements", "refugees_and_displacement",
                "remittances", "eu_asylum_applicants"]
    assert [c["name"] for c in countrynote.chosen_charts(_entry(charts))] == expected
    text = _text(_note(tmp_path, _entry(charts)))
    placed = re.findall(r"EXPORT-(\w+)", text)
    assert placed in (expected, expected[:4])
    assert len(PdfReader(tmp_path / "countries" / "KGZ" / "KGZ.pdf").pages) <= 4
    # Each chart's short source line: the provider and its age, not the codes or notes.
    assert "Source: UNHCR, released 2025-12-01, data to 2024." in text


def test_a_note_is_the_same_bytes_when_written_again(tmp_path):
    charts = [_chart(tmp_path, "migrant_stocks"), _chart(tmp_path, "remittances")]
    note = _note(tmp_path, _entry(charts))
    first = note.read_bytes()
    note.unlink()  # drawn again, not kept: the same entry must give the same bytes
    second = _note(tmp_path, _entry(charts)).read_bytes()
    assert first == second
    assert b"CreationDate" not in first and b"ModDate" not in first


@pytest.mark.parametrize("source, short", [
    ("Source: World Bank (BX.TRF.PWKR.CD.DT; NY.GDP.MKTP.CD), data to 2023, retrieved "
     "2025-06-19, CC BY 4.0. Not reported, left as gaps (Afghanistan 2005-2007).",
     "Source: World Bank, data to 2023."),
    ("Source: World Bank / KNOMAD (bilateral_remittances.usd_million), released 2022-12-01, "
     "data to 2021, retrieved 2024-08-27, CC BY 4.0. UN DESA Population Division (IMS2024 "
     "stock by origin), released 2025-01-27, data to 2024, retrieved 2025-06-19, CC BY 3.0 IGO.",
     "Source: World Bank / KNOMAD, released 2022-12-01, data to 2021; UN DESA Population "
     "Division, released 2025-01-27, data to 2024."),
    ("Source: none. We know of no open dataset.", "Source: none. We know of no open dataset."),
])
def test_short_source_keeps_each_provider_and_its_age(source, short):
    assert countrynote.short_source({"source": source}) == short


def test_a_note_is_drawn_again_only_when_what_it_shows_changes(tmp_path, monkeypatch):
    drawn = []
    draw = countrynote._draw
    monkeypatch.setattr(countrynote, "_draw", lambda *a: drawn.append(1) or draw(*a))
    country = _entry()
    first = countrynote.note(country, _VINTAGE, tmp_path)
    countrynote.note(dict(country, duration_s=99.0, up_to_date=True), _VINTAGE, tmp_path)
    assert len(drawn) == 1  # a rerun's timings are not shown
    changed = dict(country, findings=[*country["findings"],
                                      {"text": "A new finding.", "claims": []}])
    countrynote.note(changed, _VINTAGE, tmp_path)
    assert len(drawn) == 2
    assert "A new finding." in _text(first)
    first.unlink()  # a profile run again clears its folder, the note with it
    countrynote.note(changed, _VINTAGE, tmp_path)
    assert len(drawn) == 3 and first.is_file()
