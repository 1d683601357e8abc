"""Detection figures: alert groups per period, share promoted, how incidents were noticed."""

from __future__ import annotations

from collections.abc import Sequence

from incidentctl.detect.groups import Group
from incidentctl.measure.periods import label
from incidentctl.measure.stats import aggregate
from incidentctl.models.report import DetectionFigures, Report

SOURCES = ("alert", "customer", "engineer", "other", "unknown")


def with_detection(report: Report, groups: Sequence[Group] | None) -> Report:
    """``report`` with detection figures; ``groups`` None when alerts were not read."""
    population = [r for r in report.rows if r.excluded.get("ttd") not in ("drill", "duplicate")]
    by_source = {s: 0 for s in SOURCES}
    ttd: dict[str, list[float]] = {s: [] for s in SOURCES}
    for row in population:
        source = row.detected_by or "unknown"
        by_source[source] = by_source.get(source, 0) + 1
        if row.ttd_s is not None:
            ttd.setdefault(source, []).append(row.ttd_s)
    alert_groups: int | None = None
    promoted: int | None = None
    per_period: dict[str, int] = {}
    if groups is not None:
        since, until = report.period.since, report.period.until
        counted = [g for g in groups if since <= g.first_fired < until]
        alert_groups = len(counted)
        promoted = sum(1 for g in counted if g.incident)
        per_period = {name: 0 for name in report.by_period}
        for group in counted:
            key = label(group.first_fired, report.granularity)
            per_period[key] = per_period.get(key, 0) + 1
    figures = DetectionFigures(
        alert_groups=alert_groups,
        promoted=promoted,
        share_promoted=round(promoted / alert_groups, 4)
        if alert_groups and promoted is not None
        else None,
        groups_by_period=per_period,
        incidents_by_source=by_source,
        ttd_by_source={s: aggregate(v) for s, v in ttd.items()},
    )
    return report.model_copy(update={"detection": figures})
