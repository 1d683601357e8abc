"""Post-mortems, action items, similar incidents, blameless checks and redacted publishing."""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

import pytest

from conftest import Cli, git, is_clean
from incidentctl.core.errors import ExitCode


@pytest.fixture
def sev1(cli: Cli) -> str:
    """A resolved sev1 with a timeline, in Europe/Berlin."""
    repo = cli.cwd
    config = repo / ".incidentctl.yaml"
    config.write_text(config.read_text().replace("timezone: UTC", "timezone: Europe/Berlin"))
    git(repo, "commit", "-qam", "berlin")
    i = cli.ok(
        "declare",
        "Checkout down for all customers",
        "-s",
        "sev1",
        "--service",
        "checkout",
        "--started-at",
        "2026-11-20T09:50:00Z",
        "--commander",
        "alice",
        now="2026-11-20T10:00:00Z",
    ).out.strip()
    cli.ok("assign", i, "operations", "bob", now="2026-11-20T10:02:00Z")
    cli.ok("ack", i, "--by", "bob", now="2026-11-20T10:03:00Z")
    cli.ok(
        "update",
        i,
        "bob rolled back build 4512 on web-3.internal (10.1.2.3)",
        "--by",
        "bob",
        now="2026-11-20T10:20:00Z",
    )
    cli.ok("mitigate", i, "--by", "bob", now="2026-11-20T10:30:00Z")
    cli.ok(
        "resolve",
        i,
        "--root-cause-class",
        "bad-deploy",
        "--by",
        "alice",
        now="2026-11-20T11:00:00Z",
    )
    return i


def test_draft_timeline_matches_show(cli: Cli, repo: Path, sev1: str) -> None:
    result = cli.ok("postmortem", "new", sev1, "--no-edit", now="2026-11-21T09:00:00Z")
    path = repo / result.out.strip()
    assert path == repo / "incidents" / sev1 / "postmortem.md" and is_clean(repo)
    text = path.read_text()
    timeline = text.split("## Timeline", 1)[1].split("## Analysis", 1)[0]
    rows = [r for r in timeline.splitlines() if r.startswith("| 2026")]
    shown = cli.ok("show", sev1, "--json").json()["timeline"]
    assert len(rows) == len(shown)
    for row, entry in zip(rows, shown, strict=True):
        assert f"| {entry['type']} | {entry['by']} |" in row
    assert rows[0].startswith("| 2026-11-20 11:00:00 CET |")  # the configured zone
    for heading in (
        "## Summary",
        "## Impact",
        "## Analysis",
        "## What went well",
        "## Where we got lucky",
        "## Actions",
        "## Lessons",
    ):
        assert heading in text
    assert "Customer impact: 40m 00s" in text and "sev1" in text
    again = cli("postmortem", "new", sev1, "--no-edit")
    assert again.code == ExitCode.INVALID_STATE and "already has a post-mortem" in again.err
    assert path.read_text() == text


