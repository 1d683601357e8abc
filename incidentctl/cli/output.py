"""Shared CLI plumbing: opening the workspace, JSON to stdout, notes to stderr."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:
    from collections.abc import Sequence

    from incidentctl.store.bulk import LoadProblem
    from incidentctl.workspace import Workspace


def workspace(ctx: typer.Context) -> Workspace:
    """The records repo named by ``--repo``/``$INCIDENTCTL_REPO`` or found from cwd."""
    from incidentctl.workspace import Workspace

    return Workspace.open(ctx.obj.repo if ctx.obj else None)


def prefetch_status(ctx: typer.Context) -> None:
    """Let ``git status`` run while a read-only command imports what it needs."""
    from pathlib import Path

    from incidentctl.git import gitrepo

    explicit = ctx.obj.repo if ctx.obj else None
    gitrepo.prefetch_changes(Path(explicit).expanduser() if explicit else Path.cwd())


def print_json(data: Any) -> None:
    """Data for machines, on stdout; characters a terminal would act on are \\u-escaped
    (the same JSON value, safe to see)."""
    from incidentctl.core.text import json_safe

    sys.stdout.write(json_safe(json.dumps(data, indent=2, ensure_ascii=False)) + "\n")


def note(text: str) -> None:
    """A message for people, on stderr, with control characters made visible."""
    from incidentctl.core.text import visible

    sys.stderr.write(visible(text) + "\n")


def data_line(text: str) -> None:
    """One line of data on stdout, with control characters made visible."""
    from incidentctl.core.text import visible

    sys.stdout.write(visible(text) + "\n")


def write_text(text: str, *, is_json: bool = False) -> None:
    """Rendered text (a report, a draft) on stdout, with control characters made visible
    (JSON and SARIF get them \\u-escaped instead, which keeps the value)."""
    from incidentctl.core.text import json_safe, visible

    sys.stdout.write(json_safe(text) if is_json else visible(text))


def raise_skipped(problems: Sequence[LoadProblem], repo: str | None = None) -> None:
    """After the output: the records a read skipped, as one error (an ``error:`` line
    each, exit 5) for the boundary to print."""
    if problems:
        from incidentctl.core.errors import RecordError, several

        prefix = f"{repo}: " if repo else ""
        raise several(RecordError, [prefix + p.error.message for p in problems])
