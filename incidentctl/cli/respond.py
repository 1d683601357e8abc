"""Response commands: comms, roles, classify, policy, board."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from incidentctl.cli.options import AtOpt, ByOpt, IdArg, JsonOpt, NoCommitOpt
from incidentctl.cli.output import data_line, note, print_json, workspace, write_text

comms_app = typer.Typer(help="Draft and record incident communications.", no_args_is_help=True)
policy_app = typer.Typer(help="The severity policy: show it, test it.", no_args_is_help=True)

SurfaceOpt = Annotated[str, typer.Option("--surface", help="internal, customer or executive.")]


@comms_app.command("draft")
def comms_draft(
    ctx: typer.Context,
    incident: IdArg,
    surface: SurfaceOpt = "internal",
) -> None:
    """Draft an update for a surface from the incident's state and its template."""
    from incidentctl.comms.updates import draft

    write_text(draft(workspace(ctx), incident, surface))


@comms_app.command("post")
def comms_post(
    ctx: typer.Context,
    incident: IdArg,
    text: Annotated[str, typer.Argument(help="The text that was sent ('-' reads stdin).")],
    surface: SurfaceOpt = "internal",
    at: AtOpt = None,
    by: ByOpt = None,
    no_commit: NoCommitOpt = False,
) -> None:
    """Record that an update was sent on a surface (resets that surface's cadence)."""
    from incidentctl.comms import updates as comms

    body = sys.stdin.read() if text == "-" else text
    outcome = comms.post(
        workspace(ctx), incident, surface, body, at=at, by=by, commit=not no_commit
    )
    note(f"{outcome.incident.id}: {surface} update recorded")


def roles(
    ctx: typer.Context,
    as_json: JsonOpt = False,
) -> None:
    """The coordination roles: what each does and explicitly does not do."""
    from incidentctl.models.outputs import RoleView, view_of

    config = workspace(ctx).config
    if as_json:
        print_json([view_of(RoleView, role).model_dump(mode="json") for role in config.roles])
        return
    for role in config.roles:
        data_line(f"{role.name} — {role.title}")
        for item in role.responsibilities:
            data_line(f"  does: {item}")
        for item in role.not_responsible_for:
            data_line(f"  does not: {item}")


@policy_app.command("show")
def policy_show(
    ctx: typer.Context,
    as_json: JsonOpt = False,
) -> None:
    """Print the severity policy: levels, criteria, examples and response patterns."""
    from incidentctl.models.outputs import PolicyView

    config = workspace(ctx).config
    if as_json:
        policy = {
            "severities": [s.model_dump(mode="json") for s in config.severities],
            "classification": config.classification.model_dump(mode="json"),
            "roles": [r.model_dump(mode="json") for r in config.roles],
        }
        print_json(PolicyView.model_validate(policy).model_dump(mode="json"))
        return
    for level in config.severities:
        r = level.response
        data_line(f"{level.name}: {level.intent}")
        for item in level.criteria:
            data_line(f"  criterion: {item}")
        for item in level.examples:
            data_line(f"  example:   {item}")
        cadence = (
            ", ".join(
                f"{name} every {minutes} min"
                for name, minutes in (
                    ("internal", r.internal_update_minutes),
                    ("customer", r.customer_update_minutes),
                    ("executive", r.executive_update_minutes),
                )
                if minutes
            )
            or "as needed"
        )
        data_line(
            f"  page: {'yes' if r.page else 'no'}; roles within {r.roles_within_minutes} "
            f"min: {', '.join(r.required_roles) or 'none'}"
        )
        data_line(f"  updates: {cadence}; surfaces: {', '.join(r.surfaces)}")
        review = (
            f"required, review within {r.review_window_days} days"
            if r.postmortem_required
            else "optional"
        )
        data_line(f"  post-mortem: {review}; actions due in {r.action_due_days} days")


@policy_app.command("test")
def policy_test(ctx: typer.Context) -> None:
    """Run policy-tests.yaml: each case's answers must give its expected severity/response."""
    from incidentctl.core.errors import CheckFailed
    from incidentctl.severity.policy import run_tests
    from incidentctl.store.config_file import read_policy_tests

    ws = workspace(ctx)
    results = run_tests(ws.config, read_policy_tests(ws.layout))
    failed = [r for r in results if not r.passed]
    for result in results:
        data_line(f"{'ok  ' if result.passed else 'FAIL'} {result.name}")
        for problem in result.problems:
            data_line(f"     {problem}")
    data_line(f"{len(results) - len(failed)} passed, {len(failed)} failed")
    if failed:
        raise CheckFailed(
            f"policy test: {len(failed)} of {len(results)} case(s) failed", reported=True
        )


