"""Step timers for one notebook run, installed inside its kernel by `report_profile.py`.

    import stepclock; stepclock.install()
    ... the notebook's cells ...
    stepclock.report()  # {step: seconds}, exclusive: a step's time excludes the steps it calls

`install` starts the count again; in a kernel that serves several runs it wraps the package's
fresh modules of each run, and matplotlib's functions once.

Each step is a package (or matplotlib) function wrapped with a timer. Time is exclusive, so the
steps add up to the time the cells took; whatever no timer covers (the theme module's
computations and the drawing with matplotlib) is what remains. The wrappers change nothing that
the functions do.
"""

from __future__ import annotations

import functools
import time

_totals: dict[str, float] = {}
_stack: list[list] = []  # [step, started, time spent in nested steps]


def _timed(step, function):
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        name = step(args, kwargs) if callable(step) else step
        frame = [name, time.perf_counter(), 0.0]
        _stack.append(frame)
        try:
            return function(*args, **kwargs)
        finally:
            _stack.pop()
            spent = time.perf_counter() - frame[1]
            _totals[name] = _totals.get(name, 0.0) + spent - frame[2]
            if _stack:
                _stack[-1][2] += spent
    wrapper.stepclock = True
    return wrapper


def _wrap(owner, attribute: str, step) -> None:
    function = getattr(owner, attribute)
    if not getattr(function, "stepclock", False):  # a kernel that serves several runs
        setattr(owner, attribute, _timed(step, function))


def _savefig_step(args, kwargs) -> str:
    return f"savefig {kwargs.get('format', '?')}"


def install() -> None:
    """Wrap the steps of a notebook run: data loading, claims, chart data and CSV, each
    figure format, the run record and the notebook display."""
    from matplotlib.backends import _backend_pdf_ps
    from matplotlib.figure import Figure

    from analysis import chartdata, claims, csvsafe, load, notebook, plotting

    _totals.clear()

    for name in ("_read", "vintage"):
        _wrap(load, name, "data loading")
    for name in ("claim", "check", "to_list"):
        _wrap(claims.Ledger, name, "claims")
    for name in ("tidy", "check_drawn", "citation"):
        _wrap(chartdata, name, "chart data (tidy, check, citation)")
    _wrap(csvsafe, "csv_text", "CSV")
    _wrap(plotting, "chart_defects", "chart checks")
    _wrap(Figure, "savefig", _savefig_step)
    # Inside "savefig pdf": subsetting and writing the embedded fonts (fontTools).
    for name in ("get_glyphs_subset", "font_as_file"):
        _wrap(_backend_pdf_ps, name, "pdf font subsets")
    _wrap(notebook.Session, "_write_record", "run record")
    for name in ("_show_saved", "_show_markdown"):
        _wrap(notebook, name, "notebook display")


def report() -> dict[str, float]:
    return dict(_totals)
