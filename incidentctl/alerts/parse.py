"""Parse Alertmanager (webhook v4) and generic JSON / JSON-lines alerts into one shape."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from incidentctl.errors import UsageError
from incidentctl.hooks import redact

ZERO_TIME = "0001-01-01T00:00:00Z"


@dataclass(frozen=True)
class Alert:
    """One alert notification, normalised."""

    source: str
    fingerprint: str
    status: str  # firing | resolved
    starts_at: str
    ends_at: str | None
    alertname: str
    service: str
    summary: str
    severity_hint: str | None
    labels: dict[str, str]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _time(value: Any, where: str, *, optional: bool = False) -> str | None:
    if value in (None, "", ZERO_TIME) and optional:
        return None
    if not isinstance(value, str):
        raise UsageError(f"{where}: expected an ISO-8601 time with offset, got {value!r}")
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(f"{where}: {value!r} is not an ISO-8601 time") from None
    if parsed.tzinfo is None:
        raise UsageError(f"{where}: {value!r} has no UTC offset")
    return parsed.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _labels(value: Any, where: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
        raise UsageError(f"{where}: labels must be an object of strings")
    return {k: redact(str(v))[:500] for k, v in value.items()}


def fingerprint_of(labels: dict[str, str], only: list[str]) -> str:
    """A stable fingerprint: a hash of the chosen labels (all labels when none chosen)."""
    chosen = {k: labels.get(k, "") for k in only} if only else labels
    blob = json.dumps(chosen, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def _one(
    raw: dict[str, Any],
    where: str,
    source: str,
    fp_labels: list[str],
    common: dict[str, str] | None = None,
    annotations: dict[str, str] | None = None,
) -> Alert:
    labels = {**(common or {}), **_labels(raw.get("labels"), where)}
    notes = {**(annotations or {}), **_labels(raw.get("annotations"), where)}
    for key in ("service", "alertname", "severity"):
        if key in raw and isinstance(raw[key], str):
            labels.setdefault(key, raw[key])
    status = raw.get("status", "firing")
    if status not in ("firing", "resolved"):
        raise UsageError(f"{where}: status must be firing or resolved, not {status!r}")
    starts = _time(raw.get("startsAt", raw.get("starts_at")), f"{where}.starts_at")
    ends = _time(raw.get("endsAt", raw.get("ends_at")), f"{where}.ends_at", optional=True)
    given = raw.get("fingerprint")
    if given is not None and (not isinstance(given, str) or not given.strip()):
        raise UsageError(f"{where}: fingerprint must be a non-empty string")
    if not labels and not given:
        raise UsageError(f"{where}: an alert needs labels or a fingerprint")
    summary = str(
        raw.get("summary")
        or notes.get("summary")
        or notes.get("description")
        or labels.get("alertname", "")
    )
    return Alert(
        source=str(raw.get("source") or source)[:100],
        fingerprint=(given.strip()[:64] if given else fingerprint_of(labels, fp_labels)),
        status=status,
        starts_at=starts or "",
        ends_at=ends,
        alertname=labels.get("alertname", "alert")[:200],
        service=labels.get("service", labels.get("job", "unknown"))[:200],
        summary=redact(summary)[:1000],
        severity_hint=labels.get("severity"),
        labels=labels,
    )


@dataclass(frozen=True)
class Delivery:
    """One notification: its alerts, and how many more Alertmanager left out
    (``truncatedAlerts``, when the receiver's ``max_alerts`` cut the list)."""

    alerts: list[Alert]
    truncated: int = 0
    repeats: bool = False  # an Alertmanager webhook: the same body again is a repeat


def _truncated(doc: dict[str, Any], where: str) -> int:
    value = doc.get("truncatedAlerts", 0)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise UsageError(f"{where}.truncatedAlerts: expected a whole number >= 0, got {value!r}")
    return value


def parse(body: bytes, *, fp_labels: list[str]) -> list[Alert]:
    """Every alert in an Alertmanager payload, a JSON object/array, or JSON lines."""
    return parse_delivery(body, fp_labels=fp_labels).alerts


def parse_delivery(body: bytes, *, fp_labels: list[str]) -> Delivery:
    """Every alert in an Alertmanager payload, a JSON object/array, or JSON lines, and the
    number of alerts Alertmanager truncated."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise UsageError("alert input is not valid UTF-8") from None
    stripped = text.strip()
    if not stripped:
        raise UsageError("alert input is empty")
    try:
        documents: list[Any] = [json.loads(stripped)]
    except json.JSONDecodeError:
        documents = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                documents.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise UsageError(f"line {number}: not JSON ({exc.msg})") from None
    alerts: list[Alert] = []
    truncated = 0
    webhook = False
    for n, doc in enumerate(documents, start=1):
        where = f"document {n}" if len(documents) > 1 else "payload"
        if isinstance(doc, dict) and isinstance(doc.get("alerts"), list):
            truncated += _truncated(doc, where)
            webhook = True
            common = _labels(doc.get("commonLabels"), where)
            notes = _labels(doc.get("commonAnnotations"), where)
            for i, raw in enumerate(doc["alerts"]):
                if not isinstance(raw, dict):
                    raise UsageError(f"{where}.alerts[{i}]: expected an object")
                alerts.append(
                    _one(raw, f"{where}.alerts[{i}]", "alertmanager", fp_labels, common, notes)
                )
        elif isinstance(doc, list):
            for i, raw in enumerate(doc):
                if not isinstance(raw, dict):
                    raise UsageError(f"{where}[{i}]: expected an object")
                alerts.append(_one(raw, f"{where}[{i}]", "generic", fp_labels))
        elif isinstance(doc, dict):
            alerts.append(_one(doc, where, "generic", fp_labels))
        else:
            raise UsageError(f"{where}: expected an object, an array or an Alertmanager payload")
    if not alerts:
        raise UsageError("alert input holds no alerts")
    return Delivery(alerts, truncated, webhook)
