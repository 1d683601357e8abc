"""Crashes, full disks, read-only folders, locked indexes and unreachable remotes."""

from __future__ import annotations

import errno
import json
import os
import random
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import Cli, git, is_clean, run_installed, tree_snapshot
from incidentctl.core.errors import ExitCode


def _records_valid(repo: Path) -> None:
    """Every record file parses and validates (lint's schema rules), temp files aside."""
    result = run_installed(
        repo,
        "lint",
        "--rule",
        "schema",
        "--rule",
        "integrity",
        "--disable",
        "schema/temp-file",
        "--format",
        "json",
    )
    assert result.code == 0, result.out


@pytest.mark.slow
def test_sigkill_at_random_points_never_corrupts_or_loses(tmp_path: Path) -> None:
    repo = tmp_path / "rec"
    assert run_installed(tmp_path, "init", str(repo)).code == 0
    incident = run_installed(repo, "declare", "Crashy", "-s", "sev3").out.strip()
    rng = random.Random(1234)
    started = time.perf_counter()
    probe = subprocess.run(
        [sys.executable, "-m", "incidentctl", "update", incident, "probe"],
        cwd=repo,
        capture_output=True,
    )
    assert probe.returncode == 0
    typical = time.perf_counter() - started
    killed = 0
    for n in range(150):
        proc = subprocess.Popen(
            [sys.executable, "-m", "incidentctl", "update", incident, f"kill {n}"],
            cwd=repo,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.3, 1.1) * typical)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            killed += 1
        proc.wait()
        if n % 25 == 0:
            _records_valid(repo)
    assert killed > 50
    # The next command finishes or rolls back whatever was interrupted.
    assert run_installed(repo, "sync").code == 0
    assert is_clean(repo), git(repo, "status", "--porcelain")
    _records_valid(repo)
    shown = json.loads(run_installed(repo, "show", incident, "--json").out)
    messages = [e["message"] for e in shown["timeline"] if e["type"] == "update"]
    assert len(messages) == len(set(messages))  # nothing duplicated
    committed = git(repo, "log", "--format=%s").count(f"incident({incident}): update")
    assert committed == len(messages)  # every saved update is committed
    fsck = subprocess.run(["git", "fsck"], cwd=repo, capture_output=True, text=True)
    assert fsck.returncode == 0


def test_write_killed_after_saving_is_committed_by_next_command(cli: Cli, repo: Path) -> None:
    """Simulate a crash between writing and committing: the journal finishes the job."""
    from incidentctl.git import gitrepo

    incident = cli.ok("declare", "Half done", "-s", "sev3").out.strip()
    original = gitrepo.commit

    def crash(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt  # dies after the files were written

    gitrepo.commit = crash  # type: ignore[assignment]
    try:
        assert cli("update", incident, "saved before the crash").code == ExitCode.INTERRUPTED
    finally:
        gitrepo.commit = original  # type: ignore[assignment]
    assert not is_clean(repo)
    cli.ok("update", incident, "next command")
    assert is_clean(repo)
    log = git(repo, "log", "--format=%s", "-3").splitlines()
    assert log[:2] == [f"incident({incident}): update", f"incident({incident}): update"]
    messages = [e["message"] for e in cli.ok("show", incident, "--json").json()["timeline"]]
    assert messages.count("saved before the crash") == 1


def test_stale_index_lock_is_never_deleted(
    cli: Cli, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INCIDENTCTL_INDEX_LOCK_WAIT", "0.3")
    incident = cli.ok("declare", "Locked", "-s", "sev3").out.strip()
    lock = repo / ".git" / "index.lock"
    lock.write_text("")
    result = cli("update", incident, "during a stale lock")
    assert result.code == ExitCode.ENVIRONMENT
    assert "index.lock" in result.err and "remove" in result.err
    assert "Traceback" not in result.err
    assert lock.exists()  # never removed for the user
    lock.unlink()
    sync = cli.ok("sync")
    assert "committed what an interrupted command saved" in sync.err
    assert is_clean(repo)
    timeline = cli.ok("show", incident, "--json").json()["timeline"]
    assert [e["message"] for e in timeline].count("during a stale lock") == 1


def test_file_size_limit_is_a_clear_error_and_changes_nothing(tmp_path: Path) -> None:
    repo = tmp_path / "rec"
    assert run_installed(tmp_path, "init", str(repo)).code == 0
    incident = run_installed(repo, "declare", "Disk", "-s", "sev3").out.strip()
    before = tree_snapshot(repo)

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (150, 150))

    proc = subprocess.run(
        [sys.executable, "-m", "incidentctl", "update", incident, "x" * 400],
        cwd=repo,
        capture_output=True,
        text=True,
        preexec_fn=limit,
    )
    assert proc.returncode == ExitCode.ENVIRONMENT, proc.stderr
    assert proc.stderr.startswith("error: cannot write ") and "nothing was changed" in proc.stderr
    assert tree_snapshot(repo) == before
    assert not list(repo.rglob("*.tmp"))


@pytest.mark.parametrize(
    ("code", "words"), [(errno.ENOSPC, "disk is full"), (errno.EROFS, "read-only file system")]
)
def test_disk_full_or_read_only_during_write(
    cli: Cli, repo: Path, monkeypatch: pytest.MonkeyPatch, code: int, words: str
) -> None:
    incident = cli.ok("declare", "Disk", "-s", "sev3").out.strip()
    before = tree_snapshot(repo)
    real_write = os.write

    def failing(fd: int, data: bytes) -> int:
        if len(data) > 0 and b"type: update" in bytes(data):
            raise OSError(code, os.strerror(code))
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", failing)
    result = cli("update", incident, "will not fit")
    monkeypatch.setattr(os, "write", real_write)
    assert result.code == ExitCode.ENVIRONMENT and words in result.err
    assert tree_snapshot(repo) == before
    assert not list(repo.rglob("*.tmp"))
    cli.ok("update", incident, "fits now")
    assert is_clean(repo)


def test_push_to_unreachable_remote_keeps_the_commit(cli: Cli, repo: Path, tmp_path: Path) -> None:
    origin = tmp_path / "origin.git"
    subprocess.run(["git", "init", "--quiet", "--bare", "-b", "main", str(origin)], check=True)
    git(repo, "remote", "add", "origin", str(origin))
    git(repo, "push", "--quiet", "-u", "origin", "main")
    moved = tmp_path / "moved.git"
    origin.rename(moved)
    result = cli("declare", "Offline", "-s", "sev2", "--push")
    assert result.code == ExitCode.NOT_PUSHED
    incident = result.out.strip()
    assert "committed locally, but not pushed" in result.err
    assert "incidentctl sync --push" in result.err
    assert git(repo, "log", "-1", "--format=%s").startswith(f"incident({incident}): declare")
    moved.rename(origin)
    cli.ok("sync", "--push")
    assert git(origin, "log", "-1", "--format=%s").startswith(f"incident({incident})")
    bad = cli("sync", "--push", "--remote", "--upload-pack=touch canary")
    assert bad.code == ExitCode.USAGE
    assert not (repo / "canary").exists()
