"""Blameless post-mortems: a draft prefilled from the records, reviews on a deadline."""

from __future__ import annotations

import os
import shlex
import subprocess
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from incidentctl.core.display import human, local
from incidentctl.core.errors import EnvironmentProblem, InvalidStateError, RecordError, UsageError
from incidentctl.core.templates import render_template
from incidentctl.models.review import POSTMORTEM_STATUSES, PostmortemRecord
from incidentctl.models.views import IncidentView
from incidentctl.store import transaction
from incidentctl.store.atomic import read_bytes
from incidentctl.store.records import load_incident, parse_bytes
from incidentctl.store.validation import problems
from incidentctl.workspace import Workspace
from incidentctl.yamlio.emit import render_record

if TYPE_CHECKING:
    from incidentctl.learn.similar import Match

TEMPLATE_PATH = "templates/postmortem.md"
DEFAULT_TEMPLATE = """\
# Post-mortem: {{title}}

## Summary

{{summary}}

## Impact

- Services: {{services}}
- Severity: {{severity_history}}
- Time at each severity: {{time_at_severity}}
- Customer impact: {{impact}} (started {{started_at}}, stopped {{impact_end}})
- Detection: {{ttd}} to detect, {{ttr}} from detection to resolution

## Timeline

Facts only, in order, times in {{timezone}}.

{{timeline}}

## Analysis

What conditions made this possible? Describe contributing factors at the system level
(and add each to `contributing_factors` in the frontmatter with a tag), not who did what.

## What went well

## Where we got lucky

## Actions

Add each with `incidentctl action add {{id}} "..." --owner NAME` so it is tracked.

## Lessons

## Similar earlier incidents

{{similar}}
"""


def path_of(ws: Workspace, incident_id: str) -> Path:
    return ws.layout.incident_dir(incident_id) / "postmortem.md"


def parse(raw: bytes, shown: str) -> tuple[PostmortemRecord, str, Any]:
    """A post-mortem's record, body and parsed document."""
    doc = parse_bytes(raw, shown)
    try:
        record = PostmortemRecord.model_validate(doc.meta)
    except ValidationError as exc:
        first = problems(exc, doc)[0]
        raise RecordError(f"{first.field}: {first.message}", path=shown, line=first.line) from None
    return record, doc.body, doc


def load(ws: Workspace, incident_id: str) -> tuple[PostmortemRecord, str] | None:
    """The incident's post-mortem, or None when it has none."""
    path = path_of(ws, incident_id)
    ws.layout.ensure_inside(path)
    try:
        raw = read_bytes(path)
    except FileNotFoundError:
        return None
    record, body, _ = parse(raw, ws.layout.relative(path))
    return record, body


def _timeline(view: IncidentView, ws: Workspace) -> str:
    lines = ["| time | event | by | detail |", "|---|---|---|---|"]
    for entry in view.timeline:
        detail = entry.message.replace("\n", " ").replace("|", "\\|")
        if entry.type == "severity":
            detail = f"→ {entry.details.get('severity')}. {detail}".strip()
        elif entry.type == "role":
            detail = f"{entry.details.get('role')}: {entry.details.get('person')}"
        elif entry.type == "update" and entry.details.get("status"):
            detail = f"[{entry.details['status']}] {detail}"
        elif entry.type == "declared":
            detail = f"declared {entry.details.get('severity')}"
        elif entry.type in ("corrected", "changed", "resolved"):
            facts = ", ".join(
                f"{k} = {', '.join(v) if isinstance(v, list) else v}"
                for k, v in entry.details.items()
            )
            detail = "; ".join(x for x in (facts, detail) if x)
        lines.append(f"| {local(entry.at, ws.repo_zone)} | {entry.type} | {entry.by} | {detail} |")
    return "\n".join(lines)


