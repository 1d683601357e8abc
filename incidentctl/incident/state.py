"""The derived state of one incident while its events are folded, and the view it becomes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from incidentctl.models.incident import IncidentRecord
from incidentctl.models.views import (
    Activity,
    ImpactEstimate,
    IncidentView,
    RoleChange,
    SeverityChange,
    TimelineEntry,
)

DEFAULT_TYPE = "default"
"""The type of an incident declared without ``--type``."""

CLOSED = ("resolved", "declined")
"""Statuses in which an incident is over; only ``reopen`` moves it again."""

CHAIN = ("started_at", "detected_at", "acknowledged_at", "mitigated_at", "resolved_at")
"""Lifecycle times that must not go backwards, in order."""

BEFORE_DECLARED = ("started_at", "detected_at")
"""Times that cannot come after the declaration (declaring an incident is noticing it)."""


def declared_problems(values: object) -> set[tuple[str, str]]:
    """(name, 'declared_at') for each time of BEFORE_DECLARED that is after the declaration."""
    declared = getattr(values, "declared_at", None)
    if declared is None:
        return set()
    return {
        (name, "declared_at")
        for name in BEFORE_DECLARED
        if (value := getattr(values, name, None)) is not None and value > declared
    }


LABELS = {
    "started_at": "started",
    "detected_at": "detected",
    "declared_at": "declared",
    "acknowledged_at": "acknowledged",
    "mitigated_at": "mitigated",
    "resolved_at": "resolved",
}


@dataclass
class SeverityStep:
    """One step of the severity history while folding."""

    at: datetime | None
    from_: str | None
    to: str
    reason: str | None = None


@dataclass
class RoleStep:
    """One role handoff while folding; ``at`` None means 'from the declaration'."""

    at: datetime | None
    role: str
    person: str
    previous: str | None


@dataclass(frozen=True)
class ImpactStep:
    """The latest estimate of one impact measure while folding."""

    low: int
    high: int
    basis: str
    at: datetime
    by: str


@dataclass
class State:
    """Everything the fold derives; each event definition's effect changes it."""

    title: str
    services: list[str]
    category: str | None
    drill: bool
    duplicate_of: str | None
    public_title: str | None
    severity: str = "unknown"
    status: str = "investigating"
    started_at: datetime | None = None
    detected_at: datetime | None = None
    declared_at: datetime | None = None
    acknowledged_at: datetime | None = None
    mitigated_at: datetime | None = None
    resolved_at: datetime | None = None
    declined_at: datetime | None = None
    root_cause_class: str | None = None
    detected_by: str | None = None
    retrospective: bool = False
    reopen_count: int = 0
    roles: dict[str, str] = field(default_factory=dict)
    severity_history: list[SeverityStep] = field(default_factory=list)
    role_history: list[RoleStep] = field(default_factory=list)
    alert_groups: list[str] = field(default_factory=list)
    impacts: dict[str, ImpactStep] = field(default_factory=dict)
    activity: list[tuple[datetime, str, str, str | None]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    updated_at: datetime | None = None
    earliest: datetime | None = None
    imported: bool = False
    detection_known: bool = True
    incident_type: str | None = None
    fields: dict[str, str] = field(default_factory=dict)
    private: bool = False

    @classmethod
    def of(cls, record: IncidentRecord) -> State:
        """The state before any event: the descriptive fields as ``incident.md`` has them."""
        return cls(
            title=record.title,
            services=list(record.services),
            category=record.category,
            drill=record.drill,
            duplicate_of=record.duplicate_of,
            public_title=record.public_title,
            imported=record.source is not None,
        )

    @property
    def closed(self) -> bool:
        """Resolved or declined: over until reopened."""
        return self.status in CLOSED

    def take_role(self, at: datetime | None, role: str, person: str) -> None:
        """``person`` holds ``role`` from ``at``; a different previous holder handed it off."""
        previous = self.roles.get(role)
        if previous == person:
            return
        self.roles[role] = person
        self.role_history.append(RoleStep(at, role, person, previous))

    def origin(self) -> datetime | None:
        """When the declared severity and roles begin to hold in the histories.

        The declaration; but when a severity change or handoff was recorded before it (an
        incident written up after the fact), the detection, or that earliest change if it
        is earlier still, so the histories stay in time order.
        """
        if self.declared_at is None or self.earliest is None or self.earliest >= self.declared_at:
            return self.declared_at
        times = [t for t in (self.detected_at, self.earliest) if t is not None]
        return min(times)

    def facts(self) -> tuple[object, ...]:
        """What a state-changing event must change (the timeline itself excluded)."""
        return (
            self.severity,
            self.status,
            *(getattr(self, name) for name in (*CHAIN, "declared_at", "declined_at")),
            self.root_cause_class,
            self.reopen_count,
            tuple(sorted(self.roles.items())),
            tuple((s.at, s.to) for s in self.severity_history),
            tuple((r.at, r.role, r.person) for r in self.role_history),
        )

    def order_problems(self) -> set[tuple[str, str]]:
        """Pairs of lifecycle times that go backwards: (earlier name, later name)."""
        known = [(name, getattr(self, name)) for name in CHAIN if getattr(self, name)]
        found = {(a, b) for i, (a, ta) in enumerate(known) for b, tb in known[i + 1 :] if tb < ta}
        return found | declared_problems(self)

    def view(
        self,
        record: IncidentRecord,
        summary: str,
        entries: list[TimelineEntry],
        *,
        timeline: bool,
    ) -> IncidentView:
        """The ``show --json`` shape of this state."""
        origin = self.origin()
        severity_history = [
            SeverityChange.model_construct(
                at=step.at if step.at is not None else origin,  # type: ignore[arg-type]
                from_=step.from_,
                to=step.to,
                reason=step.reason,
            )
            for step in self.severity_history
        ]
        role_history = [
            RoleChange.model_construct(
                at=step.at if step.at is not None else origin,  # type: ignore[arg-type]
                role=step.role,
                person=step.person,
                previous=step.previous,
            )
            for step in self.role_history
        ]
        return IncidentView.model_construct(
            id=record.id,
            title=self.title,
            severity=self.severity,
            status=self.status,
            services=list(self.services),
            category=self.category,
            drill=self.drill,
            duplicate_of=self.duplicate_of,
            public_title=self.public_title,
            root_cause_class=self.root_cause_class,
            started_at=self.started_at,
            detected_at=self.detected_at if self.detection_known else None,
            declared_at=self.declared_at,
            acknowledged_at=self.acknowledged_at,
            mitigated_at=self.mitigated_at,
            resolved_at=self.resolved_at,
            declined_at=self.declined_at,
            retrospective=self.retrospective,
            detection_known=self.detection_known,
            roles=dict(self.roles),
            reopen_count=self.reopen_count,
            detected_by=self.detected_by,
            alert_groups=list(self.alert_groups),
            impacts={
                name: ImpactEstimate.model_construct(
                    low=step.low, high=step.high, basis=step.basis, at=step.at, by=step.by
                )
                for name, step in sorted(self.impacts.items())
            },
            activity=[
                Activity.model_construct(at=at, by=by, type=kind, outcome=outcome)
                for at, by, kind, outcome in self.activity
            ],
            updated_at=self.updated_at,
            summary=summary.strip() if timeline else "",
            severity_history=severity_history,
            role_history=role_history,
            timeline=entries,
            warnings=list(self.warnings),
            type=self.incident_type or DEFAULT_TYPE,
            private=self.private,
            fields=dict(sorted(self.fields.items())),
        )
