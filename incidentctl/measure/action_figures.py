"""Action-item figures for a report, and whether repeats' earlier actions had shipped."""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from datetime import date, datetime

from incidentctl.learn.actions import open_at
from incidentctl.models.report import ActionFigures, Report
from incidentctl.models.review import ActionRecord


def with_actions(
    report: Report,
    actions: Mapping[str, Sequence[ActionRecord]],
    detected: Mapping[tuple[str, str], datetime | None],
    today: date,
) -> Report:
    """``report`` with ``actions`` filled in and each repeat's earlier open actions counted."""
    population = {
        (r.repo, r.id): r.severity
        for r in report.rows
        if r.excluded.get("ttd") not in ("drill", "duplicate")
    }
    chosen = [
        (repo, a)
        for repo, items in actions.items()
        for a in items
        if (repo, a.incident) in population
    ]
    closed = [
        (a.closed_at - a.created_at).total_seconds()
        for _, a in chosen
        if a.status == "done" and a.closed_at is not None
    ]
    by_severity: dict[str, dict[str, int]] = {}
    overdue = 0
    for repo, action in chosen:
        late = action.status == "open" and action.due < today
        overdue += late
        bucket = by_severity.setdefault(
            population[(repo, action.incident)], {"open": 0, "done": 0, "wontdo": 0, "overdue": 0}
        )
        bucket[action.status] += 1
        bucket["overdue"] += late
    figures = ActionFigures(
        total=len(chosen),
        open=sum(1 for _, a in chosen if a.status == "open"),
        done=sum(1 for _, a in chosen if a.status == "done"),
        overdue=overdue,
        median_time_to_close_s=float(statistics.median(closed)) if closed else None,
        by_severity=dict(sorted(by_severity.items())),
    )
    by_incident: dict[tuple[str, str], list[ActionRecord]] = {}
    for repo, items in actions.items():
        for action in items:
            by_incident.setdefault((repo, action.incident), []).append(action)
    repeats = []
    for repeat in report.repeat_class.repeats:
        moment = detected.get((repeat.repo, repeat.id))
        records = [
            a for prior in repeat.prior_ids for a in by_incident.get((repeat.repo, prior), [])
        ]
        priors = set(repeat.prior_ids)
        count = open_at(records, priors, moment) if moment else None
        repeats.append(repeat.model_copy(update={"prior_open_actions": count}))
    repeat_class = report.repeat_class.model_copy(update={"repeats": repeats})
    return report.model_copy(update={"actions": figures, "repeat_class": repeat_class})
