"""Change an incident's descriptive fields in ``incident.md``, keeping human edits."""

from __future__ import annotations

from typing import Any

from incidentctl.core.text import clean_name, clean_text, refuse_secrets
from incidentctl.errors import UsageError
from incidentctl.models.views import IncidentView
from incidentctl.store import transaction
from incidentctl.store.records import load_incident
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
    commit: bool = True,
) -> IncidentView:
    """Change descriptive fields in ``incident.md``, keeping the humans' comments and order."""
    from incidentctl.store.atomic import read_bytes
    from incidentctl.store.records import read_incident, validate_incident
    from incidentctl.store.roundtrip import update_frontmatter
    from incidentctl.yamlio.frontmatter import parse

    incident_id = ws.resolve_id(ref)
    changes: dict[str, Any] = {}
    if title is not None:
        changes["title"] = clean_text(title, "title", single_line=True, limit=200)
        refuse_secrets(title=changes["title"])
    if services is not None:
        changes["services"] = sorted(
            {clean_name(s, "service", ws.config.services) for s in services}
        )
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
    if not changes:
        raise UsageError(
            "nothing to change: give --title, --public-title, --service, --category, --drill "
            "or --duplicate-of"
        )
    with transaction.locked(ws.layout):
        read_incident(ws.layout, incident_id)
        path = ws.layout.incident_file(incident_id)
        shown = ws.layout.relative(path)
        text = update_frontmatter(read_bytes(path), changes)
        validate_incident(parse(text.encode("utf-8")), shown)
        what = ", ".join(sorted(changes))
        change = transaction.Change(
            message=f"incident({incident_id}): set {what}", replaced={path: text}
        )
        transaction.apply(ws.layout, change, commit=commit)
        return load_incident(ws.layout, incident_id)
