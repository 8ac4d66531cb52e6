"""`python -m analysis report` on the snapshot: every notebook runs, every theme yields figures
in every format, the summary validates, key figures equal the processed tables, the page's
links resolve, and a broken notebook is reported without stopping the others."""

from __future__ import annotations

import json
import logging
import re
import sys
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import jsonschema
import nbformat
import pandas as pd
import pytest
from claimcheck import check_summary
from reportrun import PROFILED
from reportrun import copy_root as _copy_root
from reportrun import full_options as _full_options
from un_names import non_un_names

from analysis import catalogue, chartdata, cli, keymessages, options, report, summary
from analysis.paths import Paths

# A narrow subset report (issue 17): three states, six years, every branch of "less data".
SUBSET_STATES, SUBSET_YEARS = ("TKM", "AZE", "UZB"), (2016, 2021)


def _summary(paths: Paths) -> dict:
    return json.loads((paths.reports / "summary.json").read_text(encoding="utf-8"))


# ---------------------------------------------------------------------------
# The full run
# ---------------------------------------------------------------------------


def test_every_notebook_executes_on_the_snapshot(report_run):
    paths, result = report_run
    assert [r.error for r in result.results if r.status != "ok"] == []
    expected = {Path(t.notebook).stem for t in catalogue.THEMES} | {
        f"country_profile_{iso3}" for iso3 in PROFILED}
    assert {r.output_notebook.stem for r in result.results} == expected
    for r in result.results:
        nb = nbformat.read(r.output_notebook, as_version=4)
        errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
                  if o.output_type == "error"]
        assert errors == [], r.output_notebook.name
        injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
        assert len(injected) == 1 and "record_file" in injected[0].source


def test_every_theme_yields_figures_in_all_three_formats(report_run):
    paths, _result = report_run
    for theme in _summary(paths)["themes"]:
        assert theme["status"] == "ok", theme["id"]
        assert theme["charts"], f"{theme['id']} made no figure"
        for chart in theme["charts"]:
            assert sorted(chart["files"]) == ["pdf", "png", "svg"]
            for fmt_, rel in chart["files"].items():
                assert rel == f"figures/{theme['id']}/{chart['name']}.{fmt_}"
                assert (paths.reports / rel).stat().st_size > 1000
            assert chart["caption"] and chart["alt"] and chart["source"].startswith("Source:")
        assert sorted(theme["figures"]) == sorted(
            [p for c in theme["charts"] for p in c["files"].values()]
            + [c["data"]["csv"] for c in theme["charts"] if "data" in c])


def test_every_chart_offers_its_data_as_csv_and_a_citation(report_run):
    """Issue 13: beside each figure, the values drawn (publishing checked them against the
    figure) with unit, flag, source and vintage; the indicator and corridor rows equal the
    processed tables' cells; a citation names each provider in its requested form."""
    paths, _result = report_run
    summary_ = _summary(paths)
    indicators = pd.read_parquet(paths.indicators)
    corridors = pd.read_parquet(paths.corridors)
    vintage = json.loads(paths.vintage_json.read_text(encoding="utf-8"))
    citations = {e["citation"] for e in vintage.values() if e.get("citation")}
    for entry in summary_["themes"] + summary_["countries"]:
        for chart in entry["charts"]:
            where = f"{entry.get('id') or entry.get('iso3')}: {chart['name']}"
            assert "data" in chart, f"{where}: no data CSV"
            csv = pd.read_csv(paths.reports / chart["data"]["csv"], keep_default_na=False,
                              na_values=[""], float_precision="round_trip",
                              dtype={c: str for c in ("series", "iso3", "origin_iso3",
                                                      "destination_iso3", "category", "flag")})
            assert len(csv) == chart["data"]["rows"], where
            assert list(csv.columns) == ["series", "iso3", "name", "origin_iso3",
                                         "origin_name", "destination_iso3",
                                         "destination_name", "year", "category", "value",
                                         "unit", "flag", "note", "source", "vintage"], where
            assert csv["unit"].notna().all() and csv["vintage"].notna().all(), where
            flag = csv["flag"].fillna("")
            assert (csv["value"].isna() == (flag == "M")).all(), where
            ind = csv[csv["category"].isna()].merge(indicators, left_on=["series", "iso3", "year"],
                            right_on=["indicator", "iso3", "year"], suffixes=("", "_table"))
            assert (ind["value"].fillna(-1) == ind["value_table"].fillna(-1)).all(), where
            cor = csv.merge(corridors, left_on=["series", "origin_iso3", "destination_iso3",
                                                "year"],
                            right_on=["measure", "origin_iso3", "destination_iso3", "year"],
                            suffixes=("", "_table"))
            assert (cor["value"].fillna(-1) == cor["value_table"].fillna(-1)).all(), where
            cited = [c for c in citations if c in chart["citation"]]
            assert cited or csv.empty, f"{where}: citation {chart['citation']!r} names no "\
                "provider"
            assert chart["citation"].endswith(f"({chart['name']}).")


