"""Read and write incident and event files: strict parse, validate, render."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError

from incidentctl.core.errors import NotFoundError, RecordError
from incidentctl.core.ids import EVENT_ID
from incidentctl.incident.fold import fold
from incidentctl.models.event import Event
from incidentctl.models.incident import IncidentRecord
from incidentctl.models.views import IncidentView
from incidentctl.store.atomic import read_bytes
from incidentctl.store.layout import Layout
from incidentctl.store.validation import Problem, problems
from incidentctl.yamlio.emit import render_record
from incidentctl.yamlio.frontmatter import Document, parse
from incidentctl.yamlio.strict import YamlProblem

M = TypeVar("M", bound=BaseModel)
EVENT_ADAPTER: TypeAdapter[Event] = TypeAdapter(Event)


def read_document(path: Path, shown: str) -> Document:
    """Parse a record file or raise :class:`RecordError` naming it and the line."""
    try:
        raw = read_bytes(path)
    except FileNotFoundError:
        raise RecordError("file is missing", path=shown) from None
    except OSError as exc:
        if os.path.islink(path):
            raise RecordError(
                "is a symbolic link; records must be regular files", path=shown
            ) from None
        raise RecordError(f"cannot read: {exc.strerror}", path=shown) from None
    return parse_bytes(raw, shown)


def parse_bytes(raw: bytes, shown: str) -> Document:
    """Parse record bytes (from disk or from git) or raise :class:`RecordError`."""
    try:
        return parse(raw)
    except YamlProblem as exc:
        raise RecordError(exc.message, path=shown, line=exc.line) from None


def _raise_first(found: list[Problem], shown: str) -> RecordError:
    first = found[0]
    more = ""
    if len(found) > 1:
        more = f" (and {len(found) - 1} more problem(s); run 'incidentctl lint')"
    return RecordError(f"{first.field}: {first.message}{more}", path=shown, line=first.line)


def check_incident(doc: Document) -> tuple[IncidentRecord | None, list[Problem]]:
    """The incident record in ``doc``, or every validation problem."""
    try:
        return IncidentRecord.model_validate(doc.meta), []
    except ValidationError as exc:
        return None, problems(exc, doc, None)


def check_event(doc: Document) -> tuple[Event | None, list[Problem]]:
    """The event in ``doc`` (its message is the Markdown body), or every problem."""
    if "message" in doc.meta:
        return None, [
            Problem(
                "message", "belongs in the body, below the frontmatter", doc.line_of(("message",))
            )
        ]
    data: dict[str, Any] = dict(doc.meta)
    data["message"] = doc.body.strip("\n")
    tag = data.get("type")
    try:
        return EVENT_ADAPTER.validate_python(data), []
    except ValidationError as exc:
        return None, problems(exc, doc, str(tag) if tag is not None else None)


def validate_incident(doc: Document, shown: str) -> IncidentRecord:
    """The incident record in ``doc``; raises on the first problem."""
    record, found = check_incident(doc)
    if record is None:
        raise _raise_first(found, shown)
    return record


def validate_event(doc: Document, shown: str) -> Event:
    """The event in ``doc``; raises on the first problem."""
    event, found = check_event(doc)
    if event is None:
        raise _raise_first(found, shown)
    return event


def read_incident(layout: Layout, incident_id: str) -> tuple[IncidentRecord, str]:
    """The incident record and its summary body."""
    path = layout.incident_file(incident_id)
    shown = layout.relative(path)
    if not path.parent.is_dir():
        raise NotFoundError(f"no incident {incident_id!r}")
    layout.ensure_inside(path)
    if unfinished(path):
        raise NotFoundError(
            f"no incident {incident_id!r}: {shown} is missing or empty (an interrupted "
            "write); every command skips this folder",
            hint="run 'incidentctl sync' to finish or clean it, or restore incident.md "
            "from git; 'incidentctl lint' lists every such folder",
        )
    doc = read_document(path, shown)
    return _incident_in_place(doc, shown, incident_id), doc.body


def unfinished(path: Path) -> bool:
    """True when an incident's ``incident.md`` is absent or empty: what an interrupted
    declare (or a hand-deleted file) leaves. Readers skip such a folder; lint reports it."""
    try:
        return not read_bytes(path).strip()
    except FileNotFoundError:
        return True
    except OSError:
        return False  # a symlink, a FIFO, unreadable: read_document names the problem


def _incident_in_place(doc: Document, shown: str, incident_id: str) -> IncidentRecord:
    record = validate_incident(doc, shown)
    if record.id != incident_id:
        raise RecordError(
            f"id: {record.id!r} does not match its folder {incident_id!r}",
            path=shown,
            line=doc.line_of(("id",)),
        )
    return record


def _event_in_place(doc: Document, shown: str, incident_id: str) -> Event:
    event = validate_event(doc, shown)
    stem = shown.rsplit("/", 1)[-1][:-3]
    if event.id != stem or event.incident != incident_id:
        raise RecordError("id/incident do not match the file's place", path=shown, line=2)
    return event


def event_paths(layout: Layout, incident_id: str) -> list[Path]:
    """Every event file of an incident (temp files and stray names are not events)."""
    folder = layout.events_dir(incident_id)
    layout.ensure_inside(folder)
    try:
        entries = os.scandir(folder)
    except FileNotFoundError:
        return []
    with entries:
        return [
            Path(e.path)
            for e in entries
            if e.name.endswith(".md")
            and EVENT_ID.fullmatch(e.name[:-3])
            and e.is_file(follow_symlinks=False)  # as bulk reads: no links, no folders
        ]


def read_events(layout: Layout, incident_id: str) -> list[Event]:
    """Every event of an incident, validated; raises on the first bad file."""
    events: list[Event] = []
    for path in event_paths(layout, incident_id):
        shown = layout.relative(path)
        events.append(_event_in_place(read_document(path, shown), shown, incident_id))
    return events


def load_incident(layout: Layout, incident_id: str) -> IncidentView:
    """One incident's derived state and timeline, reading only its own folder."""
    record, body = read_incident(layout, incident_id)
    return fold(record, read_events(layout, incident_id), body)


RawFile = tuple[str, bytes]


def build_incident(
    incident_id: str, incident_file: RawFile, event_files: list[RawFile], *, slim: bool = False
) -> IncidentView:
    """An incident from raw file contents (shown path, bytes), e.g. read from git."""
    shown, raw = incident_file
    doc = parse_bytes(raw, shown)
    record = _incident_in_place(doc, shown, incident_id)
    events = [
        _event_in_place(parse_bytes(event_raw, event_shown), event_shown, incident_id)
        for event_shown, event_raw in event_files
    ]
    return fold(record, events, doc.body, timeline=not slim)


def render_incident(record: IncidentRecord, summary: str) -> str:
    """The text of a new ``incident.md``."""
    meta = record.model_dump(exclude_defaults=False)
    for optional in ("duplicate_of", "public_title", "source"):
        if meta.get(optional) is None:
            meta.pop(optional, None)
    return render_record(meta, summary)


def render_event(event: Event) -> str:
    """The text of an event file; the message goes in the body."""
    meta = event.model_dump(exclude={"message"})
    ordered: dict[str, Any] = {
        "id": meta.pop("id"),
        "incident": meta.pop("incident"),
        "type": meta.pop("type"),
        "at": meta.pop("at"),
        "by": meta.pop("by"),
    }
    for key, value in meta.items():
        if value is None or (key in ("roles", "after") and not value):
            continue
        if key in ("backfill", "retrospective") and value is False:
            continue
        ordered[key] = value
    return render_record(ordered, event.message)
