"""The clock and every way a person can write a time on the command line.

Accepted: ``now``; relative ``-15m``, ``15m ago``, ``2h30m ago``, ``1d``-style units
(s, m, h, d, w); ISO-8601 with an offset or ``Z``; ISO-8601 or ``HH:MM[:SS]`` without an
offset, read as wall-clock time in the repo's configured timezone. Results are UTC.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta, tzinfo

from incidentctl.core.errors import UsageError

Clock = Callable[[], datetime]
NOW_ENV = "INCIDENTCTL_NOW"

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_RELATIVE = re.compile(r"(?:(?P<sign>[-+])\s*)?(?P<body>(?:\d+\s*[smhdw]\s*)+)(?P<ago>ago)?")
_PART = re.compile(r"(\d+)\s*([smhdw])")
_CLOCK_TIME = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?")

# Every time accepted from any source lies in this range, so arithmetic on it (windows,
# lookbacks, due dates) never leaves what datetime can hold.
EARLIEST = datetime(1800, 1, 1, tzinfo=UTC)
LATEST = datetime(3000, 1, 1, tzinfo=UTC)
MAX_SPAN = LATEST - EARLIEST
RANGE_TEXT = "between 1800 and 2999"


def in_range(value: datetime) -> bool:
    """Whether ``value`` (timezone-aware) is inside the supported range."""
    return EARLIEST <= value < LATEST


def system_clock() -> datetime:
    """The current time in UTC, or the fixed instant in ``INCIDENTCTL_NOW`` (for replays, tests)."""
    fixed = os.environ.get(NOW_ENV)
    if fixed:
        return parse_timestamp(fixed, what=NOW_ENV)
    return datetime.now(UTC).replace(microsecond=0)


def parse_timestamp(text: str, *, what: str = "timestamp") -> datetime:
    """A stored timestamp: ISO-8601 with an explicit offset; returns it in UTC."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"{what} {text[:60]!r} is not an ISO-8601 timestamp") from None
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} {text!r} has no UTC offset (write it with Z or +HH:MM)")
    try:
        utc = value.astimezone(UTC)
    except OverflowError:
        utc = EARLIEST - timedelta(days=1)
    if not in_range(utc):
        raise ValueError(f"{what} {text!r} is not {RANGE_TEXT}")
    return utc


def _relative(text: str) -> timedelta | None:
    match = _RELATIVE.fullmatch(text)
    if not match:
        return None
    parts = _PART.findall(match["body"])
    if any(len(n) > 12 for n, _ in parts):
        raise UsageError(f"relative time {text[:40]!r} is too far away; it must be {RANGE_TEXT}")
    seconds = sum(int(n) * _UNITS[u] for n, u in parts)
    if seconds > MAX_SPAN.total_seconds():
        raise UsageError(f"relative time {text[:40]!r} is too far away; it must be {RANGE_TEXT}")
    if match["sign"] == "+" and not match["ago"]:
        return timedelta(seconds=seconds)
    if match["sign"] == "-" or match["ago"]:
        return -timedelta(seconds=seconds)
    return None


def _localize(naive: datetime, zone: tzinfo, original: str) -> datetime:
    """Attach a zone to a wall-clock time, refusing times that DST makes ambiguous or absent."""
    early = naive.replace(tzinfo=zone, fold=0)
    late = naive.replace(tzinfo=zone, fold=1)
    if early.utcoffset() != late.utcoffset():
        # Ambiguous (clocks went back) or nonexistent (clocks went forward) wall time.
        back = early.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == naive
        if back:
            raise UsageError(
                f"time {original!r} happens twice in {zone} (clocks went back); "
                "give an explicit offset, e.g. 2026-11-01T01:30-04:00"
            )
        raise UsageError(f"time {original!r} does not exist in {zone} (clocks went forward)")
    return early.astimezone(UTC)


def parse_when(text: str, *, zone: tzinfo, now: datetime, allow_future: bool = False) -> datetime:
    """Parse a command-line time; raise :class:`UsageError` with a one-line reason."""
    try:
        result = _parse_when(text, zone=zone, now=now, allow_future=allow_future)
    except (OverflowError, ValueError):
        result = None
    if result is None or not in_range(result):
        raise UsageError(f"time {text[:60]!r} is out of range: it must be {RANGE_TEXT}")
    return result


def _parse_when(text: str, *, zone: tzinfo, now: datetime, allow_future: bool) -> datetime:
    raw = text.strip()
    lowered = raw.lower()
    result: datetime | None = None
    if lowered == "now":
        result = now
    elif (delta := _relative(lowered)) is not None:
        result = now + delta
    elif _CLOCK_TIME.fullmatch(raw):
        try:
            wall = time.fromisoformat(raw if len(raw) > 4 else "0" + raw)
        except ValueError:
            raise UsageError(f"invalid time {text!r}: not a valid HH:MM") from None
        today = now.astimezone(zone).date()
        result = _localize(datetime.combine(today, wall), zone, text)
        if result > now and not allow_future:
            result = _localize(datetime.combine(today - timedelta(days=1), wall), zone, text)
    else:
        try:
            parsed = datetime.fromisoformat(raw)
        except ValueError:
            raise UsageError(
                f"invalid time {text!r}: use 'now', '-15m', '2h ago', 'HH:MM' or ISO-8601 "
                "like 2026-11-30T14:05:00+01:00"
            ) from None
        if parsed.tzinfo is None:
            result = _localize(parsed, zone, text)
        else:
            result = parsed.astimezone(UTC)
    if result > now and not allow_future:
        shown = result.isoformat().replace("+00:00", "Z")
        raise UsageError(f"time {text!r} is in the future ({shown}); it must not be after now")
    return result
