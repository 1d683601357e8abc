"""``incidentctl edit``: open a record in the user's editor, validate it on save, commit it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from incidentctl import gitrepo
from incidentctl.errors import IncidentctlError, InvalidStateError
from incidentctl.store import transaction
from incidentctl.store.atomic import read_bytes
from incidentctl.workspace import Workspace


def check(ws: Workspace, path: Path, postmortem: bool) -> None:
    """Raise the first problem of the file as saved."""
    from incidentctl.store.records import parse_bytes, validate_incident

    shown = ws.layout.relative(path)
    raw = read_bytes(path)
    if postmortem:
        from incidentctl.postmortem import parse

        parse(raw, shown)
        return
    record = validate_incident(parse_bytes(raw, shown), shown)
    if record.id != path.parent.name:
        from incidentctl.errors import RecordError

        raise RecordError(f"id: {record.id!r} must stay {path.parent.name!r}", path=shown)


def edit(
    ws: Workspace,
    ref: str,
    *,
    postmortem: bool = False,
    retry: Callable[[IncidentctlError], bool] | None = None,
) -> bool:
    """Edit until the file validates (or ``retry`` says stop); True if a commit was made."""
    from incidentctl.postmortem import open_in_editor

    incident_id = ws.resolve_id(ref)
    path = ws.layout.incident_dir(incident_id) / ("postmortem.md" if postmortem else "incident.md")
    ws.layout.ensure_inside(path)
    if not path.exists():
        raise InvalidStateError(
            f"incident {incident_id} has no {path.name}",
            hint=f"incidentctl postmortem new {incident_id}" if postmortem else None,
        )
    while True:
        open_in_editor(path)
        try:
            check(ws, path, postmortem)
            break
        except IncidentctlError as exc:
            if retry is None or not retry(exc):
                raise
    rel = ws.layout.relative(path)
    if not gitrepo.uncommitted(ws.root, [rel]):
        return False
    kind = "postmortem" if postmortem else "incident"
    with transaction.locked(ws.layout):
        gitrepo.commit(ws.root, [rel], f"{kind}({incident_id}): edit")
    return True
