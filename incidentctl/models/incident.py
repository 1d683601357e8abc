"""The descriptive record of an incident (``incidents/<id>/incident.md``); state lives in events."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from incidentctl.models.base import Record
from incidentctl.models.fields import Flag, NameList, OptName, OptText, Text, Timestamp

INCIDENT_ID_PATTERN = r"^[0-9a-hjkmnp-tv-z]{6}$"
IncidentId = Annotated[str, Field(pattern=INCIDENT_ID_PATTERN)]
PersonName = Annotated[Text, Field(max_length=100, pattern=r"^[^\n\r\t]+$")]


class IncidentRecord(Record):
    """Frontmatter of ``incident.md``; humans may edit it. The Markdown body is the summary."""

    id: IncidentId
    title: Annotated[Text, Field(max_length=200)]
    services: NameList = []
    category: OptName = None
    drill: Flag = False
    created_at: Timestamp
    created_by: PersonName
    duplicate_of: Annotated[OptText, Field(pattern=INCIDENT_ID_PATTERN)] = None
    public_title: Annotated[OptText, Field(max_length=200)] = None
    source: OptText = None
