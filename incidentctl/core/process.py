"""Run a hook or runbook command with a deadline that holds.

The command runs without a shell in a new session. At the deadline the whole process
group is killed; output is read only until the command exits (plus a short grace for the
pipe to drain), so a background child that keeps stdout open, or a grandchild that left
the process group, never keeps us waiting.
"""

from __future__ import annotations

import contextlib
import os
import selectors
import signal
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

DRAIN_GRACE_S = 0.3


@dataclass(frozen=True)
class Finished:
    """How a bounded command ended: ``exit_code`` is None when it timed out."""

    timed_out: bool
    exit_code: int | None
    output: bytes


def _feed(proc: subprocess.Popen[bytes], data: bytes) -> None:
    assert proc.stdin is not None
    with contextlib.suppress(OSError):
        proc.stdin.write(data)
    with contextlib.suppress(OSError):
        proc.stdin.close()


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except OSError:
        with contextlib.suppress(OSError):
            proc.kill()


def run(
    argv: list[str], *, timeout: float, cwd: Path, stdin: bytes | None = None, keep: int = 65536
) -> Finished:
    """Run ``argv``; stdout and stderr together, the last ``keep`` bytes of them.

    Raises :class:`OSError` when the command cannot be started.
    """
    proc = subprocess.Popen(
        argv,
        cwd=cwd,
        stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    if stdin is not None:
        threading.Thread(target=_feed, args=(proc, stdin), daemon=True).start()
    assert proc.stdout is not None
    fd = proc.stdout.fileno()
    deadline = time.monotonic() + timeout
    exited_at: float | None = None
    out = bytearray()
    timed_out = False
    with selectors.DefaultSelector() as selector:
        selector.register(fd, selectors.EVENT_READ)
        while True:
            now = time.monotonic()
            if exited_at is None and proc.poll() is not None:
                exited_at = now
            if exited_at is not None and now >= exited_at + DRAIN_GRACE_S:
                break  # exited; whatever still holds the pipe is not waited for
            if exited_at is None and now >= deadline:
                timed_out = True
                break
            wait = min(0.05, max(0.0, deadline - now))
            if selector.select(wait):
                chunk = os.read(fd, 1 << 16)
                if not chunk:
                    if proc.poll() is None:
                        try:
                            proc.wait(max(0.0, deadline - time.monotonic()))
                        except subprocess.TimeoutExpired:
                            timed_out = True
                    break
                out += chunk
                if len(out) > 2 * keep:
                    del out[:-keep]
    if timed_out:
        _kill_group(proc)
    proc.stdout.close()
    code = proc.wait()
    return Finished(timed_out, None if timed_out else code, bytes(out[-keep:]))
