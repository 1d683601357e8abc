"""The incident lifecycle: declare, ack, update, severity, assign, mitigate, resolve, reopen.

Each operation validates against the incident's derived state under the clone lock,
writes one new event file (declare also writes ``incident.md``) and makes one commit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from incidentctl.core.text import clean_name, clean_person, clean_text, refuse_secrets
from incidentctl.errors import InvalidStateError, UsageError
from incidentctl.ids import new_event_id, new_incident_id
from incidentctl.models.event import (
    DETECTION_SOURCES,
    Acknowledged,
    AlertLinked,
    Declared,
    DetectedBy,
    Event,
    Mitigated,
    Paged,
    Reopened,
    Resolved,
    RoleAssigned,
    SeverityChanged,
    Update,
    UpdateStatus,
)
from incidentctl.models.incident import IncidentRecord
from incidentctl.models.views import IncidentView
from incidentctl.store import transaction
from incidentctl.store.records import (
    load_incident,
    read_events,
    read_incident,
    render_event,
    render_incident,
)
from incidentctl.timeline import fold
from incidentctl.workspace import Workspace
from incidentctl.yamlio.emit import format_timestamp


@dataclass(frozen=True)
class Outcome:
    """What a lifecycle command did: the incident after it, the event and the commit state."""

    incident: IncidentView
    event_id: str
    path: str
    committed: bool
    paged: str | None = None


def _page(ws: Workspace, view: IncidentView, person: str, at: datetime) -> Paged | None:
    """Run the page hook when the incident's level pages; None when there is no hook."""
    config = ws.config
    if view.severity not in config.severity_names():
        return None
    if not config.level(view.severity).response.page or not config.hooks.page:
        return None
    from incidentctl import hooks

    result = hooks.run(
        list(config.hooks.page), view, cwd=ws.root, timeout=config.hooks.timeout_seconds
    )
    return Paged(
        id=new_event_id(),
        incident=view.id,
        type="page",
        at=at,
        by=person,
        recorded_at=ws.now(),
        outcome=result.outcome,  # type: ignore[arg-type]
        exit_code=result.exit_code,
        severity=view.severity,
        message=result.output.strip(),
    )


def _page_note(event: Paged | None) -> str | None:
    if event is None:
        return None
    code = "" if event.exit_code is None else f", exit code {event.exit_code}"
    return f"page hook {event.outcome}{code}"


def declare(
    ws: Workspace,
    title: str,
    *,
    severity: str,
    services: list[str] | None = None,
    category: str | None = None,
    started_at: str | datetime | None = None,
    detected_at: str | datetime | None = None,
    commander: str | None = None,
    drill: bool = False,
    by: str | None = None,
    summary: str = "",
    commit: bool = True,
    detected_by: str | None = None,
    alert_group: str | None = None,
) -> Outcome:
    """Open a new incident; returns it with its new id."""
    title = clean_text(title, "title", single_line=True, limit=200)
    level = ws.severity(severity)
    config = ws.config
    service_names = sorted({clean_name(s, "service", config.services) for s in services or []})
    category_name = clean_name(category, "category", config.categories) if category else None
    now = ws.now()
    detected = ws.when(detected_at) if detected_at is not None else None
    started = ws.when(started_at) if started_at is not None else None
    if started and detected and started > detected:
        raise UsageError(
            f"--started-at {format_timestamp(started)} is after --detected-at "
            f"{format_timestamp(detected)}"
        )
    if detected_by is not None and detected_by not in DETECTION_SOURCES:
        raise UsageError(f"--detected-by must be one of {', '.join(DETECTION_SOURCES)}")
    if started and not detected and started > now:
        raise UsageError("--started-at is in the future")
    person = clean_person(by) if by else ws.default_person()
    roles = {"commander": clean_person(commander)} if commander else {}
    if roles and "commander" not in config.role_names():
        raise UsageError("this repo's config defines no 'commander' role")
    body = summary.strip()
    refuse_secrets(title=title, summary=body)

    with transaction.locked(ws.layout):
        existing = set(ws.layout.incident_ids())
        incident_id = new_incident_id()
        while incident_id in existing:
            incident_id = new_incident_id()
        record = IncidentRecord(
            id=incident_id,
            title=title,
            services=service_names,
            category=category_name,
            drill=drill,
            created_at=now,
            created_by=person,
        )
        event = Declared(
            id=new_event_id(),
            incident=incident_id,
            type="declared",
            at=now,
            by=person,
            recorded_at=now,
            severity=level,
            started_at=started,
            detected_at=detected,
            roles=roles,
            detected_by=cast(DetectedBy | None, detected_by),
        )
        incident_path = ws.layout.incident_file(incident_id)
        event_path = ws.layout.event_file(incident_id, event.id)
        created = {
            incident_path: render_incident(record, body),
            event_path: render_event(event),
        }
        if alert_group is not None:
            linked = AlertLinked(
                id=new_event_id(),
                incident=incident_id,
                type="alert",
                at=now,
                by=person,
                recorded_at=now,
                group=alert_group,
            )
            created[ws.layout.event_file(incident_id, linked.id)] = render_event(linked)
        paged = _page(ws, fold(record, [event], body), person, now)
        if paged is not None:
            created[ws.layout.event_file(incident_id, paged.id)] = render_event(paged)
        change = transaction.Change(
            message=f"incident({incident_id}): declare {level}: {title}", created=created
        )
        transaction.apply(ws.layout, change, commit=commit)
        view = load_incident(ws.layout, incident_id)
    return Outcome(view, event.id, ws.layout.relative(incident_path), commit, _page_note(paged))


