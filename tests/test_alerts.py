"""The detection layer: a real HTTP receiver, deduplication, groups, promotion, report."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from conftest import Cli, git, is_clean


def alertmanager_payload(alerts: list[dict[str, Any]], status: str = "firing") -> bytes:
    """A webhook body as Alertmanager (v4) sends it."""
    return json.dumps(
        {
            "version": "4",
            "groupKey": '{}:{alertname="HighErrorRate"}',
            "truncatedAlerts": 0,
            "status": status,
            "receiver": "incidentctl",
            "groupLabels": {"alertname": "HighErrorRate"},
            "commonLabels": {"alertname": "HighErrorRate", "service": "checkout"},
            "commonAnnotations": {"summary": "5xx above 5%"},
            "externalURL": "http://alertmanager:9093",
            "alerts": alerts,
        }
    ).encode()


def am_alert(instance: str, starts: str, status: str = "firing") -> dict[str, Any]:
    return {
        "status": status,
        "labels": {
            "alertname": "HighErrorRate",
            "service": "checkout",
            "instance": instance,
            "severity": "critical",
        },
        "annotations": {"summary": f"5xx above 5% on {instance}"},
        "startsAt": starts,
        "endsAt": "0001-01-01T00:00:00Z" if status == "firing" else starts,
        "generatorURL": "http://prometheus/graph",
        "fingerprint": f"fp-{instance}",
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def post(url: str, body: bytes, headers: dict[str, str] | None = None) -> tuple[int, Any]:
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", **(headers or {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


@pytest.fixture
def server(repo: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    port = free_port()
    token = tmp_path / "token"
    token.write_text("s3cr3t-token\n")
    env = {k: v for k, v in os.environ.items() if k != "INCIDENTCTL_NOW"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "incidentctl",
            "alert",
            "serve",
            "--listen",
            f"127.0.0.1:{port}",
            "--token-file",
            str(token),
        ],
        cwd=repo,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=1) as response:
                if response.status == 200:
                    break
        except OSError:
            time.sleep(0.1)
    else:
        proc.kill()
        raise AssertionError(proc.stderr.read() if proc.stderr else "server did not start")
    yield base, proc
    if proc.poll() is None:
        proc.kill()
        proc.wait()


def test_receiver_stores_a_delivery_once_and_shuts_down_gracefully(
    server,
    repo: Path,  # type: ignore[no-untyped-def]
    cli: Cli,
) -> None:
    base, proc = server
    auth = {"Authorization": "Bearer s3cr3t-token"}
    body = alertmanager_payload(
        [am_alert("web-1", "2026-11-30T09:00:00Z"), am_alert("web-2", "2026-11-30T09:01:00Z")]
    )
    assert post(base + "/alerts", body, auth) == (200, {"status": "stored", "alerts": 2})
    for _ in range(2):  # Alertmanager retries the same delivery
        assert post(base + "/alerts", body, auth) == (200, {"status": "duplicate"})
    assert post(base + "/alerts", body)[0] == 401
    assert post(base + "/alerts", body, {"Authorization": "Bearer wrong"})[0] == 401
    assert post(base + "/alerts", b"{not json", auth)[0] == 400
    assert post(base + "/alerts", b"x" * (2 * 1024 * 1024), auth)[0] == 413
    assert post(base + "/nowhere", body, auth)[0] == 404
    # Durable before the answer: the spool line is on disk now, committed or not.
    lines = [
        ln
        for p in (repo / "alerts" / "spool").rglob("*.jsonl")
        for ln in p.read_text().splitlines()
    ]
    assert len(lines) == 2
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=20) == 0
    assert is_clean(repo)
    assert "alerts: store received notifications" in git(repo, "log", "--format=%s")
    groups = cli.ok("alert", "groups", "--json").json()
    assert len(groups) == 1 and groups[0]["count"] == 2 and groups[0]["alerts"] == 2


def test_twenty_firings_of_two_alertnames_make_the_expected_groups(
    cli: Cli, repo: Path, tmp_path: Path
) -> None:
    lines = []
    for n in range(20):
        name = "HighErrorRate" if n % 2 == 0 else "HighLatency"
        lines.append(
            json.dumps(
                {
                    "status": "firing",
                    "starts_at": f"2026-11-30T09:{n:02d}:00Z",
                    "labels": {
                        "alertname": name,
                        "service": "checkout",
                        "instance": f"web-{n % 4}",
                    },
                    "summary": f"{name} #{n}",
                }
            )
        )
    feed = tmp_path / "alerts.jsonl"
    feed.write_text("\n".join(lines) + "\n")
    cli.ok("alert", "ingest", str(feed), now="2026-11-30T09:20:00Z")
    again = cli.ok("alert", "ingest", str(feed), now="2026-11-30T09:21:00Z")
    assert "already stored" in again.err
    groups = cli.ok("alert", "groups", "--json").json()
    by_name = {g["alertname"]: g for g in groups}
    assert set(by_name) == {"HighErrorRate", "HighLatency"}
    assert by_name["HighErrorRate"]["count"] == 10 and by_name["HighLatency"]["count"] == 10
    assert by_name["HighErrorRate"]["alerts"] == 2  # web-0 and web-2 deduplicated
    assert by_name["HighErrorRate"]["first_fired"] == "2026-11-30T09:00:00Z"
    assert all(g["status"] == "firing" and g["incident"] is None for g in groups)
    assert is_clean(repo)


def test_declare_from_group_sets_detection_and_report_ttd(
    cli: Cli, repo: Path, tmp_path: Path
) -> None:
    feed = tmp_path / "a.json"
    feed.write_bytes(alertmanager_payload([am_alert("web-1", "2026-11-30T09:00:00Z")]))
    cli.ok("alert", "ingest", str(feed), now="2026-11-30T09:02:00Z")
    group = cli.ok("alert", "groups", "--json").json()[0]["id"]
    declared = cli.ok(
        "declare",
        "--from-alert-group",
        group[:4],
        "-s",
        "sev2",
        "--started-at",
        "2026-11-30T08:50:00Z",
        now="2026-11-30T09:10:00Z",
    )
    incident = declared.out.strip()
    shown = cli.ok("show", incident, "--json").json()
    assert shown["detected_at"] == "2026-11-30T09:00:00Z" and shown["detected_by"] == "alert"
    assert shown["alert_groups"] == [group] and shown["services"] == ["checkout"]
    assert shown["title"] == "HighErrorRate firing on checkout"
    assert cli.ok("alert", "groups", "--json").json()[0]["incident"] == incident
    again = cli("declare", "--from-alert-group", group, "-s", "sev2")
    assert again.code == 4 and "already linked" in again.err
    data = cli.ok(
        "report",
        "-f",
        "json",
        "--since",
        "2026-11-01",
        "--until",
        "2026-12-01",
        now="2026-12-01T00:00:00Z",
    ).json()
    assert data["durations"]["ttd"]["max_s"] == 600.0
    detection = data["detection"]
    assert detection["alert_groups"] == 1 and detection["promoted"] == 1
    assert detection["share_promoted"] == 1.0
    assert detection["incidents_by_source"]["alert"] == 1
    assert detection["ttd_by_source"]["alert"]["mean_s"] == 600.0


def test_firing_again_after_resolution_opens_a_new_group(cli: Cli, tmp_path: Path) -> None:
    feed = tmp_path / "a.json"
    feed.write_bytes(alertmanager_payload([am_alert("web-1", "2026-11-30T09:00:00Z")]))
    cli.ok("alert", "ingest", str(feed), now="2026-11-30T09:01:00Z")
    group = cli.ok("alert", "groups", "--json").json()[0]["id"]
    other = cli.ok("declare", "Checkout errors", "-s", "sev3", now="2026-11-30T09:05:00Z")
    cli.ok("alert", "link", group, other.out.strip(), now="2026-11-30T09:06:00Z")
    cli.ok("resolve", other.out.strip(), now="2026-11-30T09:20:00Z")
    again = tmp_path / "b.json"
    again.write_bytes(
        alertmanager_payload(
            [am_alert("web-1", "2026-11-30T09:00:00Z"), am_alert("web-3", "2026-11-30T09:24:00Z")]
        )
    )
    cli.ok("alert", "ingest", str(again), now="2026-11-30T09:25:00Z")
    groups = cli.ok("alert", "groups", "--json").json()
    assert len(groups) == 2
    newest, oldest = groups
    assert oldest["id"] == group and oldest["incident"] == other.out.strip()
    assert newest["incident"] is None and newest["count"] == 2


def test_auto_declare_rule(cli: Cli, repo: Path, tmp_path: Path) -> None:
    config = repo / ".incidentctl.yaml"
    config.write_text(
        config.read_text().replace(
            "  auto_declare: []",
            "  auto_declare:\n    - {match: {alertname: HighErrorRate}, severity: sev2}",
        )
    )
    git(repo, "commit", "-qam", "auto declare")
    feed = tmp_path / "a.json"
    feed.write_bytes(alertmanager_payload([am_alert("web-1", "2026-11-30T09:00:00Z")]))
    result = cli.ok("alert", "ingest", str(feed), now="2026-11-30T09:01:00Z")
    assert "declared incident" in result.err
    listed = cli.ok("list", "--json").json()
    assert len(listed) == 1 and listed[0]["severity"] == "sev2"
    assert listed[0]["detected_at"] == "2026-11-30T09:00:00Z"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "empty"),
        (b"[1, 2]", "expected an object"),
        (b'{"status": "firing", "labels": {"a": "b"}}', "starts_at"),
        (
            b'{"status": "odd", "starts_at": "2026-11-30T09:00:00Z", "labels": {"a": "b"}}',
            "firing or resolved",
        ),
        (b'{"starts_at": "2026-11-30T09:00:00", "labels": {"a": "b"}}', "no UTC offset"),
        (b'{"starts_at": "2026-11-30T09:00:00Z"}', "labels or a fingerprint"),
    ],
)
def test_bad_alert_input_is_a_clear_error(
    cli: Cli, repo: Path, tmp_path: Path, body: bytes, message: str
) -> None:
    feed = tmp_path / "bad.json"
    feed.write_bytes(body)
    result = cli("alert", "ingest", str(feed))
    assert result.code == 2 and message in result.err and "Traceback" not in result.err
    assert not (repo / "alerts" / "spool").exists()


def test_crash_after_acknowledging_loses_nothing(server, repo: Path, cli: Cli) -> None:  # type: ignore[no-untyped-def]
    base, proc = server
    body = alertmanager_payload([am_alert("web-9", "2026-11-30T09:00:00Z")])
    assert post(base + "/alerts", body, {"Authorization": "Bearer s3cr3t-token"})[0] == 200
    proc.send_signal(signal.SIGKILL)  # before any batched commit
    proc.wait(timeout=10)
    assert [g["count"] for g in cli.ok("alert", "groups", "--json").json()] == [1]
    synced = cli.ok("sync")
    assert "alerts/spool" in synced.err and is_clean(repo)


def test_repeats_advance_the_group_and_truncation_is_shown(
    cli: Cli, repo: Path, tmp_path: Path
) -> None:
    feed = tmp_path / "am.json"
    first = json.loads(
        alertmanager_payload(
            [am_alert("web-1", "2026-11-30T09:00:00Z"), am_alert("web-2", "2026-11-30T09:00:00Z")]
        )
    )
    first["truncatedAlerts"] = 3
    feed.write_text(json.dumps(first))

    def group() -> dict[str, Any]:
        found = cli.ok("alert", "groups", "--json").json()
        assert len(found) == 1
        return found[0]  # type: ignore[no-any-return]

    def spool_lines() -> int:
        return sum(len(p.read_text().splitlines()) for p in repo.glob("alerts/spool/*/*.jsonl"))

    cli.ok("alert", "ingest", str(feed), now="2026-11-30T09:01:00Z")
    assert (group()["count"], group()["truncated"], spool_lines()) == (2, 3, 2)
    retry = cli.ok("alert", "ingest", str(feed), now="2026-11-30T09:01:20Z")
    assert "already stored" in retry.err
    assert (group()["count"], group()["last_seen"]) == (2, "2026-11-30T09:01:00Z")
    # Alertmanager's repeat_interval later: the byte-identical body is a repeat.
    for now in ("2026-11-30T13:01:00Z", "2026-11-30T17:01:00Z"):
        cli.ok("alert", "ingest", str(feed), now=now)
    g = group()
    assert (g["count"], g["alerts"], g["last_seen"], g["status"]) == (
        6,
        2,
        "2026-11-30T17:01:00Z",
        "firing",
    )
    assert spool_lines() == 4  # two alerts once, then one receipt per repeat
    text = cli.ok("alert", "groups").out
    assert "6x" in text and "+3 more alerts truncated" in text
    resolved = json.loads(
        alertmanager_payload(
            [
                am_alert("web-1", "2026-11-30T09:00:00Z", "resolved"),
                am_alert("web-2", "2026-11-30T09:00:00Z", "resolved"),
            ],
            status="resolved",
        )
    )
    feed.write_text(json.dumps(resolved))
    cli.ok("alert", "ingest", str(feed), now="2026-11-30T17:30:00Z")
    g = group()
    assert (g["status"], g["count"], g["last_seen"], g["truncated"]) == (
        "resolved",
        6,
        "2026-11-30T17:30:00Z",
        0,
    )
    assert cli("lint").code == 0
    assert is_clean(repo)
