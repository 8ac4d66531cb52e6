"""reports/summary.json: what a report run produced, as DESIGN.md specifies.

`generated_at`, `data_vintage` (per source), and `themes` (each with id, title, paragraphs,
notebook, status, error, figures, key_figures), plus `countries` for the per-state profiles and
`charts` per entry (title, caption, alt text and files of each figure, and the `claims` behind
the numbers of its caption) for the page and the briefing, `findings` per entry (other finding
sentences, each `{text, claims}`; a claim as `analysis.claims` records it), and `up_to_date`
per entry (true: not run again, its outputs are from the last successful run), and `summary`
(the key messages, added by `analysis.keymessages.build`). SCHEMA is the contract tests
validate against.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from analysis import atomic, catalogue, changes, claims

FORMAT = 1

_KEY_FIGURE = {
    "type": "object",
    "required": ["indicator", "iso3", "year", "value", "unit"],
    "additionalProperties": False,
    "properties": {
        "indicator": {"type": "string", "minLength": 1},
        "iso3": {"type": "string", "pattern": "^[A-Z]{3}$"},
        "year": {"type": "integer"},
        "value": {"type": "number"},
        "unit": {"type": "string", "minLength": 1},
        # SDMX observation status of the value ("" for a normal value); see DESIGN.md.
        "flag": {"enum": ["", "B", "E", "F", "M", "P", "U"]},
    },
}
_STATES = {"type": "array", "minItems": 1, "items": {"type": "string", "pattern": "^[A-Z]{3}$"}}
# Corridor partners: any ISO3 code (or a provider's special code); null means all in the table.
_PARTNERS = {"anyOf": [{"type": "null"}, {"type": "array", "minItems": 1,
                                          "items": {"type": "string", "pattern": "^[A-Z0-9]{3}$"}}]}
_YEARS = {"type": "array", "minItems": 1, "items": {"type": "integer"}}


def _when_op(op: str, required: list[str]) -> dict:
    return {"if": {"properties": {"op": {"const": op}}}, "then": {"required": required}}


_CLAIM = {
    "type": "object",
    "required": ["value", "shown", "format", "op", "years"],
    "properties": {
        "value": {"type": "number"},
        "shown": {"type": "string", "minLength": 1},
        "format": {"type": "object", "required": ["name", "args"],
                   "additionalProperties": False,
                   "properties": {"name": {"enum": list(claims.FORMATS)},
                                  "args": {"type": "object"}}},
        "op": {"enum": list(claims.OPS)},
        "indicator": {"type": "string", "minLength": 1},
        "measure": {"type": "string", "minLength": 1},
        "record": {"enum": [m.id for m in catalogue.RECORD_MEASURES
                            + catalogue.LOWER_BOUND_RECORD_MEASURES]},
        "table": {"enum": list(claims.TABLES)},
        "select": {"type": "object"},
        "of_select": {"type": "object"},
        "states": _STATES,
        "origins": _PARTNERS,
        "destinations": _PARTNERS,
        "years": _YEARS,
        "denominator": {"type": "string", "minLength": 1},
        "denominator_states": _STATES,
        "denominator_origins": _PARTNERS,
        "denominator_destinations": _PARTNERS,
        "denominator_years": _YEARS,
        "factor": {"type": "number"},
        "of_states": {"anyOf": [{"type": "null"}, _STATES]},
        "of_origins": _PARTNERS,
        "of_destinations": _PARTNERS,
        # states; codes of a corridor's ranked side; a table's values of its ranked columns;
        # null: every one in the table
        "among": {"anyOf": [{"type": "null"},
                            {"type": "array", "minItems": 1, "items": {"type": "string"}}]},
        "order": {"enum": list(claims.ORDERS)},
        # a corridor's side ("origin", "destination", "pair"), or a table's columns
        "rank_by": {"anyOf": [{"enum": list(claims.RANK_SIDES)},
                              {"type": "array", "minItems": 1, "items": {"type": "string"}}]},
        "where": {"enum": list(claims.WHERE)},
        "than": {"type": "string", "minLength": 1},
    },
    "oneOf": [{"required": ["indicator"]}, {"required": ["measure"]}, {"required": ["record"]},
              {"required": ["table"]}],
    "allOf": [
        {"if": {"required": ["measure"]}, "then": {"required": ["origins", "destinations"]},
         "else": {"required": ["states"]}},
        _when_op("ratio", ["denominator", "denominator_years", "factor"]),
        _when_op("rank", ["among", "order"]),
        _when_op("count", ["where"]),
        {"if": {"required": ["table"]}, "then": {"required": ["select"]}},
    ],
}
_FINDING = {
    "type": "object",
    "required": ["text", "claims"],
    "additionalProperties": False,
    "properties": {"text": {"type": "string", "minLength": 1},
                   "claims": {"type": "array", "items": _CLAIM}},
}
_CHART = {
    "type": "object",
    "required": ["name", "title", "subtitle", "source", "caption", "alt", "files", "claims"],
    "properties": {
        "name": {"type": "string", "pattern": "^[a-z0-9_]+$"},
        "title": {"type": "string", "minLength": 1},
        "subtitle": {"type": "string"},
        "source": {"type": "string", "minLength": 1},
        "caption": {"type": "string", "minLength": 1},
        "alt": {"type": "string", "minLength": 1},
        "files": {"type": "object", "minProperties": 1,
                  "propertyNames": {"enum": ["png", "svg", "pdf"]},
                  "additionalProperties": {"type": "string"}},
        "claims": {"type": "array", "items": _CLAIM},
        # The values drawn, as CSV (analysis.chartdata), and how to cite the chart.
        "data": {"type": "object", "required": ["csv", "rows"], "additionalProperties": False,
                 "properties": {"csv": {"type": "string", "pattern": r"^[^/].*\.csv$"},
                                "rows": {"type": "integer", "minimum": 0}}},
        "citation": {"type": "string", "minLength": 1},
        # On the briefing's main page and in its slide deck (catalogue.Theme.main_charts).
        "main": {"type": "boolean"},
    },
}
_RUN = {
    "status": {"enum": ["ok", "failed", "skipped"]},
    "error": {"type": ["string", "null"]},
    "notebook": {"type": ["string", "null"]},
    "figures": {"type": "array",
                "items": {"type": "string", "pattern": r"^[^/].*\.(png|svg|pdf|csv)$"}},
    "charts": {"type": "array", "items": _CHART},
    "key_figures": {"type": "array", "items": _KEY_FIGURE},
    "findings": {"type": "array", "items": _FINDING},
    "duration_s": {"type": ["number", "null"]},
    "up_to_date": {"type": "boolean"},
}
# One change (analysis.changes): every compared table, with the columns naming its series.
_CHANGE = {
    "type": "object",
    "required": ["dataset", "year", "before", "after", "kind"],
    "properties": {
        "dataset": {"enum": list(changes.DATASETS)},
        **{field: {"type": ["string", "integer", "null"]}
           for table in changes.TABLES for field in table.fields.values()},
        "year": {"type": "integer"},
        "before": {"type": ["number", "null"]},
        "after": {"type": ["number", "null"]},
        "kind": {"enum": list(changes.KINDS)},
        "flag_before": {"type": ["string", "null"]},
        "flag_after": {"type": ["string", "null"]},
    },
    "allOf": [{"if": {"properties": {"dataset": {"const": table.name}}},
               "then": {"required": list(table.fields.values())}} for table in changes.TABLES],
}
# One key message (analysis.keymessages): a finding with its claims, what it is about, how sure
# it is, its source and the chart that shows it.
_KEY_MESSAGE = {
    "type": "object",
    "required": ["text", "claims", "theme", "indicator", "iso3", "year", "flag", "certainty",
                 "source", "evidence"],
    "additionalProperties": False,
    "properties": {
        "text": {"type": "string", "minLength": 1},
        "claims": {"type": "array", "minItems": 1, "items": _CLAIM},
        "theme": {"enum": [t.id for t in catalogue.THEMES]},
        "indicator": {"enum": [i.id for i in catalogue.INDICATORS]},
        "iso3": {"enum": catalogue.state_codes(catalogue.PARTICIPATING)},
        "year": {"type": "integer"},
        "flag": {"enum": ["", "B", "E", "F", "P", "U"]},
        "certainty": {"type": "string", "minLength": 1},
        "source": {"type": "string", "minLength": 1},
        "evidence": {"anyOf": [{"type": "null"}, {
            "type": "string", "pattern": r"^themes/[a-z_]+/index\.html#[a-z0-9_]+$"}]},
    },
}
SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["format", "generated_at", "status", "data_vintage", "options", "themes",
                 "countries", "data_changes", "summary"],
    "properties": {
        "format": {"const": FORMAT},
        "generated_at": {"type": "string", "pattern": r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$"},
        "status": {"enum": ["ok", "failed"]},
        "data_vintage": {
            "type": "object",
            "minProperties": 1,
            "additionalProperties": {
                "type": "object",
                "required": ["provider", "retrieved_at", "last_updated", "latest_year_present",
                             "licence"],
            },
        },
        "options": {"type": "object"},
        "themes": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["id", "title", "paragraphs", "summary", "notebook", "source_notebook",
                             "status", "error", "figures", "charts", "findings",
                             "key_figures"],
                "properties": {
                    "id": {"type": "string"},
                    "title": {"type": "string"},
                    "paragraphs": {"type": "array", "minItems": 1,
                                   "items": {"type": "integer", "minimum": 1, "maximum": 13}},
                    "summary": {"type": "string"},
                    "source_notebook": {"type": "string"},
                    **_RUN,
                },
            },
        },
        # Jumps the build's screen found that no one has reviewed yet (issue 18): published
        # as such, listed under "What is new", never read as real change.
        "unreviewed": {
            "type": "array",
            "items": {"type": "object",
                      "required": ["indicator", "measure", "iso3", "origin_iso3",
                                   "destination_iso3", "year", "reason", "source"],
                      "properties": {"year": {"type": "integer"},
                                     "reason": {"type": "string", "minLength": 1}}},
        },
        # What changed in the data since the last successful report (analysis.changes);
        # `since` null: the first report, nothing to compare with.
        "data_changes": {
            "type": "object",
            "required": ["since", "threshold_pct", "changes"],
            "properties": {"since": {"type": ["string", "null"]},
                           "threshold_pct": {"type": ["number", "null"]},
                           "changes": {"type": "array", "items": _CHANGE}},
        },
        # The briefing's key messages, chosen by rule (analysis.keymessages); `note` says why
        # there are fewer than six (or none), else null.
        "summary": {
            "type": "object",
            "required": ["rule", "key_messages", "note"],
            "additionalProperties": False,
            "properties": {"rule": {"type": "string", "minLength": 1},
                           "key_messages": {"type": "array", "maxItems": 12,
                                            "items": _KEY_MESSAGE},
                           "note": {"type": ["string", "null"]}},
        },
        "countries": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["iso3", "name", "role", "notebook", "status", "error", "figures",
                             "charts", "findings", "key_figures"],
                "properties": {"iso3": {"type": "string", "pattern": "^[A-Z]{3}$"},
                               "name": {"type": "string"}, "role": {"type": "string"},
                               **_RUN},
            },
        },
    },
}


def _utc_now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _run_fields(result, out: Path) -> dict:
    if result is None:
        return {"status": "skipped", "error": None, "notebook": None, "figures": [],
                "charts": [], "findings": [], "key_figures": [], "duration_s": None,
                "up_to_date": False}
    # A run that was up to date did not run this time: its outputs are those of its last
    # successful run, so it is "ok"; `up_to_date` says it was not run again.
    up_to_date = result.status not in ("ok", "failed")
    return {
        "status": "ok" if up_to_date else result.status,
        "error": result.error,
        # A run whose worker process died left no executed notebook: nothing to link to.
        "notebook": (result.output_notebook.relative_to(out).as_posix()
                     if result.output_notebook is not None else None),
        "figures": list(result.figures),
        # A chart recorded before captions had claims has none.
        "charts": [{**chart, "claims": chart.get("claims", [])} for chart in result.charts],
        "findings": list(result.findings),
        "key_figures": list(result.key_figures),
        "duration_s": None if up_to_date else round(result.duration, 1),
        "up_to_date": up_to_date,
    }


def theme_entry(theme_id: str, result, out: Path) -> dict:
    """One theme's entry: the catalogue's description and its run (None: not run)."""
    theme = catalogue.theme(theme_id)
    entry = {"id": theme.id, "title": theme.title, "paragraphs": list(theme.paragraphs),
             "summary": theme.summary, "source_notebook": theme.notebook}
    entry.update(_run_fields(result, out))
    for chart in entry["charts"]:
        chart["main"] = chart["name"] in theme.main_charts
    return entry


def country_entry(iso3: str, result, out: Path) -> dict:
    """One profiled state's entry: its name and role, and its profile's run."""
    state = catalogue.state(iso3)
    entry = {"iso3": iso3, "name": state.name, "role": state.role}
    entry.update(_run_fields(result, out))
    return entry


def build(results, options, vintage: dict, data_changes: dict | None = None,
          unreviewed: list[dict] | None = None) -> dict:
    """The summary of one report run (`results`: TaskResults; themes not run are skipped;
    `data_changes` from analysis.changes.since_last; `unreviewed` from
    analysis.screen.unreviewed_entries)."""
    themes_run = {r.task.id: r for r in results if r.task.kind == "theme"}
    countries_run = {r.task.id: r for r in results if r.task.kind == "country"}
    themes = [theme_entry(theme.id, themes_run.get(theme.id), options.out)
              for theme in catalogue.THEMES]
    countries = [country_entry(iso3, result, options.out)
                 for iso3, result in countries_run.items()]
    failed = any(r.status == "failed" for r in results)
    return {
        "format": FORMAT,
        "generated_at": _utc_now(),
        "status": "failed" if failed else "ok",
        "data_vintage": vintage,
        "options": {
            "themes": list(options.themes),
            "profiles": list(options.profiles),
            "states": list(options.states) if options.states else None,
            "years": list(options.years) if options.years else None,
            "formats": list(options.formats),
        },
        "themes": themes,
        "countries": countries,
        "data_changes": data_changes or {"since": None, "threshold_pct": None, "changes": []},
        "unreviewed": list(unreviewed or []),
    }


def write(data: dict, target: Path) -> None:
    atomic.write_text(target, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
