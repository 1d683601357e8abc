"""Action items in the shapes trackers import: GitHub issues JSON and Jira CSV."""

from __future__ import annotations

import csv
import io

from incidentctl.models.review import ActionRecord

JIRA_COLUMNS = (
    "Summary",
    "Description",
    "Assignee",
    "Due Date",
    "Priority",
    "Labels",
    "Issue Type",
    "External ID",
)
JIRA_PRIORITY = {"high": "High", "medium": "Medium", "low": "Low"}


def _body(record: ActionRecord) -> str:
    kind = f", {record.type}" if record.type else ""
    return (
        f"Action item {record.id} from incident {record.incident}{kind}.\n"
        f"Owner: {record.owner}. Due {record.due.isoformat()}.\n\n"
        "Tracked in the incident records repo; close it with "
        f"`incidentctl action done {record.id}` when it ships."
    )


def github(records: list[ActionRecord]) -> list[dict[str, object]]:
    """Objects accepted by the GitHub REST API ``POST /repos/{owner}/{repo}/issues``."""
    return [
        {
            "title": record.title,
            "body": _body(record),
            "labels": sorted(
                {
                    "incident-action",
                    f"priority:{record.priority}",
                    *([f"type:{record.type}"] if record.type else []),
                }
            ),
            "assignees": [],
            "incidentctl": {
                "action": record.id,
                "incident": record.incident,
                "owner": record.owner,
                "due": record.due.isoformat(),
            },
        }
        for record in records
    ]


def _safe(text: str) -> str:
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def jira_csv(records: list[ActionRecord]) -> str:
    """CSV with the columns Jira's CSV importer maps by default."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(JIRA_COLUMNS)
    for record in records:
        writer.writerow(
            [
                _safe(record.title),
                _safe(_body(record)),
                _safe(record.owner),
                record.due.isoformat(),
                JIRA_PRIORITY[record.priority],
                " ".join(["incident-action", record.incident]),
                "Task",
                record.id,
            ]
        )
    return out.getvalue()
