"""Fingerprints of notebook runs: may the report runner skip a run?

A run is up to date when nothing that decides its outputs has changed since its last successful
run, and those outputs are still there. What decides the outputs:

- the notebook's cells (type and source; outputs and metadata a save in JupyterLab adds do not
  count),
- the parameters (canonical JSON), and the content of any input file a parameter names
  (e.g. the analyst's re-entry bans CSV),
- the processed files the notebook read, as its run record lists them (`load` notes every file
  it reads), by sha256,
- the package code the kernel loaded (as the run record lists it) and the chart style, by
  sha256: a change to `plotting.py` changes every figure, a change to `cli.py` none,
- the versions of Python and the libraries that draw and compute (pandas, numpy, matplotlib,
  pyarrow).

The fingerprint is stored beside the outputs, in `<out>/.fingerprints/<run>.json`, after a
successful run only; a failed run removes it. Everything here is cheap (no pandas, no
matplotlib), so that a report with nothing to do finishes in well under two seconds.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import json
import platform
from pathlib import Path

from analysis import atomic

FORMAT = 1
FOLDER = ".fingerprints"
PACKAGE = Path(__file__).resolve().parent
INPUT_FILE_PARAMETERS = ("reentry_bans_csv",)  # parameters that name an input file
LIBRARIES = ("pandas", "numpy", "matplotlib", "pyarrow")


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str | None:
    """The file's sha256, or None if it is missing."""
    try:
        return sha256_bytes(Path(path).read_bytes())
    except FileNotFoundError:
        return None


def canonical(data) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def notebook_digest(path: Path) -> str:
    """sha256 of the notebook's cells (type and source) only."""
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    cells = [[c.get("cell_type"), "".join(c.get("source", ""))] for c in nb.get("cells", [])]
    return sha256_bytes(canonical(cells).encode("utf-8"))


@functools.cache
def library_versions(names: tuple[str, ...]) -> dict[str, str | None]:
    """The installed version of each distribution (None: not installed), read once."""
    versions = {}
    for name in names:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def environment() -> dict:
    return {"python": platform.python_version(), **library_versions(LIBRARIES)}


def _resolve(name: str, base: Path) -> Path:
    path = Path(name)
    return path if path.is_absolute() else base / path


def compute(notebook: Path, parameters: dict, reads: list[str], code: list[str],
            processed: Path) -> dict:
    """The fingerprint of a run of `notebook` with `parameters` that read `reads` (relative to
    `processed`, or absolute) and loaded the package files `code` (relative to the package)."""
    files = {key: sha256_file(Path(parameters[key])) for key in INPUT_FILE_PARAMETERS
             if parameters.get(key)}
    return {
        "format": FORMAT,
        "notebook": notebook_digest(notebook),
        "parameters": sha256_bytes(canonical(parameters).encode("utf-8")),
        "input_files": files,
        "data": {name: sha256_file(_resolve(name, processed)) for name in sorted(reads)},
        "code": {name: sha256_file(PACKAGE / name) for name in sorted(code)},
        "environment": environment(),
    }


def difference(stored: dict, current: dict) -> str | None:
    """Why `current` differs from `stored` (the first reason found), or None if it does not."""
    if stored.get("format") != current["format"]:
        return "fingerprint format changed"
    if stored.get("notebook") != current["notebook"]:
        return "notebook changed"
    if stored.get("parameters") != current["parameters"]:
        return "parameters changed"
    for kind, label in (("input_files", "input file"), ("data", "data"),
                        ("code", "package code")):
        old, new = stored.get(kind, {}), current[kind]
        changed = sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))
        if changed:
            return f"{label} changed: {', '.join(changed)}"
    if stored.get("environment") != current["environment"]:
        return "Python or library versions changed"
    return None


def store_path(out: Path, stem: str) -> Path:
    return out / FOLDER / f"{stem}.json"


def load(out: Path, stem: str) -> dict | None:
    """The stored entry ({"fingerprint", "duration_s"}) of a run, or None."""
    try:
        entry = json.loads(store_path(out, stem).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return entry if isinstance(entry, dict) and "fingerprint" in entry else None


def save(out: Path, stem: str, fingerprint: dict, duration_s: float) -> None:
    entry = {"fingerprint": fingerprint, "duration_s": round(duration_s, 2)}
    atomic.write_text(store_path(out, stem), json.dumps(entry, indent=1, sort_keys=True) + "\n")


def forget(out: Path, stem: str) -> None:
    store_path(out, stem).unlink(missing_ok=True)