def _strings(value) -> list[str]:
    """Every text a JSON value holds, keys and nested values included."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [t for k, v in value.items() for t in [k, *_strings(v)]]
    if isinstance(value, list):
        return [t for v in value for t in _strings(v)]
    return []


def test_no_caption_chart_page_or_csv_names_a_country_outside_the_un_table(report_run):
    """Issue 19, item 6: titles, subtitles, captions, findings and key figures (summary.json),
    every page, the charts' own labels (SVG text) and the CSVs write countries as the UN does;
    every CSV name column holds the UN name of the code beside it."""
    paths, _result = report_run
    reports = paths.reports
    texts = {"summary.json": "\n".join(_strings(_summary(paths)))}
    for page in reports.rglob("*.html"):  # the main page, theme and country pages
        texts[str(page.relative_to(reports))] = unescape(page.read_text(encoding="utf-8"))
    for svg in reports.rglob("*.svg"):
        texts[str(svg.relative_to(reports))] = unescape(svg.read_text(encoding="utf-8"))
    allowed = {catalogue.un_name(c) for c in [*catalogue.UN_NAMES,
                                              *catalogue.PROVIDER_SPECIAL_CODES]}
    csvs = sorted(reports.rglob("*.csv"))
    assert len(csvs) > 100
    for path in csvs:
        where = str(path.relative_to(reports))
        texts[where] = path.read_text(encoding="utf-8")
        csv = pd.read_csv(path, dtype=str, keep_default_na=False)
        for code, name in chartdata.NAME_COLUMNS.items():
            assert set(csv[name]) - {""} <= allowed, where
            assert (csv[name] == csv[code].map(lambda c: catalogue.un_name(c) if c else "")
                    ).all(), where
    hits = {where: found for where, text in texts.items() if (found := non_un_names(text))}
    assert not hits, hits
    # the issue's own example now reads as the UN writes it
    china = " ".join(_strings(next(c for c in _summary(paths)["countries"]
                                   if c["iso3"] == "CHN")))
    assert "China, Hong Kong SAR" in china


def test_country_profiles_go_to_their_own_folders(report_run):
    paths, _result = report_run
    countries = {c["iso3"]: c for c in _summary(paths)["countries"]}
    assert set(countries) == set(PROFILED)
    for iso3, entry in countries.items():
        assert entry["status"] == "ok"
        assert entry["name"] == catalogue.state(iso3).name
        assert entry["charts"]
        for chart in entry["charts"]:
            for rel in chart["files"].values():
                assert rel.startswith(f"countries/{iso3}/")
                assert (paths.reports / rel).is_file()


def test_a_second_run_with_nothing_changed_runs_nothing(report_run):
    paths, first = report_run
    assert {r.status for r in first.results} == {report.OK}
    before = {name: (paths.reports / name).read_bytes()
              for name in ("summary.json", "index.html", "briefing.pdf", "briefing.pptx")}
    again = report.run_report(_full_options(paths), paths)
    assert [(r.task.stem, r.status) for r in again.results] == [
        (r.task.stem, report.UP_TO_DATE) for r in first.results]
    assert again.summary is None  # summary, page and briefing were up to date as well
    for name, data in before.items():
        assert (paths.reports / name).read_bytes() == data, name
    # What a skipped run reports comes from its run record: the same as when it ran.
    for old, new in zip(first.results, again.results, strict=True):
        assert (new.figures, new.charts, new.key_figures) == (
            old.figures, old.charts, old.key_figures)


def test_summary_validates_against_the_schema(report_run):
    paths, _result = report_run
    data = _summary(paths)
    jsonschema.validate(data, summary.SCHEMA)
    assert data["status"] == "ok"
    assert [t["id"] for t in data["themes"]] == [t.id for t in catalogue.THEMES]
    vintage = json.loads(paths.vintage_json.read_text(encoding="utf-8"))
    assert data["data_vintage"] == vintage
    for theme in data["themes"]:
        assert theme["paragraphs"] == list(catalogue.theme(theme["id"]).paragraphs)
        assert theme["notebook"] == f"notebooks/{catalogue.theme(theme['id']).notebook}"


def test_summary_schema_rejects_a_bad_summary(report_run):
    paths, _result = report_run
    bad = _summary(paths)
    bad["themes"][0]["status"] = "done"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, summary.SCHEMA)


def _mm_value(records: pd.DataFrame, measure: str, iso3: str, year: int) -> float:
    """Independently: dead and missing in records in `year` whose incident is in `iso3`
    (in the country) or whose listed origins include it (its nationals); never both."""
    in_year = records[records["date"].dt.year == year]
    if measure == "missing_migrants_in_country":
        rows = in_year[in_year["incident_iso3"] == iso3]
    else:
        origins = in_year["origin_iso3"].fillna("").str.split(",").map(
            lambda codes: iso3 in [c.strip() for c in codes])
        rows = in_year[origins]
    return float(rows["dead_and_missing"].sum())


def test_each_key_figure_equals_the_processed_tables_value(report_run):
    paths, _result = report_run
    table = pd.read_parquet(paths.indicators)
    records = pd.read_parquet(paths.missing_migrants)
    data = _summary(paths)
    checked = 0
    for entry in data["themes"] + data["countries"]:
        if "id" in entry:
            assert entry["key_figures"], f"{entry['id']} recorded no key figure"
        for kf in entry["key_figures"]:
            if kf["indicator"] in {m.id for m in catalogue.RECORD_MEASURES}:
                assert kf["value"] == _mm_value(records, kf["indicator"], kf["iso3"],
                                                kf["year"]), kf
                assert kf["unit"] == "people"
            else:
                rows = table[(table["indicator"] == kf["indicator"])
                             & (table["iso3"] == kf["iso3"]) & (table["year"] == kf["year"])]
                assert len(rows) == 1, kf
                assert kf["value"] == rows["value"].item(), kf
                assert kf["unit"] == rows["unit"].item()
                assert kf["flag"] == rows["flag"].item(), kf
            checked += 1
    assert checked >= len(catalogue.THEMES)


def test_every_number_in_captions_and_findings_is_a_claim_that_recomputes(report_run):
    """The claims test (issue 10): every claim of the report is worked out again from the
    processed tables with plain pandas (tests/claimcheck.py, independent of the notebook
    code), shown as formatted in its sentence, and no number in a caption or finding lacks a
    claim (years and unit phrases excepted)."""
    paths, _result = report_run
    data = _summary(paths)
    assert check_summary(data, paths.processed) == []
    entries = data["themes"] + data["countries"]
    claims = [c for e in entries for item in e["charts"] + e["findings"] for c in item["claims"]]
    assert len(claims) >= 100, "the report states its numbers through claims"
    assert {c["op"] for c in claims} >= {"value", "sum", "share", "count"}


@pytest.fixture(scope="session")
def subset_run(built_root, tmp_path_factory):
    """A narrow report: --states TKM,AZE,UZB --years 2016:2021, themes and profiles."""
    paths = _copy_root(built_root, tmp_path_factory.mktemp("subset"))
    options = report.Options(
        themes=tuple(t.id for t in catalogue.THEMES), profiles=SUBSET_STATES,
        states=SUBSET_STATES, years=SUBSET_YEARS, formats=("png",), out=paths.reports)
    return paths, report.run_report(options, paths)


def test_a_narrow_subset_report_states_only_numbers_that_recompute(subset_run):
    """Every theme and the three profiles run on the subset; every numeric sentence carries
    claims that recompute, and no chart draws a year outside the window."""
    paths, result = subset_run
    data = _summary(paths)
    assert [t["status"] for t in data["themes"]] == ["ok"] * len(catalogue.THEMES)
    assert sorted(c["iso3"] for c in data["countries"]) == sorted(SUBSET_STATES)
    assert check_summary(data, paths.processed) == []
    first, last = SUBSET_YEARS
    for entry in data["themes"] + data["countries"]:
        for chart in entry["charts"]:
            rows = pd.read_csv(paths.reports / chart["data"]["csv"], dtype={"year": "Int64"})
            years = rows["year"].dropna()
            assert years.between(first, last).all(), (chart["name"], sorted(set(years)))


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.images: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and "href" in attrs:
            self.links.append(attrs["href"])
        if tag == "img":
            self.images.append(attrs)


def _check_links(page: Path) -> _Links:
    parser = _Links()
    parser.feed(page.read_text(encoding="utf-8"))
    for target in [i["src"] for i in parser.images] + parser.links:
        parts = urlsplit(target)
        assert not parts.scheme and not target.startswith("/"), f"not relative: {target}"
        if parts.path:
            assert (page.parent / unquote(parts.path)).is_file(), f"{page}: missing {target}"
    for image in parser.images:
        assert image.get("alt", "").strip(), f"image without alt text: {image['src']}"
    return parser


def test_each_profiled_state_has_its_own_page(report_run):
    """Issue 13, point 4: reports/countries/<ISO3>/index.html with full-size charts, captions,
    key figures and the same data links; the main page links to each."""
    paths, _result = report_run
    data = _summary(paths)
    main = (paths.reports / "index.html").read_text(encoding="utf-8")
    for country in data["countries"]:
        page = paths.reports / "countries" / country["iso3"] / "index.html"
        assert f'href="countries/{country["iso3"]}/index.html"' in main
        parser = _check_links(page)
        html = page.read_text(encoding="utf-8")
        assert f"<h1>{country['name']}</h1>" in html
        for chart in country["charts"]:
            assert f'src="../../{chart["files"]["png"]}"' in html  # full size, not a thumbnail
            assert chart["caption"] in unescape(html)
        for kf in country["key_figures"]:
            assert f"<td>{kf['year']}</td>" in html  # every figure says its year
        assert "../../index.html" in parser.links


def test_every_link_and_image_on_the_page_resolves_to_a_file(report_run):
    paths, _result = report_run
    page = paths.reports / "index.html"
    _check_links(page)
    parser = _Links()
    parser.feed(page.read_text(encoding="utf-8"))
    assert parser.images and parser.links
    targets = [i["src"] for i in parser.images] + parser.links
    for target in targets:
        if target.startswith("#"):
            assert f'id="{target[1:]}"' in page.read_text(encoding="utf-8"), target
            continue
        parts = urlsplit(target)
        assert not parts.scheme and not target.startswith("/"), f"not relative: {target}"
        assert (page.parent / unquote(parts.path)).is_file(), f"missing: {target}"
    for image in parser.images:
        assert image.get("alt", "").strip(), f"image without alt text: {image['src']}"
    data = _summary(paths)
    for theme in data["themes"]:
        assert f'href="{theme["notebook"]}"' in page.read_text(encoding="utf-8")
        theme_page = paths.reports / "themes" / theme["id"] / "index.html"
        assert f'href="themes/{theme["id"]}/index.html"' in page.read_text(encoding="utf-8")
        assert "../../index.html" in _check_links(theme_page).links


class _VisibleText(HTMLParser):
    """The words a reader sees without clicking: text outside scripts and styles, and inside a
    closed <details> only its <summary>."""

    def __init__(self):
        super().__init__()
        self.words = 0
        self._open: list[str] = []  # the elements around the current text

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "summary"):
            self._open.append(tag)
        elif tag == "details":
            self._open.append("details" if "open" in dict(attrs) else "closed")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "summary", "details") and self._open:
            self._open.pop()

    def handle_data(self, data):
        inner = self._open[-1] if self._open else ""
        if inner not in ("script", "style", "closed"):
            self.words += len(data.split())


def test_main_page_is_short_and_shows_only_main_charts(report_run):
    """Issue 19, item 2: at most about 5,000 words and 30 images on the main page of the full
    report; its images are the themes' main charts, no thumbnails of the country pages."""
    paths, _result = report_run
    html = (paths.reports / "index.html").read_text(encoding="utf-8")
    text = _VisibleText()
    text.feed(html)
    assert 1000 < text.words <= 5000
    parser = _Links()
    parser.feed(html)
    assert 0 < len(parser.images) <= 30
    data = _summary(paths)
    main = [c["files"]["png"] for t in data["themes"] for c in t["charts"] if c.get("main")]
    assert [i["src"] for i in parser.images] == main
    assert not any(src.startswith("countries/") for src in (i["src"] for i in parser.images))
    for theme in data["themes"]:
        assert len([c for c in theme["charts"] if c.get("main")]) <= 3
        assert f"All {len(theme['charts'])} charts of this theme" in html


