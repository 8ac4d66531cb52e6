"""What each raw file must hold, and a reader that checks it.

Raw files keep the providers' own layout (the snapshot's, see its README). Each provider module
(analysis.providers.<id>) declares a `RawSpec` for each of its files. Reading goes through
`read_raw`, which refuses a file with a missing column, text in a numeric column, a negative
count, an implausible year, an unknown country code or a duplicated key, naming the file, the
column and the row (as a spreadsheet numbers it: the header is row 1, the first record row 2).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis import catalogue, countries, providers
from analysis.errors import DataError
from analysis.paths import Paths

MIN_YEAR = catalogue.FIRST_YEAR


@dataclass(frozen=True)
class RawSpec:
    provider: str
    name: str
    text_columns: tuple[str, ...]
    numeric_columns: tuple[str, ...]  # floats; blank (or a missing marker) is NaN
    key: tuple[str, ...] = ()  # unique together
    nonnegative: tuple[str, ...] = ()  # counts
    iso3_columns: tuple[str, ...] = ()  # checked against known codes
    iso3_list_columns: tuple[str, ...] = ()  # comma-separated lists of codes
    year_column: str | None = "year"
    missing_markers: tuple[str, ...] = ("",)
    # For panels of countries: every catalogue state must appear in one of these columns.
    covers_states: tuple[str, ...] = ()
    # A long file of series (World Bank): the column holding each row's series code, whose
    # values must lie within the catalogue indicator's bounds.
    series_column: str | None = None
    # How far past the current year a year may lie: 1 for observations, to 2100 for projections.
    years_ahead: int = 1
    # Codes this file may carry in its iso3 columns besides countries (WDI's aggregates).
    other_codes: tuple[str, ...] = ()
    # A provider's own checks of the read frame (path, checked frame, frame as read), for what
    # the fields above cannot say (a quarter's form); raises DataError naming column and row.
    extra_check: Callable[[Path, pd.DataFrame, pd.DataFrame], None] | None = None

    @property
    def columns(self) -> tuple[str, ...]:
        return self.text_columns + self.numeric_columns


@dataclass
class RawData:
    """Checked raw frames of data/raw, read once each on first use."""

    paths: Paths
    _frames: dict = field(default_factory=dict)

    def path(self, provider: str, name: str) -> Path:
        return self.paths.raw_file(provider, name)

    def has(self, provider: str, name: str) -> bool:
        return self.path(provider, name).is_file()

    def get(self, provider: str, name: str) -> pd.DataFrame:
        key = (provider, name)
        if key not in self._frames:
            self._frames[key] = read_raw(self.path(provider, name),
                                         providers.get(provider).raw_spec(name))
        return self._frames[key]


def _line(index_label) -> int:
    return int(index_label) + 2  # +1 for the header, +1 for 1-based lines


def read_raw(path: Path, raw_spec: RawSpec) -> pd.DataFrame:
    """Read and check one raw CSV. Text columns stay str; numeric columns become float64."""
    path = Path(path)
    if not path.is_file():
        raise DataError(path, "file not found", hint="run `python -m analysis fetch` first")
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise DataError(path, f"not a readable CSV file: {exc}") from None
    frame.columns = [c.strip() for c in frame.columns]

    missing = [c for c in raw_spec.columns if c not in frame.columns]
    if missing:
        raise DataError(path, f"missing column(s) {', '.join(map(repr, missing))}; "
                              f"found {', '.join(frame.columns)}")

    out = pd.DataFrame(index=frame.index)
    for col in raw_spec.text_columns:
        out[col] = frame[col].str.strip()
    for col in raw_spec.numeric_columns:
        out[col] = _to_number(path, frame[col], col, raw_spec.missing_markers)

    for col in raw_spec.nonnegative:
        bad = out.index[out[col] < 0]
        if len(bad):
            row = bad[0]
            raise DataError(path, f"negative count ({len(bad)} row(s))", column=col,
                            row=_line(row), value=frame.at[row, col])
    if raw_spec.year_column:
        _check_years(path, out, frame, raw_spec.year_column, raw_spec.years_ahead)
    for col in raw_spec.iso3_columns:
        _check_codes(path, out[col], col, frame, raw_spec.other_codes)
    for col in raw_spec.iso3_list_columns:
        codes = out[col].str.split(",").explode().str.strip()
        _check_codes(path, codes, col, frame, raw_spec.other_codes)
    _check_coverage(path, out, raw_spec.covers_states)
    if raw_spec.series_column:
        _check_series_bounds(path, out, frame, raw_spec)
    if raw_spec.extra_check is not None:
        raw_spec.extra_check(path, out, frame)
    if raw_spec.key:
        dup = out.duplicated(list(raw_spec.key), keep="first")
        if dup.any():
            row = out.index[dup][0]
            key = ", ".join(f"{k}={out.at[row, k]}" for k in raw_spec.key)
            raise DataError(path, f"duplicated key ({key}); each key must appear once",
                            column="+".join(raw_spec.key), row=_line(row))
    return out


def _to_number(path: Path, raw: pd.Series, col: str, markers: tuple[str, ...]) -> pd.Series:
    text = raw.str.strip()
    is_missing = text.isin(markers)
    numbers = pd.to_numeric(text.where(~is_missing), errors="coerce")
    bad = numbers.isna() & ~is_missing
    if bad.any():
        row = raw.index[bad][0]
        raise DataError(path, f"not a number ({int(bad.sum())} row(s))", column=col,
                        row=_line(row), value=raw.at[row])
    return numbers.astype("float64")


def _check_years(path: Path, out: pd.DataFrame, frame: pd.DataFrame, col: str,
                 years_ahead: int = 1) -> None:
    years = out[col]
    last = dt.date.today().year + years_ahead
    bad = years.isna() | (years % 1 != 0) | (years < MIN_YEAR) | (years > last)
    if bad.any():
        row = out.index[bad][0]
        raise DataError(path, f"implausible year (expected a whole year {MIN_YEAR}-{last})",
                        column=col, row=_line(row), value=frame.at[row, col])


def _check_codes(path: Path, codes: pd.Series, col: str, frame: pd.DataFrame,
                 other_codes: tuple[str, ...] = ()) -> None:
    known = countries.known_codes() | frozenset(other_codes)
    present = codes[codes != ""]
    bad = ~present.isin(known)
    if bad.any():
        row = present.index[bad][0]
        raise DataError(path, "unknown country code", column=col, row=_line(row),
                        value=frame.at[row, col],
                        hint="expected ISO 3166 alpha-3 or a provider code listed in the catalogue")


def _check_coverage(path: Path, frame: pd.DataFrame, columns: tuple[str, ...]) -> None:
    if not columns:
        return
    present = set().union(*(set(frame[col].unique()) for col in columns))
    for state in catalogue.STATES:
        if state.iso3 not in present:
            raise DataError(path, f"catalogue state {state.iso3} ({state.name}) does not appear "
                                  "in this source", column="/".join(columns),
                            hint="check the state's code in src/analysis/catalogue.py or the "
                                 "provider's file")


def out_of_bounds(ind: catalogue.Indicator, values: pd.Series) -> pd.Series:
    """True where a value breaks the indicator's bounds (negative count, share over 100)."""
    bad = pd.Series(False, index=values.index)
    if ind.min_value is not None:
        bad |= values < ind.min_value
    if ind.max_value is not None:
        bad |= values > ind.max_value
    return bad


def _check_series_bounds(path: Path, out: pd.DataFrame, frame: pd.DataFrame,
                         raw_spec: RawSpec) -> None:
    """Series the catalogue uses from this provider must lie within their bounds."""
    for ind in catalogue.INDICATORS:
        if ind.provider != raw_spec.provider:
            continue
        values = out.loc[out[raw_spec.series_column] == ind.code, "value"]
        bad = out_of_bounds(ind, values)
        if bad.any():
            row = values.index[bad][0]
            raise DataError(path, f"{ind.code} ({ind.id}) outside [{ind.min_value}, "
                                  f"{ind.max_value}]", column="value", row=_line(row),
                            value=frame.at[row, "value"])
