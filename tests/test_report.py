"""Report figures against values computed by hand for a small fixed dataset."""

from __future__ import annotations

import statistics
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from test_schemas import _schema

from conftest import Cli, git


@pytest.fixture
def dataset(cli: Cli) -> dict[str, str]:
    """Seven incidents around 2026Q1; comments give the hand-computed durations."""
    ids: dict[str, str] = {}

    def declare(name: str, now: str, *args: str) -> str:
        ids[name] = cli.ok("declare", f"Incident {name}", *args, now=now).out.strip()
        return ids[name]

    # A: TTD 600, TTA 300, TTM 1800, TTR 3600, impact 2400; sev2 -> sev3 at 10:50
    a = declare(
        "A",
        "2026-01-10T10:12:00Z",
        "-s",
        "sev2",
        "--service",
        "checkout",
        "--category",
        "deploy",
        "--started-at",
        "2026-01-10T10:00:00Z",
        "--detected-at",
        "2026-01-10T10:10:00Z",
    )
    cli.ok("ack", a, now="2026-01-10T10:15:00Z")
    cli.ok("mitigate", a, now="2026-01-10T10:40:00Z")
    cli.ok("severity", a, "sev3", "--reason", "contained", now="2026-01-10T10:50:00Z")
    cli.ok("resolve", a, "--root-cause-class", "bad-deploy", now="2026-01-10T11:10:00Z")
    # B: no start; TTA 300, TTR 3600
    b = declare("B", "2026-02-01T00:00:00Z", "-s", "sev2", "--service", "payments")
    cli.ok("ack", b, now="2026-02-01T00:05:00Z")
    cli.ok("resolve", b, now="2026-02-01T01:00:00Z")
    # C: TTD 3000, TTR 10800, impact 13800; sev3 -> sev1 at 12:30
    c = declare(
        "C",
        "2026-02-15T12:00:00Z",
        "-s",
        "sev3",
        "--service",
        "checkout",
        "--started-at",
        "2026-02-15T11:00:00Z",
        "--detected-at",
        "2026-02-15T11:50:00Z",
    )
    cli.ok("severity", c, "sev1", "--reason", "all customers", now="2026-02-15T12:30:00Z")
    cli.ok("resolve", c, "--root-cause-class", "bad-deploy", now="2026-02-15T14:50:00Z")
    # D: open; TTA 1800
    d = declare("D", "2026-03-01T09:00:00Z", "-s", "sev3", "--service", "search")
    cli.ok("ack", d, now="2026-03-01T09:30:00Z")
    # E: a drill
    declare("E", "2026-03-10T09:00:00Z", "-s", "sev2", "--drill")
    # F: reopened; TTD 1800, TTR 14400 (last resolution), impact 16200
    f = declare(
        "F",
        "2026-03-20T08:00:00Z",
        "-s",
        "sev2",
        "--service",
        "search",
        "--started-at",
        "2026-03-20T07:30:00Z",
    )
    cli.ok("resolve", f, now="2026-03-20T09:00:00Z")
    cli.ok("reopen", f, "--reason", "again", now="2026-03-20T10:00:00Z")
    cli.ok("resolve", f, "--root-cause-class", "capacity", now="2026-03-20T12:00:00Z")
    # G: just before the window (previous quarter)
    g = declare("G", "2025-12-31T23:59:59Z", "-s", "sev2", "--service", "search")
    cli.ok("resolve", g, "--root-cause-class", "capacity", now="2026-01-01T01:00:00Z")
    # H: spans the end of the quarter, +05:30 offsets; TTD 1800, TTR 10800, impact 12600
    h = declare(
        "H",
        "2026-03-31T23:05:00Z",
        "-s",
        "sev4",
        "--service",
        "search",
        "--started-at",
        "2026-04-01T04:00:00+05:30",
        "--detected-at",
        "2026-04-01T04:30:00+05:30",
    )
    cli.ok(
        "resolve",
        h,
        "--root-cause-class",
        "capacity",
        "--at",
        "2026-04-01T07:30:00+05:30",
        now="2026-04-01T02:00:00Z",
    )
    # I: detected exactly at the end of the window: excluded
    declare("I", "2026-04-01T00:00:00Z", "-s", "sev4")
    return ids


