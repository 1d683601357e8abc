"""Deduplicate alerts by fingerprint and correlate them into groups, deterministically.

Groups are computed from the spool every time (like incident state from events), so
every clone with the same files sees the same groups with the same ids.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from incidentctl.core.ids import ALPHABET
from incidentctl.detect.spool import SpoolLine
from incidentctl.models.config import AlertSettings


@dataclass
class Member:
    """One deduplicated alert (a fingerprint) inside a group."""

    fingerprint: str
    first_fired: datetime
    last_seen: datetime
    count: int
    status: str
    summary: str


@dataclass
class Group:
    """Correlated alerts: same key, within the window."""

    id: str
    key: dict[str, str]
    service: str
    alertname: str
    first_fired: datetime
    last_seen: datetime
    count: int = 0
    members: dict[str, Member] = field(default_factory=dict)
    incident: str | None = None
    severity_hint: str | None = None
    fixed_start: bool = False
    truncated: int = 0  # alerts Alertmanager left out of the latest notification

    @property
    def status(self) -> str:
        return "firing" if any(m.status == "firing" for m in self.members.values()) else "resolved"

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "key": self.key,
            "service": self.service,
            "alertname": self.alertname,
            "status": self.status,
            "first_fired": self.first_fired.isoformat().replace("+00:00", "Z"),
            "last_seen": self.last_seen.isoformat().replace("+00:00", "Z"),
            "count": self.count,
            "alerts": len(self.members),
            "truncated": self.truncated,
            "incident": self.incident,
        }


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _group_id(key: dict[str, str], opened: str, fingerprint: str) -> str:
    """Stable across recomputation: the key and the notification that opened the group."""
    digest = hashlib.sha256(f"{sorted(key.items())}|{opened}|{fingerprint}".encode()).digest()
    number = int.from_bytes(digest[:8], "big")
    return "g" + "".join(ALPHABET[(number >> (5 * i)) & 31] for i in range(7))


def correlate(
    lines: list[SpoolLine], settings: AlertSettings, links: dict[str, tuple[str, datetime | None]]
) -> list[Group]:
    """Groups from spool lines; ``links`` maps group id → (incident, its resolved_at).

    A repeat receipt replays its delivery's alerts at the time it was received.
    """
    window = timedelta(minutes=settings.group_window_minutes)
    ordered = sorted(lines, key=lambda ln: (ln.received_at, ln.delivery, ln.index))
    seen: set[tuple[str, int, str]] = set()
    groups: list[Group] = []
    open_by_key: dict[tuple[str, ...], Group] = {}
    stored: dict[str, list[SpoolLine]] = {}

    def receive(line: SpoolLine, received_at: str) -> None:
        alert = line.alert
        labels = {
            **alert.get("labels", {}),
            "service": alert.get("service", ""),
            "alertname": alert.get("alertname", ""),
        }
        key = {name: str(labels.get(name, "")) for name in settings.group_by}
        key_tuple = tuple(key.values())
        received = _time(received_at)
        fired = _time(alert["starts_at"]) if alert.get("starts_at") else received
        group = open_by_key.get(key_tuple)
        reopened = False
        if group is not None:
            link = links.get(group.id)
            closed_by_incident = link is not None and link[1] is not None and received > link[1]
            quiet = group.status == "resolved" and received - group.last_seen > window
            if closed_by_incident or quiet:
                group, reopened = None, True
        if group is None:
            if alert["status"] != "firing":
                return  # a resolution with nothing open: nothing to group
            opened = f"{received_at}|{line.delivery}|{line.index}"
            group = Group(
                id=_group_id(key, opened, alert["fingerprint"]),
                key=key,
                service=str(alert.get("service", "")),
                alertname=str(alert.get("alertname", "")),
                # A firing after the previous group closed starts when it was seen again.
                first_fired=received if reopened else min(fired, received),
                last_seen=received,
                severity_hint=alert.get("severity_hint"),
                fixed_start=reopened,
            )
            groups.append(group)
            open_by_key[key_tuple] = group
        member = group.members.get(alert["fingerprint"])
        if member is None:
            start = received if group.fixed_start else min(fired, received)
            member = Member(
                alert["fingerprint"],
                start,
                received,
                0,
                alert["status"],
                str(alert.get("summary", "")),
            )
            group.members[alert["fingerprint"]] = member
        member.last_seen = max(member.last_seen, received)
        member.status = alert["status"]
        if alert["status"] == "firing":
            member.count += 1
            group.count += 1
            if not group.fixed_start:
                group.first_fired = min(group.first_fired, fired)
        group.last_seen = max(group.last_seen, received)
        if line.index == 0:  # each notification says how many alerts it left out
            group.truncated = line.truncated

    for line in ordered:
        identity = (line.delivery, line.index, line.received_at if line.repeat else "")
        if identity in seen:
            continue
        seen.add(identity)
        if line.repeat:
            for first in stored.get(line.delivery, []):
                receive(first, line.received_at)
            continue
        stored.setdefault(line.delivery, []).append(line)
        receive(line, line.received_at)
    for group in groups:
        link = links.get(group.id)
        group.incident = link[0] if link else None
    return groups
