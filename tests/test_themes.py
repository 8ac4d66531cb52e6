"""The theme modules without papermill (issue 17): each theme's charts and findings, run for the
default states, for a narrow choice (one state, three years) and for a choice with no data at
all, publish without raising, and every number they state recomputes from the processed tables
(tests/claimcheck.py, independent of the package)."""

from __future__ import annotations

import importlib
import json
import re

import pandas as pd
import pytest
from claimcheck import check_summary

from analysis import catalogue, notebook
from analysis.themes.common import Figure, Finding

THEME_IDS = [t.id for t in catalogue.THEMES]
PROFILE = "country_profile"
CHOICES = {
    "default": {},
    "narrow": {"states": ["TJK"], "first_year": 2019, "last_year": 2021},
    "empty": {"states": ["TKM"], "first_year": 1900, "last_year": 1940},  # before any series
}


def _session(module_id: str, choice: dict, tmp_path):
    common = {"first_year": choice.get("first_year"), "last_year": choice.get("last_year"),
              "output_dir": tmp_path / "out", "formats": ["png"],
              "record_file": tmp_path / "record.json"}
    if module_id == PROFILE:
        return notebook.start_profile((choice.get("states") or ["TJK"])[0], **common)
    return notebook.start_theme(module_id, states=choice.get("states"), **common)


def _run(module_id: str, choice: dict, tmp_path, monkeypatch, built_root) -> dict:
    """Run the module's outputs into a fresh session; return the session's run record."""
    monkeypatch.setenv("ANALYSIS_ROOT", str(built_root.root))
    module = importlib.import_module(f"analysis.themes.{module_id}")
    nb = _session(module_id, choice, tmp_path)
    kinds = []
    for item in module.outputs(nb):
        if isinstance(item, Figure):
            nb.publish(item)
        elif isinstance(item, Finding):
            nb.finding(item)
        else:
            raise AssertionError(f"{module_id}.outputs yielded {type(item).__name__}")
        kinds.append(type(item).__name__)
    assert "Figure" in kinds, f"{module_id}: no chart"
    return json.loads((tmp_path / "record.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("choice", CHOICES, ids=str)
@pytest.mark.parametrize("module_id", THEME_IDS + [PROFILE])
def test_theme_module_runs_and_its_claims_recompute(module_id, choice, tmp_path, monkeypatch,
                                                    built_root):
    record = _run(module_id, CHOICES[choice], tmp_path, monkeypatch, built_root)
    summary = {"themes": [{"id": module_id, "charts": record["figures"],
                           "findings": record["findings"]}]}
    assert check_summary(summary, built_root.processed) == []
    names = [f["name"] for f in record["figures"]]
    assert len(names) == len(set(names)), f"{module_id}: a chart name used twice"
    if module_id != PROFILE:  # the briefing's main charts are charts this theme draws
        main = catalogue.theme(module_id).main_charts
        assert 1 <= len(main) <= 3 and set(main) <= set(names), (module_id, main, names)
    texts = [f[k] for f in record["figures"] for k in ("title", "subtitle", "caption")]
    texts += [f["text"] for f in record["findings"]]
    for text in texts:  # a choice without data must not leak a missing value into the words
        assert not re.search(r"\bNone\b(?! of)|\b(nan|NaN)\b|, ,|; ;|\b0 largest", text), text
    for figure in record["figures"]:
        assert (tmp_path / "out" / figure["files"]["png"]).is_file()
        rows = pd.read_csv(tmp_path / "out" / figure["data"]["csv"], dtype=str)
        assert len(rows) == figure["data"]["rows"]
        if choice == "empty":  # nothing to draw: the chart says so instead of filling in
            assert figure["data"]["rows"] == 0 or figure["name"] == "reentry_bans", \
                (module_id, figure["name"], figure["caption"])
            assert not figure["claims"], (module_id, figure["name"], figure["caption"])


def test_every_theme_and_the_profile_have_a_module():
    for module_id in THEME_IDS + [PROFILE]:
        module = importlib.import_module(f"analysis.themes.{module_id}")
        assert callable(module.outputs), module_id
