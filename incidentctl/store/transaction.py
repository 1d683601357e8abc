"""One mutating command = lock, write files atomically, one git commit; crash-safe.

Before writing, the paths and commit message go into a journal under the git dir. If the
process dies between writing and committing, or git refuses the commit (a stale
``index.lock``, a failing hook), the next command (or ``incidentctl sync``) commits what
was saved. A responder's entry is never silently lost and never committed twice.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import secrets
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from incidentctl.core import crashpoint
from incidentctl.core.errors import EnvironmentProblem
from incidentctl.git import gitrepo
from incidentctl.store.atomic import describe_write_error, read_bytes, replace, write_new
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


def root_key(layout: Layout) -> str:
    """The records folder's place in its repository ("" at the top, ``team-a``), which
    names its journal: two records folders in one repo never take each other's entries."""
    for folder in (layout.root, *layout.root.parents):
        if (folder / ".git").exists():
            return layout.root.relative_to(folder).as_posix().strip(".")
    return str(layout.root)


def _journal(layout: Layout) -> Path:
    key = root_key(layout)
    name = hashlib.sha256(key.encode()).hexdigest()[:16] if key else "top"
    return state_dir(layout) / "journal" / f"{name}.json"


LEGACY_JOURNAL = "pending.json"  # one journal per clone, before records folders had theirs


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


def _remove_empty_folders(layout: Layout, paths: list[str]) -> None:
    """Remove the folders a rolled-back write created and left empty (an incident folder
    without incident.md is what a reader must never be left with), up to ``incidents/``."""
    stop = {layout.root, layout.incidents, layout.root / "actions"}
    for rel in paths:
        folder = (layout.root / rel).parent
        while folder not in stop and layout.root in folder.parents:
            _remove_temp_files({folder})
            try:
                folder.rmdir()
            except OSError:
                break  # not empty (or gone): everything above is needed too
            folder = folder.parent


def _quarantine(layout: Layout, journal: Path, entry: dict[str, object], why: str) -> Path:
    """Set a journal entry git keeps refusing aside, so it blocks no later write."""
    folder = state_dir(layout) / "quarantine"
    folder.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    target = folder / f"{stamp}-{secrets.token_hex(3)}.json"
    write_new(target, json.dumps({**entry, "refused": why}, indent=2))
    journal.unlink(missing_ok=True)
    return target


def _tell(text: str) -> None:
    from incidentctl.core.text import visible

    sys.stderr.write(visible(text) + "\n")


def _read_entry(journal: Path) -> dict[str, object] | None:
    try:
        entry = json.loads(journal.read_text(encoding="utf-8"))
        if not isinstance(entry, dict):
            raise TypeError
        entry["created"] = [str(p) for p in entry["created"]]
        entry["replaced"] = [str(p) for p in entry["replaced"]]
        entry["message"] = str(entry["message"])
    except (ValueError, KeyError, TypeError, OSError):
        return None
    return entry


def _legacy(layout: Layout) -> Path | None:
    """The clone-wide journal of an older version, when it is this folder's: all of its
    replaced files, or at least one of its new files, are here."""
    legacy = state_dir(layout) / LEGACY_JOURNAL
    entry = _read_entry(legacy) if legacy.exists() else None
    if entry is None:
        return None
    created, replaced = entry["created"], entry["replaced"]
    assert isinstance(created, list) and isinstance(replaced, list)
    here = [p for p in [*created, *replaced] if (layout.root / p).exists()]
    return legacy if here else None


