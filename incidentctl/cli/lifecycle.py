"""Lifecycle commands: declare, ack, update, severity, assign, mitigate, resolve, reopen."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from incidentctl.cli import complete
from incidentctl.cli.options import AtOpt, ByOpt, IdArg, JsonOpt, NoCommitOpt, PushOpt
from incidentctl.cli.output import data_line, note, print_json, workspace

if TYPE_CHECKING:
    from incidentctl.respond.lifecycle import Outcome

BackfillOpt = Annotated[
    bool, typer.Option("--backfill", help="Allow a time before the incident was declared.")
]
MessageOpt = Annotated[str, typer.Option("--message", "-m", help="A note kept with the event.")]
FieldOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--field",
        metavar="NAME=VALUE",
        help="Set a custom field declared under fields: (repeat for several).",
        autocompletion=complete.fields,
    ),
]
TypeOpt = Annotated[
    str | None,
    typer.Option(
        "--type",
        metavar="TYPE",
        help="Incident type declared under types:.",
        autocompletion=complete.types,
    ),
]


def _push(ctx: typer.Context, push: bool) -> None:
    if push:
        from incidentctl.sync import push as run_push

        run_push(workspace(ctx))
        note("pushed")


def _checklist(ctx: typer.Context, outcome: Outcome, *, downgrade: bool = False) -> None:
    """The response checklist for the incident's (new) severity, on stderr."""
    from incidentctl.severity import routing

    ws = workspace(ctx)
    check = routing.checklist(outcome.incident, ws.config, ws.now())
    if check is not None:
        paged = "not again after a de-escalation" if downgrade else outcome.paged
        if paged is None and ws.config.hooks.page:
            paged = (
                "not sent: recorded after the fact"
                if outcome.incident.retrospective
                else "not sent again: the current severity did not become more severe"
            )
        for line in routing.render(check, ws.zone, paged=paged):
            note(line)


def _report(outcome: Outcome, what: str, as_json: bool) -> None:
    view = outcome.incident
    if as_json:
        from incidentctl.models.outputs import EventResult

        result = EventResult(
            id=view.id,
            event_id=outcome.event_id,
            status=view.status,
            severity=view.severity,
            committed=outcome.committed,
            path=outcome.path,
        )
        print_json(result.model_dump(mode="json"))
    suffix = "" if outcome.committed else " (staged, not committed)"
    note(f"{view.id}: {what} [{view.severity}, {view.status}]{suffix}")


