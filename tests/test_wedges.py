"""No crash, full disk, stale lock, refused commit or odd file wedges the records.

Real subprocesses are killed with SIGKILL at named steps (``INCIDENTCTL_TEST_CRASH_AT``,
test-only, see incidentctl/core/crashpoint.py); afterwards every reader must accept the
tree, lint must name what is left, and ``sync`` must finish or clean it.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from conftest import Cli, git, is_clean, run_installed
from incidentctl.core.crashpoint import ENV, STEPS
from incidentctl.core.errors import ExitCode


def _lint_rules(repo: Path) -> list[tuple[str, str]]:
    result = run_installed(
        repo, "lint", "--rule", "integrity", "--rule", "schema", "--format", "json"
    )
    return [(f["rule"], f["path"]) for f in json.loads(result.out)["findings"]]


def _readers_accept(repo: Path) -> None:
    for args in (("list",), ("report",), ("board",), ("list", "--json")):
        result = run_installed(repo, *args)
        assert result.code == 0, (args, result.err)
        assert "Traceback" not in result.err


def _init(tmp_path: Path) -> Path:
    repo = tmp_path / "rec"
    assert run_installed(tmp_path, "init", str(repo)).code == 0
    return repo


@pytest.mark.parametrize("step", STEPS)
def test_declare_killed_at_any_step_leaves_a_readable_tree(tmp_path: Path, step: str) -> None:
    repo = _init(tmp_path)
    kept = run_installed(repo, "declare", "Before", "-s", "sev3").out.strip()
    killed = run_installed(repo, "declare", "Killed", "-s", "sev2", env={ENV: step})
    assert killed.code == -signal.SIGKILL, (step, killed.err)
    _readers_accept(repo)
    assert run_installed(repo, "show", kept).code == 0
    # Whatever is left is either a whole incident or named by lint; nothing else.
    for rule, _ in _lint_rules(repo):
        assert rule == "integrity/missing-incident", (step, rule)
    synced = run_installed(repo, "sync")
    assert synced.code == 0, synced.err
    assert is_clean(repo), git(repo, "status", "--porcelain")
    assert _lint_rules(repo) == []
    assert not list((repo / ".git").glob("trees-*"))
    folders = sorted(p.name for p in (repo / "incidents").iterdir() if p.is_dir())
    assert kept in folders and len(folders) in (1, 2)
    for folder in folders:
        assert (repo / "incidents" / folder / "incident.md").is_file()
    titles = [i["title"] for i in json.loads(run_installed(repo, "list", "--json").out)]
    assert "Before" in titles
    # A declare that got as far as saving its files is committed, never lost.
    if step in ("files-written", "trees-written", "committed"):
        assert "Killed" in titles


def test_full_disk_during_declare_leaves_no_folder(
    cli: Cli, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_write = os.write
    calls = {"n": 0}

    def failing(fd: int, data: bytes) -> int:
        if b"type: declared" in bytes(data):
            calls["n"] += 1
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", failing)
    result = cli("declare", "No room", "-s", "sev3")
    monkeypatch.setattr(os, "write", real_write)
    assert calls["n"] == 1
    assert result.code == ExitCode.ENVIRONMENT and "disk is full" in result.err
    assert len(result.err.strip().splitlines()) <= 2 and "Traceback" not in result.err
    assert not [p for p in (repo / "incidents").iterdir() if p.is_dir()]
    assert cli("list").code == 0 and cli("report").code == 0
    cli.ok("declare", "Room again", "-s", "sev3")
    assert is_clean(repo)


def test_a_stale_git_lock_fails_at_once_naming_the_file(cli: Cli, repo: Path) -> None:
    incident = cli.ok("declare", "Locked", "-s", "sev3").out.strip()
    lock = repo / ".git" / "index.lock"
    lock.write_text("")
    old = time.time() - 3600
    os.utime(lock, (old, old))  # what a git killed by the file-size limit leaves
    started = time.monotonic()
    result = cli("update", incident, "during a stale lock")
    assert time.monotonic() - started < 5  # not the 10 s wait, three times over
    assert result.code == ExitCode.ENVIRONMENT
    assert str(lock) in result.err and "remove it if no git is running" in result.err
    assert lock.exists()  # never removed for the user
    again = cli("update", incident, "still locked")  # the next one says the same, at once
    assert again.code == ExitCode.ENVIRONMENT and str(lock) in again.err
    lock.unlink()
    cli.ok("sync")
    assert is_clean(repo)
    messages = [e["message"] for e in cli.ok("show", incident, "--json").json()["timeline"]]
    assert "during a stale lock" in messages


def test_an_entry_a_hook_rejects_is_quarantined_and_blocks_nothing(cli: Cli, repo: Path) -> None:
    incident = cli.ok("declare", "Hooked", "-s", "sev3").out.strip()
    hook = repo / ".git" / "hooks" / "pre-commit"
    hook.write_text(
        "#!/bin/sh\nif git diff --cached | grep -q FORBIDDEN; then echo 'policy: no FORBIDDEN' >&2;"
        " exit 1; fi\n"
    )
    hook.chmod(0o755)
    refused = cli("update", incident, "FORBIDDEN words")
    assert refused.code == ExitCode.ENVIRONMENT
    assert "refused" in refused.err and "quarantine" in refused.err
    aside = list((repo / ".git" / "incidentctl" / "quarantine").glob("*.json"))
    assert len(aside) == 1 and "policy: no FORBIDDEN" in json.loads(aside[0].read_text())["refused"]
    # Later writes are not blocked by the refused entry.
    for n in range(3):
        cli.ok("update", incident, f"fine {n}")
    log = git(repo, "log", "--format=%s", "-3").splitlines()
    assert log == [f"incident({incident}): update"] * 3
    assert cli.ok("sync").code == 0


def test_an_old_journal_entry_a_hook_rejects_is_quarantined_by_the_next_command(
    cli: Cli, repo: Path, tmp_path: Path
) -> None:
    """A journal entry from a crash that git then refuses is set aside with a note."""
    incident = cli.ok("declare", "Crash then hook", "-s", "sev3").out.strip()
    crashed = run_installed(repo, "update", incident, "FORBIDDEN later", env={ENV: "files-written"})
    assert crashed.code == -signal.SIGKILL
    hook = repo / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\ngit diff --cached | grep -q FORBIDDEN && exit 1\nexit 0\n")
    hook.chmod(0o755)
    result = cli("update", incident, "after the crash")
    assert result.code == 0, result.err
    assert "set aside" in result.err
    assert git(repo, "log", "--format=%s", "-1").strip() == f"incident({incident}): update"


def _two_folders(tmp_path: Path) -> tuple[Path, Path, Path]:
    top = tmp_path / "mono"
    top.mkdir()
    git(top, "init", "-q")
    (top / "README").write_text("mono\n")
    git(top, "add", "README")
    git(top, "commit", "-qm", "start")
    for team in ("team-a", "team-b"):
        assert run_installed(top, "init", str(top / team)).code == 0
    return top, top / "team-a", top / "team-b"


def test_two_records_folders_never_take_each_others_entries(tmp_path: Path) -> None:
    top, a, b = _two_folders(tmp_path)
    ia = run_installed(a, "declare", "A", "-s", "sev3").out.strip()
    ib = run_installed(b, "declare", "B", "-s", "sev3").out.strip()
    crashed = run_installed(a, "update", ia, "saved in a", env={ENV: "files-written"})
    assert crashed.code == -signal.SIGKILL
    # team-b's writes and sync run their own recovery only.
    assert run_installed(b, "update", ib, "b writes").code == 0
    assert run_installed(b, "sync").code == 0
    pending = git(top, "status", "--porcelain", "--untracked-files=all")
    assert f"team-a/incidents/{ia}/events/" in pending  # not taken, not lost
    synced = run_installed(a, "sync")
    assert synced.code == 0 and "committed what an interrupted command saved" in synced.err
    assert is_clean(top), git(top, "status", "--porcelain")
    shown = json.loads(run_installed(a, "show", ia, "--json").out)
    assert "saved in a" in [e["message"] for e in shown["timeline"]]
    shown_b = json.loads(run_installed(b, "show", ib, "--json").out)
    assert "saved in a" not in json.dumps(shown_b)


def test_trees_folders_of_a_killed_commit_are_removed(tmp_path: Path) -> None:
    repo = _init(tmp_path)
    incident = run_installed(repo, "declare", "Trees", "-s", "sev3").out.strip()
    crashed = run_installed(repo, "update", incident, "mid-commit", env={ENV: "trees-written"})
    assert crashed.code == -signal.SIGKILL
    assert list((repo / ".git").glob("trees-*"))
    assert run_installed(repo, "update", incident, "next").code == 0
    assert not list((repo / ".git").glob("trees-*"))
    assert is_clean(repo)


def test_sync_pull_names_the_conflicting_files(cli: Cli, repo: Path, tmp_path: Path) -> None:
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    git(repo, "remote", "add", "origin", str(remote))
    git(repo, "push", "-q", "-u", "origin", "main")
    other = tmp_path / "other"
    git(tmp_path, "clone", "-q", str(remote), str(other))
    for where, text in ((other, "theirs\n"), (repo, "ours\n")):
        (where / "runbooks").mkdir(exist_ok=True)
        (where / "runbooks" / "notes.md").write_text(text)
        git(where, "add", "runbooks/notes.md")
        git(where, "commit", "-qm", "notes")
    git(other, "push", "-q", "origin", "main")
    result = cli("sync", "--pull")
    assert result.code == ExitCode.ENVIRONMENT
    assert "conflict" in result.err and "runbooks/notes.md" in result.err
    assert "no details" not in result.err


def test_readers_and_lint_agree_on_odd_files(cli: Cli, repo: Path, tmp_path: Path) -> None:
    a = cli.ok("declare", "Alpha", "-s", "sev3").out.strip()
    b = cli.ok("declare", "Beta", "-s", "sev3").out.strip()
    events = repo / "incidents" / a / "events"
    target = tmp_path / "outside.md"
    target.write_text("not a record\n")
    (events / "01jdzzzzzzzzzzzzzzzzzzzzzz.md").symlink_to(target)
    (events / "01jdzzzzzzzzzzzzzzzzzzzzzy.md").mkdir()
    (repo / "incidents" / "abc123").mkdir()
    (repo / "incidents" / "abc124" / "events").mkdir(parents=True)
    (repo / "incidents" / "abc124" / "incident.md").write_text("")
    listed = cli("list", "--json")
    assert listed.code == 0, listed.err
    assert sorted(i["id"] for i in listed.json()) == sorted([a, b])
    assert cli("report").code == 0 and cli("board").code == 0
    assert len(cli.ok("show", a, "--json").json()["timeline"]) == 1
    for skipped in ("abc123", "abc124"):
        shown = cli("show", skipped)
        assert shown.code == ExitCode.NOT_FOUND and "incident.md is missing or empty" in shown.err
    found = json.loads(cli("lint", "--format", "json").out)["findings"]
    rules = {(f["rule"], f["path"]) for f in found if f["rule"].startswith("integrity/")}
    assert ("integrity/symlink", f"incidents/{a}/events/01jdzzzzzzzzzzzzzzzzzzzzzz.md") in rules
    assert (
        "integrity/orphan-file",
        f"incidents/{a}/events/01jdzzzzzzzzzzzzzzzzzzzzzy.md/",
    ) in rules
    for skipped in ("abc123", "abc124"):
        hits = [
            r
            for r in rules
            if r == ("integrity/missing-incident", f"incidents/{skipped}/incident.md")
        ]
        assert len(hits) == 1, rules
    # sync removes what an interrupted declare left empty; a folder with a file stays named
    cli.ok("sync")


def test_changed_since_finds_an_event_copied_under_another_incident(cli: Cli, repo: Path) -> None:
    a = cli.ok("declare", "Alpha", "-s", "sev3").out.strip()
    b = cli.ok("declare", "Beta", "-s", "sev3").out.strip()
    base = git(repo, "rev-parse", "HEAD").strip()
    source = next((repo / "incidents" / a / "events").glob("*.md"))
    text = source.read_text().replace(f"incident: {a}", f"incident: {b}")
    (repo / "incidents" / b / "events" / source.name).write_text(text)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "copy")
    found = json.loads(cli("lint", "--changed-since", base, "--format", "json").out)["findings"]
    dupes = {f["path"] for f in found if f["rule"] == "integrity/duplicate-id"}
    assert f"incidents/{b}/events/{source.name}" in dupes
    assert f"incidents/{a}/events/{source.name}" in dupes


@pytest.mark.parametrize("shape", ["a-b-a", "a-a"])
def test_duplicate_cycles_are_found_and_never_exclude_both(
    cli: Cli, repo: Path, shape: str
) -> None:
    a = cli.ok("declare", "Alpha", "-s", "sev3", now="2026-11-20T10:00:00Z").out.strip()
    b = cli.ok("declare", "Beta", "-s", "sev3", now="2026-11-20T10:05:00Z").out.strip()
    links = {a: b, b: a} if shape == "a-b-a" else {a: a}
    for incident, original in links.items():
        path = repo / "incidents" / incident / "incident.md"
        text = path.read_text()
        path.write_text(text.replace("\n---\n", f"\nduplicate_of: {original}\n---\n", 1))
    git(repo, "commit", "-qam", "hand edit")
    found = json.loads(cli("lint", "--format", "json").out)["findings"]
    cycle = {f["path"] for f in found if f["rule"] == "integrity/duplicate-cycle"}
    assert cycle == {f"incidents/{i}/incident.md" for i in links}
    listed = {i["id"]: i for i in cli.ok("list", "--json").json()}
    assert listed[a].get("duplicate_of") is None  # the earliest counts as the original
    assert cli("report").code == 0
    assert subprocess.run(["git", "fsck"], cwd=repo, capture_output=True).returncode == 0
