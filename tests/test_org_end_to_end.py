"""Issue 18 as a new user tries it: a records repo beside a folder of Backstage descriptors
(two teams, a system, users in groups), driven through the installed CLI."""

from __future__ import annotations

import json
from pathlib import Path

from org_fixtures import write_backstage

from conftest import git, run_installed

NOW = "2026-12-03T14:00:00Z"  # 15:00 in Berlin

CONFIG_EXTRA = """
catalog:
  locations: [../services]
fields:
  - name: region
    type: enum
    values: [eu, us]
    required: resolve
  - name: ticket
    type: url
types:
  - name: security
    required_fields: {ticket: resolve}
    postmortem_required: true
  - name: customer-facing
"""


def _cli(records: Path, *args: str, now: str = NOW, code: int = 0) -> tuple[str, str]:
    result = run_installed(records, *args, env={"INCIDENTCTL_NOW": now})
    assert result.code == code, (args, result.code, result.err)
    assert "Traceback" not in result.err
    return result.out, result.err


def test_the_organisation_around_the_incident(tmp_path: Path) -> None:
    acme = tmp_path / "acme"
    git(tmp_path, "init", "-q", str(acme))
    write_backstage(acme / "services")
    git(acme, "add", "-A")
    git(acme, "commit", "-qm", "descriptors")
    records = acme / "records"
    assert run_installed(tmp_path, "init", str(records)).code == 0
    config = records / ".incidentctl.yaml"
    config.write_text(
        config.read_text().replace("timezone: UTC", "timezone: Europe/Berlin") + CONFIG_EXTRA
    )
    git(acme, "commit", "-qam", "organisation")

    out, err = _cli(records, "catalog", "check")
    assert "catalog ok: 3 services, 2 teams, 1 systems, 2 people" in err

    # A misspelt service gets a suggestion; nothing is written.
    head = git(acme, "rev-parse", "HEAD")
    _, err = _cli(
        records, "declare", "Checkout errors", "-s", "sev2", "--service", "chekout-api", code=2
    )
    assert "did you mean 'checkout-api'?" in err.splitlines()[0]
    assert git(acme, "rev-parse", "HEAD") == head

    # The time forms a tired responder types, read in the repo's zone.
    declared = {}
    for at, service, kind, region in (
        ("yesterday 14:00", "checkout-api", "security", "eu"),
        ("2:05pm", "payments-db", "customer-facing", "us"),
        ("15 min ago", "search", "default", "eu"),
        ("-15 m", "search", "customer-facing", None),
        ("2026-12-02 14:00", "checkout-api", "default", "us"),
    ):
        args = [
            "declare",
            f"{service} trouble",
            "-s",
            "sev3",
            "--service",
            service,
            "--at",
            at,
            "--type",
            kind,
            "--by",
            "alice@acme.example",
        ]
        if region:
            args += ["--field", f"region={region}"]
        declared[at] = _cli(records, *args)[0].strip()
    times = {
        at: json.loads(_cli(records, "show", i, "--json")[0])["declared_at"]
        for at, i in declared.items()
    }
    assert times == {
        "yesterday 14:00": "2026-12-02T13:00:00Z",
        "2:05pm": "2026-12-03T13:05:00Z",
        "15 min ago": "2026-12-03T13:45:00Z",
        "-15 m": "2026-12-03T13:45:00Z",
        "2026-12-02 14:00": "2026-12-02T13:00:00Z",
    }
    _, err = _cli(records, "ack", declared["2:05pm"], "--at", "half past two", code=2)
    line = err.splitlines()[0]
    assert "15 min ago" in line and "2:05pm" in line and "yesterday 14:00" in line
    assert "'2026-12-03 14:05' (wall-clock in Europe/Berlin)" in line
    assert "2026-12-03T14:05+01:00" in line
    _, err = _cli(records, "ack", declared["2:05pm"], "--at", "2026-03-29 02:30", code=2)
    assert "+01:00 to +02:00" in err and "-04:00" not in err

    # A required field missing at resolve is refused with one clear line.
    breach = declared["yesterday 14:00"]
    _, err = _cli(records, "resolve", breach, code=4)
    assert err.splitlines()[0] == (
        f"error: incident {breach} cannot be resolved: required field ticket is not set; "
        "nothing was written"
    )
    _cli(records, "set", breach, "--field", "ticket=https://tickets.acme.example/SEC-7")
    _cli(records, "assign", breach, "commander", "Bob Ops")
    _cli(records, "mitigate", breach, "--by", "bob")
    _cli(records, "resolve", breach, "--by", "bob", "--root-cause-class", "bad-config")
    no_region = declared["-15 m"]
    _, err = _cli(records, "resolve", no_region, code=4)
    assert "required field region is not set" in err.splitlines()[0]

    # People appear by display name in show; the records keep handles.
    shown, _ = _cli(records, "show", breach)
    assert "commander: Bob Ops" in shown and "Alice Adams" in shown
    data = json.loads(_cli(records, "show", breach, "--json")[0])
    assert data["roles"] == {"commander": "bob"}
    # git's identity (Test Responder) is not in the directory: kept as it is
    assert {e["by"] for e in data["timeline"]} == {"alice", "bob", "Test Responder"}
    assert (data["team"], data["system"], data["type"]) == ("payments", "checkout", "security")

    # ... and are redacted in publishing.
    _cli(records, "postmortem", "new", breach, "--no-edit")
    pm = records / "incidents" / breach / "postmortem.md"
    pm.write_text(
        pm.read_text().replace(
            "## What went well",
            "Alice Adams noticed; Bob Ops (bob@acme.example) rolled back.\n\n## What went well",
        )
    )
    git(acme, "commit", "-qam", "write-up")
    _cli(records, "postmortem", "status", breach, "reviewed")
    written, _ = _cli(records, "postmortem", "publish", breach, "--out", str(tmp_path / "pub"))
    text = Path(written.strip()).read_text()
    for leak in ("Alice", "Adams", "Bob", "bob@acme", "alice"):
        assert leak not in text, leak

    # The quarterly report breaks down by team, system, type and a field; each sums.
    out, _ = _cli(
        records,
        "report",
        "--quarter",
        "2026Q4",
        "--group-by",
        "team",
        "--group-by",
        "system",
        "--group-by",
        "type",
        "--group-by",
        "field:region",
        "-f",
        "json",
        now="2027-01-04T09:00:00Z",
    )
    report = json.loads(out)
    total = report["incidents"]["total"]
    assert total == 5
    counts = {k: {v: g["count"] for v, g in gs.items()} for k, gs in report["breakdowns"].items()}
    assert counts == {
        "team": {"discovery": 2, "payments": 3},
        "system": {"(none)": 2, "checkout": 3},
        "type": {"customer-facing": 2, "default": 2, "security": 1},
        "field:region": {"(none)": 1, "eu": 2, "us": 2},
    }
    for groups in counts.values():
        assert sum(groups.values()) == total
    table, _ = _cli(
        records, "report", "--quarter", "2026Q4", "--group-by", "team", now="2027-01-04T09:00:00Z"
    )
    assert "By team" in table

    # board --team, and lint is clean of organisation findings.
    rows = json.loads(_cli(records, "board", "--team", "discovery", "--json")[0])
    assert {r["id"] for r in rows} == {declared["15 min ago"], declared["-15 m"]}
    lint = run_installed(records, "lint", "--format", "json", env={"INCIDENTCTL_NOW": NOW})
    rules = {f["rule"] for f in json.loads(lint.out)["findings"]}
    assert not {r for r in rules if r.startswith(("catalog/", "fields/"))}
