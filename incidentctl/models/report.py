"""The shape of ``report --format json`` (schemas/report.schema.json)."""

from __future__ import annotations

from pydantic import Field

from incidentctl.models.base import View
from incidentctl.models.fields import OptTimestamp, Timestamp

SEVERITY_BASES = ("final", "initial", "max")  # what --severity-basis can name


class Aggregate(View):
    """A duration aggregate in seconds; null figures when ``n`` is 0."""

    n: int
    sum_s: float | None = None  # the exact total (OpenMetrics _sum), not mean times n
    mean_s: float | None
    median_s: float | None
    p90_s: float | None
    min_s: float | None
    max_s: float | None


class Group(View):
    """The incidents of one severity, service, category, period or --group-by value."""

    count: int
    durations: dict[str, Aggregate]
    escalated: int = 0


class Period(View):
    """A half-open window ``[since, until)``."""

    since: Timestamp
    until: Timestamp
    label: str


class IncidentCounts(View):
    """How many incidents the period holds and how many were left out, by reason."""

    total: int = Field(
        description="incidents detected in the period, drills excluded unless --include-drills"
    )
    open: int
    resolved: int
    excluded: dict[str, int]


class DataError(View):
    """A figure that could not be computed because the data contradicts itself."""

    id: str
    repo: str
    metric: str
    message: str


class TimeAtSeverity(View):
    """Time incidents spent at one severity between detection and resolution."""

    incidents: int
    total_s: float
    mean_s: float | None


class Escalations(View):
    """Severity changes in the period."""

    incidents_escalated: int = Field(description="incidents whose severity changed at all")
    incidents_upgraded: int = Field(
        default=0, description="incidents moved to a more severe level at least once"
    )
    incidents_downgraded: int = Field(
        default=0, description="incidents moved to a less severe level at least once"
    )
    upgrades: int
    downgrades: int
    transitions: dict[str, int]
    time_at_severity: dict[str, TimeAtSeverity]
    time_at_severity_excluded: dict[str, int] = Field(
        default_factory=dict,
        description="incidents without a time-at-severity window, by reason (open, missing, "
        "negative)",
    )


class Repeat(View):
    """An incident whose root-cause class matches earlier incidents'."""

    id: str
    repo: str
    class_: str = Field(alias="class", serialization_alias="class")
    prior_ids: list[str] = Field(
        description="the most recent earlier incidents of the class (at most 10), newest last"
    )
    prior_count: int = Field(
        default=0, description="how many earlier incidents of the class fall in the lookback window"
    )
    prior_open_actions: int | None = None

    model_config = {"populate_by_name": True, "extra": "forbid", "frozen": True}


class RepeatClass(View):
    """Repeat-class rate: repeats / incidents with a root-cause class."""

    rate: float | None
    with_class: int
    repeat_count: int
    lookback_days: int
    same_service: bool
    repeats: list[Repeat]


class TrendFigure(View):
    """A headline figure beside the previous period's."""

    current: float | None
    previous: float | None
    change: float | None
    change_pct: float | None


class Trend(View):
    """The previous window of the same length and the headline figures compared."""

    previous: Period
    figures: dict[str, TrendFigure]


class ActionFigures(View):
    """Action items of the period's incidents."""

    total: int
    open: int
    done: int
    overdue: int
    median_time_to_close_s: float | None
    by_severity: dict[str, dict[str, int]] = Field(default_factory=dict)


class DetectionFigures(View):
    """Detection separate from response: alert groups and how incidents were noticed."""

    alert_groups: int | None = Field(
        description="groups first fired in the window (null when "
        "alerts were not read, e.g. with --as-of)"
    )
    promoted: int | None
    share_promoted: float | None
    groups_by_period: dict[str, int]
    incidents_by_source: dict[str, int]
    ttd_by_source: dict[str, Aggregate]


class MeasureTotal(View):
    """One impact measure summed over the incidents that estimated it."""

    incidents: int
    low: int
    high: int


