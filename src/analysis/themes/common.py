"""What the theme modules share: the `Figure` each chart function returns, the meeting year,
and small helpers for years, panels and empty charts."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis import catalogue, plotting
from analysis.claims import Ledger

BASE = catalogue.MEETING_YEAR  # the meeting's year: changes are measured from it
MEETING_MARK = {BASE: f"Meeting ({BASE})"}

# Years of large changes in remittances, marked on charts. The labels are neutral on purpose:
# a year is a year, not a cause (issue 18, defect 10).
REMITTANCE_SHOCKS = {2015: "2015", 2020: "2020", 2022: "2022"}
# Said wherever a change in current US$ is shown: part of it is exchange-rate valuation.
VALUATION_NOTE = ("Changes in current US$ mix in exchange-rate valuation (a transfer worth "
                  "the same in roubles or tenge counts for fewer dollars when that currency "
                  "falls), so they are not changes in what migrants sent in their own "
                  "currency alone.")


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


def superlative(c: Ledger, word: str, *, place: int = 1, **claim) -> str:
    """`word` ("the most", "the highest", "next") as a rank claim (issue 18, defect 10): the
    sentence says it of rank `place`, and the claims check recomputes the rank, so a false
    superlative shows as "rank N" and fails. `claim` names the cells and `among` (claims.py)."""
    return c.rank(place, "superlative", fmt_args={"word": word, "place": place}, **claim)

