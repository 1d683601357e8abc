"""The plumbing commit gives exactly what ``git commit -- paths`` gives, or steps aside."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from incidentctl.git import gitcommit, gitrepo


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout.strip()


def make_repo(path: Path, files: dict[str, str]) -> Path:
    path.mkdir(parents=True)
    git(path, "init", "-q")
    for rel, text in files.items():
        (path / rel).parent.mkdir(parents=True, exist_ok=True)
        (path / rel).write_text(text, encoding="utf-8")
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", "base")
    return path


def write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")


BASE = {
    "incidents/abc123/incident.md": "---\nid: abc123\n---\n",
    "incidents/abc123/events/01a.md": "one\n",
    "incidents/abd999/incident.md": "two\n",
    "incidents/abc123.md": "a file beside a folder of a similar name\n",
    "incidents/abc123-x/keep.md": "sorts between\n",
    "README.md": "records\n",
}

names = st.text(alphabet='abc-._ é0\t\n"\\', min_size=1, max_size=6).filter(
    lambda n: n not in {".", ".."} and not n.startswith(".git")
)
paths = st.lists(names, min_size=1, max_size=3).map("/".join)


@settings(max_examples=40, deadline=None)
@given(changes=st.dictionaries(paths, st.text(max_size=20), min_size=1, max_size=4))
def test_same_tree_as_git_commit(
    tmp_path_factory: pytest.TempPathFactory, changes: dict[str, str]
) -> None:
    here = tmp_path_factory.mktemp("commit")
    changes = {f"incidents/{rel}": text for rel, text in changes.items()}
    # A file and a folder cannot share a path (git refuses that both ways).
    everything = [*BASE, *changes]
    assume(not any(a != b and b.startswith(f"{a}/") for a in everything for b in everything))
    ours = make_repo(here / "ours", BASE)
    theirs = make_repo(here / "theirs", BASE)
    for root in (ours, theirs):
        write(root, changes)
    committed = gitcommit.commit_onto_head(ours, sorted(changes), "incident(abc123): update  \n\n")
    assert committed or any(c in rel for rel in changes for c in '\n"\\')
    if not committed:  # names git would quote: the porcelain records them
        gitrepo.commit(ours, sorted(changes), "incident(abc123): update  \n\n")
    git(theirs, "add", "--", *changes)
    git(theirs, "commit", "-q", "-m", "incident(abc123): update  \n\n", "--", *changes)
    assert git(ours, "rev-parse", "HEAD^{tree}") == git(theirs, "rev-parse", "HEAD^{tree}")
    assert git(ours, "log", "-1", "--format=%B") == git(theirs, "log", "-1", "--format=%B")
    assert git(ours, "status", "--porcelain") == ""
    git(ours, "fsck", "--strict", "--no-dangling")


def test_other_staged_changes_stay_staged(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", BASE)
    write(repo, {"README.md": "edited and staged by hand\n"})
    git(repo, "add", "README.md")
    write(repo, {"incidents/abc123/events/01b.md": "two\n"})
    gitrepo.commit(repo, ["incidents/abc123/events/01b.md"], "incident(abc123): update")
    assert git(repo, "show", "--name-only", "--format=", "HEAD") == "incidents/abc123/events/01b.md"
    assert git(repo, "status", "--porcelain") == "M  README.md"
    assert git(repo, "reflog", "-1", "--format=%gs") == "commit: incident(abc123): update"


def test_from_a_subdirectory(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", {"ops/records/incidents/a/incident.md": "x\n", "app.py": ""})
    records = repo / "ops" / "records"
    write(records, {"incidents/a/events/1.md": "y\n"})
    gitrepo.commit(records, ["incidents/a/events/1.md"], "incident(a): update")
    assert (
        git(repo, "show", "--name-only", "--format=", "HEAD")
        == "ops/records/incidents/a/events/1.md"
    )
    assert git(repo, "status", "--porcelain") == ""


def test_commit_hooks_run_through_git_commit(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", BASE)
    hook = repo / ".git" / "hooks" / "pre-commit"
    hook.write_text('#!/bin/sh\necho ran > "$(git rev-parse --git-dir)/hook-ran"\n')
    hook.chmod(0o755)
    write(repo, {"incidents/abc123/events/01b.md": "two\n"})
    assert not gitcommit.commit_onto_head(repo, ["incidents/abc123/events/01b.md"], "m")
    gitrepo.commit(repo, ["incidents/abc123/events/01b.md"], "m")
    assert (repo / ".git" / "hook-ran").exists()
    assert git(repo, "status", "--porcelain") == ""


def test_first_commit_of_an_empty_repo(tmp_path: Path) -> None:
    repo = tmp_path / "r"
    repo.mkdir()
    git(repo, "init", "-q")
    write(repo, {"incidents/a/incident.md": "x\n"})
    assert not gitcommit.commit_onto_head(repo, ["incidents/a/incident.md"], "m")
    gitrepo.commit(repo, ["incidents/a/incident.md"], "m")
    assert git(repo, "ls-files") == "incidents/a/incident.md"


def test_executable_bit_and_unchanged_content(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", BASE)
    script = repo / "runbooks" / "fix.sh"
    write(repo, {"runbooks/fix.sh": "#!/bin/sh\n"})
    script.chmod(0o755)
    gitrepo.commit(repo, ["runbooks/fix.sh"], "runbook: add")
    assert git(repo, "ls-files", "-s", "runbooks/fix.sh").startswith("100755 ")
    head = git(repo, "rev-parse", "HEAD")
    assert gitcommit.commit_onto_head(repo, ["runbooks/fix.sh"], "again")
    assert git(repo, "rev-parse", "HEAD") == head  # nothing changed: no empty commit


def commit_while(repo: Path, monkeypatch: pytest.MonkeyPatch, someone: list[str]) -> None:
    """Commit one new event while someone runs ``git <someone>`` just before our
    ``commit-tree`` (after we read HEAD and staged our file)."""
    real_run = gitrepo.run

    def racing(args: list[str], cwd: Path, **kw: object) -> object:
        if args[0] == "commit-tree":
            git(repo, *someone)
        return real_run(args, cwd, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(gitcommit.gitrepo, "run", racing)
    write(repo, {"incidents/abc123/events/01b.md": "two\n"})
    gitrepo.commit(repo, ["incidents/abc123/events/01b.md"], "incident(abc123): update")
    monkeypatch.undo()


def test_head_moving_underneath_falls_back_to_git_commit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Someone commits between our read of HEAD and our ref update: nothing is lost."""
    repo = make_repo(tmp_path / "r", BASE)
    (repo / "README.md").write_text("edited elsewhere\n")
    commit_while(repo, monkeypatch, ["commit", "-q", "-m", "someone else", "--", "README.md"])
    assert git(repo, "log", "--format=%s", "-3").splitlines() == [
        "incident(abc123): update",
        "someone else",
        "base",
    ]
    assert git(repo, "status", "--porcelain") == ""
    assert git(repo, "show", "--name-only", "--format=", "HEAD") == "incidents/abc123/events/01b.md"