Check = Callable[[IncidentView, datetime], None]


def _append(
    ws: Workspace,
    ref: str,
    *,
    verb: str,
    build: Callable[[dict[str, Any]], Event],
    check: Check | None,
    at: str | datetime | None,
    by: str | None,
    message: str,
    backfill: bool,
    commit: bool,
    page_if: Callable[[], bool] | None = None,
) -> Outcome:
    incident_id = ws.resolve_id(ref)
    when = ws.when(at)
    person = clean_person(by) if by else ws.default_person()
    refuse_secrets(message=message)
    with transaction.locked(ws.layout):
        view = load_incident(ws.layout, incident_id)
        if view.declared_at is not None and when < view.declared_at and not backfill:
            raise UsageError(
                f"{format_timestamp(when)} is before incident {incident_id} was declared "
                f"({format_timestamp(view.declared_at)})",
                hint="pass --backfill to record an earlier event on purpose",
            )
        if check is not None:
            check(view, when)
        now = ws.now()
        event = build(
            {
                "id": new_event_id(),
                "incident": incident_id,
                "at": when,
                "by": person,
                "recorded_at": now,
                "backfill": backfill and view.declared_at is not None and when < view.declared_at,
                "message": message,
            }
        )
        path = ws.layout.event_file(incident_id, event.id)
        created = {path: render_event(event)}
        paged = None
        if page_if is not None and page_if():
            record, body = read_incident(ws.layout, incident_id)
            events = [*read_events(ws.layout, incident_id), event]
            paged = _page(ws, fold(record, events, body), person, now)
            if paged is not None:
                created[ws.layout.event_file(incident_id, paged.id)] = render_event(paged)
        change = transaction.Change(message=f"incident({incident_id}): {verb}", created=created)
        transaction.apply(ws.layout, change, commit=commit)
        after = load_incident(ws.layout, incident_id)
    return Outcome(after, event.id, ws.layout.relative(path), commit, _page_note(paged))


def _not_before(when: datetime, label: str, moment: datetime | None, what: str) -> None:
    if moment is not None and when < moment:
        raise UsageError(
            f"cannot {what} at {format_timestamp(when)}: that is before it was {label} "
            f"({format_timestamp(moment)})"
        )


def acknowledge(
    ws: Workspace,
    ref: str,
    *,
    at: str | datetime | None = None,
    by: str | None = None,
    message: str = "",
    backfill: bool = False,
    commit: bool = True,
) -> Outcome:
    """A responder engaged; the first acknowledgement sets ``acknowledged_at``."""

    def check(view: IncidentView, when: datetime) -> None:
        if view.acknowledged_at is not None:
            raise InvalidStateError(
                f"incident {view.id} was already acknowledged at "
                f"{format_timestamp(view.acknowledged_at)}"
            )
        _not_before(when, "detected", view.detected_at, "acknowledge")

    return _append(
        ws,
        ref,
        verb="ack",
        build=lambda f: Acknowledged(type="acknowledged", **f),
        check=check,
        at=at,
        by=by,
        message=message.strip(),
        backfill=backfill,
        commit=commit,
    )


def update(
    ws: Workspace,
    ref: str,
    message: str,
    *,
    status: UpdateStatus | str | None = None,
    at: str | datetime | None = None,
    by: str | None = None,
    backfill: bool = False,
    commit: bool = True,
) -> Outcome:
    """A timeline note, optionally moving the status."""
    text = clean_text(message, "update message")
    if status is not None and status not in ("investigating", "identified", "monitoring"):
        raise UsageError(
            f"unknown status {status!r}; use investigating, identified or monitoring "
            "(mitigate and resolve have their own commands)"
        )

    def check(view: IncidentView, when: datetime) -> None:
        if status is not None and view.status == "resolved":
            raise InvalidStateError(
                f"incident {view.id} is resolved; reopen it before changing its status"
            )

    new_status = cast(UpdateStatus | None, status)
    suffix = f" ({status})" if status else ""
    return _append(
        ws,
        ref,
        verb=f"update{suffix}",
        build=lambda f: Update(type="update", status=new_status, **f),
        check=check,
        at=at,
        by=by,
        message=text,
        backfill=backfill,
        commit=commit,
    )


