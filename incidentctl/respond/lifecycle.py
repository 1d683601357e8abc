"""The incident lifecycle: declare, ack, update, severity, assign, mitigate, resolve, reopen,
decline and correct.

Each operation builds its event, asks :func:`incidentctl.incident.admit.admit` whether it may
be recorded (the event type's guard at its time, the lifecycle order, its effect), writes one
new event file under the clone lock (declare also writes ``incident.md``) and makes one commit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from incidentctl.core.errors import UsageError
from incidentctl.core.ids import new_event_id, new_incident_id
from incidentctl.core.severity import more_severe
from incidentctl.core.text import clean_name, clean_text, refuse_secrets
from incidentctl.incident.admit import admit
from incidentctl.incident.fold import fold, fold_state, heads
from incidentctl.incident.state import State
from incidentctl.models.event import (
    DETECTION_SOURCES,
    Acknowledged,
    AlertLinked,
    Corrected,
    Declared,
    Declined,
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


def _page(
    ws: Workspace, view: IncidentView, person: str, at: datetime, after: list[str]
) -> Paged | None:
    """Run the page hook when the incident's level pages; None when there is no hook."""
    config = ws.config
    if view.retrospective:
        return None
    if view.severity not in config.severity_names():
        return None
    if not config.level(view.severity).response.page or not config.hooks.page:
        return None
    from incidentctl.severity import hooks

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
        after=after,
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
    at: str | datetime | None = None,
    retrospective: bool = False,
    commander: str | None = None,
    drill: bool = False,
    by: str | None = None,
    summary: str = "",
    commit: bool = True,
    detected_by: str | None = None,
    alert_group: str | None = None,
    incident_type: str | None = None,
    fields: list[str] | None = None,
    private: bool = False,
) -> Outcome:
    """Open a new incident; returns it with its new id.

    ``private`` keeps the title and summary in the private records repo (``private.repo``)
    and writes a stub with the figures only here (:mod:`incidentctl.org.private`).

    ``at`` is when it was declared (default now); ``retrospective`` marks an incident
    recorded after the fact: no page is sent and the checklist says what was required.
    """
    title = clean_text(title, "title", single_line=True, limit=200)
    level = ws.severity(severity)
    config = ws.config
    # An alert's service label is kept even when the catalog does not list it (lint warns).
    service_names = sorted({ws.service(s, catalog=alert_group is None) for s in services or []})
    category_name = clean_name(category, "category", config.categories) if category else None
    now = ws.now()
    declared = ws.when(at) if at is not None else now
    detected = ws.when(detected_at) if detected_at is not None else None
    started = ws.when(started_at) if started_at is not None else None
    if started and detected and started > detected:
        raise UsageError(
            f"--started-at {format_timestamp(started)} is after --detected-at "
            f"{format_timestamp(detected)}"
        )
    if detected and detected > declared:
        raise UsageError(
            f"--detected-at {format_timestamp(detected)} is after the declaration "
            f"({format_timestamp(declared)}); an incident is declared once it is noticed"
        )
    if started and not detected and started > declared:
        raise UsageError(
            f"--started-at {format_timestamp(started)} is after the declaration "
            f"({format_timestamp(declared)})"
        )
    if detected_by is not None and detected_by not in DETECTION_SOURCES:
        raise UsageError(f"--detected-by must be one of {', '.join(DETECTION_SOURCES)}")
    from incidentctl.org import fields as custom

    kind = custom.incident_type(ws, incident_type) if incident_type else None
    values: dict[str, str | None] = {
        k: v for k, v in custom.parse_assignments(ws, fields or []).items() if v is not None
    }
    person = ws.person(by) if by else ws.default_person()
    roles = {"commander": ws.person(commander)} if commander else {}
    if roles and "commander" not in config.role_names():
        raise UsageError("this repo's config defines no 'commander' role")
    body = summary.strip()
    refuse_secrets(title=title, summary=body)
    secret_ws = None
    if private:
        from incidentctl.org.private import PLACEHOLDER, private_workspace

        secret_ws = private_workspace(ws)
        full_title, full_body = title, body
        title, body = PLACEHOLDER, ""

    with transaction.locked(ws.layout):
        existing = set(ws.layout.incident_ids())
        if secret_ws is not None:
            existing |= set(secret_ws.layout.incident_ids())
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
            at=declared,
            by=person,
            recorded_at=now,
            severity=level,
            started_at=started,
            detected_at=detected,
            roles=roles,
            detected_by=cast(DetectedBy | None, detected_by),
            retrospective=retrospective,
            incident_type=kind if kind != "default" else None,
            fields=values or None,
            private=True if secret_ws is not None else None,
        )
        if secret_ws is not None:
            # The narrative first: a stub never exists without its private record.
            with transaction.locked(secret_ws.layout):
                full = record.model_copy(update={"title": full_title})
                transaction.apply(
                    secret_ws.layout,
                    transaction.Change(
                        message=f"incident({incident_id}): declare {level}: {full_title}",
                        created={
                            secret_ws.layout.incident_file(incident_id): render_incident(
                                full, full_body
                            ),
                            secret_ws.layout.event_file(incident_id, event.id): render_event(event),
                        },
                    ),
                    commit=commit,
                )
        incident_path = ws.layout.incident_file(incident_id)
        event_path = ws.layout.event_file(incident_id, event.id)
        created = {
            incident_path: render_incident(record, body),
            event_path: render_event(event),
        }
        last = event.id
        if alert_group is not None:
            linked = AlertLinked(
                id=new_event_id(),
                incident=incident_id,
                type="alert",
                at=declared,
                by=person,
                recorded_at=now,
                group=alert_group,
                after=[last],
            )
            created[ws.layout.event_file(incident_id, linked.id)] = render_event(linked)
            last = linked.id
        paged = _page(ws, fold(record, [event], body), person, declared, [last])
        if paged is not None:
            created[ws.layout.event_file(incident_id, paged.id)] = render_event(paged)
        change = transaction.Change(
            message=f"incident({incident_id}): declare {level}: {title}", created=created
        )
        transaction.apply(ws.layout, change, commit=commit)
        view = load_incident(ws.layout, incident_id)
    return Outcome(view, event.id, ws.layout.relative(incident_path), commit, _page_note(paged))


