"""Promote alert groups: declare an incident from one, or attach one to an incident."""

from __future__ import annotations

import re
from datetime import datetime

from incidentctl.core.errors import InvalidStateError
from incidentctl.detect.groups import Group
from incidentctl.models.event import AlertLinked
from incidentctl.respond.lifecycle import Outcome, append, declare
from incidentctl.workspace import Workspace


def ensure_unlinked(group: Group) -> None:
    if group.incident is not None:
        raise InvalidStateError(
            f"alert group {group.id} is already linked to incident {group.incident}"
        )


def declare_from_group(
    ws: Workspace,
    group: Group,
    *,
    severity: str,
    title: str | None = None,
    by: str | None = None,
    commander: str | None = None,
    started_at: str | datetime | None = None,
    services: list[str] | None = None,
    category: str | None = None,
    drill: bool = False,
    summary: str = "",
    detected_by: str | None = None,
    at: str | datetime | None = None,
    retrospective: bool = False,
    commit: bool = True,
    incident_type: str | None = None,
    fields: list[str] | None = None,
) -> Outcome:
    """Promote an alert group: detected_at is the group's first firing.

    The group's service is used unless ``services`` are given; every other declaration
    option applies as it does to a plain ``declare``.
    """
    ensure_unlinked(group)
    service = group.service if group.service and group.service != "unknown" else None
    return declare(
        ws,
        title or f"{group.alertname} firing on {group.service}",
        severity=severity,
        services=services or ([_service_name(service)] if service else []),
        category=category,
        drill=drill,
        summary=summary,
        detected_at=group.first_fired,
        started_at=started_at,
        at=at,
        retrospective=retrospective,
        commander=commander,
        by=by,
        commit=commit,
        incident_type=incident_type,
        fields=fields,
        detected_by=detected_by or "alert",
        alert_group=group.id,
    )


def _service_name(text: str) -> str:
    return re.sub(r"[^a-z0-9._-]+", "-", text.lower()).strip("-._")[:64] or "unknown"


def link_alert_group(
    ws: Workspace, ref: str, group: Group, *, by: str | None = None, commit: bool = True
) -> Outcome:
    """Attach an alert group to an existing incident."""
    ensure_unlinked(group)
    return append(
        ws,
        ref,
        verb=f"link alert group {group.id}",
        build=lambda f: AlertLinked(type="alert", group=group.id, **f),
        at=None,
        by=by,
        message="",
        backfill=False,
        commit=commit,
    )
