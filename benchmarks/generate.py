"""Build a realistic synthetic records repo, deterministically from a seed.

    python benchmarks/generate.py 10000 --out /tmp/bench-10000 [--seed 7]

Incidents over four years with realistic severities, services, durations and event counts,
post-mortems for SEV1-2, action items, committed month by month so the history is real.
Files are written with incidentctl's own record writers, so they are valid records.
"""

from __future__ import annotations

import argparse
import math
import random
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from incidentctl.core.ids import ALPHABET  # noqa: E402
from incidentctl.models.event import (  # noqa: E402
    Acknowledged,
    Declared,
    Event,
    Mitigated,
    Resolved,
    RoleAssigned,
    SeverityChanged,
    Update,
)
from incidentctl.models.incident import IncidentRecord  # noqa: E402
from incidentctl.setup import init  # noqa: E402
from incidentctl.store.records import render_event, render_incident  # noqa: E402
from incidentctl.yamlio.emit import render_record  # noqa: E402

SEVERITIES = [("sev1", 0.03), ("sev2", 0.12), ("sev3", 0.35), ("sev4", 0.35), ("sev5", 0.15)]
SERVICES = [f"svc-{name}" for name in (
    "checkout", "payments", "search", "auth", "cart", "catalog", "media", "notify", "billing",
    "edge", "dns", "db-main", "db-replica", "queue", "cache", "api", "web", "mobile-api",
    "reports", "exports", "imports", "ledger", "fraud", "ads", "recs", "email", "sms",
    "webhooks", "status", "admin")]
CATEGORIES = ["deploy", "config", "capacity", "dependency", "database", "network", "data",
              "certificate", "storage", "security"]
CLASSES = ["bad-deploy", "config-change", "capacity", "third-party", "disk-full", "dns",
           "expiry", "bad-data", "retry-storm", "failover", "memory-leak", "quota", "bgp",
           "schema-migration", "feature-flag"]
PEOPLE = [f"eng{n:02d}" for n in range(60)]
START = datetime(2022, 12, 1, tzinfo=UTC)
SPAN_DAYS = 4 * 365


class Ids:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def incident(self) -> str:
        while True:
            value = "".join(self.rng.choice(ALPHABET) for _ in range(6))
            if value not in self.used:
                self.used.add(value)
                return value

    def event(self, at: datetime) -> str:
        ms = int(at.timestamp() * 1000)
        head = "".join(ALPHABET[(ms >> (5 * (9 - i))) & 31] for i in range(10))
        return head + "".join(self.rng.choice(ALPHABET) for _ in range(16))

    def action(self) -> str:
        while True:
            value = "a" + "".join(self.rng.choice(ALPHABET) for _ in range(6))
            if value not in self.used:
                self.used.add(value)
                return value


def minutes(rng: random.Random, median: float, spread: float = 1.0) -> timedelta:
    return timedelta(minutes=max(1.0, rng.lognormvariate(math.log(median), spread)))