Build = Callable[[dict[str, Any]], Event]
PageIf = Callable[[State, State], bool]


def append(
    ws: Workspace,
    ref: str,
    *,
    verb: str,
    build: Build,
    at: str | datetime | None,
    by: str | None,
    message: str,
    backfill: bool,
    commit: bool,
    page_if: PageIf | None = None,
) -> Outcome:
    """Record one event built by ``build`` from the common fields, if the incident admits it.

    Used by every command that adds to a timeline (lifecycle, comms, runbooks, alerts).
    """
    incident_id = ws.resolve_id(ref)
    when = ws.when(at)
    person = ws.person(by) if by else ws.default_person()
    refuse_secrets(message=message)
    with transaction.locked(ws.layout):
        record, body = read_incident(ws.layout, incident_id)
        existing = read_events(ws.layout, incident_id)
        current = fold_state(record, existing)
        declared = current.declared_at
        if declared is not None and when < declared and not backfill:
            raise UsageError(
                f"{format_timestamp(when)} is before incident {incident_id} was declared "
                f"({format_timestamp(declared)})",
                hint="pass --backfill to record an earlier event on purpose",
            )
        now = ws.now()
        event = build(
            {
                "id": new_event_id(),
                "incident": incident_id,
                "at": when,
                "by": person,
                "recorded_at": now,
                "backfill": declared is not None and when < declared,
                "after": heads(existing),
                "message": message,
            }
        )
        after = admit(record, existing, event)
        path = ws.layout.event_file(incident_id, event.id)
        if current.private:
            event = _keep_private(ws, event, verb, commit)
        created = {path: render_event(event)}
        paged = None
        if page_if is not None and page_if(current, after):
            view = fold(record, [*existing, event], body)
            paged = _page(ws, view, person, now, [event.id])
            if paged is not None:
                created[ws.layout.event_file(incident_id, paged.id)] = render_event(paged)
        change = transaction.Change(message=f"incident({incident_id}): {verb}", created=created)
        transaction.apply(ws.layout, change, commit=commit)
        result = load_incident(ws.layout, incident_id)
    return Outcome(result, event.id, ws.layout.relative(path), commit, _page_note(paged))


