"""Change an incident's descriptive fields: a ``changed`` event, never an edit of incident.md.

Two clones that change the same field each add their own event file, so a pull never
conflicts; the later change wins in the fold and both stay in the timeline.
"""

from __future__ import annotations

from typing import Any

from incidentctl.core.text import clean_name, clean_text, refuse_secrets
from incidentctl.errors import UsageError
from incidentctl.models.event import Changed
from incidentctl.models.views import IncidentView
from incidentctl.workspace import Workspace


def set_fields(
    ws: Workspace,
    ref: str,
    *,
    title: str | None = None,
    services: list[str] | None = None,
    category: str | None = None,
    drill: bool | None = None,
    duplicate_of: str | None = None,
    public_title: str | None = None,
    by: str | None = None,
    commit: bool = True,
    fields: list[str] | None = None,
    incident_type: str | None = None,
) -> IncidentView:
    """Record a change of descriptive fields; returns the incident after it."""
    from incidentctl.lifecycle import append

    incident_id = ws.resolve_id(ref)
    changes: dict[str, Any] = {}
    if title is not None or public_title is not None:
        from incidentctl.org.private import refuse_narrative

        refuse_narrative(ws.incident(incident_id), "title")
    if title is not None:
        changes["title"] = clean_text(title, "title", single_line=True, limit=200)
        refuse_secrets(title=changes["title"])
    if services is not None:
        changes["services"] = sorted({ws.service(s) for s in services})
    if category is not None:
        changes["category"] = clean_name(category, "category", ws.config.categories)
    if drill is not None:
        changes["drill"] = drill
    if public_title is not None:
        changes["public_title"] = clean_text(
            public_title, "public title", single_line=True, limit=200
        )
        refuse_secrets(public_title=changes["public_title"])
    if duplicate_of is not None:
        original = ws.resolve_id(duplicate_of)
        if original == incident_id:
            raise UsageError("an incident cannot be a duplicate of itself")
        changes["duplicate_of"] = original
    if fields:
        from incidentctl.org.fields import parse_assignments

        changes["fields"] = parse_assignments(ws, fields)
    if incident_type is not None:
        from incidentctl.org.fields import incident_type as check_type

        changes["incident_type"] = check_type(ws, incident_type)
    if not changes:
        raise UsageError(
            "nothing to change: give --title, --public-title, --service, --category, --drill, "
            "--duplicate-of, --field or --type"
        )
    outcome = append(
        ws,
        incident_id,
        verb=f"set {', '.join(sorted(changes))}",
        build=lambda f: Changed(type="changed", **changes, **f),
        at=None,
        by=by,
        message="",
        backfill=True,  # a change is recorded when it is made, whatever the incident's times
        commit=commit,
    )
    return outcome.incident
