"""Commit a few files on top of HEAD with git's plumbing (see docs/decisions/0008).

``git commit`` refreshes the whole index (an ``lstat`` of every tracked file) and, when
paths are named, builds a temporary index of the whole tree: in a records repo of 130,000
files that is most of a lifecycle command's time. A lifecycle command changes one or two
files, so this module builds the commit directly: the blobs, the trees on the paths from
those files to the root (every other tree is reused by id), ``commit-tree``, and an
``update-ref`` that only succeeds if HEAD has not moved. The paths are staged in the index
first, so the working tree, the index and HEAD agree afterwards, exactly as after
``git commit -- paths``; anything else the user staged stays staged.

Whenever this path cannot give the same result as ``git commit`` — an unborn branch,
commit hooks to run, a path that is not a regular file, HEAD moving underneath — it
returns False and the caller commits with the porcelain.
"""

from __future__ import annotations

import bisect
import hashlib
import os
import re
import shutil
import stat
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from incidentctl.core import crashpoint
from incidentctl.git import gitrepo

COMMIT_HOOKS = ("pre-commit", "prepare-commit-msg", "commit-msg", "post-commit")
TREE_MODE = b"40000"

Entries = dict[bytes, tuple[bytes, bytes]]  # name -> (mode, raw object id)


def clean_message(message: str) -> str:
    """What ``git commit -m`` stores: trailing spaces and repeated blank lines removed."""
    lines: list[str] = []
    for line in message.splitlines():
        line = line.rstrip()
        if line or (lines and lines[-1]):
            lines.append(line)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines) + "\n"


def _has_hooks(hooks: Path) -> bool:
    return any(os.access(hooks / name, os.X_OK) for name in COMMIT_HOOKS)


def _file_mode(path: Path) -> bytes | None:
    try:
        info = path.lstat()
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode):
        return None
    return b"100755" if info.st_mode & stat.S_IXUSR else b"100644"


def parse_tree(body: bytes, size: int) -> Entries:
    """A tree object's entries (``size`` is the length of an object id in bytes)."""
    entries: Entries = {}
    at = 0
    while at < len(body):
        space = body.index(b" ", at)
        nul = body.index(b"\0", space)
        entries[body[space + 1 : nul]] = (body[at:space], body[nul + 1 : nul + 1 + size])
        at = nul + 1 + size
    return entries


def serialize_tree(entries: Entries) -> bytes:
    """A tree object's body in git's order (a folder sorts as if its name ended in '/')."""

    def key(name: bytes) -> bytes:
        return name + b"/" if entries[name][0] == TREE_MODE else name

    return b"".join(
        entries[name][0] + b" " + name + b"\0" + entries[name][1]
        for name in sorted(entries, key=key)
    )


_ENTRY = {size: re.compile(rb"([0-7]{5,6}) ([^\0]+)\0.{%d}" % size, re.DOTALL) for size in (20, 32)}


def _key(mode: bytes, name: bytes) -> bytes:
    return name + b"/" if mode == TREE_MODE else name


def edit_tree(body: bytes, changes: Entries, size: int) -> bytes:
    """``body`` with ``changes`` put in, each at its place in git's order.

    Equal to ``serialize_tree({**parse_tree(body), **changes})`` without rebuilding a
    tree of 10,000 entries: the entries are listed by one regular expression (they are
    contiguous, so each match starts where the last one ended) and edited in place.
    """
    found = _ENTRY[size].findall(body)
    lengths = [len(mode) + len(name) + 2 + size for mode, name in found]
    if sum(lengths) != len(body):
        raise ValueError("unreadable tree object")
    keys = [_key(mode, name) for mode, name in found]
    edits: list[tuple[int, int, bytes, bytes]] = []
    for name, (mode, object_id) in changes.items():
        key = _key(mode, name)
        at = bisect.bisect_left(keys, key)
        if at == len(keys) or keys[at] != key:
            other = _key(TREE_MODE if mode != TREE_MODE else b"100644", name)
            if other in keys:  # a file becomes a folder or the reverse: rebuild
                return serialize_tree({**parse_tree(body, size), **changes})
        start = sum(lengths[:at])
        end = start + lengths[at] if at < len(keys) and keys[at] == key else start
        edits.append((start, end, key, mode + b" " + name + b"\0" + object_id))
    for start, end, _, entry in sorted(edits, reverse=True):
        body = body[:start] + entry + body[end:]
    return body


def _read_trees(cwd: Path, head: str, folders: Sequence[str]) -> tuple[dict[str, bytes], str]:
    """The tree objects of HEAD at each folder ('' is the root; an absent folder is an
    empty tree) and the id of HEAD's root tree."""
    specs = [f"{head}^{{tree}}" if not folder else f"{head}:{folder}" for folder in folders]
    trees: dict[str, bytes] = {}
    root = ""
    for folder, found in zip(folders, gitrepo.cat_objects(cwd, specs), strict=True):
        if found is not None and found.kind != "tree":
            raise ValueError(f"{folder} is not a folder in HEAD")
        trees[folder] = found.data if found is not None else b""
        if not folder and found is not None:
            root = found.oid
    return trees, root


