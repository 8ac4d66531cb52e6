"""Log levels for the command line: --quiet keeps warnings, errors and one summary line per step
(what a scheduler's log needs); the default also shows a line per source or notebook."""

from __future__ import annotations

import logging

SUMMARY = 25  # between INFO and WARNING
logging.addLevelName(SUMMARY, "SUMMARY")


def summary(logger: logging.Logger, message: str, *args) -> None:
    """The one line a step ends with, shown even with --quiet."""
    logger.log(SUMMARY, message, *args)
