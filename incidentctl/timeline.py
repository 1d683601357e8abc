"""Derive an incident's current state by folding its events in (``at``, ``id``) order.

The fold is deterministic: every clone holding the same event files derives the same state,
whatever order the files arrived in. Corrections are new events, never edits.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from incidentctl.models.event import (
    Acknowledged,
    AlertLinked,
    Declared,
    Event,
    Mitigated,
    Reopened,
    Resolved,
    RoleAssigned,
    SeverityChanged,
    Update,
)
from incidentctl.models.incident import IncidentRecord
from incidentctl.models.views import IncidentView, RoleChange, SeverityChange, TimelineEntry
from incidentctl.yamlio.emit import format_timestamp

_DETAIL_FIELDS = (
    "severity",
    "status",
    "role",
    "person",
    "root_cause_class",
    "started_at",
    "detected_at",
    "roles",
    "surface",
    "outcome",
    "exit_code",
    "group",
    "runbook",
    "step",
    "placement",
    "detected_by",
)


def ordered(events: Iterable[Event]) -> list[Event]:
    """Events in fold order: by time, ties broken by event id."""
    return sorted(events, key=lambda event: (event.at, event.id))


def _entry(event: Event) -> TimelineEntry:
    # Built from an already validated event: no second validation (this is the hot loop of
    # every bulk read).
    fields = event.__dict__
    details: dict[str, Any] = {}
    for name in _DETAIL_FIELDS:
        value = fields.get(name)
        if value is not None and value != {}:
            details[name] = format_timestamp(value) if isinstance(value, datetime) else value
    return TimelineEntry.model_construct(
        id=event.id,
        at=event.at,
        type=event.type,
        by=event.by,
        message=event.message,
        backfill=event.backfill,
        details=details,
    )


def fold(
    record: IncidentRecord, events: Iterable[Event], summary: str = "", *, timeline: bool = True
) -> IncidentView:
    """The derived state of one incident, with its full timeline unless ``timeline=False``."""
    severity = "unknown"
    status = "investigating"
    started = detected = declared = acknowledged = mitigated = resolved = None
    root_cause: str | None = None
    roles: dict[str, str] = {}
    severity_history: list[SeverityChange] = []
    role_history: list[RoleChange] = []
    keep = timeline
    entries: list[TimelineEntry] = []
    warnings: list[str] = []
    reopen_count = 0
    detected_by: str | None = None
    groups: list[str] = []
    updated: datetime | None = None

    def take_role(at: datetime, role: str, person: str) -> None:
        previous = roles.get(role)
        if previous == person:
            return
        roles[role] = person
        role_history.append(
            RoleChange.model_construct(at=at, role=role, person=person, previous=previous)
        )

    for event in ordered(events):
        if keep:
            entries.append(_entry(event))
        updated = event.at
        if isinstance(event, Declared):
            if declared is not None:
                warnings.append(f"event {event.id}: a second 'declared' event is ignored")
                continue
            declared = event.at
            started = event.started_at
            detected = event.detected_at or event.at
            severity = event.severity
            severity_history.append(
                SeverityChange.model_construct(
                    at=event.at, from_=None, to=event.severity, reason=None
                )
            )
            for role, person in event.roles.items():
                take_role(event.at, role, person)
            detected_by = event.detected_by
        elif isinstance(event, Acknowledged):
            if acknowledged is None:
                acknowledged = event.at
        elif isinstance(event, Update):
            if event.status is not None and status != "resolved":
                status = event.status
        elif isinstance(event, SeverityChanged):
            if event.severity != severity:
                severity_history.append(
                    SeverityChange.model_construct(
                        at=event.at,
                        from_=severity if declared else None,
                        to=event.severity,
                        reason=event.message or None,
                    )
                )
                severity = event.severity
        elif isinstance(event, RoleAssigned):
            take_role(event.at, event.role, event.person)
        elif isinstance(event, Mitigated):
            if mitigated is None:
                mitigated = event.at
            if status != "resolved":
                status = "mitigated"
        elif isinstance(event, Resolved):
            resolved = event.at
            status = "resolved"
            if event.root_cause_class is not None:
                root_cause = event.root_cause_class
        elif isinstance(event, AlertLinked):
            if event.group not in groups:
                groups.append(event.group)
        elif isinstance(event, Reopened) and status == "resolved":
            reopen_count += 1
            status = "investigating"
            resolved = None
            mitigated = None

    if declared is None:
        warnings.append("no 'declared' event: lifecycle times and severity are unknown")

    return IncidentView.model_construct(
        id=record.id,
        title=record.title,
        severity=severity,
        status=status,
        services=list(record.services),
        category=record.category,
        drill=record.drill,
        duplicate_of=record.duplicate_of,
        public_title=record.public_title,
        root_cause_class=root_cause,
        started_at=started,
        detected_at=detected,
        declared_at=declared,
        acknowledged_at=acknowledged,
        mitigated_at=mitigated,
        resolved_at=resolved,
        roles=roles,
        reopen_count=reopen_count,
        detected_by=detected_by,
        alert_groups=groups,
        updated_at=updated,
        summary=summary.strip() if keep else "",
        severity_history=severity_history,
        role_history=role_history,
        timeline=entries,
        warnings=warnings,
    )
