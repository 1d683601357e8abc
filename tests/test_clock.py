"""Command-line times: every accepted form, DST edges, and refusals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import Cli, git
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


# --- time as people type it -------------------------------------------------------------

LATE = datetime(2026, 12, 3, 14, 0, tzinfo=UTC)  # 15:00 in Berlin


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("yesterday 14:00", datetime(2026, 12, 2, 13, 0, tzinfo=UTC)),
        ("Yesterday 2:05pm", datetime(2026, 12, 2, 13, 5, tzinfo=UTC)),
        ("today 9:00", datetime(2026, 12, 3, 8, 0, tzinfo=UTC)),
        ("2:05pm", datetime(2026, 12, 3, 13, 5, tzinfo=UTC)),
        ("2:05 PM", datetime(2026, 12, 3, 13, 5, tzinfo=UTC)),
        ("2pm", datetime(2026, 12, 3, 13, 0, tzinfo=UTC)),
        ("3:30pm", datetime(2026, 12, 2, 14, 30, tzinfo=UTC)),  # later today: yesterday's
        ("12am", datetime(2026, 12, 2, 23, 0, tzinfo=UTC)),
        ("12:30 p.m.", datetime(2026, 12, 3, 11, 30, tzinfo=UTC)),
        ("15 min ago", LATE - timedelta(minutes=15)),
        ("15 minutes ago", LATE - timedelta(minutes=15)),
        ("-15 m", LATE - timedelta(minutes=15)),
        ("- 15 min", LATE - timedelta(minutes=15)),
        ("1 hour 30 mins ago", LATE - timedelta(hours=1, minutes=30)),
        ("2h, 30m ago", LATE - timedelta(hours=2, minutes=30)),
        ("3 days ago", LATE - timedelta(days=3)),
        ("1 week ago", LATE - timedelta(weeks=1)),
        ("2026-12-02 14:00", datetime(2026, 12, 2, 13, 0, tzinfo=UTC)),
        ("2026-12-02  2:05pm", datetime(2026, 12, 2, 13, 5, tzinfo=UTC)),
        ("2026-12-02T14:00", datetime(2026, 12, 2, 13, 0, tzinfo=UTC)),
    ],
)
def test_forms_people_type(text: str, expected: datetime) -> None:
    assert parse_when(text, zone=BERLIN, now=LATE) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("13pm", "hour is 1 to 12"),
        ("0am", "hour is 1 to 12"),
        ("24:00", "not a valid time of day"),
        ("yesterday 25:00", "not a valid time of day"),
        ("yesterday", "add a time of day, e.g. 'yesterday 14:00'"),
        ("2026-02-30 10:00", "2026-02-30 is not a date"),
        ("15 months ago", "invalid time"),
        ("tomorrow 9:00", "invalid time"),
        ("in 5 min", "invalid time"),
    ],
)
def test_refusals_say_why(text: str, reason: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_when(text, zone=BERLIN, now=LATE)
    assert reason in caught.value.message
    assert "\n" not in caught.value.message


def test_unknown_form_lists_the_forms_with_examples_in_the_zone() -> None:
    with pytest.raises(UsageError) as caught:
        parse_when("half past two", zone=BERLIN, now=LATE)
    message = caught.value.message
    for form in ("now", "-15m", "15 min ago", "14:05", "2:05pm", "yesterday 14:00"):
        assert form in message
    assert "'2026-12-03 14:05' (wall-clock in Europe/Berlin)" in message
    assert "2026-12-03T14:05+01:00" in message
    with pytest.raises(UsageError) as summer:
        parse_when("soon", zone=BERLIN, now=datetime(2026, 7, 1, 12, tzinfo=UTC))
    assert "2026-07-01T14:05+02:00" in summer.value.message
    with pytest.raises(UsageError) as tokyo:
        parse_when("soon", zone=ZoneInfo("Asia/Tokyo"), now=LATE)
    assert "+09:00" in tokyo.value.message and "Asia/Tokyo" in tokyo.value.message


def test_dst_errors_suggest_the_zones_own_offsets() -> None:
    now = datetime(2026, 12, 1, tzinfo=UTC)
    with pytest.raises(UsageError) as gap:
        parse_when("2026-03-29 02:30", zone=BERLIN, now=now)
    assert "does not exist in Europe/Berlin" in gap.value.message
    assert "from +01:00 to +02:00" in gap.value.message
    assert "2026-03-29T03:30+02:00" in gap.value.message
    assert "-04:00" not in gap.value.message and "-05:00" not in gap.value.message
    with pytest.raises(UsageError) as twice:
        parse_when("2026-10-25 02:30", zone=BERLIN, now=now)
    message = twice.value.message
    assert "2026-10-25T02:30+02:00" in message and "2026-10-25T02:30+01:00" in message
    assert "-04:00" not in message
    for suggestion in ("2026-10-25T02:30+02:00", "2026-10-25T02:30+01:00"):
        assert parse_when(suggestion, zone=BERLIN, now=now).astimezone(BERLIN).hour == 2
    with pytest.raises(UsageError) as york:
        parse_when("2026-11-01 01:30", zone=NEW_YORK, now=now)
    assert "2026-11-01T01:30-04:00" in york.value.message


ZONES = st.sampled_from(
    [BERLIN, NEW_YORK, ZoneInfo("Australia/Lord_Howe"), ZoneInfo("Asia/Kolkata"), UTC]
)


@given(
    ZONES,
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2026, 11, 1)),
)
def test_a_wall_time_is_read_in_the_zone_or_refused_with_its_offsets(
    zone: ZoneInfo, naive: datetime
) -> None:
    naive = naive.replace(second=0, microsecond=0)
    text = naive.strftime("%Y-%m-%d %H:%M")
    try:
        result = parse_when(text, zone=zone, now=LATE)
    except UsageError as exc:
        early, late = naive.replace(tzinfo=zone), naive.replace(tzinfo=zone, fold=1)
        assert early.utcoffset() != late.utcoffset()
        from incidentctl.core.clock import offset_text

        assert offset_text(early.utcoffset()) in exc.message
        assert offset_text(late.utcoffset()) in exc.message
        return
    assert result.astimezone(zone).replace(tzinfo=None) == naive
    assert result.tzinfo is UTC


@given(st.integers(min_value=1, max_value=12), st.integers(min_value=0, max_value=59))
def test_twelve_hour_clock_matches_twenty_four(hour: int, minute: int) -> None:
    for half, offset in (("am", 0), ("pm", 12)):
        twenty_four = f"{hour % 12 + offset:02d}:{minute:02d}"
        for text in (f"{hour}:{minute:02d}{half}", f"{hour}:{minute:02d} {half.upper()}"):
            assert parse_when(text, zone=BERLIN, now=LATE) == parse_when(
                twenty_four, zone=BERLIN, now=LATE
            )


@given(
    st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=500),
            st.sampled_from(["s", "sec", "secs", "min", "mins", "minutes", "h", "hrs", "hour"]),
        ),
        min_size=1,
        max_size=3,
    ),
    st.sampled_from(["{} ago", "-{}", "- {}"]),
    st.sampled_from([" ", "", ", "]),
)
def test_relative_words_are_exact(parts: list[tuple[int, str]], shape: str, glue: str) -> None:
    seconds = {"s": 1, "m": 60, "h": 3600}
    total = sum(n * seconds[u[0]] for n, u in parts)
    body = glue.join(f"{n} {u}" if glue else f"{n}{u}" for n, u in parts)
    assert parse_when(shape.format(body), zone=BERLIN, now=LATE) == LATE - timedelta(seconds=total)


@given(st.integers(min_value=0, max_value=23), st.integers(min_value=0, max_value=59))
def test_yesterday_is_the_day_before_today(hour: int, minute: int) -> None:
    wall = f"{hour:02d}:{minute:02d}"
    yesterday = parse_when(f"yesterday {wall}", zone=BERLIN, now=LATE)
    assert yesterday.astimezone(BERLIN).date() == LATE.astimezone(BERLIN).date() - timedelta(1)
    assert yesterday.astimezone(BERLIN).strftime("%H:%M") == wall


# --- on the command line: the repo's zone, --tz and INCIDENTCTL_TZ -----------------------


def _berlin_repo(repo: Path) -> None:
    config = repo / ".incidentctl.yaml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("timezone: UTC", "timezone: Europe/Berlin"),
        encoding="utf-8",
    )
    git(repo, "commit", "-qam", "timezone")


def test_cli_reads_typed_times_in_the_repo_zone_and_tz_overrides(
    cli: Cli, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _berlin_repo(repo)
    # now is 2026-11-30T10:00Z = 11:00 in Berlin = 05:00 in New York
    berlin = cli.ok("declare", "a", "-s", "sev3", "--at", "yesterday 14:00").out.strip()
    york = cli.ok(
        "--tz", "America/New_York", "declare", "b", "-s", "sev3", "--at", "2:05am"
    ).out.strip()
    stored = {i: cli.ok("show", i, "--json").json()["declared_at"] for i in (berlin, york)}
    assert stored == {berlin: "2026-11-29T13:00:00Z", york: "2026-11-30T07:05:00Z"}
    # display follows --tz / INCIDENTCTL_TZ; what is stored does not change
    shown = cli.ok("--tz", "Asia/Tokyo", "show", york).out
    assert "2026-11-30 16:05:00 JST" in shown
    assert "2026-11-30 08:05:00 CET" in cli.ok("show", york).out
    monkeypatch.setenv("INCIDENTCTL_TZ", "America/New_York")
    assert "2026-11-30 02:05:00 EST" in cli.ok("show", york).out
    assert cli.ok("show", york, "--json").json()["declared_at"] == "2026-11-30T07:05:00Z"
    monkeypatch.delenv("INCIDENTCTL_TZ")
    assert "CET" in cli.ok("show", york).out  # --tz held for one command only


def test_cli_time_errors_help(cli: Cli, repo: Path) -> None:
    _berlin_repo(repo)
    before = git(repo, "rev-parse", "HEAD")
    bad = cli("declare", "a", "-s", "sev3", "--at", "half past two")
    assert bad.code == 2 and "Traceback" not in bad.err
    first = bad.err.splitlines()[0]
    assert first.startswith("error: invalid time 'half past two': use now")
    assert "'2026-11-30 14:05' (wall-clock in Europe/Berlin)" in first
    assert "2026-11-30T14:05+01:00" in first
    gap = cli("declare", "a", "-s", "sev3", "--at", "2026-03-29 02:30")
    assert gap.code == 2 and "+01:00 to +02:00" in gap.err and "-04:00" not in gap.err
    tz = cli("--tz", "Mars/Olympus", "list")
    assert tz.code == 2
    assert tz.err.splitlines()[0].startswith("error: --tz: unknown time zone 'Mars/Olympus'")
    assert git(repo, "rev-parse", "HEAD") == before
