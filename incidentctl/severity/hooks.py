"""Run a configured hook (e.g. the team's pager CLI) with the incident as JSON on stdin.

The command is an argument list from the committed config, never run through a shell,
with a timeout. Its output tail is kept, with anything that looks like a secret redacted.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from incidentctl.models.views import IncidentView

OUTPUT_TAIL = 2000


@dataclass(frozen=True)
class HookResult:
    """How a hook ended."""

    outcome: str  # sent | failed | timeout
    exit_code: int | None
    output: str


def run(command: list[str], view: IncidentView, *, cwd: Path, timeout: float) -> HookResult:
    """Run ``command`` with the incident JSON on stdin; at the timeout its whole process
    group is killed. The output kept is made safe to record (controls shown, secrets
    redacted)."""
    from incidentctl.core import process
    from incidentctl.core.text import clean_output

    payload = json.dumps(view.model_dump(mode="json", by_alias=True)).encode()
    try:
        done = process.run(command, timeout=timeout, cwd=cwd, stdin=payload, keep=4 * OUTPUT_TAIL)
    except OSError as exc:
        return HookResult("failed", None, f"could not start {command[0]!r}: {exc.strerror}")
    output = clean_output(done.output, tail=OUTPUT_TAIL)
    if done.timed_out:
        return HookResult("timeout", None, output)
    return HookResult("sent" if done.exit_code == 0 else "failed", done.exit_code, output)
