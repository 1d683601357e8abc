"""The library API: one records repo, its config, its clock, and what can be done with it.

The CLI is one client of this class; everything is usable and testable without Typer.
"""

from __future__ import annotations

import os
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from incidentctl.core.clock import Clock, parse_when, system_clock
from incidentctl.core.errors import UsageError
from incidentctl.core.ids import resolve_prefix
from incidentctl.git import gitrepo
from incidentctl.models.config import Config
from incidentctl.models.views import IncidentView
from incidentctl.store.config_file import read_config
from incidentctl.store.layout import Layout, find_root
from incidentctl.store.records import load_incident

if TYPE_CHECKING:
    from incidentctl.models.org import PersonView
    from incidentctl.org.catalog import Catalog
    from incidentctl.org.people import Directory
    from incidentctl.store.bulk import LoadProblem, Progress

TZ_ENV = "INCIDENTCTL_TZ"
DISPLAY_ZONE: ContextVar[str | None] = ContextVar("incidentctl_display_zone", default=None)
"""The zone the global ``--tz`` option chose for this command (reset after each command)."""


def named_zone(name: str, what: str = "--tz") -> tzinfo:
    """The IANA zone called ``name``; :class:`UsageError` naming ``what`` otherwise."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError):
        raise UsageError(
            f"{what}: unknown time zone {name[:60]!r}; use an IANA name like Europe/Berlin, "
            "America/New_York or UTC"
        ) from None


NO_CACHE_ENV = "INCIDENTCTL_NO_CACHE"


@dataclass
class Workspace:
    """A records repo opened for reading and writing."""

    layout: Layout
    clock: Clock = system_clock
    use_cache: bool = True  # False: every read is fresh (``INCIDENTCTL_NO_CACHE=1``)
    _now: datetime | None = field(default=None, repr=False)
    tz: str | None = None
    """The zone for display and input (``--tz``); None: ``$INCIDENTCTL_TZ``, else the repo's."""

    @classmethod
    def open(
        cls,
        repo: str | None = None,
        *,
        clock: Clock = system_clock,
        tz: str | None = None,
        use_cache: bool | None = None,
    ) -> Workspace:
        """Find the records repo (``repo``, ``$INCIDENTCTL_REPO`` or walking up from cwd).
        The edge of the library: ``$INCIDENTCTL_NO_CACHE`` is read here, once, unless
        ``use_cache`` says."""
        if use_cache is None:
            use_cache = os.environ.get(NO_CACHE_ENV) != "1"
        return cls(find_root(explicit=repo), clock, use_cache=use_cache, tz=tz)

    @property
    def root(self) -> Path:
        return self.layout.root

    @cached_property
    def config(self) -> Config:
        return read_config(self.layout)

    @cached_property
    def catalog(self) -> Catalog | None:
        """The service catalog (``catalog.yaml``, ``catalog.locations``), or None."""
        from incidentctl.org import catalog

        return catalog.load(self.root, self.config.catalog.locations)

    @cached_property
    def people(self) -> Directory | None:
        """The people directory (``people.yaml``, the catalog's users), or None."""
        from incidentctl.org import people

        return people.load(self.root, self.catalog)

    def people_view(self) -> list[PersonView]:
        """The people directory as ``catalog show --json`` lists it."""
        from incidentctl.org import people

        return people.views(self.people)

    def person(self, text: str) -> str:
        """What a record stores for the person ``text`` names: their handle when the
        directory knows any of their names, emails or git identities, else ``text``."""
        from incidentctl.core.text import clean_person

        value = clean_person(text)
        if self.people is None:
            return value
        return self.people.resolve(value) or value

    def display(self, person: str) -> str:
        """How ``show`` names a person: the directory's display name, else as stored."""
        return self.people.display(person) if self.people is not None else person

    @cached_property
    def repo_zone(self) -> tzinfo:
        """The zone the repo's config names (what dates in reports and deadlines use)."""
        from zoneinfo import ZoneInfo

        return ZoneInfo(self.config.timezone)

    @cached_property
    def zone(self) -> tzinfo:
        """The zone times are shown and typed in: ``--tz``, ``$INCIDENTCTL_TZ`` or the repo's.

        It never changes what is stored (UTC).
        """
        chosen = self.tz or DISPLAY_ZONE.get() or os.environ.get(TZ_ENV) or None
        if chosen is None:
            return self.repo_zone
        return named_zone(chosen, "--tz" if (self.tz or DISPLAY_ZONE.get()) else TZ_ENV)

    def now(self) -> datetime:
        """The command's single notion of now (read once, so one command is consistent)."""
        if self._now is None:
            self._now = self.clock()
        return self._now

    def when(self, text: str | datetime | None, *, allow_future: bool = False) -> datetime:
        """A command-line time in UTC: ``now``, ``-15m``, ``15 min ago``, ``14:05``, ``2:05pm``,
        ``yesterday 14:00``, ``2026-12-02 14:00`` (in :attr:`zone`) or ISO-8601 with an offset.
        """
        if text is None:
            return self.now()
        if isinstance(text, datetime):
            if text.tzinfo is None:
                raise UsageError(f"time {text.isoformat()} has no UTC offset")
            return text
        return parse_when(text, zone=self.zone, now=self.now(), allow_future=allow_future)

    def default_person(self) -> str:
        """Who is acting when ``--by`` is not given: git's user.email or user.name resolved
        through the people directory, else git's user.name, else the login name."""
        import getpass

        name = gitrepo.user_name(self.root)
        if self.people is not None:
            email = gitrepo.run(["config", "user.email"], self.root, check=False).stdout.strip()
            for identity in (email, name):
                handle = self.people.resolve(identity) if identity else None
                if handle:
                    return handle
        if name:
            return name
        try:
            return getpass.getuser()
        except (OSError, KeyError):
            raise UsageError(
                "cannot tell who you are: pass --by NAME or set git user.name"
            ) from None

    def severity(self, text: str) -> str:
        """A configured severity name, matched case-insensitively."""
        wanted = text.strip().lower()
        names = self.config.severity_names()
        if wanted in names:
            return wanted
        raise UsageError(f"unknown severity {text!r}; the policy defines: {', '.join(names)}")

    def service(self, text: str, *, catalog: bool = True) -> str:
        """A service name: well-formed, allowed by ``services:``, and known to the catalog
        when there is one (a typo gets "did you mean")."""
        from incidentctl.core.text import clean_name

        name = clean_name(text, "service", self.config.services)
        if catalog and self.catalog is not None:
            self.catalog.check_service(name)
        return name

    def annotate(self, view: IncidentView) -> IncidentView:
        """``view`` with what the organisation says about it now: owning team and system,
        custom fields typed by their declaration."""
        if self.catalog is None and not (self.config.fields and view.fields):
            return view
        from incidentctl.org.derive import annotate

        return annotate(view, self.catalog, self.config)

    def role(self, text: str) -> str:
        """A configured role name, matched case-insensitively."""
        wanted = text.strip().lower()
        names = self.config.role_names()
        if wanted in names:
            return wanted
        raise UsageError(f"unknown role {text!r}; the config defines: {', '.join(names)}")

    def resolve_id(self, ref: str) -> str:
        """The incident id that ``ref`` (a whole id or a unique prefix) names."""
        from incidentctl.core.ids import INCIDENT_ID, normalize_ref

        ref_norm = normalize_ref(ref)
        if INCIDENT_ID.fullmatch(ref_norm) and self.layout.incident_dir(ref_norm).is_dir():
            return ref_norm
        return resolve_prefix(ref_norm, self.layout.incident_ids())

    def incident(self, ref: str) -> IncidentView:
        """One incident's derived state and timeline."""
        return self.annotate(load_incident(self.layout, self.resolve_id(ref)))

    def incidents(
        self, *, as_of: str | None = None, progress: Progress | None = None, slim: bool = False
    ) -> tuple[list[IncidentView], list[LoadProblem]]:
        """Every incident (at git revision ``as_of`` if given); broken ones reported apart."""
        from incidentctl.store import bulk

        found: tuple[list[IncidentView], list[LoadProblem]] | None = None
        if self.use_cache:
            found = bulk.load_cached(self.layout, as_of, progress, slim=slim)
        if found is None:
            snapshot = (
                bulk.git_snapshot(self.layout, as_of) if as_of else bulk.disk_snapshot(self.layout)
            )
            found = bulk.load(snapshot, progress, slim=slim)
        views, problems = found
        views = bulk.break_duplicate_cycles(views)
        if self.catalog is None and not self.config.fields:
            return views, problems
        return [self.annotate(v) for v in views], problems