def declare(
    ctx: typer.Context,
    title: Annotated[
        str | None,
        typer.Argument(help="What is wrong, in one line (default: from the alert group)."),
    ] = None,
    severity: Annotated[
        str | None,
        typer.Option(
            "--severity",
            "-s",
            help="Severity level, e.g. sev2.",
            autocompletion=complete.severities,
        ),
    ] = None,
    service: Annotated[
        list[str] | None,
        typer.Option(
            "--service",
            help="Affected service (repeat for several); checked against the service catalog.",
            autocompletion=complete.services,
        ),
    ] = None,
    category: Annotated[
        str | None, typer.Option("--category", help="Category, e.g. deploy.")
    ] = None,
    started_at: Annotated[
        str | None, typer.Option("--started-at", metavar="TIME", help="When impact began.")
    ] = None,
    detected_at: Annotated[
        str | None,
        typer.Option("--detected-at", metavar="TIME", help="When it was noticed (default: now)."),
    ] = None,
    commander: Annotated[
        str | None,
        typer.Option(
            "--commander",
            metavar="NAME",
            help="Incident commander.",
            autocompletion=complete.people,
        ),
    ] = None,
    drill: Annotated[bool, typer.Option("--drill", help="A game day or exercise.")] = False,
    summary: Annotated[str, typer.Option("--summary", help="Opening summary (Markdown).")] = "",
    detected_by: Annotated[
        str | None,
        typer.Option("--detected-by", help="How it was noticed: alert, customer, engineer, other."),
    ] = None,
    at: Annotated[
        str | None,
        typer.Option(
            "--at",
            metavar="TIME",
            help="When it was declared (default: now), e.g. 'yesterday 14:00'.",
        ),
    ] = None,
    retrospective: Annotated[
        bool,
        typer.Option(
            "--retrospective",
            help="Recorded after the fact: no page is sent; the checklist says what was required.",
        ),
    ] = False,
    from_alert_group: Annotated[
        str | None,
        typer.Option(
            "--from-alert-group",
            metavar="GROUP",
            help="Promote an alert group: detected_at is its first firing.",
        ),
    ] = None,
    incident_type: TypeOpt = None,
    field: FieldOpt = None,
    private: Annotated[
        bool,
        typer.Option(
            "--private",
            help="Keep the title, summary and messages in the private records repo "
            "(private.repo); this repo gets a stub with the figures only.",
        ),
    ] = False,
    by: ByOpt = None,
    no_commit: NoCommitOpt = False,
    as_json: JsonOpt = False,
    push: PushOpt = False,
) -> None:
    """Declare an incident; prints its new id."""
    from incidentctl.core.errors import UsageError
    from incidentctl.respond import lifecycle

    if not severity:
        raise UsageError(
            "--severity is required (e.g. --severity sev2)",
            hint="incidentctl classify helps choose one",
        )
    ws = workspace(ctx)
    if private and from_alert_group is not None:
        raise UsageError("--private does not combine with --from-alert-group")
    if from_alert_group is not None:
        from incidentctl.detect import service as alert_service

        if detected_at is not None:
            raise UsageError("--detected-at comes from the alert group; do not give both")
        group = alert_service.find(ws, from_alert_group)
        from incidentctl.detect import promote

        outcome = promote.declare_from_group(
            ws,
            group,
            severity=severity,
            title=title,
            by=by,
            commander=commander,
            started_at=started_at,
            services=service or None,
            category=category,
            drill=drill,
            summary=summary,
            detected_by=detected_by,
            at=at,
            retrospective=retrospective,
            commit=not no_commit,
            incident_type=incident_type,
            fields=field,
        )
    else:
        if title is None:
            raise UsageError("a title is required (or --from-alert-group)")
        outcome = lifecycle.declare(
            ws,
            title,
            severity=severity,
            services=service or [],
            category=category,
            started_at=started_at,
            detected_at=detected_at,
            at=at,
            retrospective=retrospective,
            commander=commander,
            drill=drill,
            by=by,
            summary=summary,
            commit=not no_commit,
            detected_by=detected_by,
            incident_type=incident_type,
            fields=field,
            private=private,
        )
    view = outcome.incident
    if as_json:
        print_json(
            {
                "id": view.id,
                "title": view.title,
                "severity": view.severity,
                "declared_at": view.model_dump(mode="json")["declared_at"],
                "path": outcome.path,
                "committed": outcome.committed,
            }
        )
    else:
        data_line(view.id)
    drill_note = " (drill)" if view.drill else ""
    drill_note += " (retrospective)" if view.retrospective else ""
    note(f"declared {view.severity} incident {view.id}{drill_note}: {view.title}")
    _checklist(ctx, outcome)
    _push(ctx, push)


def ack(
    ctx: typer.Context,
    incident: IdArg,
    at: AtOpt = None,
    by: ByOpt = None,
    message: MessageOpt = "",
    backfill: BackfillOpt = False,
    no_commit: NoCommitOpt = False,
    as_json: JsonOpt = False,
    push: PushOpt = False,
) -> None:
    """Acknowledge: a responder has engaged (sets acknowledged_at)."""
    from incidentctl.respond import lifecycle

    outcome = lifecycle.acknowledge(
        workspace(ctx),
        incident,
        at=at,
        by=by,
        message=message,
        backfill=backfill,
        commit=not no_commit,
    )
    _report(outcome, "acknowledged", as_json)
    _push(ctx, push)


