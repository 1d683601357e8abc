"""Whole reports cached by the exact committed state they were computed from.

A report is reused only when every records repo is clean (``git status`` shows nothing
under the record folders or the config) and its commit, the request, the window and the
day are the same. Stored under the git dir; safe to delete; a broken file is a miss.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
from datetime import date
from pathlib import Path
from typing import Any

from incidentctl import __version__, gitrepo
from incidentctl.models.report import Report
from incidentctl.store import transaction
from incidentctl.workspace import Workspace

WATCHED = ("incidents", "actions", "alerts", "runbooks", ".incidentctl.yaml")
KEEP = 8


def state(ws: Workspace, as_of: str | None) -> str | None:
    """The commit the records come from, or None when the working tree has changes."""
    if as_of is not None:
        proc = gitrepo.run(
            [
                "rev-parse",
                "--verify",
                "--quiet",
                "--end-of-options",
                f"{gitrepo.safe_rev(as_of)}^{{commit}}",
            ],
            ws.root,
            check=False,
        )
        return proc.stdout.strip() or None
    status = gitrepo.run(
        ["status", "--porcelain", "-z", "--untracked-files=all", "--", *WATCHED],
        ws.root,
        check=False,
    )
    if status.returncode != 0 or status.stdout:
        return None
    head = gitrepo.run(["rev-parse", "--verify", "--quiet", "HEAD"], ws.root, check=False)
    return head.stdout.strip() or None


def key(states: list[str], request: Any, window: Any, today: date) -> str:
    text = repr((__version__, states, request, window, today.isoformat()))
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()


def _folder(ws: Workspace) -> Path:
    return transaction.state_dir(ws.layout) / "cache"


def get(ws: Workspace, name: str) -> Report | None:
    try:
        with (_folder(ws) / f"report-{name}.pickle").open("rb") as handle:
            value = pickle.load(handle)
    except Exception:
        return None
    return value if isinstance(value, Report) else None


def put(ws: Workspace, name: str, report: Report) -> None:
    folder = _folder(ws)
    with contextlib.suppress(OSError):
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f".report-{name}.{os.getpid()}.tmp"
        with tmp.open("wb") as handle:
            pickle.dump(report, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, folder / f"report-{name}.pickle")
        old = sorted(folder.glob("report-*.pickle"), key=lambda p: p.stat().st_mtime)
        for stale in old[:-KEEP]:
            stale.unlink(missing_ok=True)
