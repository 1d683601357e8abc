"""Rebuild examples/acme: a fictional company's year of incidents, made through the library.

Run from the project root: ``python examples/build_acme.py``. Ids are drawn from a seeded
generator so the output is the same every time the format is unchanged.
"""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from incidentctl.respond import lifecycle
from incidentctl.setup import init
from incidentctl.store.layout import Layout
from incidentctl.workspace import Workspace

OUT = Path(__file__).resolve().parent / "acme"
RNG = random.Random(2026)
ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
PEOPLE = ["amara", "bo", "carmen", "dev", "eitan", "fatima", "gus", "hana", "ivo", "jun"]

# (day of 2026, hour, title, severity, services, category, minutes: detect, ack, mitigate,
#  resolve, root-cause class, extras)
SCENARIOS: list[tuple] = [
    (
        9,
        14,
        "Checkout API returning 502s after deploy",
        "sev2",
        ["checkout"],
        "deploy",
        (12, 4, 25, 70),
        "bad-deploy",
        {},
    ),
    (
        23,
        3,
        "Primary database failover stalled",
        "sev1",
        ["payments", "checkout"],
        "database",
        (6, 3, 48, 190),
        "failover",
        {"escalate": ("sev2", 10)},
    ),
    (
        37,
        10,
        "Search latency p99 above 5s",
        "sev3",
        ["search"],
        "capacity",
        (30, 10, 95, 240),
        "capacity",
        {},
    ),
    (
        44,
        16,
        "Login failures for SSO customers",
        "sev2",
        ["auth"],
        "dependency",
        (8, 5, 40, 120),
        "third-party",
        {},
    ),
    (
        58,
        2,
        "Nightly export jobs failing",
        "sev4",
        ["exports"],
        "batch",
        (240, 60, None, 600),
        "config-change",
        {},
    ),
    (
        71,
        11,
        "Payment webhooks delayed",
        "sev2",
        ["payments"],
        "queue",
        (15, 5, 55, 130),
        "capacity",
        {"deescalate": ("sev3", 60)},
    ),
    (
        80,
        9,
        "Game day: lose an availability zone",
        "sev2",
        ["checkout"],
        "drill",
        (0, 2, 20, 45),
        None,
        {"drill": True},
    ),
    (
        95,
        20,
        "Certificate expired on status API",
        "sev3",
        ["status-api"],
        "certificate",
        (45, 8, 15, 30),
        "expiry",
        {},
    ),
    (
        102,
        13,
        "Checkout timeouts after config push",
        "sev2",
        ["checkout"],
        "deploy",
        (9, 3, 22, 65),
        "config-change",
        {},
    ),
    (
        118,
        7,
        "Image uploads returning 500",
        "sev3",
        ["media"],
        "storage",
        (20, 12, 70, 150),
        "disk-full",
        {},
    ),
    (
        131,
        15,
        "Recommendations empty for EU users",
        "sev4",
        ["recommendations"],
        "data",
        (180, 30, None, 400),
        "bad-data",
        {},
    ),
    (
        140,
        1,
        "Payments double-charged a subset of orders",
        "sev1",
        ["payments"],
        "data",
        (25, 4, 60, 300),
        "bad-deploy",
        {},
    ),
    (
        152,
        10,
        "Search index rebuild stuck",
        "sev3",
        ["search"],
        "batch",
        (60, 15, 120, 260),
        "capacity",
        {},
    ),
    (
        167,
        18,
        "Auth token refresh storm",
        "sev2",
        ["auth"],
        "capacity",
        (5, 2, 35, 90),
        "retry-storm",
        {"escalate": ("sev1", 15)},
    ),
    (
        175,
        12,
        "Mobile push notifications delayed",
        "sev4",
        ["notifications"],
        "dependency",
        (90, 40, None, 380),
        "third-party",
        {},
    ),
    (
        189,
        8,
        "Checkout 502s during flash sale",
        "sev1",
        ["checkout"],
        "capacity",
        (4, 2, 30, 110),
        "capacity",
        {},
    ),
    (
        196,
        22,
        "DNS resolution failures in one region",
        "sev2",
        ["edge"],
        "network",
        (11, 6, 26, 75),
        "dns",
        {},
    ),
    (
        210,
        14,
        "Invoice PDFs rendering blank",
        "sev3",
        ["billing"],
        "deploy",
        (120, 20, 45, 100),
        "bad-deploy",
        {},
    ),
    (
        224,
        3,
        "Message queue disk full",
        "sev2",
        ["queue"],
        "storage",
        (14, 7, 33, 95),
        "disk-full",
        {},
    ),
    (
        233,
        11,
        "Status page stale after deploy",
        "sev4",
        ["status-api"],
        "deploy",
        (35, 15, None, 60),
        "config-change",
        {},
    ),
    (
        241,
        16,
        "Payments provider returning errors",
        "sev2",
        ["payments"],
        "dependency",
        (7, 3, 50, 140),
        "third-party",
        {"reopen": 30},
    ),
    (
        255,
        9,
        "Search results missing new products",
        "sev3",
        ["search"],
        "data",
        (200, 25, 80, 180),
        "bad-data",
        {},
    ),
    (
        262,
        13,
        "Checkout slow after dependency upgrade",
        "sev3",
        ["checkout"],
        "deploy",
        (40, 10, 50, 120),
        "bad-deploy",
        {"deescalate": ("sev4", 45)},
    ),
    (
        270,
        5,
        "Auth database connection exhaustion",
        "sev1",
        ["auth"],
        "database",
        (10, 3, 42, 160),
        "capacity",
        {},
    ),
    (
        281,
        17,
        "CDN purge failing",
        "sev4",
        ["edge"],
        "dependency",
        (60, 30, None, 240),
        "third-party",
        {},
    ),
    (
        290,
        10,
        "Game day: payments provider outage",
        "sev2",
        ["payments"],
        "drill",
        (0, 1, 15, 40),
        None,
        {"drill": True},
    ),
    (
        298,
        21,
        "Webhook signing keys rotated early",
        "sev2",
        ["payments"],
        "config",
        (18, 6, 24, 70),
        "config-change",
        {},
    ),
    (
        306,
        8,
        "Media storage latency spikes",
        "sev3",
        ["media"],
        "storage",
        (50, 20, 90, 200),
        "capacity",
        {},
    ),
    (
        315,
        12,
        "Checkout API 502s after deploy",
        "sev2",
        ["checkout"],
        "deploy",
        (6, 2, 18, 50),
        "bad-deploy",
        {},
    ),
    (
        322,
        15,
        "Notification emails duplicated",
        "sev4",
        ["notifications"],
        "queue",
        (100, 30, None, 260),
        "retry-storm",
        {},
    ),
    (
        327,
        9,
        "Search cluster node loss",
        "sev3",
        ["search"],
        "capacity",
        (15, 5, None, None),
        None,
        {},
    ),
    (
        331,
        7,
        "Payments latency rising",
        "sev2",
        ["payments"],
        "database",
        (10, 4, None, None),
        None,
        {"escalate": ("sev1", 20)},
    ),
]