def test_a_concurrent_commit_that_took_our_files_along(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = make_repo(tmp_path / "r", BASE)
    # Their commit takes the whole index, our staged file included.
    commit_while(repo, monkeypatch, ["commit", "-q", "-m", "someone else"])
    assert git(repo, "show", "--name-only", "--format=%s", "HEAD").split() == [
        "someone",
        "else",
        "incidents/abc123/events/01b.md",
    ]
    assert git(repo, "status", "--porcelain") == ""


tree_names = st.binary(min_size=1, max_size=6).filter(lambda n: b"\0" not in n and b"/" not in n)
tree_entries = st.dictionaries(
    tree_names,
    st.tuples(
        st.sampled_from([b"100644", b"100755", b"40000"]), st.binary(min_size=20, max_size=20)
    ),
    max_size=30,
)


@settings(max_examples=300, deadline=None)
@given(entries=tree_entries, changes=tree_entries)
def test_editing_a_tree_in_place_equals_rebuilding_it(
    entries: dict[bytes, tuple[bytes, bytes]], changes: dict[bytes, tuple[bytes, bytes]]
) -> None:
    body = gitcommit.serialize_tree(entries)
    assert gitcommit.parse_tree(body, 20) == entries
    expected = gitcommit.serialize_tree({**entries, **changes})
    assert gitcommit.edit_tree(body, changes, 20) == expected