def commit_onto_head(cwd: Path, paths: Sequence[str], message: str) -> bool:
    """Stage and commit ``paths`` (relative to ``cwd``) on top of HEAD.

    True when committed; False when the caller must use ``git commit`` instead (nothing is
    lost either way: the paths are staged, which the porcelain commit then records).
    """
    if not paths:
        return False
    # Staging reads and writes the whole index: start it first, it overlaps everything else.
    staging = gitrepo.spawn(["update-index", "--add", "--", *paths], cwd, output=False)
    try:
        found = _commit_trees(cwd, paths)
    finally:
        staged = staging.wait() == 0
    if found is None:
        return False
    if not staged:
        gitrepo.update_index(cwd, paths)  # waits out a concurrent git holding index.lock
    head, parent_tree, root = found
    if parent_tree == root:
        return True  # nothing to record: the files already hold what HEAD holds
    args = ["commit-tree", root, "-p", head, "-F", "-"]
    sign = gitrepo.run(["config", "--type=bool", "commit.gpgsign"], cwd, check=False)
    if sign.stdout.strip() == "true":
        args.insert(1, "-S")
    text = clean_message(message)
    new = gitrepo.run(args, cwd, stdin=text).stdout.strip()
    subject = text.split("\n", 1)[0]
    moved = gitrepo.run(
        ["update-ref", "-m", f"commit: {subject}", "HEAD", new, head], cwd, check=False
    )
    if moved.returncode != 0:
        return False
    # As after ``git commit``: pack loose objects once there are many (git detaches it).
    gitrepo.run(["maintenance", "run", "--auto", "--quiet"], cwd, check=False)
    return True


def _commit_trees(cwd: Path, paths: Sequence[str]) -> tuple[str, str, str] | None:
    """Write the trees of HEAD with ``paths`` as they are on disk: (HEAD, HEAD's tree, the
    new tree), or None when only ``git commit`` can do it right."""
    where = gitrepo.run(
        [
            "rev-parse",
            "--absolute-git-dir",
            "--show-prefix",
            "--git-path",
            "hooks",
            "--verify",
            "HEAD",
        ],
        cwd,
        check=False,
    )
    lines = where.stdout.split("\n")
    if where.returncode != 0 or len(lines) < 4:
        return None
    git_dir, prefix, hooks, head = Path(lines[0]), lines[1], cwd / lines[2], lines[3]
    if _has_hooks(hooks):
        return None
    modes = {rel: _file_mode(cwd / rel) for rel in paths}
    if any(mode is None for mode in modes.values()):
        return None
    if any(c in rel for rel in paths for c in '\n"\\'):
        return None  # names git quotes on its line-based inputs
    blobs = gitrepo.run(
        ["hash-object", "-w", "--stdin-paths"], cwd, stdin="".join(p + "\n" for p in paths)
    ).stdout.split()
    size = len(head) // 2
    algorithm = "sha1" if size == 20 else "sha256"
    changed: dict[str, Entries] = {}  # folder -> new entries for the files in it
    folders: set[str] = {""}
    for rel, blob in zip(paths, blobs, strict=True):
        full = (prefix + rel).strip("/").split("/")
        for depth in range(1, len(full)):
            folders.add("/".join(full[:depth]))
        folder = "/".join(full[:-1])
        mode = modes[rel]
        assert mode is not None
        changed.setdefault(folder, {})[full[-1].encode()] = (mode, bytes.fromhex(blob))
    ordered = sorted(folders, key=lambda f: -(f.count("/") + 1 if f else 0))
    trees, parent_tree = _read_trees(cwd, head, ordered)
    bodies: list[bytes] = []
    ids: list[str] = []
    for folder in ordered:  # deepest first: a folder's new id goes into its parent
        body = edit_tree(trees[folder], changed.get(folder, {}), size)
        object_id = hashlib.new(algorithm, b"tree %d\0" % len(body) + body).digest()
        bodies.append(body)
        ids.append(object_id.hex())
        if folder:
            parent, _, name = folder.rpartition("/")
            changed.setdefault(parent, {})[name.encode()] = (TREE_MODE, object_id)
    _write_trees(cwd, git_dir, bodies, ids)
    return head, parent_tree, ids[-1]


SCRATCH = re.compile(r"trees-(?:(\d+)-)?[A-Za-z0-9_]+")
LEGACY_SCRATCH_AGE_S = 3600.0


def remove_stale_scratch(git_dir: Path) -> list[str]:
    """Remove ``trees-*`` folders that a killed commit left in the git dir: those of a
    process that no longer runs (the pid is in the name), or, from older versions without
    one, an hour old. Returns their names."""
    removed: list[str] = []
    try:
        entries = list(os.scandir(git_dir))
    except OSError:
        return removed
    for entry in entries:
        match = SCRATCH.fullmatch(entry.name)
        if match is None or not entry.is_dir(follow_symlinks=False):
            continue
        if match.group(1) is not None:
            if _alive(int(match.group(1))):
                continue
        else:
            try:
                if time.time() - entry.stat().st_mtime < LEGACY_SCRATCH_AGE_S:
                    continue
            except OSError:
                continue
        shutil.rmtree(entry.path, ignore_errors=True)
        removed.append(entry.name)
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by someone else
    return True


def _write_trees(cwd: Path, git_dir: Path, bodies: list[bytes], expected: list[str]) -> None:
    """Write tree objects with one ``hash-object``; check git computed the same ids."""
    remove_stale_scratch(git_dir)
    scratch = Path(tempfile.mkdtemp(prefix=f"trees-{os.getpid()}-", dir=git_dir))
    try:
        names = []
        for number, body in enumerate(bodies):
            name = scratch / str(number)
            name.write_bytes(body)
            names.append(str(name))
        crashpoint.reached("trees-written")
        written = gitrepo.run(
            ["hash-object", "-w", "-t", "tree", "--no-filters", "--stdin-paths"],
            cwd,
            stdin="".join(n + "\n" for n in names),
        ).stdout.split()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    if written != expected:
        raise ValueError("git computed different tree ids than expected")
