"""One writer at a time per project root.

`fetch`, `build` and `report` each hold an exclusive lock on `<root>/data/.analysis.lock` while
they run. The lock is an OS file lock (flock): the kernel drops it when the process ends, however
it ends, so a crashed or killed run can never leave it stuck. A second run waits up to `wait`
seconds, then refuses with a message naming the run that holds the lock.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import time
from collections.abc import Iterator

from analysis.errors import AnalysisError
from analysis.paths import Paths

POLL_SECONDS = 0.2


def lock_path(paths: Paths):
    return paths.root / "data" / ".analysis.lock"


@contextlib.contextmanager
def exclusive(paths: Paths, command: str, wait: float = 0.0) -> Iterator[None]:
    path = lock_path(paths)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise AnalysisError(
                        f"{path}: another run is in progress ({_holder(path)}); "
                        f"wait for it to finish or pass --wait SECONDS") from None
                time.sleep(POLL_SECONDS)
        os.ftruncate(fd, 0)
        os.write(fd, json.dumps({"command": command, "pid": os.getpid(),
                                 "started": time.strftime("%Y-%m-%dT%H:%M:%S")}).encode())
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def _holder(path) -> str:
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
        return f"`{info['command']}`, pid {info['pid']}, started {info['started']}"
    except (OSError, ValueError, KeyError):
        return "holder unknown"