def incident_files(rng: random.Random, ids: Ids, at: datetime, now: datetime
                   ) -> tuple[str, dict[str, str], list[tuple[str, str]]]:
    """One incident: (id, relative path → text, actions)."""
    severity = rng.choices([s for s, _ in SEVERITIES], [w for _, w in SEVERITIES])[0]
    incident_id = ids.incident()
    service = rng.choice(SERVICES)
    category = rng.choice(CATEGORIES)
    people = rng.sample(PEOPLE, 5)
    started = at
    detected = started + minutes(rng, 8, 1.2)
    declared = detected + minutes(rng, 3, 0.8)
    files: dict[str, str] = {}
    record = IncidentRecord(id=incident_id, title=f"{service} {category} problem {incident_id}",
                            services=[service] + ([rng.choice(SERVICES)] if rng.random() < 0.2
                                                  else []),
                            category=category, drill=rng.random() < 0.02,
                            created_at=declared, created_by=people[0])
    files[f"incidents/{incident_id}/incident.md"] = render_incident(
        record, "Summary of what happened, for the record.\n" * rng.randint(0, 3))
    events: list[Event] = [Declared(
        id=ids.event(declared), incident=incident_id, type="declared", at=declared,
        by=people[0], recorded_at=declared, severity=severity, started_at=started,
        detected_at=detected, roles={"commander": people[1]})]
    t = declared
    t += minutes(rng, 4, 0.7)
    events.append(Acknowledged(id=ids.event(t), incident=incident_id, type="acknowledged",
                               at=t, by=people[2], recorded_at=t))
    events.append(RoleAssigned(id=ids.event(t), incident=incident_id, type="role", at=t,
                               by=people[1], recorded_at=t, role="operations",
                               person=people[2]))
    for n in range(rng.randint(2, 10)):
        t += minutes(rng, 9, 0.8)
        events.append(Update(id=ids.event(t), incident=incident_id, type="update", at=t,
                             by=rng.choice(people), recorded_at=t,
                             message=f"Investigation note {n}: checked dashboards and logs.",
                             status=rng.choice([None, "identified", "monitoring"])))
    if rng.random() < 0.1:
        t += minutes(rng, 10)
        other = rng.choice([s for s, _ in SEVERITIES if s != severity])
        events.append(SeverityChanged(id=ids.event(t), incident=incident_id, type="severity",
                                      at=t, by=people[1], recorded_at=t, severity=other,
                                      message="Impact re-assessed"))
    resolved = False
    if rng.random() < 0.7:
        t += minutes(rng, 20)
        events.append(Mitigated(id=ids.event(t), incident=incident_id, type="mitigated", at=t,
                                by=people[2], recorded_at=t))
    if now - at > timedelta(days=3) or rng.random() < 0.5:
        t += minutes(rng, 45, 1.1)
        if t < now:
            resolved = True
            events.append(Resolved(id=ids.event(t), incident=incident_id, type="resolved", at=t,
                                   by=people[1], recorded_at=t,
                                   root_cause_class=rng.choice(CLASSES)))
    for event in events:
        files[f"incidents/{incident_id}/events/{event.id}.md"] = render_event(event)
    actions: list[tuple[str, str]] = []
    if severity in ("sev1", "sev2") and resolved:
        files[f"incidents/{incident_id}/postmortem.md"] = render_record(
            {"incident": incident_id,
             "status": rng.choice(["draft", "in-review", "reviewed", "published"]),
             "facilitator": people[3], "authors": [people[4]], "review_meeting": None,
             "root_cause_class": rng.choice(CLASSES),
             "contributing_factors": [{"factor": "A safeguard was missing", "tag": "safety"}],
             "recurrence_of": [], "created_at": t + timedelta(days=1)},
            "# Post-mortem\n\n## Summary\n\nText.\n\n## Analysis\n\nConditions.\n" * 3)
    if resolved and (severity in ("sev1", "sev2") or rng.random() < 0.4):
        for k in range(rng.randint(1, 4)):
            action_id = ids.action()
            due = (t + timedelta(days=rng.randint(7, 60))).date()
            done = rng.random() < 0.7 and t + timedelta(days=10) < now
            meta = {"id": action_id, "incident": incident_id, "title": f"Follow-up {k}",
                    "owner": rng.choice(PEOPLE), "due": due, "priority": "medium",
                    "status": "done" if done else "open", "created_at": t}
            if done:
                meta["closed_at"] = t + timedelta(days=rng.randint(1, 30))
            actions.append((f"actions/{action_id}.md", render_record(meta, "")))
    return incident_id, files, actions


def git(cwd: Path, *args: str) -> None:
    proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"git {' '.join(args)} failed: {proc.stderr.strip()}")


def generate(count: int, out: Path, seed: int) -> None:
    if out.exists():
        shutil.rmtree(out)
    rng = random.Random(seed)
    ids = Ids(rng)
    init(out)
    now = START + timedelta(days=SPAN_DAYS)
    times = sorted(START + timedelta(seconds=rng.uniform(0, SPAN_DAYS * 86400))
                   for _ in range(count))
    month = None
    pending = 0
    for at in times:
        key = (at.year, at.month)
        if month is not None and key != month and pending:
            git(out, "add", "-A")
            git(out, "commit", "-q", "-m", f"records {month[0]}-{month[1]:02d}")
            pending = 0
        month = key
        _, files, actions = incident_files(rng, ids, at, now)
        for rel, text in [*files.items(), *actions]:
            path = out / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        pending += 1
    if pending:
        git(out, "add", "-A")
        git(out, "commit", "-q", "-m", "records, latest month")
    # Fifty bulk `git add -A` runs leave a split index whose pending part is far larger
    # than any responder's clone has (a clone writes its index once); start afresh.
    git(out, "update-index", "--split-index")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    out = args.out or Path(f"/tmp/incidentctl-bench-{args.count}")
    generate(args.count, out, args.seed)
    print(out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
