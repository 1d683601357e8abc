"""Durations derived from one incident's state, shared by the report and the post-mortem draft."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from incidentctl.models.views import IncidentView


def time_at_severity(
    view: IncidentView, *, until: datetime | None = None
) -> tuple[dict[str, float], str | None]:
    """Seconds spent at each severity in [detected_at, resolved_at), or why there is none.

    ``until`` ends the window of an open incident (a draft written before resolution).

    The declared severity holds from the start of the window until the first change; each
    change holds from its time (a change before the window counts from its start).
    """
    end = view.resolved_at or until
    if end is None:
        return {}, "open"
    start = view.detected_at if view.detection_known else view.declared_at
    if start is None or not view.severity_history:
        return {}, "missing"
    if end < start:
        return {}, "negative"
    spent: dict[str, float] = defaultdict(float)
    history = view.severity_history
    for i, change in enumerate(history):
        begin = start if i == 0 else max(change.at, start)
        until = min(history[i + 1].at, end) if i + 1 < len(history) else end
        if until > begin:
            spent[change.to] += (until - begin).total_seconds()
    if not spent:
        spent[history[-1].to] = 0.0
    return dict(spent), None
