"""Named points where a test can kill the process, to prove crash safety (test-only).

``INCIDENTCTL_TEST_CRASH_AT=journal-written`` makes the process SIGKILL itself when it
reaches that step, exactly as a power cut or the OOM killer would; nothing is cleaned up.
The steps (docs/reliability.md, "Crash points"): ``journal-written``, ``folder-made``,
``file-written``, ``files-written``, ``trees-written``, ``committed``. Unset (always, outside
tests), :func:`reached` is one dictionary lookup.
"""

from __future__ import annotations

import os
import signal

ENV = "INCIDENTCTL_TEST_CRASH_AT"
STEPS = (
    "journal-written",
    "folder-made",
    "file-written",
    "files-written",
    "trees-written",
    "committed",
)


def reached(step: str) -> None:
    """Die here with SIGKILL when the test asked for this step."""
    if os.environ.get(ENV) == step:
        os.kill(os.getpid(), signal.SIGKILL)
