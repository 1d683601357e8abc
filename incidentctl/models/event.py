"""Timeline events (``incidents/<id>/events/<event-id>.md``): one immutable file each.

Every change to an incident's state is an event; the current state is the fold of all its
events in (``at``, ``id``) order. The Markdown body holds the event's message.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from incidentctl.models.base import Record
from incidentctl.models.fields import (
    AsCount,
    Body,
    Count,
    Flag,
    Name,
    NameList,
    OptName,
    OptText,
    OptTimestamp,
    Timestamp,
)
from incidentctl.models.incident import INCIDENT_ID_PATTERN, IncidentId, PersonName

EVENT_ID_PATTERN = r"^[0-9a-hjkmnp-tv-z]{26}$"
EventId = Annotated[str, Field(pattern=EVENT_ID_PATTERN)]
STATUSES = ("investigating", "identified", "monitoring", "mitigated", "resolved")
UpdateStatus = Literal["investigating", "identified", "monitoring"]
DetectedBy = Literal["alert", "customer", "engineer", "other"]
DETECTION_SOURCES = ("alert", "customer", "engineer", "other")
FieldValues = dict[Name, OptText]
"""Custom field values as canonical text (``null`` unsets a field); typed by the config."""
GROUP_ID_PATTERN = r"^g[0-9a-hjkmnp-tv-z]{7}$"
GroupId = Annotated[str, Field(pattern=GROUP_ID_PATTERN)]


class EventBase(Record):
    """Fields every event carries."""

    id: EventId
    incident: IncidentId
    at: Timestamp
    by: PersonName
    recorded_at: Timestamp
    backfill: Flag = False
    after: list[EventId] = []
    message: Body = ""


class Declared(EventBase):
    """The incident was declared: its first severity, lifecycle times and roles."""

    type: Literal["declared"]
    severity: Name
    started_at: OptTimestamp = None
    detected_at: OptTimestamp = None
    roles: dict[Name, PersonName] = {}
    detected_by: DetectedBy | None = None
    retrospective: Flag = False
    incident_type: OptName = None
    fields: FieldValues | None = None
    private: Flag | None = Field(
        default=None,
        description="a stub: the narrative is in the private records repo (private.repo)",
    )


class Acknowledged(EventBase):
    """A responder engaged."""

    type: Literal["acknowledged"]


class Update(EventBase):
    """A progress note, optionally moving the status."""

    type: Literal["update"]
    status: UpdateStatus | None = None


class SeverityChanged(EventBase):
    """The severity changed; the message is the reason."""

    type: Literal["severity"]
    severity: Name


class RoleAssigned(EventBase):
    """Someone took a role; a second assignment of a role is a handoff."""

    type: Literal["role"]
    role: Name
    person: PersonName


class Mitigated(EventBase):
    """Customer impact stopped."""

    type: Literal["mitigated"]


class Resolved(EventBase):
    """The incident is over; optionally classified."""

    type: Literal["resolved"]
    root_cause_class: OptName = None


class Declined(EventBase):
    """Not an incident after all; the message is the reason."""

    type: Literal["declined"]


class Corrected(EventBase):
    """Lifecycle facts the review found to be different; the message is the reason."""

    type: Literal["corrected"]
    started_at: OptTimestamp = None
    detected_at: OptTimestamp = None
    declared_at: OptTimestamp = None
    root_cause_class: OptName = None


class Changed(EventBase):
    """Descriptive fields changed (``incidentctl set``); the latest change of a field wins."""

    type: Literal["changed"]
    title: Annotated[OptText, Field(max_length=200, pattern=r"^[^\n\r]+$")] = None
    services: NameList | None = None
    category: OptName = None
    drill: Flag | None = None
    duplicate_of: Annotated[str, Field(pattern=INCIDENT_ID_PATTERN)] | None = None
    public_title: Annotated[OptText, Field(max_length=200, pattern=r"^[^\n\r]+$")] = None
    incident_type: OptName = None
    fields: FieldValues | None = Field(
        default=None, description="custom fields set (text) or unset (null) by this change"
    )


class AlertLinked(EventBase):
    """An alert group is attached to this incident."""

    type: Literal["alert"]
    group: GroupId


class RunbookStep(EventBase):
    """A runbook step ran (or was shown) during the incident; the body is its output tail."""

    type: Literal["runbook"]
    runbook: Name
    step: Count
    placement: Literal["manual", "assisted", "automated"]
    outcome: Literal["ok", "failed", "timeout", "refused", "shown", "dry-run"]
    exit_code: Count | None = None


SURFACES = ("internal", "customer", "executive")
Surface = Literal["internal", "customer", "executive"]


class CommsPosted(EventBase):
    """An update was sent on a communications surface; the body is the text sent."""

    type: Literal["comms"]
    surface: Surface


class Paged(EventBase):
    """The page hook ran (or could not); the body is the tail of its output."""

    type: Literal["page"]
    outcome: Literal["sent", "failed", "timeout", "not-configured"]
    exit_code: Count | None = None
    severity: Name


IMPACT_MEASURES = ("customers", "users", "requests_failed", "revenue_at_risk", "tickets")
"""What an impact estimate can count (docs/metrics.md "Impact")."""
ImpactMeasure = Literal["customers", "users", "requests_failed", "revenue_at_risk", "tickets"]
MAX_IMPACT = 10**15
ImpactNumber = Annotated[int, Field(ge=0, le=MAX_IMPACT), AsCount]


class ImpactRange(Record):
    """An estimate as a range; a single value has ``low`` equal to ``high``."""

    low: ImpactNumber
    high: ImpactNumber

    @model_validator(mode="after")
    def _ordered(self) -> ImpactRange:
        if self.low > self.high:
            raise ValueError(f"low {self.low} is above high {self.high}")
        return self


class ImpactEstimated(EventBase):
    """Impact estimates per measure; the message is their basis (where they came from).

    A later estimate of a measure replaces the earlier one; other measures keep theirs.
    """

    type: Literal["impact"]
    estimates: Annotated[dict[ImpactMeasure, ImpactRange], Field(min_length=1)]


class Reopened(EventBase):
    """A resolved incident is active again; the message is the reason."""

    type: Literal["reopened"]


Event = Annotated[
    Declared
    | Acknowledged
    | Update
    | SeverityChanged
    | RoleAssigned
    | Mitigated
    | Resolved
    | Reopened
    | Declined
    | Corrected
    | Changed
    | CommsPosted
    | Paged
    | AlertLinked
    | RunbookStep
    | ImpactEstimated,
    Field(discriminator="type"),
]
EVENT_TYPES = (
    "alert",
    "runbook",
    "comms",
    "page",
    "declared",
    "acknowledged",
    "update",
    "severity",
    "role",
    "mitigated",
    "resolved",
    "reopened",
    "declined",
    "corrected",
    "changed",
    "impact",
)
