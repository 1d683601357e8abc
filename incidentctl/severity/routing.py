"""What a severity sets in motion for one incident: paging, roles, update cadence, review.

Computed from the policy and the incident's derived state at a given moment; shown by
``declare``/``severity``, the board and ``comms``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from incidentctl.core.display import local
from incidentctl.models.config import Config
from incidentctl.models.views import IncidentView

# Comms surfaces and the policy surface that activates each.
SURFACE_POLICY = {"internal": "internal", "customer": "status-page", "executive": "executive"}


@dataclass(frozen=True)
class RoleDue:
    """A role the severity requires."""

    role: str
    holder: str | None
    due_at: datetime
    overdue: bool


@dataclass(frozen=True)
class UpdateDue:
    """The cadence of one communications surface."""

    surface: str
    every_minutes: int | None
    last_at: datetime | None
    next_due: datetime | None
    overdue_minutes: int


@dataclass(frozen=True)
class Checklist:
    """The response pattern applied to one incident, at one moment."""

    severity: str
    page: bool
    roles: list[RoleDue]
    updates: list[UpdateDue]
    postmortem_required: bool
    review_window_days: int | None
    postmortem_due: datetime | None
    retrospective: bool = False


def level_since(view: IncidentView) -> datetime | None:
    """When the current severity took effect."""
    return view.severity_history[-1].at if view.severity_history else view.declared_at


def checklist(view: IncidentView, config: Config, now: datetime) -> Checklist | None:
    """The response pattern for the incident's current severity; None if it is unknown."""
    if view.severity not in config.severity_names():
        return None
    response = config.level(view.severity).response
    since = level_since(view) or now
    retro = view.retrospective
    roles = []
    for role in response.required_roles:
        due = since + timedelta(minutes=response.roles_within_minutes)
        holder = view.roles.get(role)
        roles.append(RoleDue(role, holder, due, holder is None and (retro or now > due)))
    cadence = {
        "internal": response.internal_update_minutes,
        "customer": response.customer_update_minutes,
        "executive": response.executive_update_minutes,
    }
    last_posted: dict[str, datetime] = {}
    for entry in view.timeline:
        if entry.type == "comms":
            last_posted[str(entry.details.get("surface"))] = entry.at
    updates = []
    for surface, policy_name in SURFACE_POLICY.items():
        if policy_name not in response.surfaces:
            continue
        every = cadence[surface]
        last = last_posted.get(surface)
        next_due = None
        overdue = 0
        if every is not None and view.status not in ("resolved", "declined") and not retro:
            start = max(d for d in (last, since) if d is not None)
            next_due = start + timedelta(minutes=every)
            if now > next_due:
                overdue = int((now - next_due).total_seconds() // 60)
        updates.append(UpdateDue(surface, every, last, next_due, overdue))
    pm_due = None
    pm_required = config.postmortem_required(view.type, view.severity)
    if pm_required and response.review_window_days and view.resolved_at:
        pm_due = view.resolved_at + timedelta(days=response.review_window_days)
    return Checklist(
        view.severity,
        response.page,
        roles,
        updates,
        pm_required,
        response.review_window_days,
        pm_due,
        retro,
    )


def render(check: Checklist, zone: tzinfo, *, paged: str | None = None) -> list[str]:
    """The checklist as lines for people."""
    if check.retrospective:
        return _render_required(check)
    lines = [f"{check.severity} response:"]
    if check.page:
        lines.append(f"  page on-call: {paged or 'yes — no page hook configured, page by hand'}")
    else:
        lines.append("  page on-call: not required")
    for role in check.roles:
        state = (
            f"filled by {role.holder}"
            if role.holder
            else ("UNFILLED, overdue" if role.overdue else f"fill by {local(role.due_at, zone)}")
        )
        lines.append(f"  role {role.role}: {state}")
    for update in check.updates:
        if update.every_minutes is None:
            lines.append(f"  {update.surface} updates: as needed")
            continue
        due = local(update.next_due, zone) if update.next_due else "-"
        late = f" (overdue by {update.overdue_minutes} min)" if update.overdue_minutes else ""
        lines.append(
            f"  {update.surface} updates every {update.every_minutes} min; next due {due}{late}"
        )
    if check.postmortem_required:
        window = (
            f" within {check.review_window_days} days of resolution"
            if check.review_window_days
            else ""
        )
        lines.append(f"  post-mortem: required{window}")
    else:
        lines.append("  post-mortem: optional")
    return lines


def _render_required(check: Checklist) -> list[str]:
    """What the policy required of an incident recorded after the fact (nothing to do now)."""
    lines = [f"{check.severity} response the policy required (recorded after the fact):"]
    lines.append(
        "  page on-call: required (no page sent now: retrospective)"
        if check.page
        else "  page on-call: not required"
    )
    for role in check.roles:
        state = f"held by {role.holder}" if role.holder else "not recorded"
        lines.append(f"  role {role.role}: required; {state}")
    for update in check.updates:
        every = f"every {update.every_minutes} min" if update.every_minutes else "as needed"
        lines.append(f"  {update.surface} updates: {every}")
    if check.postmortem_required:
        window = f" within {check.review_window_days} days" if check.review_window_days else ""
        due = f" (due {check.postmortem_due.date().isoformat()})" if check.postmortem_due else ""
        lines.append(f"  post-mortem: required{window} of resolution{due}")
    else:
        lines.append("  post-mortem: optional")
    return lines


def policy_applies(view: IncidentView, config: Config, *, imported: bool) -> bool:
    """Whether the response policy (roles to fill, a review to write) governs the incident.

    With ``policy.applies_from`` set, it governs incidents declared on or after that day
    (in the config's timezone); without it, every incident declared with incidentctl but
    none brought in by an importer, whose history no such policy demanded.
    """
    start = config.policy.applies_from
    if start is None:
        return not imported
    if view.declared_at is None:
        return False
    from zoneinfo import ZoneInfo

    return view.declared_at.astimezone(ZoneInfo(config.timezone)).date() >= start
