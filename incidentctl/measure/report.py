"""Build the report: every figure from the incidents' derived state, nothing silently dropped."""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from incidentctl.core.severity import changes, most_severe, rank
from incidentctl.incident.durations import time_at_severity
from incidentctl.measure.breakdown import key_of
from incidentctl.measure.impact import impact_figures, incident_impact
from incidentctl.measure.periods import buckets as period_buckets
from incidentctl.measure.periods import label
from incidentctl.measure.phases import PHASES, REASONS, Measurement, Phase, measure
from incidentctl.measure.stats import aggregate
from incidentctl.measure.workload import Lookup, workload
from incidentctl.models.report import (
    Aggregate,
    DataError,
    Escalations,
    Group,
    IncidentCounts,
    IncidentRow,
    Period,
    Repeat,
    RepeatClass,
    Report,
    TimeAtSeverity,
    Trend,
    TrendFigure,
)
from incidentctl.models.views import IncidentView

MAX_PRIORS = 10
NO_VALUE = "(none)"


@dataclass(frozen=True)
class Tagged:
    """An incident and the records repo it came from."""

    repo: str
    incident: IncidentView


@dataclass(frozen=True)
class ReportOptions:
    """What to compute."""

    since: datetime
    until: datetime
    label: str
    granularity: str = "month"
    severity_basis: str = "final"
    include_drills: bool = False
    lookback_days: int = 365
    same_service: bool = False
    compare: Period | None = None
    as_of: str | None = None
    workload: Lookup | None = None
    """With a person -> schedule lookup: the responder load per person."""
    group_by: tuple[str, ...] = ()
    uncounted_types: frozenset[str] = frozenset()


def definitions() -> dict[str, str]:
    """The definition behind every figure (also in docs/metrics.md)."""
    out = {p.name: f"{p.start} → {p.end}: {p.meaning}" for p in PHASES}
    out.update(
        {
            "aggregates": "n, mean, median, p90 (linear interpolation between closest ranks, "
            "statistics.quantiles(method='inclusive')), min, max; in seconds",
            "population": "incidents whose detected_at (else declared_at) falls in [since, until), "
            "UTC; drills "
            "(unless --include-drills), duplicates and declined incidents are excluded",
            "exclusions": "an incident without a value for a metric is counted by reason: drill, "
            "duplicate, declined (not an incident after all), open (not resolved yet), missing "
            "(a timestamp was never recorded), negative (timestamps out of order: a data error)",
            "severity_basis": "final: severity at the end; initial: as declared; max: most severe "
            "ever held",
            "escalations": "severity changes after the declaration, in time order; an upgrade "
            "moves to a more severe level by the policy's order, a downgrade to a less severe one",
            "time_at_severity": "for each resolved incident, the seconds in [detected_at, "
            "resolved_at) at each level: the declared level until the first change, each change "
            "from its time; incidents without that window are counted by reason",
            "impact": "the latest estimate per measure (customers, users, requests_failed, "
            "revenue_at_risk, tickets) summed low and high over the incidents that estimated "
            "it; without_estimate counts incidents with none",
            "customer_minutes": "customers (low, high) x impact minutes (started_at → "
            "mitigated_at, else resolved_at), summed over incidents having both",
            "workload": "per person: activity spans (events less than 20 minutes apart merged, "
            "a span ends 10 minutes after its last event) and role holdings (assignment to the "
            "next holder, within declared → resolved/declined; open incidents none), overlaps "
            "once, split into working (09:00-18:00 Mon-Fri), sleeping (23:00-07:00) and evening "
            "(the rest) hours in the repo's time zone; pages = page events sent by them",
            "repeat_class": "an incident whose root-cause class matches an earlier incident's "
            "within the lookback window; rate = repeats / incidents with a class",
        }
    )
    return out


def severity_of(view: IncidentView, basis: str, order: Sequence[str]) -> str:
    """The incident's severity under ``basis``."""
    if basis == "initial" and view.severity_history:
        return view.severity_history[0].to
    if basis == "max" and view.severity_history:
        return most_severe([c.to for c in view.severity_history], order)
    return view.severity


