"""reports/index.html: the briefing page, rendered from summary.json's data with jinja2.

Every link and image is relative to the report folder, so the folder can be zipped and mailed.
Provider web addresses are printed as text, not links: the page links only to its own files.
"""

from __future__ import annotations

import re
from pathlib import Path

import jinja2

from analysis import atomic, catalogue, fmt


def format_value(value: float, unit: str) -> str:
    """A key figure as a reader wants it: '38.4%', '2.35 million', 'US$1.2 billion'."""
    if unit.startswith("%"):
        return fmt.pct(value)
    if unit.startswith("current US$"):
        return fmt.usd(value)
    if unit.startswith("per 1,000"):
        return f"{value:.1f}"
    return fmt.number(value)


def _label(indicator: str) -> str:
    return catalogue.measure_label_unit(indicator)[0]


def _state_name(iso3: str) -> str:
    return catalogue.state(iso3).name


def _plain(text: str) -> str:
    """A finding's markdown emphasis dropped for the page (the text is escaped after)."""
    return re.sub(r"\*\*|__", "", text)


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
    env.filters["flag_meaning"] = lambda code: catalogue.FLAG_MEANINGS.get(code, code)
    env.filters["plain"] = _plain
    env.filters["change_counts"] = _change_counts
    env.filters["plain_number"] = lambda x: "-" if x is None else fmt.number(x)
    env.tests["startingwith"] = lambda value, prefix: str(value).startswith(prefix)
    return env


def render(summary: dict) -> str:
    return environment().get_template("index.html.j2").render(s=summary)


def render_country(summary: dict, country: dict) -> str:
    return environment().get_template("country.html.j2").render(s=summary, c=country)


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
    atomic.write_text(target, render(summary))
