"""The people directory: handles mapped to display names, emails, git identities, time zone
and working hours.

Read from ``people.yaml`` at the records root and from the catalog's Backstage
``kind: User`` documents (``metadata.name`` is the handle, ``spec.profile.displayName``
the name, ``spec.profile.email`` an email, ``spec.memberOf`` the teams); an entry of
``people.yaml`` wins over a User of the same handle. Records store handles; ``show``
renders display names; publishing redacts every known name, handle and email.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from incidentctl.core.errors import RecordError

if TYPE_CHECKING:
    from incidentctl.models.org import PersonView
    from incidentctl.org.catalog import Catalog, Problem
    from incidentctl.workspace import Workspace

PEOPLE_FILE = "people.yaml"
WORKING_HOURS = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$")
_COMMON = {"the", "bot", "team", "ops", "sre", "dev", "admin", "user"}


@dataclass(frozen=True)
class Person:
    """One person: what records store (``handle``) and every other name they go by."""

    handle: str
    name: str
    emails: tuple[str, ...] = ()
    git: tuple[str, ...] = ()
    timezone: str | None = None
    working_hours: str | None = None
    teams: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    source: str = ""

    def identities(self) -> list[str]:
        """Every string that names this person: handle, name, emails, git identities, aliases."""
        return [self.handle, self.name, *self.emails, *self.git, *self.aliases]


@dataclass
class Directory:
    """Everyone the repo knows, by handle."""

    people: dict[str, Person] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    _index: dict[str, str] = field(default_factory=dict, repr=False)

    def add(self, person: Person) -> None:
        self.people[person.handle] = person
        for identity in person.identities():
            self._index.setdefault(identity.strip().lower(), person.handle)

    def resolve(self, text: str) -> str | None:
        """The handle of the person ``text`` names (any identity, case-insensitive)."""
        return self._index.get(text.strip().lower())

    def display(self, handle: str) -> str:
        """The display name of ``handle``; anything else as it is."""
        person = self.people.get(handle)
        return person.name if person else handle

    def handles(self) -> list[str]:
        return sorted(self.people)

    def suggest(self, text: str) -> list[str]:
        return difflib.get_close_matches(text.strip().lower(), list(self._index), n=1, cutoff=0.8)

    def redaction_names(self) -> list[str]:
        """Every name, handle, email and git identity of every person, and the parts of
        their names long enough to identify them ("Alice", "Adams")."""
        found: set[str] = set()
        for person in self.people.values():
            for identity in person.identities():
                text = identity.strip()
                if not text:
                    continue
                found.add(text)
                for part in re.split(r"[\s._@<>()-]+", text):
                    if len(part) >= 3 and part.lower() not in _COMMON:
                        found.add(part)
        return sorted(found, key=lambda t: (-len(t), t))


def _people_file(root: Path, directory: Directory) -> None:
    from pydantic import ValidationError

    from incidentctl.models.org import PeopleFile
    from incidentctl.store.validation import problems
    from incidentctl.yamlio.frontmatter import Document, decode
    from incidentctl.yamlio.strict import YamlProblem, load

    path = root / PEOPLE_FILE
    if not path.is_file():
        return
    try:
        data, lines = load(decode(path.read_bytes()))
    except YamlProblem as exc:
        raise RecordError(exc.message, path=PEOPLE_FILE, line=exc.line) from None
    except OSError as exc:
        raise RecordError(f"cannot read: {exc.strerror}", path=PEOPLE_FILE) from None
    if data is None:
        return
    if not isinstance(data, dict):
        raise RecordError("people.yaml must be a mapping with 'people:'", path=PEOPLE_FILE, line=1)
    doc = Document(meta=data, body="", lines=lines)
    try:
        parsed = PeopleFile.model_validate(data)
    except ValidationError as exc:
        first = problems(exc, doc)[0]
        raise RecordError(
            f"{first.field}: {first.message}", path=PEOPLE_FILE, line=first.line
        ) from None
    from incidentctl.org.catalog import Problem, Where

    for i, entry in enumerate(parsed.people):
        line = lines.get(("people", i))
        if entry.timezone is not None:
            from incidentctl.workspace import named_zone

            try:
                named_zone(entry.timezone, f"people[{i}].timezone")
            except Exception as exc:
                raise RecordError(
                    str(exc), path=PEOPLE_FILE, line=lines.get(("people", i, "timezone"), line)
                ) from None
        if entry.working_hours is not None and not WORKING_HOURS.fullmatch(entry.working_hours):
            raise RecordError(
                f"people.{i}.working_hours: {entry.working_hours!r} is not HH:MM-HH:MM "
                "(e.g. 09:00-17:30)",
                path=PEOPLE_FILE,
                line=lines.get(("people", i, "working_hours"), line),
            )
        if entry.handle in directory.people:
            directory.problems.append(
                Problem(Where(PEOPLE_FILE, line), f"person {entry.handle!r} is listed twice")
            )
            continue
        directory.add(
            Person(
                handle=entry.handle,
                name=entry.name,
                emails=tuple(entry.emails),
                git=tuple(entry.git),
                timezone=entry.timezone,
                working_hours=entry.working_hours,
                teams=tuple(entry.teams),
                aliases=tuple(entry.aliases),
                source=f"{PEOPLE_FILE}:{line}" if line else PEOPLE_FILE,
            )
        )


def load(root: Path, catalog: Catalog | None) -> Directory | None:
    """The directory, or None when there is no ``people.yaml`` and no catalog users."""
    directory = Directory()
    _people_file(root, directory)
    for user in catalog.users if catalog else []:
        if user.name in directory.people:
            continue
        directory.add(
            Person(
                handle=user.name,
                name=user.display_name or user.name,
                emails=(user.email,) if user.email else (),
                teams=user.member_of,
                source=str(user.where),
            )
        )
    if not directory.people and not directory.problems:
        return None
    owners: dict[str, str] = {}
    from incidentctl.org.catalog import Problem, Where

    for person in directory.people.values():
        for identity in person.identities():
            key = identity.strip().lower()
            other = owners.setdefault(key, person.handle)
            if other != person.handle:
                directory.problems.append(
                    Problem(
                        Where(person.source.split(":")[0], None),
                        f"{identity!r} names both {other!r} and {person.handle!r}",
                    )
                )
    return directory


def views(directory: Directory | None) -> list[PersonView]:
    """The directory as ``catalog show --json`` lists it."""
    from incidentctl.models.org import PersonView

    if directory is None:
        return []
    return [
        PersonView(
            handle=p.handle,
            name=p.name,
            emails=list(p.emails),
            git=list(p.git),
            timezone=p.timezone,
            working_hours=p.working_hours,
            teams=list(p.teams),
            source=p.source,
        )
        for p in sorted(directory.people.values(), key=lambda p: p.handle)
    ]


def redaction_terms(ws: Workspace, people: dict[str, str]) -> list[str]:
    """Every known name, handle, email and git identity of every person in the directory,
    for publishing to redact — except those ``people`` (the publisher's map of the people
    named in the record to a role placeholder) already replaces with a role."""
    directory = ws.people
    if directory is None:
        return []
    labelled = {name.lower() for name in people}
    return [t for t in directory.redaction_names() if t.lower() not in labelled]
