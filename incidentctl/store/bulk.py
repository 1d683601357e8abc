"""Read every incident at once, from the working tree or from any git revision.

Each file is read and parsed exactly once. A broken incident is reported, never hides the
others, and never stops the scan.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from incidentctl.core.errors import RecordError
from incidentctl.core.ids import EVENT_ID, INCIDENT_ID
from incidentctl.git import gitrepo
from incidentctl.models.views import IncidentView
from incidentctl.store.atomic import read_bytes
from incidentctl.store.layout import Layout
from incidentctl.store.records import RawFile, build_incident

Progress = Callable[[int, int], None]


@dataclass
class IncidentFiles:
    """The raw files of one incident."""

    incident: RawFile | None = None
    events: list[RawFile] = field(default_factory=list)


@dataclass
class Snapshot:
    """All incidents' files as they stand in one place (working tree or a revision)."""

    incidents: dict[str, IncidentFiles] = field(default_factory=dict)
    broken: dict[str, RecordError] = field(default_factory=dict)

    def add(self, rel: str, raw: bytes) -> None:
        parts = rel.split("/")
        if len(parts) < 3 or parts[0] != "incidents" or not INCIDENT_ID.fullmatch(parts[1]):
            return
        entry = self.incidents.setdefault(parts[1], IncidentFiles())
        if len(parts) == 3 and parts[2] == "incident.md":
            entry.incident = (rel, raw)
        elif (
            len(parts) == 4
            and parts[2] == "events"
            and parts[3].endswith(".md")
            and EVENT_ID.fullmatch(parts[3][:-3])
        ):
            entry.events.append((rel, raw))


def _record_paths(layout: Layout, only: set[str] | None = None) -> Iterator[str]:
    if only is not None and not only:
        return
    try:
        folders = os.scandir(layout.incidents)
    except FileNotFoundError:
        return
    with folders:
        for folder in folders:
            if only is not None and folder.name not in only:
                continue
            if not INCIDENT_ID.fullmatch(folder.name) or not folder.is_dir(follow_symlinks=False):
                continue
            yield f"incidents/{folder.name}/incident.md"
            if os.path.islink(folder.path + "/events"):
                yield f"incidents/{folder.name}/events"
                continue
            try:
                events = os.scandir(folder.path + "/events")
            except (FileNotFoundError, NotADirectoryError):
                continue
            with events:
                for event in events:
                    if (
                        event.name.endswith(".md")
                        and EVENT_ID.fullmatch(event.name[:-3])
                        and event.is_file(follow_symlinks=False)
                    ):
                        yield f"incidents/{folder.name}/events/{event.name}"


def disk_snapshot(layout: Layout, only: set[str] | None = None) -> Snapshot:
    """Every incident file in the working tree (symlinks and temp files are skipped)."""
    snap = Snapshot()
    root = str(layout.root) + "/"
    for rel in _record_paths(layout, only):
        try:
            if rel.endswith("/events"):  # a symlinked events folder, reported by the walk
                snap.broken[rel.split("/")[1]] = RecordError(
                    "is a symbolic link; incidentctl does not read through links", path=rel
                )
                continue
            raw = read_bytes(root + rel)
        except FileNotFoundError:
            snap.incidents.setdefault(rel.split("/")[1], IncidentFiles())
            continue
        except OSError as exc:
            if os.path.islink(root + rel):
                snap.broken[rel.split("/")[1]] = RecordError(
                    "is a symbolic link; incidentctl does not read through links", path=rel
                )
                continue
            snap.broken[rel.split("/")[1]] = RecordError(f"cannot read: {exc.strerror}", path=rel)
            continue
        snap.add(rel, raw)
    return snap


