"""Command-line times: every accepted form, DST edges, and refusals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from incidentctl.core.clock import parse_when
from incidentctl.core.errors import UsageError

NOW = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("now", NOW),
        ("NOW", NOW),
        ("-15m", NOW - timedelta(minutes=15)),
        ("15m ago", NOW - timedelta(minutes=15)),
        ("2h ago", NOW - timedelta(hours=2)),
        ("2h30m ago", NOW - timedelta(hours=2, minutes=30)),
        ("-1d", NOW - timedelta(days=1)),
        ("-90s", NOW - timedelta(seconds=90)),
        ("2026-11-30T09:00:00Z", datetime(2026, 11, 30, 9, tzinfo=UTC)),
        ("2026-11-30T10:30:00+01:00", datetime(2026, 11, 30, 9, 30, tzinfo=UTC)),
        ("2026-11-30 10:30", datetime(2026, 11, 30, 9, 30, tzinfo=UTC)),
        ("10:45", datetime(2026, 11, 30, 9, 45, tzinfo=UTC)),
        ("11:30", datetime(2026, 11, 29, 10, 30, tzinfo=UTC)),
        ("9:05", datetime(2026, 11, 30, 8, 5, tzinfo=UTC)),
    ],
)
def test_accepted_forms(text: str, expected: datetime) -> None:
    assert parse_when(text, zone=BERLIN, now=NOW) == expected


@pytest.mark.parametrize(
    "text",
    [
        "+5m",
        "2026-12-01T00:00:00Z",
        "in 5m",
        "yesterday",
        "25:00",
        "2026-02-30",
        "",
        "-",
        "5",
        "1700000000",
    ],
)
def test_refused(text: str) -> None:
    with pytest.raises(UsageError):
        parse_when(text, zone=BERLIN, now=NOW)


def test_dst_gap_and_overlap_are_refused_with_reason() -> None:
    now = datetime(2026, 12, 1, tzinfo=UTC)
    with pytest.raises(UsageError, match="does not exist"):
        parse_when("2026-03-08 02:30", zone=NEW_YORK, now=now)
    with pytest.raises(UsageError, match="happens twice"):
        parse_when("2026-11-01 01:30", zone=NEW_YORK, now=now)
    assert parse_when("2026-11-01T01:30-04:00", zone=NEW_YORK, now=now) == datetime(
        2026, 11, 1, 5, 30, tzinfo=UTC
    )


@given(st.integers(min_value=0, max_value=10_000), st.sampled_from("smhdw"))
def test_relative_is_exact(amount: int, unit: str) -> None:
    seconds = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}[unit] * amount
    assert parse_when(f"-{amount}{unit}", zone=UTC, now=NOW) == NOW - timedelta(seconds=seconds)
    assert parse_when(f"{amount}{unit} ago", zone=UTC, now=NOW) == NOW - timedelta(seconds=seconds)
