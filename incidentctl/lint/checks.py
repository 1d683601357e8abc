"""The checks of incident folders: schema, integrity, chronology and policy."""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import pairwise

from incidentctl.incident.definitions import CORRECTABLE, DEFINITIONS
from incidentctl.incident.fold import History, declaration, fold, ordered
from incidentctl.incident.state import CHAIN, declared_problems
from incidentctl.lint.collect import Collector
from incidentctl.lint.tree import IncidentFolder, RecordFile
from incidentctl.models.config import Config
from incidentctl.models.event import Event
from incidentctl.models.incident import IncidentRecord
from incidentctl.models.views import IncidentView
from incidentctl.store.records import check_event, check_incident
from incidentctl.yamlio.emit import format_timestamp

FUTURE_TOLERANCE = timedelta(minutes=1)
CLOSING = ("resolved", "declined")


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
    # Where each lifecycle time comes from, as the event definitions say; a line is looked
    # up only for a finding.
    source: dict[str, tuple[RecordFile, tuple[str, ...]]] = {}
    by_id = {event.id: file for event, file in events}
    origin = declaration([e for e, _ in events])
    if origin is not None:
        file = by_id[origin.id]
        source["started_at"] = (file, ("started_at", "at"))
        source["detected_at"] = (file, ("detected_at", "at"))
        source["declared_at"] = (file, ("at",))
    for event in ordered(e for e, _ in events):
        if event is origin:
            continue
        file = by_id[event.id]
        for name in DEFINITIONS[event.type].sets:
            key = name if name in CORRECTABLE else "at"
            if getattr(event, key, None) == getattr(view, name):
                source[name] = (file, (key,))
    known = [(name, getattr(view, name)) for name in CHAIN if getattr(view, name) is not None]
    for (a, ta), (b, tb) in pairwise(known):
        if tb < ta:
            path, line = f"incidents/{view.id}/incident.md", None
            if b in source:
                origin_file, keys = source[b]
                path = origin_file.rel
                line = next((n for k in keys if (n := _line(origin_file, k)) is not None), None)
            out.add(
                "chronology/order",
                path,
                line,
                f"{b} {format_timestamp(tb)} is before {a} {format_timestamp(ta)}",
                hint="record a correction (incidentctl correct), or fix the typo in the file",
            )
    for first, _ in sorted(declared_problems(view)):
        path, line = f"incidents/{view.id}/incident.md", None
        if "declared_at" in source:
            origin_file, keys = source["declared_at"]
            path, line = origin_file.rel, _line(origin_file, keys[0])
        out.add(
            "chronology/order",
            path,
            line,
            f"declared_at {format_timestamp(view.declared_at)} is before {first} "  # type: ignore[arg-type]
            f"{format_timestamp(getattr(view, first))}",
            hint="record a correction (incidentctl correct), or fix the typo in the file",
        )
    declared_at = origin.at if origin is not None else None
    for event, file in events:
        for key in ("at", "recorded_at", "started_at", "detected_at", "declared_at"):
            value = getattr(event, key, None)
            if isinstance(value, datetime) and value > now + FUTURE_TOLERANCE:
                out.add(
                    "chronology/future",
                    file.rel,
                    _line(file, key),
                    f"{key} {format_timestamp(value)} is in the future",
                )
        if (
            view.started_at is not None
            and event.at < view.started_at
            and event.type not in ("declared", "corrected", "changed", "alert")
        ):
            out.add(
                "chronology/before-start",
                file.rel,
                _line(file, "at"),
                f"{event.type} at {format_timestamp(event.at)} is before the incident started "
                f"({format_timestamp(view.started_at)})",
                hint="fix the time in the source, or correct started_at",
            )
        if declared_at is not None and event.at < declared_at and not event.backfill:
            out.add(
                "chronology/before-declared",
                file.rel,
                _line(file, "at"),
                f"{event.type} at {format_timestamp(event.at)} is before the declaration "
                f"({format_timestamp(declared_at)}) but is not marked backfill: true",
            )
    _concurrent(out, view, events)


def _concurrent(out: Collector, view: IncidentView, events: list[tuple[Event, RecordFile]]) -> None:
    """Two events deciding the same thing differently, recorded in clones that had not seen
    each other (each event lists what its clone had seen: ``after``)."""
    history = History(e for e, _ in events)
    deciding = []
    for event, file in events:
        aspect_of = DEFINITIONS[event.type].aspect
        found = aspect_of(event) if aspect_of else None
        if found is not None:
            deciding.append((event, file, found))
    deciding.sort(key=lambda item: (item[0].at, item[0].id))
    for i, (first, _, one) in enumerate(deciding):
        for second, second_file, other in deciding[i + 1 :]:
            if _conflict(one, other) and history.concurrent(first.id, second.id):
                aspect = one[0] if one[0] == other[0] else "status"
                out.add(
                    "chronology/concurrent-transition",
                    second_file.rel,
                    _line(second_file, "at"),
                    f"{second.type} by {second.by} at {format_timestamp(second.at)} and "
                    f"{first.type} by {first.by} at {format_timestamp(first.at)} were recorded "
                    f"in clones that had not seen each other; the {aspect} is now "
                    f"{_now(view, aspect)}",
                    hint="confirm the outcome: record the right state with a new event",
                )


def _conflict(one: tuple[str, str], other: tuple[str, str]) -> bool:
    """The same thing decided differently, or the incident closed while its severity moved."""
    if one[0] == other[0]:
        return one[1] != other[1]
    closing = {a for a, v in (one, other) if a == "status" and v in CLOSING}
    return bool(closing) and {one[0], other[0]} == {"status", "severity"}


def _now(view: IncidentView, aspect: str) -> str:
    if aspect == "severity":
        return view.severity
    if aspect.startswith("role "):
        return view.roles.get(aspect[5:], "unassigned")
    return view.status


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
    ``governed`` incidents (:func:`incidentctl.severity.routing.policy_applies`); a role the
    severity requires is a warning until its deadline (``roles_within_minutes`` after the
    severity took effect, as the checklist says), an error after it.
    """
    from incidentctl.severity.routing import checklist

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
    if not governed or view.declared_at is None or view.status == "declined":
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
