"""Hostile values from the command line and in files: refused before they can do harm."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from conftest import Cli, commit_count, git, tree_snapshot
from incidentctl.core.errors import ExitCode

HOSTILE_IDS = [
    "../../x",
    "/etc/passwd",
    "%2e%2e%2f",
    "a\x00b",
    "k" * 300,
    "CON",
    "nul",
    "abc12.",
    "abc12 ",
    "\u0430bc123",
    "ab\\c",
    "-rf",
    "--help-me",
    "~root",
    "",
]


@pytest.mark.parametrize("ref", HOSTILE_IDS)
def test_hostile_ids_are_refused_before_touching_files(cli: Cli, repo: Path, ref: str) -> None:
    before, commits = tree_snapshot(repo), commit_count(repo)
    for command in (["show", ref], ["update", ref, "x"], ["resolve", ref]):
        result = cli(*command)
        assert result.code in (ExitCode.USAGE, ExitCode.NOT_FOUND), (command, result.err)
        assert result.err.startswith("error: ") and "Traceback" not in result.err
    assert tree_snapshot(repo) == before and commit_count(repo) == commits


@pytest.mark.parametrize(
    "name",
    ["../etc", "/abs", "a" * 300, "CON.", "bad name", "x\x00y", "\u0441heckout", ".hidden", "-opt"],
)
def test_hostile_service_and_category_names(cli: Cli, repo: Path, name: str) -> None:
    incident = cli.ok("declare", "t", "-s", "sev3").out.strip()
    before = tree_snapshot(repo)
    for args in (
        ["declare", "t", "-s", "sev3", "--service", name],
        ["declare", "t", "-s", "sev3", "--category", name],
        ["set", incident, "--service", name],
        ["resolve", incident, "--root-cause-class", name],
    ):
        result = cli(*args)
        assert result.code == ExitCode.USAGE, (args, result.err)
    assert tree_snapshot(repo) == before


def test_symlinks_are_not_followed(cli: Cli, repo: Path, tmp_path: Path) -> None:
    incident = cli.ok("declare", "Linked", "-s", "sev3").out.strip()
    outside = tmp_path / "outside"
    outside.mkdir()
    events = repo / "incidents" / incident / "events"
    for f in events.iterdir():
        f.rename(outside / f.name)
    events.rmdir()
    events.symlink_to(outside)
    before = sorted(p.name for p in outside.iterdir())
    result = cli("update", incident, "through the link?")
    assert result.code == ExitCode.ENVIRONMENT and "symbolic link" in result.err
    assert sorted(p.name for p in outside.iterdir()) == before
    # A symlinked incident folder is neither listed nor read.
    (repo / "incidents" / "zzzzzz").symlink_to(repo / "incidents" / incident)
    listed = cli("list", "--json").json()
    assert [x["id"] for x in listed] == []
    shown = cli("show", "zzzzzz")
    assert shown.code in (ExitCode.ENVIRONMENT, ExitCode.NOT_FOUND)


def test_oversized_file_is_rejected_quickly(cli: Cli, repo: Path) -> None:
    incident = cli.ok("declare", "Big", "-s", "sev3").out.strip()
    path = repo / "incidents" / incident / "incident.md"
    path.write_bytes(path.read_bytes() + b"x" * (3 * 1024 * 1024))
    start = time.perf_counter()
    result = cli("show", incident)
    assert result.code == ExitCode.INVALID_RECORD and "larger than" in result.err
    assert time.perf_counter() - start < 2


@pytest.mark.parametrize(
    "rev", ["--upload-pack=touch canary", "-oProxyCommand=touch canary", "--output=canary"]
)
def test_revisions_cannot_be_git_options(cli: Cli, repo: Path, rev: str) -> None:
    for args in (["lint", f"--changed-since={rev}"], ["report", f"--as-of={rev}"]):
        result = cli(*args)
        assert result.code == ExitCode.USAGE, result.err
    assert not (repo / "canary").exists() and not Path("canary").exists()


SECRETS = [
    "AKIAIOSFODNN7EXAMPLE",
    "ghp_0123456789abcdefghijklmnopqrstuvwxyzAB",
    "xoxb-1234567890-abcdefghij",
    "-----BEGIN OPENSSH PRIVATE KEY-----",
    "https://admin:s3cretpw@db.internal.example",
    "sk_live_0123456789abcdefghijklmn",
]


@pytest.mark.parametrize("secret", SECRETS)
def test_secrets_are_refused_and_leave_no_trace(cli: Cli, repo: Path, secret: str) -> None:
    incident = cli.ok("declare", "Leaky", "-s", "sev3").out.strip()
    before = tree_snapshot(repo)
    for args in (
        ["update", incident, f"found {secret} in logs"],
        ["declare", f"creds {secret}", "-s", "sev3"],
        ["resolve", incident, "-m", f"rotated {secret}"],
    ):
        result = cli(*args)
        assert result.code == ExitCode.REFUSED, (args, result.err)
        assert "nothing was written" in result.err and secret not in result.err
    assert tree_snapshot(repo) == before
    history = git(repo, "log", "-p", "--all")
    assert secret not in history
    assert not any(
        secret.encode() in p.read_bytes()
        for p in repo.rglob("*")
        if p.is_file() and ".git" not in p.parts
    )


def test_git_objects_have_no_secret_either(cli: Cli, repo: Path) -> None:
    incident = cli.ok("declare", "x", "-s", "sev3").out.strip()
    cli("update", incident, "AKIAIOSFODNN7EXAMPLE")
    objects = repo / ".git" / "objects"
    git(repo, "gc", "--quiet", "--prune=now")
    for root, _, files in os.walk(objects):
        for name in files:
            assert b"AKIAIOSFODNN7EXAMPLE" not in (Path(root) / name).read_bytes()