def _keep_private(ws: Workspace, event: Event, verb: str, commit: bool) -> Event:
    """Record ``event`` whole in the private repo; return what the stub may hold (the
    event without its message). Refused when a message cannot reach the private repo."""
    from incidentctl.core.errors import EnvironmentProblem
    from incidentctl.org.private import private_workspace

    secret_ws = private_workspace(ws, required=False)
    if secret_ws is None or not secret_ws.layout.incident_dir(event.incident).is_dir():
        if event.message:
            raise EnvironmentProblem(
                f"incident {event.incident} is private and its records repo is not available "
                "here: the message cannot be kept out of this repo; nothing was written",
                hint="set private.repo to a clone of the private records repo",
            )
        return event
    with transaction.locked(secret_ws.layout):
        change = transaction.Change(
            message=f"incident({event.incident}): {verb}",
            created={secret_ws.layout.event_file(event.incident, event.id): render_event(event)},
        )
        transaction.apply(secret_ws.layout, change, commit=commit)
    return event.model_copy(update={"message": ""})


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
    return append(
        ws,
        ref,
        verb="ack",
        build=lambda f: Acknowledged(type="acknowledged", **f),
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
    new_status = cast(UpdateStatus | None, status)
    suffix = f" ({status})" if status else ""
    return append(
        ws,
        ref,
        verb=f"update{suffix}",
        build=lambda f: Update(type="update", status=new_status, **f),
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
    """Escalate or de-escalate; the reason is kept in the severity history.

    The page hook runs when the incident's current severity becomes more severe than it
    was (a backfilled change that a later one overrides pages nobody).
    """
    level = ws.severity(severity)
    text = clean_text(reason, "--reason")
    order = ws.config.severity_names()

    def escalates(before: State, after: State) -> bool:
        return not after.closed and more_severe(after.severity, before.severity, order)

    return append(
        ws,
        ref,
        verb=f"severity -> {level}",
        build=lambda f: SeverityChanged(type="severity", severity=level, **f),
        at=at,
        by=by,
        message=text,
        backfill=backfill,
        commit=commit,
        page_if=escalates,
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
    who = ws.person(person)
    return append(
        ws,
        ref,
        verb=f"assign {role_name} {who}",
        build=lambda f: RoleAssigned(type="role", role=role_name, person=who, **f),
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
    return append(
        ws,
        ref,
        verb="mitigate",
        build=lambda f: Mitigated(type="mitigated", **f),
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
    """The incident is over; refused while a field its type requires is not set."""
    cause = clean_name(root_cause_class, "root-cause class") if root_cause_class else None
    if ws.config.fields:
        from incidentctl.org.fields import refuse_missing

        refuse_missing(ws, ws.incident(ref), "resolve")
    return append(
        ws,
        ref,
        verb="resolve",
        build=lambda f: Resolved(type="resolved", root_cause_class=cause, **f),
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
    backfill: bool = False,
    commit: bool = True,
) -> Outcome:
    """A resolved (or declined) incident is active again."""
    text = clean_text(reason, "--reason")
    return append(
        ws,
        ref,
        verb="reopen",
        build=lambda f: Reopened(type="reopened", **f),
        at=at,
        by=by,
        message=text,
        backfill=backfill,
        commit=commit,
    )


def decline(
    ws: Workspace,
    ref: str,
    *,
    reason: str,
    at: str | datetime | None = None,
    by: str | None = None,
    backfill: bool = False,
    commit: bool = True,
) -> Outcome:
    """Not an incident after all: left out of every figure, asked for no roles or review."""
    text = clean_text(reason, "--reason")
    return append(
        ws,
        ref,
        verb="decline",
        build=lambda f: Declined(type="declined", **f),
        at=at,
        by=by,
        message=text,
        backfill=backfill,
        commit=commit,
    )


def correct(
    ws: Workspace,
    ref: str,
    *,
    reason: str,
    started_at: str | datetime | None = None,
    detected_at: str | datetime | None = None,
    declared_at: str | datetime | None = None,
    root_cause_class: str | None = None,
    by: str | None = None,
    commit: bool = True,
) -> Outcome:
    """Record what the review found: corrected lifecycle times or root-cause class.

    The correction is an event recorded now; the latest correction of a fact wins.
    """
    text = clean_text(reason, "--reason")
    values: dict[str, Any] = {
        "started_at": ws.when(started_at) if started_at is not None else None,
        "detected_at": ws.when(detected_at) if detected_at is not None else None,
        "declared_at": ws.when(declared_at) if declared_at is not None else None,
        "root_cause_class": (
            clean_name(root_cause_class, "root-cause class") if root_cause_class else None
        ),
    }
    given = [name for name, value in values.items() if value is not None]
    if not given:
        raise UsageError(
            "nothing to correct: give --started-at, --detected-at, --declared-at or "
            "--root-cause-class"
        )
    return append(
        ws,
        ref,
        verb=f"correct {', '.join(given)}",
        build=lambda f: Corrected(type="corrected", **values, **f),
        at=None,
        by=by,
        message=text,
        backfill=True,  # recorded when it is made, whatever the incident's times
        commit=commit,
    )