def test_editor_session_and_review_status(
    cli: Cli, repo: Path, sev1: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    editor = tmp_path / "editor.py"
    editor.write_text(
        "import sys, pathlib\n"
        "p = pathlib.Path(sys.argv[1])\n"
        "t = p.read_text()\n"
        "t = t.replace('facilitator: null', 'facilitator: dana')\n"
        "t = t.replace('contributing_factors: []', 'contributing_factors:\\n"
        "  - {factor: Deploys skip the canary stage on Fridays, tag: deploy-safety}')\n"
        "t = t.replace('## What went well', 'The canary gap let a bad build reach everyone.\\n"
        "\\n## What went well')\n"
        "p.write_text(t)\n"
    )
    monkeypatch.setenv("EDITOR", f"{sys.executable} {editor}")
    cli.ok("postmortem", "new", sev1)
    log = git(repo, "log", "--format=%s", "-2").splitlines()
    assert log == [f"postmortem({sev1}): edit", f"postmortem({sev1}): draft"]
    assert is_clean(repo)
    cli.ok("postmortem", "status", sev1, "reviewed", now="2026-11-22T12:00:00Z")
    text = (repo / "incidents" / sev1 / "postmortem.md").read_text()
    assert "status: reviewed" in text and 'reviewed_at: "2026-11-22T12:00:00Z"' in text
    assert "facilitator: dana" in text
    lint = json.loads(cli("lint", "--format", "json", now="2026-11-22T12:00:00Z").out)
    assert not [f for f in lint["findings"] if f["path"].endswith("postmortem.md")]


def test_invalid_edit_is_reported_and_kept(
    cli: Cli, repo: Path, sev1: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    editor = tmp_path / "bad.py"
    editor.write_text(
        "import sys, pathlib\np = pathlib.Path(sys.argv[1])\n"
        "p.write_text(p.read_text().replace('status: draft', 'status: finished'))\n"
    )
    monkeypatch.setenv("VISUAL", f"{sys.executable} {editor}")
    result = cli("postmortem", "new", sev1)
    assert result.code == ExitCode.INVALID_RECORD and "status" in result.err
    assert "status: finished" in (repo / "incidents" / sev1 / "postmortem.md").read_text()


def test_actions_default_due_overdue_and_lifecycle(cli: Cli, repo: Path, sev1: str) -> None:
    now = "2026-11-21T09:00:00Z"
    first = cli.ok(
        "action",
        "add",
        sev1,
        "Alert on checkout error rate",
        "--owner",
        "dana",
        "--type",
        "detective",
        now=now,
    ).out.strip()
    second = cli.ok(
        "action",
        "add",
        sev1,
        "Canary every deploy",
        "--owner",
        "erin",
        "--due",
        "+30d",
        "--priority",
        "high",
        now=now,
    ).out.strip()
    items = {a["id"]: a for a in cli.ok("action", "list", "--json", now=now).json()}
    assert items[first]["due"] == "2026-12-05"  # sev1: 14 days
    assert items[second]["due"] == "2026-12-21"
    late = cli.ok("action", "list", "--overdue", "--json", now="2026-12-10T09:00:00Z").json()
    assert [(a["id"], a["days_overdue"]) for a in late] == [(first, 5)]
    grouped = cli.ok("action", "list", "--overdue", now="2026-12-10T09:00:00Z").out
    assert grouped.startswith("dana: 1 overdue") and first in grouped
    warn = json.loads(cli("lint", "--format", "json", now="2026-12-10T09:00:00Z").out)
    overdue = [f for f in warn["findings"] if f["rule"] == "policy/action-overdue"]
    assert [(f["path"], f["severity"]) for f in overdue] == [(f"actions/{first}.md", "warning")]
    assert cli("lint", "--strict", now="2026-12-10T09:00:00Z").code == 1
    cli.ok("action", "done", first[:4], "--note", "alert shipped", now="2026-12-11T09:00:00Z")
    assert cli.ok("action", "list", "--overdue", "--json", now="2026-12-12T09:00:00Z").json() == []
    again = cli("action", "done", first)
    assert again.code == ExitCode.INVALID_STATE
    cli.ok("action", "reassign", second, "frank", "--due", "2027-01-15")
    cli.ok("action", "link", second, "https://github.com/acme/ops/issues/42")
    cli.ok("action", "wontdo", second, "--reason", "superseded by progressive delivery")
    cli.ok("action", "reopen", second)
    final = {a["id"]: a for a in cli.ok("action", "list", "--json").json()}
    assert final[second]["owner"] == "frank" and final[second]["status"] == "open"
    assert final[second]["links"] == ["https://github.com/acme/ops/issues/42"]
    assert final[first]["status"] == "done" and is_clean(repo)
    gh = json.loads(cli.ok("action", "export", "--format", "github").out)
    assert [i["title"] for i in gh] == ["Canary every deploy"]
    assert {"title", "body", "labels"} <= set(gh[0])
    rows = list(
        csv.DictReader(io.StringIO(cli.ok("action", "export", "--format", "jira-csv", "--all").out))
    )
    assert {r["Summary"] for r in rows} == {"Alert on checkout error rate", "Canary every deploy"}
    assert {"Summary", "Assignee", "Due Date", "Priority", "Issue Type"} <= set(rows[0])
    bad = cli("action", "add", sev1, "x", "--owner", "o", "--due", "someday")
    assert bad.code == ExitCode.USAGE
    assert cli("action", "link", second, "javascript:alert(1)").code == ExitCode.USAGE


def test_review_deadlines_listed_and_linted(cli: Cli, sev1: str) -> None:
    due = cli.ok("postmortem", "list", "--json", now="2026-11-21T00:00:00Z").json()
    assert due == [
        {
            "incident": sev1,
            "title": "Checkout down for all customers",
            "severity": "sev1",
            "status": "missing",
            "due": "2026-11-23T11:00:00+00:00",
            "overdue_days": 0,
        }
    ]
    late = cli.ok("postmortem", "list", "--overdue", "--json", now="2026-11-26T00:00:00Z").json()
    assert late[0]["overdue_days"] == 2
    findings = json.loads(cli("lint", "--format", "json", now="2026-11-26T00:00:00Z").out)
    assert any(f["rule"] == "policy/postmortem-required" for f in findings["findings"])
    cli.ok("postmortem", "new", sev1, "--no-edit", now="2026-11-26T00:00:00Z")
    assert cli.ok("postmortem", "list", "--overdue", now="2026-11-26T00:00:00Z").out
    findings = json.loads(cli("lint", "--format", "json", now="2026-11-26T00:00:00Z").out)
    assert not any(f["rule"] == "policy/postmortem-required" for f in findings["findings"])


def test_blameless_check_flags_and_marker_acknowledges(cli: Cli, repo: Path, sev1: str) -> None:
    cli.ok("postmortem", "new", sev1, "--no-edit")
    path = repo / "incidents" / sev1 / "postmortem.md"
    text = path.read_text().replace(
        "## What went well",
        "This was human error: Bob's mistake. He should have checked; careless.\n\n"
        "## What went well",
    )
    text = text.replace(
        "contributing_factors: []",
        "contributing_factors:\n  - {factor: bob skipped the canary, tag: x}",
    )
    path.write_text(text)
    result = cli("postmortem", "check", sev1)
    assert result.code == 1
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "human error" in row)
    for rule in ("human-error", "personal-fault", "should-have", "careless", "person-as-cause"):
        assert f"blameless/{rule}" in result.out
    assert "hindsight is not a contributing factor" in result.out
    data = json.loads(cli("lint", "--format", "json").out)
    found = {
        (f["rule"], f["line"]) for f in data["findings"] if f["path"].endswith("postmortem.md")
    }
    assert ("blameless/human-error", line) in found and ("blameless/should-have", line) in found
    path.write_text(
        text.replace(
            "This was human error", "<!-- incidentctl-disable: blameless -->\nThis was human error"
        )
    )
    data = json.loads(cli("lint", "--format", "json").out)
    assert not [
        f
        for f in data["findings"]
        if f["path"].endswith("postmortem.md") and f["rule"] != "blameless/person-as-cause"
    ]


def _reviewed_postmortem(cli: Cli, repo: Path, incident: str, extra: str) -> Path:
    cli.ok("postmortem", "new", incident, "--no-edit")
    path = repo / "incidents" / incident / "postmortem.md"
    path.write_text(path.read_text().replace("## What went well", extra + "\n\n## What went well"))
    git(repo, "commit", "-qam", "edit")
    cli.ok("postmortem", "status", incident, "reviewed")
    return path


LEAKY = """\
alice paged bob (bob@acme.example, +ops) who logged into db-7.internal from 192.168.4.20 and
2001:db8::1. Customer Globex Corp saw errors first.
<!-- internal -->Carol's side project Falcon caused load.<!-- /internal -->
Alice later said the dashboard at https://grafana.corp/d/x lied.
<script>alert('xss')</script> [click](javascript:alert(1))"""


def test_published_copy_contains_no_names_emails_ips_or_internal_spans(
    cli: Cli, repo: Path, sev1: str, tmp_path: Path
) -> None:
    (repo / "redactions.yaml").write_text(
        "customers: [Globex Corp]\nterms: [Falcon]\ninternal_hosts: ['*.internal', '*.corp']\n"
    )
    git(repo, "commit", "-qam", "redactions")
    _reviewed_postmortem(cli, repo, sev1, LEAKY)
    out = tmp_path / "pub"
    for fmt in ("markdown", "html"):
        written = Path(
            cli.ok("postmortem", "publish", sev1, "--out", str(out), "--format", fmt).out.strip()
        )
        text = written.read_text()
        for leak in (
            "alice",
            "Alice",
            "bob",
            "Bob",
            "Carol",
            "bob@acme.example",
            "192.168.4.20",
            "2001:db8::1",
            "db-7.internal",
            "grafana.corp",
            "Globex",
            "Falcon",
            "side project",
            "Test Responder",
        ):
            assert leak not in text, (fmt, leak)
        for placeholder in (
            "the incident commander",
            "the operations lead",
            "[email]",
            "[ip address]",
            "[internal host]",
            "[customer]",
            "[internal details removed]",
        ):
            assert placeholder in text, (fmt, placeholder)
    html = (out / f"{sev1}.html").read_text()
    assert "<script" not in html and 'href="javascript' not in html
    assert "&lt;script&gt;" in html  # shown as text, never run


def test_publish_fails_closed(cli: Cli, repo: Path, sev1: str, tmp_path: Path) -> None:
    out = tmp_path / "pub"
    cli.ok("postmortem", "new", sev1, "--no-edit")
    draft = cli("postmortem", "publish", sev1, "--out", str(out))
    assert draft.code == ExitCode.INVALID_STATE and "not reviewed" in draft.err
    assert not out.exists()
    path = repo / "incidents" / sev1 / "postmortem.md"
    path.write_text(
        path.read_text().replace(
            "## What went well", "The key AKIAIOSFODNN7EXAMPLE was in the log.\n\n## What went well"
        )
    )
    result = cli("postmortem", "publish", sev1, "--out", str(out), "--draft")
    assert result.code == ExitCode.REFUSED
    assert (
        "a secret (aws-access-key-id) on line" in result.err and "nothing was written" in result.err
    )
    assert "AKIA" not in result.err and not out.exists()


def test_similar_and_index(cli: Cli, repo: Path, sev1: str, tmp_path: Path) -> None:
    other = cli.ok(
        "declare",
        "Checkout down after deploy",
        "-s",
        "sev2",
        "--service",
        "checkout",
        now="2026-11-25T10:00:00Z",
    ).out.strip()
    cli.ok("resolve", other, "--root-cause-class", "bad-deploy", now="2026-11-25T11:00:00Z")
    unrelated = cli.ok(
        "declare", "Search slow", "-s", "sev3", "--service", "search", now="2026-11-24T10:00:00Z"
    ).out.strip()
    matches = cli.ok("similar", other, "--json").json()
    assert [m["id"] for m in matches] == [sev1]
    assert "same root-cause class bad-deploy" in matches[0]["reasons"]
    assert unrelated not in json.dumps(matches)
    cli.ok("postmortem", "new", other, "--no-edit")
    assert sev1 in (repo / "incidents" / other / "postmortem.md").read_text()
    _reviewed_postmortem(cli, repo, sev1, "Nothing sensitive here.")
    cli.ok("postmortem", "status", sev1, "published")
    out = tmp_path / "site"
    cli.ok("postmortem", "index", "--out", str(out))
    index = (out / "index.html").read_text()
    assert f'href="{sev1}.html"' in index and "bad-deploy" in index and other not in index


def test_report_counts_actions_and_earlier_open_actions(cli: Cli, sev1: str) -> None:
    cli.ok(
        "action",
        "add",
        sev1,
        "Canary",
        "--owner",
        "dana",
        "--due",
        "2026-11-30",
        now="2026-11-21T00:00:00Z",
    )
    done = cli.ok(
        "action", "add", sev1, "Alert", "--owner", "erin", now="2026-11-21T00:00:00Z"
    ).out.strip()
    cli.ok("action", "done", done, now="2026-11-23T00:00:00Z")
    again = cli.ok(
        "declare",
        "Checkout down again",
        "-s",
        "sev2",
        "--service",
        "checkout",
        now="2026-11-28T10:00:00Z",
    ).out.strip()
    cli.ok("resolve", again, "--root-cause-class", "bad-deploy", now="2026-11-28T11:00:00Z")
    data = cli.ok(
        "report",
        "-f",
        "json",
        "--since",
        "2026-11-01",
        "--until",
        "2026-12-01",
        now="2026-12-05T00:00:00Z",
    ).json()
    assert data["actions"]["total"] == 2 and data["actions"]["done"] == 1
    assert data["actions"]["overdue"] == 1 and data["actions"]["median_time_to_close_s"] == 172800
    assert data["actions"]["by_severity"]["sev1"] == {
        "open": 1,
        "done": 1,
        "wontdo": 0,
        "overdue": 1,
    }
    repeat = next(r for r in data["repeat_class"]["repeats"] if r["id"] == again)
    assert repeat["prior_ids"] == [sev1] and repeat["prior_open_actions"] == 1
