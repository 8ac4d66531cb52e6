"""The report's HTML, rendered from summary.json's data with jinja2 (issue 19, item 2):

- reports/index.html, the short main page: the sources and their age, the key messages, what
  is new, then per theme its remark, its findings (shortened) and its main charts (at most
  three), and an annex of country pages;
- reports/themes/<id>/index.html, one page per theme with every chart (anchor = chart name),
  its key figures and all its findings;
- reports/countries/<ISO3>/index.html, the country annex.

Every link and image is relative to the report folder, so the folder can be zipped and mailed.
Provider web addresses are printed as text, not links: the page links only to its own files,
and only to files that exist when it is written (the deck and the country notes are optional).
"""

from __future__ import annotations

import re
from pathlib import Path

import jinja2

from analysis import atomic, catalogue, fmt

# Words of a theme's findings shown on the main page; the rest is on the theme page.
MAIN_PAGE_FINDING_WORDS = 60
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'(])")


def format_value(value: float, unit: str) -> str:
    """A key figure as a reader wants it: '38.4%', '2.35 million', 'US$1.2 billion'."""
    if unit.startswith("%"):
        return fmt.pct(value)
    if unit.startswith("current US$"):
        return fmt.usd(value)
    if unit.startswith("per 1,000"):
        return f"{value:.1f}"
    return fmt.number(value)


def flag_words(code: str | None) -> str:
    """An observation flag as words ("" for a normal value): never a bare "(E)" on a page."""
    if not code:
        return ""
    return catalogue.FLAG_MEANINGS.get(code, f"flagged {code}")


def source_line(chart: dict) -> str:
    """The chart's source line without its caveats: the page prints the caveats once, after it.
    A record with a separate `source_line` field has it already; otherwise the caveats are
    cut from the end of `source`, where the footer appends them."""
    if chart.get("source_line"):
        return chart["source_line"]
    source, caveats = chart["source"], (chart.get("caveats") or "").strip()
    if caveats and source.rstrip().endswith(caveats):
        return source.rstrip()[: -len(caveats)].rstrip()
    return source


def caveats(chart: dict) -> str:
    """The chart's caveats as the page prints them after the source line: the sentences its
    caption does not already say (a caveat is printed once)."""
    text = (chart.get("caveats") or "").strip()
    caption = chart.get("caption") or ""
    if text in caption:  # also when there is none
        return ""
    return " ".join(sentence for sentence in _SENTENCE_END.split(text)
                    if sentence not in caption)


def _label(indicator: str) -> str:
    return catalogue.measure_label_unit(indicator)[0]


def _state_name(iso3: str) -> str:
    return catalogue.state(iso3).name


def _plain(text: str) -> str:
    """A finding's markdown emphasis dropped for the page (the text is escaped after)."""
    return re.sub(r"\*\*|__", "", text)


def _is_lead(finding: dict, title: str) -> bool:
    """The theme's own heading finding ("**Title** (closing remarks ...). In our words: ...")
    or a country's markdown heading: the page says that already."""
    text = finding["text"]
    return text.startswith(f"**{title}**") or text.startswith("# ")


def findings(entry: dict, title: str) -> list[str]:
    """An entry's finding sentences for the page, without the lead the page already shows."""
    return [_plain(f["text"]) for f in entry.get("findings", []) if not _is_lead(f, title)]


def short_findings(texts: list[str], words: int = MAIN_PAGE_FINDING_WORDS
                   ) -> tuple[list[str], bool]:
    """The first sentences of the findings, up to about `words` words (always at least one
    sentence), and whether anything was left out."""
    shown: list[str] = []
    used = 0
    for text in texts:
        kept = []
        for sentence in _SENTENCE_END.split(text):
            n = len(sentence.split())
            if (shown or kept) and used + n > words:
                if kept:
                    shown.append(" ".join(kept))
                return shown, True
            kept.append(sentence)
            used += n
        shown.append(" ".join(kept))
    return shown, False


def key_messages(summary: dict) -> tuple[str | None, list[dict]]:
    """The rule and the key messages (summary["summary"], built by analysis.keymessages),
    or (None, []) when the report has none."""
    block = summary.get("summary") or {}
    return block.get("rule"), list(block.get("key_messages") or [])


def certainty(message: dict) -> str:
    """How sure a key message is, in words: its stated certainty, else its flag's meaning."""
    return message.get("certainty") or flag_words(message.get("flag")) or "as reported"


