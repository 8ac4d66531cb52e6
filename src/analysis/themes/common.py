"""What the theme modules share: the `Figure` each chart function returns, the meeting year,
and small helpers for years, panels and empty charts."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis import catalogue, plotting
from analysis.claims import Ledger

BASE = catalogue.MEETING_YEAR  # the meeting's year: changes are measured from it
MEETING_MARK = {BASE: f"Meeting ({BASE})"}

# The shocks to remittances since the meeting, as a sentence names them.
REMITTANCE_SHOCKS = {2015: "rouble's fall", 2020: "pandemic", 2022: "war and sanctions"}


@dataclass
class Figure:
    """One chart ready to publish: the drawn chart, its file name, its finding (the caption)
    with the claims of its numbers, and exactly the rows it draws."""
    chart: plotting.Chart
    name: str
    finding: str
    claims: Ledger | None
    data: pd.DataFrame


@dataclass
class Finding:
    """A finding that belongs to no chart, with the claims of its numbers (None: it states
    no number). `nb.finding(finding)` shows and records it."""
    text: str
    claims: Ledger | None = None


def no_rows() -> pd.DataFrame:
    """The data of a chart that draws nothing."""
    return pd.DataFrame(columns=["series", "unit", "value", "source"])


def latest_year(frame: pd.DataFrame) -> int | None:
    """The latest year with a value in the frame (None if it has none)."""
    present = frame.dropna(subset=["value"])
    return int(present["year"].max()) if not present.empty else None


def dated(title: str, year: int | None) -> str:
    """A chart title with its year, or without one when the choice leaves no data."""
    return title if year is None else f"{title}, {year}"


def hide_spare(chart: plotting.Chart, used: int, *, years_above: bool = False) -> None:
    """Switch off the axes a grid has beyond the `used` panels. With `years_above`, a grid
    that shares its year axis shows the year labels on the panel above each one switched
    off (which would otherwise have none)."""
    panels = list(chart.axes.flat)
    ncols = chart.axes.shape[1]
    for k, ax in enumerate(panels[used:], start=used):
        ax.set_axis_off()
        if years_above and k >= ncols:
            panels[k - ncols].xaxis.set_tick_params(labelbottom=True)