def change_severity(
    ws: Workspace,
    ref: str,
    severity: str,
    *,
    reason: str,
    at: str | datetime | None = None,
    by: str | None = None,
    backfill: bool = False,
    commit: bool = True,
) -> Outcome:
    """Escalate or de-escalate; the reason is kept in the severity history."""
    level = ws.severity(severity)
    text = clean_text(reason, "--reason")

    escalating: list[bool] = []

    def check(view: IncidentView, when: datetime) -> None:
        if view.severity == level:
            raise InvalidStateError(f"incident {view.id} is already {level}")
        names = ws.config.severity_names()
        before = names.index(view.severity) if view.severity in names else len(names)
        escalating.append(names.index(level) < before and view.status != "resolved")

    return _append(
        ws,
        ref,
        verb=f"severity -> {level}",
        build=lambda f: SeverityChanged(type="severity", severity=level, **f),
        check=check,
        at=at,
        by=by,
        message=text,
        backfill=backfill,
        commit=commit,
        page_if=lambda: bool(escalating and escalating[0]),
    )


def assign(
    ws: Workspace,
    ref: str,
    role: str,
    person: str,
    *,
    at: str | datetime | None = None,
    by: str | None = None,
    message: str = "",
    backfill: bool = False,
    commit: bool = True,
) -> Outcome:
    """Give a role to a person; a second assignment of the role is a handoff."""
    role_name = ws.role(role)
    who = clean_person(person)

    def check(view: IncidentView, when: datetime) -> None:
        if view.roles.get(role_name) == who:
            raise InvalidStateError(f"{who} is already {role_name} of incident {view.id}")

    return _append(
        ws,
        ref,
        verb=f"assign {role_name} {who}",
        build=lambda f: RoleAssigned(type="role", role=role_name, person=who, **f),
        check=check,
        at=at,
        by=by,
        message=message.strip(),
        backfill=backfill,
        commit=commit,
    )


def mitigate(
    ws: Workspace,
    ref: str,
    *,
    at: str | datetime | None = None,
    by: str | None = None,
    message: str = "",
    backfill: bool = False,
    commit: bool = True,
) -> Outcome:
    """Customer impact stopped."""

    def check(view: IncidentView, when: datetime) -> None:
        if view.status == "resolved":
            raise InvalidStateError(f"incident {view.id} is already resolved")
        if view.mitigated_at is not None:
            raise InvalidStateError(
                f"incident {view.id} was already mitigated at {format_timestamp(view.mitigated_at)}"
            )
        _not_before(when, "detected", view.detected_at, "mitigate")
        _not_before(when, "acknowledged", view.acknowledged_at, "mitigate")

    return _append(
        ws,
        ref,
        verb="mitigate",
        build=lambda f: Mitigated(type="mitigated", **f),
        check=check,
        at=at,
        by=by,
        message=message.strip(),
        backfill=backfill,
        commit=commit,
    )


def resolve(
    ws: Workspace,
    ref: str,
    *,
    at: str | datetime | None = None,
    by: str | None = None,
    root_cause_class: str | None = None,
    message: str = "",
    backfill: bool = False,
    commit: bool = True,
) -> Outcome:
    """The incident is over."""
    cause = clean_name(root_cause_class, "root-cause class") if root_cause_class else None

    def check(view: IncidentView, when: datetime) -> None:
        if view.status == "resolved":
            raise InvalidStateError(
                f"incident {view.id} is already resolved (at "
                f"{format_timestamp(view.resolved_at) if view.resolved_at else '?'})",
                hint="to record new activity, reopen it: incidentctl reopen ID --reason ...",
            )
        _not_before(when, "detected", view.detected_at, "resolve")
        _not_before(when, "acknowledged", view.acknowledged_at, "resolve")
        _not_before(when, "mitigated", view.mitigated_at, "resolve")

    return _append(
        ws,
        ref,
        verb="resolve",
        build=lambda f: Resolved(type="resolved", root_cause_class=cause, **f),
        check=check,
        at=at,
        by=by,
        message=message.strip(),
        backfill=backfill,
        commit=commit,
    )


def reopen(
    ws: Workspace,
    ref: str,
    *,
    reason: str,
    at: str | datetime | None = None,
    by: str | None = None,
    commit: bool = True,
) -> Outcome:
    """A resolved incident is active again."""
    text = clean_text(reason, "--reason")

    def check(view: IncidentView, when: datetime) -> None:
        if view.status != "resolved":
            raise InvalidStateError(f"incident {view.id} is not resolved (status {view.status})")
        _not_before(when, "resolved", view.resolved_at, "reopen")

    return _append(
        ws,
        ref,
        verb="reopen",
        build=lambda f: Reopened(type="reopened", **f),
        check=check,
        at=at,
        by=by,
        message=text,
        backfill=False,
        commit=commit,
    )
