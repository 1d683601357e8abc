"""Learning-loop commands: post-mortems, similar incidents, action items."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from incidentctl.cli.options import IdArg, JsonOpt
from incidentctl.cli.output import data_line, note, print_json, workspace, write_text

if TYPE_CHECKING:
    from incidentctl.core.errors import IncidentctlError

postmortem_app = typer.Typer(
    help="Blameless post-mortems: draft, review, publish.", no_args_is_help=True
)
action_app = typer.Typer(help="Action items tracked to completion.", no_args_is_help=True)
ActionArg = Annotated[str, typer.Argument(metavar="ACTION", help="Action id or prefix.")]


def retry_edit(exc: IncidentctlError) -> bool:
    """After an edit that does not validate: show why, and offer the editor again (only
    when someone at a terminal can answer)."""
    if not sys.stdin.isatty():
        return False  # the boundary prints it
    from incidentctl.cli import show_error

    show_error(exc)
    return typer.confirm("Reopen the editor to fix it?", default=True)


@postmortem_app.command("new")
def pm_new(
    ctx: typer.Context,
    incident: IdArg,
    no_edit: Annotated[
        bool, typer.Option("--no-edit", help="Do not open $VISUAL/$EDITOR.")
    ] = False,
) -> None:
    """Write a draft post-mortem from the records and open it in your editor."""
    from incidentctl.learn import postmortem

    ws = workspace(ctx)
    draft = postmortem.new(ws, incident)
    rel = ws.layout.relative(draft.path)
    data_line(rel)
    note(f"{draft.incident_id}: post-mortem draft written")
    if no_edit:
        return
    from incidentctl.learn.editing import edit

    changed = edit(ws, draft.incident_id, postmortem=True, retry=retry_edit)
    note("saved and committed" if changed else "no changes")


@postmortem_app.command("list")
def pm_list(
    ctx: typer.Context,
    due: Annotated[bool, typer.Option("--due", help="Only reviews not yet done.")] = False,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only late reviews.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Post-mortems the policy requires: missing, in progress, late."""
    from incidentctl.core.display import local
    from incidentctl.learn import postmortem

    ws = workspace(ctx)
    views, _ = ws.incidents()
    rows = postmortem.required(ws, views, ws.now())
    if due:
        rows = [r for r in rows if r.status not in ("reviewed", "published")]
    if overdue:
        rows = [r for r in rows if r.overdue_days > 0]
    if as_json:
        from incidentctl.models.outputs import ReviewDueView

        print_json(
            [
                ReviewDueView(
                    incident=r.incident_id,
                    title=r.title,
                    severity=r.severity,
                    status=r.status,
                    due=r.due.isoformat() if r.due else None,
                    overdue_days=r.overdue_days,
                ).model_dump(mode="json")
                for r in rows
            ]
        )
        return
    for r in rows:
        late = f"  OVERDUE {r.overdue_days}d" if r.overdue_days else ""
        data_line(
            f"{r.incident_id}  {r.severity:<5} {r.status:<10} due "
            f"{local(r.due, ws.zone)[:10] if r.due else 'after resolution':<16}{late}  "
            f"{r.title}"
        )
    if not rows:
        note("no post-mortems match")


@postmortem_app.command("status")
def pm_status(
    ctx: typer.Context,
    incident: IdArg,
    status: Annotated[str, typer.Argument(help="draft, in-review, reviewed or published.")],
) -> None:
    """Move a post-mortem through draft → in-review → reviewed → published."""
    from incidentctl.learn import postmortem

    record = postmortem.set_status(workspace(ctx), incident, status)
    note(f"{record.incident}: post-mortem {record.status}")


@postmortem_app.command("check")
def pm_check(ctx: typer.Context, incident: IdArg) -> None:
    """Check a post-mortem for blaming language and format problems (lint, for one file)."""
    from incidentctl.core.errors import CheckFailed
    from incidentctl.lint import output, runner

    ws = workspace(ctx)
    incident_id = ws.resolve_id(incident)
    path = ws.layout.incident_dir(incident_id) / "postmortem.md"
    if not path.exists():
        from incidentctl.core.errors import InvalidStateError

        raise InvalidStateError(f"incident {incident_id} has no post-mortem")
    result = runner.run(ws, paths=[str(path)], only=["blameless", "schema", "integrity", "secrets"])
    write_text(output.text(result))
    if result.findings:
        raise CheckFailed(
            f"the post-mortem of {incident_id} has {len(result.findings)} finding(s)",
            reported=True,
        )


