"""One advisory lock per clone around write + ``git add`` + ``git commit``.

Kept under the git dir (never committed). Processes queue on it, so twenty responders'
commands in one clone never race for git's ``index.lock``.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from incidentctl.core.errors import EnvironmentProblem

LOCK_TIMEOUT_ENV = "INCIDENTCTL_LOCK_TIMEOUT"


@contextmanager
def clone_lock(state_dir: Path, timeout: float | None = None) -> Iterator[None]:
    """Hold the clone's lock; wait up to ``timeout`` seconds (default 60) for it."""
    import fcntl

    if timeout is None:
        timeout = float(os.environ.get(LOCK_TIMEOUT_ENV, "60"))
    state_dir.mkdir(parents=True, exist_ok=True)
    path = state_dir / "lock"
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + timeout
        delay = 0.005
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise EnvironmentProblem(
                        f"another incidentctl command has held {path} for {timeout:.0f}s",
                        hint="wait for it to finish, or find it with: fuser " + str(path),
                    ) from None
                time.sleep(delay)
                delay = min(delay * 2, 0.1)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