def update(
    ctx: typer.Context,
    incident: IdArg,
    message: Annotated[str, typer.Argument(help="What happened or what was learned.")],
    status: Annotated[
        str | None,
        typer.Option("--status", help="New status: investigating, identified or monitoring."),
    ] = None,
    at: AtOpt = None,
    by: ByOpt = None,
    backfill: BackfillOpt = False,
    no_commit: NoCommitOpt = False,
    as_json: JsonOpt = False,
    push: PushOpt = False,
) -> None:
    """Add a timeline entry, optionally changing the status."""
    from incidentctl.respond import lifecycle

    outcome = lifecycle.update(
        workspace(ctx),
        incident,
        message,
        status=status,
        at=at,
        by=by,
        backfill=backfill,
        commit=not no_commit,
    )
    _report(outcome, "update recorded", as_json)
    _push(ctx, push)


def severity(
    ctx: typer.Context,
    incident: IdArg,
    level: Annotated[
        str,
        typer.Argument(
            metavar="SEVERITY", help="The new severity level.", autocompletion=complete.severities
        ),
    ],
    reason: Annotated[str, typer.Option("--reason", "-r", help="Why it changed.")],
    at: AtOpt = None,
    by: ByOpt = None,
    backfill: BackfillOpt = False,
    no_commit: NoCommitOpt = False,
    as_json: JsonOpt = False,
    push: PushOpt = False,
) -> None:
    """Change the severity (escalate or de-escalate), with a reason."""
    from incidentctl.respond import lifecycle

    outcome = lifecycle.change_severity(
        workspace(ctx),
        incident,
        level,
        reason=reason,
        at=at,
        by=by,
        backfill=backfill,
        commit=not no_commit,
    )
    from incidentctl.core.severity import more_severe

    view = outcome.incident
    event_at = next(e.at for e in view.timeline if e.id == outcome.event_id)
    step = next(c for c in reversed(view.severity_history) if c.at == event_at)
    _report(outcome, f"severity {step.from_} -> {step.to}", as_json)
    names = workspace(ctx).config.severity_names()
    downgrade = step.from_ is not None and more_severe(step.from_, step.to, names)
    _checklist(ctx, outcome, downgrade=downgrade)
    _push(ctx, push)


def assign(
    ctx: typer.Context,
    incident: IdArg,
    role: Annotated[
        str,
        typer.Argument(
            help="commander, operations, communications, scribe, or a role from the config."
        ),
    ],
    person: Annotated[
        str,
        typer.Argument(
            help="Who takes the role (stored as their handle when the directory knows them).",
            autocompletion=complete.people,
        ),
    ],
    at: AtOpt = None,
    by: ByOpt = None,
    message: MessageOpt = "",
    backfill: BackfillOpt = False,
    no_commit: NoCommitOpt = False,
    as_json: JsonOpt = False,
    push: PushOpt = False,
) -> None:
    """Assign a role; assigning a held role again is a handoff."""
    from incidentctl.respond import lifecycle

    outcome = lifecycle.assign(
        workspace(ctx),
        incident,
        role,
        person,
        at=at,
        by=by,
        message=message,
        backfill=backfill,
        commit=not no_commit,
    )
    last = outcome.incident.role_history[-1]
    what = (
        f"{last.role}: {last.previous} -> {last.person}"
        if last.previous
        else f"{last.role}: {last.person}"
    )
    _report(outcome, what, as_json)
    _push(ctx, push)


def mitigate(
    ctx: typer.Context,
    incident: IdArg,
    at: AtOpt = None,
    by: ByOpt = None,
    message: MessageOpt = "",
    backfill: BackfillOpt = False,
    no_commit: NoCommitOpt = False,
    as_json: JsonOpt = False,
    push: PushOpt = False,
) -> None:
    """Record that customer impact has stopped."""
    from incidentctl.respond import lifecycle

    outcome = lifecycle.mitigate(
        workspace(ctx),
        incident,
        at=at,
        by=by,
        message=message,
        backfill=backfill,
        commit=not no_commit,
    )
    _report(outcome, "mitigated", as_json)
    _push(ctx, push)


