"""``incidentctl edit``: open a record in the user's editor, validate it on save, commit it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from incidentctl.core.errors import IncidentctlError, InvalidStateError
from incidentctl.git import gitrepo
from incidentctl.store import transaction
from incidentctl.store.atomic import read_bytes
from incidentctl.workspace import Workspace


def check(ws: Workspace, path: Path, postmortem: bool) -> None:
    """Raise the first problem of the file as saved."""
    from incidentctl.store.records import parse_bytes, validate_incident

    shown = ws.layout.relative(path)
    raw = read_bytes(path)
    if postmortem:
        from incidentctl.learn.postmortem import parse

        parse(raw, shown)
        return
    record = validate_incident(parse_bytes(raw, shown), shown)
    if record.id != path.parent.name:
        from incidentctl.core.errors import RecordError

        raise RecordError(f"id: {record.id!r} must stay {path.parent.name!r}", path=shown)


def refuse_saved_secrets(ws: Workspace, path: Path, *, keep: bool = True) -> None:
    """Before an edit is committed: refuse a secret the editor saved on a line the committed
    version lacks. Unless ``keep`` is False (the editor opens again on it), the saved text
    is moved to a file under the git dir (never committed) and the committed version is
    put back, so nothing with the secret stays in the tree."""
    from incidentctl.core.errors import RefusedError
    from incidentctl.core.text import refuse_secrets_in_files
    from incidentctl.store.atomic import replace
    from incidentctl.store.transaction import replace_or_create, state_dir

    rel = ws.layout.relative(path)
    text = read_bytes(path).decode("utf-8", "replace")
    committed = gitrepo.cat_objects(ws.root, [f"HEAD:{rel}"])[0]
    before = committed.data.decode("utf-8", "replace") if committed is not None else None
    try:
        refuse_secrets_in_files({rel: (text, before)}, saved="nothing was committed")
    except RefusedError as exc:
        if not keep:
            raise
        kept = state_dir(ws.layout) / "rejected" / rel.replace("/", "--")
        replace_or_create(kept, text)
        if before is not None:
            replace(path, before)
        raise RefusedError(
            f"{exc.message}; your text is kept in {kept}"
            + ("" if before is None else f" and {rel} is back as committed"),
            hint=exc.hint,
        ) from None


def edit(
    ws: Workspace,
    ref: str,
    *,
    postmortem: bool = False,
    retry: Callable[[IncidentctlError], bool] | None = None,
) -> bool:
    """Edit until the file validates (or ``retry`` says stop); True if a commit was made."""
    from incidentctl.learn.postmortem import open_in_editor

    incident_id = ws.resolve_id(ref)
    path = ws.layout.incident_dir(incident_id) / ("postmortem.md" if postmortem else "incident.md")
    ws.layout.ensure_inside(path)
    if not path.exists():
        raise InvalidStateError(
            f"incident {incident_id} has no {path.name}",
            hint=f"incidentctl postmortem new {incident_id}" if postmortem else None,
        )
    from incidentctl.core.errors import RecordError
    from incidentctl.org.private import refuse_narrative

    try:
        current = ws.incident(incident_id)
    except RecordError:
        current = None  # a file that does not validate is what edit is for; lint judges stubs
    if current is not None:
        refuse_narrative(current, "narrative")
    while True:
        open_in_editor(path)
        try:
            check(ws, path, postmortem)
            refuse_saved_secrets(ws, path, keep=False)
            break
        except IncidentctlError as exc:
            if retry is None or not retry(exc):
                refuse_saved_secrets(ws, path)
                raise
    rel = ws.layout.relative(path)
    if not gitrepo.uncommitted(ws.root, [rel]):
        return False
    kind = "postmortem" if postmortem else "incident"
    with transaction.locked(ws.layout):
        gitrepo.commit(ws.root, [rel], f"{kind}({incident_id}): edit")
    return True
