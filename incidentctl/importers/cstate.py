"""Import cState (Hugo) status-page issues: ``content/issues/*.md``.

Front matter: ``title``, ``date`` (start), ``resolved``, ``resolvedWhen``, ``severity``
(down / disrupted / notice), ``affected``; body updates carry their time in a
``{{< track "2021-06-15T10:05:00Z" >}}`` shortcode.
"""

from __future__ import annotations

import re
from datetime import datetime, tzinfo
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
from incidentctl.yamlio.frontmatter import parse
from incidentctl.yamlio.strict import YamlProblem, to_python

TRACK = re.compile(r'\{\{<\s*track\s+"([^"]+)"\s*>\}\}')
DEFAULT_SEVERITY = {"down": "sev1", "disrupted": "sev2", "notice": "sev3"}


def _updates(
    body: str, zone: tzinfo | None, source: str, result: ImportResult
) -> list[tuple[datetime, str, str]]:
    updates: list[tuple[datetime, str, str]] = []
    body = re.sub(r"<!--.*?-->", "", body, flags=re.S)  # template text nobody published
    for block in re.split(r"\n\s*\n", body):
        match = TRACK.search(block)
        if not match:
            continue
        text = TRACK.sub("", block).strip()
        at, assumed = parse_time(match.group(1), zone, f"{source} update")
        result.assumed_zone += assumed
        updates.append((at, "status page", text))
    return updates


def plan(
    directory: Path, *, zone_name: str | None, severity_map: str | None, result: ImportResult
) -> list[Planned]:
    """Read every issue file; unusable ones are skipped with a reason."""
    folder = (
        directory / "content" / "issues"
        if (directory / "content" / "issues").is_dir()
        else directory
    )
    files = sorted(folder.glob("*.md"))
    if not files:
        raise UsageError(f"no cState issues in {directory} (looked in {folder})")
    zone = zone_of(zone_name)
    mapping = {**DEFAULT_SEVERITY, **parse_map(severity_map, "--severity-map")}
    plans = []
    for path in files:
        source = f"cstate:{path.name}"
        if path.name.startswith("_"):
            continue
        try:
            doc = parse(path.read_bytes())
        except YamlProblem as exc:
            result.skipped.append((source, f"unreadable front matter: {exc.message}"))
            continue
        meta = {k: to_python(v) for k, v in doc.meta.items()}
        if meta.get("informational") is True:
            result.skipped.append((source, "informational notice, not an incident"))
            continue
        if not meta.get("date"):
            result.skipped.append((source, "no date"))
            continue
        try:
            started, assumed = parse_time(meta["date"], zone, f"{path.name} date")
            result.assumed_zone += assumed
            resolved = None
            if meta.get("resolved") is True and meta.get("resolvedWhen"):
                resolved, assumed = parse_time(
                    meta["resolvedWhen"], zone, f"{path.name} resolvedWhen"
                )
                result.assumed_zone += assumed
            elif meta.get("resolved") is True:
                result.notes.append(
                    f"{source}: resolved without a resolvedWhen time; imported as open"
                )
            updates = _updates(doc.body, zone, path.name, result)
        except UsageError as exc:
            if "no UTC offset" in exc.message:
                raise
            result.skipped.append((source, exc.message))
            continue
        raw_severity = str(meta.get("severity") or "").lower()
        severity = mapping.get(raw_severity, mapping.get("default", "sev3"))
        affected = meta.get("affected") or []
        services = [slug(str(a)) for a in (affected if isinstance(affected, list) else [affected])]
        plans.append(
            Planned(
                source=source,
                title=str(meta.get("title") or path.stem),
                severity=severity,
                services=services,
                started=started,
                detected=started,
                detection_known=False,
                resolved=resolved,
                updates=updates,
            )
        )
    return plans


def run(
    ws: Workspace, directory: Path, *, zone_name: str | None = None, severity_map: str | None = None
) -> ImportResult:
    result = ImportResult()
    plans = plan(directory, zone_name=zone_name, severity_map=severity_map, result=result)
    for p in plans:
        if p.severity not in ws.config.severity_names():
            raise UsageError(
                f"severity {p.severity!r} (from {p.source}) is not in the policy; "
                "use --severity-map, e.g. down=sev1,disrupted=sev2,notice=sev3"
            )
    write(ws, plans, result, "import: cState issues")
    return result
