"""A static public status page: HTML, JSON Feed and Atom, from customer-facing data only.

Only incidents that were communicated to customers (at least one ``customer`` comms post)
appear; drills, duplicates and declined incidents never do. What is published: the
public title (or a generic one naming the services), affected services, status, times,
and the customer posts' text. Never: internal titles, notes, names of responders, severities.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from html import escape
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

from incidentctl.comms.updates import public_title
from incidentctl.core.display import local
from incidentctl.core.errors import UsageError
from incidentctl.models.views import IncidentView
from incidentctl.store.atomic import replace, write_new
from incidentctl.yamlio.emit import format_timestamp

STATES = ("major outage", "partial outage", "degraded performance")


@dataclass(frozen=True)
class PublicUpdate:
    """A customer post."""

    at: datetime
    text: str


@dataclass(frozen=True)
class PublicIncident:
    """What the public may see of one incident."""

    key: str
    title: str
    services: list[str]
    status: str
    started: datetime | None
    resolved: datetime | None
    impact: str
    updates: list[PublicUpdate]


def public(view: IncidentView, severity_names: list[str]) -> PublicIncident | None:
    """The customer-facing projection of an incident, or None if it was never communicated."""
    if view.drill or view.duplicate_of or view.status == "declined":
        return None
    posts = [
        PublicUpdate(e.at, e.message)
        for e in view.timeline
        if e.type == "comms" and e.details.get("surface") == "customer" and e.message
    ]
    if not posts:
        return None
    from incidentctl.core.severity import rank

    level = rank(view.severity, severity_names)
    impact = STATES[level] if level < len(STATES) else "minor issue"
    services = view.services or ["service"]
    title = public_title(view)
    return PublicIncident(
        key=f"{view.id}",
        title=title,
        services=list(services),
        status="resolved" if view.status == "resolved" else view.status,
        started=view.started_at or view.detected_at,
        resolved=view.resolved_at,
        impact=impact,
        updates=sorted(posts, key=lambda p: p.at, reverse=True),
    )


def components(incidents: list[PublicIncident], known: list[str]) -> dict[str, str]:
    """Each service's current state: the worst open incident's impact, else operational."""
    order = [*STATES, "minor issue"]
    state = {
        name: "operational"
        for name in sorted(set(known) | {s for i in incidents for s in i.services})
    }
    for incident in incidents:
        if incident.status == "resolved":
            continue
        for service in incident.services:
            current = state[service]
            if current == "operational" or order.index(incident.impact) < order.index(current):
                state[service] = incident.impact
    return state


STYLE = """
:root { color-scheme: light dark; --fg:#1d232a; --bg:#fff; --muted:#5f6b7a; --line:#d8dee4;
  --ok:#1a7f37; --bad:#cf222e; --warn:#9a6700; }
@media (prefers-color-scheme: dark) { :root { --fg:#e6edf3; --bg:#0d1117; --muted:#9aa7b4;
  --line:#30363d; --ok:#3fb950; --bad:#f85149; --warn:#d29922; } }
body { font: 16px/1.5 system-ui, sans-serif; color: var(--fg); background: var(--bg);
  max-width: 760px; margin: 2rem auto; padding: 0 1rem; }
.component { display:flex; justify-content:space-between; border-bottom:1px solid var(--line);
  padding:.5rem 0; }
.operational { color: var(--ok); } .major-outage, .partial-outage { color: var(--bad); }
.degraded-performance, .minor-issue { color: var(--warn); }
article { border-top: 1px solid var(--line); padding-top: 1rem; margin-top: 1rem; }
time, .meta { color: var(--muted); font-size: .9rem; }
"""


def _html(
    title: str, comps: dict[str, str], incidents: list[PublicIncident], zone: tzinfo, now: datetime
) -> str:
    active = [i for i in incidents if i.status != "resolved"]
    overall = (
        "All systems operational"
        if not active
        else f"{len(active)} ongoing incident{'s' if len(active) > 1 else ''}"
    )
    rows = "".join(
        f'<div class="component"><span>{escape(name)}</span>'
        f'<span class="{escape(state.replace(" ", "-"))}">{escape(state)}</span></div>'
        for name, state in comps.items()
    )
    articles = []
    for incident in incidents:
        updates = "".join(
            f'<li><time datetime="{format_timestamp(u.at)}">'
            f"{escape(local(u.at, zone))}</time><p>{escape(u.text)}</p></li>"
            for u in incident.updates
        )
        window = escape(local(incident.started, zone))
        if incident.resolved:
            window += " to " + escape(local(incident.resolved, zone))
        articles.append(
            f'<article id="{escape(incident.key)}"><h3>{escape(incident.title)}</h3>'
            f'<p class="meta">{escape(incident.status)} · {escape(incident.impact)} · '
            f"{escape(', '.join(incident.services))} · {window}</p><ul>{updates}</ul></article>"
        )
    history = "".join(articles) or "<p>No incidents reported.</p>"
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'\">"
        f"<title>{escape(title)}</title><style>{STYLE}</style>"
        '<link rel="alternate" type="application/atom+xml" href="feed.atom">'
        '<link rel="alternate" type="application/feed+json" href="feed.json">'
        f"</head><body><h1>{escape(title)}</h1><h2>{escape(overall)}</h2>"
        f"<section>{rows}</section><h2>Incident history</h2>{history}"
        f'<p class="meta">Updated {escape(local(now, zone))}.</p>'
        "</body></html>\n"
    )


def base_url(value: str) -> str:
    """The page's public address (``https://status.example.com/``), ending in ``/``."""
    from urllib.parse import urlsplit

    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise UsageError(
            f"--base-url {value!r} must be an absolute http(s) URL such as "
            "https://status.example.com/"
        )
    return value if value.endswith("/") else value + "/"


def _json_feed(title: str, incidents: list[PublicIncident], base: str | None) -> str:
    """JSON Feed 1.1; its URLs must be absolute, so they are written only with a base."""
    items = []
    for incident in incidents:
        item: dict[str, object] = {"id": incident.key}
        if base:
            item["url"] = f"{base}index.html#{incident.key}"
        item.update(
            {
                "title": incident.title,
                "content_text": "\n\n".join(
                    f"{format_timestamp(u.at)}: {u.text}" for u in incident.updates
                ),
                "date_published": format_timestamp(incident.updates[-1].at),
                "date_modified": format_timestamp(incident.updates[0].at),
                "tags": [incident.status, incident.impact, *incident.services],
            }
        )
        items.append(item)
    feed: dict[str, object] = {"version": "https://jsonfeed.org/version/1.1", "title": title}
    if base:
        feed["home_page_url"] = base
        feed["feed_url"] = f"{base}feed.json"
    feed["items"] = items
    return json.dumps(feed, indent=2, ensure_ascii=False) + "\n"


def _xml(text: str) -> str:
    """Escaped XML text; characters XML 1.0 cannot hold (C0 controls, surrogates, U+FFFE/F)
    are shown as ``\\xNN`` so the feed stays well-formed."""
    from incidentctl.core.text import visible

    return xml_escape(visible(text))


def _atom(title: str, incidents: list[PublicIncident], now: datetime, base: str | None) -> str:
    xml_escape = _xml
    home = base or ""
    entries = "".join(
        "<entry>"
        f"<id>urn:incidentctl:{xml_escape(i.key)}</id>"
        f"<title>{xml_escape(i.title)}</title>"
        f"<updated>{format_timestamp(i.updates[0].at)}</updated>"
        f'<link href="{xml_escape(home)}index.html#{xml_escape(i.key)}"/>'
        f'<content type="text">{xml_escape(chr(10).join(u.text for u in i.updates))}</content>'
        "</entry>"
        for i in incidents
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{xml_escape(title)}</title><id>urn:incidentctl:status</id>"
        f"<updated>{format_timestamp(now)}</updated>"
        + (f'<link rel="self" href="{xml_escape(home)}feed.atom"/>' if base else "")
        + "<author><name>Status</name></author>"
        f"{entries}</feed>\n"
    )


def build(
    views: list[IncidentView],
    *,
    severity_names: list[str],
    known_services: list[str],
    title: str,
    zone: tzinfo,
    now: datetime,
    days: int,
    out: Path,
    base: str | None = None,
) -> list[Path]:
    """Write index.html, feed.json and feed.atom into ``out``; ``base`` is the page's
    public address (see :func:`base_url`), for the feeds' absolute links."""
    cutoff = now - timedelta(days=days)
    incidents = [
        p
        for v in views
        if (p := public(v, severity_names)) is not None
        and (p.status != "resolved" or (p.resolved or now) >= cutoff)
    ]
    incidents.sort(key=lambda i: i.updates[0].at, reverse=True)
    comps = components(incidents, known_services)
    files = {
        "index.html": _html(title, comps, incidents, zone, now),
        "feed.json": _json_feed(title, incidents, base),
        "feed.atom": _atom(title, incidents, now, base),
    }
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in files.items():
        path = out / name
        (replace if path.exists() else write_new)(path, text)
        written.append(path)
    return written
