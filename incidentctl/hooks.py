"""Run a configured hook (e.g. the team's pager CLI) with the incident as JSON on stdin.

The command is an argument list from the committed config, never run through a shell,
with a timeout. Its output tail is kept, with anything that looks like a secret redacted.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

from incidentctl.models.views import IncidentView
from incidentctl.secretscan import RULES

OUTPUT_TAIL = 2000


@dataclass(frozen=True)
class HookResult:
    """How a hook ended."""

    outcome: str  # sent | failed | timeout
    exit_code: int | None
    output: str


def redact(text: str) -> str:
    """``text`` with every secret-looking span replaced."""
    for rule in RULES:
        text = rule.pattern.sub(f"[redacted {rule.id}]", text)
    return text


def run(command: list[str], view: IncidentView, *, cwd: Path, timeout: float) -> HookResult:
    """Run ``command`` with the incident JSON on stdin."""
    payload = json.dumps(view.model_dump(mode="json", by_alias=True))
    try:
        proc = subprocess.run(
            command,
            input=payload,
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=cwd,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        out = (
            exc.stdout
            if isinstance(exc.stdout, str)
            else (exc.stdout or b"").decode("utf-8", "replace")
        )
        return HookResult("timeout", None, redact(out[-OUTPUT_TAIL:]))
    except OSError as exc:
        return HookResult("failed", None, f"could not start {command[0]!r}: {exc.strerror}")
    output = (proc.stdout + proc.stderr)[-OUTPUT_TAIL:]
    return HookResult("sent" if proc.returncode == 0 else "failed", proc.returncode, redact(output))
