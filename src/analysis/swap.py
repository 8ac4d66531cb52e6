"""Replace a whole folder at once, and put things right after a run that was killed.

`replace_dir(target)` yields a staging folder beside `target`; on success the old folder is
renamed aside, the staging folder renamed into place, and the old one deleted. The only moment a
reader could miss the folder is between two renames on the same file system; `recover()` (run at
the start of every fetch/build/report, under the project lock) restores the previous folder if a
run died right there, and deletes staging folders that dead runs left behind.
"""

from __future__ import annotations

import contextlib
import logging
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from analysis.paths import Paths

log = logging.getLogger(__name__)

KEEP = ".gitkeep"  # the repository tracks empty data folders with this file


def _staging_prefix(target: Path) -> str:
    return f".{target.name}.new-"


def _old_prefix(target: Path) -> str:
    return f".{target.name}.old-"


@contextlib.contextmanager
def replace_dir(target: Path) -> Iterator[Path]:
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=_staging_prefix(target), dir=target.parent))
    try:
        yield staging
        if (target / KEEP).exists():
            (staging / KEEP).touch()
        staging.chmod(0o755)
        old = None
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=_old_prefix(target), dir=target.parent))
            old.rmdir()
            target.rename(old)
        staging.rename(target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def recover_dir(target: Path) -> None:
    """Undo what a killed `replace_dir` left: restore the old folder if the new one never
    arrived; drop staging and old copies."""
    parent = target.parent
    if not parent.is_dir():
        return
    olds = sorted(parent.glob(_old_prefix(target) + "*"))
    if not target.exists() and olds:
        olds[-1].rename(target)
        log.warning("recovered %s from an interrupted run", target)
        olds = olds[:-1]
    for leftover in [*parent.glob(_staging_prefix(target) + "*"), *olds]:
        shutil.rmtree(leftover, ignore_errors=True)


def recover(paths: Paths) -> None:
    from analysis import providers

    for provider_id in providers.IDS:
        recover_dir(paths.raw / provider_id)
    recover_dir(paths.processed)