def classify(
    ctx: typer.Context,
    as_json: JsonOpt = False,
) -> None:
    """Answer the policy's criteria questions (as flags or interactively); get the severity.

    Flags come from the policy's questions: --data-loss / --no-data-loss for yes-no
    questions, --users-affected 30% for percent questions. Missing answers are asked when
    stdin is a terminal.
    """
    from incidentctl.severity.policy import classify as run_classify
    from incidentctl.severity.policy import parse_answer, parse_answer_flags

    config = workspace(ctx).config
    answers = parse_answer_flags(config.classification.questions, ctx.args)
    if sys.stdin.isatty() and not as_json:
        for question in config.classification.questions:
            if question.id not in answers:
                hint = (
                    " [y/n]"
                    if question.kind == "yes-no"
                    else " [%]"
                    if question.kind == "percent"
                    else ""
                )
                reply = typer.prompt(f"{question.ask}{hint}", default="", show_default=False)
                if reply.strip():
                    answers[question.id] = parse_answer(question, reply)
    result = run_classify(config, answers)
    response = config.level(result.severity).response
    from incidentctl.severity.policy import suggest_type

    kind = suggest_type(config, answers)
    if as_json:
        from incidentctl.models.outputs import ClassifyResult

        shown = ClassifyResult.model_validate(
            {
                "severity": result.severity,
                "type": kind,
                "because": result.because,
                "matched": result.matched,
                "unanswered": result.unanswered,
                "response": response.model_dump(mode="json"),
            }
        )
        print_json(shown.model_dump(mode="json"))
        return
    data_line(result.severity)
    note(f"because: {result.because}")
    if result.unanswered:
        note(f"unanswered: {', '.join(result.unanswered)} (rules that need them did not apply)")
    note(
        f"response: page {'yes' if response.page else 'no'}; roles "
        f"{', '.join(response.required_roles) or 'none'}; post-mortem "
        f"{'required' if response.postmortem_required else 'optional'}"
    )
    if kind is not None:
        note(f"suggested type: {kind} (declare --type {kind})")


statuspage_app = typer.Typer(help="A static public status page.", no_args_is_help=True)


@statuspage_app.command("build")
def statuspage_build(
    ctx: typer.Context,
    out: Annotated[str, typer.Option("--out", "-o", help="Folder to write.")] = "statuspage",
    days: Annotated[int, typer.Option("--days", min=1, max=36500, help="History to show.")] = 90,
    title: Annotated[str | None, typer.Option("--title", help="Page title.")] = None,
    base_url: Annotated[
        str | None,
        typer.Option(
            "--base-url",
            metavar="URL",
            help="Where the page is published (https://status.example.com/): the feeds "
            "link there with absolute URLs.",
        ),
    ] = None,
) -> None:
    """Write index.html, feed.json and feed.atom from customer-facing data only."""
    from pathlib import Path

    from incidentctl.cli import warn
    from incidentctl.comms import statuspage

    base = statuspage.base_url(base_url) if base_url is not None else None
    ws = workspace(ctx)
    views, problems = ws.incidents()
    for problem in problems:
        warn(f"skipped {problem.incident_id}: {problem.error.message}")
    written = statuspage.build(
        views,
        severity_names=ws.config.severity_names(),
        known_services=ws.config.services,
        title=title or ws.config.statuspage_title or "Service status",
        zone=ws.repo_zone,
        now=ws.now(),
        days=days,
        out=Path(out),
        base=base,
    )
    for path in written:
        data_line(str(path))


def register(app: typer.Typer) -> None:
    """Add the response commands to ``app``."""
    app.add_typer(comms_app, name="comms", rich_help_panel="Respond")
    app.command("roles", rich_help_panel="Policy")(roles)
    app.add_typer(policy_app, name="policy", rich_help_panel="Policy")
    app.add_typer(statuspage_app, name="statuspage", rich_help_panel="Respond")
    app.command(
        "classify",
        rich_help_panel="Policy",
        context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
    )(classify)
