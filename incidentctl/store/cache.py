"""A cache of derived incidents, keyed by the git blob ids of each incident's files.

Kept under the git dir (never committed), always safe to delete, never trusted for a file
whose content changed: an incident is served from the cache only when none of its files
differs from HEAD in the index or the working tree (``git status``, which re-checks content
whenever stat data changed) and none is untracked. Anything unreadable in the cache is
ignored and rebuilt.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle

from incidentctl.models.views import IncidentView
from incidentctl.store import transaction
from incidentctl.store.layout import Layout


def _format() -> str:
    from incidentctl.core.build import identity

    return f"1-{identity()}"


def key(files: list[tuple[str, str]]) -> str:
    """The identity of an incident's content: its files' paths and blob ids."""
    digest = hashlib.sha1(usedforsecurity=False)
    for rel, blob in sorted(files):
        digest.update(f"{rel}\0{blob}\n".encode())
    return digest.hexdigest()


class BlobCache:
    """Parsed records by a content key (a git blob id, or :func:`key` of an incident's
    files), so an entry can never be stale; written back only when it changed, keeping
    only the entries this run used."""

    def __init__(self, layout: Layout, name: str) -> None:
        self.file = transaction.state_dir(layout) / "cache" / f"{name}.pickle"
        self.entries: dict[str, object] = {}
        self.used: set[str] = set()
        self.dirty = False
        try:
            with self.file.open("rb") as handle:
                data = pickle.load(handle)
            if isinstance(data, dict) and data.get("format") == _format():
                entries = data.get("entries")
                if isinstance(entries, dict):
                    self.entries = entries
        except Exception:
            self.entries = {}

    def get(self, blob: str) -> object | None:
        value = self.entries.get(blob)
        if value is not None:
            self.used.add(blob)
        return value

    def put(self, blob: str, value: object) -> None:
        self.entries[blob] = value
        self.used.add(blob)
        self.dirty = True

    def save(self) -> None:
        if not self.dirty and len(self.used) == len(self.entries):
            return
        keep = {k: v for k, v in self.entries.items() if k in self.used}
        with contextlib.suppress(OSError):
            self.file.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.file.with_name(f".{self.file.name}.{os.getpid()}.tmp")
            with tmp.open("wb") as handle:
                pickle.dump(
                    {"format": _format(), "entries": keep}, handle, protocol=pickle.HIGHEST_PROTOCOL
                )
            os.replace(tmp, self.file)


class ViewCache(BlobCache):
    """Derived incidents by :func:`key`."""

    def __init__(self, layout: Layout, *, slim: bool = False) -> None:
        super().__init__(layout, "incidents-slim" if slim else "incidents")

    def view(self, name: str) -> IncidentView | None:
        value = self.get(name)
        return value if isinstance(value, IncidentView) else None