def report(cli: Cli, *args: str) -> dict[str, Any]:
    return cli.ok("report", "--format", "json", *args).json()


def agg(values: list[float]) -> dict[str, float | int | None]:
    """Independent aggregate, the definition written out."""
    ordered = sorted(values)
    rank = (len(ordered) - 1) * 0.9
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    p90 = ordered[low] + (rank - low) * (ordered[high] - ordered[low])
    return {
        "n": len(values),
        "sum_s": float(sum(values)),
        "mean_s": round(sum(values) / len(values), 3),
        "median_s": float(statistics.median(values)),
        "p90_s": round(p90, 3),
        "min_s": float(min(values)),
        "max_s": float(max(values)),
    }


def test_quarter_figures(cli: Cli, dataset: dict[str, str]) -> None:
    data = report(cli, "--quarter", "2026Q1")
    jsonschema.validate(data, _schema("report"))
    assert data["period"]["since"] == "2026-01-01T00:00:00Z"
    assert data["period"]["until"] == "2026-04-01T00:00:00Z"
    assert data["incidents"] == {"total": 6, "open": 1, "resolved": 5, "excluded": {"drill": 1}}
    d = data["durations"]
    assert d["ttr"] == agg([3600, 3600, 10800, 14400, 10800])
    assert d["ttr"]["p90_s"] == 12960.0 and d["ttr"]["median_s"] == 10800.0
    assert d["ttd"] == agg([600, 3000, 1800, 1800])
    assert d["tta"] == agg([300, 300, 1800])
    assert d["ttm"] == agg([1800])
    assert d["impact"] == agg([2400, 13800, 16200, 12600])
    ex = data["exclusions"]
    assert ex["ttr"] == {"drill": 1, "open": 1}
    assert ex["tta"] == {"drill": 1, "missing": 3}
    assert ex["ttd"] == {"drill": 1, "missing": 2}
    assert ex["ttm"] == {"drill": 1, "open": 1, "missing": 4}
    assert ex["impact"] == {"drill": 1, "open": 1, "missing": 1}
    assert data["data_errors"] == []
    assert {k: v["count"] for k, v in data["by_severity"].items()} == {
        "sev1": 1,
        "sev2": 2,
        "sev3": 2,
        "sev4": 1,
    }
    assert {k: v["count"] for k, v in data["by_period"].items()} == {
        "2026-01": 1,
        "2026-02": 2,
        "2026-03": 3,
    }
    assert {k: v["count"] for k, v in data["by_service"].items()} == {
        "checkout": 2,
        "payments": 1,
        "search": 3,
    }
    assert data["by_category"]["deploy"]["count"] == 1
    assert data["by_category"]["(none)"]["count"] == 5
    assert data["by_period"]["2026-03"]["durations"]["ttr"]["n"] == 2
    esc = data["escalations"]
    assert esc["incidents_escalated"] == 2 and esc["upgrades"] == 1 and esc["downgrades"] == 1
    assert esc["transitions"] == {"sev2->sev3": 1, "sev3->sev1": 1}
    # the window is [detected_at, resolved_at): one incident was detected 2 min before declared
    assert esc["time_at_severity"]["sev2"]["total_s"] == 2400 + 3600 + 14400
    assert esc["time_at_severity"]["sev1"]["total_s"] == 8400
    rep = data["repeat_class"]
    ids = dataset
    assert rep["with_class"] == 4 and rep["repeat_count"] == 3 and rep["rate"] == 0.75
    assert {r["id"]: r["prior_ids"] for r in rep["repeats"]} == {
        ids["C"]: [ids["A"]],
        ids["F"]: [ids["G"]],
        ids["H"]: [ids["G"], ids["F"]],
    }
    assert "rows" not in data
    explained = report(cli, "--quarter", "2026Q1", "--explain")
    jsonschema.validate(explained, _schema("report"))
    assert len(explained["rows"]) == 7  # the drill is listed with its reason
    assert set(explained["definitions"]) >= {"ttd", "tta", "ttm", "ttr", "impact"}
    drill_row = next(r for r in explained["rows"] if r["drill"])
    assert drill_row["excluded"]["ttr"] == "drill"