def test_every_chart_of_every_theme_is_on_its_theme_page(report_run):
    """Each chart under its own anchor (themes/<id>/index.html#<chart name>), full size."""
    paths, _result = report_run
    for theme in _summary(paths)["themes"]:
        page = paths.reports / "themes" / theme["id"] / "index.html"
        html = page.read_text(encoding="utf-8")
        parser = _Links()
        parser.feed(html)
        assert [i["src"] for i in parser.images] == [
            f"../../{c['files']['png']}" for c in theme["charts"]]
        for chart in theme["charts"]:
            assert f'<figure id="{chart["name"]}">' in html


def test_page_shows_remarks_key_figures_and_sources(report_run):
    """The main page: each theme's remark with its paragraphs, the sources' age at the top
    (released, data to), licences under methods; each theme page: its key figures, each with
    its year and any flag in words."""
    paths, _result = report_run
    html = (paths.reports / "index.html").read_text(encoding="utf-8")
    for theme in catalogue.THEMES:
        assert f'id="{theme.id}"' in html
        paras = ", ".join(str(p) for p in theme.paragraphs)
        assert paras in html
    vintage = json.loads(paths.vintage_json.read_text(encoding="utf-8"))
    top = re.sub(r">\s+<", "><", html[:html.index('id="key-messages"')])
    for entry in vintage.values():
        assert entry["licence"] in html
        released = entry["last_updated"] or "not given"
        assert (f"<td>{entry['provider']}</td><td>{released}</td>"
                f"<td>{entry['latest_year_present']}</td>") in top
    for theme in _summary(paths)["themes"]:
        page = (paths.reports / "themes" / theme["id"] / "index.html").read_text("utf-8")
        assert "Key figures" in page
        assert not re.search(r"\([BEFMPU]\)", page), theme["id"]  # no bare flag code
        for kf in theme["key_figures"]:
            assert f"<td>{kf['year']}</td>" in page
            if kf["flag"]:
                assert f"({catalogue.FLAG_MEANINGS[kf['flag']]})" in page


