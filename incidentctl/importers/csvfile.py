"""Import incidents from a CSV export (the shape of PagerDuty's and Opsgenie's exports).

``--map`` names the columns: ``id``, ``title``, ``created``, ``acknowledged``,
``resolved``, ``severity`` (urgency or priority), ``service``, optional ``started``
and ``class``. Defaults match PagerDuty's incident export.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path

from incidentctl.core.errors import UsageError
from incidentctl.importers.common import (
    ImportResult,
    Planned,
    parse_map,
    parse_time,
    slug,
    write,
    zone_of,
)
from incidentctl.workspace import Workspace

DEFAULT_COLUMNS = {
    "id": "id",
    "title": "description",
    "created": "created_on",
    "acknowledged": "acknowledged_on",
    "resolved": "resolved_on",
    "severity": "urgency",
    "service": "service_name",
}
DEFAULT_SEVERITY = {
    "high": "sev2",
    "low": "sev4",
    "p1": "sev1",
    "p2": "sev2",
    "p3": "sev3",
    "p4": "sev4",
    "p5": "sev5",
}


def run(
    ws: Workspace,
    file: Path,
    *,
    columns: str | None = None,
    severity_map: str | None = None,
    zone_name: str | None = None,
) -> ImportResult:
    names = {**DEFAULT_COLUMNS, **parse_map(columns, "--map")}
    mapping = {
        **DEFAULT_SEVERITY,
        **{k: v.lower() for k, v in parse_map(severity_map, "--severity-map").items()},
    }
    zone = zone_of(zone_name)
    try:
        text = file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read {file}: {exc}") from None
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    for key in ("id", "title", "created"):
        if names[key] not in header:
            raise UsageError(
                f"column {names[key]!r} (for {key}) is not in {file.name}; "
                f"columns: {', '.join(header)}; use --map {key}=COLUMN"
            )
    result = ImportResult()
    plans = []
    for number, row in enumerate(reader, start=2):
        ident = (row.get(names["id"]) or "").strip()
        source = f"csv:{file.name}:{ident or number}"
        if not ident:
            result.skipped.append((source, f"line {number}: no id"))
            continue

        def when(key: str, row: dict[str, str] = row, number: int = number) -> datetime | None:
            column = names.get(key)
            value = (row.get(column) or "").strip() if column else ""
            if not value:
                return None
            at, assumed = parse_time(value, zone, f"line {number} {column}")
            result.assumed_zone += assumed
            return at

        try:
            created = when("created")
            if created is None:
                result.skipped.append((source, f"line {number}: no {names['created']}"))
                continue
            raw = (row.get(names["severity"]) or "").strip().lower()
            severity = mapping.get(raw, raw if raw in ws.config.severity_names() else "")
            if severity not in ws.config.severity_names():
                raise UsageError(
                    f"line {number}: severity {raw!r} is not mapped; use "
                    "--severity-map, e.g. high=sev2,low=sev4"
                )
            service = (row.get(names["service"]) or "").strip()
            plans.append(
                Planned(
                    source=source,
                    title=(row.get(names["title"]) or ident).strip(),
                    severity=severity,
                    services=[slug(service)] if service else [],
                    started=when("started"),
                    detected=created,
                    acknowledged=when("acknowledged"),
                    resolved=when("resolved"),
                    root_cause_class=slug(row[names["class"]])
                    if names.get("class") and row.get(names["class"])
                    else None,
                )
            )
        except UsageError as exc:
            if "no UTC offset" in exc.message or "not mapped" in exc.message:
                raise
            result.skipped.append((source, exc.message))
    write(ws, plans, result, f"import: {file.name}")
    return result
