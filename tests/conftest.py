"""Shared fixtures: isolated git config, a fixed clock, real records repos, CLI runners."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from incidentctl.cli import main

T0 = "2026-11-30T10:00:00Z"


@dataclass
class Result:
    """What a user sees from one command."""

    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


@pytest.fixture(autouse=True)
def isolated_git(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test gets its own global git config and a fixed clock."""
    home = tmp_path_factory.mktemp("home")
    config = home / "gitconfig"
    config.write_text(
        "[user]\n\tname = Test Responder\n\temail = responder@example.com\n"
        "[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("INCIDENTCTL_NOW", T0)
    monkeypatch.delenv("INCIDENTCTL_REPO", raising=False)
    for name in (
        "GIT_AUTHOR_NAME",
        "GIT_AUTHOR_EMAIL",
        "GIT_COMMITTER_NAME",
        "GIT_COMMITTER_EMAIL",
        "VISUAL",
        "EDITOR",
    ):
        monkeypatch.delenv(name, raising=False)


class Cli:
    """Runs ``incidentctl`` in-process through the real entry point, in a given folder."""

    def __init__(
        self, cwd: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        self.cwd = cwd
        self.capsys = capsys
        self.monkeypatch = monkeypatch

    def __call__(self, *args: str, now: str | None = None) -> Result:
        self.capsys.readouterr()
        with self.monkeypatch.context() as m:
            m.chdir(self.cwd)
            if now is not None:
                m.setenv("INCIDENTCTL_NOW", now)
            code = main(list(args))
        captured = self.capsys.readouterr()
        return Result(code, captured.out, captured.err)

    def ok(self, *args: str, now: str | None = None) -> Result:
        result = self(*args, now=now)
        assert result.code == 0, f"{args} failed: {result.err}"
        return result


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A fresh records repo (git init + incidentctl init, one commit)."""
    root = tmp_path / "records"
    assert main(["init", str(root)]) == 0
    return root


@pytest.fixture
def cli(repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Cli:
    return Cli(repo, capsys, monkeypatch)


def git(cwd: Path, *args: str) -> str:
    """Run git and return stdout."""
    proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True)
    return proc.stdout


def commit_count(cwd: Path) -> int:
    return int(git(cwd, "rev-list", "--count", "HEAD").strip())


def is_clean(cwd: Path) -> bool:
    return git(cwd, "status", "--porcelain", "--untracked-files=all").strip() == ""


def tree_snapshot(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` except .git, with its bytes."""
    snap = {}
    for path in sorted(root.rglob("*")):
        if ".git" in path.relative_to(root).parts or not path.is_file():
            continue
        snap[path.relative_to(root).as_posix()] = path.read_bytes()
    return snap


def incidentctl_command() -> list[str]:
    """The installed console script, or the module when it is not on PATH."""
    script = Path(sys.executable).parent / "incidentctl"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "incidentctl"]


def run_installed(
    cwd: Path, *args: str, env: dict[str, str] | None = None, stdin: str | None = None
) -> Result:
    """Run the installed ``incidentctl`` as a subprocess."""
    proc = subprocess.run(
        [*incidentctl_command(), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        input=stdin,
        timeout=120,
    )
    return Result(proc.returncode, proc.stdout, proc.stderr)
