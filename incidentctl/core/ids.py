"""Identifiers that never collide across clones, and prefix lookup for people typing them.

Incident ids are six random Crockford base-32 characters (``k7f3m2``): short enough to say
on a call, 2^30 values so two clones declaring at the same moment do not collide. Event ids
are ULIDs (time-sortable, 80 random bits). No counters: counters collide after merges.
"""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Iterable

from incidentctl.core.errors import NotFoundError, UsageError

ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
INCIDENT_ID = re.compile(r"[0-9a-hjkmnp-tv-z]{6}")
EVENT_ID = re.compile(r"[0-9a-hjkmnp-tv-z]{26}")
_PREFIX = re.compile(r"[0-9a-hjkmnp-tv-z]{1,26}")


def _encode(number: int, length: int) -> str:
    chars = []
    for _ in range(length):
        number, digit = divmod(number, 32)
        chars.append(ALPHABET[digit])
    return "".join(reversed(chars))


def new_incident_id() -> str:
    """Six random base-32 characters."""
    return _encode(secrets.randbits(30), 6)


def new_event_id(now_ms: int | None = None) -> str:
    """A lower-case ULID: 48 bits of milliseconds, then 80 random bits."""
    ms = int(time.time() * 1000) if now_ms is None else now_ms
    return _encode(ms, 10) + _encode(secrets.randbits(80), 16)


def normalize_ref(text: str, *, what: str = "incident id") -> str:
    """Validate a typed id or prefix before it can touch the filesystem."""
    ref = text.strip().lower()
    if not _PREFIX.fullmatch(ref):
        shown = text if len(text) <= 40 else text[:40] + "…"
        raise UsageError(
            f"{what} {shown!r} is not valid: ids use the characters 0-9 and a-z "
            "without i, l, o, u (e.g. k7f3m2)"
        )
    return ref


def resolve_prefix(text: str, candidates: Iterable[str], *, what: str = "incident") -> str:
    """The single candidate that ``text`` is a prefix of; errors list near matches."""
    ref = normalize_ref(text, what=f"{what} id")
    matches = sorted(c for c in candidates if c.startswith(ref))
    if ref in matches:
        return ref
    if not matches:
        raise NotFoundError(f"no {what} matches {ref!r}", hint="list them with: incidentctl list")
    if len(matches) > 1:
        shown = ", ".join(matches[:10]) + (" …" if len(matches) > 10 else "")
        raise NotFoundError(
            f"{what} prefix {ref!r} is ambiguous: it matches {shown}",
            hint="type more characters",
        )
    return matches[0]
