"""Breakdowns a report can be asked for with ``--group-by``: team, system, type, field:NAME.

Each files every incident under exactly one value — ``(several)`` when its services belong
to more than one team or system, ``(none)`` when it has none — so a breakdown's counts
always sum to the report's total.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from incidentctl.core.errors import UsageError
from incidentctl.models.views import IncidentView
from incidentctl.org.derive import one

NAMED: dict[str, Callable[[IncidentView], str]] = {
    "team": lambda v: one(v.teams),
    "system": lambda v: one(v.systems),
}
FIELD_PREFIX = "field:"
KINDS = ("team", "system", "type", "field:NAME")


def _plain(value: object) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def key_of(name: str) -> Callable[[IncidentView], str]:
    """How ``--group-by name`` files an incident."""
    if name in NAMED:
        return NAMED[name]
    if name == "type":
        return lambda v: str(getattr(v, "type", None) or "default")
    if name.startswith(FIELD_PREFIX) and len(name) > len(FIELD_PREFIX):
        field = name[len(FIELD_PREFIX) :]
        return lambda v: _plain((getattr(v, "fields", None) or {}).get(field))
    raise UsageError(f"--group-by {name!r}: use {', '.join(KINDS)}")


def check(names: Sequence[str]) -> tuple[str, ...]:
    """The breakdowns asked for, validated, in the order given, without repeats."""
    result: list[str] = []
    for raw in names:
        name = raw.strip()
        key_of(name)
        if name not in result:
            result.append(name)
    return tuple(result)
