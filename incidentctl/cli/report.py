"""The report command."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from incidentctl.cli.output import note, prefetch_status, write_text

if TYPE_CHECKING:
    from incidentctl.store.bulk import LoadProblem

FORMATS = ("table", "json", "csv", "markdown", "html", "openmetrics")


def report(
    ctx: typer.Context,
    quarter: Annotated[str | None, typer.Option("--quarter", "-q", help="e.g. 2026Q3.")] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="Window start (date or time).")
    ] = None,
    until: Annotated[str | None, typer.Option("--until", help="Window end, exclusive.")] = None,
    period: Annotated[
        str, typer.Option("--period", help="Trend buckets: week, month, quarter or year.")
    ] = "month",
    group_by: Annotated[
        list[str] | None,
        typer.Option(
            "--group-by",
            metavar="KEY",
            help="severity, service, category or period: the breakdown shown first; team, "
            "system, type or field:NAME: an extra breakdown (repeat for several).",
        ),
    ] = None,
    by: Annotated[
        str | None,
        typer.Option("--by", hidden=True, help="Deprecated spelling of --group-by."),
    ] = None,
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="table, json, csv, markdown, html or openmetrics.")
    ] = "table",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to FILE.")] = None,
    compare: Annotated[
        str | None,
        typer.Option("--compare", help="'previous': the trend against the window before."),
    ] = None,
    severity_basis: Annotated[
        str, typer.Option("--severity-basis", help="final, initial or max.")
    ] = "final",
    include_drills: Annotated[
        bool, typer.Option("--include-drills", help="Count drills too.")
    ] = False,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", metavar="REV", help="The records as they stood at a git revision."),
    ] = None,
    explain: Annotated[
        bool,
        typer.Option(
            "--explain", help="Definitions and the per-incident inputs behind every figure."
        ),
    ] = False,
    lookback_days: Annotated[
        int | None,
        typer.Option("--lookback-days", min=1, max=36500, help="Repeat-class lookback window."),
    ] = None,
    same_service: Annotated[
        bool | None,
        typer.Option("--same-service/--any-service", help="Repeats must share a service."),
    ] = None,
    workload: Annotated[
        bool,
        typer.Option(
            "--workload", help="Responder load per person: time by working/evening/sleeping hours."
        ),
    ] = False,
    repo: Annotated[
        list[str] | None,
        typer.Option("--repo", help="Records repo to include (repeat for several teams)."),
    ] = None,
) -> None:
    """Quarterly figures: MTTD, MTTR, frequency, escalations, repeat classes, trend."""
    if as_of is None and not repo and os.environ.get("INCIDENTCTL_NO_CACHE") != "1":
        prefetch_status(ctx)  # the report cache asks git whether anything changed
    from incidentctl.core.errors import UsageError
    from incidentctl.measure.formats import BREAKDOWNS
    from incidentctl.measure.reporting import ReportRequest, cached_json, run
    from incidentctl.workspace import Workspace

    if fmt not in FORMATS:
        raise UsageError(f"--format must be one of {', '.join(FORMATS)}")
    from incidentctl.measure.breakdown import check as check_breakdowns

    keys = group_by or []
    shown = [k for k in keys if k in BREAKDOWNS]
    if len(shown) > 1:
        raise UsageError(
            f"--group-by takes at most one of {', '.join(BREAKDOWNS)} (given: {', '.join(shown)})"
        )
    first = _group_by(ctx, shown[0] if shown else "severity", by)
    if first not in BREAKDOWNS:
        raise UsageError(f"--group-by must be one of {', '.join(BREAKDOWNS)}")
    breakdowns = check_breakdowns([k for k in keys if k not in BREAKDOWNS])
    roots = _roots(ctx, repo)
    workspaces = [Workspace.open(r) for r in roots]
    request = ReportRequest(
        quarter=quarter,
        since=since,
        until=until,
        granularity=period,
        severity_basis=severity_basis,
        include_drills=include_drills,
        compare=compare,
        as_of=as_of,
        lookback_days=lookback_days,
        same_service=same_service,
        workload=workload,
        group_by=breakdowns,
    )
    progress = None
    if sys.stderr.isatty():

        def progress(done: int, total: int) -> None:
            sys.stderr.write(f"\rreading incidents {done}/{total}")
            if done == total:
                sys.stderr.write("\r\033[K")
            sys.stderr.flush()

    from incidentctl.git import gitrepo

    problems: list[tuple[str, LoadProblem]] = []
    with gitrepo.one_status():
        text = cached_json(workspaces, request) if fmt == "json" and not explain else None
        if text is None:
            result, problems = run(workspaces, request, progress)
            text = _render(result, fmt, first, explain, output is None and sys.stdout.isatty())
    if output is not None:
        from incidentctl.store.atomic import replace, write_new

        target = output.resolve()
        (replace if target.exists() else write_new)(target, text or "")
        note(f"wrote {output}")
    elif text is not None:
        if fmt == "table":  # rich's own styling; every cell was made safe when rendered
            sys.stdout.write(text)
        else:
            write_text(text, is_json=fmt == "json")
    if problems:
        from incidentctl.core.errors import RecordError, several

        raise several(RecordError, [f"{name}: {p.error.message}" for name, p in problems])


def _group_by(ctx: typer.Context, group_by: str, by: str | None) -> str:
    """``--by`` is the old spelling of ``--group-by`` (``--by`` names a person elsewhere):
    kept, hidden, for one release, with a warning; never both."""
    if by is None:
        return group_by
    source = ctx.get_parameter_source("group_by")  # typer may vendor its own click
    if source is not None and source.name == "COMMANDLINE":
        from incidentctl.core.errors import UsageError

        raise UsageError("give --group-by only (--by is its old spelling)")
    from incidentctl.cli import warn

    warn("report --by is deprecated and will be removed; use --group-by")
    return by


def _roots(ctx: typer.Context, repo: list[str] | None) -> list[str | None]:
    """The repos to report on: the global ``--repo/-C`` and report's own ``--repo``
    combine (each repo once); ``$INCIDENTCTL_REPO`` is only the default when neither is
    given."""
    globals_ = ctx.obj
    explicit = globals_.repo if globals_ is not None and not globals_.repo_from_env else None
    if not repo:
        return [globals_.repo if globals_ is not None else None]
    roots: list[str | None] = []
    for root in [explicit, *repo] if explicit else repo:
        if root not in roots:
            roots.append(root)
    return roots


def _render(result: object, fmt: str, by: str, explain: bool, terminal: bool) -> str | None:
    from incidentctl.measure.formats import sections as sections_mod
    from incidentctl.models.report import Report

    assert isinstance(result, Report)
    if fmt == "json":
        from incidentctl.measure import report_cache

        # Per-incident rows can be large; they come with --explain (and as --format csv).
        if explain:
            return result.model_dump_json(indent=2, by_alias=True) + "\n"
        return report_cache.json_text(result)
    if fmt == "openmetrics":
        from incidentctl.measure.formats import openmetrics

        return openmetrics.render(result)
    if fmt == "csv":
        from incidentctl.measure.formats import csv_rows

        return csv_rows.render(result)
    sections = sections_mod.build(result, by, explain)
    if fmt == "markdown":
        from incidentctl.measure.formats import markdown

        return markdown.render(sections)
    if fmt == "html":
        from incidentctl.measure.formats import html

        return html.render(result, sections)
    if terminal:
        from incidentctl.measure.formats import terminal as term

        term.render(sections, sys.stdout)
        return None
    from incidentctl.measure.formats import markdown

    return markdown.render(sections)


def register(app: typer.Typer) -> None:
    """Add ``report`` to ``app``."""
    app.command("report", rich_help_panel="Measure")(report)
