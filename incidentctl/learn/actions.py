"""Action items: one file each under ``actions/``, tracked until they ship.

Owners and due dates are required; the due date defaults to the severity policy's window.
State changes rewrite the file with the round-trip writer, keeping human edits.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from incidentctl.core.errors import InvalidStateError, NotFoundError, RecordError, UsageError
from incidentctl.core.ids import ALPHABET, resolve_prefix
from incidentctl.models.review import ACTION_ID_PATTERN, ActionRecord, ActionView
from incidentctl.store import transaction
from incidentctl.store.atomic import read_bytes
from incidentctl.store.records import parse_bytes
from incidentctl.store.validation import problems
from incidentctl.workspace import Workspace
from incidentctl.yamlio.emit import render_record

ACTION_ID = re.compile(ACTION_ID_PATTERN[1:-1])
TYPES = ("detective", "preventive", "corrective", "mitigative")
PRIORITIES = ("high", "medium", "low")
URL = re.compile(r"https?://[^\s<>\"']{3,2000}")


def new_action_id() -> str:
    """``a`` and six random base-32 characters."""
    return "a" + "".join(secrets.choice(ALPHABET) for _ in range(6))


def action_path(ws: Workspace, action_id: str) -> Path:
    if not ACTION_ID.fullmatch(action_id):
        raise UsageError(f"invalid action id {action_id!r}")
    return ws.root / "actions" / f"{action_id}.md"


def action_ids(ws: Workspace) -> list[str]:
    folder = ws.root / "actions"
    try:
        entries = os.scandir(folder)
    except FileNotFoundError:
        return []
    with entries:
        return [
            e.name[:-3]
            for e in entries
            if e.name.endswith(".md")
            and ACTION_ID.fullmatch(e.name[:-3])
            and e.is_file(follow_symlinks=False)
        ]


def parse_action(raw: bytes, shown: str) -> tuple[ActionRecord, str]:
    """An action record and its description, or :class:`RecordError`."""
    doc = parse_bytes(raw, shown)
    from pydantic import ValidationError

    try:
        record = ActionRecord.model_validate(doc.meta)
    except ValidationError as exc:
        first = problems(exc, doc)[0]
        raise RecordError(f"{first.field}: {first.message}", path=shown, line=first.line) from None
    if shown.rsplit("/", 1)[-1] != f"{record.id}.md":
        raise RecordError(
            f"id {record.id!r} does not match the file name", path=shown, line=doc.line_of(("id",))
        )
    return record, doc.body


def load(ws: Workspace, action_id: str) -> tuple[ActionRecord, str]:
    path = action_path(ws, action_id)
    ws.layout.ensure_inside(path)
    try:
        raw = read_bytes(path)
    except FileNotFoundError:
        raise NotFoundError(f"no action {action_id!r}") from None
    return parse_action(raw, f"actions/{action_id}.md")


def resolve(ws: Workspace, ref: str) -> str:
    """The action id that ``ref`` (an id or unique prefix, with or without the ``a``) names."""
    text = ref.strip().lower()
    ids = action_ids(ws)
    if ACTION_ID.fullmatch(text) and text in ids:
        return text
    if text.startswith("a") and len(text) > 1:
        return "a" + resolve_prefix(text[1:], [i[1:] for i in ids], what="action")
    return "a" + resolve_prefix(text, [i[1:] for i in ids], what="action")


def all_actions(ws: Workspace) -> tuple[list[ActionRecord], list[RecordError]]:
    """Every action item; unreadable ones are reported apart. Files identical to the index
    are served from a cache keyed by their blob id (see docs/decisions/0006)."""
    from incidentctl.git import gitrepo
    from incidentctl.store.cache import BlobCache

    blobs: dict[str, str] = {}
    if ws.use_cache:
        state = gitrepo.index_state(ws.root, "actions")
        if state is not None:
            entries, dirty = state
            for e in entries:
                if e.stage == "0" and e.mode != "120000" and e.rel not in dirty:
                    blobs[e.rel] = e.blob
    cache = BlobCache(ws.layout, "actions")
    found: list[ActionRecord] = []
    errors: list[RecordError] = []
    for action_id in sorted(action_ids(ws)):
        rel = f"actions/{action_id}.md"
        blob = blobs.get(rel)
        cached = cache.get(blob) if blob else None
        if isinstance(cached, ActionRecord) and cached.id == action_id:
            found.append(cached)
            continue
        try:
            record = load(ws, action_id)[0]
        except RecordError as exc:
            errors.append(exc)
            continue
        found.append(record)
        if blob:
            cache.put(blob, record)
    cache.save()
    return found, errors


def today(ws: Workspace) -> date:
    """Today in the repo's timezone."""
    return ws.now().astimezone(ws.repo_zone).date()