def values(ws: Workspace, view: IncidentView, similar: str) -> dict[str, str]:
    """What the template can use."""
    now = ws.now()
    impact_end = view.mitigated_at or view.resolved_at
    impact = (
        human((impact_end - view.started_at).total_seconds())
        if impact_end and view.started_at
        else "unknown (start or end not recorded)"
    )
    history = " → ".join(c.to for c in view.severity_history) or view.severity
    from incidentctl.incident.durations import time_at_severity

    at_severity, _ = time_at_severity(view, until=now)
    spent = ", ".join(f"{sev} {human(sec)}" for sev, sec in at_severity.items())
    ttd = (
        human((view.detected_at - view.started_at).total_seconds())
        if view.detected_at and view.started_at
        else "unknown"
    )
    ttr = (
        human((view.resolved_at - view.detected_at).total_seconds())
        if view.resolved_at and view.detected_at
        else "not resolved"
    )
    return {
        "id": view.id,
        "title": view.title,
        "summary": view.summary or view.title,
        "services": ", ".join(view.services) or "-",
        "severity_history": history,
        "time_at_severity": spent or "-",
        "impact": impact,
        "started_at": local(view.started_at, ws.repo_zone),
        "impact_end": local(impact_end, ws.repo_zone),
        "ttd": ttd,
        "ttr": ttr,
        "timezone": str(ws.repo_zone),
        "timeline": _timeline(view, ws),
        "similar": similar,
    }


def _similar_text(ws: Workspace, view: IncidentView) -> str:
    from incidentctl.learn.similar import rank

    everyone, _ = ws.incidents()
    matches = rank(view, everyone)
    if not matches:
        return "<!-- No earlier incident looks like this one. -->"
    lines = [
        "<!-- Earlier incidents that look like this one — if one is a recurrence, add its",
        "     id to recurrence_of in the frontmatter:",
    ]
    lines += [f"     {m.id} {m.title} (score {m.score}: {'; '.join(m.reasons)})" for m in matches]
    lines.append("-->")
    return "\n".join(lines)


def editor_command() -> list[str] | None:
    """``$VISUAL`` or ``$EDITOR`` as an argument list."""
    for name in ("VISUAL", "EDITOR"):
        value = os.environ.get(name, "").strip()
        if value:
            return shlex.split(value)
    return None


def open_in_editor(path: Path) -> None:
    """Open ``path`` in the user's editor and wait for it."""
    command = editor_command()
    if command is None:
        raise EnvironmentProblem("no editor: set $VISUAL or $EDITOR, or pass --no-edit")
    try:
        result = subprocess.run([*command, str(path)], check=False)
    except OSError as exc:
        raise EnvironmentProblem(f"cannot start editor {command[0]!r}: {exc.strerror}") from None
    if result.returncode != 0:
        raise EnvironmentProblem(
            f"editor exited with code {result.returncode}; the draft is kept at {path}"
        )


@dataclass(frozen=True)
class Draft:
    """A new post-mortem."""

    incident_id: str
    path: Path
    committed: bool


def new(ws: Workspace, ref: str, *, commit: bool = True) -> Draft:
    """Write the draft post-mortem next to the incident (never over an existing one)."""
    incident_id = ws.resolve_id(ref)
    view = load_incident(ws.layout, incident_id)
    from incidentctl.org.private import refuse_narrative

    refuse_narrative(view, "post-mortem")
    path = path_of(ws, incident_id)
    if path.exists():
        raise InvalidStateError(
            f"incident {incident_id} already has a post-mortem ({ws.layout.relative(path)})",
            hint=f"edit it, or run: incidentctl postmortem check {incident_id}",
        )
    kind = ws.config.incident_type(view.type)
    chosen = kind.template if kind is not None and kind.template else TEMPLATE_PATH
    template_file = ws.root / chosen
    if chosen != TEMPLATE_PATH:
        ws.layout.ensure_inside(template_file)
    if chosen != TEMPLATE_PATH and not template_file.is_file():
        from incidentctl.core.errors import RecordError

        raise RecordError(
            f"types: {view.type!r} names template {chosen!r}, which does not exist",
            path=".incidentctl.yaml",
        )
    template = (
        template_file.read_text(encoding="utf-8") if template_file.is_file() else DEFAULT_TEMPLATE
    )
    body = render_template(template, values(ws, view, _similar_text(ws, view)), chosen)
    record = PostmortemRecord(
        incident=incident_id, root_cause_class=view.root_cause_class, created_at=ws.now()
    )
    meta: dict[str, Any] = {
        "incident": record.incident,
        "status": record.status,
        "facilitator": None,
        "authors": [],
        "review_meeting": None,
        "root_cause_class": record.root_cause_class,
        "contributing_factors": [],
        "recurrence_of": [],
        "created_at": record.created_at,
    }
    with transaction.locked(ws.layout):
        change = transaction.Change(
            message=f"postmortem({incident_id}): draft", created={path: render_record(meta, body)}
        )
        transaction.apply(ws.layout, change, commit=commit)
    return Draft(incident_id, path, commit)


