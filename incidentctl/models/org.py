"""The organisation's files: the native service catalog (``catalog.yaml``) and the people
directory (``people.yaml``), and the ``catalog show --json`` output."""

from __future__ import annotations

from pydantic import Field

from incidentctl.models.base import Record, View
from incidentctl.models.fields import Name, NameList, OptName, OptText, Text, TextList


class TeamEntry(Record):
    """A team (Backstage ``kind: Group``)."""

    name: Name
    title: OptText = None
    parent: OptName = None
    members: NameList = Field(default=[], description="handles of the people in the team")


class SystemEntry(Record):
    """A system: a collection of services (Backstage ``kind: System``)."""

    name: Name
    title: OptText = None
    owner: OptName = Field(default=None, description="the owning team")


class ServiceEntry(Record):
    """A service incidents can affect (Backstage ``kind: Component``)."""

    name: Name
    title: OptText = None
    owner: OptName = Field(default=None, description="the owning team (else its system's)")
    system: OptName = None
    lifecycle: OptText = Field(default=None, description="e.g. production, experimental")
    depends_on: NameList = []


class CatalogFile(Record):
    """``catalog.yaml``: the service catalog for teams without Backstage descriptors."""

    teams: list[TeamEntry] = []
    systems: list[SystemEntry] = []
    services: list[ServiceEntry] = []


class PersonEntry(Record):
    """One person of the directory."""

    handle: Name = Field(description="what records store: --by, roles, fields of type person")
    name: Text = Field(description="the display name show renders")
    emails: TextList = []
    git: TextList = Field(
        default=[], description="git user.name values or emails that are this person"
    )
    timezone: OptText = Field(default=None, description="IANA time zone, e.g. Europe/Berlin")
    working_hours: OptText = Field(
        default=None, description="local working hours as HH:MM-HH:MM, e.g. 09:00-17:30"
    )
    teams: NameList = []
    aliases: TextList = Field(
        default=[], description="other names the person goes by (redacted when publishing)"
    )


class PeopleFile(Record):
    """``people.yaml``: handles mapped to display names, emails and git identities."""

    people: list[PersonEntry] = []


# --- catalog show --json --------------------------------------------------------------


class CatalogServiceView(View):
    """A service and where it was read."""

    name: str
    title: str | None
    owner: str | None = Field(description="the owning team (its own owner, else its system's)")
    system: str | None
    lifecycle: str | None
    depends_on: list[str]
    source: str


class CatalogTeamView(View):
    """A team, its members and the services it owns."""

    name: str
    title: str | None
    parent: str | None
    members: list[str]
    services: list[str]
    source: str


class CatalogSystemView(View):
    """A system and its services."""

    name: str
    title: str | None
    owner: str | None
    services: list[str]
    source: str


class PersonView(View):
    """A person of the directory."""

    handle: str
    name: str
    emails: list[str]
    git: list[str]
    timezone: str | None
    working_hours: str | None
    teams: list[str]
    source: str


class CatalogProblem(View):
    """Something the catalog check found."""

    path: str
    line: int | None
    message: str


class CatalogView(View):
    """``incidentctl catalog show --json`` and ``catalog check --json``."""

    files: list[str] = Field(description="catalog and people files read, relative paths")
    services: list[CatalogServiceView]
    teams: list[CatalogTeamView]
    systems: list[CatalogSystemView]
    people: list[PersonView]
    skipped: dict[str, int] = Field(description="Backstage kinds not used, with counts")
    problems: list[CatalogProblem]
