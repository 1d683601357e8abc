"""Text that quotes a git conflict, NUL bytes in command output, and FIFOs where records
belong never make an incident unreadable, lose a declaration, or hang a reader."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import Cli, git, incidentctl_command
from incidentctl.yamlio.emit import render_record
from incidentctl.yamlio.frontmatter import parse

CONFLICT = "<<<<<<< HEAD\nours\n||||||| base\n=======\ntheirs\n>>>>>>> feature\n\\=======\n"


def test_update_quoting_a_conflict_keeps_the_incident_usable(cli: Cli, repo: Path) -> None:
    incident = cli.ok("declare", "Merge pain", "-s", "sev3").out.strip()
    cli.ok("update", incident, f"the deploy log said:\n{CONFLICT}")
    for args in (["show", incident], ["list"], ["ack", incident]):
        cli.ok(*args)
    assert "conflict" not in cli("lint").out
    messages = [e["message"] for e in cli.ok("show", incident, "--json").json()["timeline"]]
    assert f"the deploy log said:\n{CONFLICT.rstrip()}" in messages
    assert git(repo, "diff", "--check", "HEAD~1", "HEAD") == ""  # git sees no marker


def test_import_and_runbook_output_quoting_a_conflict(cli: Cli, repo: Path, tmp_path: Path) -> None:
    incident = cli.ok("declare", "Merge pain", "-s", "sev3").out.strip()
    slack = tmp_path / "slack.json"
    slack.write_text(
        json.dumps(
            [{"type": "message", "user_name": "bob", "text": CONFLICT, "ts": "1796032920.0"}]
        )
    )
    cli.ok("timeline", "import", incident, str(slack), now="2026-11-30T11:00:00Z")
    script = "print('<<<<<<< HEAD'); print('======='); print('>>>>>>> x'); print('nul\\0end')"
    runbook = (
        "---\ntitle: Conflicted\nowner: ops\nsteps:\n  - title: Print\n    placement: automated\n"
        f"    why: test\n    command: [{json.dumps(sys.executable)}, -c, {json.dumps(script)}]\n"
        "---\nx\n"
    )
    (repo / "runbooks" / "conflicted.md").write_text(runbook)
    git(repo, "add", "runbooks")
    git(repo, "commit", "-qm", "runbook")
    cli.ok("runbook", "run", "conflicted", "--incident", incident)
    shown = cli.ok("show", incident, "--json").json()
    runs = [e for e in shown["timeline"] if e["type"] == "runbook"]
    assert runs and "<<<<<<< HEAD\n=======\n>>>>>>> x\nnul\\x00end" in runs[0]["message"]
    cli.ok("list")
    cli.ok("ack", incident)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["<<<<<<< a", "=======", ">>>>>>> b", "|||||||", "\\", "x", ""])))
def test_bodies_with_marker_lines_round_trip(lines: list[str]) -> None:
    body = "\n".join(lines).strip("\n")
    text = render_record({"id": "x"}, body)
    assert parse(text.encode()).body.rstrip("\n") == body
    assert not any(line.startswith(("<<<<<<< ", ">>>>>>> ")) for line in text.split("\n"))


def test_a_real_conflict_is_still_refused(cli: Cli, repo: Path) -> None:
    incident = cli.ok("declare", "Real", "-s", "sev3").out.strip()
    path = repo / "incidents" / incident / "incident.md"
    path.write_text(path.read_text() + "<<<<<<< HEAD\na\n=======\nb\n>>>>>>> other\n")
    result = cli("show", incident)
    assert result.code == 5 and "conflict marker" in result.err


def test_a_fifo_where_an_event_belongs_does_not_hang(cli: Cli, repo: Path) -> None:
    incident = cli.ok("declare", "Fifo", "-s", "sev3").out.strip()
    os.mkfifo(repo / "incidents" / incident / "events" / "01m8y2a7dqj55fwq7d3z6zmyq9.md")
    for args in (["show", incident], ["lint"], ["list"]):
        proc = subprocess.run(
            [*incidentctl_command(), *args], cwd=repo, capture_output=True, text=True, timeout=30
        )
        assert proc.returncode != 70 and "Traceback" not in proc.stderr, proc.stderr


@pytest.mark.parametrize("output", ["paged\\0with nul", "<<<<<<< HEAD\\n=======\\n>>>>>>> x"])
def test_page_hook_output_never_loses_the_declaration(cli: Cli, repo: Path, output: str) -> None:
    script = f"import sys; sys.stdin.read(); print('{output}')"
    config = repo / ".incidentctl.yaml"
    hook = f"  page: [{json.dumps(sys.executable)}, -c, {json.dumps(script)}]"
    config.write_text(config.read_text().replace("  page: []", hook, 1))
    git(repo, "commit", "-qam", "hook")
    incident = cli.ok("declare", "Paged", "-s", "sev1").out.strip()
    timeline = cli.ok("show", incident, "--json").json()["timeline"]
    assert [e["type"] for e in timeline][:2] == ["declared", "page"]


def test_hook_timeout_kills_its_children_and_returns_on_time(cli: Cli, repo: Path) -> None:
    import time

    script = (
        "import subprocess, sys, time; sys.stdin.read();"
        "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(30)']);"
        "time.sleep(30)"
    )
    config = repo / ".incidentctl.yaml"
    hook = f"  page: [{json.dumps(sys.executable)}, -c, {json.dumps(script)}]"
    text = (
        config.read_text()
        .replace("  page: []", hook, 1)
        .replace("  timeout_seconds: 30", "  timeout_seconds: 1", 1)
    )
    config.write_text(text)
    git(repo, "commit", "-qam", "hook")
    started = time.monotonic()
    incident = cli.ok("declare", "Slow pager", "-s", "sev1").out.strip()
    assert time.monotonic() - started < 10
    timeline = cli.ok("show", incident, "--json").json()["timeline"]
    assert any(e["type"] == "page" and "timeout" in json.dumps(e) for e in timeline)
