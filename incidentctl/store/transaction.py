"""One mutating command = lock, write files atomically, one git commit; crash-safe.

Before writing, the paths and commit message go into a journal under the git dir. If the
process dies between writing and committing, or git refuses the commit (a stale
``index.lock``, a failing hook), the next command (or ``incidentctl sync``) commits what
was saved. A responder's entry is never silently lost and never committed twice.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from incidentctl.core.errors import EnvironmentProblem
from incidentctl.git import gitrepo
from incidentctl.store.atomic import read_bytes, replace, write_new
from incidentctl.store.layout import Layout
from incidentctl.store.lock import clone_lock


@dataclass
class Change:
    """The files one command writes and the message of its commit."""

    message: str
    created: dict[Path, str] = field(default_factory=dict)
    replaced: dict[Path, str] = field(default_factory=dict)

    def paths(self) -> list[Path]:
        return [*self.created, *self.replaced]


def state_dir(layout: Layout) -> Path:
    """Clone-local state (lock, journal, cache) inside the git dir; never committed."""
    found = gitrepo.find_git_dir(layout.root)
    if found is None:
        raise EnvironmentProblem(
            f"{layout.root} is not inside a git repository",
            hint="run 'git init' there, or 'incidentctl init'",
        )
    return found / "incidentctl"


def _journal(layout: Layout) -> Path:
    return state_dir(layout) / "pending.json"


def _remove_temp_files(folders: set[Path]) -> None:
    """Delete temp files an interrupted write left (they are never records)."""
    for folder in folders:
        try:
            entries = list(folder.iterdir())
        except OSError:
            continue
        for entry in entries:
            if entry.name.startswith(".") and entry.name.endswith(".tmp") and entry.is_file():
                entry.unlink(missing_ok=True)


def recover(layout: Layout) -> list[str]:
    """Finish what an interrupted command saved; return the paths it committed.

    New files are all-or-nothing: if some of a command's new files are missing, the others
    are removed again (they were never committed). Complete changes are committed.
    """
    journal = _journal(layout)
    _remove_temp_files({journal.parent})
    if not journal.exists():
        return []
    try:
        entry = json.loads(journal.read_text(encoding="utf-8"))
        created = [str(p) for p in entry["created"]]
        replaced = [str(p) for p in entry["replaced"]]
        message = str(entry["message"])
    except (ValueError, KeyError, TypeError, OSError):
        journal.unlink(missing_ok=True)
        return []
    _remove_temp_files({(layout.root / p).parent for p in [*created, *replaced]})
    present = [p for p in created if (layout.root / p).is_file()]
    if len(present) != len(created):
        for rel in present:
            (layout.root / rel).unlink(missing_ok=True)
        if present:
            gitrepo.unstage_new(layout.root, present)
        present = []
    candidates = present + [p for p in replaced if (layout.root / p).is_file()]
    pending: list[str] = []
    if candidates:
        changed = set(gitrepo.uncommitted(layout.root, candidates))
        pending = [p for p in candidates if p in changed]
    if pending:
        gitrepo.commit(layout.root, pending, message)
    journal.unlink(missing_ok=True)
    return pending


@contextmanager
def locked(layout: Layout) -> Iterator[None]:
    """Hold the clone lock and finish any interrupted command first."""
    with clone_lock(state_dir(layout)):
        recover(layout)
        yield


def apply(layout: Layout, change: Change, *, commit: bool = True) -> None:
    """Write ``change`` atomically and commit it (call inside :func:`locked`)."""
    rel = [layout.relative(p) for p in change.paths()]
    for path in change.paths():
        layout.ensure_inside(path)
    gate(layout, change)
    journal = _journal(layout)
    if commit:
        entry = {
            "created": [layout.relative(p) for p in change.created],
            "replaced": [layout.relative(p) for p in change.replaced],
            "message": change.message,
        }
        replace_or_create(journal, json.dumps(entry))
    written: list[Path] = []
    try:
        for path, text in change.created.items():
            write_new(path, text)
            written.append(path)
        for path, text in change.replaced.items():
            replace(path, text)
    except BaseException:
        for path in written:
            with contextlib.suppress(OSError):
                path.unlink()
        journal.unlink(missing_ok=True)
        raise
    if not commit:
        gitrepo.stage(layout.root, rel)
        return
    try:
        gitrepo.commit(layout.root, rel, change.message)
    except EnvironmentProblem as exc:
        raise EnvironmentProblem(
            f"saved {', '.join(rel)} but could not commit: {exc.message}",
            hint=(exc.hint + "; " if exc.hint else "")
            + "the next incidentctl command, or 'incidentctl sync', commits it",
        ) from None
    journal.unlink(missing_ok=True)


def gate(layout: Layout, change: Change) -> None:
    """Refuse the whole change before anything is written: text that cannot be stored, or a
    secret on any line it adds (in any file or in the commit message)."""
    from incidentctl.core.text import refuse_secrets_in_files, refuse_unencodable

    texts = {layout.relative(p): t for p, t in [*change.created.items(), *change.replaced.items()]}
    refuse_unencodable({**texts, "commit message": change.message})
    files: dict[str, tuple[str, str | None]] = {
        layout.relative(p): (t, None) for p, t in change.created.items()
    }
    for path, text in change.replaced.items():
        try:
            before: str | None = read_bytes(path).decode("utf-8", "replace")
        except OSError:
            before = None
        files[layout.relative(path)] = (text, before)
    files["commit message"] = (change.message, None)
    refuse_secrets_in_files(files)


def replace_or_create(path: Path, text: str) -> None:
    """Atomically write a small state file, creating its folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        replace(path, text)
    else:
        write_new(path, text)
