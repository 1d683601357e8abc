"""Importers (cState, CSV), chat timelines, OpenMetrics, edit and completion."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from conftest import Cli, git, is_clean

CSTATE = {
    "2021-06-15-ci-outage.md": """\
---
title: ci.jenkins.io is down
date: 2021-06-15T10:00:00-00:00
resolved: true
resolvedWhen: 2021-06-15T12:30:00-00:00
severity: down
affected:
  - ci.jenkins.io
section: issue
---
*Investigating* - We are looking into it. {{< track "2021-06-15T10:05:00-00:00" >}}

*Resolved* - Agents are back. {{< track "2021-06-15T12:30:00-00:00" >}}

<!-- **Resolved*:** template text {{< track "2019-08-30 21:38:00" >}} -->
""",
    "2022-01-02-slow-updates.md": """\
---
title: Update center slow
date: 2022-01-02 08:00:00
resolved: true
resolvedWhen: 2022-01-02 09:00:00
severity: disrupted
affected: [updates.jenkins.io, Plugin Site]
section: issue
---
Mirrors lagging.
""",
    "2022-05-15-typo.md": """\
---
title: Repo slow
date: 2022-06-13T08:30:00Z
resolved: true
resolvedWhen: 2022-05-15T11:00:00Z
severity: notice
affected: [repo.jenkins-ci.org]
section: issue
---
""",
    "2023-01-01-notice.md": """\
---
title: Holiday schedule
date: 2023-01-01T00:00:00Z
informational: true
section: issue
---
""",
    "2023-02-01-still-open.md": """\
