"""The library API: one records repo, its config, its clock, and what can be done with it.

The CLI is one client of this class; everything is usable and testable without Typer.
"""

from __future__ import annotations

import os
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
    from incidentctl.store.bulk import LoadProblem, Progress

NO_CACHE_ENV = "INCIDENTCTL_NO_CACHE"


@dataclass
class Workspace:
    """A records repo opened for reading and writing."""

    layout: Layout
    clock: Clock = system_clock
    use_cache: bool = True  # False: every read is fresh (``INCIDENTCTL_NO_CACHE=1``)
    _now: datetime | None = field(default=None, repr=False)

    @classmethod
    def open(
        cls, repo: str | None = None, *, clock: Clock = system_clock, use_cache: bool | None = None
    ) -> Workspace:
        """Find the records repo (``repo``, ``$INCIDENTCTL_REPO`` or walking up from cwd).
        The edge of the library: ``$INCIDENTCTL_NO_CACHE`` is read here, once, unless
        ``use_cache`` says."""
        if use_cache is None:
            use_cache = os.environ.get(NO_CACHE_ENV) != "1"
        return cls(find_root(explicit=repo), clock, use_cache)

    @property
    def root(self) -> Path:
        return self.layout.root

    @cached_property
    def config(self) -> Config:
        return read_config(self.layout)

    @cached_property
    def zone(self) -> tzinfo:
        from zoneinfo import ZoneInfo

        return ZoneInfo(self.config.timezone)

    def now(self) -> datetime:
        """The command's single notion of now (read once, so one command is consistent)."""
        if self._now is None:
            self._now = self.clock()
        return self._now

    def when(self, text: str | datetime | None, *, allow_future: bool = False) -> datetime:
        """A command-line time (``now``, ``-15m``, ``14:05``, ISO-8601) in UTC."""
        if text is None:
            return self.now()
        if isinstance(text, datetime):
            if text.tzinfo is None:
                raise UsageError(f"time {text.isoformat()} has no UTC offset")
            return text
        return parse_when(text, zone=self.zone, now=self.now(), allow_future=allow_future)

    def default_person(self) -> str:
        """Who is acting when ``--by`` is not given: the git user, else the login name."""
        import getpass

        name = gitrepo.user_name(self.root)
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
        return load_incident(self.layout, self.resolve_id(ref))

    def incidents(
        self, *, as_of: str | None = None, progress: Progress | None = None, slim: bool = False
    ) -> tuple[list[IncidentView], list[LoadProblem]]:
        """Every incident (at git revision ``as_of`` if given); broken ones reported apart."""
        from incidentctl.store import bulk

        found = None
        if self.use_cache:
            found = bulk.load_cached(self.layout, as_of, progress, slim=slim)
        if found is None:
            snapshot = (
                bulk.git_snapshot(self.layout, as_of) if as_of else bulk.disk_snapshot(self.layout)
            )
            found = bulk.load(snapshot, progress, slim=slim)
        return bulk.break_duplicate_cycles(found[0]), found[1]
