"""``incidentctl catalog show|check``: the service catalog, teams and people as read."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from incidentctl.cli import warn
from incidentctl.cli.output import data_line, note, print_json, workspace

if TYPE_CHECKING:
    from incidentctl.models.org import CatalogView
    from incidentctl.workspace import Workspace

catalog_app = typer.Typer(
    help="The service catalog, teams and people (Backstage descriptors or catalog.yaml).",
    no_args_is_help=True,
)
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the catalog as JSON on stdout.")]


def _view(ws: Workspace) -> CatalogView:
    from incidentctl.core.errors import NotFoundError
    from incidentctl.org import catalog as catalog_mod

    found, directory = ws.catalog, ws.people
    if found is None and directory is None:
        raise NotFoundError(
            "this repo has no service catalog or people directory: no catalog.yaml, "
            "catalog.locations or people.yaml",
            hint="see docs/integrations.md#service-catalog-backstage",
        )
    return catalog_mod.view(found or catalog_mod.Catalog(), ws.people_view(), directory)


def show(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Every service with its owning team and system, every team and person."""
    view = _view(workspace(ctx))
    if as_json:
        print_json(view.model_dump(mode="json"))
        return
    data_line(f"Services ({len(view.services)})")
    for s in view.services:
        extra = f"  depends on {', '.join(s.depends_on)}" if s.depends_on else ""
        data_line(
            f"  {s.name:<24} team {s.owner or '-':<16} system {s.system or '-':<16} "
            f"{s.lifecycle or '-'}{extra}"
        )
    data_line(f"Teams ({len(view.teams)})")
    for t in view.teams:
        title = f" ({t.title})" if t.title else ""
        data_line(f"  {t.name}{title}: services {', '.join(t.services) or '-'}")
        if t.members:
            data_line(f"    members {', '.join(t.members)}")
    data_line(f"Systems ({len(view.systems)})")
    for sy in view.systems:
        data_line(f"  {sy.name}: owner {sy.owner or '-'}, services {', '.join(sy.services) or '-'}")
    if view.people:
        data_line(f"People ({len(view.people)})")
        for p in view.people:
            emails = f" <{', '.join(p.emails)}>" if p.emails else ""
            data_line(f"  {p.handle:<16} {p.name}{emails}")
    for problem in view.problems:
        where = f"{problem.path}:{problem.line}" if problem.line else problem.path
        warn(f"{where}: {problem.message}")


def check(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Validate the catalog and people files: exit 1 when a reference points at nothing."""
    from incidentctl.core.errors import CheckFailed

    view = _view(workspace(ctx))
    if as_json:
        print_json(view.model_dump(mode="json"))
    for problem in view.problems:
        where = f"{problem.path}:{problem.line}" if problem.line else problem.path
        note(f"{where}: {problem.message}")
    counts = (
        f"{len(view.services)} services, {len(view.teams)} teams, {len(view.systems)} systems, "
        f"{len(view.people)} people in {len(view.files)} files"
    )
    if view.problems:
        raise CheckFailed(f"catalog: {len(view.problems)} problem(s); {counts}")
    note(f"catalog ok: {counts}")


def register(app: typer.Typer) -> None:
    """Add ``catalog`` to ``app``."""
    catalog_app.command("show")(show)
    catalog_app.command("check")(check)
    app.add_typer(catalog_app, name="catalog", rich_help_panel="Organisation")
