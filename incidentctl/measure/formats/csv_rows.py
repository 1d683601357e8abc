"""A report as CSV: one row per incident with its phase durations in seconds."""

from __future__ import annotations

import csv
import io

from incidentctl.models.report import Report

COLUMNS = (
    "repo",
    "id",
    "title",
    "severity",
    "status",
    "services",
    "category",
    "root_cause_class",
    "drill",
    "period",
    "started_at",
    "detected_at",
    "acknowledged_at",
    "mitigated_at",
    "resolved_at",
    "ttd_s",
    "tta_s",
    "ttm_s",
    "ttr_s",
    "impact_s",
    "customer_minutes_low",
    "customer_minutes_high",
    "excluded",
)


def _safe(text: str) -> str:
    # A cell starting with = + - @ is a formula in spreadsheets (CSV injection).
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def render(report: Report) -> str:
    """CSV text with a header row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in report.rows:
        data = row.model_dump(mode="json")
        data["services"] = ";".join(row.services)
        data["excluded"] = ";".join(f"{k}={v}" for k, v in row.excluded.items())
        writer.writerow(
            [
                _safe(str(data[c]))
                if isinstance(data[c], str)
                else ("" if data[c] is None else data[c])
                for c in COLUMNS
            ]
        )
    return out.getvalue()
