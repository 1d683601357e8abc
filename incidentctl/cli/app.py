"""The Typer application: global options and the command groups."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

import typer

from incidentctl import __version__

app = typer.Typer(
    name="incidentctl",
    help="Incident response kept as Markdown records in git: declare, respond, review, measure.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@dataclass
class Globals:
    """Options given before the command."""

    repo: str | None
    debug: bool


def _version(value: bool) -> None:
    if value:
        typer.echo(f"incidentctl {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    ctx: typer.Context,
    repo: Annotated[
        str | None,
        typer.Option(
            "--repo",
            "-C",
            envvar="INCIDENTCTL_REPO",
            metavar="PATH",
            help="Records repo to use (default: found by walking up from cwd).",
        ),
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    ctx.obj = Globals(repo=repo, debug=debug)


from incidentctl.cli import (  # noqa: E402
    admin,
    alerts,
    board,
    imports,
    lifecycle,
    lint,
    read,
    report,
    respond,
    review,
    runbooks,
)

lifecycle.register(app)
read.register(app)
report.register(app)
lint.register(app)
respond.register(app)
board.register(app)
review.register(app)
alerts.register(app)
runbooks.register(app)
imports.register(app)
admin.register(app)
