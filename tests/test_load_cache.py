"""The observation notes kept per process (issue 22): a table rebuilt while a notebook reads it
is never kept under the other version's key."""

from __future__ import annotations

import os

import pandas as pd

from analysis import load
from analysis.paths import Paths


def _notes(path, reason: str, mtime_ns: int) -> None:
    row = {"indicator": "remittances_received_pct_gdp", "measure": "", "iso3": "TJK",
           "origin_iso3": "", "destination_iso3": "", "year": 2020, "flag": "E",
           "kind": "estimate", "reason": reason, "source": "test"}
    pd.DataFrame([row], columns=load._NOTE_COLUMNS).to_parquet(path, index=False)
    os.utime(path, ns=(mtime_ns, mtime_ns))  # file versions told apart by their time


def test_a_notes_table_rebuilt_during_a_read_is_read_again(tmp_path, monkeypatch):
    paths = Paths(tmp_path)
    paths.observation_notes.parent.mkdir(parents=True)
    _notes(paths.observation_notes, "first version", 1_000_000_000_000_000_000)
    read = load._read

    def read_then_rebuilt(path, *args, **kwargs):
        frame = read(path, *args, **kwargs)
        if path == paths.observation_notes and "first" in frame["reason"].iloc[0]:
            # the build replaces the table just after this read
            _notes(path, "second version", 2_000_000_000_000_000_000)
        return frame

    monkeypatch.setattr(load, "_read", read_then_rebuilt)
    monkeypatch.setattr(load, "_NOTES_CACHE", {})
    monkeypatch.setattr(load, "_NOTE_TEXTS_CACHE", {})
    first = load.observation_note_texts("indicator", ("iso3", "year"), paths=paths)
    assert first["text"].tolist() == ["estimate: first version"]  # what was read
    again = load.observation_note_texts("indicator", ("iso3", "year"), paths=paths)
    assert again["text"].tolist() == ["estimate: second version"]  # the table there now
    assert load.observation_notes(paths=paths)["reason"].tolist() == ["second version"]
