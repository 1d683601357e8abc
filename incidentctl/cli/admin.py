"""Repo administration: init, schema export, sync."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from incidentctl.cli.output import data_line, note, workspace

schema_app = typer.Typer(help="JSON Schemas of records and outputs.", no_args_is_help=True)


def init(
    path: Annotated[Path, typer.Argument(help="Folder to make a records repo.")] = Path("."),
    ci: Annotated[
        str | None, typer.Option("--ci", help="Also write a CI workflow: github.")
    ] = None,
) -> None:
    """Create a records repo: config, folders, .gitattributes, first commit."""
    from incidentctl.setup import init as run_init

    created = run_init(path, ci=ci)
    for name in created:
        data_line(name)
    note(f"initialised an incidentctl records repo in {path.resolve()}")


@schema_app.command("export")
def schema_export(
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder to write.")] = Path("schemas"),
) -> None:
    """Write JSON Schema for every record kind and every --json output."""
    from incidentctl.models.schemas import export

    for path in export(out):
        data_line(str(path))


def sync(
    ctx: typer.Context,
    pull: Annotated[bool, typer.Option("--pull", help="Merge the remote's records first.")] = False,
    push: Annotated[bool, typer.Option("--push", help="Push local commits afterwards.")] = False,
    remote: Annotated[
        str | None, typer.Option("--remote", help="Remote name (default: the branch's upstream).")
    ] = None,
) -> None:
    """Commit what an interrupted command saved; optionally pull and push."""
    from incidentctl.sync import sync as run_sync

    outcome = run_sync(workspace(ctx), pull=pull, push_after=push, remote=remote)
    if outcome.recovered:
        note(f"committed what an interrupted command saved: {', '.join(outcome.recovered)}")
    else:
        note("nothing was pending; the records are committed")
    if outcome.pulled:
        note("pulled")
    if outcome.pushed:
        note("pushed")


def register(app: typer.Typer) -> None:
    """Add the admin commands to ``app``."""
    app.command("init", rich_help_panel="Setup")(init)
    app.command("sync", rich_help_panel="Setup")(sync)
    app.add_typer(schema_app, name="schema", rich_help_panel="Setup")