class Measurements:
    """:func:`measure`, computed once per incident and phase within one :func:`build`
    (no module state: each build makes its own, and holds the views its keys name, so an
    id is never reused while the memo lives)."""

    def __init__(self) -> None:
        self._found: dict[tuple[int, str, bool], tuple[IncidentView, Measurement]] = {}

    def __call__(self, view: IncidentView, phase: Phase, include_drills: bool) -> Measurement:
        key = (id(view), phase.name, include_drills)
        found = self._found.get(key)
        if found is None:
            found = self._found[key] = (view, measure(view, phase, include_drills=include_drills))
        return found[1]


def _durations(
    items: Sequence[Tagged], include_drills: bool, _measure: Measurements
) -> dict[str, Aggregate]:
    values: dict[str, list[float]] = {p.name: [] for p in PHASES}
    for item in items:
        for phase in PHASES:
            m = _measure(item.incident, phase, include_drills)
            if m.seconds is not None:
                values[phase.name].append(m.seconds)
    return {name: aggregate(vals) for name, vals in values.items()}


def _group(
    items: Sequence[Tagged], include_drills: bool, order: Sequence[str], _measure: Measurements
) -> Group:
    escalated = sum(1 for t in items if changes(t.incident.severity_history, order).changed)
    return Group(
        count=len(items), durations=_durations(items, include_drills, _measure), escalated=escalated
    )


def _time_at_severity(items: Sequence[Tagged]) -> tuple[dict[str, TimeAtSeverity], dict[str, int]]:
    totals: dict[str, list[float]] = defaultdict(list)
    excluded: Counter[str] = Counter()
    for item in items:
        spent, reason = time_at_severity(item.incident)
        if reason is not None:
            excluded[reason] += 1
        for severity, seconds in spent.items():
            totals[severity].append(seconds)
    figures = {
        sev: TimeAtSeverity(
            incidents=len(vals),
            total_s=sum(vals),
            mean_s=round(sum(vals) / len(vals), 3) if vals else None,
        )
        for sev, vals in sorted(totals.items())
    }
    return figures, dict(sorted(excluded.items()))


def _repeats(
    population: Sequence[Tagged], everyone: Sequence[Tagged], options: ReportOptions
) -> RepeatClass:
    candidates = [
        t
        for t in everyone
        if t.incident.root_cause_class
        and dated(t.incident)
        and not t.incident.drill
        and not t.incident.duplicate_of
    ]
    with_class = [
        t
        for t in population
        if t.incident.root_cause_class and not t.incident.drill and not t.incident.duplicate_of
    ]
    window = timedelta(days=options.lookback_days)
    # Earlier incidents per class, in detection order: each lookup is a binary search.
    by_class: dict[str, list[Tagged]] = defaultdict(list)
    for c in sorted(candidates, key=lambda c: (dated(c.incident), c.incident.id)):
        by_class[c.incident.root_cause_class or ""].append(c)
    times: dict[str, list[datetime]] = {
        k: [d for c in v if (d := dated(c.incident)) is not None] for k, v in by_class.items()
    }
    repeats: list[Repeat] = []
    for item in with_class:
        view = item.incident
        when = dated(view)
        assert when is not None
        cls = view.root_cause_class or ""
        lo = bisect_left(times.get(cls, []), when - window)
        hi = bisect_left(times.get(cls, []), when)
        priors = [
            c
            for c in by_class.get(cls, [])[lo:hi]
            if not options.same_service or set(c.incident.services) & set(view.services)
        ]
        if priors:
            repeats.append(
                Repeat(
                    id=view.id,
                    repo=item.repo,
                    class_=cls,
                    prior_ids=[c.incident.id for c in priors[-MAX_PRIORS:]],
                    prior_count=len(priors),
                )
            )
    rate = round(len(repeats) / len(with_class), 4) if with_class else None
    return RepeatClass(
        rate=rate,
        with_class=len(with_class),
        repeat_count=len(repeats),
        lookback_days=options.lookback_days,
        same_service=options.same_service,
        repeats=repeats,
    )