def test_severity_basis_and_drills(cli: Cli, dataset: dict[str, str]) -> None:
    initial = report(cli, "-q", "2026Q1", "--severity-basis", "initial")
    assert {k: v["count"] for k, v in initial["by_severity"].items()} == {
        "sev2": 3,
        "sev3": 2,
        "sev4": 1,
    }
    most = report(cli, "-q", "2026Q1", "--severity-basis", "max")
    assert {k: v["count"] for k, v in most["by_severity"].items()} == {
        "sev1": 1,
        "sev2": 3,
        "sev3": 1,
        "sev4": 1,
    }
    drills = report(cli, "-q", "2026Q1", "--include-drills")
    assert drills["incidents"]["total"] == 7 and drills["incidents"]["open"] == 2
    assert drills["exclusions"]["ttr"] == {"open": 2}


def test_single_incident_all_open_and_empty(cli: Cli, dataset: dict[str, str]) -> None:
    one = report(cli, "--since", "2026-01-01", "--until", "2026-02-01")
    assert one["durations"]["ttr"] == agg([3600])
    assert one["durations"]["ttr"]["p90_s"] == 3600.0
    open_only = report(cli, "--since", "2026-03-01", "--until", "2026-03-02")
    assert open_only["incidents"] == {"total": 1, "open": 1, "resolved": 0, "excluded": {}}
    assert open_only["durations"]["ttr"] == {
        "n": 0,
        "sum_s": None,
        "mean_s": None,
        "median_s": None,
        "p90_s": None,
        "min_s": None,
        "max_s": None,
    }
    assert open_only["exclusions"]["ttr"] == {"open": 1}
    assert open_only["repeat_class"]["rate"] is None
    empty = report(cli, "--since", "2020-01-01", "--until", "2020-02-01")
    assert empty["incidents"]["total"] == 0


def test_compare_previous_quarter(cli: Cli, dataset: dict[str, str]) -> None:
    data = report(cli, "-q", "2026Q1", "--compare", "previous")
    trend = data["trend"]
    assert trend["previous"]["label"] == "2025Q4"
    assert trend["figures"]["incidents"] == {
        "current": 6.0,
        "previous": 1.0,
        "change": 5.0,
        "change_pct": 500.0,
    }
    assert trend["figures"]["mttr_s"]["previous"] == 3601.0


def test_default_window_is_last_full_quarter(cli: Cli, dataset: dict[str, str]) -> None:
    data = cli.ok("report", "--format", "json", now="2026-05-15T00:00:00Z").json()
    assert data["period"]["label"] == "2026Q1"


def test_negative_duration_is_a_named_data_error(cli: Cli, repo: Path) -> None:
    i = cli.ok(
        "declare",
        "Typo'd start",
        "-s",
        "sev3",
        "--started-at",
        "2026-02-01T12:00:00Z",
        "--detected-at",
        "2026-02-01T12:00:00Z",
        now="2026-02-01T12:00:00Z",
    ).out.strip()
    cli.ok("resolve", i, now="2026-02-01T13:00:00Z")
    event = next(
        p
        for p in (repo / "incidents" / i / "events").glob("*.md")
        if "type: declared" in p.read_text()
    )
    event.write_text(
        event.read_text().replace(
            'started_at: "2026-02-01T12:00:00Z"', 'started_at: "2026-02-01T14:00:00Z"'
        )
    )
    data = report(cli, "-q", "2026Q1")
    assert data["exclusions"]["ttd"] == {"negative": 1}
    assert data["exclusions"]["impact"] == {"negative": 1}
    assert {(e["id"], e["metric"]) for e in data["data_errors"]} == {(i, "ttd"), (i, "impact")}
    assert data["durations"]["ttr"]["n"] == 1