def _ids() -> object:
    def new() -> str:
        return "".join(RNG.choice(ALPHABET) for _ in range(6))

    return new


def at(day: int, hour: int, minutes: float = 0) -> datetime:
    return datetime(2026, 1, 1, hour, tzinfo=UTC) + timedelta(days=day - 1, minutes=minutes)


def build(target: Path) -> None:
    lifecycle.new_incident_id = _ids()  # type: ignore[assignment]
    init(target)
    layout = Layout(target.resolve())
    for day, hour, title, sev, services, category, times, cause, extra in SCENARIOS:
        detect, ack, mitigate, resolve = times
        start = at(day, hour)
        detected = start + timedelta(minutes=detect)
        people = RNG.sample(PEOPLE, 4)

        def ws(minutes: float, base: datetime = detected) -> Workspace:
            moment = base + timedelta(minutes=minutes)
            return Workspace(layout, clock=lambda: moment)

        declared = lifecycle.declare(
            ws(1),
            title,
            severity=sev,
            services=services,
            category=None if category == "drill" else category,
            started_at=start,
            detected_at=detected,
            commander=people[0],
            drill=bool(extra.get("drill")),
            by=people[1],
        ).incident.id
        lifecycle.acknowledge(ws(ack), declared, by=people[1])
        lifecycle.assign(ws(ack + 1), declared, "operations", people[2], by=people[0])
        if sev in ("sev1", "sev2") or "escalate" in extra:
            lifecycle.assign(ws(ack + 2), declared, "communications", people[3], by=people[0])
        if sev == "sev1" or extra.get("escalate", ("",))[0] == "sev1":
            lifecycle.assign(ws(ack + 2.5), declared, "scribe", people[1], by=people[0])
        lifecycle.update(
            ws(ack + 3),
            declared,
            "Investigating; dashboards show the impact.",
            status="investigating",
            by=people[3],
        )
        if "escalate" in extra:
            level, when = extra["escalate"]
            lifecycle.change_severity(
                ws(when), declared, level, reason="Impact is wider than first thought", by=people[0]
            )
        if mitigate is not None:
            lifecycle.update(
                ws(mitigate - 2),
                declared,
                "Cause identified; applying a fix.",
                status="identified",
                by=people[2],
            )
            lifecycle.mitigate(ws(mitigate), declared, by=people[2])
        if "deescalate" in extra:
            level, when = extra["deescalate"]
            lifecycle.change_severity(
                ws(when), declared, level, reason="Impact limited to a few customers", by=people[0]
            )
        if resolve is not None:
            lifecycle.resolve(ws(resolve), declared, by=people[0], root_cause_class=cause)
        if "reopen" in extra:
            lifecycle.reopen(
                ws(resolve + extra["reopen"]),
                declared,
                reason="Errors came back after the provider's fix",
                by=people[0],
            )
            lifecycle.resolve(
                ws(resolve + 3 * extra["reopen"]), declared, by=people[0], root_cause_class=cause
            )