@postmortem_app.command("publish")
def pm_publish(
    ctx: typer.Context,
    incident: IdArg,
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder to write.")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="markdown or html.")] = "markdown",
    draft: Annotated[
        bool, typer.Option("--draft", help="Publish before the review is done.")
    ] = False,
) -> None:
    """A redacted, shareable copy; refuses (and writes nothing) if anything would leak."""
    from incidentctl.learn import publish

    ws = workspace(ctx)
    copy = publish.build(ws, incident, draft=draft)
    data_line(str(publish.write(copy, out, fmt)))


@postmortem_app.command("index")
def pm_index(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder to write.")],
) -> None:
    """Publish every published post-mortem as HTML, with an index by date, service, class."""
    from incidentctl.core.errors import RefusedError, several
    from incidentctl.learn import publish

    done = publish.publish_index(workspace(ctx), out)
    data_line(str(done.path))
    note(f"{len(done.published)} post-mortem(s) published")
    if done.refused:
        raise several(RefusedError, [exc.message for exc in done.refused])


def similar(ctx: typer.Context, incident: IdArg, as_json: JsonOpt = False) -> None:
    """Earlier incidents that look like this one, ranked, with the reasons."""
    from incidentctl.learn import postmortem

    matches = postmortem.similar(workspace(ctx), incident)
    if as_json:
        from incidentctl.models.outputs import SimilarView

        print_json(
            [
                SimilarView(id=m.id, title=m.title, score=m.score, reasons=m.reasons).model_dump()
                for m in matches
            ]
        )
        return
    for m in matches:
        data_line(f"{m.id}  {m.score:>5}  {m.title}  ({'; '.join(m.reasons)})")
    if not matches:
        note("no earlier incident looks like this one")


@action_app.command("add")
def action_add(
    ctx: typer.Context,
    incident: IdArg,
    title: Annotated[str, typer.Argument(help="What will be done.")],
    owner: Annotated[str, typer.Option("--owner", help="Who owns it.")],
    due: Annotated[
        str | None, typer.Option("--due", help="2026-12-15 or +14d (default: the policy's window).")
    ] = None,
    type_: Annotated[
        str | None, typer.Option("--type", help="detective, preventive, corrective or mitigative.")
    ] = None,
    priority: Annotated[str, typer.Option("--priority", help="high, medium or low.")] = "medium",
    team: Annotated[str | None, typer.Option("--team", help="Owning team.")] = None,
    description: Annotated[str, typer.Option("--description", help="Details (Markdown).")] = "",
) -> None:
    """Add an action item to an incident (or its post-mortem); prints its id."""
    from incidentctl.learn import actions

    record = actions.add(
        workspace(ctx),
        incident,
        title,
        owner=owner,
        due=due,
        type_=type_,
        priority=priority,
        team=team,
        description=description,
    )
    data_line(record.id)
    note(f"action {record.id} for {record.incident}: {record.owner}, due {record.due}")