def test_every_chart_has_its_definitions_and_caveats_on_the_page(report_run):
    """Issue 13, point 2: what each chart counts, collapsed under the chart; the flags' caveats
    with it; methods and sources; pipeline details at the end."""
    paths, _result = report_run
    data = _summary(paths)
    html = (paths.reports / "index.html").read_text(encoding="utf-8")
    charts = [c for e in data["themes"] + data["countries"] for c in e["charts"]]
    for chart in charts:
        # The re-entry-ban chart has no catalogue series: no open dataset exists.
        assert chart["definitions"] or chart["name"] == "reentry_bans", chart["name"]
        for d in chart["definitions"]:
            assert d["label"] and d["unit"] and d["definition"]
    with_caveats = [c for c in charts if c["caveats"]]
    assert with_caveats, "flagged data (breaks, gaps) must come with caveats"
    for theme in data["themes"]:
        page = unescape((paths.reports / "themes" / theme["id"] / "index.html")
                        .read_text(encoding="utf-8"))
        assert page.count("<summary>Definitions</summary>") == sum(
            1 for c in theme["charts"] if c["definitions"])
        for chart in theme["charts"]:
            figure = page[page.index(f'<figure id="{chart["name"]}">'):]
            figure = re.sub(r' alt="[^"]*"', "", figure[:figure.index("</figure>")])
            assert chart["caption"] in figure
            if chart["caveats"]:  # once: after the source line, unless the caption says it
                assert figure.count(chart["caveats"]) == 1, chart["name"]
                assert (chart["caveats"] in chart["caption"]
                        or figure.index("Source:") < figure.index(chart["caveats"]))
    per_1000 = next(c for e in data["themes"] for c in e["charts"]
                    if c["name"] == "refugees_per_1000_residents")
    assert "Break in series (Iran, 2022)" in per_1000["caveats"]
    assert {d["id"] for d in per_1000["definitions"]} >= {"refugees_hosted", "population"}
    sections = [html.index(f'id="{s}"') for s in ("sources", "reproducibility")]
    assert sections == sorted(sections) and "Methods and sources" in html
    assert html.index('id="reproducibility"') > html.index('id="countries"')


