"""Calendar periods in UTC: quarters, months, ISO weeks, years."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from incidentctl.core.errors import UsageError

GRANULARITIES = ("week", "month", "quarter", "year")
_QUARTER = re.compile(r"(\d{4})-?[Qq]([1-4])")


def quarter_bounds(year: int, quarter: int) -> tuple[datetime, datetime]:
    """[start, end) of a calendar quarter in UTC."""
    start = datetime(year, 3 * (quarter - 1) + 1, 1, tzinfo=UTC)
    end = (
        datetime(year + 1, 1, 1, tzinfo=UTC)
        if quarter == 4
        else datetime(year, 3 * quarter + 1, 1, tzinfo=UTC)
    )
    return start, end


def parse_quarter(text: str) -> tuple[datetime, datetime]:
    """``2026Q3`` / ``2026-q3`` → its bounds."""
    match = _QUARTER.fullmatch(text.strip())
    if not match:
        raise UsageError(f"invalid quarter {text!r}: write it like 2026Q3")
    from incidentctl.core.clock import EARLIEST, LATEST, RANGE_TEXT

    if not EARLIEST.year <= int(match[1]) < LATEST.year:
        raise UsageError(f"quarter {text!r} is out of range: the year must be {RANGE_TEXT}")
    return quarter_bounds(int(match[1]), int(match[2]))


def last_full_quarter(now: datetime) -> tuple[datetime, datetime]:
    """The most recent calendar quarter that has ended."""
    current = (now.month - 1) // 3 + 1
    year, quarter = (now.year, current - 1) if current > 1 else (now.year - 1, 4)
    return quarter_bounds(year, quarter)


def label(moment: datetime, granularity: str) -> str:
    """The bucket a moment falls in: ``2026-W27``, ``2026-07``, ``2026Q3``, ``2026``."""
    moment = moment.astimezone(UTC)
    if granularity == "week":
        iso = moment.isocalendar()
        return f"{iso.year}-W{iso.week:02d}"
    if granularity == "month":
        return f"{moment.year}-{moment.month:02d}"
    if granularity == "quarter":
        return f"{moment.year}Q{(moment.month - 1) // 3 + 1}"
    return str(moment.year)


def buckets(since: datetime, until: datetime, granularity: str) -> list[str]:
    """Every bucket label between ``since`` and ``until``, in order (empty ones included)."""
    labels: list[str] = []
    day = since.astimezone(UTC).date()
    last = (until - timedelta(microseconds=1)).astimezone(UTC).date()
    while day <= last:
        name = label(datetime(day.year, day.month, day.day, tzinfo=UTC), granularity)
        if not labels or labels[-1] != name:
            labels.append(name)
        day = _next(day, granularity)
    return labels


def _next(day: date, granularity: str) -> date:
    if granularity == "week":
        return day + timedelta(days=7 - day.weekday())
    if granularity == "month":
        return date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    if granularity == "quarter":
        q_end = ((day.month - 1) // 3 + 1) * 3
        return date(day.year + (q_end == 12), q_end % 12 + 1, 1)
    return date(day.year + 1, 1, 1)


def parse_day_or_time(text: str) -> datetime | None:
    """A bare date ``2026-01-01`` as UTC midnight; ``None`` if ``text`` is something else."""
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        return None
    from incidentctl.core.clock import RANGE_TEXT, in_range

    moment = datetime(day.year, day.month, day.day, tzinfo=UTC)
    if not in_range(moment):
        raise UsageError(f"date {text.strip()!r} is out of range: it must be {RANGE_TEXT}")
    return moment
