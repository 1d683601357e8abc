"""The live board: every open incident with what needs doing now."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from incidentctl.core.severity import rank
from incidentctl.models.config import Config
from incidentctl.models.views import IncidentView
from incidentctl.severity import routing


@dataclass(frozen=True)
class BoardRow:
    """One open incident on the board."""

    id: str
    title: str
    severity: str
    status: str
    drill: bool
    age_s: float | None
    commander: str | None
    unfilled_roles: list[str]
    overdue_roles: list[str]
    updates: list[routing.UpdateDue]
    last_entry: str
    last_at: datetime | None

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "title": self.title,
            "severity": self.severity,
            "status": self.status,
            "drill": self.drill,
            "age_s": self.age_s,
            "commander": self.commander,
            "unfilled_roles": self.unfilled_roles,
            "overdue_roles": self.overdue_roles,
            "updates": [
                {
                    "surface": u.surface,
                    "every_minutes": u.every_minutes,
                    "last_at": u.last_at.isoformat() if u.last_at else None,
                    "next_due": u.next_due.isoformat() if u.next_due else None,
                    "overdue_minutes": u.overdue_minutes,
                }
                for u in self.updates
            ],
            "last_entry": self.last_entry,
            "last_at": self.last_at.isoformat() if self.last_at else None,
        }


def rows(views: list[IncidentView], config: Config, now: datetime) -> list[BoardRow]:
    """Open incidents, most severe first, then oldest first."""
    names = config.severity_names()
    out = []
    for view in views:
        if view.status in ("resolved", "declined") or view.duplicate_of:
            continue
        check = routing.checklist(view, config, now)
        roles = check.roles if check else []
        last = view.timeline[-1] if view.timeline else None
        summary = ""
        if last is not None:
            summary = f"{last.type}: {last.message}".strip().rstrip(":")
        out.append(
            BoardRow(
                id=view.id,
                title=view.title,
                severity=view.severity,
                status=view.status,
                drill=view.drill,
                age_s=(now - view.declared_at).total_seconds() if view.declared_at else None,
                commander=view.roles.get("commander"),
                unfilled_roles=[r.role for r in roles if r.holder is None],
                overdue_roles=[r.role for r in roles if r.overdue],
                updates=check.updates if check else [],
                last_entry=summary[:120],
                last_at=last.at if last else None,
            )
        )
    out.sort(
        key=lambda r: (
            rank(r.severity, names),
            -(r.age_s or 0),
        )
    )
    return out
