"""Change an incident's descriptive fields: a ``changed`` event, never an edit of incident.md.

Two clones that change the same field each add their own event file, so a pull never
conflicts; the later change wins in the fold and both stay in the timeline.
"""

from __future__ import annotations

import re
from typing import Any

from incidentctl.core.errors import UsageError
from incidentctl.core.text import clean_name, clean_text, refuse_secrets
from incidentctl.models.event import (
    IMPACT_MEASURES,
    MAX_IMPACT,
    Changed,
    ImpactEstimated,
    ImpactRange,
)
from incidentctl.models.views import IncidentView
from incidentctl.workspace import Workspace


def set_fields(
    ws: Workspace,
    ref: str,
    *,
    title: str | None = None,
    services: list[str] | None = None,
    category: str | None = None,
    drill: bool | None = None,
    duplicate_of: str | None = None,
    public_title: str | None = None,
    by: str | None = None,
    commit: bool = True,
    fields: list[str] | None = None,
    incident_type: str | None = None,
) -> IncidentView:
    """Record a change of descriptive fields; returns the incident after it."""
    from incidentctl.respond.lifecycle import append

    incident_id = ws.resolve_id(ref)
    changes: dict[str, Any] = {}
    if title is not None or public_title is not None:
        from incidentctl.org.private import refuse_narrative

        refuse_narrative(ws.incident(incident_id), "title")
    if title is not None:
        changes["title"] = clean_text(title, "title", single_line=True, limit=200)
        refuse_secrets(title=changes["title"])
    if services is not None:
        changes["services"] = sorted({ws.service(s) for s in services})
    if category is not None:
        changes["category"] = clean_name(category, "category", ws.config.categories)
    if drill is not None:
        changes["drill"] = drill
    if public_title is not None:
        changes["public_title"] = clean_text(
            public_title, "public title", single_line=True, limit=200
        )
        refuse_secrets(public_title=changes["public_title"])
    if duplicate_of is not None:
        original = ws.resolve_id(duplicate_of)
        if original == incident_id:
            raise UsageError("an incident cannot be a duplicate of itself")
        changes["duplicate_of"] = original
    if fields:
        from incidentctl.org.fields import parse_assignments

        changes["fields"] = parse_assignments(ws, fields)
    if incident_type is not None:
        from incidentctl.org.fields import incident_type as check_type

        changes["incident_type"] = check_type(ws, incident_type)
    if not changes:
        raise UsageError(
            "nothing to change: give --title, --public-title, --service, --category, --drill, "
            "--duplicate-of, --field or --type"
        )
    outcome = append(
        ws,
        incident_id,
        verb=f"set {', '.join(sorted(changes))}",
        build=lambda f: Changed(type="changed", **changes, **f),
        at=None,
        by=by,
        message="",
        backfill=True,  # a change is recorded when it is made, whatever the incident's times
        commit=commit,
    )
    return outcome.incident


_NUMBER = r"(?:0|[1-9][0-9]{0,15})"
_IMPACT = re.compile(rf"([a-z_]+)=({_NUMBER})(?:-({_NUMBER}))?")


def parse_impact(text: str) -> tuple[str, ImpactRange]:
    """``customers=1200-1500`` or ``tickets=45``: a measure and its range."""
    found = _IMPACT.fullmatch(text.strip())
    if found is None:
        raise UsageError(
            f"--impact {text!r}: expected MEASURE=LOW-HIGH or MEASURE=VALUE with whole "
            "numbers, e.g. customers=1200-1500"
        )
    measure, low_text, high_text = found.groups()
    if measure not in IMPACT_MEASURES:
        raise UsageError(
            f"--impact {text!r}: unknown measure {measure!r}; use one of "
            f"{', '.join(IMPACT_MEASURES)}"
        )
    low = int(low_text)
    high = int(high_text) if high_text is not None else low
    if low > MAX_IMPACT or high > MAX_IMPACT:
        raise UsageError(f"--impact {text!r}: values are at most {MAX_IMPACT}")
    if low > high:
        raise UsageError(f"--impact {text!r}: the low end {low} is above the high end {high}")
    return measure, ImpactRange(low=low, high=high)


def estimate_impact(
    ws: Workspace,
    ref: str,
    impacts: list[str],
    *,
    reason: str | None,
    by: str | None = None,
    commit: bool = True,
) -> IncidentView:
    """Record impact estimates (an ``impact`` event); the reason is their basis."""
    from incidentctl.respond.lifecycle import append

    if not reason or not reason.strip():
        raise UsageError(
            "--impact needs --reason: where the estimate came from (e.g. 'from the billing logs')"
        )
    basis = clean_text(reason, "--reason", single_line=True, limit=500)
    estimates: dict[str, ImpactRange] = {}
    for text in impacts:
        measure, estimate = parse_impact(text)
        if measure in estimates:
            raise UsageError(f"--impact {measure} is given twice")
        estimates[measure] = estimate
    outcome = append(
        ws,
        ws.resolve_id(ref),
        verb=f"estimate impact ({', '.join(sorted(estimates))})",
        build=lambda f: ImpactEstimated(type="impact", estimates=estimates, **f),  # type: ignore[arg-type]
        at=None,
        by=by,
        message=basis,
        backfill=True,  # recorded when it is made, whatever the incident's times
        commit=commit,
    )
    return outcome.incident
