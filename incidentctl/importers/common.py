"""What every importer shares: stable ids, time parsing, writing incidents in one commit."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from functools import partial
from pathlib import Path
from typing import Any

from incidentctl.core.errors import UsageError
from incidentctl.core.ids import ALPHABET, new_event_id
from incidentctl.models.event import Declared, Event, Resolved, Update
from incidentctl.models.incident import IncidentRecord
from incidentctl.store import transaction
from incidentctl.store.records import read_incident, render_event, render_incident
from incidentctl.workspace import Workspace

IMPORTER = "import"
SHORT_HOUR = re.compile(r"^(\d{4}-\d{2}-\d{2}[T ])(\d:)")


def slug(text: str) -> str:
    """A service or class name from free text (``Community Forum`` → ``community-forum``)."""
    value = re.sub(r"[^a-z0-9._-]+", "-", text.strip().lower()).strip("-._")[:64].strip("-._")
    return value or "unknown"


def stable_id(source: str, salt: int = 0) -> str:
    """An incident id derived from where the record came from, so re-imports match."""
    digest = hashlib.sha256(f"{source}#{salt}".encode()).digest()
    number = int.from_bytes(digest[:8], "big")
    return "".join(ALPHABET[(number >> (5 * i)) & 31] for i in range(6))


def parse_time(value: object, zone: tzinfo | None, what: str) -> tuple[datetime, bool]:
    """A timestamp from imported data; (UTC time, whether it had no zone and got ``zone``)."""
    if isinstance(value, datetime):
        parsed = value
    else:
        text = str(value).strip()
        # Status-page generators accept a one-digit hour ("2023-12-04T8:00:00"); so do we.
        text = SHORT_HOUR.sub(r"\g<1>0\g<2>", text)
        try:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise UsageError(f"{what}: {text!r} is not an ISO-8601 time") from None
    if parsed.tzinfo is None:
        if zone is None:
            raise UsageError(
                f"{what}: {value!r} has no UTC offset; pass --timezone ZONE to say "
                "how to read such times"
            )
        return parsed.replace(tzinfo=zone).astimezone(UTC), True
    return parsed.astimezone(UTC), False


def zone_of(name: str | None) -> tzinfo | None:
    if name is None:
        return None
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise UsageError(f"unknown timezone {name!r}") from None


def parse_map(text: str | None, what: str) -> dict[str, str]:
    """``a=b,c=d`` → {a: b, c: d}."""
    if not text:
        return {}
    out = {}
    for part in text.split(","):
        key, sep, value = part.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise UsageError(f"{what} {part!r} must look like FROM=TO")
        out[key.strip().lower()] = value.strip()
    return out


@dataclass
class Planned:
    """One incident to create."""

    source: str
    title: str
    severity: str
    services: list[str]
    started: datetime | None
    detected: datetime
    resolved: datetime | None = None
    acknowledged: datetime | None = None
    root_cause_class: str | None = None
    updates: list[tuple[datetime, str, str]] = field(default_factory=list)  # at, by, text
    category: str | None = None
    # False when the source has no detection time (a status page publishes when the
    # problem began): ``detected`` is then only the declaration time of the record, and
    # no detected_at is written, so nothing reads as a measured detection.
    detection_known: bool = True


@dataclass
class ImportResult:
    """What an import did."""

    created: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # source, reason
    assumed_zone: int = 0
    notes: list[str] = field(default_factory=list)


def _existing(ws: Workspace, source: str) -> tuple[str | None, str]:
    """(id if this source was imported already, a free id for it otherwise)."""
    for salt in range(50):
        candidate = stable_id(source, salt)
        folder = ws.layout.incident_dir(candidate)
        if not folder.is_dir():
            return None, candidate
        try:
            record, _ = read_incident(ws.layout, candidate)
        except Exception:
            continue
        if record.source == source:
            return candidate, candidate
    raise UsageError(f"cannot find a free id for {source}")


def _stamp(
    ws: Workspace, incident_id: str, detected: datetime, at: datetime, by: str = IMPORTER
) -> dict[str, Any]:
    """What every imported event shares; backfilled when it precedes detection."""
    return {
        "id": new_event_id(int(at.timestamp() * 1000)),
        "incident": incident_id,
        "at": at,
        "by": by,
        "recorded_at": ws.now(),
        "backfill": at < detected,
    }


def write(ws: Workspace, plans: list[Planned], result: ImportResult, message: str) -> None:
    """Create every planned incident that does not exist yet, in one commit."""
    from incidentctl.core.text import refuse_secrets

    created: dict[Path, str] = {}
    for plan in plans:
        done, incident_id = _existing(ws, plan.source)
        if done is not None:
            result.skipped.append((plan.source, f"already imported as {done}"))
            continue
        refuse_secrets(
            title=plan.title, **{f"update {n}": u[2] for n, u in enumerate(plan.updates)}
        )
        record = IncidentRecord(
            id=incident_id,
            title=plan.title[:200] or "untitled",
            services=sorted(set(plan.services)),
            category=plan.category,
            created_at=plan.detected,
            created_by=IMPORTER,
            source=plan.source,
        )
        stamp = partial(_stamp, ws, incident_id, plan.detected)
        events: list[Event] = [
            Declared(
                **stamp(plan.detected),
                type="declared",
                severity=plan.severity,
                started_at=plan.started,
                detected_at=plan.detected if plan.detection_known else None,
            )
        ]
        events += [
            Update(**stamp(at, by or IMPORTER), type="update", message=text[:20000])
            for at, by, text in plan.updates
        ]
        if plan.acknowledged is not None:
            from incidentctl.models.event import Acknowledged

            events.append(Acknowledged(**stamp(plan.acknowledged), type="acknowledged"))
        if plan.resolved is not None:
            events.append(
                Resolved(
                    **stamp(plan.resolved),
                    type="resolved",
                    root_cause_class=plan.root_cause_class,
                )
            )
            if plan.resolved < (plan.started or plan.detected):
                result.notes.append(
                    f"{plan.source}: resolved before it started (kept as "
                    "published; lint reports it)"
                )
        created[ws.layout.incident_file(incident_id)] = render_incident(record, "")
        for event in events:
            created[ws.layout.event_file(incident_id, event.id)] = render_event(event)
        result.created.append(incident_id)
    if not created:
        return
    with transaction.locked(ws.layout):
        transaction.apply(
            ws.layout,
            transaction.Change(
                message=f"{message}: {len(result.created)} incident(s)", created=created
            ),
        )
