"""Walk the records tree once: every file classified, read and parsed a single time."""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from incidentctl.core.ids import EVENT_ID, INCIDENT_ID
from incidentctl.learn.actions import ACTION_ID
from incidentctl.models.runbook import RUNBOOK_NAME
from incidentctl.store.atomic import read_bytes
from incidentctl.store.layout import Layout
from incidentctl.yamlio.frontmatter import Document, decode, parse
from incidentctl.yamlio.strict import YamlProblem

RECORD_DIRS = ("incidents", "actions", "runbooks", "alerts")
SPOOL_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
SPOOL_NAME = re.compile(r"[a-z0-9-]{1,40}\.jsonl")


@dataclass
class RecordFile:
    """One file: its bytes, its text (if decodable) and its parse result."""

    rel: str
    kind: str
    raw: bytes = b""
    text: str | None = None
    doc: Document | None = None
    problem: YamlProblem | None = None


@dataclass
class IncidentFolder:
    """The files of one incident folder; read on :meth:`load`, dropped on :meth:`release`
    so a lint of 100,000 files holds one incident's files at a time."""

    incident_id: str
    incident: RecordFile | None = None
    events: list[RecordFile] = field(default_factory=list)
    others: list[RecordFile] = field(default_factory=list)
    pending: list[tuple[str, str]] = field(default_factory=list)

    def load(self, layout: Layout) -> None:
        for rel, kind in self.pending:
            record = load(layout, rel, kind)
            if record.kind == "incident":
                self.incident = record
            elif record.kind == "event":
                self.events.append(record)
            else:
                self.others.append(record)
        self.pending = []

    def release(self) -> int:
        """Forget the file contents; returns how many files there were."""
        count = (self.incident is not None) + len(self.events) + len(self.others)
        self.incident, self.events, self.others = None, [], []
        return count


@dataclass
class Tree:
    """What the walk found."""

    incidents: dict[str, IncidentFolder] = field(default_factory=dict)
    strays: list[RecordFile] = field(default_factory=list)
    actions: list[RecordFile] = field(default_factory=list)
    spools: list[RecordFile] = field(default_factory=list)
    runbooks: list[RecordFile] = field(default_factory=list)
    event_names: dict[str, list[str]] = field(default_factory=dict)
    files_checked: int = 0


def classify(rel: str) -> str:
    """What kind of file ``rel`` is, by its place."""
    parts = rel.split("/")
    name = parts[-1]
    if rel.endswith("/"):
        return "folder"
    if name == ".gitkeep" and len(parts) == 2:
        return "keep"
    if name.startswith(".") and name.endswith(".tmp"):
        return "temp"
    if parts[0] == "incidents" and len(parts) >= 3 and INCIDENT_ID.fullmatch(parts[1]):
        if len(parts) == 3 and name == "incident.md":
            return "incident"
        if len(parts) == 3 and name == "postmortem.md":
            return "postmortem"
        if (
            len(parts) == 4
            and parts[2] == "events"
            and name.endswith(".md")
            and EVENT_ID.fullmatch(name[:-3])
        ):
            return "event"
    if (
        parts[0] == "actions"
        and len(parts) == 2
        and name.endswith(".md")
        and ACTION_ID.fullmatch(name[:-3])
    ):
        return "action"
    if (
        len(parts) == 4
        and parts[:2] == ["alerts", "spool"]
        and SPOOL_DAY.fullmatch(parts[2])
        and SPOOL_NAME.fullmatch(name)
    ):
        return "spool"
    if parts[0] == "runbooks" and len(parts) == 2 and name.endswith(".md"):
        return "runbook" if RUNBOOK_NAME.fullmatch(name[:-3]) else "orphan"
    if (
        len(parts) == 3
        and parts[:2] == ["runbooks", "exercises"]
        and name.endswith(".md")
        and EVENT_ID.fullmatch(name[:-3])
    ):
        return "exercise"
    return "orphan"


def load(layout: Layout, rel: str, kind: str) -> RecordFile:
    """Read and parse one file."""
    record = RecordFile(rel=rel, kind=kind)
    path = layout.root / rel
    if kind == "folder":
        return record
    if path.is_symlink():
        record.kind = "symlink"
        return record
    try:
        record.raw = read_bytes(path)
    except OSError as exc:
        record.problem = YamlProblem(f"cannot read: {exc.strerror}", None)
        return record
    if kind in ("orphan", "temp", "keep"):
        return record
    if kind == "spool":
        with contextlib.suppress(UnicodeDecodeError):
            record.text = record.raw.decode("utf-8")
        return record
    with contextlib.suppress(YamlProblem):
        record.text = decode(record.raw)
    try:
        record.doc = parse(record.raw)
    except YamlProblem as exc:
        record.problem = exc
    return record


def expected_folder(rel_dir: str, name: str) -> bool:
    """Whether a folder may stand here: incidents/<id>/events, runbooks/exercises,
    alerts/spool/<day>. Any other folder inside incidents/ or actions/ (one named like an
    event file, say) is reported, and no reader enters it."""
    parts = [*rel_dir.split("/"), name]
    if parts[0] == "incidents":
        if len(parts) == 2:
            return True  # a folder whose name is no id: its files are reported one by one
        return len(parts) == 3 and name == "events"
    return parts[0] != "actions"


def all_paths(layout: Layout) -> list[str]:
    """Every file under the record folders (symlinked folders are not entered)."""
    found: list[str] = []
    for top in RECORD_DIRS:
        base = layout.root / top
        if not base.is_dir():
            continue
        for folder, dirs, files in os.walk(base, followlinks=False):
            rel_dir = Path(folder).relative_to(layout.root).as_posix()
            for name in sorted(files):
                found.append(f"{rel_dir}/{name}")
            for name in sorted(dirs):
                if (Path(folder) / name).is_symlink() or not expected_folder(rel_dir, name):
                    found.append(
                        f"{rel_dir}/{name}" + ("" if (Path(folder) / name).is_symlink() else "/")
                    )
            dirs[:] = [d for d in dirs if expected_folder(rel_dir, d)]
    return found


def walk(layout: Layout, only: Iterable[str] | None = None) -> Tree:
    """Classify the files (all, or only ``only``). Incident folders are read later, one at
    a time; event names are listed for the duplicate-id check on full runs."""
    tree = Tree()
    if only is None:
        paths = all_paths(layout)
    else:
        paths = sorted(
            rel
            for rel in set(only)
            if (layout.root / rel).exists() or (layout.root / rel).is_symlink()
        )
    for rel in paths:
        kind = classify(rel)
        parts = rel.split("/")
        if kind == "event" and only is None:
            tree.event_names.setdefault(parts[3][:-3], []).append(rel)
        if kind == "keep":
            continue
        if kind in ("incident", "event", "postmortem"):
            folder = tree.incidents.setdefault(parts[1], IncidentFolder(parts[1]))
            folder.pending.append((rel, kind))
            continue
        record = load(layout, rel, kind)
        if record.kind == "action":
            tree.actions.append(record)
        elif record.kind == "spool":
            tree.spools.append(record)
        elif record.kind in ("runbook", "exercise"):
            tree.runbooks.append(record)
        else:
            tree.strays.append(record)
    if only is None:  # an incident folder holding no file at all is reported too
        for incident_id in layout.incident_ids():
            tree.incidents.setdefault(incident_id, IncidentFolder(incident_id))
    return tree
