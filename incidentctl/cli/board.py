"""The board command."""

from __future__ import annotations

import os
import sys
import time
from typing import TYPE_CHECKING, Annotated

import typer

from incidentctl.cli.output import note, print_json, workspace

if TYPE_CHECKING:
    from rich.table import Table

    from incidentctl.models.views import IncidentView
    from incidentctl.workspace import Workspace


def _views(ws: Workspace, team: str | None) -> tuple[list[IncidentView], int]:
    """Every incident (of ``team``, when given), and how many could not be read."""
    views, problems = ws.incidents()
    if team is not None:
        views = [v for v in views if team in v.teams]
    return views, len(problems)


def _team(ws: Workspace, team: str | None) -> str | None:
    if team is None:
        return None
    from incidentctl.core.errors import UsageError
    from incidentctl.core.text import clean_name

    name = clean_name(team, "team")
    if ws.catalog is None:
        raise UsageError(
            "--team needs a service catalog (catalog.yaml or catalog.locations)",
            hint="see docs/integrations.md#service-catalog",
        )
    return ws.catalog.check_team(name)


def _table(ws: Workspace, team: str | None = None) -> Table:
    from rich.markup import escape as markup_escape
    from rich.table import Table

    from incidentctl.core.text import one_line

    def escape(text: str) -> str:
        return markup_escape(one_line(text))

    from incidentctl.core.display import human, local
    from incidentctl.respond.board import rows

    views, problems = _views(ws, team)
    now = ws.now()
    whose = f" of team {team}" if team else ""
    table = Table(title=f"Open incidents{whose} — {local(now, ws.zone)}", title_justify="left")
    for header in (
        "id",
        "sev",
        "title",
        "age",
        "status",
        "commander",
        "unfilled roles",
        "next updates",
        "last entry",
    ):
        table.add_column(header, overflow="fold")
    for row in rows(views, ws.config, now):
        roles = (
            ", ".join(
                f"[bold red]{escape(r)} (overdue)[/]" if r in row.overdue_roles else escape(r)
                for r in row.unfilled_roles
            )
            or "-"
        )
        updates = []
        for u in row.updates:
            if u.next_due is None:
                continue
            when = local(u.next_due, ws.zone)[11:16]
            updates.append(
                f"[bold red]{u.surface} overdue {u.overdue_minutes}m[/]"
                if u.overdue_minutes
                else f"{u.surface} {when}"
            )
        sev = f"{row.severity}{' (drill)' if row.drill else ''}"
        table.add_row(
            row.id,
            sev,
            escape(row.title),
            human(row.age_s),
            row.status,
            escape(row.commander) if row.commander else "[red]-[/]",
            roles,
            "\n".join(updates) or "-",
            escape(row.last_entry),
        )
    if problems:
        table.caption = f"{problems} incident(s) could not be read; run incidentctl lint"
    return table


def board(
    ctx: typer.Context,
    watch: Annotated[bool, typer.Option("--watch", help="Refresh in place until Ctrl-C.")] = False,
    interval: Annotated[
        float, typer.Option("--interval", min=1.0, max=86400.0, help="Seconds between refreshes.")
    ] = 10.0,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print JSON on stdout (for bots).")
    ] = False,
    team: Annotated[
        str | None,
        typer.Option("--team", metavar="TEAM", help="Only incidents on services TEAM owns."),
    ] = None,
) -> None:
    """Every open incident: severity, age, roles to fill, updates due, last entry."""
    from rich.console import Console

    from incidentctl.respond.board import rows
    from incidentctl.workspace import Workspace

    repo = ctx.obj.repo if ctx.obj else None
    team = _team(workspace(ctx), team)
    if as_json:
        ws = workspace(ctx)
        views, _ = _views(ws, team)
        print_json([r.as_json() for r in rows(views, ws.config, ws.now())])
        return
    console = Console(
        file=sys.stdout,
        highlight=False,
        width=None if sys.stdout.isatty() or os.environ.get("COLUMNS") else 200,
    )
    if not watch:
        console.print(_table(workspace(ctx), team))
        return
    from rich.live import Live

    try:
        with Live(
            _table(Workspace.open(repo), team), console=console, screen=False, auto_refresh=False
        ) as live:
            while True:
                time.sleep(interval)
                live.update(_table(Workspace.open(repo), team), refresh=True)
    except KeyboardInterrupt:
        note("board closed")


def register(app: typer.Typer) -> None:
    """Add ``board`` to ``app``."""
    app.command("board", rich_help_panel="Respond")(board)
