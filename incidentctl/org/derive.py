"""What the organisation says about an incident, derived when it is read (never stored)."""

from __future__ import annotations

from incidentctl.models.config import Config
from incidentctl.models.views import IncidentView
from incidentctl.org.catalog import SEVERAL, Catalog


def annotate(view: IncidentView, catalog: Catalog | None, config: Config) -> IncidentView:
    """``view`` with its owning teams and systems by the catalog as it is now.

    A service the catalog learns about later gets its team in every incident, old or new;
    a service it does not (or no longer) list is named in ``unknown_services``.
    """
    from incidentctl.org.fields import typed

    fields = {name: typed(config.field(name), str(value)) for name, value in view.fields.items()}
    if catalog is None:
        return view.model_copy(update={"fields": fields})
    teams = catalog.teams_of(view.services)
    systems = catalog.systems_of(view.services)
    return view.model_copy(
        update={
            "fields": fields,
            "teams": teams,
            "team": teams[0] if len(teams) == 1 else None,
            "systems": systems,
            "system": systems[0] if len(systems) == 1 else None,
            "unknown_services": [s for s in view.services if s not in catalog.services],
        }
    )


def one(values: list[str]) -> str:
    """The single value a breakdown files an incident under: the value, ``(several)`` or
    ``(none)`` — so every breakdown's counts sum to the total."""
    if not values:
        return "(none)"
    return values[0] if len(values) == 1 else SEVERAL