def _relative_link(href: str | None) -> str | None:
    """A link the page may print: relative to the report folder, never to another site."""
    if not href or "://" in href or href.startswith(("/", "javascript:")):
        return None
    return href


def _change_counts(changes: list[dict]) -> dict[str, dict[str, int]]:
    """{dataset: {kind: n}} for the "What is new" box."""
    out: dict[str, dict[str, int]] = {}
    for change in changes:
        kinds = out.setdefault(change["dataset"], {})
        kinds[change["kind"]] = kinds.get(change["kind"], 0) + 1
    return out


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("analysis", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"], default=True),
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["value"] = lambda kf: format_value(kf["value"], kf["unit"])
    env.filters["label"] = _label
    env.filters["state_name"] = _state_name
    env.filters["flag_words"] = flag_words
    env.filters["source_line"] = source_line
    env.filters["caveats"] = caveats
    env.filters["certainty"] = certainty
    env.filters["relative_link"] = _relative_link
    env.filters["plain"] = _plain
    env.filters["change_counts"] = _change_counts
    env.filters["plain_number"] = lambda x: "-" if x is None else fmt.number(x)
    return env


# ---------------------------------------------------------------------------
# What each page shows, decided here rather than in the templates
# ---------------------------------------------------------------------------


def theme_page(theme_id: str) -> str:
    """A theme page's path relative to the report folder."""
    return f"themes/{theme_id}/index.html"


def _main_theme(theme: dict) -> dict:
    """A theme as the main page shows it: its main charts and its findings, shortened."""
    shown, cut = short_findings(findings(theme, theme["title"]))
    return {"entry": theme, "page": theme_page(theme["id"]),
            "charts": [c for c in theme["charts"] if c.get("main")],
            "findings": shown, "findings_cut": cut}


def _downloads(report_dir: Path | None) -> list[tuple[str, str]]:
    """The report's own files beside the page: the briefing PDF and the summary are always
    written; the slide deck is linked only once it exists."""
    files = [("briefing (PDF)", "briefing.pdf"), ("slides (PowerPoint)", "briefing.pptx"),
             ("summary (JSON)", "summary.json")]
    optional = {"briefing.pptx"}
    return [(label, name) for label, name in files
            if name not in optional or (report_dir is not None
                                        and (report_dir / name).is_file())]


def _country_notes(summary: dict, report_dir: Path | None) -> dict[str, str]:
    """{ISO3: report-relative path} of the country notes (PDF) that exist."""
    notes = {}
    for country in summary["countries"]:
        rel = f"countries/{country['iso3']}/{country['iso3']}.pdf"
        if report_dir is not None and (report_dir / rel).is_file():
            notes[country["iso3"]] = rel
    return notes


def render(summary: dict, report_dir: Path | None = None) -> str:
    """The main page. `report_dir`: the report folder, to link the optional files that exist
    there (the slide deck, the country notes); None links only the files always written."""
    rule, messages = key_messages(summary)
    report_dir = Path(report_dir) if report_dir is not None else None
    return environment().get_template("index.html.j2").render(
        s=summary, rule=rule, messages=messages,
        themes=[_main_theme(t) for t in summary["themes"]],
        downloads=_downloads(report_dir), notes=_country_notes(summary, report_dir))


def render_theme(summary: dict, theme: dict) -> str:
    return environment().get_template("theme.html.j2").render(
        s=summary, t=theme, sentences=findings(theme, theme["title"]))


def render_country(summary: dict, country: dict) -> str:
    return environment().get_template("country.html.j2").render(
        s=summary, c=country, sentences=findings(country, country["name"]))


def write_themes(summary: dict, report_dir: Path) -> list[Path]:
    """reports/themes/<id>/index.html for every theme of the summary (a skipped or failed
    theme's page says so)."""
    written = []
    for theme in summary["themes"]:
        target = Path(report_dir) / theme_page(theme["id"])
        atomic.write_text(target, render_theme(summary, theme))
        written.append(target)
    return written


def write_countries(summary: dict, report_dir: Path) -> list[Path]:
    """reports/countries/<ISO3>/index.html for every profiled state: full-size charts with
    their captions, definitions and files, and the key figures."""
    written = []
    for country in summary["countries"]:
        target = Path(report_dir) / "countries" / country["iso3"] / "index.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic.write_text(target, render_country(summary, country))
        written.append(target)
    return written


def write(summary: dict, target: Path) -> None:
    """The main page at `target`; the optional files it links are looked up beside it."""
    atomic.write_text(target, render(summary, Path(target).parent))
