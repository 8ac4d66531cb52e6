"""`python -m analysis report` (the report issue builds the notebook runner)."""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)


def main(args) -> int:
    log.info("report: no notebooks yet; `make data` has built data/processed/")
    return 0
