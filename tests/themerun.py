"""Run one theme module's outputs into a fresh session, as a notebook would (tests only)."""

from __future__ import annotations

import importlib
import json

from analysis import notebook
from analysis.themes.common import Figure


def published_record(module_id: str, tmp_path, monkeypatch, root,
                     state: str | None = None, first_year: int | None = None) -> dict:
    """Publish every Figure and Finding of `analysis.themes.<module_id>` (a country profile for
    `state`) on the project built at `root`, with PNGs only, from `first_year` (None: every
    year); return the session's run record."""
    monkeypatch.setenv("ANALYSIS_ROOT", str(root))
    module = importlib.import_module(f"analysis.themes.{module_id}")
    kw = {"first_year": first_year, "last_year": None, "output_dir": tmp_path / "out",
          "formats": ["png"], "record_file": tmp_path / "record.json"}
    nb = notebook.start_profile(state, **kw) if state else \
        notebook.start_theme(module_id, states=None, **kw)
    for item in module.outputs(nb):
        if isinstance(item, Figure):
            nb.publish(item)
        else:
            nb.finding(item)
    return json.loads((tmp_path / "record.json").read_text(encoding="utf-8"))
