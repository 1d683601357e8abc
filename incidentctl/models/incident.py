"""The descriptive record of an incident (``incidents/<id>/incident.md``); state lives in events."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from incidentctl.models.base import Record
from incidentctl.models.fields import (
    SINGLE_LINE,
    TEXT_SCALAR,
    AsOptText,
    AsText,
    Flag,
    NameList,
    OptName,
    OptText,
    Timestamp,
)

INCIDENT_ID_PATTERN = r"^[0-9a-hjkmnp-tv-z]{6}$"
IncidentId = Annotated[str, Field(pattern=INCIDENT_ID_PATTERN)]
PersonName = Annotated[
    str,
    Field(min_length=1, max_length=100, pattern=r"^[^\n\r\t]+$", json_schema_extra=TEXT_SCALAR),
    AsText,
]
# A title is one line: it is a commit subject, a board row, a status-page heading.
Title = Annotated[
    str,
    Field(min_length=1, max_length=200, pattern=SINGLE_LINE, json_schema_extra=TEXT_SCALAR),
    AsText,
]
OptTitle = Annotated[
    Annotated[str, Field(max_length=200, pattern=SINGLE_LINE, json_schema_extra=TEXT_SCALAR)]
    | None,
    AsOptText,
]
OptIncidentId = Annotated[Annotated[str, Field(pattern=INCIDENT_ID_PATTERN)] | None, AsOptText]


class IncidentRecord(Record):
    """Frontmatter of ``incident.md``; humans may edit it. The Markdown body is the summary."""

    id: IncidentId
    title: Title
    services: NameList = []
    category: OptName = None
    drill: Flag = False
    created_at: Timestamp
    created_by: PersonName
    duplicate_of: OptIncidentId = None
    public_title: OptTitle = None
    source: OptText = None
