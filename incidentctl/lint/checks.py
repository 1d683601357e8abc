"""The checks of incident folders: schema, integrity, chronology and policy."""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import pairwise

from incidentctl.lint.collect import Collector
from incidentctl.lint.tree import IncidentFolder, RecordFile
from incidentctl.models.config import Config
from incidentctl.models.event import Event
from incidentctl.models.incident import IncidentRecord
from incidentctl.models.views import IncidentView
from incidentctl.store.records import check_event, check_incident
from incidentctl.timeline import fold, ordered
from incidentctl.yamlio.emit import format_timestamp

FUTURE_TOLERANCE = timedelta(minutes=1)
CONCURRENT_WINDOW = timedelta(minutes=10)
TRANSITIONS = ("severity", "mitigated", "resolved", "reopened")


def parse_problem(out: Collector, record: RecordFile) -> bool:
    """Report a file that did not parse; True if it did."""
    if record.problem is None and record.doc is not None:
        return True
    problem = record.problem
    message = problem.message if problem else "cannot be parsed"
    out.add("schema/parse", record.rel, problem.line if problem else None, message)
    return False


def _line(record: RecordFile, key: str) -> int | None:
    return record.doc.line_of((key,)) if record.doc else None


def schema(
    out: Collector, folder: IncidentFolder
) -> tuple[IncidentRecord | None, list[tuple[Event, RecordFile]]]:
    """Validate every file of the folder; return what validated."""
    record: IncidentRecord | None = None
    if folder.incident is not None and parse_problem(out, folder.incident):
        assert folder.incident.doc is not None
        record, problems = check_incident(folder.incident.doc)
        for p in problems:
            out.add("schema/invalid", folder.incident.rel, p.line, f"{p.field}: {p.message}")
        if record is not None and record.id != folder.incident_id:
            out.add(
                "integrity/id-mismatch",
                folder.incident.rel,
                _line(folder.incident, "id"),
                f"id {record.id!r} does not match its folder {folder.incident_id!r}",
            )
    events: list[tuple[Event, RecordFile]] = []
    for file in folder.events:
        if not parse_problem(out, file):
            continue
        assert file.doc is not None
        event, problems = check_event(file.doc)
        for p in problems:
            out.add("schema/invalid", file.rel, p.line, f"{p.field}: {p.message}")
        if event is None:
            continue
        stem = file.rel.rsplit("/", 1)[-1][:-3]
        if event.id != stem:
            out.add(
                "integrity/id-mismatch",
                file.rel,
                _line(file, "id"),
                f"id {event.id!r} does not match the file name {stem!r}",
            )
        if event.incident != folder.incident_id:
            out.add(
                "integrity/id-mismatch",
                file.rel,
                _line(file, "incident"),
                f"incident {event.incident!r} does not match its folder {folder.incident_id!r}",
            )
        events.append((event, file))
    return record, events


def chronology(
    out: Collector, view: IncidentView, events: list[tuple[Event, RecordFile]], now: datetime
) -> None:
    """Lifecycle order, future times, unmarked backfills, concurrent transitions."""
    by_id = {event.id: file for event, file in events}
    # Where each lifecycle time comes from; a line is looked up only for a finding.
    source: dict[str, tuple[RecordFile, tuple[str, ...]]] = {}
    declared = next((e for e, _ in events if e.type == "declared"), None)
    last_reopen = None
    for event in ordered(e for e, _ in events):
        file = by_id[event.id]
        if event.type == "declared":
            source["started_at"] = (file, ("started_at", "at"))
            source["detected_at"] = (file, ("detected_at", "at"))
        elif event.type == "acknowledged" and "acknowledged_at" not in source:
            source["acknowledged_at"] = (file, ("at",))
        elif event.type == "mitigated":
            source.setdefault("mitigated_at", (file, ("at",)))
        elif event.type == "resolved":
            source["resolved_at"] = (file, ("at",))
        elif event.type == "reopened":
            last_reopen = event
            source.pop("mitigated_at", None)
    chain = ("started_at", "detected_at", "acknowledged_at", "mitigated_at", "resolved_at")
    known = [(name, getattr(view, name)) for name in chain if getattr(view, name) is not None]
    for (a, ta), (b, tb) in pairwise(known):
        if tb < ta:
            path, line = f"incidents/{view.id}/incident.md", None
            if b in source:
                origin, keys = source[b]
                path = origin.rel
                line = next((n for k in keys if (n := _line(origin, k)) is not None), None)
            out.add(
                "chronology/order",
                path,
                line,
                f"{b} {format_timestamp(tb)} is before {a} {format_timestamp(ta)}",
                hint="record a correcting event, or fix the typo in the file",
            )
    for event, file in events:
        for key in ("at", "recorded_at", "started_at", "detected_at"):
            value = getattr(event, key, None)
            if isinstance(value, datetime) and value > now + FUTURE_TOLERANCE:
                out.add(
                    "chronology/future",
                    file.rel,
                    _line(file, key),
                    f"{key} {format_timestamp(value)} is in the future",
                )
        if declared is not None and event.at < declared.at and not event.backfill:
            out.add(
                "chronology/before-declared",
                file.rel,
                _line(file, "at"),
                f"{event.type} at {format_timestamp(event.at)} is before the declaration "
                f"({format_timestamp(declared.at)}) but is not marked backfill: true",
            )
    _concurrent(out, view, events, last_reopen)


