"""The report on 145 real unplanned public incidents, checked against an independent count.

Data: ../shared/data/public-incidents.yaml (status-page records and monitor outages with
their real timestamps, including negative durations and naive-time fixes; see its README).
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import Cli
from incidentctl.core.ids import new_event_id
from incidentctl.models.event import Declared, Resolved
from incidentctl.models.incident import IncidentRecord
from incidentctl.store.records import render_event, render_incident

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "public-incidents.yaml"
SEVERITY = {"down": "sev1", "disrupted": "sev2", "notice": "sev3", None: "sev4"}


def _ts(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text.replace("Z", "+00:00")) if text else None


def _name(text: str) -> str:
    return re.sub(r"[^a-z0-9._-]+", "-", text.lower()).strip("-._")[:64]


@pytest.fixture(scope="module")
def records() -> list[dict[str, Any]]:
    if not DATA.exists():
        pytest.skip(f"{DATA} not present")
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    return [
        r
        for r in data["incidents"]
        if r["kind"] == "unplanned" and (r["started_at"] or r["detected_at"])
    ]


def _write(repo: Path, records: list[dict[str, Any]]) -> dict[str, str]:
    """Write each record as an incident (as an importer does); returns source id → id."""
    ids: dict[str, str] = {}
    for n, rec in enumerate(records):
        incident_id = f"p{n:05d}"
        ids[rec["id"]] = incident_id
        started, detected = _ts(rec["started_at"]), _ts(rec["detected_at"])
        detected = detected or started
        assert detected is not None
        folder = repo / "incidents" / incident_id
        (folder / "events").mkdir(parents=True)
        record = IncidentRecord(
            id=incident_id,
            title=rec["title"][:200],
            services=sorted({_name(a) for a in rec["affected"]}),
            created_at=detected,
            created_by="import",
        )
        (folder / "incident.md").write_text(render_incident(record, ""), encoding="utf-8")
        declared = Declared(
            id=new_event_id(int(detected.timestamp() * 1000)),
            incident=incident_id,
            type="declared",
            at=detected,
            by="import",
            recorded_at=detected,
            severity=SEVERITY[rec["severity"]],
            started_at=started,
            detected_at=detected,
        )
        events = [declared]
        resolved = _ts(rec["resolved_at"])
        if resolved is not None:
            events.append(
                Resolved(
                    id=new_event_id(int(resolved.timestamp() * 1000)),
                    incident=incident_id,
                    type="resolved",
                    at=resolved,
                    by="import",
                    recorded_at=detected,
                    root_cause_class=_name(rec["category"]),
                )
            )
        for event in events:
            (folder / "events" / f"{event.id}.md").write_text(render_event(event), encoding="utf-8")
    return ids


def test_public_incidents_report_matches_independent_figures(
    cli: Cli, repo: Path, records: list[dict[str, Any]]
) -> None:
    assert len(records) == 145
    ids = _write(repo, records)
    data = cli.ok(
        "report",
        "--format",
        "json",
        "--since",
        "2000-01-01",
        "--until",
        "2027-01-01",
        "--period",
        "year",
    ).json()

    # Independent computation straight from the YAML.
    ttr: list[float] = []
    negative = 0
    for rec in records:
        detected = _ts(rec["detected_at"]) or _ts(rec["started_at"])
        resolved = _ts(rec["resolved_at"])
        assert detected is not None and resolved is not None
        seconds = (resolved - detected).total_seconds()
        if seconds < 0:
            negative += 1
        else:
            ttr.append(seconds)
    assert data["incidents"]["total"] == 145
    assert data["incidents"]["open"] == 0
    got = data["durations"]["ttr"]
    assert got["n"] == len(ttr)
    assert got["mean_s"] == pytest.approx(statistics.fmean(ttr), abs=1e-3)
    assert got["median_s"] == statistics.median(ttr)
    assert got["p90_s"] == pytest.approx(
        statistics.quantiles(ttr, n=10, method="inclusive")[8], abs=1e-3
    )
    assert data["exclusions"]["ttr"] == ({"negative": negative} if negative else {})
    assert negative == sum("negative_duration" in r["flags"] for r in records)
    assert {e["id"] for e in data["data_errors"] if e["metric"] == "ttr"} == {
        ids[r["id"]] for r in records if "negative_duration" in r["flags"]
    }
    # TTD: cState start == detection (0 s); Upptime has no start (missing).
    assert data["durations"]["ttd"]["n"] == sum(1 for r in records if r["started_at"])
    assert data["exclusions"]["ttd"] == {"missing": sum(1 for r in records if not r["started_at"])}

    severities = Counter(SEVERITY[r["severity"]] for r in records)
    assert {k: v["count"] for k, v in data["by_severity"].items()} == dict(severities)
    years = Counter(
        str((_ts(r["detected_at"]) or _ts(r["started_at"])).year)  # type: ignore[union-attr]
        for r in records
    )
    assert {k: v["count"] for k, v in data["by_period"].items() if v["count"]} == dict(years)

    # Repeat class: same class within 365 days before.
    dated = sorted(
        ((_ts(r["detected_at"]) or _ts(r["started_at"]), _name(r["category"])) for r in records),
        key=lambda x: x[0],
    )  # type: ignore[arg-type,return-value]
    repeats = sum(
        1
        for i, (when, cls) in enumerate(dated)
        if any(c == cls and when - timedelta(days=365) <= w < when for w, c in dated[:i])
    )
    assert data["repeat_class"]["with_class"] == 145
    assert data["repeat_class"]["repeat_count"] == repeats
    assert data["repeat_class"]["rate"] == round(repeats / 145, 4)
    assert datetime(2000, 1, 1, tzinfo=UTC) < min(w for w, _ in dated)  # type: ignore[type-var]


def test_import_the_real_jenkins_status_pages(cli: Cli, repo: Path, tmp_path: Path) -> None:
    """The 297 Jenkins status-page issues, rebuilt as cState files from their published
    front-matter strings, imported and reported."""
    if not DATA.exists():
        pytest.skip(f"{DATA} not present")
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    jenkins = [r for r in data["incidents"] if r["source"] == "jenkins-status"]
    issues = tmp_path / "status" / "content" / "issues"
    issues.mkdir(parents=True)
    for rec in jenkins:
        raw = rec["raw"]
        front = {
            "title": rec["title"],
            "date": raw["date"],
            "resolved": raw["resolved"],
            "resolvedWhen": raw["resolvedWhen"],
            "severity": rec["severity"],
            "affected": rec["affected"],
            "section": "issue",
        }
        name = Path(rec["provenance"]["path"]).name
        (issues / name).write_text(
            "---\n" + yaml.safe_dump(front, sort_keys=False) + "---\nStatus update.\n",
            encoding="utf-8",
        )
    result = cli.ok("import", "cstate", str(tmp_path / "status"), "--timezone", "UTC")
    assert len(result.out.split()) == len(jenkins) == 297

    def naive(text: str | None) -> bool:
        return bool(text) and not re.search(r"(Z|[+-]\d\d:?\d\d)$", str(text).strip())

    assumed = sum(
        naive(r["raw"]["date"]) + (bool(r["raw"]["resolved"]) and naive(r["raw"]["resolvedWhen"]))
        for r in jenkins
    )
    assert assumed > 0 and f"{assumed} time(s) had no UTC offset" in result.err
    report = cli.ok(
        "report", "-f", "json", "--since", "2000-01-01", "--until", "2027-01-01", "--period", "year"
    ).json()
    expected = Counter(SEVERITY[r["severity"]] for r in jenkins)
    assert {k: v["count"] for k, v in report["by_severity"].items()} == dict(expected)
    negative = sum("negative_duration" in r["flags"] for r in jenkins)
    assert report["exclusions"]["ttr"].get("negative", 0) == negative
    again = cli.ok("import", "cstate", str(tmp_path / "status"), "--timezone", "UTC")
    assert again.out == ""
    # A status page publishes when a problem began, not when it was detected: the
    # records say so (no detected_at is written), nothing invents a detection time.
    declared = [
        p for p in repo.glob("incidents/*/events/*.md") if "type: declared" in p.read_text()
    ]
    assert len(declared) == 297
    assert not [p for p in declared if "detected_at:" in p.read_text()]

    # Lint: no response policy governed this history, so only genuine data errors remain
    # (a resolution published before the start).
    findings = cli("lint", "--format", "json").json()["findings"]
    errors = Counter(f["rule"] for f in findings if f["severity"] == "error")
    assert errors == ({"chronology/order": negative} if negative else {})
    assert not [f for f in findings if f["rule"].startswith("policy/")]
    # From the day the config says the policy applies, it applies to imported records too.
    config = repo / ".incidentctl.yaml"
    config.write_text(config.read_text() + "policy:\n  applies_from: 2023-01-01\n")
    governed = {
        f["path"].split("/")[1]
        for f in cli("lint", "--format", "json").json()["findings"]
        if f["rule"] == "policy/required-roles"
    }
    recent = sum(
        1
        for r in jenkins
        if (_ts(r["started_at"]) or datetime.min.replace(tzinfo=UTC)).year >= 2023
        and SEVERITY[r["severity"]] in ("sev1", "sev2", "sev3")
    )
    assert 0 < len(governed) <= recent
