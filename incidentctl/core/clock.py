"""The clock and every way a person can write a time on the command line.

Accepted (see :data:`FORMS`): ``now``; relative ``-15m``, ``-15 m``, ``15 min ago``,
``2h30m ago``, ``1 hour 30 minutes ago`` (units s, m, h, d, w and their words); a clock
time ``14:05``, ``2:05pm``, ``2pm`` (today, or yesterday when that would be in the
future), optionally after ``today`` or ``yesterday``; a day and a clock time
``2026-12-02 14:00`` / ``2026-12-02 2:05pm``; ISO-8601 with an offset or ``Z``. Times
without an offset are wall-clock times in the zone given (the repo's, or ``--tz``).
Results are UTC.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from incidentctl.core.errors import UsageError

Clock = Callable[[], datetime]
NOW_ENV = "INCIDENTCTL_NOW"

_UNIT_WORDS = {
    "s": ("s", "sec", "secs", "second", "seconds"),
    "m": ("m", "min", "mins", "minute", "minutes"),
    "h": ("h", "hr", "hrs", "hour", "hours"),
    "d": ("d", "day", "days"),
    "w": ("w", "wk", "wks", "week", "weeks"),
}
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_UNIT_OF = {word: unit for unit, words in _UNIT_WORDS.items() for word in words}
_UNIT = "|".join(sorted(_UNIT_OF, key=len, reverse=True))
_PART_TEXT = rf"\d+\s*(?:{_UNIT})(?![a-z])"
_RELATIVE = re.compile(
    rf"(?:(?P<sign>[-+])\s*)?(?P<body>{_PART_TEXT}(?:\s*,?\s*(?:and\s+)?{_PART_TEXT})*)"
    r"(?:\s*(?P<ago>ago))?"
)
_PART = re.compile(rf"(\d+)\s*({_UNIT})(?![a-z])")
_CLOCK_TIME = re.compile(
    r"(?P<hour>\d{1,2})(?::(?P<minute>\d{2})(?::(?P<second>\d{2}))?)?\s*(?P<half>am|pm|a\.m\.|p\.m\.)?"
)
_DAY_WORD = re.compile(r"(?P<day>today|yesterday)\s+(?P<clock>.+)")
_DAY_AND_CLOCK = re.compile(r"(?P<day>\d{4}-\d{2}-\d{2})(?:\s+|t)(?P<clock>[^+\-z]+)")

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


def offset_text(offset: timedelta | None) -> str:
    """A UTC offset as ISO-8601 writes it: ``+01:00``, ``-04:30``, ``Z`` for zero."""
    if not offset:
        return "Z"
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{rest:02d}"


def zone_name(zone: tzinfo) -> str:
    """The zone's IANA name (``Europe/Berlin``), or ``UTC``."""
    key = getattr(zone, "key", None)
    return str(key) if key else str(zone)


def forms(zone: tzinfo, now: datetime) -> str:
    """Every accepted form, with examples written for ``zone`` at ``now``."""
    local = now.astimezone(zone)
    day = local.date().isoformat()
    offset = offset_text(local.utcoffset())
    return (
        f"now; -15m, '15 min ago', '2h30m ago'; 14:05, 2:05pm, 'yesterday 14:00'; "
        f"'{day} 14:05' (wall-clock in {zone_name(zone)}); or ISO-8601 with an offset "
        f"like {day}T14:05{offset}"
    )


def _relative(text: str) -> timedelta | None:
    match = _RELATIVE.fullmatch(text)
    if not match:
        return None
    parts = _PART.findall(match["body"])
    if any(len(n) > 12 for n, _ in parts):
        raise UsageError(f"relative time {text[:40]!r} is too far away; it must be {RANGE_TEXT}")
    seconds = sum(int(n) * _UNITS[_UNIT_OF[u]] for n, u in parts)
    if seconds > MAX_SPAN.total_seconds():
        raise UsageError(f"relative time {text[:40]!r} is too far away; it must be {RANGE_TEXT}")
    if match["sign"] == "+" and not match["ago"]:
        return timedelta(seconds=seconds)
    if match["sign"] == "-" or match["ago"]:
        return -timedelta(seconds=seconds)
    return None


