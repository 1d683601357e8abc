"""The service catalog: which team owns a service, which system it is part of.

Read from the files a team already keeps, listed under ``catalog.locations`` in the config
(files or folders, relative to the records repo, never outside its git work tree), and
from a native ``catalog.yaml`` at the records root:

* Backstage descriptors (``catalog-info.yaml``; several ``---`` documents per file):
  ``kind: Component`` (``spec.owner``, ``spec.system``, ``spec.lifecycle``,
  ``spec.dependsOn``), ``kind: System`` (``spec.owner``), ``kind: Group``
  (``spec.profile.displayName``, ``spec.parent``, ``spec.members``) and ``kind: User``
  (read by :mod:`incidentctl.org.people`). Other kinds are skipped.
* Native documents: ``teams:``, ``systems:``, ``services:`` lists (docs/file-format.md).

Everything is read with the strict YAML reader. Team and system are derived when an
incident is read, so a service added to the catalog later never invalidates history.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from incidentctl.core.errors import RecordError, UsageError
from incidentctl.models.org import CatalogView, PersonView

if TYPE_CHECKING:
    from incidentctl.org.people import Directory
from incidentctl.yamlio.frontmatter import decode
from incidentctl.yamlio.strict import Plain, YamlProblem, load_all, to_python

NATIVE_FILE = "catalog.yaml"
MAX_FILE_BYTES = 4 * 1024 * 1024
MAX_FILES = 5000
BACKSTAGE_KINDS = ("Component", "System", "Group", "User")
SEVERAL = "(several)"


@dataclass(frozen=True)
class Where:
    """A file and line an entity was read from."""

    path: str
    line: int | None

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


@dataclass(frozen=True)
class Team:
    """A group of people that owns services (Backstage ``kind: Group``)."""

    name: str
    title: str | None
    parent: str | None
    members: tuple[str, ...]
    where: Where


@dataclass(frozen=True)
class System:
    """A collection of services (Backstage ``kind: System``)."""

    name: str
    owner: str | None
    title: str | None
    where: Where


@dataclass(frozen=True)
class Service:
    """A component incidents can affect (Backstage ``kind: Component``)."""

    name: str
    owner: str | None
    system: str | None
    lifecycle: str | None
    depends_on: tuple[str, ...]
    title: str | None
    where: Where


@dataclass(frozen=True)
class UserEntry:
    """A ``kind: User`` document, kept for the people directory."""

    name: str
    display_name: str | None
    email: str | None
    member_of: tuple[str, ...]
    where: Where


@dataclass(frozen=True)
class Problem:
    """Something in the catalog that does not add up (a dangling reference, a duplicate)."""

    where: Where
    message: str


@dataclass
class Catalog:
    """Every service, team and system the catalog files describe."""

    services: dict[str, Service] = field(default_factory=dict)
    teams: dict[str, Team] = field(default_factory=dict)
    systems: dict[str, System] = field(default_factory=dict)
    users: list[UserEntry] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def owner(self, service: str) -> str | None:
        """The team owning ``service``: its own owner, else its system's owner."""
        found = self.services.get(service)
        if found is None:
            return None
        if found.owner:
            return found.owner
        system = self.systems.get(found.system or "")
        return system.owner if system else None

    def system(self, service: str) -> str | None:
        """The system ``service`` belongs to."""
        found = self.services.get(service)
        return found.system if found else None

    def teams_of(self, services: Iterable[str]) -> list[str]:
        """The owning teams of ``services`` (sorted, without repeats)."""
        return sorted({t for s in services if (t := self.owner(s))})

    def systems_of(self, services: Iterable[str]) -> list[str]:
        """The systems of ``services`` (sorted, without repeats)."""
        return sorted({t for s in services if (t := self.system(s))})

    def services_of_team(self, team: str) -> list[str]:
        """Every service ``team`` owns."""
        return sorted(s for s in self.services if self.owner(s) == team)

    def suggest(self, name: str) -> list[str]:
        """Known service names close to ``name`` (difflib), best first."""
        return difflib.get_close_matches(name, list(self.services), n=3, cutoff=0.6)

    def check_service(self, name: str, what: str = "service") -> str:
        """``name`` if the catalog knows it; :class:`UsageError` with "did you mean" if not."""
        if name in self.services:
            return name
        close = self.suggest(name)
        others = f"close names: {', '.join(close)}; " if len(close) > 1 else ""
        add = "if it is new, add it to the catalog (catalog-info.yaml or catalog.yaml)"
        known = ", ".join(sorted(self.services)[:12]) + (" …" if len(self.services) > 12 else "")
        raise UsageError(
            f"unknown {what} {name!r}: the service catalog does not list it"
            + (f"; did you mean {close[0]!r}?" if close else f" (known: {known})"),
            hint=others + add,
        )

    def check_team(self, name: str) -> str:
        """``name`` if it is a team the catalog knows (or owns a service)."""
        teams = set(self.teams) | {t for s in self.services if (t := self.owner(s))}
        if name in teams:
            return name
        close = difflib.get_close_matches(name, sorted(teams), n=1, cutoff=0.6)
        raise UsageError(
            f"unknown team {name!r}"
            + (
                f"; did you mean {close[0]!r}?"
                if close
                else f" (teams: {', '.join(sorted(teams))})"
            )
        )


