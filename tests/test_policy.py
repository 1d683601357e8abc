"""Severity policy as routing: checklist, cadence, board, classify, policy tests, hooks,
comms and the public status page."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from conftest import Cli, git


def test_sev1_without_commander_shows_the_checklist(cli: Cli) -> None:
    result = cli.ok(
        "declare",
        "Payments down",
        "-s",
        "sev1",
        "--service",
        "payments",
        now="2026-11-30T10:00:00Z",
    )
    err = result.err
    assert "page on-call: yes" in err and "page by hand" in err
    for role in ("commander", "operations", "communications", "scribe"):
        assert f"role {role}: fill by 2026-11-30 10:15:00 UTC" in err
    assert "internal updates every 30 min; next due 2026-11-30 10:30:00 UTC" in err
    assert "customer updates every 30 min; next due 2026-11-30 10:30:00 UTC" in err
    assert "post-mortem: required within 3 days of resolution" in err


def test_board_shows_overdue_updates_and_downgrade_changes_cadence(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "160")  # a terminal wide enough not to wrap the table
    incident = cli.ok(
        "declare",
        "Checkout errors",
        "-s",
        "sev1",
        "--service",
        "checkout",
        "--commander",
        "ann",
        now="2026-11-30T10:00:00Z",
    ).out.strip()

    def board(now: str) -> dict[str, object]:
        rows = cli.ok("board", "--json", now=now).json()
        return next(r for r in rows if r["id"] == incident)

    early = board("2026-11-30T10:20:00Z")
    assert {u["surface"]: u["overdue_minutes"] for u in early["updates"]} == {
        "internal": 0,
        "customer": 0,
        "executive": 0,
    }
    late = board("2026-11-30T10:45:00Z")
    customer = next(u for u in late["updates"] if u["surface"] == "customer")
    assert customer["overdue_minutes"] == 15
    assert late["overdue_roles"] == ["operations", "communications", "scribe"]
    cli.ok(
        "comms",
        "post",
        incident,
        "--surface",
        "customer",
        "We are investigating.",
        now="2026-11-30T10:46:00Z",
    )
    after = board("2026-11-30T10:50:00Z")
    customer = next(u for u in after["updates"] if u["surface"] == "customer")
    assert customer["overdue_minutes"] == 0 and customer["next_due"] == "2026-11-30T11:16:00+00:00"
    text = cli.ok("board", now="2026-11-30T10:50:00Z").out
    assert incident in text and "internal overdue 20m" in text

    down = cli.ok("severity", incident, "sev3", "--reason", "contained", now="2026-11-30T11:00:00Z")
    assert "internal updates every 120 min; next due 2026-11-30 13:00:00 UTC" in down.err
    assert "customer updates" not in down.err
    assert "not again after a de-escalation" in down.err
    row = board("2026-11-30T11:30:00Z")
    assert [u["surface"] for u in row["updates"]] == ["internal"]
    assert row["updates"][0]["every_minutes"] == 120  # type: ignore[index]


def test_policy_test_catches_a_policy_edit(cli: Cli, repo: Path) -> None:
    ok = cli.ok("policy", "test")
    assert "5 passed, 0 failed" in ok.out
    config = repo / ".incidentctl.yaml"
    text = config.read_text()
    roles = "      required_roles: [commander, operations, communications, scribe]"
    config.write_text(text.replace(f"      page: true\n{roles}", f"      page: false\n{roles}"))
    failed = cli("policy", "test")
    assert failed.code == 1
    assert "FAIL data loss is SEV1" in failed.out and "page: expected True, got False" in failed.out
    assert "2 failed" in failed.out


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("  - name: sev2\n", "  - name: sev1\n", "severity 'sev1' is defined twice"),
        ("internal_update_minutes: 60", "internal_update_minutes: 0", "greater than 0"),
        (
            "required_roles: [commander, operations, communications]\n",
            "required_roles: [commander, pilot]\n",
            "requires unknown role 'pilot'",
        ),
        ("review_window_days: 5", "review_window_days: soon", "expected a whole number"),
        (
            'when: {customer_facing: true, users_affected: ">=10"}',
            'when: {customer_facing: true, users_affected: "lots"}',
            "must look like",
        ),
    ],
)
def test_invalid_policy_is_rejected_with_file_and_line(
    cli: Cli, repo: Path, old: str, new: str, message: str
) -> None:
    config = repo / ".incidentctl.yaml"
    text = config.read_text()
    assert old in text
    config.write_text(text.replace(old, new, 1))
    line = text[: text.index(old)].count("\n") + 1
    result = cli("policy", "show")
    assert result.code == 5
    assert result.err.startswith(f"error: .incidentctl.yaml:{line}: ") and message in result.err


def test_classify_flags_json_and_errors(cli: Cli) -> None:
    out = cli.ok("classify", "--customer-facing", "--users-affected", "30%")
    assert out.out.strip() == "sev2" and "significant share" in out.err
    data = cli.ok("classify", "--data-loss", "--json").json()
    assert data["severity"] == "sev1" and data["response"]["page"] is True
    assert cli.ok("classify", "--no-customer-facing", "--internal-impact").out.strip() == "sev4"
    assert cli.ok("classify", "--users-affected=60", "--customer-facing").out.strip() == "sev1"
    bad = cli("classify", "--blast-radius", "big")
    assert bad.code == 2 and "--data-loss" in bad.err
    worse = cli("classify", "--users-affected", "140%")
    assert worse.code == 2 and "between 0 and 100" in worse.err


def test_page_hook_runs_without_a_shell_and_is_recorded(
    cli: Cli, repo: Path, tmp_path: Path
) -> None:
    received = tmp_path / "paged.json"
    script = tmp_path / "pager.py"
    script.write_text(
        "import json, sys\n"
        f"open({str(received)!r}, 'a').write(sys.stdin.read() + '\\n')\n"
        "print('paged; arg=' + sys.argv[1])\n"
        "sys.exit(0 if 'ok' in sys.argv[1] else 3)\n"
    )
    config = repo / ".incidentctl.yaml"
    config.write_text(
        config.read_text().replace(
            "  page: []", f"  page: [{sys.executable}, {script}, 'ok; touch pwned']"
        )
    )
    git(repo, "commit", "-qam", "pager hook")
    declared = cli.ok("declare", "DB down", "-s", "sev1", "--service", "db")
    assert "page on-call: page hook sent, exit code 0" in declared.err
    incident = declared.out.strip()
    payload = json.loads(received.read_text().splitlines()[0])
    assert payload["id"] == incident and payload["severity"] == "sev1"
    assert not (repo / "pwned").exists()
    shown = cli.ok("show", incident, "--json").json()
    page = next(e for e in shown["timeline"] if e["type"] == "page")
    assert page["details"]["outcome"] == "sent" and "paged; arg=ok; touch pwned" in page["message"]
    assert git(repo, "log", "-1", "--format=%s").startswith(f"incident({incident}): declare")
    # A hook that fails is recorded as failed; escalating pages again, downgrading does not.
    config.write_text(config.read_text().replace("'ok; touch pwned'", "boom"))
    small = cli.ok("declare", "Minor", "-s", "sev4").out.strip()
    escalated = cli.ok("severity", small, "sev1", "--reason", "worse")
    assert "page hook failed, exit code 3" in escalated.err
    cli.ok("severity", small, "sev2", "--reason", "better")
    pages = [e for e in cli.ok("show", small, "--json").json()["timeline"] if e["type"] == "page"]
    assert len(pages) == 1 and pages[0]["details"]["exit_code"] == 3


def test_comms_draft_keeps_internal_notes_out_of_customer_text(cli: Cli) -> None:
    incident = cli.ok(
        "declare",
        "Checkout 502s after bob's deploy",
        "-s",
        "sev2",
        "--service",
        "checkout",
        "--commander",
        "alice",
        now="2026-11-30T10:00:00Z",
    ).out.strip()
    cli.ok(
        "update", incident, "INTERNAL: rollback of build 4512 by bob", now="2026-11-30T10:05:00Z"
    )
    customer = cli.ok(
        "comms", "draft", incident, "--surface", "customer", now="2026-11-30T10:06:00Z"
    ).out
    assert "bob" not in customer and "alice" not in customer and "4512" not in customer
    assert "checkout" in customer and "2026-11-30 11:00:00 UTC" in customer
    internal = cli.ok("comms", "draft", incident, "--surface", "internal").out
    assert "rollback of build 4512" in internal and "alice" in internal
    bad = cli("comms", "draft", incident, "--surface", "pager")
    assert bad.code == 2 and "unknown surface" in bad.err


def test_status_page_escapes_and_leaks_nothing_internal(
    cli: Cli, repo: Path, tmp_path: Path
) -> None:
    evil = "<script>alert('x')</script><img src=x onerror=alert(1)>"
    public = cli.ok(
        "declare",
        f"Internal {evil} title by bob",
        "-s",
        "sev1",
        "--service",
        "checkout",
        "--commander",
        "alice",
        now="2026-11-30T10:00:00Z",
    ).out.strip()
    cli.ok("set", public, "--public-title", f"Checkout errors {evil}")
    cli.ok(
        "update",
        public,
        "SECRET-INTERNAL-NOTE root cause is carol's script",
        now="2026-11-30T10:05:00Z",
    )
    cli.ok(
        "comms",
        "post",
        public,
        "--surface",
        "customer",
        f"We are on it {evil}",
        "--by",
        "dave",
        now="2026-11-30T10:10:00Z",
    )
    cli.ok(
        "comms",
        "post",
        public,
        "--surface",
        "internal",
        "INTERNAL-ONLY-POST",
        now="2026-11-30T10:11:00Z",
    )
    quiet = cli.ok(
        "declare",
        "Never communicated",
        "-s",
        "sev2",
        "--service",
        "search",
        now="2026-11-30T10:00:00Z",
    ).out.strip()
    drill = cli.ok(
        "declare",
        "Game day",
        "-s",
        "sev1",
        "--drill",
        "--service",
        "drillsvc",
        now="2026-11-30T10:00:00Z",
    ).out.strip()
    cli.ok(
        "comms", "post", drill, "--surface", "customer", "DRILL-POST", now="2026-11-30T10:12:00Z"
    )
    out = tmp_path / "site"
    cli.ok("statuspage", "build", "--out", str(out), now="2026-11-30T10:20:00Z")
    everything = "".join(
        (out / name).read_text() for name in ("index.html", "feed.json", "feed.atom")
    )
    html = (out / "index.html").read_text()
    assert (
        "<script" not in html
        and "<img" not in html
        and "onerror=alert" not in html.replace("onerror=alert(1)&gt;", "")
    )
    assert "&lt;script&gt;" in html
    for leak in (
        "alice",
        "bob",
        "carol",
        "dave",
        "SECRET-INTERNAL-NOTE",
        "INTERNAL-ONLY-POST",
        "DRILL-POST",
        "drillsvc",
        "Internal",
        "sev1",
        quiet,
        drill,
    ):
        assert leak not in everything, leak
    assert "Checkout errors" in html and "partial outage" not in html
    assert "major outage" in html and "search" not in html
    feed = json.loads((out / "feed.json").read_text())
    assert "home_page_url" not in feed and "feed_url" not in feed  # never relative
    assert all("url" not in item for item in feed["items"])
    import xml.etree.ElementTree as ET

    ET.fromstring((out / "feed.atom").read_text())
    base = "https://status.example.com/acme"
    cli.ok("statuspage", "build", "--out", str(out), "--base-url", base)
    feed = json.loads((out / "feed.json").read_text())
    assert feed["home_page_url"] == base + "/"
    assert feed["feed_url"] == base + "/feed.json"
    assert feed["items"] and all(
        item["url"].startswith(base + "/index.html#") for item in feed["items"]
    )
    atom = ET.fromstring((out / "feed.atom").read_text())
    links = [e.get("href") for e in atom.iter("{http://www.w3.org/2005/Atom}link")]
    assert links and all(str(href).startswith(base + "/") for href in links)
    bad = cli("statuspage", "build", "--out", str(out), "--base-url", "status.example.com")
    assert bad.code == 2 and bad.err.startswith("error: --base-url 'status.example.com'")


def test_roles_prints_responsibilities(cli: Cli) -> None:
    out = cli.ok("roles").out
    assert "commander — Incident Commander" in out
    assert "does not: Investigating or fixing the problem hands-on" in out
    shown = cli.ok("policy", "show").out
    assert shown.startswith("sev1: ") and "post-mortem: required, review within 3 days" in shown
