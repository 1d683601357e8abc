"""Spread a bulk read over the machine's cores (see docs/decisions/0008).

Reading and validating 100,000 record files is CPU-bound and every incident stands alone,
so a large read is split into shares: forked workers take all shares but the first, this
process takes the first, and the workers' results come back pickled through a pipe. A
worker that fails for any reason has its share done again here, so the answer never
depends on whether the split worked. Small reads, systems without ``fork``, a process
running threads (the alert receiver), and ``INCIDENTCTL_JOBS=1`` stay in one process.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import sys
import threading
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

MIN_PER_WORKER = 500  # below this, forking costs more than it saves


def jobs(items: int) -> int:
    """How many processes share ``items`` pieces of work."""
    if not hasattr(os, "fork") or sys.platform != "linux" or threading.active_count() > 1:
        return 1  # fork only where it is cheap, and only from a single-threaded process
    wanted = os.environ.get("INCIDENTCTL_JOBS", "")
    if wanted.isdigit() and int(wanted) > 0:  # as asked, whatever the size
        return max(1, min(int(wanted), items))
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return max(1, min(cores, 8, items // MIN_PER_WORKER))


def map_shares(work: Callable[[list[T]], R], items: Sequence[T]) -> list[R]:
    """``work`` applied to consecutive shares of ``items``, in order."""
    count = jobs(len(items))
    if count == 1:
        return [work(list(items))]
    size = -(-len(items) // count)
    shares = [list(items[i : i + size]) for i in range(0, len(items), size)]
    workers: list[tuple[int, int]] = []
    for share in shares[1:]:
        read_end, write_end = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # the worker: compute, send, and leave without any cleanup
            status = 1
            try:
                os.close(read_end)
                data = pickle.dumps(work(share), protocol=pickle.HIGHEST_PROTOCOL)
                with os.fdopen(write_end, "wb") as sink:
                    sink.write(data)
                status = 0
            finally:
                os._exit(status)
        os.close(write_end)
        workers.append((pid, read_end))
    pipes = [os.fdopen(read_end, "rb") for _, read_end in workers]
    try:
        results: list[R] = [work(shares[0])]
        for share, (pid, _), pipe in zip(shares[1:], workers, pipes, strict=True):
            data = pipe.read()
            _, status = os.waitpid(pid, 0)
            try:
                if os.waitstatus_to_exitcode(status) != 0:
                    raise ValueError("worker failed")
                results.append(pickle.loads(data))
            except Exception:
                results.append(work(share))
        return results
    finally:  # on an interrupt too: no worker outlives this call
        for pipe in pipes:
            pipe.close()
        for pid, _ in workers:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