def factor_tags(ws: Workspace, views: list[IncidentView]) -> dict[str, set[str]]:
    """Each incident's contributing-factor tags, from its post-mortem (if it has one)."""
    factors: dict[str, set[str]] = {}
    for view in views:
        current = load(ws, view.id) if view.id else None
        if current:
            factors[view.id] = {f.tag for f in current[0].contributing_factors}
    return factors


def similar(ws: Workspace, ref: str) -> list[Match]:
    """Earlier incidents that look like ``ref``, ranked with their reasons (shared
    contributing factors from the post-mortems count too)."""
    from incidentctl.learn.similar import rank

    target = ws.incident(ref)
    views, _ = ws.incidents()
    return rank(target, views, factor_tags(ws, views))


def status_changes(record: PostmortemRecord, status: str, now: datetime) -> dict[str, Any] | None:
    """The frontmatter changes for a move from ``current`` to ``status``; None when the
    move would skip the review (``published`` is reached only from ``reviewed``). Moving
    back clears the timestamps of the states left behind."""
    if status == "published" and record.status != "reviewed":
        return None
    changes: dict[str, Any] = {"status": status}
    if status in ("reviewed", "published") and record.reviewed_at is None:
        changes["reviewed_at"] = now
    if status == "published":
        changes["published_at"] = now
    if status in ("draft", "in-review") and record.reviewed_at is not None:
        changes["reviewed_at"] = None
    if status != "published" and record.published_at is not None:
        changes["published_at"] = None
    return changes


def set_status(ws: Workspace, ref: str, status: str, *, commit: bool = True) -> PostmortemRecord:
    """Move the review along: draft → in-review → reviewed → published."""
    from incidentctl.store.roundtrip import update_frontmatter

    if status not in POSTMORTEM_STATUSES:
        raise UsageError(f"status must be one of {', '.join(POSTMORTEM_STATUSES)}")
    incident_id = ws.resolve_id(ref)
    path = path_of(ws, incident_id)
    if status in ("reviewed", "published") and ws.config.fields:
        from incidentctl.org.fields import refuse_missing

        refuse_missing(ws, ws.incident(incident_id), "review")
    with transaction.locked(ws.layout):
        current = load(ws, incident_id)
        if current is None:
            raise InvalidStateError(
                f"incident {incident_id} has no post-mortem",
                hint=f"incidentctl postmortem new {incident_id}",
            )
        record, _ = current
        if record.status == status:
            raise InvalidStateError(f"the post-mortem of {incident_id} is already {status}")
        changes = status_changes(record, status, ws.now())
        if changes is None:
            raise InvalidStateError(
                f"the post-mortem of {incident_id} is {record.status}; it can be published "
                "only once it is reviewed; nothing was changed",
                hint=f"incidentctl postmortem status {incident_id} reviewed",
            )
        text = update_frontmatter(read_bytes(path), changes)
        updated, _, _ = parse(text.encode("utf-8"), ws.layout.relative(path))
        change = transaction.Change(
            message=f"postmortem({incident_id}): {status}", replaced={path: text}
        )
        transaction.apply(ws.layout, change, commit=commit)
    return updated


@dataclass(frozen=True)
class ReviewDue:
    """A post-mortem the policy requires, and where it stands."""

    incident_id: str
    title: str
    severity: str
    status: str  # missing | draft | in-review | reviewed | published
    due: datetime | None
    overdue_days: int


def required(ws: Workspace, views: list[IncidentView], now: datetime) -> list[ReviewDue]:
    """Every incident whose severity requires a review, with its review's state."""
    names = ws.config.severity_names()
    out = []
    for view in views:
        if (
            view.severity not in names
            or view.drill
            or view.duplicate_of
            or view.status == "declined"
        ):
            continue
        response = ws.config.level(view.severity).response
        current = load(ws, view.id)
        if not ws.config.postmortem_required(view.type, view.severity) and current is None:
            continue
        state = current[0].status if current else "missing"
        due = None
        if view.resolved_at and response.review_window_days:
            due = view.resolved_at + timedelta(days=response.review_window_days)
        late = 0
        if due and now > due and state not in ("reviewed", "published"):
            late = max(1, (now - due).days)
        out.append(ReviewDue(view.id, view.title, view.severity, state, due, late))
    out.sort(key=lambda r: (-r.overdue_days, r.due or now, r.incident_id))
    return out
