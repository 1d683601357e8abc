"""Post-mortems (``incidents/<id>/postmortem.md``) and action items (``actions/<id>.md``)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from incidentctl.models.base import Record, View
from incidentctl.models.fields import (
    Day,
    Flag,
    Name,
    OptDay,
    OptName,
    OptText,
    OptTimestamp,
    Text,
    TextList,
    Timestamp,
)
from incidentctl.models.incident import IncidentId, PersonName, Title

PostmortemStatus = Literal["draft", "in-review", "reviewed", "published"]
POSTMORTEM_STATUSES = ("draft", "in-review", "reviewed", "published")
ACTION_ID_PATTERN = r"^a[0-9a-hjkmnp-tv-z]{6}$"
ActionId = Annotated[str, Field(pattern=ACTION_ID_PATTERN)]
ActionType = Literal["detective", "preventive", "corrective", "mitigative"]
Priority = Literal["high", "medium", "low"]
ActionStatus = Literal["open", "done", "wontdo"]


class Factor(Record):
    """A contributing factor: a condition of the system, tagged."""

    factor: Text
    tag: Name


class PostmortemRecord(Record):
    """Frontmatter of ``postmortem.md``; the Markdown body holds the review itself."""

    incident: IncidentId
    status: PostmortemStatus = "draft"
    facilitator: OptText = None
    authors: TextList = []
    review_meeting: OptDay = None
    root_cause_class: OptName = None
    contributing_factors: list[Factor] = []
    recurrence_of: list[IncidentId] = []
    created_at: Timestamp
    reviewed_at: OptTimestamp = None
    published_at: OptTimestamp = None


class ActionRecord(Record):
    """Frontmatter of an action item; the body is its description."""

    id: ActionId
    incident: IncidentId
    from_postmortem: Flag = False
    title: Title
    owner: PersonName
    team: OptText = None
    due: Day
    type: ActionType | None = None
    priority: Priority = "medium"
    status: ActionStatus = "open"
    created_at: Timestamp
    closed_at: OptTimestamp = None
    note: OptText = None
    links: TextList = []


class ActionView(View):
    """An action item in ``action list --json``."""

    id: str
    incident: str
    title: str
    owner: str
    team: str | None
    due: str
    type: str | None
    priority: str
    status: str
    overdue: bool
    days_overdue: int
    created_at: str
    closed_at: str | None
    links: list[str]
