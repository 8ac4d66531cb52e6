"""The report's pages on self-made summaries (issue 19, item 2): the main page shows only the
main charts, the key messages when there are some (and says so when there are none), the
sources' age at the top; the theme pages show every chart; a caveat is printed once per chart;
flags are words; optional files are linked only when they exist."""

from __future__ import annotations

import re
from html import unescape

import pytest

from analysis import htmlpage

CAVEAT = "Break in series (Iran, 2022): a change of definition, not new arrivals."
SOURCE = "Source: UNHCR (population.refugees), released 2025-12-01, data to 2025, CC BY 4.0."


def _chart(name: str, main: bool, caveats: str | None = None, **extra) -> dict:
    return {"name": name, "title": f"Title of {name}", "subtitle": "people",
            "source": f"{SOURCE} {caveats}" if caveats else SOURCE,
            "caption": f"Caption of {name}.", "alt": f"Chart: {name}",
            "files": {"png": f"figures/refugees/{name}.png"}, "claims": [],
            "definitions": [{"id": "refugees_hosted", "label": "Refugees hosted",
                             "unit": "people", "definition": "UNHCR: population.refugees"}],
            "caveats": caveats, "main": main, **extra}


def _theme(id_: str, charts: list[dict], **extra) -> dict:
    return {"id": id_, "title": f"Theme {id_}", "paragraphs": [2, 11],
            "summary": f"Remark of {id_} in our words.", "notebook": f"notebooks/{id_}.ipynb",
            "source_notebook": f"{id_}.ipynb", "status": "ok", "error": None, "figures": [],
            "charts": charts, "findings": [], "key_figures": [], **extra}


def _summary(**extra) -> dict:
    charts = [_chart("hosted", True, CAVEAT), _chart("abroad", True),
              _chart("solutions", False, "Estimate (Iran 2016-2019): carried forward."),
              _chart("decisions", False)]
    key_figures = [
        {"indicator": "population", "iso3": "PAK", "year": 2024, "value": 253e6,
         "unit": "people", "flag": "F"},
        {"indicator": "refugees_hosted", "iso3": "IRN", "year": 2023, "value": 3.4e6,
         "unit": "people", "flag": ""},
    ]
    return {
        "format": 1, "generated_at": "2026-01-01T00:00:00Z", "status": "ok",
        "data_vintage": {
            "unhcr": {"provider": "UNHCR", "last_updated": "2025-12-01",
                      "latest_year_present": 2025, "retrieved_at": "2026-06-25",
                      "licence": "CC BY 4.0", "title": "Refugee Data Finder"},
            "rpw": {"provider": "World Bank Remittance Prices Worldwide",
                    "last_updated": "2020-12-07", "latest_year_present": 2020,
                    "retrieved_at": "2021-10-12", "licence": "CC BY 4.0"},
        },
        "options": {},
        "themes": [_theme("refugee_self_reliance", charts, key_figures=key_figures,
                          findings=[{"text": "**Theme refugee_self_reliance** lead.",
                                     "claims": []},
                                    {"text": "Iran hosts the most refugees. " * 3,
                                     "claims": []}]),
                   _theme("remittances", [], status="skipped", notebook=None)],
        "countries": [{"iso3": "TJK", "name": "Tajikistan", "role": "participating",
                       "notebook": None, "status": "ok", "error": None, "figures": [],
                       "charts": [], "findings": [], "key_figures": key_figures}],
        "data_changes": {"since": None, "threshold_pct": None, "changes": []},
        **extra,
    }


MESSAGES = {
    "rule": "Per theme, the largest value among the participating states in the latest year.",
    "key_messages": [
        {"text": "Iran hosted 3.49 million refugees in 2024, the most of the states.",
         "claims": [], "theme": "refugee_self_reliance", "indicator": "refugees_hosted",
         "iso3": "IRN", "year": 2024, "flag": "B", "certainty": "break in series",
         "source": "UNHCR, released 2025-12-01, data to 2025",
         "evidence": "themes/refugee_self_reliance/index.html#hosted"},
        {"text": "Pakistan's population was an estimated 253 million in 2024.",
         "claims": [], "theme": "overview", "indicator": "population", "iso3": "PAK",
         "year": 2024, "flag": "F", "certainty": "", "source": "UN DESA WPP 2024",
         "evidence": "https://example.org/elsewhere"},
    ],
}


