"""Runbooks (``runbooks/<name>.md``) and game-day exercise records."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import Field

from incidentctl.models.base import Record
from incidentctl.models.fields import (
    AsCount,
    Count,
    Flag,
    NameList,
    OptDay,
    OptText,
    Text,
    TextList,
    Timestamp,
)
from incidentctl.models.incident import IncidentId, PersonName

Placement = Literal["manual", "assisted", "automated"]
Risk = Literal["low", "medium", "high"]
RUNBOOK_NAME_PATTERN = r"^[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?$"
RunbookName = Annotated[str, Field(pattern=RUNBOOK_NAME_PATTERN)]
RUNBOOK_NAME = re.compile(RUNBOOK_NAME_PATTERN[1:-1])


class Step(Record):
    """One step, placed on the prose-to-automation spectrum with its justification."""

    title: Text
    placement: Placement
    why: Text
    risk: Risk = "low"
    instructions: OptText = None
    command: list[Text] = []
    timeout_seconds: Annotated[int, Field(gt=0, le=3600), AsCount] = 60
    expect: OptText = None


class Triggers(Record):
    """When a runbook applies."""

    alerts: TextList = []
    categories: NameList = []


class RunbookRecord(Record):
    """Frontmatter of a runbook; the body is free prose for responders."""

    title: Text
    owner: PersonName
    services: NameList = []
    triggers: Triggers = Triggers()
    review_by: OptDay = None
    steps: Annotated[list[Step], Field(min_length=1)]


class Exercise(Record):
    """A runbook step exercised outside an incident (a game day)."""

    runbook: RunbookName
    step: Count
    at: Timestamp
    by: PersonName
    target: Text
    outcome: Literal["ok", "failed", "timeout", "refused"]
    exit_code: Count | None = None
    gameday: Flag = True
    incident: IncidentId | None = None
