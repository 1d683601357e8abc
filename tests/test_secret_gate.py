"""One secret gate on every way text enters the repo: CLI values, alerts, command output,
imports and editor saves. Nothing with a secret reaches a commit, the working tree or the
object store."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from conftest import Cli, git, tree_snapshot
from incidentctl.core.errors import ExitCode

AWS = "AKIAQWERTYUIOPASDFGH"
SLACK_APP = "xapp-1-A0123456789-1234567890123-" + "ab12" * 16
NPM = "npm_" + "a1B2c3D4e5" * 3 + "F6g7H8"
SECRETS = [
    AWS,
    SLACK_APP,
    NPM,
    "PGPASSWORD=Tr0ub4dor",
    "Authorization: Bearer Zx9qT4mW8vR2pL6nK0jH3gF7dS1aYc5b",
]


def _no_trace(repo: Path, secret: str) -> None:
    assert secret not in git(repo, "log", "-p", "--all")
    git(repo, "gc", "--quiet", "--prune=now")
    for root, _, files in os.walk(repo):
        for name in files:
            path = Path(root) / name
            if "rejected" in path.parts:
                continue  # the user's own refused text, kept on purpose, never committed
            assert secret.encode() not in path.read_bytes(), path


@pytest.fixture
def incident(cli: Cli) -> str:
    return cli.ok("declare", "Gate", "-s", "sev4").out.strip()


@pytest.mark.parametrize("secret", SECRETS)
@pytest.mark.parametrize(
    "args",
    [
        ("update", "{id}", "checking", "--by", "{secret}"),
        ("assign", "{id}", "commander", "{secret}"),
        ("declare", "x", "-s", "sev4", "--commander", "{secret}"),
        ("declare", "x", "-s", "sev4", "--summary", "saw {secret}"),
        ("action", "add", "{id}", "Rotate", "--owner", "{secret}"),
        ("action", "add", "{id}", "Rotate {secret}", "--owner", "ann"),
        ("update", "{id}", "found\n{secret}\nin the logs"),
    ],
)
def test_every_cli_value_is_scanned(
    cli: Cli, repo: Path, incident: str, args: tuple[str, ...], secret: str
) -> None:
    before = tree_snapshot(repo)
    result = cli(*(a.replace("{id}", incident).replace("{secret}", secret) for a in args))
    assert result.code in (ExitCode.REFUSED, ExitCode.USAGE), result.err
    assert secret not in result.err
    assert tree_snapshot(repo) == before
    _no_trace(repo, secret)


@pytest.mark.parametrize(
    "alert",
    [
        {"labels": {"alertname": "Up", "token": AWS}, "startsAt": "2026-11-30T09:00:00Z"},
        {"labels": {AWS: "x"}, "startsAt": "2026-11-30T09:00:00Z"},
        {"labels": {"a": "b"}, "fingerprint": AWS, "startsAt": "2026-11-30T09:00:00Z"},
        {"labels": {"a": "b"}, "source": NPM, "startsAt": "2026-11-30T09:00:00Z"},
        {"labels": {"a": "b"}, "summary": "key " + AWS, "startsAt": "2026-11-30T09:00:00Z"},
    ],
)
def test_alert_payloads_are_scanned(
    cli: Cli, repo: Path, tmp_path: Path, alert: dict[str, object]
) -> None:
    body = tmp_path / "alert.json"
    body.write_text(json.dumps(alert))
    result = cli("alert", "ingest", str(body))
    assert result.code in (0, ExitCode.REFUSED), result.err
    _no_trace(repo, AWS)
    _no_trace(repo, NPM)


def _commit_config(repo: Path, old: str, new: str) -> None:
    config = repo / ".incidentctl.yaml"
    config.write_text(config.read_text().replace(old, new, 1))
    git(repo, "commit", "-qam", "config")


def test_hook_and_runbook_output_is_redacted(cli: Cli, repo: Path) -> None:
    # The scripts assemble the secrets at run time, so only their output holds one.
    script = f"import sys; sys.stdin.read(); print('paged, key {AWS[:4]}' + '{AWS[4:]} nul \\0')"
    _commit_config(
        repo, "  page: []", f"  page: [{json.dumps(sys.executable)}, -c, {json.dumps(script)}]"
    )
    incident = cli.ok("declare", "Paged", "-s", "sev1").out.strip()
    paged = [
        e for e in cli.ok("show", incident, "--json").json()["timeline"] if e["type"] == "page"
    ]
    assert paged and "paged" in json.dumps(paged)
    runbook = (
        "---\ntitle: Leaky\nowner: ops\nsteps:\n  - title: Print\n    placement: automated\n"
        "    why: test\n"
        f"    command: [{json.dumps(sys.executable)}, -c, "
        f"\"print('{SLACK_APP[:5]}' + '{SLACK_APP[5:]}')\"]\n---\nx\n"
    )
    (repo / "runbooks" / "leaky.md").write_text(runbook)
    git(repo, "add", "runbooks")
    git(repo, "commit", "-qm", "runbook")
    cli.ok("runbook", "run", "leaky", "--incident", incident)
    shown = cli.ok("show", incident, "--json").out
    assert "redacted" in shown
    _no_trace(repo, AWS)
    _no_trace(repo, SLACK_APP)


def test_imports_are_scanned(cli: Cli, repo: Path, incident: str, tmp_path: Path) -> None:
    slack = tmp_path / "slack.json"
    slack.write_text(
        json.dumps([{"type": "message", "user_name": "bob", "text": AWS, "ts": "1796032920.0"}])
    )
    result = cli("timeline", "import", incident, str(slack), now="2026-11-30T11:00:00Z")
    assert result.code == ExitCode.REFUSED, result.err
    _no_trace(repo, AWS)


@pytest.mark.parametrize("postmortem", [False, True])
def test_edit_scans_what_the_editor_saved_before_committing(
    cli: Cli,
    repo: Path,
    incident: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    postmortem: bool,
) -> None:
    if postmortem:
        cli.ok("postmortem", "new", incident, "--no-edit")
    editor = tmp_path / "editor.py"
    editor.write_text(
        "import sys, pathlib\np = pathlib.Path(sys.argv[1])\n"
        f"p.write_text(p.read_text() + '\\nmy note with {AWS}\\n')\n"
    )
    monkeypatch.setenv("EDITOR", f"{sys.executable} {editor}")
    head = git(repo, "rev-parse", "HEAD")
    args = ("edit", incident, "--postmortem") if postmortem else ("edit", incident)
    result = cli(*args)
    assert result.code == ExitCode.REFUSED, result.err
    assert AWS not in result.err and "kept in" in result.err
    assert git(repo, "rev-parse", "HEAD") == head
    assert git(repo, "status", "--porcelain").strip() == ""  # the committed text is back
    kept = list((repo / ".git" / "incidentctl" / "rejected").iterdir())
    assert len(kept) == 1 and f"my note with {AWS}" in kept[0].read_text()
    _no_trace(repo, AWS)


def test_publish_refusal_never_suggests_committing_the_secret(
    cli: Cli, repo: Path, incident: str
) -> None:
    cli.ok("postmortem", "new", incident, "--no-edit")
    path = next(repo.rglob("postmortem.md"))
    path.write_text(path.read_text() + f"\nthe key was {AWS}\n")
    git(repo, "commit", "-qam", "by hand, bypassing incidentctl")
    for status in ("in-review", "reviewed"):
        cli.ok("postmortem", "status", incident, status)
    result = cli("postmortem", "publish", incident, "-o", str(repo.parent / "out.md"))
    assert result.code == ExitCode.REFUSED
    assert "redactions.yaml" not in result.err.replace("do not add it to redactions.yaml", "")
    assert "rotate" in result.err


def test_every_write_passes_the_gate_even_unscanned_fields(cli: Cli, repo: Path) -> None:
    incident = cli.ok("declare", "Gate", "-s", "sev4").out.strip()
    action = cli.ok("action", "add", incident, "Rotate", "--owner", "ann").out.strip()
    before = tree_snapshot(repo)
    result = cli("action", "wontdo", action, "--reason", f"moved to {NPM}")
    assert result.code == ExitCode.REFUSED and "npm-token" in result.err
    assert tree_snapshot(repo) == before
    _no_trace(repo, NPM)


def test_invalid_utf8_on_the_command_line_writes_nothing(repo: Path) -> None:
    from conftest import run_installed

    bad = b"summary \xff\xfe".decode("utf-8", "surrogateescape")
    before = tree_snapshot(repo)
    result = run_installed(repo, "declare", "x", "-s", "sev4", "--summary", bad)
    assert result.code == ExitCode.USAGE and "--summary is not valid UTF-8" in result.err
    assert "Traceback" not in result.err
    assert tree_snapshot(repo) == before
    assert not [p for p in (repo / "incidents").iterdir() if p.name != ".gitkeep"]


def test_postmortem_cannot_skip_review_and_moving_back_clears_stamps(
    cli: Cli, repo: Path, incident: str
) -> None:
    cli.ok("postmortem", "new", incident, "--no-edit")
    skipped = cli("postmortem", "status", incident, "published")
    assert skipped.code == ExitCode.INVALID_STATE and "only once it is reviewed" in skipped.err
    for status in ("in-review", "reviewed", "published", "draft"):
        cli.ok("postmortem", "status", incident, status)
    text = next(repo.rglob("postmortem.md")).read_text()
    front = text.split("\n---\n", 1)[0]
    assert 'reviewed_at: "' not in front and 'published_at: "' not in front
    again = cli("postmortem", "status", incident, "published")
    assert again.code == ExitCode.INVALID_STATE
