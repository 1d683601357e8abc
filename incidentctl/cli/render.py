"""Plain-text rendering of incidents for people (times in the repo's timezone)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import tzinfo

from incidentctl.core.display import local
from incidentctl.models.views import IncidentSummary, IncidentView


def _as_is(person: str) -> str:
    return person


def show(view: IncidentView, zone: tzinfo, name: Callable[[str], str] = _as_is) -> str:
    """The whole incident: state, roles, severity history and timeline; ``name`` turns a
    stored person (a handle) into what people read (their display name)."""
    lines = [f"{view.id}  {view.title}"]
    flags = " (drill)" if view.drill else ""
    lines.append(f"  severity   {view.severity}{flags}")
    lines.append(f"  status     {view.status}")
    lines.append(f"  services   {', '.join(view.services) or '-'}")
    if view.teams or view.systems:
        lines.append(f"  team       {', '.join(view.teams) or '-'}")
        lines.append(f"  system     {', '.join(view.systems) or '-'}")
    lines.append(f"  category   {view.category or '-'}")
    if view.type != "default":
        lines.append(f"  type       {view.type}")
    for field_name, value in view.fields.items():
        shown = name(value) if isinstance(value, str) else str(value).lower()
        lines.append(f"  {field_name:<10} {shown}")
    if view.root_cause_class:
        lines.append(f"  root cause {view.root_cause_class}")
    for label, value in (
        ("started", view.started_at),
        ("detected", view.detected_at),
        ("declared", view.declared_at),
        ("acked", view.acknowledged_at),
        ("mitigated", view.mitigated_at),
        ("resolved", view.resolved_at),
    ):
        lines.append(f"  {label:<10} {local(value, zone)}")
    if view.roles:
        lines.append("  roles      " + ", ".join(f"{r}: {name(p)}" for r, p in view.roles.items()))
    if view.summary:
        lines += ["", "Summary", *("  " + line for line in view.summary.splitlines())]
    if len(view.severity_history) > 1:
        lines += ["", "Severity history"]
        for change in view.severity_history:
            step = f"{change.from_} -> {change.to}" if change.from_ else f"declared {change.to}"
            reason = f"  ({change.reason})" if change.reason else ""
            lines.append(f"  {local(change.at, zone)}  {step}{reason}")
    lines += ["", "Timeline"]
    for entry in view.timeline:
        head = f"  {local(entry.at, zone)}  {entry.type:<12} {name(entry.by)}"
        extra = ""
        if entry.type == "severity":
            extra = f" -> {entry.details.get('severity')}"
        elif entry.type == "role":
            extra = f" {entry.details.get('role')}: {name(str(entry.details.get('person')))}"
        elif entry.type == "update" and entry.details.get("status"):
            extra = f" [{entry.details['status']}]"
        elif entry.type == "comms":
            extra = f" [{entry.details.get('surface')}]"
        elif entry.type == "runbook":
            extra = (
                f" {entry.details.get('runbook')} step {entry.details.get('step')}: "
                f"{entry.details.get('outcome')}"
            )
        elif entry.type == "alert":
            extra = f" group {entry.details.get('group')}"
        elif entry.type == "page":
            extra = f" {entry.details.get('outcome')}"
        elif entry.type == "declared":
            extra = f" {entry.details.get('severity')}"
        backfill = " (backfill)" if entry.backfill else ""
        lines.append(head + extra + backfill)
        for text in entry.message.splitlines():
            lines.append(f"      {text}")
    for warning in view.warnings:
        lines.append(f"warning: {warning}")
    return "\n".join(lines)


def table(views: list[IncidentSummary], zone: tzinfo) -> str:
    """One line per incident."""
    if not views:
        return ""
    rows = [("ID", "SEV", "STATUS", "DECLARED", "SERVICES", "TITLE")]
    for view in views:
        title = view.title + (" (drill)" if view.drill else "")
        declared = local(view.declared_at, zone)[:16]
        rows.append(
            (view.id, view.severity, view.status, declared, ",".join(view.services) or "-", title)
        )
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    return "\n".join(
        "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:5])) + "  " + row[5]
        for row in rows
    )
