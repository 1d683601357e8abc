"""An independent reference implementation of the fold, written from docs/file-format.md.

It does not import incidentctl: it reads the event files with PyYAML and applies the rules
as the documentation states them, so a test can compare it with ``show --json`` and
``report --format json``.
"""

from __future__ import annotations

import statistics
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

CHAIN = ("started_at", "detected_at", "acknowledged_at", "mitigated_at", "resolved_at")


def _time(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text.replace("Z", "+00:00")) if text else None


def _front(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    _, meta, body = text.split("---\n", 2)
    data: dict[str, Any] = yaml.safe_load(meta)
    data["message"] = body.strip("\n")
    return data


def read(folder: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The incident.md frontmatter and every event of one incident folder."""
    record = _front(folder / "incident.md")
    events = [_front(p) for p in sorted((folder / "events").glob("*.md"))]
    return record, events


def fold(record: dict[str, Any], events: list[dict[str, Any]]) -> dict[str, Any]:
    """The derived state, per the 'Derived state' rules of docs/file-format.md."""
    events = sorted(events, key=lambda e: (_time(e["at"]), e["id"]))
    s: dict[str, Any] = {
        "title": record["title"],
        "services": list(record.get("services") or []),
        "category": record.get("category"),
        "status": "investigating",
        "severity": "unknown",
        "root_cause_class": None,
        "roles": {},
        "reopen_count": 0,
        "retrospective": False,
        "declined_at": None,
        "declared_at": None,
        **{name: None for name in CHAIN},
    }
    sev: list[list[Any]] = []  # [at or None, from, to]
    roles: list[list[Any]] = []  # [at or None, role, person, previous]
    changes_before: list[datetime] = []

    def take(at: datetime | None, role: str, person: str) -> None:
        if s["roles"].get(role) != person:
            roles.append([at, role, person, s["roles"].get(role)])
            s["roles"][role] = person

    declarations = [e for e in events if e["type"] == "declared"]
    first = declarations[0] if declarations else None
    if first is not None:
        s["declared_at"] = _time(first["at"])
        s["started_at"] = _time(first.get("started_at"))
        s["detected_at"] = _time(first.get("detected_at")) or s["declared_at"]
        s["severity"] = first["severity"]
        s["retrospective"] = bool(first.get("retrospective", False))
        sev.append([None, None, first["severity"]])
        for role, person in (first.get("roles") or {}).items():
            take(None, role, person)
    closed = ("resolved", "declined")
    for e in events:
        kind, at = e["type"], _time(e["at"])
        if kind == "declared":
            continue
        if kind == "acknowledged" and s["acknowledged_at"] is None:
            s["acknowledged_at"] = at
        elif kind == "update" and e.get("status") and s["status"] not in closed:
            s["status"] = e["status"]
        elif kind == "severity":
            changes_before.append(at)  # type: ignore[arg-type]
            if e["severity"] != s["severity"]:
                sev.append([at, s["severity"] if first else None, e["severity"]])
                s["severity"] = e["severity"]
        elif kind == "role":
            changes_before.append(at)  # type: ignore[arg-type]
            take(at, e["role"], e["person"])
        elif kind == "mitigated" and s["status"] != "declined":
            if s["mitigated_at"] is None:
                s["mitigated_at"] = at
            if s["status"] not in closed:
                s["status"] = "mitigated"
        elif kind == "resolved":
            s["resolved_at"], s["status"], s["declined_at"] = at, "resolved", None
            if e.get("root_cause_class"):
                s["root_cause_class"] = e["root_cause_class"]
        elif kind == "reopened" and s["status"] in closed:
            s["reopen_count"] += 1
            s["status"] = "investigating"
            s["resolved_at"] = s["mitigated_at"] = s["declined_at"] = None
        elif kind == "declined":
            s["status"], s["declined_at"] = "declined", at
        elif kind == "corrected":
            for name in ("started_at", "detected_at", "declared_at"):
                if e.get(name):
                    s[name] = _time(e[name])
            if e.get("root_cause_class"):
                s["root_cause_class"] = e["root_cause_class"]
        elif kind == "changed":
            for name in ("title", "services", "category"):
                if e.get(name) is not None:
                    s[name] = e[name]
    origin = s["declared_at"]
    earliest = min(changes_before) if changes_before else None
    if origin is not None and earliest is not None and earliest < origin:
        origin = min(t for t in (s["detected_at"], earliest) if t is not None)
    s["severity_history"] = [(at or origin, frm, to) for at, frm, to in sev]
    s["role_history"] = [(at or origin, r, p, prev) for at, r, p, prev in roles]
    s["timeline"] = [e["id"] for e in events]
    return s


def durations(state: dict[str, Any]) -> dict[str, float | str]:
    """Each phase in seconds, or the exclusion reason (docs/metrics.md)."""
    out: dict[str, float | str] = {}
    phases = {
        "ttd": ("started_at", "detected_at"),
        "tta": ("detected_at", "acknowledged_at"),
        "ttm": ("detected_at", "mitigated_at"),
        "ttr": ("detected_at", "resolved_at"),
    }
    for name, (a, b) in phases.items():
        start, end = state[a], state[b]
        if state["status"] == "declined":
            out[name] = "declined"
        elif end is None:
            out[name] = "open" if state["status"] != "resolved" else "missing"
        elif start is None:
            out[name] = "missing"
        elif end < start:
            out[name] = "negative"
        else:
            out[name] = (end - start).total_seconds()
    return out


def time_at_severity(state: dict[str, Any]) -> dict[str, float] | str:
    """Seconds per level in [detected_at, resolved_at) (docs/metrics.md), or why none."""
    if state["resolved_at"] is None:
        return "open"
    start, end = state["detected_at"], state["resolved_at"]
    if start is None:
        return "missing"
    if end < start:
        return "negative"
    hist = state["severity_history"]
    spent: dict[str, float] = {}
    for i, (at, _, to) in enumerate(hist):
        begin = start if i == 0 else max(at, start)
        stop = min(hist[i + 1][0], end) if i + 1 < len(hist) else end
        if stop > begin:
            spent[to] = spent.get(to, 0.0) + (stop - begin).total_seconds()
    return spent or {hist[-1][2]: 0.0}


def basis(state: dict[str, Any], name: str, order: list[str]) -> str:
    """The severity under --severity-basis ``name``."""
    levels = [to for _, _, to in state["severity_history"]]
    if name == "initial":
        return levels[0]
    if name == "max":
        return min(levels, key=lambda s: order.index(s) if s in order else len(order))
    return str(state["severity"])


def steps(state: dict[str, Any], order: list[str]) -> tuple[int, int]:
    """(upgrades, downgrades) in the severity history."""
    rank = {s: i for i, s in enumerate(order)}
    ups = downs = 0
    for _, frm, to in state["severity_history"][1:]:
        if frm is None:
            continue
        if rank.get(to, len(order)) < rank.get(frm, len(order)):
            ups += 1
        else:
            downs += 1
    return ups, downs


def mean(values: list[float]) -> float | None:
    return round(statistics.fmean(values), 3) if values else None
