"""How times and durations are shown to people (never used for stored data)."""

from __future__ import annotations

from datetime import datetime, tzinfo


def local(value: datetime | None, zone: tzinfo) -> str:
    """A timestamp as wall-clock time in ``zone``; ``-`` when unknown."""
    if value is None:
        return "-"
    return value.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S %Z").strip()


def human(seconds: float | None) -> str:
    """Seconds as ``1d 2h 03m``, ``2h 05m``, ``4m 05s`` or ``12s``; ``-`` for none."""
    if seconds is None:
        return "-"
    total = round(seconds)
    sign = "-" if total < 0 else ""
    total = abs(total)
    days, rem = divmod(total, 86400)
    hours, rem = divmod(rem, 3600)
    minutes, secs = divmod(rem, 60)
    if days:
        return f"{sign}{days}d {hours}h {minutes:02d}m"
    if hours:
        return f"{sign}{hours}h {minutes:02d}m"
    if minutes:
        return f"{sign}{minutes}m {secs:02d}s"
    return f"{sign}{secs}s"