def git_snapshot(layout: Layout, rev: str, ids: Iterable[str] | None = None) -> Snapshot:
    """Every incident file (or only these incidents') as it stood at ``rev`` (two git
    processes in all)."""
    commit = gitrepo.resolve_commit(layout.root, rev)
    where = ["incidents"] if ids is None else [f"incidents/{i}/" for i in sorted(ids)]
    listing = gitrepo.run(["ls-tree", "-r", "-z", commit, "--", *where], layout.root)
    blobs: list[tuple[str, str]] = []
    for item in listing.stdout.split("\0"):
        if not item:
            continue
        meta, path = item.split("\t", 1)
        mode, kind, sha = meta.split()
        if kind == "blob" and mode != "120000":
            blobs.append((path, sha))
    snap = Snapshot()
    if not blobs:
        return snap
    for (path, _), raw in zip(
        blobs, gitrepo.cat_blobs(layout.root, [sha for _, sha in blobs]), strict=True
    ):
        snap.add(path, raw)
    return snap


@dataclass
class LoadProblem:
    """An incident that could not be loaded during a bulk read."""

    incident_id: str
    error: RecordError


def load(
    snapshot: Snapshot, progress: Progress | None = None, *, slim: bool = False
) -> tuple[list[IncidentView], list[LoadProblem]]:
    """Build every incident in ``snapshot`` (``slim``: without timelines); broken ones are
    reported separately."""
    views: list[IncidentView] = []
    problems: list[LoadProblem] = []
    for incident_id in snapshot.broken:
        snapshot.incidents.setdefault(incident_id, IncidentFiles())
    total = len(snapshot.incidents)
    for done, incident_id in enumerate(sorted(snapshot.incidents), start=1):
        files = snapshot.incidents[incident_id]
        try:
            if incident_id in snapshot.broken:
                raise snapshot.broken[incident_id]
            if files.incident is None or not files.incident[1].strip():
                continue  # unfinished (interrupted declare): every reader skips it, lint says
            views.append(build_incident(incident_id, files.incident, files.events, slim=slim))
        except RecordError as exc:
            problems.append(LoadProblem(incident_id, exc))
        if progress is not None and (done % 200 == 0 or done == total):
            progress(done, total)
    return views, problems


def duplicate_cycles(views: list[IncidentView]) -> list[list[str]]:
    """Incidents whose ``duplicate_of`` links lead back to themselves (a→b→a, or a→a by a
    hand edit), each cycle in the order its links run, starting at its earliest incident."""
    link = {v.id: v.duplicate_of for v in views if v.duplicate_of}
    first = {v.id: (v.detected_at or v.started_at, v.id) for v in views}
    cycles: list[list[str]] = []
    done: set[str] = set()
    for start in sorted(link):
        path: list[str] = []
        at: str | None = start
        while at is not None and at not in done and at not in path:
            path.append(at)
            at = link.get(at)
        done.update(path)
        if at is not None and at in path:
            cycle = path[path.index(at) :]
            head = min(cycle, key=lambda i: (first[i][0] is None, first[i][0] or 0, i))
            cycles.append(cycle[cycle.index(head) :] + cycle[: cycle.index(head)])
    return cycles


def break_duplicate_cycles(views: list[IncidentView]) -> list[IncidentView]:
    """``views`` with each ``duplicate_of`` cycle broken at its earliest incident, which is
    then counted as the original: a cycle never silently removes every incident in it from
    the figures (``lint`` reports it as ``integrity/duplicate-cycle``)."""
    heads = {cycle[0] for cycle in duplicate_cycles(views)}
    if not heads:
        return views
    return [v.model_copy(update={"duplicate_of": None}) if v.id in heads else v for v in views]


def read_and_load(
    layout: Layout, ids: list[str], progress: Progress | None, slim: bool
) -> tuple[list[IncidentView], list[LoadProblem]]:
    """Read and load these incidents from the working tree, spread over the cores."""
    from incidentctl.store import parallel

    def share(part: list[str]) -> tuple[list[IncidentView], list[LoadProblem]]:
        first = part[:1] == ids[:1]  # this process's share reports progress for all
        scale = len(ids) / max(len(part), 1)
        report = None
        if progress is not None and first:

            def report(done: int, total: int) -> None:
                progress(min(round(done * scale), len(ids)), len(ids))

        return load(disk_snapshot(layout, only=set(part)), report, slim=slim)

    views: list[IncidentView] = []
    problems: list[LoadProblem] = []
    for found, broken in parallel.map_shares(share, ids):
        views += found
        problems += broken
    return views, problems