@action_app.command("list")
def action_list(
    ctx: typer.Context,
    open_: Annotated[bool, typer.Option("--open", help="Only open actions.")] = False,
    overdue: Annotated[
        bool, typer.Option("--overdue", help="Only overdue, grouped by owner.")
    ] = False,
    owner: Annotated[str | None, typer.Option("--owner", help="Only this owner.")] = None,
    incident: Annotated[str | None, typer.Option("--incident", help="Only this incident.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Action items, most overdue first."""
    from incidentctl.core.errors import RecordError, several
    from incidentctl.learn import actions
    from incidentctl.models.review import ActionView

    ws = workspace(ctx)
    records, errors = actions.all_actions(ws)
    incident_id = ws.resolve_id(incident) if incident else None
    items = actions.select(
        records,
        actions.today(ws),
        status="open" if open_ or overdue else None,
        overdue=overdue,
        owner=owner,
        incident=incident_id,
    )
    if as_json:
        print_json([i.model_dump(mode="json") for i in items])
    elif overdue:
        groups: dict[str, list[ActionView]] = {}
        for item in items:
            key = item.owner + (f" ({item.team})" if item.team else "")
            groups.setdefault(key, []).append(item)
        for key, group in sorted(groups.items()):
            data_line(f"{key}: {len(group)} overdue")
            for item in group:
                data_line(
                    f"  {item.id}  {item.days_overdue}d late  due {item.due}  "
                    f"[{item.incident}] {item.title}"
                )
    else:
        for item in items:
            late = f"  OVERDUE {item.days_overdue}d" if item.overdue else ""
            data_line(
                f"{item.id}  {item.status:<6} {item.owner:<12} due {item.due}{late}  "
                f"[{item.incident}] {item.title}"
            )
    if not items and not as_json:
        note("no action items match")
    if errors:
        raise several(RecordError, [error.message for error in errors])


@action_app.command("done")
def action_done(
    ctx: typer.Context,
    action: ActionArg,
    note_: Annotated[str | None, typer.Option("--note", help="What shipped.")] = None,
) -> None:
    """Mark an action item done."""
    from incidentctl.learn import actions

    record = actions.done(workspace(ctx), action, note=note_)
    note(f"action {record.id} done")


@action_app.command("reopen")
def action_reopen(ctx: typer.Context, action: ActionArg) -> None:
    """Reopen a done or won't-do action item."""
    from incidentctl.learn import actions

    record = actions.reopen(workspace(ctx), action)
    note(f"action {record.id} reopened")


@action_app.command("reassign")
def action_reassign(
    ctx: typer.Context,
    action: ActionArg,
    owner: Annotated[str, typer.Argument(help="The new owner.")],
    due: Annotated[str | None, typer.Option("--due", help="A new due date.")] = None,
) -> None:
    """Give an action item to someone else."""
    from incidentctl.learn import actions

    record = actions.reassign(workspace(ctx), action, owner, due=due)
    note(f"action {record.id} now owned by {record.owner}, due {record.due}")


@action_app.command("wontdo")
def action_wontdo(
    ctx: typer.Context,
    action: ActionArg,
    reason: Annotated[str, typer.Option("--reason", help="Why not.")],
) -> None:
    """Close an action item without doing it."""
    from incidentctl.learn import actions

    record = actions.wontdo(workspace(ctx), action, reason=reason)
    note(f"action {record.id} closed as won't do")


@action_app.command("link")
def action_link(
    ctx: typer.Context,
    action: ActionArg,
    url: Annotated[str, typer.Argument(help="The tracker issue's URL.")],
) -> None:
    """Record the tracker issue that carries an action item."""
    from incidentctl.learn import actions

    record = actions.link(workspace(ctx), action, url)
    note(f"action {record.id} linked to {url}")


@action_app.command("export")
def action_export(
    ctx: typer.Context,
    fmt: Annotated[str, typer.Option("--format", "-f", help="github or jira-csv.")] = "github",
    open_only: Annotated[bool, typer.Option("--open/--all", help="Only open actions.")] = True,
) -> None:
    """Emit actions for a tracker import: GitHub issues JSON or Jira CSV."""
    from incidentctl.core.errors import UsageError
    from incidentctl.learn import actions, trackers

    ws = workspace(ctx)
    records, _ = actions.all_actions(ws)
    chosen = [r for r in records if r.status == "open" or not open_only]
    if fmt == "github":
        write_text(json.dumps(trackers.github(chosen), indent=2) + "\n", is_json=True)
    elif fmt == "jira-csv":
        write_text(trackers.jira_csv(chosen))
    else:
        raise UsageError("--format must be github or jira-csv")


def register(app: typer.Typer) -> None:
    """Add the review commands to ``app``."""
    app.add_typer(postmortem_app, name="postmortem", rich_help_panel="Learn")
    app.add_typer(action_app, name="action", rich_help_panel="Learn")
    app.command("similar", rich_help_panel="Learn")(similar)
