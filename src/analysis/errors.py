"""Errors a user can act on. The CLI prints their message as one line and exits non-zero."""

from __future__ import annotations


class AnalysisError(Exception):
    """A problem with input, parameters or environment that the user can fix."""


class DataError(AnalysisError):
    """Bad data in a file: names the file, and where known the column, row and value."""

    def __init__(self, path, problem: str, *, column: str | None = None,
                 row: int | None = None, value=None, hint: str | None = None):
        self.path = str(path)
        self.problem = problem
        self.column = column
        self.row = row
        self.value = value
        self.hint = hint
        parts = [self.path]
        if row is not None:
            parts.append(f"row {row}")
        if column is not None:
            parts.append(f"column {column!r}")
        message = ", ".join(parts) + f": {problem}"
        if value is not None:
            message += f" (found {value!r})"
        if hint:
            message += f"; {hint}"
        super().__init__(message)

    def at(self, path) -> DataError:
        """The same error, naming another path (the file the user can open)."""
        return DataError(path, self.problem, column=self.column, row=self.row,
                         value=self.value, hint=self.hint)