def _z(output: str) -> list[str]:
    return [item for item in output.split("\0") if item]


def load_cached(
    layout: Layout,
    as_of: str | None = None,
    progress: Progress | None = None,
    *,
    slim: bool = False,
) -> tuple[list[IncidentView], list[LoadProblem]] | None:
    """Every incident, served from the blob-keyed cache where the content is unchanged.

    Returns None when git cannot describe the tree (not a repo, git failing); the caller
    then reads the working tree directly.
    """
    from incidentctl.store.cache import ViewCache, key

    if as_of is not None:
        commit = gitrepo.resolve_commit(layout.root, as_of)
        listing = gitrepo.run(
            ["ls-tree", "-r", "-z", commit, "--", "incidents"],
            layout.root,
            check=False,
        )
        if listing.returncode != 0:
            return None
        entries = []
        for item in _z(listing.stdout):
            meta, rel = item.split("\t", 1)
            mode, _kind, blob = meta.split()
            entries.append((mode, blob, rel))
        dirty: set[str] = set()
    else:
        state = gitrepo.index_state(layout.root, "incidents")
        if state is None:
            return None
        index, changed = state
        entries = [(e.mode, e.blob, e.rel) for e in index]
        dirty = {
            e.rel.split("/")[1] if e.rel.count("/") >= 2 else e.rel for e in index if e.stage != "0"
        }
        for rel in changed:  # modified, staged, deleted or untracked since HEAD
            parts = rel.split("/")
            if len(parts) >= 3:
                dirty.add(parts[1])
    per_incident: dict[str, list[tuple[str, str, str]]] = {}
    for mode, blob, rel in entries:
        parts = rel.split("/")
        if len(parts) >= 3 and INCIDENT_ID.fullmatch(parts[1]):
            per_incident.setdefault(parts[1], []).append((mode, blob, rel))
    if as_of is None:
        for incident_id in layout.incident_ids():
            if incident_id not in per_incident:
                dirty.add(incident_id)
    cache = ViewCache(layout, slim=slim)
    views: list[IncidentView] = []
    problems: list[LoadProblem] = []
    misses: dict[str, str] = {}
    ids = sorted(set(per_incident) | (dirty if as_of is None else set()))
    clean_misses: list[str] = []
    for incident_id in ids:
        files = per_incident.get(incident_id, [])
        if incident_id in dirty or any(mode == "120000" for mode, _, _ in files):
            continue
        name = key([(rel, blob) for _, blob, rel in files])
        misses[incident_id] = name
        view = cache.view(name)
        if view is not None:
            views.append(view)
            del misses[incident_id]
        else:
            clean_misses.append(incident_id)
    # Everything not served from the cache is read once and parsed once.
    snapshot = Snapshot()
    if as_of is not None:
        wanted = [
            (rel, blob)
            for i in clean_misses
            for mode, blob, rel in per_incident[i]
            if mode != "120000"
        ]
        for (rel, _), raw in zip(
            wanted,
            gitrepo.cat_blobs(layout.root, [b for _, b in wanted]) if wanted else [],
            strict=True,
        ):
            snapshot.add(rel, raw)
        for incident_id in ids:
            if any(mode == "120000" for mode, _, _ in per_incident.get(incident_id, [])):
                snapshot.broken[incident_id] = RecordError(
                    "is a symbolic link; incidentctl does not read through links",
                    path=f"incidents/{incident_id}",
                )
        loaded, problems = load(snapshot, progress, slim=slim)
    else:
        loaded, problems = read_and_load(layout, sorted(set(clean_misses) | dirty), progress, slim)
    for view in loaded:
        if view.id in misses:
            cache.put(misses[view.id], view)
    views.extend(loaded)
    cache.save()
    views.sort(key=lambda v: v.id)
    return views, problems
