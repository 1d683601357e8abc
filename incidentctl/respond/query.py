"""Choosing incidents: the filters and the order of ``list``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, cast, get_args

from incidentctl.core.errors import UsageError
from incidentctl.models.views import IncidentSummary, IncidentView
from incidentctl.workspace import Workspace

StatusFilter = Literal["open", "resolved", "declined", "all"]
STATUS_FILTERS: tuple[str, ...] = get_args(StatusFilter)


@dataclass(frozen=True)
class IncidentFilter:
    """Which incidents to keep; every part given must match."""

    status: StatusFilter = "all"
    severities: frozenset[str] = field(default_factory=frozenset)
    services: frozenset[str] = field(default_factory=frozenset)
    category: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    no_drills: bool = False

    def keeps(self, view: IncidentView) -> bool:
        """Whether ``view`` passes every part of the filter."""
        if self.status == "open" and view.status in ("resolved", "declined"):
            return False
        if self.status in ("resolved", "declined") and view.status != self.status:
            return False
        if self.severities and view.severity not in self.severities:
            return False
        if self.services and not self.services.intersection(view.services):
            return False
        if self.category is not None and view.category != self.category:
            return False
        if self.no_drills and view.drill:
            return False
        declared = view.declared_at
        if self.since and (declared is None or declared < self.since):
            return False
        return not (self.until and (declared is None or declared >= self.until))


def incident_filter(
    ws: Workspace,
    *,
    status: str = "all",
    severities: list[str] | None = None,
    services: list[str] | None = None,
    category: str | None = None,
    since: str | None = None,
    until: str | None = None,
    no_drills: bool = False,
) -> IncidentFilter:
    """A filter from command-line values: severities checked against the policy, times
    read in the repo's timezone (``until`` may lie in the future)."""
    if status not in STATUS_FILTERS:
        raise UsageError(f"--status must be open, resolved, declined or all, not {status!r}")
    return IncidentFilter(
        status=cast(StatusFilter, status),
        severities=frozenset(ws.severity(s) for s in severities or []),
        services=frozenset(s.strip().lower() for s in services or []),
        category=category.strip().lower() if category else None,
        since=ws.when(since) if since else None,
        until=ws.when(until, allow_future=True) if until else None,
        no_drills=no_drills,
    )


def newest_first(views: list[IncidentView]) -> list[IncidentView]:
    """Newest declaration first; undated ones last; ties by id, descending."""
    return sorted(
        views, key=lambda v: (v.declared_at is not None, v.declared_at, v.id), reverse=True
    )


def select(views: list[IncidentView], wanted: IncidentFilter) -> list[IncidentView]:
    """The views ``wanted`` keeps, newest first."""
    return newest_first([v for v in views if wanted.keeps(v)])


def summaries(views: list[IncidentView]) -> list[IncidentSummary]:
    """The ``list`` view of each incident."""
    fields = set(IncidentSummary.model_fields)
    return [IncidentSummary.model_validate(v.model_dump(include=fields)) for v in views]
