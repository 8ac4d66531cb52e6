"""CSV files a spreadsheet can open safely: text cells never become formulas.

Excel, LibreOffice and Google Sheets run a cell that starts with `=`, `+`, `-` or `@` as a
formula (and a leading tab or carriage return can hide such a start), so a label fetched from a
provider or an analyst's `source` reading `=HYPERLINK(...)` would be run on an official's
machine. As OWASP recommends ("CSV Injection"), such a text cell gets a leading `'`, which the
spreadsheet shows as text. Numbers are left alone: numeric columns are not touched, and a text
cell that is a plain number (`-12.5`, `+3`) is no formula either.

Every CSV the report writes goes through `csv_text`.
"""

from __future__ import annotations

import re

import pandas as pd

# What a spreadsheet may read as the start of a formula (OWASP: = + - @ tab carriage return).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A cell that is just a number is shown as that number, never run.
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def neutralise_cell(value):
    """`value` as a spreadsheet shows it as text: `'` before a text that would be a formula;
    anything else (numbers, blanks, plain numbers written as text) unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_START) \
            and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` whose text cells cannot run as formulas (see `neutralise_cell`);
    numeric columns are kept as they are."""
    out = frame.copy()
    out.columns = [neutralise_cell(c) for c in out.columns]
    for column in out.columns:
        if not pd.api.types.is_numeric_dtype(out[column]):
            out[column] = out[column].map(neutralise_cell, na_action="ignore")
    return out


def csv_text(frame: pd.DataFrame) -> str:
    """`frame` as CSV text (no index) with every text cell neutralised.

    Lines end in CRLF, as RFC 4180 has it: Python's writer then quotes a cell holding a lone
    carriage return too (with `\\n` line ends it does not, and the reader would split the row
    there, starting a new line with whatever follows the CR, a formula included)."""
    return neutralise(frame).to_csv(index=False, lineterminator="\r\n")
