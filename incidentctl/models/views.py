"""Output shapes for ``--json``: a stable contract, separate from the record models."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from incidentctl.models.base import View
from incidentctl.models.fields import OptTimestamp, Timestamp


class TimelineEntry(View):
    """One event as shown in a timeline."""

    id: str
    at: Timestamp
    type: str
    by: str
    message: str
    backfill: bool = False
    details: dict[str, Any] = Field(default_factory=dict)


class SeverityChange(View):
    """One step of the severity history; the first has ``from`` null."""

    at: Timestamp
    from_: str | None = Field(alias="from", serialization_alias="from")
    to: str
    reason: str | None = None

    model_config = {"populate_by_name": True, "extra": "forbid", "frozen": True}


class RoleChange(View):
    """Who held a role from when; ``previous`` is who handed it off."""

    at: Timestamp
    role: str
    person: str
    previous: str | None = None


class ImpactEstimate(View):
    """The latest estimate of one impact measure: a range and where it came from."""

    low: int
    high: int
    basis: str = Field(description="the --reason given with the estimate")
    at: Timestamp
    by: str


class IncidentSummary(View):
    """The derived state of one incident without its histories (``list --json``)."""

    id: str
    title: str
    severity: str
    status: str
    services: list[str]
    category: str | None
    drill: bool
    duplicate_of: str | None = None
    public_title: str | None = None
    root_cause_class: str | None
    started_at: OptTimestamp
    detected_at: OptTimestamp
    declared_at: OptTimestamp
    acknowledged_at: OptTimestamp
    mitigated_at: OptTimestamp
    resolved_at: OptTimestamp
    declined_at: OptTimestamp = None
    retrospective: bool = False
    detection_known: bool = Field(
        default=True,
        description="false for an imported incident whose source gave no detection time: "
        "detected_at is null, time to detect is unknown, and the response times start at "
        "the declaration",
    )
    roles: dict[str, str]
    reopen_count: int = 0
    detected_by: str | None = None
    alert_groups: list[str] = Field(default_factory=list)
    impacts: dict[str, ImpactEstimate] = Field(
        default_factory=dict,
        description="the latest impact estimate per measure (customers, users, "
        "requests_failed, revenue_at_risk, tickets)",
    )
    updated_at: OptTimestamp = None
    type: str = Field(default="default", description="the incident type (types: in the config)")
    private: bool = Field(
        default=False,
        description="a private incident: this repo holds a stub with its figures only",
    )
    fields: dict[str, Any] = Field(
        default_factory=dict,
        description="custom fields (fields: in the config): text as recorded, numbers and "
        "booleans typed by the field's declaration",
    )
    teams: list[str] = Field(
        default_factory=list,
        description="the teams owning the incident's services, from the service catalog as "
        "it is now (derived when read, never stored)",
    )
    team: str | None = Field(
        default=None, description="the owning team when all its known services share one"
    )
    systems: list[str] = Field(
        default_factory=list, description="the systems of its services, from the catalog"
    )
    system: str | None = Field(default=None, description="the system when there is one")
    unknown_services: list[str] = Field(
        default_factory=list, description="services the catalog does not list"
    )


class Activity(View):
    """Who recorded what when: the timeline without messages (kept even without one)."""

    at: Timestamp
    by: str
    type: str
    outcome: str | None = Field(default=None, description="a page's outcome")


class IncidentView(IncidentSummary):
    """The derived state of one incident with its whole ordered timeline (``show --json``)."""

    summary: str = ""
    severity_history: list[SeverityChange]
    role_history: list[RoleChange]
    timeline: list[TimelineEntry]
    activity: list[Activity] = Field(
        default_factory=list,
        description="every event's time, author and type, in timeline order (responder load)",
    )
    warnings: list[str] = Field(default_factory=list)


class DeclareResult(View):
    """``declare --json``."""

    id: str
    title: str
    severity: str
    declared_at: Timestamp
    path: str
    committed: bool
