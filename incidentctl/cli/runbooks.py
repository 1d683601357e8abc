"""Runbook commands: list, show, run."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from incidentctl.cli import complete
from incidentctl.cli.options import ByOpt, JsonOpt
from incidentctl.cli.output import data_line, note, print_json, workspace

runbook_app = typer.Typer(
    help="Runbooks on the prose-to-automation spectrum.", no_args_is_help=True
)
NameArg = Annotated[str, typer.Argument(metavar="NAME", help="Runbook name (file stem).")]


@runbook_app.command("list")
def list_(
    ctx: typer.Context,
    for_incident: Annotated[
        str | None,
        typer.Option(
            "--for",
            metavar="ID",
            help="Suggest runbooks for an incident.",
            autocompletion=complete.incident_ids,
        ),
    ] = None,
    stale: Annotated[
        bool,
        typer.Option("--stale", help="Automated steps not exercised recently; reviews overdue."),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """List runbooks, or those matching an incident, or the stale ones."""
    from incidentctl.models.outputs import RunbookRow, RunbookSuggestion, StaleRunbook
    from incidentctl.runbooks import runbook as runbooks

    ws = workspace(ctx)
    if stale:
        views, _ = ws.incidents()
        found = runbooks.stale(ws, views, ws.now().astimezone(ws.repo_zone).date())
        if as_json:
            print_json(
                [StaleRunbook(runbook=s.name, problem=s.problem).model_dump() for s in found]
            )
        for item in [] if as_json else found:
            data_line(f"{item.name}: {item.problem}")
        if not found and not as_json:
            note("no stale runbooks")
        return
    if for_incident is not None:
        suggestions = runbooks.suggest(ws, ws.incident(for_incident))
        if as_json:
            print_json(
                [
                    RunbookSuggestion(runbook=s.name, title=s.title, reasons=s.reasons).model_dump()
                    for s in suggestions
                ]
            )
            return
        for s in suggestions:
            data_line(f"{s.name}  {s.title}  ({'; '.join(s.reasons)})")
        if not suggestions:
            note("no runbook matches this incident")
        return
    rows = []
    for name in runbooks.names(ws):
        record, _ = runbooks.load(ws, name)
        placements = ", ".join(sorted({s.placement for s in record.steps}))
        rows.append(
            {
                "runbook": name,
                "title": record.title,
                "owner": record.owner,
                "steps": len(record.steps),
                "placements": placements,
            }
        )
    if as_json:
        print_json([RunbookRow.model_validate(row).model_dump() for row in rows])
        return
    for row in rows:
        data_line(
            f"{row['runbook']}  {row['title']}  ({row['steps']} steps: "
            f"{row['placements']}; owner {row['owner']})"
        )


@runbook_app.command("show")
def show(ctx: typer.Context, name: NameArg) -> None:
    """Print a runbook for a responder."""
    from incidentctl.runbooks import runbook as runbooks

    record, body = runbooks.load(workspace(ctx), name)
    data_line(
        f"{record.title}  (owner {record.owner}"
        + (f", review by {record.review_by}" if record.review_by else "")
        + ")"
    )
    if body.strip():
        data_line(body.strip())
    for number, step in enumerate(record.steps, start=1):
        data_line(f"\n{number}. {step.title}  [{step.placement}, risk {step.risk}]")
        data_line(f"   why {step.placement}: {step.why}")
        if step.instructions:
            for line in step.instructions.splitlines():
                data_line(f"   {line}")
        if step.command:
            data_line(f"   command: {' '.join(step.command)}  (timeout {step.timeout_seconds}s)")
        if step.expect:
            data_line(f"   expect: {step.expect}")


def run(
    ctx: typer.Context,
    name: NameArg,
    incident: Annotated[
        str | None,
        typer.Option(
            "--incident",
            metavar="ID",
            help="Record each step in this incident.",
            autocompletion=complete.incident_ids,
        ),
    ] = None,
    step: Annotated[int | None, typer.Option("--step", min=1, help="Only this step.")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would run.")] = False,
    yes: Annotated[
        bool,
        typer.Option("--yes", "-y", help="Run assisted steps without asking (not high-risk ones)."),
    ] = False,
    confirm_high_risk: Annotated[
        bool, typer.Option("--confirm-high-risk", help="Explicitly allow high-risk steps to run.")
    ] = False,
    gameday: Annotated[
        bool, typer.Option("--gameday", help="An exercise outside a real incident.")
    ] = False,
    target: Annotated[
        str | None, typer.Option("--target", help="Game-day target (fills {target}).")
    ] = None,
    param: Annotated[
        list[str] | None,
        typer.Option("--param", metavar="KEY=VALUE", help="Fill {KEY} in step commands."),
    ] = None,
    by: ByOpt = None,
) -> None:
    """Run a runbook's steps: manual ones are shown, others run without a shell."""
    from incidentctl.core.errors import CheckFailed
    from incidentctl.runbooks import runner

    def ask(question: runner.Question) -> bool:
        if question.kind == "high-risk":
            answer = typer.prompt(
                f"  high-risk step; type '{question.number}' to run it",
                default="",
                show_default=False,
            )
            return bool(answer.strip() == str(question.number))
        return typer.confirm(f"  run {question.argv}?", default=False)

    outcome = runner.run(
        workspace(ctx),
        name,
        incident=incident,
        step=step,
        dry_run=dry_run,
        yes=yes,
        confirm_high_risk=confirm_high_risk,
        gameday=gameday,
        target=target,
        params=param,
        by=by,
        ask=ask if sys.stdin.isatty() else None,
        say=note,
    )
    if outcome.failed:
        last = outcome.results[-1]
        raise CheckFailed(
            f"runbook {name} stopped at step {last.number}: {last.outcome}", reported=True
        )


def register(app: typer.Typer) -> None:
    """Add the runbook commands to ``app``."""
    runbook_app.command("run")(run)
    app.add_typer(runbook_app, name="runbook", rich_help_panel="Respond")
