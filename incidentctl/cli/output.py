"""Shared CLI plumbing: opening the workspace, JSON to stdout, notes to stderr."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:
    from incidentctl.workspace import Workspace


def workspace(ctx: typer.Context) -> Workspace:
    """The records repo named by ``--repo``/``$INCIDENTCTL_REPO`` or found from cwd."""
    from incidentctl.workspace import Workspace

    return Workspace.open(ctx.obj.repo if ctx.obj else None)


def prefetch_status(ctx: typer.Context) -> None:
    """Let ``git status`` run while a read-only command imports what it needs."""
    from pathlib import Path

    from incidentctl import gitrepo

    explicit = ctx.obj.repo if ctx.obj else None
    gitrepo.prefetch_changes(Path(explicit).expanduser() if explicit else Path.cwd())


def print_json(data: Any) -> None:
    """Data for machines, on stdout."""
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def note(text: str) -> None:
    """A message for people, on stderr."""
    sys.stderr.write(text + "\n")


def data_line(text: str) -> None:
    """One line of data on stdout."""
    sys.stdout.write(text + "\n")