def parse_due(ws: Workspace, text: str) -> date:
    """``2026-12-15``, ``+14d``/``14d`` or ``2w`` from today."""
    value = text.strip().lower()
    match = re.fullmatch(r"\+?(\d+)\s*([dw])", value)
    from incidentctl.core.clock import EARLIEST, LATEST, RANGE_TEXT

    try:
        if match:
            days = int(match[1][:12]) * (7 if match[2] == "w" else 1)
            due = today(ws) + timedelta(days=days)
        else:
            due = date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"invalid due date {text[:40]!r}: use 2026-12-15 or +14d") from None
    except OverflowError:
        due = LATEST.date()
    if not EARLIEST.date() <= due < LATEST.date():
        raise UsageError(f"due date {text[:40]!r} is out of range: it must be {RANGE_TEXT}")
    return due


def view(record: ActionRecord, on: date) -> ActionView:
    """An action as listed, with whether it is overdue on ``on``."""
    overdue = record.status == "open" and record.due < on
    return ActionView(
        id=record.id,
        incident=record.incident,
        title=record.title,
        owner=record.owner,
        team=record.team,
        due=record.due.isoformat(),
        type=record.type,
        priority=record.priority,
        status=record.status,
        overdue=overdue,
        days_overdue=(on - record.due).days if overdue else 0,
        created_at=record.created_at.isoformat(),
        closed_at=record.closed_at.isoformat() if record.closed_at else None,
        links=list(record.links),
    )


def add(
    ws: Workspace,
    ref: str,
    title: str,
    *,
    owner: str,
    due: str | None = None,
    type_: str | None = None,
    priority: str = "medium",
    team: str | None = None,
    description: str = "",
    commit: bool = True,
) -> ActionRecord:
    """Create an action item for an incident (or its post-mortem)."""
    from incidentctl.core.text import clean_text, refuse_secrets
    from incidentctl.store.records import load_incident

    incident_id = ws.resolve_id(ref)
    text = clean_text(title, "title", single_line=True, limit=200)
    who = ws.person(owner)
    if type_ is not None and type_ not in TYPES:
        raise UsageError(f"--type must be one of {', '.join(TYPES)}")
    if priority not in PRIORITIES:
        raise UsageError(f"--priority must be one of {', '.join(PRIORITIES)}")
    refuse_secrets(title=text, description=description)
    incident = load_incident(ws.layout, incident_id)
    from incidentctl.org.private import refuse_narrative

    refuse_narrative(incident, "action items")
    if due is None:
        names = ws.config.severity_names()
        window = (
            ws.config.level(incident.severity).response.action_due_days
            if incident.severity in names
            else 30
        )
        due_day = today(ws) + timedelta(days=window)
    else:
        due_day = parse_due(ws, due)
    with transaction.locked(ws.layout):
        existing = set(action_ids(ws))
        action_id = new_action_id()
        while action_id in existing:
            action_id = new_action_id()
        record = ActionRecord.model_validate(
            {
                "id": action_id,
                "incident": incident_id,
                "from_postmortem": ws.layout.incident_dir(incident_id)
                .joinpath("postmortem.md")
                .is_file(),
                "title": text,
                "owner": who,
                "team": team.strip() if team else None,
                "due": due_day,
                "type": type_,
                "priority": priority,
                "created_at": ws.now(),
            }
        )
        meta = record.model_dump(exclude_none=True)
        if not record.links:
            meta.pop("links", None)
        change = transaction.Change(
            message=f"action({action_id}): add for incident {incident_id}: {text}",
            created={action_path(ws, action_id): render_record(meta, description.strip())},
        )
        transaction.apply(ws.layout, change, commit=commit)
    return record


