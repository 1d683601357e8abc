"""Read commands: show and list."""

from __future__ import annotations

from typing import Annotated

import typer

from incidentctl.cli.options import IdArg, JsonOpt
from incidentctl.cli.output import data_line, note, print_json, raise_skipped, workspace


def show(
    ctx: typer.Context,
    incident: IdArg,
    as_json: JsonOpt = False,
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
    as_json: JsonOpt = False,
) -> None:
    """List incidents, newest first."""
    from incidentctl.cli.render import table
    from incidentctl.respond import query

    ws = workspace(ctx)
    wanted = query.incident_filter(
        ws,
        status=status,
        severities=severity,
        services=service,
        category=category,
        since=since,
        until=until,
        no_drills=no_drills,
    )
    views, problems = ws.incidents(slim=True)  # a listing needs no timelines
    summaries = query.summaries(query.select(views, wanted))
    if as_json:
        print_json([s.model_dump(mode="json") for s in summaries])
    else:
        text = table(summaries, ws.zone)
        if text:
            data_line(text)
        else:
            note("no incidents match")
    raise_skipped(problems)


def register(app: typer.Typer) -> None:
    """Add the read commands to ``app``."""
    app.command("show", rich_help_panel="Read")(show)
    app.command("list", rich_help_panel="Read")(list_)
