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


def hide_spare(chart: plotting.Chart, used: int) -> None:
    """Switch off the axes a grid has beyond the `used` panels."""
    for ax in list(chart.axes.flat)[used:]:
        ax.set_axis_off()
