"""Runbooks: no shell, timeouts, confirmations, committed-only, timeline and game days."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pytest

from conftest import Cli, git, is_clean

RUNBOOK = """\
---
title: Checkout error rate high
owner: payments-oncall
services: [checkout]
triggers:
  alerts: [HighErrorRate]
  categories: [deploy]
review_by: "2027-03-01"
steps:
  - title: Look at the deploy dashboard
    placement: manual
    why: Needs a human eye on several graphs.
    instructions: Compare the error spike with the last deploy.
  - title: Capture diagnostics
    placement: automated
    why: Read-only and always safe.
    command: [PYTHON, -c, "import sys; print('diag for', sys.argv[1]); sys.exit(3)", "{target}"]
    timeout_seconds: 10
  - title: Echo arguments
    placement: automated
    why: Shows arguments arrive literally.
    command:
      - PYTHON
      - -c
      - "import sys, json; print(json.dumps(sys.argv[1:]))"
      - "$(touch pwned)"
      - "; rm -rf /"
      - "a|b"
      - "`id`"
      - "*"
  - title: Hang
    placement: automated
    why: Exercises the timeout.
    command: [PYTHON, -c, "import time; time.sleep(60)"]
    timeout_seconds: 1
  - title: Roll back
    placement: assisted
    why: Reversible, but a human must confirm the deploy is the cause.
    risk: high
    command: [PYTHON, -c, "print('rolled back')"]
