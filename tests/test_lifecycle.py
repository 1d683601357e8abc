"""The scripted incident from the foundation issue, end to end through the CLI."""

from __future__ import annotations

from pathlib import Path

from conftest import Cli, commit_count, git, is_clean


def test_scripted_incident_one_commit_per_step_and_exact_json(cli: Cli, repo: Path) -> None:
    base = commit_count(repo)
    declared = cli.ok(
        "declare",
        "Checkout API returning 502s",
        "--severity",
        "SEV2",
        "--service",
        "checkout",
        "--category",
        "deploy",
        "--started-at",
        "-20m",
        "--detected-at",
        "-5m",
        "--commander",
        "alice",
        now="2026-11-30T10:00:00Z",
    )
    incident = declared.out.strip()
    assert len(incident) == 6
    assert "declared sev2 incident" in declared.err
    steps = [
        (("ack", incident[:3], "--by", "bob"), "2026-11-30T10:02:00Z"),
        (
            ("update", incident, "Rolled back build 4512", "--status", "identified", "--by", "bob"),
            "2026-11-30T10:05:00Z",
        ),
        (
            ("update", incident, "Error rate falling", "--status", "monitoring"),
            "2026-11-30T10:10:00Z",
        ),
        (
            ("update", incident, "EU payments also failing", "--at", "2026-11-30T11:11:00+01:00"),
            "2026-11-30T10:12:00Z",
        ),
        (
            ("severity", incident, "sev1", "--reason", "EU payments failing too"),
            "2026-11-30T10:13:00Z",
        ),
        (("assign", incident, "Commander", "carol"), "2026-11-30T10:20:00Z"),
        (("mitigate", incident), "2026-11-30T10:40:00Z"),
        (("resolve", incident, "--root-cause-class", "config-change"), "2026-11-30T11:30:00Z"),
    ]
    for args, now in steps:
        result = cli.ok(*args, now=now)
        assert result.out == ""
        assert incident in result.err
        assert is_clean(repo), args
    assert commit_count(repo) == base + 1 + len(steps)
    subjects = git(repo, "log", "--format=%s", f"-{len(steps) + 1}").splitlines()
    assert subjects[0] == f"incident({incident}): resolve"
    assert subjects[-1].startswith(f"incident({incident}): declare sev2")
    assert all(s.startswith(f"incident({incident}): ") for s in subjects)

    shown = cli.ok("show", incident, "--json").json()
    assert shown["id"] == incident
    assert shown["title"] == "Checkout API returning 502s"
    assert shown["severity"] == "sev1"
    assert shown["status"] == "resolved"
    assert shown["services"] == ["checkout"]
    assert shown["category"] == "deploy"
    assert shown["drill"] is False
    assert shown["root_cause_class"] == "config-change"
    assert shown["started_at"] == "2026-11-30T09:40:00Z"
    assert shown["detected_at"] == "2026-11-30T09:55:00Z"
    assert shown["declared_at"] == "2026-11-30T10:00:00Z"
    assert shown["acknowledged_at"] == "2026-11-30T10:02:00Z"
    assert shown["mitigated_at"] == "2026-11-30T10:40:00Z"
    assert shown["resolved_at"] == "2026-11-30T11:30:00Z"
    assert shown["roles"] == {"commander": "carol"}
    assert shown["severity_history"] == [
        {"at": "2026-11-30T10:00:00Z", "from": None, "to": "sev2", "reason": None},
        {
            "at": "2026-11-30T10:13:00Z",
            "from": "sev2",
            "to": "sev1",
            "reason": "EU payments failing too",
        },
    ]
    assert [r["person"] for r in shown["role_history"]] == ["alice", "carol"]
    assert shown["role_history"][1]["previous"] == "alice"
    timeline = shown["timeline"]
    assert [e["type"] for e in timeline] == [
        "declared",
        "acknowledged",
        "update",
        "update",
        "update",
        "severity",
        "role",
        "mitigated",
        "resolved",
    ]
    assert timeline[1]["by"] == "bob"
    assert timeline[0]["by"] == "Test Responder"
    assert timeline[4]["at"] == "2026-11-30T10:11:00Z"
    assert timeline[2]["message"] == "Rolled back build 4512"
    assert all({"id", "at", "type", "by", "message"} <= set(e) for e in timeline)

    listed = cli.ok("list", "--json").json()
    assert len(listed) == 1
    for key in ("id", "severity", "status", "started_at", "resolved_at", "roles"):
        assert listed[0][key] == shown[key]
    assert "timeline" not in listed[0]


