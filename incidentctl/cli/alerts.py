"""Alert commands: ingest, serve, groups, link."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from incidentctl.cli.options import IdArg, JsonOpt, NoCommitOpt
from incidentctl.cli.output import data_line, note, print_json, workspace

alert_app = typer.Typer(
    help="The detection layer: alerts, dedup, groups, promotion.", no_args_is_help=True
)


@alert_app.command("ingest")
def ingest(
    ctx: typer.Context,
    source: Annotated[
        str,
        typer.Argument(metavar="FILE|-", help="Alertmanager payload or generic JSON / JSON lines."),
    ] = "-",
    no_commit: NoCommitOpt = False,
) -> None:
    """Store alerts from a file or stdin (a repeated delivery is stored once), then commit."""
    from incidentctl.core.errors import UsageError
    from incidentctl.detect import service

    ws = workspace(ctx)
    if source == "-":
        body = sys.stdin.buffer.read()
    else:
        try:
            body = Path(source).read_bytes()
        except OSError as exc:
            raise UsageError(f"cannot read {source}: {exc.strerror}") from None
    count, duplicate = service.store(ws, body)
    if duplicate:
        note("this delivery was already stored; nothing added")
        return
    if not no_commit:
        service.commit_spool(ws, f"alerts: ingest {count} notification(s)")
        for incident in service.auto_declare(ws):
            note(f"declared incident {incident} automatically (alerts.auto_declare)")
    note(f"stored {count} alert notification(s)")


@alert_app.command("serve")
def serve(
    ctx: typer.Context,
    listen: Annotated[
        str, typer.Option("--listen", help="HOST:PORT to listen on.")
    ] = "127.0.0.1:9095",
    token_file: Annotated[
        Path | None,
        typer.Option(
            "--token-file",
            help="Require 'Authorization: Bearer <token>' with this file's token "
            "(or set INCIDENTCTL_ALERT_TOKEN).",
        ),
    ] = None,
) -> None:
    """Receive Alertmanager webhooks over HTTP until SIGTERM."""
    from incidentctl.core.errors import UsageError
    from incidentctl.detect.server import serve as run

    host, _, port_text = listen.rpartition(":")
    if not host or not port_text.isdigit() or not 0 <= int(port_text) < 65536:
        raise UsageError(f"--listen {listen!r} must be HOST:PORT, e.g. 127.0.0.1:9095")
    token = os.environ.get("INCIDENTCTL_ALERT_TOKEN")
    where = "INCIDENTCTL_ALERT_TOKEN"
    if token_file is not None:
        where = f"--token-file {token_file}"
        try:
            token = token_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) else "not valid UTF-8"
            raise UsageError(f"cannot read {where}: {reason}") from None
    if token is not None:
        token = token.strip()
        if not token or any(c.isspace() or not c.isprintable() for c in token):
            raise UsageError(
                f"{where} holds no usable token (empty, or spaces or control characters "
                "inside); refusing to accept alerts without authentication",
                hint="write one token of printable characters into it, e.g. 'openssl rand -hex 32'",
            )
    run(workspace(ctx), host.strip("[]"), int(port_text), token)


@alert_app.command("groups")
def groups(
    ctx: typer.Context,
    open_: Annotated[bool, typer.Option("--open", help="Only firing groups.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Alert groups: first fired, last seen, count, status, linked incident."""
    from incidentctl.core.display import local
    from incidentctl.detect import service

    ws = workspace(ctx)
    found = [g for g in service.groups(ws) if not open_ or g.status == "firing"]
    if as_json:
        print_json([g.as_json() for g in found])
        return
    for g in found:
        data_line(
            f"{g.id}  {g.status:<8} {g.count:>4}x  first {local(g.first_fired, ws.zone)}"
            f"  last {local(g.last_seen, ws.zone)}  {g.alertname} on {g.service}"
            f"  -> {g.incident or 'no incident'}"
            + (f"  (+{g.truncated} more alerts truncated by Alertmanager)" if g.truncated else "")
        )
    if not found:
        note("no alert groups")


@alert_app.command("link")
def link(
    ctx: typer.Context,
    group: Annotated[str, typer.Argument(metavar="GROUP", help="Alert group id or prefix.")],
    incident: IdArg,
) -> None:
    """Attach an alert group to an existing incident instead of declaring a new one."""
    from incidentctl.detect import promote, service

    ws = workspace(ctx)
    found = service.find(ws, group)
    outcome = promote.link_alert_group(ws, incident, found)
    note(f"alert group {found.id} linked to {outcome.incident.id}")


def register(app: typer.Typer) -> None:
    """Add the alert commands to ``app``."""
    app.add_typer(alert_app, name="alert", rich_help_panel="Detect")
