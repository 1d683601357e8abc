"""The lint command."""

from __future__ import annotations

from typing import Annotated

import typer

from incidentctl.cli.output import prefetch_status, workspace, write_text


def lint(
    ctx: typer.Context,
    paths: Annotated[
        list[str] | None, typer.Argument(metavar="[PATH]...", help="Only these files or folders.")
    ] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Warnings fail the run too.")] = False,
    changed_since: Annotated[
        str | None,
        typer.Option(
            "--changed-since",
            metavar="REV",
            help="Only what changed since REV, and records naming an incident now gone.",
        ),
    ] = None,
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="text, json, github, sarif or gitlab.")
    ] = "text",
    rule: Annotated[
        list[str] | None, typer.Option("--rule", help="Only this rule or family (repeatable).")
    ] = None,
    disable: Annotated[
        list[str] | None, typer.Option("--disable", help="Skip this rule or family (repeatable).")
    ] = None,
) -> None:
    """Check every record: schema, integrity, chronology, policy, secrets."""
    if changed_since:
        prefetch_status(ctx)
    from incidentctl.core.errors import CheckFailed, UsageError
    from incidentctl.lint import output, runner

    if fmt not in output.FORMATS:
        raise UsageError(f"--format must be one of {', '.join(output.FORMATS)}")
    ws = workspace(ctx)
    result = runner.run(
        ws,
        paths=paths or [],
        changed_since=changed_since,
        strict=strict,
        only=rule or [],
        disable=disable or [],
    )
    top, prefix = runner.ci_base(ws) if fmt in ("github", "sarif", "gitlab") else (ws.root, "")
    write_text(
        output.render(result, fmt, top.as_uri() + "/", prefix),
        is_json=fmt in ("json", "sarif", "gitlab"),
    )
    if result.summary.failed:
        s = result.summary
        raise CheckFailed(
            f"lint failed: {s.errors} error(s), {s.warnings} warning(s)"
            + (" (--strict: warnings fail too)" if strict and s.warnings else ""),
            reported=True,
        )


def register(app: typer.Typer) -> None:
    """Add ``lint`` to ``app``."""
    app.command("lint", rich_help_panel="Check")(lint)