def entity_ref(value: object) -> str | None:
    """A Backstage entity reference (``group:default/payments``, ``payments``) as a name."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if ":" in text:
        text = text.split(":", 1)[1]
    if "/" in text:
        text = text.rsplit("/", 1)[1]
    return text.lower() or None


def _text(value: object) -> str | None:
    """A scalar as the text written (``007`` stays ``007``); None for null or a collection."""
    if value is None or isinstance(value, (dict, list)):
        return None
    if isinstance(value, Plain) and to_python(value) is None:
        return None
    return str(value).strip() or None


def _refs(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    items = value if isinstance(value, list) else [value]
    return tuple(r for item in items if (r := entity_ref(item)) is not None)


# --- where the files are --------------------------------------------------------------


def _inside(path: Path, boundary: Path) -> bool:
    try:
        path.relative_to(boundary)
    except ValueError:
        return False
    return True


def resolve_location(root: Path, boundary: Path, location: str) -> Path:
    """The file or folder ``location`` names, relative to ``root``; never outside
    ``boundary`` (the git work tree holding the records)."""
    text = location.strip()
    shown = f"catalog.locations: {location!r}"
    if not text:
        raise RecordError(f"{shown} is empty", path=".incidentctl.yaml")
    if os.path.isabs(text) or text.startswith("~") or (len(text) > 1 and text[1] == ":"):
        raise RecordError(
            f"{shown} is an absolute path; give a path relative to the records repo",
            path=".incidentctl.yaml",
        )
    target = (root / text).resolve()
    if not _inside(target, boundary.resolve()):
        raise RecordError(
            f"{shown} is outside the git repository holding the records",
            path=".incidentctl.yaml",
            hint="catalog files must be versioned with the records; copy or submodule them in",
        )
    if not target.exists():
        raise RecordError(f"{shown} does not exist", path=".incidentctl.yaml")
    return target


def _files(target: Path, boundary: Path) -> Iterator[Path]:
    if target.is_file():
        yield target
        return
    for dirpath, dirnames, filenames in os.walk(target):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d != "node_modules")
        for name in sorted(filenames):
            if name.endswith((".yaml", ".yml")) and not name.startswith("."):
                path = Path(dirpath) / name
                if _inside(path.resolve(), boundary):
                    yield path


def sources(root: Path, locations: Iterable[str]) -> list[Path]:
    """Every catalog file: ``catalog.yaml`` at ``root`` and what ``locations`` name."""
    from incidentctl.git import gitrepo

    boundary = gitrepo.top_level(root)[0].resolve() if locations else root.resolve()
    found: list[Path] = []
    native = root / NATIVE_FILE
    if native.is_file():
        found.append(native.resolve())
    for location in locations:
        for path in _files(resolve_location(root, boundary, location), boundary):
            resolved = path.resolve()
            if resolved not in found:
                found.append(resolved)
            if len(found) > MAX_FILES:
                raise RecordError(
                    f"catalog.locations name more than {MAX_FILES} files", path=".incidentctl.yaml"
                )
    return found


# --- reading --------------------------------------------------------------------------


def _shown(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root.resolve()).as_posix()
    except ValueError:
        return os.path.relpath(path, root.resolve()).replace(os.sep, "/")


def load(root: Path, locations: Iterable[str]) -> Catalog | None:
    """The catalog, or None when the repo has none (no ``catalog.yaml``, no locations)."""
    locations = list(locations)
    files = sources(root, locations)
    if not files and not locations:
        return None
    catalog = Catalog()
    for path in files:
        shown = _shown(path, root)
        catalog.files.append(shown)
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                raise RecordError(f"larger than {MAX_FILE_BYTES} bytes", path=shown)
            raw = path.read_bytes()
        except OSError as exc:
            raise RecordError(f"cannot read: {exc.strerror}", path=shown) from None
        read_text(catalog, decode(raw), shown, native=path.name == NATIVE_FILE)
    _cross_check(catalog)
    return catalog


def read_text(catalog: Catalog, text: str, shown: str, *, native: bool = False) -> None:
    """Add the entities of one catalog file to ``catalog``."""
    try:
        documents = load_all(text)
    except YamlProblem as exc:
        raise RecordError(exc.message, path=shown, line=exc.line) from None
    for data, lines in documents:
        line = lines.get(())
        if not isinstance(data, dict):
            raise RecordError("a catalog document must be a mapping", path=shown, line=line)
        if "kind" in data or "apiVersion" in data:
            _backstage(catalog, data, lines, shown)
        else:
            looks_native = bool(data) and set(data) <= {"teams", "systems", "services"}
            _native(catalog, data, lines, shown, native or looks_native)


def _need(value: object, what: str, shown: str, line: int | None) -> str:
    from incidentctl.core.text import clean_name

    text = _text(value)
    if text is None:
        raise RecordError(f"{what} is required", path=shown, line=line)
    try:
        return clean_name(text, what)
    except UsageError as exc:
        raise RecordError(exc.message, path=shown, line=line) from None


def _opt_name(value: object, what: str, shown: str, line: int | None) -> str | None:
    ref = entity_ref(_text(value)) if value is not None else None
    if ref is None:
        return None
    return _need(ref, what, shown, line)


def _mapping(value: object, what: str, shown: str, line: int | None) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise RecordError(f"{what} must be a mapping", path=shown, line=line)
    return value


def _add(catalog: Catalog, table: dict[str, Any], entity: Any, kind: str) -> None:
    previous = table.get(entity.name)
    if previous is not None:
        catalog.problems.append(
            Problem(entity.where, f"{kind} {entity.name!r} is also defined at {previous.where}")
        )
        return
    table[entity.name] = entity


def _backstage(catalog: Catalog, data: dict[str, Any], lines: dict[Any, int], shown: str) -> None:
    kind = _text(data.get("kind"))
    line = lines.get(())
    if kind not in BACKSTAGE_KINDS:
        label = kind or "(no kind)"
        catalog.skipped[label] = catalog.skipped.get(label, 0) + 1
        return
    meta = _mapping(data.get("metadata"), "metadata", shown, lines.get(("metadata",)))
    spec = _mapping(data.get("spec"), "spec", shown, lines.get(("spec",)))
    name_line = lines.get(("metadata", "name"), line)
    name = _need(meta.get("name"), f"{kind} metadata.name", shown, name_line)
    where = Where(shown, name_line)
    title = _text(meta.get("title"))

    def at(*key: str) -> int | None:
        return lines.get(("spec", *key), line)

    if kind == "Component":
        _add(
            catalog,
            catalog.services,
            Service(
                name=name,
                owner=_opt_name(spec.get("owner"), "spec.owner", shown, at("owner")),
                system=_opt_name(spec.get("system"), "spec.system", shown, at("system")),
                lifecycle=_text(spec.get("lifecycle")),
                depends_on=_refs(spec.get("dependsOn")),
                title=title,
                where=where,
            ),
            "component",
        )
    elif kind == "System":
        owner = _opt_name(spec.get("owner"), "spec.owner", shown, at("owner"))
        _add(catalog, catalog.systems, System(name, owner, title, where), "system")
    elif kind == "Group":
        profile = _mapping(spec.get("profile"), "spec.profile", shown, at("profile"))
        _add(
            catalog,
            catalog.teams,
            Team(
                name=name,
                title=_text(profile.get("displayName")) or title,
                parent=entity_ref(_text(spec.get("parent"))),
                members=_refs(spec.get("members")),
                where=where,
            ),
            "group",
        )
    else:  # User
        profile = _mapping(spec.get("profile"), "spec.profile", shown, at("profile"))
        catalog.users.append(
            UserEntry(
                name=name,
                display_name=_text(profile.get("displayName")),
                email=_text(profile.get("email")),
                member_of=_refs(spec.get("memberOf")),
                where=where,
            )
        )


def _native(
    catalog: Catalog, data: dict[str, Any], lines: dict[Any, int], shown: str, native: bool
) -> None:
    from pydantic import ValidationError

    from incidentctl.models.org import CatalogFile
    from incidentctl.store.validation import problems
    from incidentctl.yamlio.frontmatter import Document

    if not native:
        raise RecordError(
            "not a Backstage descriptor: it needs apiVersion and kind",
            path=shown,
            line=lines.get(()),
        )
    try:
        parsed = CatalogFile.model_validate(data)
    except ValidationError as exc:
        first = problems(exc, Document(meta=data, body="", lines=lines))[0]
        raise RecordError(f"{first.field}: {first.message}", path=shown, line=first.line) from None
    for i, team in enumerate(parsed.teams):
        where = Where(shown, lines.get(("teams", i)))
        entry = Team(team.name, team.title, team.parent, tuple(team.members), where)
        _add(catalog, catalog.teams, entry, "team")
    for i, system in enumerate(parsed.systems):
        where = Where(shown, lines.get(("systems", i)))
        _add(
            catalog,
            catalog.systems,
            System(system.name, system.owner, system.title, where),
            "system",
        )
    for i, service in enumerate(parsed.services):
        where = Where(shown, lines.get(("services", i)))
        found = Service(
            name=service.name,
            owner=service.owner,
            system=service.system,
            lifecycle=service.lifecycle,
            depends_on=tuple(service.depends_on),
            title=service.title,
            where=where,
        )
        _add(catalog, catalog.services, found, "service")


def _cross_check(catalog: Catalog) -> None:
    """References that point at nothing the catalog defines."""
    teams = set(catalog.teams)
    for service in catalog.services.values():
        if service.owner and teams and service.owner not in teams:
            catalog.problems.append(
                Problem(
                    service.where,
                    f"service {service.name!r}: owner {service.owner!r} is not a team in the "
                    "catalog",
                )
            )
        if service.system and service.system not in catalog.systems:
            catalog.problems.append(
                Problem(
                    service.where,
                    f"service {service.name!r}: system {service.system!r} is not in the catalog",
                )
            )
        if service.owner is None and catalog.owner(service.name) is None:
            catalog.problems.append(
                Problem(service.where, f"service {service.name!r} has no owner")
            )
    for system in catalog.systems.values():
        if system.owner and teams and system.owner not in teams:
            catalog.problems.append(
                Problem(
                    system.where,
                    f"system {system.name!r}: owner {system.owner!r} is not a team in the catalog",
                )
            )
    for user in catalog.users:
        for group in user.member_of:
            if teams and group not in teams:
                catalog.problems.append(
                    Problem(
                        user.where,
                        f"user {user.name!r}: memberOf {group!r} is not a group in the catalog",
                    )
                )


def view(
    catalog: Catalog, people: list[PersonView] | None = None, directory: Directory | None = None
) -> CatalogView:
    """``catalog show --json``."""
    from incidentctl.models.org import (
        CatalogProblem,
        CatalogServiceView,
        CatalogSystemView,
        CatalogTeamView,
        CatalogView,
    )

    teams = sorted(set(catalog.teams) | {o for s in catalog.services if (o := catalog.owner(s))})
    members: dict[str, set[str]] = {t: set() for t in teams}
    for user in catalog.users:
        for group in user.member_of:
            members.setdefault(group, set()).add(user.name)
    team_views = []
    for name in teams:
        team = catalog.teams.get(name)
        team_views.append(
            CatalogTeamView(
                name=name,
                title=team.title if team else None,
                parent=team.parent if team else None,
                members=sorted(set(team.members if team else ()) | members.get(name, set())),
                services=catalog.services_of_team(name),
                source=str(team.where) if team else "(named as an owner)",
            )
        )
    files = list(catalog.files)
    problems = list(catalog.problems) + (directory.problems if directory else [])
    if directory is not None and any(
        p.source.startswith("people.yaml") for p in directory.people.values()
    ):
        files.append("people.yaml")
    return CatalogView(
        files=files,
        services=[
            CatalogServiceView(
                name=s.name,
                title=s.title,
                owner=catalog.owner(s.name),
                system=s.system,
                lifecycle=s.lifecycle,
                depends_on=list(s.depends_on),
                source=str(s.where),
            )
            for s in sorted(catalog.services.values(), key=lambda s: s.name)
        ],
        teams=team_views,
        systems=[
            CatalogSystemView(
                name=s.name,
                title=s.title,
                owner=s.owner,
                services=sorted(n for n in catalog.services if catalog.system(n) == s.name),
                source=str(s.where),
            )
            for s in sorted(catalog.systems.values(), key=lambda s: s.name)
        ],
        people=people or [],
        skipped=dict(sorted(catalog.skipped.items())),
        problems=[
            CatalogProblem(path=p.where.path, line=p.where.line, message=p.message)
            for p in problems
        ],
    )