def resolve(
    ctx: typer.Context,
    incident: IdArg,
    at: AtOpt = None,
    by: ByOpt = None,
    root_cause_class: Annotated[
        str | None,
        typer.Option(
            "--root-cause-class",
            metavar="CLASS",
            help="Root-cause class, e.g. config-change (used for repeat detection).",
        ),
    ] = None,
    message: MessageOpt = "",
    backfill: BackfillOpt = False,
    no_commit: NoCommitOpt = False,
    as_json: JsonOpt = False,
    push: PushOpt = False,
) -> None:
    """Resolve the incident."""
    from incidentctl.respond import lifecycle

    outcome = lifecycle.resolve(
        workspace(ctx),
        incident,
        at=at,
        by=by,
        root_cause_class=root_cause_class,
        message=message,
        backfill=backfill,
        commit=not no_commit,
    )
    _report(outcome, "resolved", as_json)
    _push(ctx, push)


def reopen(
    ctx: typer.Context,
    incident: IdArg,
    reason: Annotated[str, typer.Option("--reason", "-r", help="Why it is active again.")],
    at: AtOpt = None,
    by: ByOpt = None,
    backfill: BackfillOpt = False,
    no_commit: NoCommitOpt = False,
    as_json: JsonOpt = False,
    push: PushOpt = False,
) -> None:
    """Reopen a resolved or declined incident."""
    from incidentctl.respond import lifecycle

    outcome = lifecycle.reopen(
        workspace(ctx),
        incident,
        reason=reason,
        at=at,
        by=by,
        backfill=backfill,
        commit=not no_commit,
    )
    _report(outcome, "reopened", as_json)
    _push(ctx, push)


def decline(
    ctx: typer.Context,
    incident: IdArg,
    reason: Annotated[
        str, typer.Option("--reason", "-r", help="Why it was not an incident after all.")
    ],
    at: AtOpt = None,
    by: ByOpt = None,
    backfill: BackfillOpt = False,
    no_commit: NoCommitOpt = False,
    as_json: JsonOpt = False,
    push: PushOpt = False,
) -> None:
    """Not an incident after all: left out of every figure (reopen brings it back)."""
    from incidentctl.respond import lifecycle

    outcome = lifecycle.decline(
        workspace(ctx),
        incident,
        reason=reason,
        at=at,
        by=by,
        backfill=backfill,
        commit=not no_commit,
    )
    _report(outcome, "declined", as_json)
    _push(ctx, push)


def correct(
    ctx: typer.Context,
    incident: IdArg,
    reason: Annotated[
        str, typer.Option("--reason", "-r", help="How the truth was found (kept with it).")
    ],
    started_at: Annotated[
        str | None, typer.Option("--started-at", metavar="TIME", help="When impact really began.")
    ] = None,
    detected_at: Annotated[
        str | None,
        typer.Option("--detected-at", metavar="TIME", help="When it was really noticed."),
    ] = None,
    declared_at: Annotated[
        str | None,
        typer.Option("--declared-at", metavar="TIME", help="When it was really declared."),
    ] = None,
    root_cause_class: Annotated[
        str | None,
        typer.Option(
            "--root-cause-class", metavar="CLASS", help="The root-cause class the review found."
        ),
    ] = None,
    by: ByOpt = None,
    no_commit: NoCommitOpt = False,
    as_json: JsonOpt = False,
    push: PushOpt = False,
) -> None:
    """Correct lifecycle times or the root-cause class; the latest correction wins."""
    from incidentctl.respond import lifecycle

    outcome = lifecycle.correct(
        workspace(ctx),
        incident,
        reason=reason,
        started_at=started_at,
        detected_at=detected_at,
        declared_at=declared_at,
        root_cause_class=root_cause_class,
        by=by,
        commit=not no_commit,
    )
    _report(outcome, "corrected", as_json)
    _push(ctx, push)