---
title: Mirror sync failing
date: 2023-02-01T10:00:00Z
resolved: false
severity: disrupted
affected: [mirrors]
section: issue
---
""",
}


@pytest.fixture
def cstate_site(tmp_path: Path) -> Path:
    issues = tmp_path / "site" / "content" / "issues"
    issues.mkdir(parents=True)
    for name, text in CSTATE.items():
        (issues / name).write_text(text)
    return tmp_path / "site"


def test_cstate_import_is_idempotent_and_reports(cli: Cli, repo: Path, cstate_site: Path) -> None:
    naive = cli("import", "cstate", str(cstate_site))
    assert naive.code == 2 and "--timezone" in naive.err
    first = cli.ok("import", "cstate", str(cstate_site), "--timezone", "UTC")
    ids = first.out.split()
    assert len(ids) == 4
    assert "skipped 1" in first.err and "informational" in first.err
    assert "2 time(s) had no UTC offset" in first.err
    assert "resolved before it started" in first.err
    assert is_clean(repo)
    again = cli.ok("import", "cstate", str(cstate_site), "--timezone", "UTC")
    assert again.out == "" and "imported 0 incident(s), skipped 5" in again.err
    listed = {x["title"]: x for x in cli.ok("list", "--json").json()}
    ci = listed["ci.jenkins.io is down"]
    assert ci["severity"] == "sev1" and ci["services"] == ["ci.jenkins.io"]
    assert ci["started_at"] == "2021-06-15T10:00:00Z"
    assert ci["resolved_at"] == "2021-06-15T12:30:00Z"
    shown = cli.ok("show", ci["id"], "--json").json()
    assert [e["message"] for e in shown["timeline"] if e["type"] == "update"] == [
        "*Investigating* - We are looking into it.",
        "*Resolved* - Agents are back.",
    ]
    # the source has no detection time: none is invented, and TTD is unknown
    assert shown["detected_at"] is None and shown["detection_known"] is False
    assert listed["Update center slow"]["services"] == ["plugin-site", "updates.jenkins.io"]
    assert listed["Mirror sync failing"]["status"] == "investigating"
    data = cli.ok(
        "report", "-f", "json", "--since", "2021-01-01", "--until", "2024-01-01", "--period", "year"
    ).json()
    assert data["durations"]["ttd"]["n"] == 0 and data["exclusions"]["ttd"]["missing"] == 4
    assert data["incidents"]["total"] == 4 and data["exclusions"]["ttr"] == {
        "negative": 1,
        "open": 1,
    }
    findings = json.loads(cli("lint", "--format", "json").out)["findings"]
    assert any(f["rule"] == "chronology/order" for f in findings)


def test_csv_import_with_mapping(cli: Cli, repo: Path, tmp_path: Path) -> None:
    export = tmp_path / "pd.csv"
    export.write_text(
        "Incident ID,Title,Created,Acknowledged,Resolved,Urgency,Service\n"
        "Q1,Checkout down,2026-03-01T10:00:00Z,2026-03-01T10:04:00Z,2026-03-01T11:00:00Z,"
        "high,Checkout API\n"
        "Q2,Search slow,2026-03-02T09:00:00+01:00,,2026-03-02T09:30:00+01:00,low,Search\n"
        ",no id,2026-03-03T00:00:00Z,,,low,x\n"
    )
    mapping = (
        "id=Incident ID,title=Title,created=Created,acknowledged=Acknowledged,"
        "resolved=Resolved,severity=Urgency,service=Service"
    )
    result = cli.ok("import", "csv", str(export), "--map", mapping)
    assert len(result.out.split()) == 2 and "no id" in result.err
    again = cli.ok("import", "csv", str(export), "--map", mapping)
    assert again.out == ""
    listed = {x["title"]: x for x in cli.ok("list", "--json").json()}
    assert listed["Checkout down"]["acknowledged_at"] == "2026-03-01T10:04:00Z"
    assert listed["Checkout down"]["severity"] == "sev2"
    assert listed["Search slow"]["detected_at"] == "2026-03-02T08:00:00Z"
    assert listed["Search slow"]["severity"] == "sev4"
    assert listed["Checkout down"]["services"] == ["checkout-api"]
    bad = cli("import", "csv", str(export))
    assert bad.code == 2 and "--map" in bad.err


def test_timeline_import_from_slack_and_transcript(cli: Cli, repo: Path, tmp_path: Path) -> None:
    incident = cli.ok(
        "declare", "Checkout errors", "-s", "sev2", now="2026-11-30T10:00:00Z"
    ).out.strip()
    slack = tmp_path / "slack.json"
    slack.write_text(
        json.dumps(
            [
                {
                    "type": "message",
                    "user": "U1",
                    "user_profile": {"real_name": "Ann"},
                    "text": "seeing 502s on checkout",
                    "ts": "1796032920.000100",
                },
                {
                    "type": "message",
                    "subtype": "channel_join",
                    "user": "U2",
                    "text": "joined",
                    "ts": "1796032930.0",
                },
                {
                    "type": "message",
                    "user": "U2",
                    "user_name": "bob",
                    "text": "rolling back 4512",
                    "ts": "1796033400.0",
                },
            ]
        )
    )
    result = cli.ok("timeline", "import", incident, str(slack), now="2026-11-30T11:00:00Z")
    assert "imported 2 message(s)" in result.err
    again = cli.ok("timeline", "import", incident, str(slack), now="2026-11-30T11:00:00Z")
    assert "imported 0 message(s); 2 already in the timeline" in again.err
    transcript = tmp_path / "chat.txt"
    transcript.write_text(
        "10:15 carol: error rate dropping\n  continuing the thought\n"
        "10:20 dave: unrelated chatter\n10:25 carol: all clear\n"
    )
    cli.ok(
        "timeline",
        "import",
        incident,
        str(transcript),
        "--author",
        "carol",
        now="2026-11-30T11:00:00Z",
    )
    timeline = cli.ok("show", incident, "--json").json()["timeline"]
    updates = [(e["at"], e["by"], e["message"]) for e in timeline if e["type"] == "update"]
    assert updates == [
        ("2026-11-30T10:02:00Z", "Ann", "seeing 502s on checkout"),
        ("2026-11-30T10:10:00Z", "bob", "rolling back 4512"),
        ("2026-11-30T10:15:00Z", "carol", "error rate dropping\ncontinuing the thought"),
        ("2026-11-30T10:25:00Z", "carol", "all clear"),
    ]
    assert next(e for e in timeline if e["by"] == "Ann")["backfill"] is False
    assert is_clean(repo)


def test_openmetrics_output_parses(cli: Cli) -> None:
    from prometheus_client.openmetrics.parser import text_string_to_metric_families

    for n in range(3):
        i = cli.ok(
            "declare",
            f"i{n}",
            "-s",
            "sev2",
            "--started-at",
            f"2026-07-0{n + 1}T09:00:00Z",
            now=f"2026-07-0{n + 1}T10:00:00Z",
        ).out.strip()
        cli.ok("resolve", i, "--root-cause-class", "capacity", now=f"2026-07-0{n + 1}T11:00:00Z")
    text = cli.ok("report", "-q", "2026Q3", "--format", "openmetrics").out
    families = {f.name: f for f in text_string_to_metric_families(text)}
    samples = {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for f in families.values()
        for s in f.samples
    }
    assert samples[("incidentctl_incidents", (("severity", "sev2"),))] == 3
    assert samples[("incidentctl_ttr_seconds", (("quantile", "0.5"),))] == 3600
    assert samples[("incidentctl_ttr_seconds_count", ())] == 3
    assert samples[("incidentctl_repeat_class_rate", ())] == pytest.approx(2 / 3, abs=1e-3)
    assert families["incidentctl_ttd_seconds"].type == "summary"


def test_openmetrics_sum_is_the_exact_total(cli: Cli) -> None:
    from prometheus_client.openmetrics.parser import text_string_to_metric_families

    # TTRs of 1000, 1000 and 1001 s: the mean rounds to 1000.333, so mean x n is 3000.999.
    for n, seconds in enumerate(("16:40", "16:40", "16:41")):
        i = cli.ok("declare", f"i{n}", "-s", "sev3", now=f"2026-07-0{n + 1}T10:00:00Z").out
        cli.ok("resolve", i.strip(), now=f"2026-07-0{n + 1}T10:{seconds}Z")
    text = cli.ok("report", "-q", "2026Q3", "--format", "openmetrics").out
    samples = {
        s.name: s.value
        for f in text_string_to_metric_families(text)
        for s in f.samples
        if not s.labels
    }
    assert samples["incidentctl_ttr_seconds_sum"] == 3001
    assert samples["incidentctl_ttr_seconds_count"] == 3
    report = cli.ok("report", "-q", "2026Q3", "--format", "json").json()
    assert report["durations"]["ttr"]["sum_s"] == 3001


def test_edit_validates_on_save(
    cli: Cli, repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    incident = cli.ok("declare", "Search slow", "-s", "sev3").out.strip()
    good = tmp_path / "good.py"
    good.write_text(
        "import sys, pathlib\np = pathlib.Path(sys.argv[1])\n"
        "p.write_text(p.read_text().replace('Search slow', 'Search very slow'))\n"
    )
    monkeypatch.setenv("EDITOR", f"{sys.executable} {good}")
    cli.ok("edit", incident)
    assert cli.ok("show", incident, "--json").json()["title"] == "Search very slow"
    assert git(repo, "log", "-1", "--format=%s") == f"incident({incident}): edit\n"
    bad = tmp_path / "bad.py"
    bad.write_text(
        "import sys, pathlib\np = pathlib.Path(sys.argv[1])\n"
        "p.write_text(p.read_text().replace('drill: false', 'drill: maybe'))\n"
    )
    monkeypatch.setenv("EDITOR", f"{sys.executable} {bad}")
    result = cli("edit", incident)
    assert result.code == 5 and "drill" in result.err
    missing = cli("edit", incident, "--postmortem")
    assert missing.code == 4 and "postmortem new" in missing.err


def test_completion_of_ids_and_severities(
    cli: Cli, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from incidentctl.cli import complete

    incident = cli.ok("declare", "x", "-s", "sev3").out.strip()
    monkeypatch.chdir(repo)
    assert complete.incident_ids(incident[:2]) == [incident]
    assert complete.severities("SEV") == ["sev1", "sev2", "sev3", "sev4", "sev5"]
    assert complete.roles("co") == ["commander", "communications"]
