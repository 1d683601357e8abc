"""Derive an incident's state from its events: the declaration first, then (``at``, id) order.

The fold is deterministic: every clone holding the same event files derives the same state,
whatever order the files arrived in. The declaration is the origin: its severity and roles
are the initial state whatever its time, so an incident written up after the fact (events
backfilled before the declaration) ends in the state its responders recorded.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from incidentctl.incident.definitions import DEFINITIONS
from incidentctl.incident.state import State
from incidentctl.models.event import Declared, Event
from incidentctl.models.incident import IncidentRecord
from incidentctl.models.views import IncidentView, TimelineEntry
from incidentctl.yamlio.emit import format_timestamp

_DETAIL_FIELDS = (
    "severity",
    "status",
    "role",
    "person",
    "root_cause_class",
    "started_at",
    "detected_at",
    "declared_at",
    "roles",
    "surface",
    "outcome",
    "exit_code",
    "group",
    "runbook",
    "step",
    "placement",
    "detected_by",
    "retrospective",
    "title",
    "services",
    "category",
    "drill",
    "duplicate_of",
    "public_title",
    "estimates",
    "incident_type",
    "fields",
    "private",
)

Key = tuple[datetime, str]


def key(event: Event) -> Key:
    """An event's place in time: (``at``, id)."""
    return (event.at, event.id)


def ordered(events: Iterable[Event]) -> list[Event]:
    """Events in time order, ties broken by event id (the timeline's order)."""
    return sorted(events, key=key)


def declaration(events: Sequence[Event]) -> Declared | None:
    """The incident's declaration: the earliest ``declared`` event, if any."""
    found = [e for e in events if isinstance(e, Declared)]
    return min(found, key=key) if found else None


def _entry(event: Event) -> TimelineEntry:
    # Built from an already validated event: no second validation (this is the hot loop of
    # every bulk read).
    fields = event.__dict__
    details: dict[str, Any] = {}
    for name in _DETAIL_FIELDS:
        value = fields.get(name)
        if value is not None and value != {} and value is not False:
            if name == "estimates":
                value = {k: {"low": v.low, "high": v.high} for k, v in value.items()}
            details[name] = format_timestamp(value) if isinstance(value, datetime) else value
    if event.type == "changed" and fields.get("drill") is False:
        details["drill"] = False
    return TimelineEntry.model_construct(
        id=event.id,
        at=event.at,
        type=event.type,
        by=event.by,
        message=event.message,
        backfill=event.backfill,
        details=details,
    )


def fold_state(
    record: IncidentRecord, events: Iterable[Event], *, before: Key | None = None
) -> State:
    """The derived state; with ``before``, the state just before that place in time."""
    events = ordered(events)
    state = State.of(record)
    origin = declaration(events)
    if origin is not None:
        DEFINITIONS["declared"].apply(state, origin)
    for event in events:
        if before is not None and key(event) >= before:
            break
        state.updated_at = event.at if state.updated_at is None else max(state.updated_at, event.at)
        outcome = getattr(event, "outcome", None) if event.type == "page" else None
        state.activity.append((event.at, event.by, event.type, outcome))
        if event is origin:
            continue
        if isinstance(event, Declared):
            state.warnings.append(f"event {event.id}: a second 'declared' event is ignored")
            continue
        DEFINITIONS[event.type].apply(state, event)
    if origin is None:
        state.warnings.append("no 'declared' event: lifecycle times and severity are unknown")
    return state


def fold(
    record: IncidentRecord, events: Iterable[Event], summary: str = "", *, timeline: bool = True
) -> IncidentView:
    """The derived state of one incident, with its full timeline unless ``timeline=False``."""
    events = ordered(events)
    state = fold_state(record, events)
    entries = [_entry(e) for e in events] if timeline else []
    return state.view(record, summary, entries, timeline=timeline)


# --- what each clone had seen ---------------------------------------------------------


def heads(events: Iterable[Event]) -> list[str]:
    """The events no other event was recorded after: what a new event has seen last."""
    events = list(events)
    seen = {parent for e in events for parent in e.after}
    return sorted(e.id for e in events if e.id not in seen)


class History:
    """Which events each event's clone had seen when it was recorded (its ``after`` list).

    An event without ``after`` (written before incidentctl recorded it) has unknown
    history: it is never judged concurrent with anything.
    """

    def __init__(self, events: Iterable[Event]) -> None:
        self._after = {e.id: tuple(e.after) for e in events}
        self._cache: dict[str, frozenset[str]] = {}

    def seen(self, event_id: str) -> frozenset[str]:
        """Every event recorded before ``event_id`` in the clone that recorded it."""
        found = self._cache.get(event_id)
        if found is not None:
            return found
        result: set[str] = set()
        stack = list(self._after.get(event_id, ()))
        while stack:
            current = stack.pop()
            if current in result:
                continue
            result.add(current)
            stack.extend(self._after.get(current, ()))
        self._cache[event_id] = frozenset(result)
        return self._cache[event_id]

    def concurrent(self, a: str, b: str) -> bool:
        """Whether ``a`` and ``b`` were recorded in clones that had not seen each other."""
        if not self._after.get(a) or not self._after.get(b):
            return False
        return a not in self.seen(b) and b not in self.seen(a)
