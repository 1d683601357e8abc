"""Impact estimates: the `impact` event, its fold, and the report's impact-weighted figures."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import Cli, commit_count, git, is_clean


def _t(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_set_impact_records_an_event_and_latest_estimate_wins(cli: Cli, repo: Path) -> None:
    inc = cli.ok("declare", "Billing down", "-s", "sev2", now="2026-04-02T10:00:00Z").out.strip()
    before = commit_count(repo)
    cli.ok(
        "set", inc, "--impact", "customers=1200-1500", "--impact", "tickets=45",
        "--reason", "from the billing logs", "--by", "bob", now="2026-04-02T10:30:00Z",
    )  # fmt: skip
    assert commit_count(repo) == before + 1 and is_clean(repo)
    files = git(repo, "show", "--name-only", "--format=", "HEAD").split()
    assert len(files) == 1 and "/events/" in files[0]
    cli.ok(
        "set",
        inc,
        "--impact",
        "customers=2000",
        "--reason",
        "support queue",
        now="2026-04-02T11:00:00Z",
    )
    view = cli.ok("show", inc, "--json").json()
    assert view["impacts"]["customers"] == {
        "low": 2000, "high": 2000, "basis": "support queue",
        "at": "2026-04-02T11:00:00Z", "by": view["impacts"]["customers"]["by"],
    }  # fmt: skip
    # the measure not re-estimated keeps its earlier estimate and basis
    assert view["impacts"]["tickets"]["low"] == 45
    assert view["impacts"]["tickets"]["basis"] == "from the billing logs"
    assert [e["type"] for e in view["timeline"]].count("impact") == 2


def test_bad_impact_input_is_one_error_and_writes_nothing(cli: Cli, repo: Path) -> None:
    inc = cli.ok("declare", "X", "-s", "sev3", now="2026-04-02T10:00:00Z").out.strip()
    before = commit_count(repo)
    for args, text in [
        (["--impact", "customers=10-5", "--reason", "r"], "low end 10 is above the high end 5"),
        (["--impact", "cats=3", "--reason", "r"], "unknown measure 'cats'"),
        (["--impact", "customers=lots", "--reason", "r"], "expected MEASURE=LOW-HIGH"),
        (["--impact", "customers=-3", "--reason", "r"], "expected MEASURE=LOW-HIGH"),
        (["--impact", "customers=3"], "--impact needs --reason"),
        (["--impact", "tickets=1", "--impact", "tickets=2", "--reason", "r"], "given twice"),
        (["--impact", "tickets=1", "--title", "t", "--reason", "r"], "recorded on its own"),
        (["--title", "t", "--reason", "r"], "--reason goes with --impact"),
    ]:
        result = cli("set", inc, *args)
        assert result.code == 2, (args, result.err)
        assert result.err.startswith("error: ") and text in result.err, result.err
        assert "Traceback" not in result.err
    assert commit_count(repo) == before and is_clean(repo)


def test_hand_edited_impact_with_low_above_high_is_a_record_error(cli: Cli, repo: Path) -> None:
    inc = cli.ok("declare", "X", "-s", "sev3", now="2026-04-02T10:00:00Z").out.strip()
    cli.ok("set", inc, "--impact", "users=5-9", "--reason", "r", now="2026-04-02T10:05:00Z")
    path = Path(repo, git(repo, "show", "--name-only", "--format=", "HEAD").split()[0])
    path.write_text(path.read_text().replace("low: 5", "low: 50"))
    result = cli("show", inc)
    assert result.code != 0 and result.code != 70
    assert "low 50 is above high 9" in result.err


SCENARIO = [
    # name, severity, services, started, detected, mitigated, resolved, estimates
    ("A", "sev1", ["billing"], "2026-04-02T09:50:00Z", "2026-04-02T10:00:00Z",
     "2026-04-02T11:00:00Z", "2026-04-02T12:00:00Z",
     {"customers": (1200, 1500), "tickets": (45, 45)}),
    ("B", "sev2", ["billing", "search"], "2026-05-01T08:00:00Z", "2026-05-01T08:30:00Z",
     None, "2026-05-01T09:15:00Z", {"customers": (10, 20)}),
    ("C", "sev2", ["search"], None, "2026-05-10T08:00:00Z",
     "2026-05-10T09:00:00Z", "2026-05-10T10:00:00Z", {"customers": (7, 7), "users": (100, 300)}),
    ("D", "sev3", [], None, "2026-06-01T08:00:00Z", None, "2026-06-01T09:00:00Z", {}),
]  # fmt: skip


def test_report_impact_figures_match_a_hand_computation(cli: Cli) -> None:
    ids = {}
    for name, sev, services, started, detected, mitigated, resolved, estimates in SCENARIO:
        args = ["declare", f"Incident {name}", "-s", sev]
        for s in services:
            args += ["--service", s]
        if started:
            args += ["--started-at", started]
        ids[name] = inc = cli.ok(*args, now=detected).out.strip()
        if estimates:
            impact = []
            for measure, (low, high) in estimates.items():
                impact += [
                    "--impact",
                    f"{measure}={low}-{high}" if low != high else f"{measure}={low}",
                ]
            cli.ok("set", inc, *impact, "--reason", "logs", now=resolved)
        if mitigated:
            cli.ok("mitigate", inc, now=mitigated)
        cli.ok("resolve", inc, now=resolved)
    report = cli.ok("report", "--quarter", "2026Q2", "--format", "json", "--explain").json()
    impact = report["impact"]

    # Independent computation: customer-minutes = customers x (start → mitigated or resolved)
    def minutes(started: str | None, mitigated: str | None, resolved: str) -> float | None:
        if started is None:
            return None
        return (_t(mitigated or resolved) - _t(started)).total_seconds() / 60

    expected_cm: dict[str, tuple[float, float]] = {}
    for name, _sev, _svc, started, _det, mitigated, resolved, estimates in SCENARIO:
        m = minutes(started, mitigated, resolved)
        if m is not None and "customers" in estimates:
            low, high = estimates["customers"]
            expected_cm[name] = (low * m, high * m)
    assert expected_cm == {"A": (1200 * 70, 1500 * 70), "B": (10 * 75, 20 * 75)}
    assert impact["incidents"] == 4 and impact["without_estimate"] == 1
    assert impact["with_estimate"] == 3
    assert impact["customer_minutes_incidents"] == 2
    assert impact["customer_minutes_low"] == sum(v[0] for v in expected_cm.values())
    assert impact["customer_minutes_high"] == sum(v[1] for v in expected_cm.values())
    assert impact["measures"]["customers"] == {"incidents": 3, "low": 1217, "high": 1527}
    assert impact["measures"]["users"] == {"incidents": 1, "low": 100, "high": 300}
    assert list(impact["by_severity"]) == ["sev1", "sev2", "sev3"]
    sev2 = impact["by_severity"]["sev2"]
    assert (sev2["customer_minutes_low"], sev2["customer_minutes_high"]) == expected_cm["B"]
    assert sev2["measures"]["customers"]["low"] == 17
    assert impact["by_severity"]["sev3"]["without_estimate"] == 1
    search = impact["by_service"]["search"]  # B counts under billing and search
    assert search["incidents"] == 2 and search["customer_minutes_low"] == expected_cm["B"][0]
    billing = impact["by_service"]["billing"]
    assert billing["customer_minutes_high"] == expected_cm["A"][1] + expected_cm["B"][1]
    assert impact["by_service"]["(none)"]["without_estimate"] == 1
    rows = {r["id"]: r for r in report["rows"]}
    assert rows[ids["C"]]["customer_minutes_low"] is None  # no start: no impact duration
    assert rows[ids["C"]]["impact_estimates"] == {"customers": [7, 7], "users": [100, 300]}
    assert rows[ids["A"]]["customer_minutes_low"] == expected_cm["A"][0]
    table = cli.ok("report", "--quarter", "2026Q2", "--format", "markdown").out
    assert "1 of 4 incidents have no impact estimate" in table


@settings(
    max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(st.integers(0, 10_000), st.integers(0, 10_000), st.integers(1, 600)),
        min_size=1,
        max_size=3,
    ),
)
def test_customer_minutes_sum_over_random_estimates(
    cli: Cli, items: list[tuple[int, int, int]]
) -> None:
    # each example detects its incidents on a day of its own, and reports that day only
    day = next(DAYS)
    base = datetime(2021, 1, 1, tzinfo=UTC) + timedelta(days=day)
    low_total = high_total = 0.0
    for i, (a, b, minutes) in enumerate(items):
        low, high = min(a, b), max(a, b)
        start = base + timedelta(hours=i)
        detected = start + timedelta(minutes=30)
        end = max(start + timedelta(minutes=minutes), detected + timedelta(minutes=1))
        inc = cli.ok("declare", "r", "-s", "sev3", "--started-at", _z(start), now=_z(detected))
        cli.ok("set", inc.out.strip(), "--impact", f"customers={low}-{high}", "--reason", "r",
               now=_z(end))  # fmt: skip
        cli.ok("resolve", inc.out.strip(), now=_z(end))
        seconds = (end - start).total_seconds()
        low_total += round(low * seconds / 60, 3)
        high_total += round(high * seconds / 60, 3)
    until = base + timedelta(days=1)
    report = cli.ok(
        "report", "--since", _z(base), "--until", _z(until), "--format", "json", now=_z(until)
    ).json()
    assert report["impact"]["customer_minutes_low"] == round(low_total, 3)
    assert report["impact"]["customer_minutes_high"] == round(high_total, 3)
    assert report["impact"]["incidents"] == len(items)


DAYS = itertools.count()


def _z(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
