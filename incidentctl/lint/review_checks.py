"""Checks of post-mortems and action items: format, references, deadlines, blameless words."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from incidentctl.learn import blameless
from incidentctl.lint.collect import Collector
from incidentctl.lint.tree import RecordFile
from incidentctl.models.config import Config
from incidentctl.models.review import ActionRecord, PostmortemRecord
from incidentctl.models.views import IncidentView
from incidentctl.store.layout import Layout
from incidentctl.store.validation import problems
from incidentctl.yamlio.emit import format_timestamp


def _parsed(out: Collector, file: RecordFile) -> bool:
    if file.problem is None and file.doc is not None:
        return True
    out.add(
        "schema/parse",
        file.rel,
        file.problem.line if file.problem else None,
        file.problem.message if file.problem else "cannot be parsed",
    )
    return False


def postmortem(
    out: Collector, file: RecordFile, incident_id: str, view: IncidentView | None, layout: Layout
) -> PostmortemRecord | None:
    """Validate a post-mortem and check its words."""
    from pydantic import ValidationError

    if not _parsed(out, file):
        return None
    assert file.doc is not None
    try:
        record = PostmortemRecord.model_validate(file.doc.meta)
    except ValidationError as exc:
        for p in problems(exc, file.doc):
            out.add("schema/invalid", file.rel, p.line, f"{p.field}: {p.message}")
        return None
    if record.incident != incident_id:
        out.add(
            "integrity/id-mismatch",
            file.rel,
            file.doc.line_of(("incident",)),
            f"incident {record.incident!r} does not match its folder {incident_id!r}",
        )
    for i, ref in enumerate(record.recurrence_of):
        if not layout.incident_dir(ref).is_dir():
            out.add(
                "integrity/reference",
                file.rel,
                file.doc.line_of(("recurrence_of", i)),
                f"recurrence_of {ref!r} is not an incident",
            )
    body_start = _body_line(file)
    for hit in blameless.check(file.doc.body, first_line=body_start):
        out.add(hit.rule, file.rel, hit.line, f"{hit.phrase!r}: {hit.suggestion}")
    people = set()
    if view is not None:
        people = {e.by for e in view.timeline} | {c.person for c in view.role_history}
    people |= set(record.authors) | ({record.facilitator} if record.facilitator else set())
    for i, factor in enumerate(record.contributing_factors):
        named = blameless.person_as_cause(factor.factor, people)
        if named:
            out.add(
                "blameless/person-as-cause",
                file.rel,
                file.doc.line_of(("contributing_factors", i, "factor")),
                f"contributing factor names {named!r}; describe the condition in the "
                "system that made the action possible",
            )
    return record


def _body_line(file: RecordFile) -> int:
    text = file.text or ""
    end = text.find("\n---\n", 3)
    return text[: end + 5].count("\n") + 1 if end >= 0 else 1


def postmortem_required(
    out: Collector, view: IncidentView, config: Config, now: datetime, has_postmortem: bool
) -> None:
    """A required review that does not exist: a warning until its window has passed (call
    only for incidents the response policy governs), an error after."""
    if (
        has_postmortem
        or view.drill
        or view.duplicate_of
        or view.status == "declined"
        or view.resolved_at is None
    ):
        return
    if view.severity not in config.severity_names():
        return
    response = config.level(view.severity).response
    if not config.postmortem_required(view.type, view.severity):
        return
    days = response.review_window_days or 0
    due = view.resolved_at + timedelta(days=days)
    overdue = now > due
    out.add(
        "policy/postmortem-required",
        f"incidents/{view.id}/incident.md",
        None,
        f"{view.severity} requires a post-mortem within {days} days of resolution; "
        + ("none exists" if overdue else f"due by {format_timestamp(due)}"),
        hint=f"incidentctl postmortem new {view.id}",
        severity="error" if overdue else "warning",
    )


def actions(
    out: Collector,
    files: list[RecordFile],
    layout: Layout,
    config: Config | None,
    today: date,
    strict_overdue: bool,
) -> list[ActionRecord]:
    """Validate action items, their incident, and their deadlines."""
    from pydantic import ValidationError

    found = []
    severity = (
        "error"
        if strict_overdue or (config is not None and config.lint.overdue_actions == "error")
        else None
    )
    for file in files:
        if not _parsed(out, file):
            continue
        assert file.doc is not None
        try:
            record = ActionRecord.model_validate(file.doc.meta)
        except ValidationError as exc:
            for p in problems(exc, file.doc):
                out.add("schema/invalid", file.rel, p.line, f"{p.field}: {p.message}")
            continue
        if file.rel != f"actions/{record.id}.md":
            out.add(
                "integrity/id-mismatch",
                file.rel,
                file.doc.line_of(("id",)),
                f"id {record.id!r} does not match the file name",
            )
        if not layout.incident_dir(record.incident).is_dir():
            out.add(
                "integrity/reference",
                file.rel,
                file.doc.line_of(("incident",)),
                f"incident {record.incident!r} does not exist",
            )
        if record.status == "open" and record.due < today:
            out.add(
                "policy/action-overdue",
                file.rel,
                file.doc.line_of(("due",)),
                f"{record.title!r} (owner {record.owner}) was due {record.due.isoformat()}, "
                f"{(today - record.due).days} day(s) ago",
                hint=f"incidentctl action done {record.id}, or reassign it with a new --due",
                severity=severity,
            )
        found.append(record)
    return found


def runbook_files(
    out: Collector,
    files: list[RecordFile],
    config: Config | None,
    today: date,
    now: datetime,
    last_run: dict[tuple[str, int], datetime] | None,
) -> None:
    """Validate runbooks and exercise records; flag stale automation and overdue reviews."""
    from pydantic import ValidationError

    from incidentctl.models.runbook import Exercise, RunbookRecord
    from incidentctl.runbooks.runbook import step_problems

    window = timedelta(days=config.runbooks.exercise_within_days if config else 90)
    for file in files:
        if not _parsed(out, file):
            continue
        assert file.doc is not None
        model = RunbookRecord if file.kind == "runbook" else Exercise
        try:
            record = model.model_validate(file.doc.meta)
        except ValidationError as exc:
            for p in problems(exc, file.doc):
                out.add("schema/invalid", file.rel, p.line, f"{p.field}: {p.message}")
            continue
        if not isinstance(record, RunbookRecord):
            continue
        for where, message in step_problems(record):
            out.add("runbook/placement", file.rel, file.doc.line_of(where), message)
        if record.review_by and record.review_by < today:
            out.add(
                "runbook/review-overdue",
                file.rel,
                file.doc.line_of(("review_by",)),
                f"review was due {record.review_by.isoformat()}",
                hint="review the runbook with its owner and move review_by",
            )
        if last_run is None:
            continue
        name = file.rel.rsplit("/", 1)[-1][:-3]
        for i, step in enumerate(record.steps):
            if step.placement != "automated":
                continue
            when = last_run.get((name, i + 1))
            if when is None or now - when > window:
                age = (
                    "never exercised"
                    if when is None
                    else f"last exercised {(now - when).days} days ago"
                )
                out.add(
                    "runbook/stale-step",
                    file.rel,
                    file.doc.line_of(("steps", i)),
                    f"automated step {i + 1} ({step.title}) {age}",
                    hint=f"incidentctl runbook run {name} --gameday --target staging "
                    f"--step {i + 1}",
                )
