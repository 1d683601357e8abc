"""docs/metrics.md's worked example: the Shakespeare Sonnet++ post-mortem (Google SRE book)."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import Cli

DOC = Path(__file__).resolve().parent.parent / "docs" / "metrics.md"
DAY = "2015-10-21T"


def at(hhmm: str) -> str:
    return f"{DAY}{hhmm}:00Z"


def build(cli: Cli) -> str:
    """The published timeline (all times UTC), entered through the CLI as a scribe would."""
    incident = cli.ok(
        "declare",
        "Shakespeare Search down: cascading failure",
        "--severity",
        "sev1",
        "--service",
        "shakespeare-search",
        "--started-at",
        at("14:54"),
        "--detected-at",
        at("14:55"),
        "--commander",
        "jennifer",
        "--by",
        "docbrown",
        now=at("15:01"),
    ).out.strip()
    cli.ok("ack", incident, "--by", "docbrown", "--at", at("14:58"), "--backfill", now=at("15:01"))
    cli.ok("assign", incident, "operations", "docbrown", now=at("15:01"))
    notes = [
        ("15:04", "martym", "Text of the new sonnet found on shakespeare-discuss@"),
        ("15:10", "martym", "Sonnet added to the corpus; index MapReduce started"),
        ("15:18", "clarac", "File descriptor leak found for terms not in the corpus"),
        ("15:21", "jennifer", "All traffic to the USA-2 sacrificial cluster"),
        ("15:36", "jennifer", "Updated index replicated to all clusters (outage mitigated)"),
    ]
    for hhmm, who, text in notes:
        cli.ok("update", incident, text, "--by", who, now=at(hhmm))
    cli.ok(
        "mitigate",
        incident,
        "--by",
        "jennifer",
        "-m",
        "All traffic balanced across all clusters",
        now=at("16:00"),
    )
    cli.ok(
        "resolve",
        incident,
        "--by",
        "jennifer",
        "--root-cause-class",
        "cascading-failure",
        "-m",
        "30 minutes of nominal performance",
        now=at("16:30"),
    )
    return incident


def test_worked_example_figures_match_the_doc(cli: Cli) -> None:
    build(cli)
    data = cli.ok(
        "report",
        "--format",
        "json",
        "--since",
        "2015-10-01",
        "--until",
        "2015-11-01",
        now="2015-12-01T00:00:00Z",
    ).json()
    figures = {name: data["durations"][name]["mean_s"] for name in data["durations"]}
    assert figures == {"ttd": 60.0, "tta": 180.0, "ttm": 3900.0, "ttr": 5700.0, "impact": 3960.0}
    text = DOC.read_text(encoding="utf-8")
    documented = dict(
        re.findall(r"^\| (ttd|tta|ttm|ttr|impact) \| .*? \| (\d+) s \|", text, flags=re.M)
    )
    assert {k: float(v) for k, v in documented.items()} == figures
