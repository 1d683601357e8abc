"""A report as titled tables, shared by the terminal, Markdown and HTML renderers."""

from __future__ import annotations

from dataclasses import dataclass, field

from incidentctl.core.display import human
from incidentctl.measure.formats import BREAKDOWNS
from incidentctl.measure.phases import PHASE_NAMES
from incidentctl.models.report import Aggregate, Group, Report


@dataclass
class Section:
    """One table with a title and an optional note under it."""

    title: str
    headers: list[str]
    rows: list[list[str]]
    note: str = ""
    key: str = field(default="")


def _figure(name: str, value: float | None) -> str:
    if value is None:
        return "-"
    if name == "repeat_rate":
        return f"{value:.0%}"
    return human(value) if name.endswith("_s") else f"{value:g}"


def _change(name: str, change: float | None, pct: float | None) -> str:
    if change is None:
        return "-"
    sign = "+" if change > 0 else "-" if change < 0 else ""
    if name == "repeat_rate":
        return f"{sign}{abs(change) * 100:.0f} pp"
    text = human(abs(change)) if name.endswith("_s") else f"{abs(change):g}"
    return f"{sign}{text}" + ("" if pct is None else f" ({pct:+.1f}%)")


def _agg_cells(agg: Aggregate) -> list[str]:
    return [
        str(agg.n),
        human(agg.mean_s),
        human(agg.median_s),
        human(agg.p90_s),
        human(agg.min_s),
        human(agg.max_s),
    ]


def _breakdown(name: str, groups: dict[str, Group]) -> Section:
    rows = []
    for key, group in groups.items():
        ttr = group.durations["ttr"]
        ttd = group.durations["ttd"]
        rows.append(
            [
                key,
                str(group.count),
                str(group.escalated),
                human(ttd.mean_s),
                human(ttr.mean_s),
                human(ttr.median_s),
                human(ttr.p90_s),
            ]
        )
    return Section(
        f"By {name}",
        [name, "incidents", "escalated", "MTTD", "MTTR", "TTR median", "TTR p90"],
        rows,
        key=name,
    )


def _range(low: float, high: float) -> str:
    return f"{low:g}" if low == high else f"{low:g}-{high:g}"


def _impact(report: Report) -> Section:
    impact = report.impact
    assert impact is not None
    rows = []
    for kind, groups in (("severity", impact.by_severity), ("service", impact.by_service)):
        for key, g in groups.items():
            rows.append(
                [
                    f"{kind} {key}",
                    str(g.incidents),
                    str(g.without_estimate),
                    _range(g.customer_minutes_low, g.customer_minutes_high)
                    if g.customer_minutes_incidents
                    else "-",
                    "; ".join(f"{m} {_range(t.low, t.high)}" for m, t in g.measures.items()) or "-",
                ]
            )
    return Section(
        "Impact",
        ["group", "incidents", "no estimate", "customer-minutes", "estimates (sum)"],
        rows,
        note=f"{impact.without_estimate} of {impact.incidents} incidents have no impact "
        f"estimate; customer-minutes from {impact.customer_minutes_incidents} incidents with a "
        f"customers estimate and an impact duration: "
        f"{_range(impact.customer_minutes_low, impact.customer_minutes_high)}",
    )