def _row(
    item: Tagged, options: ReportOptions, order: Sequence[str], _measure: Measurements
) -> IncidentRow:
    view = item.incident
    values: dict[str, float | None] = {}
    excluded: dict[str, str] = {}
    for phase in PHASES:
        m = _measure(view, phase, options.include_drills)
        values[f"{phase.name}_s"] = m.seconds
        if m.reason:
            excluded[phase.name] = m.reason
    impact = incident_impact(view, options.include_drills)
    weighted = impact.customer_minutes
    return IncidentRow(
        repo=item.repo,
        id=view.id,
        title=view.title,
        severity=severity_of(view, options.severity_basis, order),
        status=view.status,
        services=view.services,
        category=view.category,
        root_cause_class=view.root_cause_class,
        drill=view.drill,
        period=label(when, options.granularity) if (when := dated(view)) else None,
        started_at=view.started_at,
        detected_at=view.detected_at,
        acknowledged_at=view.acknowledged_at,
        mitigated_at=view.mitigated_at,
        resolved_at=view.resolved_at,
        detected_by=view.detected_by,
        excluded=excluded,
        impact_estimates={k: list(v) for k, v in impact.estimates.items()},
        customer_minutes_low=weighted[0] if weighted else None,
        customer_minutes_high=weighted[1] if weighted else None,
        **values,
    )


def _keys(pick: Callable[[IncidentView], str]) -> Callable[[Tagged], list[str]]:
    return lambda t: [pick(t.incident)]


def dated(view: IncidentView) -> datetime | None:
    """When the incident counts as having happened: its detection, else its declaration
    (an imported incident whose source had no detection time)."""
    return view.detected_at or view.declared_at


def in_window(item: Tagged, since: datetime, until: datetime) -> bool:
    """Whether the incident was detected (else declared) in ``[since, until)``."""
    when = dated(item.incident)
    return when is not None and since <= when < until


def build(
    everyone: Sequence[Tagged],
    order: Sequence[str],
    options: ReportOptions,
    now: datetime,
    repos: Sequence[str],
) -> Report:
    """The whole report for ``options``' window."""
    _measure = Measurements()
    in_period = [t for t in everyone if in_window(t, options.since, options.until)]
    excluded: Counter[str] = Counter()
    population: list[Tagged] = []
    for item in in_period:
        if item.incident.drill and not options.include_drills:
            excluded["drill"] += 1
        elif item.incident.duplicate_of:
            excluded["duplicate"] += 1
        elif item.incident.status == "declined":
            excluded["declined"] += 1
        elif item.incident.type in options.uncounted_types:
            excluded["type"] += 1
        else:
            population.append(item)
    undated = sum(1 for t in everyone if dated(t.incident) is None)
    if undated:
        excluded["undated"] = undated

    exclusions: dict[str, dict[str, int]] = {}
    data_errors: list[DataError] = []
    for phase in PHASES:
        reasons: Counter[str] = Counter()
        for item in in_period:
            m = _measure(item.incident, phase, options.include_drills)
            if m.reason:
                reasons[m.reason] += 1
            if m.reason == "negative" and m.start and m.end:
                data_errors.append(
                    DataError(
                        id=item.incident.id,
                        repo=item.repo,
                        metric=phase.name,
                        message=f"{phase.end} ({m.end.isoformat()}) is before {phase.start} "
                        f"({m.start.isoformat()})",
                    )
                )
        exclusions[phase.name] = {r: reasons[r] for r in REASONS if reasons[r]}

    def grouped(keys_of: Callable[[Tagged], list[str]]) -> dict[str, list[Tagged]]:
        buckets: dict[str, list[Tagged]] = defaultdict(list)
        for item in population:
            for key in keys_of(item):
                buckets[key].append(item)
        return buckets

    def finish(
        groups: dict[str, list[Tagged]], sort_key: Callable[[str], Any] | None = None
    ) -> dict[str, Group]:
        return {
            k: _group(groups[k], options.include_drills, order, _measure)
            for k in sorted(groups, key=sort_key)
        }

    by_per = grouped(
        lambda t: [label(when, options.granularity)] if (when := dated(t.incident)) else []
    )
    for name in period_buckets(options.since, options.until, options.granularity):
        by_per.setdefault(name, [])

    ups = downs = escalated = upgraded = downgraded = 0
    transitions: Counter[str] = Counter()
    for item in population:
        found = changes(item.incident.severity_history, order)
        ups, downs = ups + found.upgrades, downs + found.downgrades
        escalated += found.changed
        upgraded += found.upgrades > 0
        downgraded += found.downgrades > 0
        transitions.update(found.pairs)
    at_severity, at_severity_excluded = _time_at_severity(population)

    report = Report(
        generated_at=now,
        as_of=options.as_of,
        period=Period(since=options.since, until=options.until, label=options.label),
        granularity=options.granularity,
        severity_basis=options.severity_basis,
        include_drills=options.include_drills,
        repos=list(repos),
        definitions=definitions(),
        incidents=IncidentCounts(
            total=len(population),
            open=sum(1 for t in population if t.incident.status != "resolved"),
            resolved=sum(1 for t in population if t.incident.status == "resolved"),
            excluded=dict(sorted(excluded.items())),
        ),
        durations=_durations(population, options.include_drills, _measure),
        exclusions=exclusions,
        data_errors=data_errors,
        by_severity=finish(
            grouped(lambda t: [severity_of(t.incident, options.severity_basis, order)]),
            lambda s: (rank(s, order), s),
        ),
        by_service=finish(grouped(lambda t: t.incident.services or [NO_VALUE])),
        by_category=finish(grouped(lambda t: [t.incident.category or NO_VALUE])),
        by_period=finish(by_per),
        breakdowns={name: finish(grouped(_keys(key_of(name)))) for name in options.group_by},
        escalations=Escalations(
            incidents_escalated=escalated,
            incidents_upgraded=upgraded,
            incidents_downgraded=downgraded,
            upgrades=ups,
            downgrades=downs,
            transitions=dict(sorted(transitions.items())),
            time_at_severity=at_severity,
            time_at_severity_excluded=at_severity_excluded,
        ),
        repeat_class=_repeats(population, everyone, options),
        impact=impact_figures(
            [t.incident for t in population],
            lambda v: severity_of(v, options.severity_basis, order),
            lambda v: v.services or [NO_VALUE],
            lambda s: (rank(s, order), s),
            options.include_drills,
        ),
        rows=[
            _row(t, options, order, _measure)
            for t in sorted(in_period, key=lambda t: (dated(t.incident), t.repo, t.incident.id))
        ],
    )
    if options.workload is not None:
        report = report.model_copy(
            update={"workload": workload([t.incident for t in population], options.workload)}
        )
    if options.compare is not None:
        report = report.model_copy(
            update={"trend": _trend(everyone, order, options, now, repos, report)}
        )
    return report


