"""The incidentctl-lint hook, installed as a real git hook, blocks bad manual commits and never
a lifecycle command (issue 15, item 1)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import commit_count, git, run_installed

PROJECT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
T0 = "2026-11-30T10:00:00Z"


def _pre_commit() -> Path:
    """pre-commit from PyPI in this interpreter's environment; skip when it cannot be had."""
    script = BIN / "pre-commit"
    if not script.is_file():
        try:
            subprocess.run(
                [sys.executable, "-m", "pip", "install", "-q", "pre-commit>=3"],
                capture_output=True,
                timeout=300,
                check=True,
            )
        except (subprocess.SubprocessError, OSError):
            pytest.skip("pre-commit cannot be installed here")
    if not script.is_file():
        pytest.skip("pre-commit cannot be installed here")
    return script


def _env(home: Path) -> dict[str, str]:
    return {
        "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
        "PRE_COMMIT_HOME": str(home / "pre-commit-cache"),
        "INCIDENTCTL_NOW": T0,
    }


def _framework_hook(root: Path, env: dict[str, str]) -> None:
    """The project's own hook definition, run from the records repo's pre-commit config."""
    hooks = yaml.safe_load((PROJECT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook = next(h for h in hooks if h["id"] == "incidentctl-lint")
    # ``language: python`` would build a fresh environment from the network; ``system``
    # runs the same entry with the incidentctl under test.
    local = {**hook, "language": "system"}
    config = {"repos": [{"repo": "local", "hooks": [local]}]}
    (root / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    git(root, "add", ".pre-commit-config.yaml")
    git(root, "commit", "-q", "-m", "pre-commit config")
    subprocess.run(
        [str(_pre_commit()), "install"],
        cwd=root,
        env={**os.environ, **env},
        check=True,
        capture_output=True,
    )


def _plain_hook(root: Path, env: dict[str, str]) -> None:
    """docs/integrations.md: the plain git hook, without the framework."""
    hook = root / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\nexec incidentctl lint\n", encoding="utf-8")
    hook.chmod(0o755)


@pytest.mark.parametrize("install", [_framework_hook, _plain_hook], ids=["framework", "plain"])
def test_hook_never_blocks_a_lifecycle_command_and_blocks_a_bad_commit(
    tmp_path: Path, install: object
) -> None:
    root = tmp_path / "records"
    env = _env(tmp_path)
    assert run_installed(tmp_path, "init", str(root), env=env).code == 0
    assert callable(install)
    install(root, env)
    start = commit_count(root)

    def step(*args: str, now: str) -> str:
        result = run_installed(root, *args, env={**env, "INCIDENTCTL_NOW": now})
        assert result.code == 0, f"{args}: {result.err}"
        assert "could not commit" not in result.err
        return result.out

    # sev2 requires three roles within 30 minutes: a warning now, not a refusal.
    incident = step("declare", "Checkout errors", "-s", "sev2", now=T0).strip()
    lint_now = run_installed(root, "lint", env=env)
    assert lint_now.code == 0, lint_now.out
    assert "warning  policy/required-roles" in lint_now.out
    # 45 minutes later the deadline has passed: lint fails, but the commands that meet
    # the deadline (and every other one) still commit.
    later = {**env, "INCIDENTCTL_NOW": "2026-11-30T10:45:00Z"}
    overdue = run_installed(root, "lint", env=later)
    assert overdue.code == 1 and "error    policy/required-roles" in overdue.out
    step("assign", incident, "commander", "alice", now="2026-11-30T10:45:00Z")
    step("update", incident, "rolled back the deploy", now="2026-11-30T10:50:00Z")
    step("assign", incident, "operations", "bob", now="2026-11-30T10:51:00Z")
    step("resolve", incident, now="2026-11-30T11:00:00Z")
    assert commit_count(root) == start + 5
    assert git(root, "status", "--porcelain").strip() == ""

    # A hand edit with an unknown key is refused by the hook, and nothing is committed.
    record = root / "incidents" / incident / "incident.md"
    record.write_text(
        record.read_text(encoding="utf-8").replace("drill: false", "drill: false\nservces: [x]"),
        encoding="utf-8",
    )
    git(root, "add", "-A")
    manual = subprocess.run(
        ["git", "commit", "-m", "hand edit"],
        cwd=root,
        env={**os.environ, **env, "INCIDENTCTL_NOW": "2026-11-30T11:05:00Z"},
        capture_output=True,
        text=True,
    )
    assert manual.returncode != 0
    assert "schema/invalid" in manual.stdout + manual.stderr
    assert commit_count(root) == start + 5

    # The bad record reaches history anyway (--no-verify, or a pull): it is not the next
    # command's to fix, so a new declaration still commits, and a manual commit is still
    # refused while the record stays bad.
    git(root, "commit", "-q", "--no-verify", "-m", "hand edit, unchecked")
    fresh = step("declare", "Another outage", "-s", "sev3", now="2026-11-30T11:10:00Z").strip()
    step("ack", fresh, now="2026-11-30T11:11:00Z")
    assert git(root, "status", "--porcelain").strip() == ""
    other = root / "incidents" / fresh / "incident.md"
    other.write_text(other.read_text(encoding="utf-8") + "\nA summary line.\n", encoding="utf-8")
    git(root, "add", "-A")
    again = subprocess.run(
        ["git", "commit", "-m", "a valid edit while another record is bad"],
        cwd=root,
        env={**os.environ, **env, "INCIDENTCTL_NOW": "2026-11-30T11:15:00Z"},
        capture_output=True,
        text=True,
    )
    assert again.returncode != 0 and "schema/invalid" in again.stdout + again.stderr
