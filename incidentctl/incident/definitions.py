"""One definition per event type: its record model, guard, effect and what lint derives.

The fold, the lifecycle commands, lint's chronology rules and the report all read these
definitions; adding an event type means adding one :class:`EventType` here (and its record
model in :mod:`incidentctl.models.event`).

* ``apply`` is the event's effect on the derived state. It must accept any event in any
  state (a merge of two clones can bring anything), so it never raises.
* ``guard`` refuses the event against the state *at its place in the fold* (the state
  just before its time): raising :class:`InvalidStateError` with the text the user sees.
* ``must_change`` events are refused when recording them would leave the derived state
  as it was (a resolution before a later reopen, say): the command would otherwise
  succeed and change nothing.
* ``aspect`` names what an event decides (the status, the severity, a role) and the value
  it decides; two events that decide the same aspect differently, recorded in clones that
  had not seen each other, are a concurrent transition for lint.
* ``sets`` names the lifecycle times the event sets, so lint can point at the line.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from incidentctl.core.errors import InvalidStateError
from incidentctl.incident.state import ImpactStep, SeverityStep, State
from incidentctl.models import event as models
from incidentctl.yamlio.emit import format_timestamp

Effect = Callable[[State, Any], None]
Guard = Callable[[State, Any], None]
Aspect = Callable[[Any], tuple[str, str] | None]


@dataclass(frozen=True)
class EventType:
    """Everything incidentctl knows about one type of timeline event."""

    name: str
    model: type[models.EventBase]
    verb: str
    """What the command does, as people say it: 'resolve', 'reopen'."""
    apply: Effect
    guard: Guard | None = None
    must_change: bool = False
    aspect: Aspect | None = None
    sets: tuple[str, ...] = ()


def _ts(value: datetime | None) -> str:
    return format_timestamp(value) if value is not None else "?"


def _note_time(state: State, at: datetime) -> None:
    if state.earliest is None or at < state.earliest:
        state.earliest = at


def _not_declined(state: State, event: Any) -> None:
    if state.status == "declined":
        raise InvalidStateError(
            f"incident {event.incident} was declined at {_ts(state.declined_at)}; it is not "
            "an incident",
            hint="reopen it first if it was an incident after all",
        )


# --- declared -------------------------------------------------------------------------


def _declared(state: State, event: models.Declared) -> None:
    state.declared_at = event.at
    state.started_at = event.started_at
    state.detected_at = event.detected_at or event.at
    # Declaring an incident is noticing it; an imported one whose source gave no detection
    # time has none, so its time to detect is unknown, never a measured zero.
    state.detection_known = event.detected_at is not None or not state.imported
    state.severity = event.severity
    state.severity_history.append(SeverityStep(None, None, event.severity))
    for role, person in event.roles.items():
        state.take_role(None, role, person)
    state.detected_by = event.detected_by
    state.retrospective = event.retrospective
    state.private = bool(event.private)
    if event.incident_type is not None:
        state.incident_type = event.incident_type
    _set_fields(state, event.fields)


# --- acknowledged ---------------------------------------------------------------------


def _acknowledged(state: State, event: models.Acknowledged) -> None:
    if state.acknowledged_at is None:
        state.acknowledged_at = event.at


def _guard_acknowledged(state: State, event: models.Acknowledged) -> None:
    _not_declined(state, event)
    if state.acknowledged_at is not None:
        raise InvalidStateError(
            f"incident {event.incident} was already acknowledged at {_ts(state.acknowledged_at)}"
        )


# --- update ---------------------------------------------------------------------------


def _update(state: State, event: models.Update) -> None:
    if event.status is not None and not state.closed:
        state.status = event.status


def _guard_update(state: State, event: models.Update) -> None:
    if event.status is not None and state.closed:
        raise InvalidStateError(
            f"incident {event.incident} is {state.status} at {_ts(event.at)}; reopen it "
            "before changing its status"
        )


def _status_aspect(event: Any) -> tuple[str, str] | None:
    value = getattr(event, "status", None) if event.type == "update" else event.type
    return ("status", value) if value else None


# --- severity -------------------------------------------------------------------------


def _severity(state: State, event: models.SeverityChanged) -> None:
    _note_time(state, event.at)
    if event.severity != state.severity:
        previous = state.severity if state.declared_at is not None else None
        state.severity_history.append(
            SeverityStep(event.at, previous, event.severity, event.message or None)
        )
        state.severity = event.severity


def _guard_severity(state: State, event: models.SeverityChanged) -> None:
    _not_declined(state, event)
    if state.severity == event.severity:
        raise InvalidStateError(
            f"incident {event.incident} is already {event.severity} at {_ts(event.at)}"
        )


# --- role -----------------------------------------------------------------------------


def _role(state: State, event: models.RoleAssigned) -> None:
    _note_time(state, event.at)
    state.take_role(event.at, event.role, event.person)


def _guard_role(state: State, event: models.RoleAssigned) -> None:
    _not_declined(state, event)
    if state.roles.get(event.role) == event.person:
        raise InvalidStateError(
            f"{event.person} is already {event.role} of incident {event.incident}"
        )


# --- mitigated ------------------------------------------------------------------------


def _mitigated(state: State, event: models.Mitigated) -> None:
    if state.status == "declined":
        return
    if state.mitigated_at is None:
        state.mitigated_at = event.at
    if not state.closed:
        state.status = "mitigated"


def _guard_mitigated(state: State, event: models.Mitigated) -> None:
    if state.closed:
        raise InvalidStateError(f"incident {event.incident} is already {state.status}")
    if state.mitigated_at is not None:
        raise InvalidStateError(
            f"incident {event.incident} was already mitigated at {_ts(state.mitigated_at)}"
        )


# --- resolved -------------------------------------------------------------------------


def _resolved(state: State, event: models.Resolved) -> None:
    state.resolved_at = event.at
    state.status = "resolved"
    state.declined_at = None
    if event.root_cause_class is not None:
        state.root_cause_class = event.root_cause_class


def _guard_resolved(state: State, event: models.Resolved) -> None:
    if state.status == "resolved":
        raise InvalidStateError(
            f"incident {event.incident} is already resolved (at {_ts(state.resolved_at)})",
            hint="to record new activity, reopen it: incidentctl reopen ID --reason ...",
        )
    if state.status == "declined":
        raise InvalidStateError(
            f"incident {event.incident} was declined at {_ts(state.declined_at)}",
            hint="reopen it first if it was an incident after all",
        )


# --- reopened -------------------------------------------------------------------------


def _reopened(state: State, event: models.Reopened) -> None:
    if not state.closed:
        return
    state.reopen_count += 1
    state.status = "investigating"
    state.resolved_at = None
    state.mitigated_at = None
    state.declined_at = None


def _guard_reopened(state: State, event: models.Reopened) -> None:
    if not state.closed:
        raise InvalidStateError(
            f"incident {event.incident} is not resolved (status {state.status} at {_ts(event.at)})"
        )


# --- declined -------------------------------------------------------------------------


def _declined(state: State, event: models.Declined) -> None:
    state.status = "declined"
    state.declined_at = event.at


def _guard_declined(state: State, event: models.Declined) -> None:
    if state.status == "declined":
        raise InvalidStateError(
            f"incident {event.incident} was already declined at {_ts(state.declined_at)}"
        )


# --- corrected ------------------------------------------------------------------------

CORRECTABLE = ("started_at", "detected_at", "declared_at", "root_cause_class")


def _corrected(state: State, event: models.Corrected) -> None:
    for name in CORRECTABLE:
        value = getattr(event, name)
        if value is not None:
            setattr(state, name, value)
    if event.detected_at is not None:
        state.detection_known = True


# --- changed --------------------------------------------------------------------------

DESCRIPTIVE = (
    "title",
    "services",
    "category",
    "drill",
    "duplicate_of",
    "public_title",
    "incident_type",
)


def _set_fields(state: State, fields: dict[str, str | None] | None) -> None:
    """Custom fields: a value sets the field, null unsets it; others are kept."""
    for name, value in (fields or {}).items():
        if value is None:
            state.fields.pop(name, None)
        else:
            state.fields[name] = value


def _changed(state: State, event: models.Changed) -> None:
    for name in DESCRIPTIVE:
        value = getattr(event, name)
        if value is not None:
            setattr(state, name, list(value) if isinstance(value, list) else value)
    _set_fields(state, event.fields)


# --- alert and the events that change nothing but the timeline -----------------------


def _alert(state: State, event: models.AlertLinked) -> None:
    if event.group not in state.alert_groups:
        state.alert_groups.append(event.group)


# --- impact ---------------------------------------------------------------------------


def _impact(state: State, event: models.ImpactEstimated) -> None:
    for measure, estimate in event.estimates.items():
        state.impacts[measure] = ImpactStep(
            estimate.low, estimate.high, event.message, event.at, event.by
        )


def _nothing(state: State, event: Any) -> None:
    """Comms, pages and runbook steps are kept in the timeline only."""


def _severity_aspect(event: Any) -> tuple[str, str]:
    return ("severity", event.severity)


def _role_aspect(event: Any) -> tuple[str, str]:
    return (f"role {event.role}", event.person)


TYPES: tuple[EventType, ...] = (
    EventType("declared", models.Declared, "declare", _declared, sets=("declared_at",)),
    EventType(
        "acknowledged",
        models.Acknowledged,
        "acknowledge",
        _acknowledged,
        _guard_acknowledged,
        must_change=True,
        sets=("acknowledged_at",),
    ),
    EventType("update", models.Update, "update", _update, _guard_update, aspect=_status_aspect),
    EventType(
        "severity",
        models.SeverityChanged,
        "change the severity",
        _severity,
        _guard_severity,
        must_change=True,
        aspect=_severity_aspect,
    ),
    EventType(
        "role",
        models.RoleAssigned,
        "assign",
        _role,
        _guard_role,
        must_change=True,
        aspect=_role_aspect,
    ),
    EventType(
        "mitigated",
        models.Mitigated,
        "mitigate",
        _mitigated,
        _guard_mitigated,
        must_change=True,
        aspect=_status_aspect,
        sets=("mitigated_at",),
    ),
    EventType(
        "resolved",
        models.Resolved,
        "resolve",
        _resolved,
        _guard_resolved,
        must_change=True,
        aspect=_status_aspect,
        sets=("resolved_at",),
    ),
    EventType(
        "reopened",
        models.Reopened,
        "reopen",
        _reopened,
        _guard_reopened,
        must_change=True,
        aspect=_status_aspect,
    ),
    EventType(
        "declined",
        models.Declined,
        "decline",
        _declined,
        _guard_declined,
        must_change=True,
        aspect=_status_aspect,
    ),
    EventType(
        "corrected",
        models.Corrected,
        "correct",
        _corrected,
        must_change=True,
        sets=("started_at", "detected_at", "declared_at"),
    ),
    EventType("changed", models.Changed, "change", _changed),
    EventType("alert", models.AlertLinked, "link an alert group", _alert),
    EventType("impact", models.ImpactEstimated, "estimate the impact", _impact),
    EventType("comms", models.CommsPosted, "post", _nothing),
    EventType("page", models.Paged, "page", _nothing),
    EventType("runbook", models.RunbookStep, "record a runbook step", _nothing),
)

DEFINITIONS: dict[str, EventType] = {t.name: t for t in TYPES}


def definition(type_name: str) -> EventType:
    """The definition of event type ``type_name``."""
    return DEFINITIONS[type_name]
