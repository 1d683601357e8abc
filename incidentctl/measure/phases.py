"""The per-incident phase durations (design §4) and why an incident is excluded from one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from incidentctl.models.views import IncidentSummary


@dataclass(frozen=True)
class Phase:
    """A duration between two lifecycle timestamps."""

    name: str
    start: str
    end: str
    meaning: str


PHASES: tuple[Phase, ...] = (
    Phase(
        "ttd", "started_at", "detected_at", "time to detect: how long the problem went unnoticed"
    ),
    Phase(
        "tta", "detected_at", "acknowledged_at", "time to acknowledge: until a responder engaged"
    ),
    Phase("ttm", "detected_at", "mitigated_at", "time to mitigate: until customer impact stopped"),
    Phase(
        "ttr",
        "detected_at",
        "resolved_at",
        "time to resolve: detection to resolution (MTTR is its mean)",
    ),
    Phase("impact", "started_at", "mitigated_at or resolved_at", "how long customers were hurt"),
)
PHASE_NAMES = tuple(p.name for p in PHASES)
REASONS = ("drill", "duplicate", "declined", "open", "missing", "negative")


@dataclass(frozen=True)
class Measurement:
    """One incident's value for one phase, or the reason it has none."""

    seconds: float | None
    reason: str | None
    start: datetime | None
    end: datetime | None


def _end(incident: IncidentSummary, phase: Phase) -> datetime | None:
    if phase.name == "impact":
        return incident.mitigated_at or incident.resolved_at
    value: datetime | None = getattr(incident, phase.end)
    return value


def measure(
    incident: IncidentSummary, phase: Phase, *, include_drills: bool = False
) -> Measurement:
    """The phase duration of ``incident``; an open incident is never measured up to now."""
    start: datetime | None = getattr(incident, phase.start)
    if phase.start == "detected_at" and not incident.detection_known:
        start = incident.declared_at  # detection unknown: the response starts at declaration
    end = _end(incident, phase)
    if phase.name == "ttd" and not incident.detection_known:
        return Measurement(None, "missing", incident.started_at, None)
    if incident.drill and not include_drills:
        return Measurement(None, "drill", start, end)
    if incident.duplicate_of:
        return Measurement(None, "duplicate", start, end)
    if incident.status == "declined":
        return Measurement(None, "declined", start, end)
    if end is None:
        reason = "open" if incident.status != "resolved" else "missing"
        return Measurement(None, reason, start, end)
    if start is None:
        return Measurement(None, "missing", start, end)
    seconds = (end - start).total_seconds()
    if seconds < 0:
        return Measurement(None, "negative", start, end)
    return Measurement(seconds, None, start, end)