RUNBOOK = """\
---
title: Checkout error rate high
owner: payments-oncall
services: [checkout, payments]
triggers:
  alerts: [HighErrorRate]
  categories: [deploy, capacity]
review_by: "2027-06-30"
steps:
  - title: Look at the deploy and traffic dashboards
    placement: manual
    why: Telling a bad deploy from a traffic surge needs judgement across several graphs.
    instructions: |
      Open the checkout dashboard. If errors start within 10 minutes of a deploy, suspect
      the deploy; if request volume doubled, suspect capacity.
  - title: Capture a diagnostics bundle
    placement: automated
    why: Read-only, always safe, and forgotten under pressure; it runs without asking.
    command: [echo, "diagnostics captured for {target}"]
    timeout_seconds: 30
    expect: prints where the bundle was written
  - title: Roll back the last checkout deploy
    placement: assisted
    why: Reversible and fast, but a human must first confirm the deploy is the cause.
    risk: high
    command: [echo, "rollback checkout to the previous release"]
    timeout_seconds: 300
    expect: the previous release is serving traffic
---
Use this runbook when checkout returns 5xx or its latency alert fires.
"""

STATES = ("draft", "in-review", "reviewed", "published")


def reviews_actions_runbooks_alerts(target: Path) -> None:
    """Post-mortems in every state, actions, a runbook with a game day, alert groups."""
    import json
    import subprocess

    from incidentctl.detect import promote, service
    from incidentctl.learn import actions, postmortem
    from incidentctl.runbooks import runbook as runbooks

    layout = Layout(target.resolve())

    def ws_at(moment: datetime) -> Workspace:
        return Workspace(layout, clock=lambda: moment)

    views, _ = ws_at(at(334, 9)).incidents()
    ordered = sorted(views, key=lambda v: v.declared_at or at(1, 0))
    reviewed = [
        v for v in ordered if v.severity in ("sev1", "sev2") and v.resolved_at and not v.drill
    ]
    for n, view in enumerate(reviewed):
        assert view.resolved_at is not None
        moment = view.resolved_at + timedelta(days=1)
        postmortem.new(ws_at(moment), view.id)
        path = postmortem.path_of(ws_at(moment), view.id)
        text = path.read_text().replace("facilitator: null", "facilitator: hana")
        text = text.replace(
            "contributing_factors: []",
            "contributing_factors:\n  - {factor: Changes reach all traffic at once, tag: rollout}",
        )
        path.write_text(text)
        subprocess.run(
            ["git", "commit", "-qam", f"postmortem({view.id}): edit"], cwd=target, check=True
        )
        state = STATES[n % len(STATES)]
        for step in STATES[1 : STATES.index(state) + 1]:
            postmortem.set_status(ws_at(moment + timedelta(days=2)), view.id, step)
        if n % 3 != 2:
            action = actions.add(
                ws_at(moment),
                view.id,
                f"Canary stage for {view.services[0]}",
                owner=PEOPLE[n % len(PEOPLE)],
                type_="preventive",
            )
            if n % 2 == 0:
                actions.done(
                    ws_at(moment + timedelta(days=9)), action.id, note="shipped behind a flag"
                )
        actions.add(
            ws_at(moment),
            view.id,
            f"Alert earlier on {view.services[0]} errors",
            owner=PEOPLE[(n + 3) % len(PEOPLE)],
            type_="detective",
            due=(moment + timedelta(days=20)).date().isoformat(),
        )
    (target / "runbooks" / "checkout-errors.md").write_text(RUNBOOK)
    subprocess.run(["git", "add", "runbooks"], cwd=target, check=True)
    subprocess.run(["git", "commit", "-qm", "runbook: checkout errors"], cwd=target, check=True)
    record, _ = runbooks.load(ws_at(at(300, 10)), "checkout-errors")
    status, code, output = runbooks.execute(
        ["echo", "diagnostics captured for staging"], 30, target
    )
    runbooks.record_exercise(
        ws_at(at(300, 10)),
        "checkout-errors",
        runbooks.StepResult(2, record.steps[1], status, code, output, []),
        "hana",
        "staging",
    )
    checkout = next(
        v for v in reversed(ordered) if "checkout" in v.services and v.resolved_at and not v.drill
    )
    assert checkout.detected_at is not None
    fired = checkout.detected_at
    for n, instance in enumerate(("web-1", "web-2", "web-3")):
        body = json.dumps(
            {
                "status": "firing",
                "starts_at": (fired + timedelta(minutes=n)).isoformat(),
                "labels": {
                    "alertname": "HighErrorRate",
                    "service": "checkout",
                    "instance": instance,
                },
            }
        ).encode()
        service.store(ws_at(fired + timedelta(minutes=n + 1)), body)
    noise = json.dumps(
        {
            "status": "firing",
            "starts_at": at(320, 3).isoformat(),
            "labels": {"alertname": "DiskSpaceLow", "service": "media"},
        }
    ).encode()
    service.store(ws_at(at(320, 3, 1)), noise)
    service.commit_spool(ws_at(at(320, 4)), "alerts: store received notifications")
    group = next(g for g in service.groups(ws_at(at(334, 9))) if g.alertname == "HighErrorRate")
    promote.link_alert_group(ws_at(fired + timedelta(minutes=20)), checkout.id, group)


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "acme"
        build(target)
        reviews_actions_runbooks_alerts(target)
        shutil.rmtree(target / ".git")
        if OUT.exists():
            shutil.rmtree(OUT)
        shutil.copytree(target, OUT)
    subprocess.run(["git", "add", "-A", str(OUT)], check=False)
    print(f"wrote {OUT}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