def _images(html: str) -> list[str]:
    return re.findall(r'<img src="([^"]+)"', html)


def test_main_page_shows_only_the_main_charts_and_links_the_theme_page():
    html = htmlpage.render(_summary())
    assert _images(html) == ["figures/refugees/hosted.png", "figures/refugees/abroad.png"]
    assert "Caption of solutions" not in html and "Caption of decisions" not in html
    assert '<a href="themes/refugee_self_reliance/index.html">All 4 charts of this theme</a>' \
        in html
    # A theme without charts (not run) has no such link, and says it was not run.
    assert "All 0 charts" not in html and "Not run in this report." in html


def test_theme_page_shows_every_chart_under_its_own_anchor():
    data = _summary()
    theme = data["themes"][0]
    html = htmlpage.render_theme(data, theme)
    assert _images(html) == [f"../../figures/refugees/{c['name']}.png" for c in theme["charts"]]
    for chart in theme["charts"]:
        assert f'<figure id="{chart["name"]}">' in html
        assert f'href="#{chart["name"]}"' in html  # the chart list at the top
    assert 'href="../../index.html"' in html  # breadcrumbs back
    assert "Iran hosts the most refugees." in html
    assert "**" not in html and "Theme refugee_self_reliance lead." not in html


def test_each_caveat_is_printed_once_after_the_source_line():
    data = _summary()
    theme = data["themes"][0]
    text = unescape(htmlpage.render_theme(data, theme))
    assert text.count(CAVEAT) == 1
    source_at, caveat_at = text.index(SOURCE), text.index(CAVEAT)
    assert text.index("Caption of hosted.") < source_at < caveat_at
    assert htmlpage.source_line(theme["charts"][0]) == SOURCE
    # The main page keeps short: the caveat is in the chart's footer and on the theme page,
    # which the main chart links.
    main = " ".join(re.sub(r"<[^>]+>", " ", unescape(htmlpage.render(data))).split())
    assert CAVEAT not in main and SOURCE in main
    assert ("breaks, gaps or estimates: they are in its footer, and in text with the "
            "definitions, data and files on the theme page .") in main


def test_a_separate_source_line_field_is_preferred():
    chart = _chart("x", True, CAVEAT, source_line="Source: the footer's own line.")
    assert htmlpage.source_line(chart) == "Source: the footer's own line."
    # A source that does not end with its caveats (an analyst's file) is printed whole.
    assert htmlpage.source_line({"source": "Source: analyst.", "caveats": "Other."}) \
        == "Source: analyst."


def test_key_figures_say_their_year_and_their_flag_in_words():
    data = _summary()
    for html in (htmlpage.render_theme(data, data["themes"][0]),
                 htmlpage.render_country(data, data["countries"][0])):
        assert "(F)" not in html and "(E)" not in html
        assert "253 million <span class=\"flag\">(forecast or projection)</span>" in html
        assert "<td>2024</td>" in html and "<td>2023</td>" in html  # the years differ
        assert "Key figures for" not in html  # mixed years: no single year in the caption


def test_key_messages_are_rendered_with_certainty_source_and_evidence():
    html = htmlpage.render(_summary(summary=MESSAGES))
    text = unescape(html)
    first, second = MESSAGES["key_messages"]
    assert first["text"] in text and second["text"] in text
    assert "How sure: <strong>break in series</strong>" in html
    # No certainty given: the flag's meaning in words.
    assert "How sure: <strong>forecast or projection</strong>" in html
    assert "Source: UNHCR, released 2025-12-01, data to 2025" in text
    assert '<a href="themes/refugee_self_reliance/index.html#hosted">See the chart</a>' in html
    assert "example.org" not in html  # the page links only to its own files
    assert MESSAGES["rule"] in text
    # Key messages come first: before the themes, after the sources' age.
    assert html.index('id="data-age"') < html.index('id="key-messages"') \
        < html.index('id="refugee_self_reliance"')


