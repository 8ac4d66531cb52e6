"""Progress of one step (a source's fetch, the report's notebooks): a tqdm bar while it runs on
a terminal (cleared when done, leaving the step's log lines); nothing but those lines otherwise,
so scheduled jobs and CI get plain logs."""

from __future__ import annotations

import sys

from tqdm import tqdm


def on_terminal() -> bool:
    return sys.stderr.isatty()


class Progress:
    """Steps of one job (requests, downloads, notebooks); shows a bar only when `enabled`."""

    def __init__(self, desc: str, total: int | None, enabled: bool, unit: str = "req"):
        self.enabled = enabled
        self._bar = tqdm(total=total, desc=desc, unit=unit, leave=False,
                         file=sys.stderr, dynamic_ncols=True) if enabled else None

    def step(self, note: str = "", n: int = 1) -> None:
        if self._bar is not None:
            if note:
                self._bar.set_postfix_str(note, refresh=False)
            self._bar.update(n)

    def grow(self, n: int) -> None:
        """More steps than planned (further pages) were found."""
        if self._bar is not None and n > 0:
            self._bar.total = (self._bar.total or 0) + n
            self._bar.refresh()

    def close(self, note: str = "") -> None:
        if self._bar is not None:
            if note:
                self._bar.set_postfix_str(note, refresh=False)
            self._bar.close()
