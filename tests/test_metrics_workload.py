"""Responder load: compared with a minute-by-minute count written here from docs/metrics.md."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from conftest import Cli, git

ZONE = ZoneInfo("Europe/Berlin")


def _t(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _band(moment: datetime) -> str:
    local = moment.astimezone(ZONE)
    if local.hour >= 23 or local.hour < 7:
        return "sleeping"
    if local.weekday() < 5 and 9 <= local.hour < 18:
        return "working"
    return "evening"


def _minutes(events: list[str]) -> set[datetime]:
    """Every minute a person is busy by the rule: events < 20 min apart form one span,
    which lasts until 10 minutes after its last event."""
    times = sorted(_t(e) for e in events)
    busy: set[datetime] = set()
    groups: list[list[datetime]] = []
    for t in times:
        if groups and t - groups[-1][-1] < timedelta(minutes=20):
            groups[-1].append(t)
        else:
            groups.append([t])
    for g in groups:
        m = g[0]
        while m < g[-1] + timedelta(minutes=10):
            busy.add(m)
            m += timedelta(minutes=1)
    return busy


def _range(a: str, b: str) -> set[datetime]:
    out, m = set(), _t(a)
    while m < _t(b):
        out.add(m)
        m += timedelta(minutes=1)
    return out


def test_workload_matches_a_minute_by_minute_count(cli: Cli, repo: Path) -> None:
    config = repo / ".incidentctl.yaml"
    config.write_text(config.read_text().replace("timezone: UTC", "timezone: Europe/Berlin"))
    git(repo, "commit", "-qam", "Berlin")
    # Incident 1, a Friday evening into the night (Berlin is UTC+2 in May 2026).
    one = cli.ok(
        "declare", "Night one", "-s", "sev2", "--by", "ann", "--commander", "cid",
        now="2026-05-08T15:50:00Z",
    ).out.strip()  # fmt: skip
    cli.ok("ack", one, "--by", "ann", now="2026-05-08T15:55:00Z")
    cli.ok("update", one, "looking", "--by", "ann", now="2026-05-08T16:10:00Z")
    cli.ok("update", one, "still", "--by", "ann", now="2026-05-08T16:40:00Z")
    cli.ok("assign", one, "commander", "dee", "--by", "ann", now="2026-05-08T20:30:00Z")
    cli.ok("mitigate", one, "--by", "bo", now="2026-05-08T21:30:00Z")
    cli.ok("resolve", one, "--by", "bo", now="2026-05-08T22:00:00Z")
    # Incident 2, Monday working hours, still open.
    two = cli.ok("declare", "Day two", "-s", "sev3", "--by", "ann", "--commander", "eve",
                 now="2026-05-11T08:00:00Z").out.strip()  # fmt: skip
    cli.ok("update", two, "x", "--by", "ann", now="2026-05-11T08:05:00Z")
    cli.ok("update", two, "y", "--by", "bo", now="2026-05-11T21:10:00Z")

    events = {
        "ann": ["2026-05-08T15:50:00Z", "2026-05-08T15:55:00Z", "2026-05-08T16:10:00Z",
                "2026-05-08T16:40:00Z", "2026-05-08T20:30:00Z", "2026-05-11T08:00:00Z",
                "2026-05-11T08:05:00Z"],
        "bo": ["2026-05-08T21:30:00Z", "2026-05-08T22:00:00Z", "2026-05-11T21:10:00Z"],
    }  # fmt: skip
    busy = {p: _minutes([e for e in ev if e < "2026-05-09"]) | _minutes(
        [e for e in ev if e >= "2026-05-09"]) for p, ev in events.items()}  # fmt: skip
    active = {p: set(v) for p, v in busy.items()}
    # role holders of incident 1 (resolved): cid until the handoff, dee until resolution;
    # eve holds a role of an open incident: no role time.
    busy["cid"] = _range("2026-05-08T15:50:00Z", "2026-05-08T20:30:00Z")
    busy["dee"] = _range("2026-05-08T20:30:00Z", "2026-05-08T22:00:00Z")
    report = cli.ok(
        "report", "--since", "2026-05-01", "--until", "2026-06-01", "--workload",
        "--format", "json", now="2026-05-20T00:00:00Z",
    ).json()["workload"]  # fmt: skip
    assert list(report["people"]) == sorted(report["people"])  # by name, never ranked
    assert set(report["people"]) == {"ann", "bo", "cid", "dee", "eve"}
    for person, minutes in busy.items():
        got = report["people"][person]
        bands = {"working": 0, "evening": 0, "sleeping": 0}
        for m in minutes:
            bands[_band(m)] += 60
        assert got["total_s"] == 60 * len(minutes), person
        assert {k: got[f"{k}_s"] for k in bands} == bands, person
        if person in active:
            assert got["active_s"] == 60 * len(active[person])
    assert report["people"]["eve"]["total_s"] == 0
    assert report["people"]["ann"]["incidents"] == 2
    assert report["people"]["cid"]["incidents"] == 1
    # the spot checks the docs' worked example states
    assert report["people"]["ann"]["total_s"] == (30 + 10 + 10 + 15) * 60
    assert report["people"]["dee"]["sleeping_s"] == 60 * 60  # 23:00-00:00 Berlin


def test_workload_table_names_the_rule(cli: Cli) -> None:
    inc = cli.ok("declare", "X", "-s", "sev3", "--by", "zed", now="2026-05-05T10:00:00Z")
    cli.ok("resolve", inc.out.strip(), "--by", "amy", now="2026-05-05T11:00:00Z")
    out = cli.ok(
        "report", "--since", "2026-05-01", "--until", "2026-06-01", "--workload",
        "--format", "markdown", now="2026-05-20T00:00:00Z",
    ).out  # fmt: skip
    section = out.split("## Responder load", 1)[1]
    assert section.index("| amy |") < section.index("| zed |")
    assert "less than 20 minutes apart" in section
    plain = cli.ok(
        "report", "--since", "2026-05-01", "--until", "2026-06-01", "--format", "json",
        now="2026-05-20T00:00:00Z",
    ).json()  # fmt: skip
    assert plain["workload"] is None