def _concurrent(
    out: Collector,
    view: IncidentView,
    events: list[tuple[Event, RecordFile]],
    last_reopen: Event | None,
) -> None:
    transitions = [
        (e, f)
        for e, f in events
        if e.type in TRANSITIONS or (e.type == "update" and getattr(e, "status", None))
    ]
    resolutions = [(e, f) for e, f in transitions if e.type == "resolved"]
    for res, res_file in resolutions:
        for other, other_file in transitions:
            if other.id == res.id or other.type == "reopened" or other.by == res.by:
                continue
            if abs(other.at - res.at) <= CONCURRENT_WINDOW:
                out.add(
                    "chronology/concurrent-transition",
                    other_file.rel,
                    _line(other_file, "at"),
                    f"{other.type} by {other.by} at {format_timestamp(other.at)} was recorded "
                    f"concurrently with the resolution by {res.by} ({res_file.rel}); "
                    f"the incident is {view.status}",
                    hint="confirm the outcome: reopen the incident or record a correction",
                )
    if view.resolved_at is not None:
        for event, file in transitions:
            if (
                event.at > view.resolved_at
                and event.type not in ("resolved", "reopened")
                and (last_reopen is None or event.at > last_reopen.at)
            ):
                out.add(
                    "chronology/concurrent-transition",
                    file.rel,
                    _line(file, "at"),
                    f"{event.type} at {format_timestamp(event.at)} comes after the "
                    f"resolution at {format_timestamp(view.resolved_at)}",
                    hint="reopen the incident if it is active again",
                )


def policy(
    out: Collector,
    view: IncidentView,
    events: list[tuple[Event, RecordFile]],
    config: Config,
    incident_path: str,
    *,
    now: datetime,
    governed: bool = True,
) -> None:
    """Severity and roles against the policy.

    Names the policy does not define are always errors. The response rules apply only to
    ``governed`` incidents (:func:`incidentctl.routing.policy_applies`); a role the
    severity requires is a warning until its deadline (``roles_within_minutes`` after the
    severity took effect, as the checklist says), an error after it.
    """
    from incidentctl.routing import checklist

    names = config.severity_names()
    roles = config.role_names()
    for event, file in events:
        severity = getattr(event, "severity", None)
        if severity is not None and severity not in names:
            out.add(
                "policy/unknown-severity",
                file.rel,
                _line(file, "severity"),
                f"severity {severity!r} is not in the policy ({', '.join(names)})",
            )
        for role in [getattr(event, "role", None), *getattr(event, "roles", {})]:
            if role is not None and role not in roles:
                out.add(
                    "policy/unknown-role",
                    file.rel,
                    _line(file, "role") or _line(file, "roles"),
                    f"role {role!r} is not in the config ({', '.join(roles)})",
                )
    if not governed or view.declared_at is None:
        return
    steps = checklist(view, config, now)
    if steps is None:
        return
    missing = [r for r in steps.roles if r.holder is None]
    if missing:
        due = min(r.due_at for r in missing)
        overdue = any(r.overdue for r in missing)
        when = format_timestamp(due)
        out.add(
            "policy/required-roles",
            incident_path,
            None,
            f"{view.severity} requires {', '.join(r.role for r in missing)}, "
            + (f"not assigned by the deadline {when}" if overdue else f"to be assigned by {when}"),
            hint=f"incidentctl assign {view.id} {missing[0].role} NAME",
            severity="error" if overdue else "warning",
        )
    required = {r.role for r in steps.roles}
    if {"commander", "operations"} <= required:
        commander, operations = view.roles.get("commander"), view.roles.get("operations")
        if commander is not None and commander == operations:
            out.add(
                "policy/commander-is-operations",
                incident_path,
                None,
                f"{commander} is both commander and operations lead of a "
                f"{view.severity} incident; the commander coordinates and does not "
                "investigate",
                hint=f"incidentctl assign {view.id} operations NAME",
            )


def derive(
    record: IncidentRecord | None, events: list[tuple[Event, RecordFile]], body: str
) -> IncidentView | None:
    """The derived state when the incident record is valid."""
    if record is None:
        return None
    return fold(record, [e for e, _ in events], body)