---
Use when checkout returns 5xx.
"""


@pytest.fixture
def runbook(cli: Cli, repo: Path) -> str:
    text = RUNBOOK.replace("PYTHON", json.dumps(sys.executable))
    (repo / "runbooks" / "checkout-errors.md").write_text(text)
    git(repo, "add", "runbooks")
    git(repo, "commit", "-qm", "runbook")
    return "checkout-errors"


@pytest.fixture
def incident(cli: Cli) -> str:
    return cli.ok(
        "declare",
        "Checkout errors",
        "-s",
        "sev3",
        "--service",
        "checkout",
        "--category",
        "deploy",
        "--commander",
        "ann",
        now="2026-11-30T10:00:00Z",
    ).out.strip()


def _runbook_events(cli: Cli, incident: str) -> list[dict[str, object]]:
    timeline = cli.ok("show", incident, "--json").json()["timeline"]
    return [e for e in timeline if e["type"] == "runbook"]


def test_failing_step_is_recorded_and_stops_the_run(
    cli: Cli, repo: Path, runbook: str, incident: str
) -> None:
    result = cli("runbook", "run", runbook, "--incident", incident, "--param", "target=prod")
    assert result.code == 1
    events = _runbook_events(cli, incident)
    assert [(e["details"]["step"], e["details"]["outcome"]) for e in events] == [
        (1, "shown"),
        (2, "failed"),
    ]
    assert events[1]["details"]["exit_code"] == 3
    assert "diag for prod" in str(events[1]["message"])
    assert is_clean(repo)


def test_arguments_reach_the_process_literally(
    cli: Cli, repo: Path, runbook: str, incident: str
) -> None:
    cli.ok("runbook", "run", runbook, "--incident", incident, "--step", "3")
    event = _runbook_events(cli, incident)[-1]
    assert event["details"]["outcome"] == "ok"
    assert json.loads(str(event["message"])) == ["$(touch pwned)", "; rm -rf /", "a|b", "`id`", "*"]
    assert not (repo / "pwned").exists()


def test_hung_step_is_killed_at_its_timeout(cli: Cli, runbook: str, incident: str) -> None:
    start = time.monotonic()
    result = cli("runbook", "run", runbook, "--incident", incident, "--step", "4")
    assert result.code == 1 and time.monotonic() - start < 10
    event = _runbook_events(cli, incident)[-1]
    assert event["details"]["outcome"] == "timeout" and "killed after 1s" in str(event["message"])


def test_high_risk_step_needs_explicit_confirmation(cli: Cli, runbook: str, incident: str) -> None:
    refused = cli("runbook", "run", runbook, "--incident", incident, "--step", "5", "--yes")
    assert refused.code == 1 and "needs an explicit confirmation" in refused.err
    assert _runbook_events(cli, incident)[-1]["details"]["outcome"] == "refused"
    cli.ok("runbook", "run", runbook, "--incident", incident, "--step", "5", "--confirm-high-risk")
    last = _runbook_events(cli, incident)[-1]
    assert last["details"]["outcome"] == "ok" and "rolled back" in str(last["message"])


def test_only_committed_runbooks_run(cli: Cli, repo: Path, runbook: str, incident: str) -> None:
    path = repo / "runbooks" / f"{runbook}.md"
    path.write_text(path.read_text().replace("Roll back", "Roll back quickly"))
    result = cli("runbook", "run", runbook, "--incident", incident, "--step", "3")
    assert result.code == 8 and "uncommitted changes" in result.err
    (repo / "runbooks" / "new-one.md").write_text(RUNBOOK.replace("PYTHON", "echo"))
    result = cli("runbook", "run", "new-one", "--incident", incident)
    assert result.code == 8 and "not committed" in result.err
    assert _runbook_events(cli, incident) == []


def test_gameday_exercises_and_staleness(cli: Cli, repo: Path, runbook: str, incident: str) -> None:
    stale = cli.ok("runbook", "list", "--stale", "--json", now="2026-11-30T10:00:00Z").json()
    assert {s["problem"].split(" (")[0] for s in stale} == {
        "automated step 2",
        "automated step 3",
        "automated step 4",
    }
    findings = json.loads(cli("lint", "--format", "json", now="2026-11-30T10:00:00Z").out)
    assert len([f for f in findings["findings"] if f["rule"] == "runbook/stale-step"]) == 3
    cli(
        "runbook",
        "run",
        runbook,
        "--gameday",
        "--target",
        "staging",
        "--step",
        "2",
        now="2026-11-30T10:05:00Z",
    )
    cli.ok(
        "runbook",
        "run",
        runbook,
        "--gameday",
        "--target",
        "staging",
        "--step",
        "3",
        now="2026-11-30T10:06:00Z",
    )
    exercises = list((repo / "runbooks" / "exercises").glob("*.md"))
    assert len(exercises) == 2 and is_clean(repo)
    assert "diag for staging" in "".join(p.read_text() for p in exercises)
    stale = cli.ok("runbook", "list", "--stale", "--json", now="2026-12-01T10:00:00Z").json()
    assert [s["problem"].split(" (")[0] for s in stale] == ["automated step 4"]
    later = cli.ok("runbook", "list", "--stale", "--json", now="2027-03-15T10:00:00Z").json()
    problems = [s["problem"] for s in later]
    assert "review was due 2027-03-01" in problems
    assert any("last ran" in p for p in problems)


def test_suggestions_and_show(cli: Cli, runbook: str, incident: str) -> None:
    suggested = cli.ok("runbook", "list", "--for", incident, "--json").json()
    assert suggested == [
        {
            "runbook": runbook,
            "title": "Checkout error rate high",
            "reasons": ["service checkout", "category deploy"],
        }
    ]
    shown = cli.ok("runbook", "show", runbook).out
    assert "why manual: Needs a human eye" in shown and "risk high" in shown
    missing = cli("runbook", "show", "nope")
    assert missing.code == 3 and "checkout-errors" in missing.err


def test_invalid_runbook_is_named(cli: Cli, repo: Path, runbook: str) -> None:
    path = repo / "runbooks" / f"{runbook}.md"
    path.write_text(
        path.read_text().replace(
            "    command: [" + json.dumps(sys.executable) + ", -c, \"print('rolled back')\"]\n", ""
        )
    )
    result = cli("runbook", "show", runbook)
    assert result.code == 5 and "needs a command" in result.err
    assert f"runbooks/{runbook}.md:" in result.err
    findings = json.loads(cli("lint", "--format", "json").out)
    assert any(f["rule"] == "runbook/placement" for f in findings["findings"])


def _one_step_runbook(repo: Path, name: str, command: list[str], timeout: int = 10) -> str:
    text = (
        f"---\ntitle: {name}\nowner: ops\nsteps:\n  - title: Step\n    placement: automated\n"
        f"    why: test\n    timeout_seconds: {timeout}\n"
        f"    command: {json.dumps(command)}\n---\nx\n"
    )
    (repo / "runbooks" / f"{name}.md").write_text(text)
    git(repo, "add", "runbooks")
    git(repo, "commit", "-qm", f"runbook {name}")
    return name


def test_params_are_never_options(cli: Cli, repo: Path, incident: str) -> None:
    name = _one_step_runbook(repo, "gitlog", ["git", "log", "-1", "{rev}"])
    canary = repo.parent / "canary"
    before = git(repo, "rev-list", "--count", "HEAD")
    result = cli(
        "runbook", "run", name, "--incident", incident, "--param", f"rev=--output={canary}"
    )
    assert result.code == 2 and "starts with '-'" in result.err
    assert not canary.exists()
    assert git(repo, "rev-list", "--count", "HEAD") == before


def test_dry_run_commits_nothing(cli: Cli, repo: Path, runbook: str, incident: str) -> None:
    before = git(repo, "rev-list", "--count", "HEAD")
    cli("runbook", "run", runbook, "--incident", incident, "--dry-run", "--param", "target=x")
    assert git(repo, "rev-list", "--count", "HEAD") == before
    assert is_clean(repo)


def test_background_child_holding_stdout_does_not_make_a_timeout(
    cli: Cli, repo: Path, incident: str
) -> None:
    script = (
        "import subprocess, sys; print('started', flush=True);"
        "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(20)'])"
    )
    name = _one_step_runbook(repo, "bg", [sys.executable, "-c", script], timeout=5)
    started = time.monotonic()
    cli.ok("runbook", "run", name, "--incident", incident)
    assert time.monotonic() - started < 4
    assert _runbook_events(cli, incident)[-1]["details"]["outcome"] == "ok"


def test_timeout_returns_on_time_when_a_grandchild_leaves_the_group(
    cli: Cli, repo: Path, incident: str
) -> None:
    script = (
        "import subprocess, sys, time;"
        "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(20)'],"
        " start_new_session=True); time.sleep(20)"
    )
    name = _one_step_runbook(repo, "escape", [sys.executable, "-c", script], timeout=1)
    started = time.monotonic()
    cli("runbook", "run", name, "--incident", incident)
    assert time.monotonic() - started < 6
    assert _runbook_events(cli, incident)[-1]["details"]["outcome"] == "timeout"