HEADLINES: dict[str, Callable[[Report], float | None]] = {
    "incidents": lambda r: float(r.incidents.total),
    "mttd_s": lambda r: r.durations["ttd"].mean_s,
    "mtta_s": lambda r: r.durations["tta"].mean_s,
    "mttr_s": lambda r: r.durations["ttr"].mean_s,
    "ttr_median_s": lambda r: r.durations["ttr"].median_s,
    "ttr_p90_s": lambda r: r.durations["ttr"].p90_s,
    "escalated": lambda r: float(r.escalations.incidents_escalated),
    "repeat_rate": lambda r: r.repeat_class.rate,
}


def _trend(
    everyone: Sequence[Tagged],
    order: Sequence[str],
    options: ReportOptions,
    now: datetime,
    repos: Sequence[str],
    current: Report,
) -> Trend:
    assert options.compare is not None
    prev_opts = ReportOptions(
        since=options.compare.since,
        until=options.compare.until,
        label=options.compare.label,
        granularity=options.granularity,
        severity_basis=options.severity_basis,
        include_drills=options.include_drills,
        lookback_days=options.lookback_days,
        same_service=options.same_service,
        compare=None,
        as_of=options.as_of,
        group_by=options.group_by,
        uncounted_types=options.uncounted_types,
    )
    previous = build(everyone, order, prev_opts, now, repos)
    figures: dict[str, TrendFigure] = {}
    for name, pick in HEADLINES.items():
        cur, prev = pick(current), pick(previous)
        change = round(cur - prev, 4) if cur is not None and prev is not None else None
        pct = round(100 * change / prev, 1) if change is not None and prev else None
        figures[name] = TrendFigure(current=cur, previous=prev, change=change, change_pct=pct)
    return Trend(previous=options.compare, figures=figures)
