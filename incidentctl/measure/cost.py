"""Incident cost from the repo's cost model (docs/metrics.md "Incident cost").

cost = Σ over people and hour bands of hours x rate x band multiplier
     + review hours for the incident's severity x hourly rate
     + action items x action hours x hourly rate

A person's rate is the highest ``role_rates`` entry among the roles they held in the
incident, else ``hourly_rate``; a band without a multiplier has 1.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from incidentctl.measure.workload import Lookup, person_bands
from incidentctl.models.config import CostModel
from incidentctl.models.report import CostFigures, CostGroup, IncidentCost, Report
from incidentctl.models.views import IncidentView


def incident_cost(
    view: IncidentView, severity: str, actions: int, model: CostModel, lookup: Lookup
) -> IncidentCost:
    """One incident's cost with every input shown."""
    roles: dict[str, set[str]] = {}
    for change in view.role_history:
        roles.setdefault(change.person, set()).add(change.role)
    people = 0.0
    hours: dict[str, dict[str, float]] = {}
    rates: dict[str, float] = {}
    for person, bands in person_bands(view, lookup).items():
        held = [model.role_rates[r] for r in roles.get(person, ()) if r in model.role_rates]
        rate = max(held) if held else model.hourly_rate
        rates[person] = rate
        hours[person] = {b: round(s / 3600, 4) for b, s in bands.items() if s}
        people += sum(s / 3600 * rate * model.multipliers.get(b, 1.0) for b, s in bands.items())  # type: ignore[call-overload]
    review = model.review_hours.get(severity, 0.0) * model.hourly_rate
    action = actions * model.action_hours * model.hourly_rate
    return IncidentCost(
        id=view.id,
        severity=severity,
        people_hours=hours,
        rates=rates,
        responders=round(people, 2),
        review=round(review, 2),
        actions=actions,
        action_items=round(action, 2),
        total=round(people + review + action, 2),
    )


def _group(items: Sequence[IncidentCost]) -> CostGroup:
    return CostGroup(incidents=len(items), total=round(sum(i.total for i in items), 2))


def cost_figures(
    population: Sequence[IncidentView],
    severity: Callable[[IncidentView], str],
    services: Callable[[IncidentView], list[str]],
    severity_key: Callable[[str], tuple[int, str]],
    actions: Callable[[IncidentView], int],
    model: CostModel,
    lookup: Lookup,
) -> CostFigures:
    """Each incident's cost and the totals by severity and service."""
    found = [(v, incident_cost(v, severity(v), actions(v), model, lookup)) for v in population]
    by_sev: dict[str, list[IncidentCost]] = {}
    by_svc: dict[str, list[IncidentCost]] = {}
    for view, item in found:
        by_sev.setdefault(item.severity, []).append(item)
        for name in services(view):
            by_svc.setdefault(name, []).append(item)
    items = [i for _, i in found]
    return CostFigures(
        currency=model.currency,
        **_group(items).model_dump(),
        by_severity={k: _group(by_sev[k]) for k in sorted(by_sev, key=severity_key)},
        by_service={k: _group(by_svc[k]) for k in sorted(by_svc)},
        incidents_detail=sorted(items, key=lambda i: i.id),
    )


def with_cost(
    report: Report,
    views: dict[tuple[str, str], IncidentView],
    action_counts: dict[tuple[str, str], int],
    model: CostModel,
    lookup: Lookup,
    severity_key: Callable[[str], tuple[int, str]],
) -> Report:
    """``report`` with ``cost`` over its population (the rows not left out)."""
    left_out = ("drill", "duplicate", "declined")
    rows = [r for r in report.rows if r.excluded.get("ttr") not in left_out]
    severity = {(r.repo, r.id): r.severity for r in rows}
    keys = {id(views[(r.repo, r.id)]): (r.repo, r.id) for r in rows}
    figures = cost_figures(
        [views[(r.repo, r.id)] for r in rows],
        lambda v: severity[keys[id(v)]],
        lambda v: v.services or ["(none)"],
        severity_key,
        lambda v: action_counts.get(keys[id(v)], 0),
        model,
        lookup,
    )
    return report.model_copy(update={"cost": figures})
