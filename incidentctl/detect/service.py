"""Alert operations as a library: ingest, list groups, link, declare from a group."""

from __future__ import annotations

from datetime import datetime

from incidentctl.core.errors import NotFoundError
from incidentctl.detect import spool
from incidentctl.detect.groups import Group, correlate
from incidentctl.detect.parse import parse_delivery
from incidentctl.git import gitrepo
from incidentctl.models.views import IncidentView
from incidentctl.store import transaction
from incidentctl.store.lock import clone_lock
from incidentctl.workspace import Workspace


def links(views: list[IncidentView]) -> dict[str, tuple[str, datetime | None]]:
    """Group id → (linked incident, when it was resolved)."""
    found: dict[str, tuple[str, datetime | None]] = {}
    for view in sorted(views, key=lambda v: (v.declared_at is None, v.declared_at, v.id)):
        for group in view.alert_groups:
            found.setdefault(group, (view.id, view.resolved_at))
    return found


def groups(
    ws: Workspace, views: list[IncidentView] | None = None, *, as_of: str | None = None
) -> list[Group]:
    """Every alert group (as committed at ``as_of`` if given), newest first."""
    if views is None:
        views, _ = ws.incidents(as_of=as_of)
    lines = spool.read_at(ws.layout, as_of) if as_of else list(spool.read(ws.layout))
    result = correlate(lines, ws.config.alerts, links(views))
    return sorted(result, key=lambda g: (g.first_fired, g.id), reverse=True)


def find(ws: Workspace, ref: str, views: list[IncidentView] | None = None) -> Group:
    """The group ``ref`` (an id or unique prefix) names."""
    wanted = ref.strip().lower()
    matches = [g for g in groups(ws, views) if g.id.startswith(wanted)]
    if not matches:
        raise NotFoundError(
            f"no alert group matches {ref!r}", hint="list them with: incidentctl alert groups"
        )
    if len(matches) > 1 and not any(g.id == wanted for g in matches):
        raise NotFoundError(
            f"alert group prefix {ref!r} is ambiguous: {', '.join(g.id for g in matches[:10])}"
        )
    return next((g for g in matches if g.id == wanted), matches[0])


def commit_spool(ws: Workspace, message: str) -> bool:
    """Commit every changed spool file in one commit; False when nothing changed."""
    paths = [p for p in gitrepo.uncommitted(ws.root, [spool.SPOOL_DIR]) if p.endswith(".jsonl")]
    if not paths:
        return False
    with clone_lock(transaction.state_dir(ws.layout)):
        gitrepo.commit(ws.root, paths, message)
    return True


def store(
    ws: Workspace,
    body: bytes,
    *,
    known: dict[str, datetime] | None = None,
    now: datetime | None = None,
) -> tuple[int, bool]:
    """Parse and durably append a delivery; (alerts received, was a retry).

    An Alertmanager webhook body already stored is a repeat notification (the alerts
    still fire) once :data:`spool.RETRY_WINDOW` has passed since it was last received: a
    receipt is appended, so the group's last_seen and count advance, but the alerts are
    not stored again. Sooner, or for other sources, it is a retry: nothing is added.
    """
    delivery = parse_delivery(body, fp_labels=list(ws.config.alerts.fingerprint_labels))
    key = spool.delivery_key(body)
    seen = known if known is not None else spool.known_deliveries(ws.layout)
    at = now or ws.now()
    last = seen.get(key)
    if last is not None and (not delivery.repeats or at - last < spool.RETRY_WINDOW):
        return 0, True
    if last is not None:
        spool.append_repeat(ws.layout, key, at)
    else:
        spool.append(ws.layout, delivery.alerts, key, at, delivery.truncated)
    seen[key] = at
    return len(delivery.alerts), False


def auto_declare(ws: Workspace) -> list[str]:
    """Declare incidents for unlinked firing groups that a policy rule matches."""
    from incidentctl.detect import promote

    rules = ws.config.alerts.auto_declare
    if not rules:
        return []
    declared = []
    for group in groups(ws):
        if group.incident is not None or group.status != "firing":
            continue
        labels = {**group.key, "service": group.service, "alertname": group.alertname}
        for rule in rules:
            if all(labels.get(k) == v for k, v in rule.match.items()):
                outcome = promote.declare_from_group(
                    ws, group, severity=rule.severity, title=rule.title, by="incidentctl"
                )
                declared.append(outcome.incident.id)
                break
    return declared
