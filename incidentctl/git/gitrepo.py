"""The git CLI, run as argument lists with explicit pathspecs (see docs/decisions/0002).

Every user-supplied value that reaches git is checked so it cannot be read as an option.
Contention on ``index.lock`` is retried for a bounded time and never deleted automatically.
"""

from __future__ import annotations

import atexit
import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

from incidentctl.core.errors import EnvironmentProblem, UsageError

INDEX_LOCK_WAIT_S = 10.0


def _git_binary() -> str:
    git = shutil.which("git")
    if git is None:
        raise EnvironmentProblem(
            "git is not installed or not on PATH", hint="install git, then run the command again"
        )
    return git


# Set for the commit hooks of a commit incidentctl makes: ``incidentctl lint`` run by such
# a hook never fails on a response deadline or a warning (docs/integrations.md#pre-commit).
COMMIT_ENV = "INCIDENTCTL_COMMIT"


def _env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """git's environment: never prompt, messages untranslated (they are parsed)."""
    return dict(os.environ, GIT_TERMINAL_PROMPT="0", LC_ALL="C", **(extra or {}))


def run(
    args: Sequence[str],
    cwd: Path,
    *,
    check: bool = True,
    stdin: str | None = None,
    timeout: float | None = None,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run ``git args`` in ``cwd``; raise :class:`EnvironmentProblem` with git's own words."""
    try:
        proc = subprocess.run(
            [_git_binary(), *args],
            cwd=cwd,
            input=stdin,
            capture_output=True,
            text=True,
            env=_env(env),
            check=False,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return subprocess.CompletedProcess(list(args), 124, "", f"timed out after {timeout}s")
    if check and proc.returncode != 0:
        detail = (proc.stderr.strip() or proc.stdout.strip()).splitlines()
        last = detail[-1] if detail else f"exit code {proc.returncode}"
        raise EnvironmentProblem(f"git {args[0]} failed: {last}")
    return proc


def spawn(args: Sequence[str], cwd: Path, *, output: bool = True) -> subprocess.Popen[str]:
    """Start ``git args`` in the background; its output is captured as text
    (``communicate()`` for it), or discarded with ``output=False`` (``wait()``)."""
    return subprocess.Popen(
        [_git_binary(), *args],
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE if output else subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
        env=_env(),
    )


def safe_rev(value: str, *, what: str = "revision") -> str:
    """A revision or remote name from a user, refused if git could read it as an option."""
    if not value or value.startswith("-") or any(c in value for c in "\x00\n\r "):
        raise UsageError(f"{what} {value!r} is not valid (it must not start with '-')")
    return value


def resolve_commit(cwd: Path, value: str, *, what: str = "revision") -> str:
    """The commit a user-supplied revision names; :class:`UsageError` when git knows none."""
    rev = safe_rev(value, what=what)
    proc = run(
        ["rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}"],
        cwd,
        check=False,
    )
    if proc.returncode != 0:
        raise UsageError(f"unknown git revision {rev!r}")
    return proc.stdout.strip()


def is_repo(path: Path) -> bool:
    """Whether ``path`` is inside a git work tree."""
    proc = run(["rev-parse", "--is-inside-work-tree"], path, check=False)
    return proc.returncode == 0 and proc.stdout.strip() == "true"


def git_dir(path: Path) -> Path:
    """The git directory of the repo containing ``path`` (for clone-local state)."""
    proc = run(["rev-parse", "--absolute-git-dir"], path, check=False)
    if proc.returncode != 0:
        raise EnvironmentProblem(
            f"{path} is not inside a git repository", hint="run 'git init' or 'incidentctl init'"
        )
    return Path(proc.stdout.strip())


def find_git_dir(path: Path) -> Path | None:
    """The ``.git`` directory found by walking up, without starting git (for the fast path)."""
    for folder in (path, *path.parents):
        candidate = folder / ".git"
        if candidate.is_dir():
            return candidate
        if candidate.is_file():
            text = candidate.read_text(encoding="utf-8", errors="replace").strip()
            if text.startswith("gitdir:"):
                target = Path(text.split(":", 1)[1].strip())
                return target if target.is_absolute() else (folder / target).resolve()
    return None


def user_name(cwd: Path) -> str | None:
    """``git config user.name``, if set."""
    proc = run(["config", "user.name"], cwd, check=False)
    name = proc.stdout.strip()
    return name or None


_LOCK = re.compile(r"Unable to create '([^'\n]+\.lock)'|cannot lock ref[^\n]*?'([^'\n]+)'")


def lock_file(stderr: str, cwd: Path) -> Path | None:
    """The lock file git names when it refuses because one exists (index.lock, HEAD.lock,
    a ref's lock), or None."""
    match = _LOCK.search(stderr)
    if match is None:
        return None
    if match.group(1):
        return Path(match.group(1))
    return git_dir(cwd) / (match.group(2) + ".lock")


def _stale(lock: Path, wait: float) -> bool:
    """A lock older than the whole wait was left by a git that died: waiting cannot help."""
    try:
        return time.time() - lock.stat().st_mtime > max(wait, 1.0)
    except OSError:
        return False


def lock_problem(lock: Path) -> EnvironmentProblem:
    """The one line for a git lock file that stays: the exact file and the way out."""
    return EnvironmentProblem(
        f"git is locked: {lock} exists (a git command is running, or one was killed and "
        "left it behind)",
        hint=f"remove it if no git is running: rm '{lock}'; then run 'incidentctl sync' "
        "to commit what was saved",
    )


def is_lock_problem(exc: EnvironmentProblem) -> bool:
    """Whether ``exc`` is :func:`lock_problem`'s (the journal keeps such an entry)."""
    return exc.message.startswith("git is locked: ")


def _with_index_retry(
    args: Sequence[str], cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    wait = float(os.environ.get("INCIDENTCTL_INDEX_LOCK_WAIT", INDEX_LOCK_WAIT_S))
    deadline = time.monotonic() + wait
    delay = 0.05
    while True:
        proc = run(args, cwd, check=False, env=env)
        if proc.returncode == 0:
            return proc
        lock = lock_file(proc.stderr, cwd)
        if lock is not None and time.monotonic() < deadline and not _stale(lock, wait):
            time.sleep(delay)
            delay = min(delay * 2, 0.5)
            continue
        if lock is not None:
            raise lock_problem(lock)
        detail = (proc.stderr.strip() or proc.stdout.strip()).splitlines()
        raise EnvironmentProblem(
            f"git {args[0]} failed: {detail[-1] if detail else proc.returncode}"
        )


def stage(cwd: Path, paths: Sequence[str]) -> None:
    """``git add`` exactly these paths (relative to ``cwd``)."""
    _with_index_retry(["add", "--", *paths], cwd)


def update_index(cwd: Path, paths: Sequence[str]) -> None:
    """Record exactly these files in the index (new or changed), as ``git add`` would."""
    _with_index_retry(["update-index", "--add", "--", *paths], cwd)


def commit(cwd: Path, paths: Sequence[str], message: str) -> None:
    """Stage and commit exactly ``paths`` with ``message``; other staged changes stay staged.

    The commit is built with git's plumbing on top of HEAD (:mod:`incidentctl.git.gitcommit`),
    which costs the same in a repository of any size. When that cannot stand in for
    ``git commit`` (hooks, an unborn branch, HEAD moving meanwhile), the porcelain commits:
    the index as it is when nothing else is staged, otherwise the named paths.
    """
    from incidentctl.core.text import visible
    from incidentctl.git import gitcommit

    message = visible(message)  # git log shows a title's ESC as \x1b, never acts on it
    try:
        if gitcommit.commit_onto_head(cwd, paths, message):
            return
    except EnvironmentProblem as exc:
        if is_lock_problem(exc):
            raise  # the porcelain would wait on the same lock again
    except (ValueError, OSError):
        pass  # the porcelain below does it, or says in git's words why it cannot
    if not uncommitted(cwd, paths):
        return  # a concurrent ``git commit`` took the staged files along: they are recorded
    nothing_staged = run(["diff", "--cached", "--quiet"], cwd, check=False).returncode == 0
    stage(cwd, paths)
    args = ["commit", "--quiet", "--no-edit", "-m", message]
    _with_index_retry(args if nothing_staged else [*args, "--", *paths], cwd, env={COMMIT_ENV: "1"})


def unstage_new(cwd: Path, paths: Sequence[str]) -> None:
    """Forget newly added paths in the index (used to roll back a failed commit)."""
    run(["rm", "--cached", "--quiet", "--ignore-unmatch", "--", *paths], cwd, check=False)


class GitObject(NamedTuple):
    oid: str
    kind: str
    data: bytes


def cat_objects(cwd: Path, specs: Sequence[str]) -> list[GitObject | None]:
    """Many objects (ids or ``rev:path``) with one ``git cat-file --batch``; None for one
    that does not exist."""
    proc = subprocess.run(
        [_git_binary(), "cat-file", "--batch"],
        cwd=cwd,
        input="".join(spec + "\n" for spec in specs).encode(),
        capture_output=True,
        env=_env(),
        check=False,
    )
    if proc.returncode != 0:
        raise EnvironmentProblem(f"git cat-file failed: {proc.stderr.decode(errors='replace')}")
    out = proc.stdout
    found: list[GitObject | None] = []
    pos = 0
    for _ in specs:
        newline = out.index(b"\n", pos)
        header = out[pos:newline].split()
        pos = newline + 1
        if header[-1] in (b"missing", b"ambiguous"):  # "<spec> missing"; specs hold spaces
            found.append(None)
            continue
        size = int(header[2])
        found.append(GitObject(header[0].decode(), header[1].decode(), out[pos : pos + size]))
        pos += size + 1
    return found


def cat_blobs(cwd: Path, shas: Sequence[str]) -> list[bytes]:
    """The contents of many blobs; every one must exist."""
    blobs: list[bytes] = []
    for sha, found in zip(shas, cat_objects(cwd, shas), strict=True):
        if found is None:
            raise EnvironmentProblem(f"git cat-file: missing object {sha}")
        blobs.append(found.data)
    return blobs


NETWORK_TIMEOUT_S = 60.0


def push(cwd: Path, remote: str | None = None) -> subprocess.CompletedProcess[str]:
    """``git push`` to ``remote`` (default: the branch's upstream); never raises."""
    args = ["push", "--quiet"]
    if remote is not None:
        args += [safe_rev(remote, what="remote name")]
    return run(args, cwd, check=False, timeout=NETWORK_TIMEOUT_S)


def pull(cwd: Path, remote: str | None = None) -> subprocess.CompletedProcess[str]:
    """``git pull --no-rebase`` (event files never conflict, so a merge is always clean)."""
    args = ["pull", "--quiet", "--no-rebase", "--no-edit"]
    if remote is not None:
        args += [safe_rev(remote, what="remote name")]
    return run(args, cwd, check=False, timeout=NETWORK_TIMEOUT_S)


def uncommitted(cwd: Path, paths: Sequence[str]) -> list[str]:
    """Which of ``paths`` (files or folders, relative to ``cwd``) hold changes not yet
    committed: untracked, modified or staged. Paths come back relative to ``cwd``."""
    if not paths:
        return []
    found: set[str] = set()
    listed = run(
        ["ls-files", "-z", "--others", "--modified", "--exclude-standard", "--", *paths], cwd
    )
    staged = run(["diff", "--cached", "--name-only", "--relative", "-z", "--", *paths], cwd)
    for output in (listed.stdout, staged.stdout):
        found.update(item for item in output.split("\0") if item)
    return sorted(found)


class IndexEntry(NamedTuple):
    mode: str
    blob: str
    stage: str
    rel: str


def index_state(cwd: Path, folder: str) -> tuple[list[IndexEntry], set[str]] | None:
    """The index entries under ``folder`` and the paths there whose working copy or index
    differs from HEAD (see :func:`changes`). None when git cannot say."""
    listing = run(["ls-files", "-s", "-z", "--", folder], cwd, check=False)
    changed = changes(cwd)
    if listing.returncode or changed is None:
        return None
    entries = []
    for item in listing.stdout.split("\0"):
        if item:
            meta, rel = item.split("\t", 1)
            mode, blob, stage = meta.split()
            entries.append(IndexEntry(mode, blob, stage, rel))
    return entries, {rel for rel in changed if under(rel, folder)}


_memo: dict[Path, frozenset[str] | None] | None = None


@contextmanager
def one_status() -> Iterator[None]:
    """Within this block (a read-only command), :func:`changes` asks git once per repo."""
    global _memo
    if _memo is not None:  # already inside one
        yield
        return
    _memo = {}
    try:
        yield
    finally:
        _memo = None


_early: tuple[Path, subprocess.Popen[str]] | None = None
_cleanup_registered: list[bool] = []


def prefetch_changes(where: Path) -> None:
    """Start the ``git status`` that :func:`changes` will need, so it runs while the
    command is still importing its modules (read-only commands only)."""
    global _early
    found = find_git_dir(where.resolve()) if where.is_dir() else None
    if found is None or _early is not None:
        return
    if _early is None and not _cleanup_registered:
        _cleanup_registered.append(True)
        atexit.register(forget_prefetched)
    _early = (found, spawn(["status", "--porcelain", "-z", "--no-renames"], where))


def forget_prefetched() -> None:
    """Forget a prefetched status nobody used (at the end of a command). It is waited for,
    never killed: ``git status`` may hold ``index.lock`` while it refreshes the index."""
    global _early
    if _early is not None:
        _early[1].communicate()
        _early = None


def _status(cwd: Path) -> tuple[int, str]:
    """``git status`` of the repository holding ``cwd``: the prefetched one if it is for
    the same repository, else a new one."""
    global _early
    if _early is not None:
        git_dir, proc = _early
        if find_git_dir(cwd.resolve()) == git_dir:
            _early = None
            out, _ = proc.communicate()
            return proc.returncode, out
    proc_ = run(["status", "--porcelain", "-z", "--no-renames"], cwd, check=False)
    return proc_.returncode, proc_.stdout


def top_level(cwd: Path) -> tuple[Path, str]:
    """The work tree's top level and ``cwd``'s path in it (``""`` or ``records/``); for a
    folder git does not know, ``cwd`` itself."""
    proc = run(["rev-parse", "--show-toplevel", "--show-prefix"], cwd, check=False)
    lines = proc.stdout.split("\n")
    if proc.returncode != 0 or len(lines) < 2:
        return cwd, ""
    return Path(lines[0]), lines[1]


def changes(cwd: Path) -> frozenset[str] | None:
    """Paths under ``cwd`` (relative to it) that differ from HEAD: staged, modified,
    deleted, unmerged or untracked. A folder whose files are all untracked comes as
    ``folder/``, and ``""`` means all of ``cwd`` is untracked. None when git cannot say.

    One ``git status`` of the whole repository: with a path filter git cannot use its
    untracked cache, which in a repository of 130,000 files costs twice as much.
    """
    key = cwd.resolve()
    if _memo is not None and key in _memo:
        return _memo[key]
    prefix = run(["rev-parse", "--show-prefix"], cwd, check=False)
    code, status = _status(cwd)
    found: frozenset[str] | None = None
    if prefix.returncode == 0 and code == 0:
        start = prefix.stdout.strip("\n")
        paths = [item[3:] for item in status.split("\0") if len(item) > 3]
        found = frozenset(
            rel[len(start) :]
            for rel in paths
            if rel.startswith(start) or (rel.endswith("/") and start.startswith(rel))
        )
    if _memo is not None:
        _memo[key] = found
    return found


def under(rel: str, folder: str) -> bool:
    """Whether ``rel`` from :func:`changes` is, holds or contains something in ``folder``."""
    return (
        not rel
        or rel == folder
        or rel.startswith(folder + "/")
        or (rel.endswith("/") and (folder + "/").startswith(rel))
    )