def recover(layout: Layout) -> list[str]:
    """Finish what an interrupted command saved in this records folder; return the paths
    it committed.

    New files are all-or-nothing: if some of a command's new files are missing, the others
    are removed again (they were never committed), with the folders they made. Complete
    changes are committed. An entry git refuses for any reason other than a lock file (a
    commit hook, say) is quarantined under ``.git/incidentctl/quarantine/`` and named, so
    it never blocks later writes. Leftover ``.git/trees-*`` folders of a killed commit are
    removed.
    """
    from incidentctl.git.gitcommit import remove_stale_scratch

    journal = _journal(layout)
    remove_stale_scratch(state_dir(layout).parent)
    _remove_temp_files({journal.parent, state_dir(layout)})
    if not journal.exists():
        journal = _legacy(layout) or journal
        if not journal.exists():
            return []
    entry = _read_entry(journal)
    if entry is None:
        journal.unlink(missing_ok=True)
        return []
    created, replaced, message = entry["created"], entry["replaced"], entry["message"]
    assert isinstance(created, list) and isinstance(replaced, list)
    assert isinstance(message, str)
    _remove_temp_files({(layout.root / p).parent for p in [*created, *replaced]})
    present = [p for p in created if (layout.root / p).is_file()]
    if len(present) != len(created):
        for rel in present:
            (layout.root / rel).unlink(missing_ok=True)
        if present:
            gitrepo.unstage_new(layout.root, present)
        _remove_empty_folders(layout, created)
        present = []
    candidates = present + [p for p in replaced if (layout.root / p).is_file()]
    pending: list[str] = []
    if candidates:
        changed = set(gitrepo.uncommitted(layout.root, candidates))
        pending = [p for p in candidates if p in changed]
    if pending:
        try:
            gitrepo.commit(layout.root, pending, message)
        except EnvironmentProblem as exc:
            if gitrepo.is_lock_problem(exc):
                raise
            aside = _quarantine(layout, journal, entry, exc.message)
            _tell(
                f"note: git refused to commit {', '.join(pending)} ({exc.message}); the "
                f"files stay in the working tree, the entry is set aside in {aside} and no "
                "longer blocks other writes; fix what git reports and commit them with git, "
                "or remove them"
            )
            return []
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
    entry: dict[str, object] = {
        "root": root_key(layout),
        "created": [layout.relative(p) for p in change.created],
        "replaced": [layout.relative(p) for p in change.replaced],
        "message": change.message,
    }
    if commit:
        replace_or_create(journal, json.dumps(entry))
        crashpoint.reached("journal-written")
    written: list[Path] = []
    try:
        # incident.md last: an interrupted declare leaves a folder every reader skips
        # (and lint names), never an incident without its declared event.
        ordered = sorted(change.created.items(), key=lambda item: item[0].name == "incident.md")
        for path, text in ordered:
            if not path.parent.is_dir():
                try:
                    path.parent.mkdir(parents=True)
                except OSError as exc:
                    raise describe_write_error(exc, path.parent) from None
                crashpoint.reached("folder-made")
            write_new(path, text)
            written.append(path)
            crashpoint.reached("file-written")
        for path, text in change.replaced.items():
            replace(path, text)
    except BaseException:
        for path in written:
            with contextlib.suppress(OSError):
                path.unlink()
        _remove_empty_folders(layout, [layout.relative(p) for p in change.created])
        journal.unlink(missing_ok=True)
        raise
    crashpoint.reached("files-written")
    if not commit:
        gitrepo.stage(layout.root, rel)
        return
    try:
        gitrepo.commit(layout.root, rel, change.message)
    except EnvironmentProblem as exc:
        if not gitrepo.is_lock_problem(exc):
            aside = _quarantine(layout, journal, entry, exc.message)
            raise EnvironmentProblem(
                f"saved {', '.join(rel)} but git refused the commit: {exc.message}",
                hint=f"the files stay in the working tree and the entry is set aside in "
                f"{aside}, so later commands are not blocked; fix what git reports and "
                "commit them with git, or remove them",
            ) from None
        raise EnvironmentProblem(
            f"saved {', '.join(rel)} but could not commit: {exc.message}",
            hint=(exc.hint + "; " if exc.hint else "")
            + "the next incidentctl command, or 'incidentctl sync', commits it",
        ) from None
    crashpoint.reached("committed")
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