def build(report: Report, first: str = "severity", explain: bool = False) -> list[Section]:
    """Every section of the report, the chosen breakdown first after the headline."""
    counts = report.incidents
    excluded = ", ".join(f"{k}: {v}" for k, v in counts.excluded.items()) or "none"
    headline = Section(
        f"Incident report {report.period.label}",
        ["figure", "value"],
        [
            [
                "window (UTC)",
                f"{report.period.since:%Y-%m-%d %H:%M} → {report.period.until:%Y-%m-%d %H:%M}",
            ],
            ["incidents", str(counts.total)],
            ["open", str(counts.open)],
            ["resolved", str(counts.resolved)],
            ["excluded", excluded],
            ["severity basis", report.severity_basis],
            ["repos", ", ".join(report.repos)],
        ]
        + ([["as of", report.as_of]] if report.as_of else []),
    )
    durations = Section(
        "Durations",
        ["metric", "n", "mean", "median", "p90", "min", "max", "excluded"],
        [
            [
                name.upper(),
                *_agg_cells(report.durations[name]),
                ", ".join(f"{r}: {n}" for r, n in report.exclusions[name].items()) or "-",
            ]
            for name in PHASE_NAMES
        ],
        note="TTD started→detected · TTA detected→acknowledged · TTM detected→mitigated · "
        "TTR detected→resolved · impact started→mitigated (or resolved)",
    )
    groups = {
        "severity": report.by_severity,
        "service": report.by_service,
        "category": report.by_category,
        "period": report.by_period,
    }
    order = [first] + [b for b in BREAKDOWNS if b != first]
    sections = [headline, durations] + [_breakdown(b, groups[b]) for b in order]
    sections += [_breakdown(name, found) for name, found in report.breakdowns.items()]
    esc = report.escalations
    sections.append(
        Section(
            "Escalations",
            ["figure", "value"],
            [
                ["incidents whose severity changed", str(esc.incidents_escalated)],
                ["upgrades (more severe)", str(esc.upgrades)],
                ["downgrades (less severe)", str(esc.downgrades)],
            ]
            + [[f"transition {k}", str(v)] for k, v in esc.transitions.items()]
            + [
                [f"time at {k} (resolved incidents)", f"{human(v.total_s)} over {v.incidents}"]
                for k, v in esc.time_at_severity.items()
            ],
        )
    )
    rep = report.repeat_class
    rate = "-" if rep.rate is None else f"{rep.rate:.0%}"
    sections.append(
        Section(
            "Repeat classes",
            ["incident", "class", "earlier incidents", "earlier open actions"],
            [
                [
                    r.id,
                    r.class_,
                    ", ".join(r.prior_ids),
                    "-" if r.prior_open_actions is None else str(r.prior_open_actions),
                ]
                for r in rep.repeats
            ],
            note=f"rate {rate} = {rep.repeat_count} repeats / {rep.with_class} incidents with a "
            f"root-cause class (lookback {rep.lookback_days} days"
            f"{', same service' if rep.same_service else ''})",
        )
    )
    if report.impact is not None:
        sections.append(_impact(report))
    if report.cost is not None:
        c = report.cost
        rows = [
            [f"severity {k}", str(g.incidents), f"{g.total:,.2f}"] for k, g in c.by_severity.items()
        ]
        rows += [
            [f"service {k}", str(g.incidents), f"{g.total:,.2f}"] for k, g in c.by_service.items()
        ]
        sections.append(
            Section(
                "Incident cost",
                ["group", "incidents", f"cost ({c.currency})"],
                rows,
                note=f"total {c.total:,.2f} {c.currency} over {c.incidents} incidents",
            )
        )
        if explain:
            sections.append(
                Section(
                    "Cost inputs",
                    ["incident", "people (hours by band at rate)", "responders", "review",
                     "actions", "total"],
                    [
                        [
                            i.id,
                            "; ".join(
                                f"{p} {', '.join(f'{b} {h:g}h' for b, h in hrs.items())} "
                                f"@ {i.rates[p]:g}"
                                for p, hrs in i.people_hours.items()
                            ) or "-",
                            f"{i.responders:,.2f}", f"{i.review:,.2f}",
                            f"{i.actions} = {i.action_items:,.2f}", f"{i.total:,.2f}",
                        ]
                        for i in c.incidents_detail
                    ],
                )
            )  # fmt: skip
    if report.workload is not None:
        w = report.workload
        sections.append(
            Section(
                "Responder load",
                ["person", "incidents", "pages (out of hours)", "time", "active", "working",
                 "evening", "sleeping"],
                [
                    [
                        name, str(p.incidents), f"{p.pages} ({p.pages_out_of_hours})",
                        human(p.total_s), human(p.active_s), human(p.working_s),
                        human(p.evening_s), human(p.sleeping_s),
                    ]
                    for name, p in w.people.items()
                ],
                note=f"sorted by name; spans merge events less than {w.merge_minutes} minutes "
                f"apart and end {w.minimum_minutes} minutes after the last; role holders count "
                "while the incident is open",
            )
        )  # fmt: skip
    if report.actions is not None:
        a = report.actions
        sections.append(
            Section(
                "Action items",
                ["figure", "value"],
                [
                    ["total", str(a.total)],
                    ["open", str(a.open)],
                    ["done", str(a.done)],
                    ["overdue", str(a.overdue)],
                    ["median time to close", human(a.median_time_to_close_s)],
                ],
            )
        )
    if report.detection is not None:
        d = report.detection
        share = "-" if d.share_promoted is None else f"{d.share_promoted:.0%}"
        promoted = "-" if d.promoted is None else f"{d.promoted} ({share})"
        rows = [
            ["alert groups", "-" if d.alert_groups is None else str(d.alert_groups)],
            ["promoted to incidents", promoted],
        ]
        rows += [
            [f"incidents detected by {k}", str(v)] for k, v in d.incidents_by_source.items() if v
        ]
        rows += [
            [f"MTTD when detected by {k}", human(a.mean_s)]
            for k, a in d.ttd_by_source.items()
            if a.n
        ]
        sections.append(Section("Detection", ["figure", "value"], rows))
    if report.trend is not None:
        rows = []
        for name, fig in report.trend.figures.items():
            rows.append(
                [
                    name,
                    _figure(name, fig.current),
                    _figure(name, fig.previous),
                    _change(name, fig.change, fig.change_pct),
                ]
            )
        sections.append(
            Section(
                f"Trend vs {report.trend.previous.label}",
                ["figure", "this period", "previous", "change"],
                rows,
            )
        )
    if report.data_errors:
        sections.append(
            Section(
                "Data errors",
                ["incident", "metric", "problem"],
                [[e.id, e.metric, e.message] for e in report.data_errors],
            )
        )
    if explain:
        sections.append(
            Section(
                "Definitions",
                ["figure", "definition"],
                [[k, v] for k, v in report.definitions.items()],
            )
        )
        sections.append(
            Section(
                "Per-incident inputs",
                ["repo", "id", "sev", "period", "TTD", "TTA", "TTM", "TTR", "impact", "excluded"],
                [
                    [
                        r.repo,
                        r.id,
                        r.severity,
                        r.period or "-",
                        human(r.ttd_s),
                        human(r.tta_s),
                        human(r.ttm_s),
                        human(r.ttr_s),
                        human(r.impact_s),
                        ", ".join(f"{k}: {v}" for k, v in r.excluded.items()) or "-",
                    ]
                    for r in report.rows
                ],
            )
        )
    return sections
