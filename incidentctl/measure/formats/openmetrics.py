"""The report's headline figures in OpenMetrics text, for node_exporter's textfile
collector or a Pushgateway."""

from __future__ import annotations

from incidentctl.measure.phases import PHASE_NAMES
from incidentctl.models.report import Report


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _num(value: float) -> str:
    return repr(float(value)) if value != int(value) else str(int(value))


def render(report: Report) -> str:
    """OpenMetrics exposition ending in ``# EOF``."""
    lines: list[str] = []

    def family(name: str, kind: str, help_text: str) -> None:
        lines.append(f"# TYPE {name} {kind}")
        lines.append(f"# HELP {name} {help_text}")

    family(
        "incidentctl_incidents", "gauge", "Incidents detected in the report window, by severity."
    )
    for severity, group in report.by_severity.items():
        lines.append(f'incidentctl_incidents{{severity="{_escape(severity)}"}} {group.count}')
    family("incidentctl_open_incidents", "gauge", "Incidents in the window not yet resolved.")
    lines.append(f"incidentctl_open_incidents {report.incidents.open}")
    for phase in PHASE_NAMES:
        agg = report.durations[phase]
        name = f"incidentctl_{phase}_seconds"
        family(name, "summary", f"{phase.upper()} of incidents in the window, in seconds.")
        if agg.n:
            assert agg.median_s is not None and agg.p90_s is not None and agg.sum_s is not None
            lines.append(f'{name}{{quantile="0.5"}} {_num(agg.median_s)}')
            lines.append(f'{name}{{quantile="0.9"}} {_num(agg.p90_s)}')
        lines.append(f"{name}_sum {_num(agg.sum_s or 0.0)}")  # 0 with no incidents
        lines.append(f"{name}_count {agg.n}")
    family(
        "incidentctl_escalated_incidents",
        "gauge",
        "Incidents in the window whose severity changed.",
    )
    lines.append(f"incidentctl_escalated_incidents {report.escalations.incidents_escalated}")
    family(
        "incidentctl_repeat_class_rate",
        "gauge",
        "Repeats divided by incidents with a root-cause class.",
    )
    if report.repeat_class.rate is not None:
        lines.append(f"incidentctl_repeat_class_rate {_num(report.repeat_class.rate)}")
    if report.actions is not None:
        family("incidentctl_overdue_actions", "gauge", "Open action items past their due date.")
        lines.append(f"incidentctl_overdue_actions {report.actions.overdue}")
        family("incidentctl_open_actions", "gauge", "Open action items.")
        lines.append(f"incidentctl_open_actions {report.actions.open}")
    lines.append("# EOF")
    return "\n".join(lines) + "\n"