class ImpactGroup(View):
    """Impact of a set of incidents: estimates summed and customer-minutes."""

    incidents: int
    with_estimate: int = Field(description="incidents with at least one impact estimate")
    without_estimate: int = Field(description="incidents with no impact estimate at all")
    measures: dict[str, MeasureTotal] = Field(
        description="per measure, the sum of the low and high ends over the incidents that "
        "estimated it"
    )
    customer_minutes_incidents: int = Field(
        description="incidents with both a customers estimate and an impact duration"
    )
    customer_minutes_low: float
    customer_minutes_high: float


class ImpactFigures(ImpactGroup):
    """Impact-weighted figures over the period, by severity and service."""

    by_severity: dict[str, ImpactGroup]
    by_service: dict[str, ImpactGroup]


class PersonLoad(View):
    """One person's time on the period's incidents (docs/metrics.md "Responder load")."""

    incidents: int = Field(description="incidents they recorded an event in or held a role of")
    pages: int = Field(description="page events with outcome 'sent' they recorded")
    pages_out_of_hours: int = Field(description="of those, outside their working hours")
    total_s: float = Field(description="activity spans and role holdings, overlaps once")
    active_s: float = Field(description="activity spans alone")
    working_s: float
    evening_s: float
    sleeping_s: float


class Workload(View):
    """Responder load per person, sorted by name: nobody is ranked."""

    merge_minutes: int
    minimum_minutes: int
    people: dict[str, PersonLoad]


class IncidentCost(View):
    """One incident's cost and its inputs."""

    id: str
    severity: str
    people_hours: dict[str, dict[str, float]] = Field(description="person → band → hours")
    rates: dict[str, float] = Field(description="person → hourly rate applied")
    responders: float
    review: float
    actions: int
    action_items: float
    total: float


class CostGroup(View):
    """Cost of a set of incidents."""

    incidents: int
    total: float


class CostFigures(CostGroup):
    """Incident cost over the period (docs/metrics.md "Incident cost")."""

    currency: str
    by_severity: dict[str, CostGroup]
    by_service: dict[str, CostGroup]
    incidents_detail: list[IncidentCost] = Field(
        default_factory=list, description="each incident's inputs (shown by --explain)"
    )


class IncidentRow(View):
    """One incident's inputs and phase durations (``--format csv`` and ``--explain``)."""

    repo: str
    id: str
    title: str
    severity: str
    status: str
    services: list[str]
    category: str | None
    root_cause_class: str | None
    drill: bool
    period: str | None
    started_at: OptTimestamp
    detected_at: OptTimestamp
    acknowledged_at: OptTimestamp
    mitigated_at: OptTimestamp
    resolved_at: OptTimestamp
    detected_by: str | None = None
    ttd_s: float | None
    tta_s: float | None
    ttm_s: float | None
    ttr_s: float | None
    impact_s: float | None
    excluded: dict[str, str] = Field(description="metric → reason it has no value")
    impact_estimates: dict[str, list[int]] = Field(
        default_factory=dict, description="impact measure → [low, high], the latest estimate"
    )
    customer_minutes_low: float | None = None
    customer_minutes_high: float | None = None


class Report(View):
    """``incidentctl report --format json``."""

    generated_at: Timestamp
    as_of: str | None = None
    period: Period
    granularity: str
    severity_basis: str
    include_drills: bool
    repos: list[str]
    definitions: dict[str, str] = Field(
        default_factory=dict, description="present in JSON output with --explain"
    )
    incidents: IncidentCounts
    durations: dict[str, Aggregate]
    exclusions: dict[str, dict[str, int]]
    data_errors: list[DataError]
    by_severity: dict[str, Group]
    by_service: dict[str, Group]
    by_category: dict[str, Group]
    by_period: dict[str, Group]
    breakdowns: dict[str, dict[str, Group]] = Field(
        default_factory=dict,
        description="--group-by breakdowns (team, system, type, field:NAME): each files "
        "every incident under one value, so its counts sum to incidents.total",
    )
    escalations: Escalations
    repeat_class: RepeatClass
    actions: ActionFigures | None = None
    detection: DetectionFigures | None = None
    impact: ImpactFigures | None = None
    workload: Workload | None = Field(default=None, description="with --workload")
    cost: CostFigures | None = None
    trend: Trend | None = None
    unreadable: list[str] = Field(default_factory=list)
    rows: list[IncidentRow] = Field(
        default_factory=list, description="per-incident inputs; in JSON output with --explain"
    )
