"""Turn a chat export into timeline events: Slack channel export JSON, or a plain
``HH:MM name: text`` transcript. Already imported messages are skipped."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from pathlib import Path

from incidentctl.core.errors import UsageError
from incidentctl.workspace import Workspace

LINE = re.compile(r"^\[?(\d{1,2}):(\d{2})(?::(\d{2}))?\]?\s+([^:]{1,100}?):\s+(.+)$")


@dataclass(frozen=True)
class Message:
    at: datetime
    by: str
    text: str


def slack(raw: str) -> list[Message]:
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise UsageError(f"not a Slack export: {exc.msg}") from None
    if not isinstance(data, list):
        raise UsageError("not a Slack channel export (expected a JSON array of messages)")
    messages = []
    for item in data:
        if not isinstance(item, dict) or item.get("type", "message") != "message":
            continue
        if item.get("subtype") in ("channel_join", "channel_leave", "bot_add"):
            continue
        text = str(item.get("text") or "").strip()
        try:
            at = datetime.fromtimestamp(float(item["ts"]), tz=UTC)
        except (KeyError, TypeError, ValueError):
            continue
        profile = item.get("user_profile") or {}
        by = str(
            item.get("user_name")
            or profile.get("real_name")
            or profile.get("name")
            or item.get("user")
            or "unknown"
        )
        if text:
            messages.append(Message(at.replace(microsecond=0), by[:100], text))
    return messages


def transcript(raw: str, day: date, zone: tzinfo) -> list[Message]:
    messages: list[Message] = []
    previous: datetime | None = None
    for line in raw.splitlines():
        match = LINE.match(line.strip())
        if not match:
            if messages and line.strip():  # a continuation line
                last = messages[-1]
                messages[-1] = Message(last.at, last.by, last.text + "\n" + line.strip())
            continue
        hour, minute, second, by, text = match.groups()
        local = datetime(
            day.year, day.month, day.day, int(hour), int(minute), int(second or 0), tzinfo=zone
        )
        if previous is not None and local < previous:
            local += timedelta(days=1)  # the transcript ran past midnight
        previous = local
        messages.append(Message(local.astimezone(UTC), by.strip(), text.strip()))
    return messages


def run(
    ws: Workspace,
    ref: str,
    file: Path,
    *,
    fmt: str | None = None,
    match: str | None = None,
    author: list[str] | None = None,
    since: str | None = None,
    until: str | None = None,
    dry_run: bool = False,
) -> tuple[list[Message], int]:
    """Import messages as update events; returns (imported, skipped as already there)."""
    from incidentctl.respond import lifecycle

    incident = ws.incident(ref)
    try:
        raw = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read {file}: {exc}") from None
    kind = fmt or (
        "slack" if raw.lstrip().startswith("[") and file.suffix == ".json" else "transcript"
    )
    if kind == "slack":
        messages = slack(raw)
    elif kind == "transcript":
        day = (incident.declared_at or ws.now()).astimezone(ws.zone).date()
        messages = transcript(raw, day, ws.zone)
    else:
        raise UsageError("--format must be slack or transcript")
    pattern = re.compile(match, re.I) if match else None
    authors = {a.lower() for a in author or []}
    start = ws.when(since) if since else None
    end = ws.when(until, allow_future=True) if until else None
    existing = {(e.at, e.by, e.message) for e in incident.timeline}
    chosen = []
    skipped = 0
    for message in messages:
        if pattern and not pattern.search(message.text):
            continue
        if authors and message.by.lower() not in authors:
            continue
        if (start and message.at < start) or (end and message.at >= end):
            continue
        if message.at > ws.now():
            continue
        if (message.at, message.by, message.text) in existing:
            skipped += 1
            continue
        chosen.append(message)
    if dry_run:
        return chosen, skipped
    for message in chosen:
        lifecycle.update(ws, incident.id, message.text, at=message.at, by=message.by, backfill=True)
    return chosen, skipped