def test_dst_wall_clock_durations(cli: Cli, repo: Path) -> None:
    config = repo / ".incidentctl.yaml"
    config.write_text(config.read_text().replace("timezone: UTC", "timezone: America/New_York"))
    git(repo, "commit", "-qam", "new york")
    i = cli.ok(
        "declare",
        "Across the DST change",
        "-s",
        "sev2",
        "--started-at",
        "2026-03-08 01:30",
        "--detected-at",
        "2026-03-08 01:45",
        now="2026-03-08T12:00:00Z",
    ).out.strip()
    cli.ok("resolve", i, "--at", "2026-03-08 03:30", "--backfill", now="2026-03-08T12:00:00Z")
    data = report(cli, "-q", "2026Q1")
    assert data["durations"]["ttr"]["max_s"] == 45 * 60
    assert data["durations"]["ttd"]["max_s"] == 15 * 60


def test_formats(cli: Cli, dataset: dict[str, str], tmp_path: Path) -> None:
    csv_text = cli.ok("report", "-q", "2026Q1", "--format", "csv").out
    lines = csv_text.splitlines()
    assert lines[0].startswith("repo,id,title,severity")
    assert len(lines) == 8
    md = cli.ok("report", "-q", "2026Q1", "--format", "markdown").out
    assert md.startswith("# Incident report 2026Q1") and "| TTR | 5 |" in md
    out = tmp_path / "r.html"
    result = cli.ok("report", "-q", "2026Q1", "--format", "html", "-o", str(out))
    assert result.out == ""
    html = out.read_text()
    assert html.count("<svg") == 3 and "<script" not in html
    assert "prefers-color-scheme: dark" in html and "@media print" in html
    plain = cli.ok("report", "-q", "2026Q1", "--explain").out
    assert "Per-incident inputs" in plain and "Definitions" in plain


def test_as_of_older_commit(cli: Cli, repo: Path, dataset: dict[str, str]) -> None:
    head = git(repo, "rev-parse", "HEAD").strip()
    before = report(cli, "-q", "2026Q1")
    extra = cli.ok("declare", "Later", "-s", "sev1", now="2026-03-25T00:00:00Z").out.strip()
    cli.ok("resolve", extra, now="2026-03-25T01:00:00Z")
    now = report(cli, "-q", "2026Q1")
    assert now["incidents"]["total"] == 7
    old = report(cli, "-q", "2026Q1", "--as-of", head)
    assert old["as_of"] == head
    assert {k: v for k, v in old.items() if k not in ("as_of",)} == {
        k: v for k, v in before.items() if k not in ("as_of",)
    }
    first = report(cli, "-q", "2026Q1", "--as-of", "HEAD~22")
    assert first["incidents"]["total"] < 6
    # The config as it was at the revision applies, not today's.
    config = repo / ".incidentctl.yaml"
    config.write_text(
        config.read_text().replace("repeat_lookback_days: 365", "repeat_lookback_days: 7")
    )
    git(repo, "commit", "-qam", "shorter repeat lookback")
    assert report(cli, "-q", "2026Q1")["repeat_class"]["lookback_days"] == 7
    again = report(cli, "-q", "2026Q1", "--as-of", head)
    assert again["repeat_class"]["lookback_days"] == 365
    assert {k: v for k, v in again.items() if k != "as_of"} == {
        k: v for k, v in before.items() if k != "as_of"
    }