@pytest.mark.parametrize("block", [None, {"rule": "The rule.", "key_messages": []}])
def test_no_key_messages_is_said_plainly(block):
    data = _summary() if block is None else _summary(summary=block)
    html = htmlpage.render(data)
    assert "No key messages in this report" in html
    assert '<ol class="messages">' not in html


def test_sources_and_their_age_are_at_the_top():
    html = htmlpage.render(_summary())
    strip = html[html.index('id="data-age"'):html.index("</section>")]
    assert "World Bank Remittance Prices Worldwide</td><td>2020-12-07</td>" in strip
    assert "<td>2020</td>" in strip and "<td>2025</td>" in strip
    assert html.index('id="data-age"') < html.index('id="whats-new"')


def test_slides_and_country_notes_are_linked_only_when_they_exist(tmp_path):
    data = _summary()
    html = htmlpage.render(data, tmp_path)
    assert "briefing.pptx" not in html and "TJK.pdf" not in html
    assert 'href="briefing.pdf"' in html and 'href="countries/TJK/index.html"' in html
    (tmp_path / "briefing.pptx").write_bytes(b"PK")
    (tmp_path / "countries" / "TJK").mkdir(parents=True)
    (tmp_path / "countries" / "TJK" / "TJK.pdf").write_bytes(b"%PDF")
    html = htmlpage.render(data, tmp_path)
    assert 'href="briefing.pptx"' in html and 'href="countries/TJK/TJK.pdf"' in html


def test_long_findings_are_cut_at_a_sentence_and_linked():
    long = ["First finding. " + "A long sentence with many words in it. " * 20]
    shown, cut = htmlpage.short_findings(long, words=30)
    assert cut and shown[0].startswith("First finding.") and shown[0].endswith(".")
    assert len(" ".join(shown).split()) <= 30
    assert htmlpage.short_findings(["One. Two."], words=30) == (["One. Two."], False)
    # The first sentence always shows, however long.
    assert htmlpage.short_findings(["word " * 50 + "end."], words=10)[0] != []
    data = _summary()
    data["themes"][0]["findings"].append({"text": long[0], "claims": []})
    html = htmlpage.render(data)
    assert 'href="themes/refugee_self_reliance/index.html#findings"' in html


def test_write_themes_writes_a_page_per_theme(tmp_path):
    data = _summary()
    written = htmlpage.write_themes(data, tmp_path)
    assert written == [tmp_path / "themes" / t["id"] / "index.html" for t in data["themes"]]
    skipped = written[1].read_text(encoding="utf-8")
    assert "Not run in this report." in skipped and "No chart in this report." in skipped


def test_a_caveat_the_caption_already_says_is_not_printed_again():
    said = "Detections are not people."
    chart = _chart("routes", True, f"{said} Routes are not added.",
                   caption=f"Most detections were on one route. {said}")
    assert htmlpage.caveats(chart) == "Routes are not added."
    chart = _chart("routes", True, said, caption=f"Most detections were on one route. {said}")
    assert htmlpage.caveats(chart) == ""
    data = _summary()
    data["themes"][0]["charts"] = [chart]
    for html in (htmlpage.render(data), htmlpage.render_theme(data, data["themes"][0])):
        visible = re.sub(r' alt="[^"]*"', "", html)
        assert visible.count(said) == 1 and "Caveats" not in visible


def test_unreviewed_jumps_are_listed_under_what_is_new():
    """Issue 18: a jump the screen found and no one reviewed is named under "What is new"."""
    entry = {"indicator": "refugees_hosted", "measure": None, "iso3": "IRN",
             "origin_iso3": None, "destination_iso3": None, "year": 2022,
             "reason": "not yet reviewed: changed from 798,343 (2021) to 3,425,091",
             "source": "UNHCR"}
    html = unescape(htmlpage.render(_summary(unreviewed=[entry])))
    box = " ".join(html[html.index('id="whats-new"'):].split())
    assert "Not yet reviewed:" in box and "1 jump(s)" in box
    assert "Iran, 2022: not yet reviewed: changed from 798,343" in box
    assert "Not yet reviewed:" not in unescape(htmlpage.render(_summary()))
