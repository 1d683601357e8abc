"""Incident cost from the cost model, against a computation written here from the docs."""

from __future__ import annotations

from pathlib import Path

from conftest import Cli, git

COST = """
cost:
  currency: eur
  hourly_rate: 100
  role_rates: {commander: 150}
  multipliers: {evening: 1.5, sleeping: 2}
  review_hours: {sev2: 4}
  action_hours: 3
"""


def test_cost_matches_a_hand_computation(cli: Cli, repo: Path) -> None:
    config = repo / ".incidentctl.yaml"
    config.write_text(config.read_text() + COST)
    git(repo, "commit", "-qam", "cost model")
    # UTC repo; 2026-05-05 is a Tuesday. cid is commander 16:00-19:00 (resolution):
    # 2 h working (16-18) + 1 h evening (18-19) at 150.
    inc = cli.ok(
        "declare", "X", "-s", "sev2", "--by", "ann", "--commander", "cid",
        now="2026-05-05T16:00:00Z",
    ).out.strip()  # fmt: skip
    cli.ok("update", inc, "note", "--by", "ann", now="2026-05-05T23:30:00Z")
    cli.ok("resolve", inc, "--by", "bo", now="2026-05-06T00:00:00Z")
    cli.ok("action", "add", inc, "fix it", "--owner", "ann", now="2026-05-06T09:00:00Z")
    report = cli.ok(
        "report", "--since", "2026-05-01", "--until", "2026-06-01", "--format", "json",
        now="2026-05-20T00:00:00Z",
    ).json()["cost"]  # fmt: skip
    # cid: commander 16:00 -> 00:00 = 2 h working, 5 h evening, 1 h sleeping at 150
    cid = 150 * (2 * 1 + 5 * 1.5 + 1 * 2)
    # ann: 16:00 span (10 min working), 23:30 span (10 min sleeping) at 100
    ann = 100 * (10 / 60 * 1 + 10 / 60 * 2)
    # bo: 00:00-00:10 sleeping at 100
    bo = 100 * (10 / 60 * 2)
    review = 4 * 100
    actions = 1 * 3 * 100
    total = round(cid + ann + bo + review + actions, 2)
    assert report["currency"] == "eur"
    assert report["total"] == total
    assert report["by_severity"]["sev2"]["total"] == total
    detail = report["incidents_detail"][0]
    assert detail["rates"] == {"ann": 100, "bo": 100, "cid": 150}
    assert detail["review"] == review and detail["action_items"] == actions
    assert detail["responders"] == round(cid + ann + bo, 2)


def test_bad_cost_model_is_one_config_error(cli: Cli, repo: Path) -> None:
    config = repo / ".incidentctl.yaml"
    config.write_text(config.read_text() + "cost:\n  hourly_rate: lots\n")
    result = cli("report", "--format", "json")
    assert result.code not in (0, 70) and result.err.startswith("error: ")
    assert "hourly_rate" in result.err and "Traceback" not in result.err