@pytest.mark.parametrize("rev", ["--upload-pack=touch canary", "-oProxyCommand=x", "nope"])
def test_as_of_refuses_options_and_unknown_revs(cli: Cli, repo: Path, rev: str) -> None:
    result = cli("report", "-f", "json", f"--as-of={rev}")
    assert result.code == 2 and result.err.startswith("error: ")
    assert not (repo / "canary").exists()


def test_two_repos_in_one_report(cli: Cli, repo: Path, tmp_path: Path) -> None:
    from incidentctl.cli import main

    other = tmp_path / "team-b"
    assert main(["init", str(other)]) == 0
    cli.ok("declare", "Team A thing", "-s", "sev2", now="2026-02-01T00:00:00Z")
    cli.ok(
        "--repo", str(other), "declare", "Team B thing", "-s", "sev1", now="2026-02-02T00:00:00Z"
    )
    data = cli.ok(
        "report",
        "-f",
        "json",
        "--explain",
        "-q",
        "2026Q1",
        "--repo",
        str(repo),
        "--repo",
        str(other),
    ).json()
    assert data["repos"] == ["records", "team-b"]
    assert sorted(r["repo"] for r in data["rows"]) == ["records", "team-b"]
    assert data["incidents"]["total"] == 2
    # --repo twice before the command: report combines them too, never keeps only the last.
    before = cli.ok(
        "--repo", str(repo), "-C", str(other), "report", "-f", "json", "--explain", "-q", "2026Q1"
    ).json()
    assert before == data
    refused = cli("--repo", str(repo), "--repo", str(other), "list")
    assert refused.code == 2
    assert refused.err.splitlines()[0] == (
        "error: --repo is given 2 times before 'list', which works on one records repo"
    )


def test_many_cli_incidents_match_independent_computation(cli: Cli) -> None:
    """A hundred incidents with random known timestamps, entered through the CLI."""
    import random
    from datetime import UTC, datetime, timedelta

    rng = random.Random(7)
    base = datetime(2026, 4, 1, tzinfo=UTC)
    expected: dict[str, list[float]] = {"ttd": [], "tta": [], "ttm": [], "ttr": [], "impact": []}
    open_count = 0

    def iso(moment: datetime) -> str:
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")

    for n in range(100):
        started = base + timedelta(seconds=rng.randrange(0, 88 * 86400))
        detected = started + timedelta(seconds=rng.randrange(0, 7200))
        declared = detected + timedelta(seconds=rng.randrange(0, 600))
        args = ["declare", f"incident {n}", "-s", rng.choice(["sev1", "sev2", "sev3"])]
        if rng.random() < 0.8:
            args += ["--started-at", iso(started)]
            expected["ttd"].append((detected - started).total_seconds())
        args += ["--detected-at", iso(detected)]
        incident = cli.ok(*args, now=iso(declared)).out.strip()
        t = declared
        if rng.random() < 0.9:
            t += timedelta(seconds=rng.randrange(1, 900))
            cli.ok("ack", incident, now=iso(t))
            expected["tta"].append((t - detected).total_seconds())
        mitigated = None
        if rng.random() < 0.7:
            t += timedelta(seconds=rng.randrange(60, 10000))
            cli.ok("mitigate", incident, now=iso(t))
            mitigated = t
            expected["ttm"].append((t - detected).total_seconds())
        if rng.random() < 0.85:
            t += timedelta(seconds=rng.randrange(60, 20000))
            cli.ok("resolve", incident, now=iso(t))
            expected["ttr"].append((t - detected).total_seconds())
            if "--started-at" in args:
                expected["impact"].append(((mitigated or t) - started).total_seconds())
        else:
            open_count += 1
            if mitigated is not None and "--started-at" in args:
                expected["impact"].append((mitigated - started).total_seconds())
    data = report(cli, "--since", "2026-04-01", "--until", "2026-07-01")
    assert data["incidents"]["total"] == 100 and data["incidents"]["open"] == open_count
    for name, values in expected.items():
        assert data["durations"][name] == agg(values), name
    assert data["exclusions"]["ttr"] == ({"open": open_count} if open_count else {})
