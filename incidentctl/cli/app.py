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
    tz: str | None = None
    repo_from_env: bool = False  # $INCIDENTCTL_REPO, a default rather than a choice


def repeated_repos(args: list[str]) -> list[str]:
    """``args`` with ``--repo`` given several times before the command resolved: click
    keeps only the last, so ``report`` gets them all as its own ``--repo`` options (it
    combines repos) and any other command is refused."""
    repos: list[str] = []
    rest: list[str] = []
    at = 0
    while at < len(args):
        token = args[at]
        if token in ("--repo", "-C") and at + 1 < len(args):
            repos.append(args[at + 1])
            at += 2
            continue
        if token.startswith("--repo="):
            repos.append(token.split("=", 1)[1])
        elif token.startswith("-C") and len(token) > 2:
            repos.append(token[2:])
        elif token.startswith("-") and token != "--":
            rest.append(token)
        else:
            break  # the command
        at += 1
    if len(repos) < 2:
        return args
    command = args[at] if at < len(args) else None
    if command != "report":
        from incidentctl.core.errors import UsageError

        raise UsageError(
            f"--repo is given {len(repos)} times before '{command or 'the command'}', which "
            "works on one records repo",
            hint="only report combines repos: incidentctl report --repo A --repo B",
        )
    combined = [arg for repo in repos for arg in ("--repo", repo)]
    return [*rest, command, *combined, *args[at + 1 :]]


def _version(value: bool) -> None:
    if value:
        from incidentctl.cli import stop

        typer.echo(f"incidentctl {__version__}")
        stop()


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
    tz: Annotated[
        str | None,
        typer.Option(
            "--tz",
            envvar="INCIDENTCTL_TZ",
            metavar="ZONE",
            help="Time zone to show times in and read typed times in (stored times stay UTC).",
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    if tz is not None:
        from incidentctl.workspace import DISPLAY_ZONE, named_zone

        named_zone(tz, "--tz")
        DISPLAY_ZONE.set(tz.strip())
    source = ctx.get_parameter_source("repo")  # typer may vendor its own click
    from_env = source is not None and source.name == "ENVIRONMENT"
    if isinstance(ctx.obj, Globals):  # the boundary's own object: it reads --debug there
        ctx.obj.repo, ctx.obj.debug, ctx.obj.repo_from_env = repo, debug, from_env
        ctx.obj.tz = tz
    else:
        ctx.obj = Globals(repo=repo, debug=debug, repo_from_env=from_env, tz=tz)


from incidentctl.cli import (  # noqa: E402
    admin,
    alerts,
    board,
    imports,
    lifecycle,
    lint,
    org,
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
org.register(app)
