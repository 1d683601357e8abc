"""Read commands: show and list."""

from __future__ import annotations

from typing import Annotated

import typer

from incidentctl.cli.output import data_line, note, print_json, workspace
from incidentctl.core.errors import ExitCode


def show(
    ctx: typer.Context,
    incident: Annotated[str, typer.Argument(metavar="ID", help="Incident id or unique prefix.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON on stdout.")] = False,
) -> None:
    """Show an incident's derived state and its whole ordered timeline."""
    from incidentctl.cli.render import show as render_show
    from incidentctl.org.private import merged

    ws = workspace(ctx)
    view = merged(ws, ws.incident(incident))
    if as_json:
        print_json(view.model_dump(mode="json", by_alias=True))
    else:
        data_line(render_show(view, ws.zone, ws.display))


def list_(
    ctx: typer.Context,
    status: Annotated[
        str, typer.Option("--status", help="open, resolved, declined or all.")
    ] = "all",
    severity: Annotated[
        list[str] | None, typer.Option("--severity", help="Only these severities (repeatable).")
    ] = None,
    service: Annotated[
        list[str] | None, typer.Option("--service", help="Only incidents touching a service.")
    ] = None,
    category: Annotated[str | None, typer.Option("--category", help="Only this category.")] = None,
    since: Annotated[
        str | None, typer.Option("--since", metavar="TIME", help="Declared at or after TIME.")
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", metavar="TIME", help="Declared before TIME.")
    ] = None,
    no_drills: Annotated[bool, typer.Option("--no-drills", help="Leave drills out.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON array on stdout.")] = False,
) -> None:
    """List incidents, newest first."""
    from incidentctl.cli.render import table
    from incidentctl.core.errors import UsageError
    from incidentctl.models.views import IncidentSummary

    if status not in ("open", "resolved", "declined", "all"):
        raise UsageError(f"--status must be open, resolved, declined or all, not {status!r}")
    ws = workspace(ctx)
    wanted_sev = {ws.severity(s) for s in severity or []}
    wanted_svc = {s.strip().lower() for s in service or []}
    start = ws.when(since) if since else None
    end = ws.when(until, allow_future=True) if until else None
    views, problems = ws.incidents(slim=True)  # a listing needs no timelines
    chosen = []
    for view in views:
        if status == "open" and view.status in ("resolved", "declined"):
            continue
        if status in ("resolved", "declined") and view.status != status:
            continue
        if wanted_sev and view.severity not in wanted_sev:
            continue
        if wanted_svc and not wanted_svc.intersection(view.services):
            continue
        if category and view.category != category.strip().lower():
            continue
        if no_drills and view.drill:
            continue
        declared = view.declared_at
        if start and (declared is None or declared < start):
            continue
        if end and (declared is None or declared >= end):
            continue
        chosen.append(view)
    chosen.sort(key=lambda v: (v.declared_at is not None, v.declared_at, v.id), reverse=True)
    summaries = [
        IncidentSummary.model_validate(v.model_dump(include=set(IncidentSummary.model_fields)))
        for v in chosen
    ]
    if as_json:
        print_json([s.model_dump(mode="json") for s in summaries])
    else:
        text = table(summaries, ws.zone)
        if text:
            data_line(text)
        else:
            note("no incidents match")
    for problem in problems:
        note(f"error: {problem.error.message}")
    if problems:
        raise typer.Exit(int(ExitCode.INVALID_RECORD))


def register(app: typer.Typer) -> None:
    """Add the read commands to ``app``."""
    app.command("show", rich_help_panel="Read")(show)
    app.command("list", rich_help_panel="Read")(list_)