def test_declare_json_and_drill(cli: Cli) -> None:
    result = cli.ok("declare", "Game day: kill a zone", "-s", "sev3", "--drill", "--json")
    data = result.json()
    assert data["severity"] == "sev3"
    assert data["committed"] is True
    assert cli.ok("show", data["id"], "--json").json()["drill"] is True


def test_no_commit_leaves_change_staged(cli: Cli, repo: Path) -> None:
    incident = cli.ok("declare", "Disk filling", "-s", "sev4").out.strip()
    before = commit_count(repo)
    cli.ok("update", incident, "cleaning logs", "--no-commit")
    assert commit_count(repo) == before
    staged = git(repo, "diff", "--cached", "--name-only").split()
    assert len(staged) == 1 and staged[0].startswith(f"incidents/{incident}/events/")
    assert not is_clean(repo)


def test_reopen_clears_resolution_and_last_resolution_counts(cli: Cli) -> None:
    i = cli.ok("declare", "Queue backlog", "-s", "sev3", now="2026-11-30T08:00:00Z").out.strip()
    cli.ok("resolve", i, now="2026-11-30T08:30:00Z")
    cli.ok("reopen", i, "--reason", "backlog again", now="2026-11-30T09:00:00Z")
    state = cli.ok("show", i, "--json").json()
    assert state["status"] == "investigating" and state["resolved_at"] is None
    assert state["reopen_count"] == 1
    cli.ok("resolve", i, now="2026-11-30T09:45:00Z")
    assert cli.ok("show", i, "--json").json()["resolved_at"] == "2026-11-30T09:45:00Z"


def test_list_filters(cli: Cli) -> None:
    a = cli.ok(
        "declare", "A", "-s", "sev1", "--service", "api", now="2026-11-01T00:00:00Z"
    ).out.strip()
    b = cli.ok(
        "declare", "B", "-s", "sev3", "--service", "web", now="2026-11-20T00:00:00Z"
    ).out.strip()
    cli.ok("resolve", b, now="2026-11-21T00:00:00Z")
    ids = lambda *args: [x["id"] for x in cli.ok("list", "--json", *args).json()]  # noqa: E731
    assert ids() == [b, a]
    assert ids("--status", "open") == [a]
    assert ids("--status", "resolved") == [b]
    assert ids("--severity", "SEV1") == [a]
    assert ids("--service", "web") == [b]
    assert ids("--since", "2026-11-10T00:00:00Z") == [b]
    text = cli.ok("list").out
    assert a in text and b in text and "TITLE" in text


def test_wall_clock_time_uses_configured_timezone(cli: Cli, repo: Path) -> None:
    config = repo / ".incidentctl.yaml"
    config.write_text(config.read_text().replace("timezone: UTC", "timezone: Europe/Berlin"))
    git(repo, "commit", "-qam", "berlin")
    i = cli.ok(
        "declare", "Late night", "-s", "sev2", "--started-at", "10:30", now="2026-11-30T10:00:00Z"
    ).out.strip()
    assert cli.ok("show", i, "--json").json()["started_at"] == "2026-11-30T09:30:00Z"


def test_set_records_an_event_and_leaves_the_humans_file_alone(cli: Cli, repo: Path) -> None:
    i = cli.ok("declare", "Search slow", "-s", "sev3").out.strip()
    path = repo / "incidents" / i / "incident.md"
    text = path.read_text().replace("title:", "# keep me\ntitle:")
    text = text.replace("drill: false", "drill: false  # not a drill")
    path.write_text(text)
    git(repo, "commit", "-qam", "human edit")
    cli.ok("set", i, "--title", "yes", "--service", "Search", now="2026-11-30T10:05:00Z")
    assert path.read_text() == text
    state = cli.ok("show", i, "--json").json()
    assert state["title"] == "yes" and state["services"] == ["search"]
    changed = [e for e in state["timeline"] if e["type"] == "changed"]
    assert [e["details"] for e in changed] == [{"title": "yes", "services": ["search"]}]
    assert is_clean(repo)