def test_briefing_pdf_has_a_page_per_theme_figure(report_run):
    paths, _result = report_run
    pdf = (paths.reports / "briefing.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    charts = sum(len(t["charts"]) for t in _summary(paths)["themes"])
    assert pages == 1 + charts  # a cover, then one figure per page
    # Every figure has a PDF export, placed as it is (vector): no raster image in the briefing.
    assert b"/Subtype /Image" not in pdf and b"/Subtype/Image" not in pdf


def test_briefing_deck_has_a_slide_per_main_chart_naming_its_source(report_run):
    """briefing.pptx (issue 19): a title slide, the key-message slide(s), then each theme's
    main charts in order, each with its picture, its provider on the slide and its caption in
    the speaker notes."""
    from pptx import Presentation
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    paths, _result = report_run
    data = _summary(paths)
    mains = [c for t in data["themes"] for c in t["charts"] if c.get("main")]
    assert len(mains) >= len(catalogue.THEMES)  # every theme has at least one on the deck
    slides = list(Presentation(str(paths.reports / "briefing.pptx")).slides)
    chart_slides = slides[len(slides) - len(mains):]
    assert slides[0].shapes.title.text_frame.text == "Almaty Process 2015: the evidence by theme"
    assert all(s.shapes.title.text_frame.text.startswith("Key messages")
               for s in slides[1:len(slides) - len(mains)])
    for slide, chart in zip(chart_slides, mains, strict=True):
        assert slide.shapes.title.text_frame.text == chart["title"]
        assert any(s.shape_type == MSO_SHAPE_TYPE.PICTURE for s in slide.shapes), chart["name"]
        provider = chart["source"].removeprefix("Source: ").split(" (")[0]
        assert any(s.has_text_frame and s.text_frame.text.startswith(f"Source: {provider}")
                   for s in slide.shapes), chart["name"]
        assert chart["caption"] in slide.notes_slide.notes_text_frame.text


def test_reentry_bans_chart_says_no_data_without_a_file(report_run):
    paths, _result = report_run
    theme = next(t for t in _summary(paths)["themes"] if t["id"] == "reentry_reintegration")
    chart = next(c for c in theme["charts"] if c["name"] == "reentry_bans")
    assert "no open dataset" in chart["caption"].lower()
    svg = (paths.reports / chart["files"]["svg"]).read_text(encoding="utf-8")
    # In words for a reader: no open dataset, and how an analyst can supply figures.
    assert "No open dataset counts re-entry bans" in svg
    assert "An analyst who holds figures from a named source" in svg


# ---------------------------------------------------------------------------
# The re-entry notebook with an analyst's file
# ---------------------------------------------------------------------------


def test_reentry_notebook_plots_an_analyst_file_with_its_source(built_root, tmp_path):
    paths = _copy_root(built_root, tmp_path / "root")
    bans = tmp_path / "bans.csv"
    bans.write_text("year,iso3,value,source,note\n2014,TJK,120,Analyst test source A,\n"
                    "2015,TJK,150,Analyst test source A,\n2015,KGZ,90,Analyst test source B,x\n",
                    encoding="utf-8")
    options = report.Options(themes=("reentry_reintegration",), profiles=(), states=None,
                             years=None, formats=("svg",), out=paths.reports,
                             reentry_bans=bans)
    (task,) = report.plan(options, paths)
    result = report.run_task(task)
    assert result.status == "ok", result.error
    chart = next(c for c in result.charts if c["name"] == "reentry_bans")
    assert "Analyst test source A" in chart["source"] and "Analyst test source B" in chart["source"]
    # The analyst's numbers are not in the processed tables, so no claim can back them: the
    # caption names the file's standing, the chart shows the values.
    assert "supplied by an analyst" in chart["caption"]
    assert not any(ch.isdigit() for ch in chart["caption"])
    assert list(chart["files"]) == ["svg"]
    svg = (paths.reports / chart["files"]["svg"]).read_text(encoding="utf-8")
    assert "150" in svg and "Tajikistan" in svg


# ---------------------------------------------------------------------------
# A broken notebook
# ---------------------------------------------------------------------------

PARAMETERS = ('states = None\nfirst_year = None\nlast_year = None\noutput_dir = None\n'
              'formats = ["png", "svg", "pdf"]\nrecord_file = None\n')
WORKING = """import os
import sys
from analysis import notebook, plotting
nb = notebook.start_theme("remittances", states=states, first_year=first_year,
                          last_year=last_year, output_dir=output_dir, formats=formats,
                          record_file=record_file)
frame = nb.indicators("remittances_received_pct_gdp", states=["TJK", "KGZ"])
chart = nb.chart("Tiny", "% of GDP", indicators=["remittances_received_pct_gdp"])
plotting.state_lines(chart.ax, frame)
nb.publish(chart, "tiny", "A finding.", data=frame)
nb.key_figure(frame, "remittances_received_pct_gdp", "TJK", 2015)
print("KERNEL", sys.executable)
print("CWD", os.getcwd())
"""
BROKEN = 'raise ValueError("deliberately broken for the test")\n'


def _notebook(path: Path, code: str) -> None:
    params = nbformat.v4.new_code_cell(PARAMETERS)
    params.metadata["tags"] = ["parameters"]
    nb = nbformat.v4.new_notebook(cells=[params, nbformat.v4.new_code_cell(code)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nbformat.write(nb, path)


def test_a_broken_notebook_is_reported_failed_while_the_rest_succeed(
        built_root, tmp_path, monkeypatch, caplog):
    paths = _copy_root(built_root, tmp_path / "root")
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    _notebook(notebooks / catalogue.theme("overview").notebook, BROKEN)
    _notebook(notebooks / catalogue.theme("remittances").notebook, WORKING)
    # The options are checked (options.py) and the report run (report.py) in this root.
    monkeypatch.setattr(report, "project_paths", lambda: Paths(paths.root, notebooks))
    monkeypatch.setattr(options, "project_paths", lambda: Paths(paths.root, notebooks))
    out = paths.root / "out"
    cwd = Path.cwd()
    with caplog.at_level(logging.INFO, logger="analysis"):
        code = cli.main(["report", "--themes", "overview,remittances", "--out", str(out),
                         "--jobs", "2"])
    assert code == 1
    assert Path.cwd() == cwd  # the kernels got their folder; this process kept its own

    data = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, summary.SCHEMA)
    themes = {t["id"]: t for t in data["themes"]}
    assert data["status"] == "failed"
    assert themes["overview"]["status"] == "failed"
    assert "ValueError: deliberately broken for the test" in themes["overview"]["error"]
    assert themes["remittances"]["status"] == "ok"
    assert [c["name"] for c in themes["remittances"]["charts"]] == ["tiny"]
    assert all(t["status"] == "skipped" for i, t in themes.items()
               if i not in ("overview", "remittances"))

    failed_nb = nbformat.read(out / "notebooks" / catalogue.theme("overview").notebook, 4)
    assert any(o.output_type == "error" and o.ename == "ValueError"
               for c in failed_nb.cells if c.cell_type == "code" for o in c.outputs)
    good_nb = nbformat.read(out / "notebooks" / catalogue.theme("remittances").notebook, 4)
    printed = "".join(o.get("text", "") for c in good_nb.cells if c.cell_type == "code"
                      for o in c.outputs)
    # papermill's "python3" kernel runs in the interpreter that runs the report (the venv),
    # in the notebook's folder (as in JupyterLab).
    assert f"KERNEL {sys.executable}" in printed
    assert f"CWD {notebooks}" in printed

    # Each run has its own log, with only its own messages, though both ran at once.
    failed_log = (out / "notebooks" / "01_overview.log").read_text(encoding="utf-8")
    good_log = (out / "notebooks" / "05_remittances.log").read_text(encoding="utf-8")
    assert "deliberately broken for the test" in failed_log and "KERNEL" not in failed_log
    assert f"KERNEL {sys.executable}" in good_log and "deliberately" not in good_log
    assert "05_remittances" not in failed_log and "01_overview" not in good_log
    assert "05_remittances: ok (" in good_log
    assert not (out / ".fingerprints" / "01_overview.json").exists()  # failed: run again
    assert (out / ".fingerprints" / "05_remittances.json").is_file()

    html = (out / "index.html").read_text(encoding="utf-8")
    assert "Incomplete report" in html and "deliberately broken for the test" in html
    assert (out / "briefing.pdf").is_file()
    from pptx import Presentation

    slides = list(Presentation(str(out / "briefing.pptx")).slides)
    failed = next(s for s in slides if s.shapes.title.text_frame.text
                  == catalogue.theme("overview").title)
    assert "deliberately broken for the test" in "\n".join(
        s.text_frame.text for s in failed.shapes if s.has_text_frame)
    assert any("FAILED" in r.getMessage() and "deliberately broken" in r.getMessage()
               for r in caplog.records)


# ---------------------------------------------------------------------------
# Options: checked before anything runs
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("argv, needle", [
    (["--states", "TJK,XYZ"], "--states 'TJK,XYZ': unknown state(s) XYZ"),
    (["--themes", "remittances,nonsense"], "--themes 'remittances,nonsense': unknown theme(s) "
                                           "nonsense"),
    (["--formats", "png,gif"], "--formats 'png,gif': unknown format(s) gif"),
    (["--years", "2020:2010"], "--years '2020:2010': the range is inverted"),
    (["--years", "2010-2020"], "expected FIRST:LAST"),
    (["--reentry-bans", "/nonexistent/bans.csv"], "--reentry-bans: /nonexistent/bans.csv: "
                                                  "file not found"),
    (["--jobs", "0"], "--jobs '0': expected a whole number of notebooks to run at once, 1 or "
                      "more"),
    (["--jobs=-2"], "--jobs '-2': expected a whole number"),
    (["--jobs", "two"], "--jobs 'two': expected a whole number"),
    (["--jobs", "1.5"], "--jobs '1.5': expected a whole number"),
    (["--notebooks", "/nonexistent/folder"], "--notebooks '/nonexistent/folder': not a folder"),
])
def test_bad_options_get_one_line_and_exit_2_before_any_notebook(
        fresh_copy, monkeypatch, caplog, argv, needle):
    monkeypatch.setenv("ANALYSIS_ROOT", str(fresh_copy.root))
    monkeypatch.setattr(report, "run_report", lambda *a, **k: pytest.fail("ran notebooks"))
    with caplog.at_level(logging.INFO, logger="analysis"):
        code = cli.main(["report", *argv])
    assert code == 2
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and "\n" not in errors[0]
    assert needle in errors[0]
    assert not fresh_copy.reports.exists()


def test_report_without_built_data_says_what_to_do(tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("ANALYSIS_ROOT", str(tmp_path))
    with caplog.at_level(logging.INFO, logger="analysis"):
        assert cli.main(["report"]) == 2
    assert "not built yet; run `make data`" in caplog.text


def test_options_reach_the_notebooks_as_parameters(built_root):
    out = built_root.reports / "briefing"  # --out must lie inside the project
    args = type("Args", (), {"themes": "remittances,country_profile", "states": "tjk,KGZ",
                             "years": "2005:2020", "formats": "png", "out": str(out),
                             "reentry_bans": None})()
    options = report.options_from_args(args, built_root)
    tasks = report.plan(options, built_root)
    assert [(t.kind, t.id) for t in tasks] == [("theme", "remittances"), ("country", "TJK"),
                                               ("country", "KGZ")]
    theme, profile = tasks[0].parameters, tasks[1].parameters
    assert theme["states"] == ["TJK", "KGZ"] and "states" not in profile
    assert profile["iso3"] == "TJK"
    for params in (theme, profile):
        assert (params["first_year"], params["last_year"]) == (2005, 2020)
        assert params["formats"] == ["png"] and params["output_dir"] == str(out)
        assert params["record_file"].startswith(str(out / "notebooks"))
    assert tasks[0].output == out / "notebooks" / "05_remittances.ipynb"
    assert tasks[1].output == out / "notebooks" / "country_profile_TJK.ipynb"


def test_default_options_run_everything(built_root):
    args = type("Args", (), {"themes": None, "states": None, "years": None, "formats": None,
                             "out": None, "reentry_bans": None})()
    options = report.options_from_args(args, built_root)
    assert options.themes == tuple(t.id for t in catalogue.THEMES)
    assert options.profiles == tuple(catalogue.state_codes())
    assert options.formats == ("png", "svg", "pdf") and options.out == built_root.reports
    tasks = report.plan(options, built_root)
    assert all("states" not in t.parameters and "first_year" not in t.parameters
               for t in tasks)


def test_page_and_summary_for_svg_only_and_skipped_themes(built_root, tmp_path):
    """Without PNG the page shows the SVG; themes not run are listed as skipped."""
    from analysis import htmlpage

    out = tmp_path / "out"
    options = report.Options(themes=("remittances",), profiles=(), states=None, years=None,
                             formats=("svg",), out=out)
    (task,) = report.plan(options, built_root)
    svg = out / "figures" / "remittances" / "x.svg"
    svg.parent.mkdir(parents=True)
    svg.write_text("<svg xmlns='http://www.w3.org/2000/svg'/>", encoding="utf-8")
    task.output.parent.mkdir(parents=True)
    task.output.write_text("{}", encoding="utf-8")
    chart = {"name": "x", "title": "T", "subtitle": "S", "source": "Source: s.", "caption": "C.",
             "alt": "Chart: T <b>", "files": {"svg": "figures/remittances/x.svg"}}
    result = report.TaskResult(task, "ok", None, task.output, ["figures/remittances/x.svg"],
                               [chart], [], 1.0)
    data = summary.build([result], options, json.loads(built_root.vintage_json.read_text()))
    data["summary"] = keymessages.build(data, built_root)  # as report.run_report adds it
    jsonschema.validate(data, summary.SCHEMA)
    statuses = {t["id"]: t["status"] for t in data["themes"]}
    assert statuses.pop("remittances") == "ok" and set(statuses.values()) == {"skipped"}
    htmlpage.write_themes(data, out)
    theme_page = out / "themes" / "remittances" / "index.html"
    html = theme_page.read_text(encoding="utf-8")
    # x is not a main chart: on its theme page only.
    assert '<img src="../../figures/remittances/x.svg" alt="Chart: T &lt;b&gt;">' in html
    assert "<img" not in htmlpage.render(data)
    htmlpage.write(data, out / "index.html")
    for page in (out / "index.html", theme_page):
        parser = _Links()
        parser.feed(page.read_text(encoding="utf-8"))
        for target in [i["src"] for i in parser.images] + parser.links:
            path = urlsplit(target).path
            if path and path not in ("briefing.pdf", "summary.json", "../../index.html"):
                assert (page.parent / path).is_file(), target


def test_the_page_is_clean_in_a_real_browser(report_run, tmp_path):
    """make check-page's check on the full report: no broken image or link, no console error."""
    from analysis import pagecheck

    paths, _result = report_run
    shot = tmp_path / "page.png"
    assert pagecheck.check_page(paths.reports / "index.html", shot, follow=True) == []
    assert shot.stat().st_size > 100_000  # a long page with charts, not a blank one


def test_a_run_that_left_no_executed_notebook_is_listed_without_a_link(built_root, tmp_path):
    """A worker process killed mid-run leaves no executed notebook: the page names the run as
    failed and links to no missing file."""
    from analysis import htmlpage

    out = tmp_path / "out"
    options = report.Options(themes=("remittances",), profiles=(), states=None, years=None,
                             formats=("svg",), out=out)
    (task,) = report.plan(options, built_root)
    assert not task.output.exists()
    vintage = json.loads(built_root.vintage_json.read_text())
    died = report.TaskResult(task, report.FAILED, "the worker process running it died",
                             task.output)  # as `_run_all` reports a broken worker
    done = {}
    report._handle(died, task, done, out, vintage)
    result = done[task.stem]
    assert result.output_notebook is None
    data = summary.build([result], options, vintage)
    data["summary"] = keymessages.build(data, built_root)
    jsonschema.validate(data, summary.SCHEMA)
    (theme,) = [t for t in data["themes"] if t["id"] == "remittances"]
    assert theme["status"] == "failed" and theme["notebook"] is None
    htmlpage.write(data, out / "index.html")
    htmlpage.write_themes(data, out)
    for page in (out / "index.html", out / "themes" / "remittances" / "index.html"):
        html = page.read_text(encoding="utf-8")
        assert "the worker process running it died" in html
        assert task.output.name not in html
