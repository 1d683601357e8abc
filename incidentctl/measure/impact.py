"""Impact-weighted figures: what the estimates add up to, and customer-minutes.

For each incident of the report's population: its latest estimate per measure (the fold
keeps it) and its impact duration (``started_at`` → ``mitigated_at``, else
``resolved_at``). Customer-minutes are customers x impact minutes, low and high; an
incident without a customers estimate or without an impact duration has none.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from incidentctl.measure.phases import PHASES, measure
from incidentctl.models.event import IMPACT_MEASURES
from incidentctl.models.report import ImpactFigures, ImpactGroup, MeasureTotal
from incidentctl.models.views import IncidentView

IMPACT_PHASE = next(p for p in PHASES if p.name == "impact")


@dataclass(frozen=True)
class IncidentImpact:
    """One incident's estimates and customer-minutes (None when it has none)."""

    estimates: dict[str, tuple[int, int]]
    customer_minutes: tuple[float, float] | None


def incident_impact(view: IncidentView, include_drills: bool) -> IncidentImpact:
    """The incident's latest estimates and its customer-minutes, low and high."""
    estimates = {k: (v.low, v.high) for k, v in sorted(view.impacts.items())}
    seconds = measure(view, IMPACT_PHASE, include_drills=include_drills).seconds
    customers = estimates.get("customers")
    if customers is None or seconds is None:
        return IncidentImpact(estimates, None)
    minutes = seconds / 60
    return IncidentImpact(
        estimates, (round(customers[0] * minutes, 3), round(customers[1] * minutes, 3))
    )


def _group(items: Sequence[IncidentImpact]) -> ImpactGroup:
    measures: dict[str, MeasureTotal] = {}
    for name in IMPACT_MEASURES:
        found = [i.estimates[name] for i in items if name in i.estimates]
        if found:
            measures[name] = MeasureTotal(
                incidents=len(found),
                low=sum(v[0] for v in found),
                high=sum(v[1] for v in found),
            )
    weighted = [i.customer_minutes for i in items if i.customer_minutes is not None]
    return ImpactGroup(
        incidents=len(items),
        with_estimate=sum(1 for i in items if i.estimates),
        without_estimate=sum(1 for i in items if not i.estimates),
        measures=measures,
        customer_minutes_incidents=len(weighted),
        customer_minutes_low=round(sum(w[0] for w in weighted), 3),
        customer_minutes_high=round(sum(w[1] for w in weighted), 3),
    )


def impact_figures(
    population: Sequence[IncidentView],
    severity: Callable[[IncidentView], str],
    services: Callable[[IncidentView], list[str]],
    severity_key: Callable[[str], tuple[int, str]],
    include_drills: bool,
) -> ImpactFigures:
    """Totals over the population, by severity and by service (an incident with several
    services counts under each)."""
    found = [(v, incident_impact(v, include_drills)) for v in population]
    by_severity: dict[str, list[IncidentImpact]] = {}
    by_service: dict[str, list[IncidentImpact]] = {}
    for view, item in found:
        by_severity.setdefault(severity(view), []).append(item)
        for name in services(view):
            by_service.setdefault(name, []).append(item)
    total = _group([item for _, item in found])
    return ImpactFigures(
        **total.model_dump(),
        by_severity={k: _group(by_severity[k]) for k in sorted(by_severity, key=severity_key)},
        by_service={k: _group(by_service[k]) for k in sorted(by_service)},
    )