def _clock(text: str, original: str) -> time | None:
    """``14:05``, ``14:05:30``, ``2:05pm``, ``2pm``, ``2:05 p.m.``; None when it is not one."""
    match = _CLOCK_TIME.fullmatch(text)
    if not match or (match["minute"] is None and match["half"] is None):
        return None
    hour = int(match["hour"])
    minute = int(match["minute"] or 0)
    second = int(match["second"] or 0)
    half = (match["half"] or "").replace(".", "")
    if half:
        if not 1 <= hour <= 12:
            raise UsageError(f"invalid time {original!r}: with am/pm the hour is 1 to 12")
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour > 23 or minute > 59 or second > 59:
        raise UsageError(f"invalid time {original!r}: not a valid time of day (00:00 to 23:59)")
    return time(hour, minute, second)


def _localize(naive: datetime, zone: tzinfo, original: str) -> datetime:
    """Attach a zone to a wall-clock time, refusing times that DST makes ambiguous or absent.

    The refusal names the zone's own offsets on either side of the change, so the fix it
    suggests is right for that zone.
    """
    early = naive.replace(tzinfo=zone, fold=0)
    late = naive.replace(tzinfo=zone, fold=1)
    if early.utcoffset() != late.utcoffset():
        # Ambiguous (clocks went back) or nonexistent (clocks went forward) wall time.
        wall = naive.isoformat(timespec="minutes" if naive.second == 0 else "seconds")
        first, second = offset_text(early.utcoffset()), offset_text(late.utcoffset())
        back = early.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == naive
        name = zone_name(zone)
        if back:
            raise UsageError(
                f"time {original!r} happens twice in {name} (clocks went back from {first} "
                f"to {second}); give the offset: {wall}{first} (the first) or "
                f"{wall}{second} (the second)"
            )
        after = early.astimezone(UTC).astimezone(zone)
        shown = after.replace(tzinfo=None).isoformat(timespec="minutes")
        raise UsageError(
            f"time {original!r} does not exist in {name} (clocks went forward from {first} "
            f"to {second}); the same instant is {shown}{offset_text(after.utcoffset())}, "
            f"or give an offset like {wall}{first}"
        )
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


def _on(day: date, wall: time, zone: tzinfo, original: str) -> datetime:
    return _localize(datetime.combine(day, wall), zone, original)


def _parse_when(text: str, *, zone: tzinfo, now: datetime, allow_future: bool) -> datetime:
    raw = " ".join(text.strip().split())
    lowered = raw.lower()
    result: datetime | None = None
    today = now.astimezone(zone).date()
    if lowered == "now":
        result = now
    elif (delta := _relative(lowered)) is not None:
        result = now + delta
    elif (wall := _clock(lowered, text)) is not None:
        result = _on(today, wall, zone, text)
        if result > now and not allow_future:
            result = _on(today - timedelta(days=1), wall, zone, text)
    elif (named := _DAY_WORD.fullmatch(lowered)) and (
        wall := _clock(named["clock"], text)
    ) is not None:
        day = today - timedelta(days=1) if named["day"] == "yesterday" else today
        result = _on(day, wall, zone, text)
    elif (dated := _DAY_AND_CLOCK.fullmatch(lowered)) and (
        wall := _clock(dated["clock"].strip(), text)
    ) is not None:
        try:
            day = date.fromisoformat(dated["day"])
        except ValueError:
            raise UsageError(f"invalid time {text!r}: {dated['day']} is not a date") from None
        result = _on(day, wall, zone, text)
    elif lowered in ("today", "yesterday"):
        raise UsageError(
            f"invalid time {text!r}: add a time of day, e.g. '{lowered} 14:00' or "
            f"'{lowered} 2:05pm' ({zone_name(zone)})"
        )
    else:
        try:
            parsed = datetime.fromisoformat(raw)
        except ValueError:
            raise UsageError(f"invalid time {text[:60]!r}: use {forms(zone, now)}") from None
        if parsed.tzinfo is None:
            result = _localize(parsed, zone, text)
        else:
            result = parsed.astimezone(UTC)
    if result > now and not allow_future:
        shown = result.isoformat().replace("+00:00", "Z")
        raise UsageError(f"time {text!r} is in the future ({shown}); it must not be after now")
    return result
