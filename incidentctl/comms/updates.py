"""Communications: templates per surface, drafts from the incident's state, posts recorded.

Templates live in the records repo (``templates/comms/<surface>.md``) and use ``{{name}}``
placeholders. A customer template sees only customer-safe values unless it names an
internal one explicitly (``{{latest_update}}``, ``{{commander}}``).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, cast

from incidentctl.core.display import human, local
from incidentctl.core.errors import UsageError
from incidentctl.core.templates import render_template
from incidentctl.models.event import SURFACES, CommsPosted, Surface
from incidentctl.models.views import IncidentView
from incidentctl.workspace import Workspace

if TYPE_CHECKING:
    from incidentctl.respond.lifecycle import Outcome

STATUS_WORDS = {
    "investigating": "We are investigating",
    "identified": "We have identified the cause and are working on a fix",
    "monitoring": "A fix is in place and we are monitoring",
    "mitigated": "The impact has been mitigated",
    "resolved": "This incident has been resolved",
}

DEFAULT_TEMPLATES = {
    "internal": """\
[{{severity}}] {{title}} — {{status}}
Services: {{services}} · started {{started_at}} · commander {{commander}}
Latest: {{latest_update}}
Next internal update by {{next_update}}.
""",
    "customer": """\
{{public_title}}

{{status_sentence}}. Affected: {{services}}. We will post the next update by
{{next_update}}.
""",
    "executive": """\
Executive briefing — {{severity}}: {{title}}
Status: {{status}} for {{duration}}; affected services: {{services}}.
Commander: {{commander}}. Customer updates: {{customer_cadence}}.
Latest: {{latest_update}}
""",
}


def public_title(view: IncidentView) -> str:
    """The title customers see: the public title, else a generic one (never the internal)."""
    return view.public_title or f"Disruption affecting {', '.join(view.services) or 'service'}"


def template_path(ws: Workspace, surface: str) -> str:
    return f"templates/comms/{surface}.md"


def check_surface(surface: str) -> str:
    """A known surface name."""
    value = surface.strip().lower()
    if value not in SURFACES:
        raise UsageError(f"unknown surface {surface!r}; use {', '.join(SURFACES)}")
    return value


def values(ws: Workspace, view: IncidentView, surface: str, now: datetime) -> dict[str, str]:
    """Every value a template can use."""
    from incidentctl.severity import routing

    zone = ws.repo_zone
    latest = next(
        (e.message for e in reversed(view.timeline) if e.type == "update" and e.message), "-"
    )
    check = routing.checklist(view, ws.config, now)
    due = {u.surface: u for u in check.updates} if check else {}
    own = due.get(surface)
    customer = due.get("customer")
    start = view.started_at or view.detected_at
    return {
        "id": view.id,
        "title": view.title,
        "public_title": public_title(view),
        "severity": view.severity,
        "status": view.status,
        "status_sentence": STATUS_WORDS.get(view.status, view.status),
        "services": ", ".join(view.services) or "our service",
        "started_at": local(start, zone),
        "detected_at": local(view.detected_at, zone),
        "duration": human((now - start).total_seconds()) if start else "-",
        "next_update": local(own.next_due, zone) if own and own.next_due else "the next change",
        "customer_cadence": f"every {customer.every_minutes} min"
        if customer and customer.every_minutes
        else "as needed",
        "commander": view.roles.get("commander", "unassigned"),
        "latest_update": latest,
    }


def draft(ws: Workspace, ref: str, surface: str) -> str:
    """A message for ``surface`` drafted from the incident's state."""
    surface = check_surface(surface)
    view = ws.incident(ref)
    rel = template_path(ws, surface)
    path = ws.root / rel
    text = path.read_text(encoding="utf-8") if path.is_file() else DEFAULT_TEMPLATES[surface]
    return render_template(text, values(ws, view, surface, ws.now()), rel)


def post(
    ws: Workspace,
    ref: str,
    surface: str,
    text: str,
    *,
    at: str | datetime | None = None,
    by: str | None = None,
    commit: bool = True,
) -> Outcome:
    """Record that an update was sent on a surface, with the text sent."""
    from incidentctl.core.text import clean_text
    from incidentctl.respond.lifecycle import append

    channel = cast(Surface, check_surface(surface))
    body = clean_text(text, "message")
    return append(
        ws,
        ref,
        verb=f"comms {channel}",
        build=lambda f: CommsPosted(type="comms", surface=channel, **f),
        at=at,
        by=by,
        message=body,
        backfill=False,
        commit=commit,
    )