def set_(
    ctx: typer.Context,
    incident: IdArg,
    title: Annotated[str | None, typer.Option("--title", help="New title.")] = None,
    service: Annotated[
        list[str] | None, typer.Option("--service", help="Replace the services (repeatable).")
    ] = None,
    category: Annotated[str | None, typer.Option("--category", help="New category.")] = None,
    drill: Annotated[
        bool | None, typer.Option("--drill/--not-drill", help="Mark as a drill or not.")
    ] = None,
    duplicate_of: Annotated[
        str | None,
        typer.Option(
            "--duplicate-of",
            metavar="ID",
            help="Mark as a duplicate.",
            autocompletion=complete.incident_ids,
        ),
    ] = None,
    public_title: Annotated[
        str | None,
        typer.Option("--public-title", help="Title shown to customers (status page, comms)."),
    ] = None,
    impact: Annotated[
        list[str] | None,
        typer.Option(
            "--impact",
            metavar="MEASURE=LOW-HIGH",
            help="An impact estimate (repeatable): customers, users, requests_failed, "
            "revenue_at_risk or tickets, as a range or one value; needs --reason.",
        ),
    ] = None,
    reason: Annotated[
        str | None,
        typer.Option("--reason", "-r", help="The basis of the --impact estimates."),
    ] = None,
    field: Annotated[
        list[str] | None,
        typer.Option(
            "--field",
            metavar="NAME=VALUE",
            help="Set a custom field (repeatable); NAME= with no value unsets it.",
            autocompletion=complete.fields,
        ),
    ] = None,
    incident_type: TypeOpt = None,
    by: ByOpt = None,
    no_commit: NoCommitOpt = False,
) -> None:
    """Change descriptive fields or record impact estimates; each is an event, so clones
    never conflict."""

    from incidentctl.core.errors import UsageError
    from incidentctl.respond import describe

    fields = (title, service, category, drill, duplicate_of, public_title)
    if impact:
        if any(f is not None for f in fields):
            raise UsageError(
                "--impact is recorded on its own: run set once for --impact and once for "
                "the other fields"
            )
        view = describe.estimate_impact(
            workspace(ctx), incident, impact, reason=reason, by=by, commit=not no_commit
        )
        note(f"{view.id}: impact estimated")
        return
    if reason is not None:
        raise UsageError("--reason goes with --impact (the basis of the estimate)")
    view = describe.set_fields(
        workspace(ctx),
        incident,
        title=title,
        services=service,
        category=category,
        drill=drill,
        duplicate_of=duplicate_of,
        public_title=public_title,
        by=by,
        commit=not no_commit,
        fields=field,
        incident_type=incident_type,
    )
    note(f"{view.id}: updated")


def register(app: typer.Typer) -> None:
    """Add the lifecycle commands to ``app``."""
    for command in (
        declare,
        ack,
        update,
        severity,
        assign,
        mitigate,
        resolve,
        reopen,
        decline,
        correct,
    ):
        app.command(rich_help_panel="Respond")(command)
    app.command("set", rich_help_panel="Respond")(set_)
    app.command("edit", rich_help_panel="Respond")(edit)


def edit(
    ctx: typer.Context,
    incident: IdArg,
    postmortem: Annotated[bool, typer.Option("--postmortem", help="Edit the post-mortem.")] = False,
) -> None:
    """Open incident.md (or the post-mortem) in $VISUAL/$EDITOR; validate on save; commit."""
    from incidentctl.cli.review import retry_edit
    from incidentctl.learn.editing import edit as run_edit

    changed = run_edit(workspace(ctx), incident, postmortem=postmortem, retry=retry_edit)
    note("saved and committed" if changed else "no changes")
