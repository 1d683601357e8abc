"""Import commands: cState issues, CSV exports, chat timelines."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from incidentctl.cli.options import IdArg
from incidentctl.cli.output import data_line, note, workspace

import_app = typer.Typer(help="Bring history in: status pages, CSV exports.", no_args_is_help=True)
timeline_app = typer.Typer(help="The incident timeline.", no_args_is_help=True)
ZoneOpt = Annotated[
    str | None, typer.Option("--timezone", help="IANA zone for times written without an offset.")
]
SeverityMapOpt = Annotated[
    str | None,
    typer.Option(
        "--severity-map", metavar="FROM=SEV,...", help="Map source severities to the policy's."
    ),
]


def _report(result: object) -> None:
    from incidentctl.importers.common import ImportResult

    assert isinstance(result, ImportResult)
    for incident_id in result.created:
        data_line(incident_id)
    note(f"imported {len(result.created)} incident(s), skipped {len(result.skipped)}")
    for source, reason in result.skipped:
        note(f"  skipped {source}: {reason}")
    if result.assumed_zone:
        note(
            f"  {result.assumed_zone} time(s) had no UTC offset and were read in the given timezone"
        )
    for line in result.notes:
        note(f"  note: {line}")


@import_app.command("cstate")
def import_cstate(
    ctx: typer.Context,
    directory: Annotated[Path, typer.Argument(help="A cState site (or its content/issues).")],
    timezone: ZoneOpt = None,
    severity_map: SeverityMapOpt = None,
) -> None:
    """Import cState status-page issues with their timeline; safe to run again."""
    from incidentctl.importers import cstate

    _report(cstate.run(workspace(ctx), directory, zone_name=timezone, severity_map=severity_map))


@import_app.command("csv")
def import_csv(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="CSV export, one incident per row.")],
    map_: Annotated[
        str | None,
        typer.Option(
            "--map",
            metavar="FIELD=COLUMN,...",
            help="Columns for id, title, created, acknowledged, resolved, severity, service, "
            "started, class.",
        ),
    ] = None,
    timezone: ZoneOpt = None,
    severity_map: SeverityMapOpt = None,
) -> None:
    """Import incidents from a CSV export (PagerDuty / Opsgenie shape); safe to run again."""
    from incidentctl.importers import csvfile

    _report(
        csvfile.run(
            workspace(ctx), file, columns=map_, severity_map=severity_map, zone_name=timezone
        )
    )


@timeline_app.command("import")
def timeline_import(
    ctx: typer.Context,
    incident: IdArg,
    file: Annotated[Path, typer.Argument(help="Slack channel export JSON, or a transcript.")],
    fmt: Annotated[
        str | None, typer.Option("--format", help="slack or transcript (default: by content).")
    ] = None,
    match: Annotated[
        str | None, typer.Option("--match", metavar="REGEX", help="Only messages matching.")
    ] = None,
    author: Annotated[
        list[str] | None, typer.Option("--author", help="Only these authors.")
    ] = None,
    since: Annotated[str | None, typer.Option("--since", metavar="TIME")] = None,
    until: Annotated[str | None, typer.Option("--until", metavar="TIME")] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="List what would be imported.")
    ] = False,
) -> None:
    """Turn chat messages into timeline entries with their original times and authors."""
    from incidentctl.core.display import local
    from incidentctl.importers import chat

    ws = workspace(ctx)
    chosen, skipped = chat.run(
        ws,
        incident,
        file,
        fmt=fmt,
        match=match,
        author=author,
        since=since,
        until=until,
        dry_run=dry_run,
    )
    for message in chosen:
        data_line(f"{local(message.at, ws.zone)}  {message.by}: {message.text.splitlines()[0]}")
    verb = "would import" if dry_run else "imported"
    note(f"{verb} {len(chosen)} message(s); {skipped} already in the timeline")


def register(app: typer.Typer) -> None:
    app.add_typer(import_app, name="import", rich_help_panel="Setup")
    app.add_typer(timeline_app, name="timeline", rich_help_panel="Respond")
