"""Parse Alertmanager (webhook v4) and generic JSON / JSON-lines alerts into one shape."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from incidentctl.core.clock import RANGE_TEXT, in_range
from incidentctl.core.errors import RefusedError, UsageError
from incidentctl.core.secretscan import redact, scan

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
        raise UsageError(f"{where}: {value[:40]!r} is not an ISO-8601 time") from None
    if parsed.tzinfo is None:
        raise UsageError(f"{where}: {value[:40]!r} has no UTC offset")
    try:
        utc = parsed.astimezone(UTC)
        if not in_range(utc):
            raise OverflowError
    except OverflowError:
        raise UsageError(f"{where}: {value[:40]!r} is not {RANGE_TEXT}") from None
    return utc.isoformat().replace("+00:00", "Z")


def _identifier(value: str, where: str) -> str:
    """A value that names or keys an alert: refused (not redacted) when it holds a secret,
    since a redacted placeholder would merge different alerts."""
    found = scan(value)
    if found:
        raise RefusedError(
            f"{where} looks like a secret ({found[0].rule}: {found[0].excerpt}); "
            "the alert was not stored"
        )
    return value


def _text(value: Any) -> str:
    """A label or annotation value as text (huge numbers and nested values included)."""
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value)[:500]
    except (ValueError, RecursionError):
        return "[unprintable value]"


def _labels(value: Any, where: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
        raise UsageError(f"{where}: labels must be an object of strings")
    return {
        _identifier(k, f"{where}: label name")[:200]: redact(_text(v))[:500]
        for k, v in value.items()
    }


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
    summary = _text(
        raw.get("summary")
        or notes.get("summary")
        or notes.get("description")
        or labels.get("alertname", "")
    )
    return Alert(
        source=_identifier(_text(raw.get("source") or source)[:100], f"{where}.source"),
        fingerprint=(
            _identifier(given.strip()[:64], f"{where}.fingerprint")
            if given
            else fingerprint_of(labels, fp_labels)
        ),
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


MAX_DEPTH = 32


class _NotJson(Exception):
    pass


def _depth_ok(text: str) -> bool:
    """No deeper than MAX_DEPTH brackets (measured before the recursive parser runs)."""
    depth = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return False
        elif char in "]}":
            depth -= 1
    return True


def _json(text: str, where: str) -> Any:
    """One JSON document; deep nesting and huge numbers are input errors, not crashes."""
    if not _depth_ok(text):
        raise UsageError(f"{where}: JSON is nested deeper than {MAX_DEPTH} levels")
    try:
        value = json.loads(text)
        json.dumps(value, ensure_ascii=False).encode("utf-8")
        return value
    except UnicodeEncodeError:
        raise UsageError(f"{where}: JSON holds a lone surrogate (\\ud800-\\udfff)") from None
    except json.JSONDecodeError as exc:
        raise _NotJson(exc.msg) from None
    except (ValueError, RecursionError) as exc:  # e.g. an integer of 5,000 digits
        raise UsageError(f"{where}: JSON value out of range ({str(exc)[:80]})") from None


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
        documents: list[Any] = [_json(stripped, "payload")]
    except _NotJson:
        documents = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                documents.append(_json(line, f"line {number}"))
            except _NotJson as exc:
                raise UsageError(f"line {number}: not JSON ({exc})") from None
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