def _update(
    ws: Workspace,
    ref: str,
    verb: str,
    changes: dict[str, Any],
    check: Any = None,
    commit: bool = True,
) -> ActionRecord:
    from incidentctl.store.atomic import read_bytes as read
    from incidentctl.store.roundtrip import update_frontmatter

    action_id = resolve(ws, ref)
    with transaction.locked(ws.layout):
        record, _ = load(ws, action_id)
        if check is not None:
            check(record)
        path = action_path(ws, action_id)
        text = update_frontmatter(read(path), changes)
        updated, _ = parse_action(text.encode("utf-8"), f"actions/{action_id}.md")
        change = transaction.Change(message=f"action({action_id}): {verb}", replaced={path: text})
        transaction.apply(ws.layout, change, commit=commit)
    return updated


def done(ws: Workspace, ref: str, *, note: str | None = None, commit: bool = True) -> ActionRecord:
    """Mark an action shipped."""

    def check(record: ActionRecord) -> None:
        if record.status != "open":
            raise InvalidStateError(f"action {record.id} is already {record.status}")

    return _update(
        ws,
        ref,
        "done",
        {"status": "done", "closed_at": ws.now(), "note": note.strip() if note else None},
        check,
        commit,
    )


def wontdo(ws: Workspace, ref: str, *, reason: str, commit: bool = True) -> ActionRecord:
    """Close an action without doing it, with the reason."""
    from incidentctl.core.text import clean_text

    text = clean_text(reason, "--reason")

    def check(record: ActionRecord) -> None:
        if record.status != "open":
            raise InvalidStateError(f"action {record.id} is already {record.status}")

    return _update(
        ws, ref, "wontdo", {"status": "wontdo", "closed_at": ws.now(), "note": text}, check, commit
    )


def reopen(ws: Workspace, ref: str, *, commit: bool = True) -> ActionRecord:
    """Open a closed action again."""

    def check(record: ActionRecord) -> None:
        if record.status == "open":
            raise InvalidStateError(f"action {record.id} is already open")

    return _update(ws, ref, "reopen", {"status": "open", "closed_at": None}, check, commit)


def reassign(
    ws: Workspace, ref: str, owner: str, *, due: str | None = None, commit: bool = True
) -> ActionRecord:
    """Give the action to someone else (and optionally a new due date)."""
    changes: dict[str, Any] = {"owner": ws.person(owner)}
    if due is not None:
        changes["due"] = parse_due(ws, due).isoformat()
    return _update(ws, ref, f"reassign to {changes['owner']}", changes, None, commit)


def link(ws: Workspace, ref: str, url: str, *, commit: bool = True) -> ActionRecord:
    """Record the tracker issue for an action."""
    if not URL.fullmatch(url.strip()):
        raise UsageError(f"{url!r} is not an http(s) URL")
    action_id = resolve(ws, ref)
    record, _ = load(ws, action_id)
    if url.strip() in record.links:
        raise InvalidStateError(f"action {action_id} already links {url.strip()}")
    return _update(ws, action_id, "link", {"links": [*record.links, url.strip()]}, None, commit)


def select(
    records: Iterable[ActionRecord],
    on: date,
    *,
    status: str | None = None,
    overdue: bool = False,
    owner: str | None = None,
    incident: str | None = None,
) -> list[ActionView]:
    """Filter and view actions, most overdue first, then by due date."""
    out = []
    for record in records:
        item = view(record, on)
        if status and record.status != status:
            continue
        if overdue and not item.overdue:
            continue
        if owner and record.owner.lower() != owner.strip().lower():
            continue
        if incident and record.incident != incident:
            continue
        out.append(item)
    out.sort(key=lambda a: (-a.days_overdue, a.due, a.id))
    return out


def open_at(records: Iterable[ActionRecord], incident_ids: set[str], moment: datetime) -> int:
    """How many actions of these incidents were still open at ``moment``."""
    count = 0
    for record in records:
        if record.incident not in incident_ids or record.created_at > moment:
            continue
        if record.closed_at is None or record.closed_at > moment:
            count += 1
    return count
