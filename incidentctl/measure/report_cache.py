"""Whole reports cached by the exact committed state they were computed from.

A report is reused only when every records repo is clean (``git status`` shows nothing
under the record folders or the config) and its commit, the request, the window and the
day are the same — or when the commits since the last stored answer to the same question
change nothing a report reads (:mod:`incidentctl.measure.report_reuse`). Stored under the
git dir; safe to delete; a broken file is a miss.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import pickle
from datetime import date, datetime
from pathlib import Path
from typing import Any

from incidentctl.git import gitrepo
from incidentctl.models.report import Report
from incidentctl.store import transaction
from incidentctl.workspace import Workspace

WATCHED = ("incidents", "actions", "alerts", "runbooks", ".incidentctl.yaml")
KEEP = 8
STAMP = '"@generated_at@"'  # where the time the report is printed goes


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
    changed = gitrepo.changes(ws.root)
    if changed is None or any(gitrepo.under(rel, w) for rel in changed for w in WATCHED):
        return None
    head = gitrepo.run(["rev-parse", "--verify", "--quiet", "HEAD"], ws.root, check=False)
    return head.stdout.strip() or None


def key(states: list[str], request: Any, window: Any, today: date) -> str:
    from incidentctl.core.build import identity

    text = repr((identity(), states, request, window, today.isoformat()))
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()


def question(request: Any, window: Any, today: date) -> str:
    """The report asked for, whatever the records' state (what :func:`key` adds to)."""
    return key([], request, window, today)


def last_answer(ws: Workspace, asked: str) -> tuple[str, str] | None:
    """The commit and key of the last report stored for ``asked``, if any."""
    try:
        found = json.loads((_folder(ws) / "answers.json").read_text(encoding="utf-8"))[asked]
        commit, name = str(found[0]), str(found[1])
    except Exception:
        return None
    return commit, name


def remember(ws: Workspace, asked: str, commit: str, name: str) -> None:
    """Note that ``name`` answers ``asked`` at ``commit`` (the newest few are kept)."""
    file = _folder(ws) / "answers.json"
    try:
        known = json.loads(file.read_text(encoding="utf-8"))
        assert isinstance(known, dict)
    except Exception:
        known = {}
    known.pop(asked, None)
    known[asked] = [commit, name]
    with contextlib.suppress(OSError):
        file.parent.mkdir(parents=True, exist_ok=True)
        tmp = file.with_name(f".answers.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(dict(list(known.items())[-4 * KEEP :])), encoding="utf-8")
        os.replace(tmp, file)


def alias(ws: Workspace, old: str, new: str) -> bool:
    """Store report ``old`` under ``new`` too (the records changed nothing it reads)."""
    folder = _folder(ws)
    try:
        for suffix in (".pickle", ".json"):
            target = folder / f"report-{new}{suffix}"
            target.unlink(missing_ok=True)
            os.link(folder / f"report-{old}{suffix}", target)
            os.utime(target)
    except OSError:
        return False
    return True


def _folder(ws: Workspace) -> Path:
    return transaction.state_dir(ws.layout) / "cache"


def get(ws: Workspace, name: str) -> Report | None:
    try:
        with (_folder(ws) / f"report-{name}.pickle").open("rb") as handle:
            value = pickle.load(handle)
    except Exception:
        return None
    return value if isinstance(value, Report) else None


def get_json(ws: Workspace, name: str, now: datetime) -> str | None:
    """The cached report as ``--format json`` prints it, stamped ``now``; None unless the
    stored text is intact (its first line is the SHA-256 of the rest)."""
    try:
        data = (_folder(ws) / f"report-{name}.json").read_bytes()
        digest, body = data.split(b"\n", 1)
        if hashlib.sha256(body).hexdigest().encode() != digest:
            return None
        head, tail = body.decode("utf-8").split(STAMP, 1)
    except (OSError, ValueError):
        return None
    return head + pydantic_json(now) + tail


def json_text(report: Report) -> str:
    """``--format json`` without ``--explain``: the per-incident rows are left out."""
    return report.model_dump_json(indent=2, by_alias=True, exclude={"rows", "definitions"}) + "\n"


def put(ws: Workspace, name: str, report: Report) -> None:
    folder = _folder(ws)
    with contextlib.suppress(OSError, ValueError):
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f".report-{name}.{os.getpid()}.tmp"
        with tmp.open("wb") as handle:
            pickle.dump(report, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, folder / f"report-{name}.pickle")
        head, tail = json_text(report).split(pydantic_json(report.generated_at), 1)
        body = (head + STAMP + tail).encode("utf-8")  # the stamp is the first field
        tmp.write_bytes(hashlib.sha256(body).hexdigest().encode() + b"\n" + body)
        os.replace(tmp, folder / f"report-{name}.json")
        old = sorted(folder.glob("report-*.pickle"), key=lambda p: p.stat().st_mtime)
        for stale in old[:-KEEP]:
            stale.unlink(missing_ok=True)
            stale.with_suffix(".json").unlink(missing_ok=True)


def pydantic_json(value: datetime) -> str:
    import pydantic_core

    return pydantic_core.to_json(value).decode()
