"""Bounds on every time, duration and number from any source: one error line and a
documented exit code, never exit 70, a traceback or a half-written change."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import Cli, git, run_installed, tree_snapshot
from incidentctl.core.errors import ExitCode

FIXTURES = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]


def _offset() -> st.SearchStrategy[str]:
    return st.one_of(
        st.just("Z"),
        st.builds(
            lambda sign, h, m: f"{sign}{h:02d}:{m:02d}",
            st.sampled_from("+-"),
            st.integers(0, 23),
            st.integers(0, 59),
        ),
    )


TIMES = st.one_of(
    st.builds(
        lambda y, mo, d, off: f"{y:04d}-{mo:02d}-{d:02d}T00:30:00{off}",
        st.sampled_from([1, 2, 1969, 1970, 2026, 2999, 3000, 9998, 9999]),
        st.integers(1, 12),
        st.integers(1, 28),
        _offset(),
    ),
    st.builds(
        lambda sign, n, unit: f"{sign}{n}{unit}",
        st.sampled_from(["-", "+", ""]),
        st.integers(0, 10**20),
        st.sampled_from("smhdw"),
    ),
    st.builds(lambda n: f"{n}d ago", st.integers(0, 10**16)),
    st.sampled_from(["9999Q4", "0001Q1", "-1", "1e308", "inf", "nan", "99:99", "24:00"]),
    st.text(max_size=30),
)


def _never_internal(result: object) -> None:
    code, err = result.code, result.err  # type: ignore[attr-defined]
    assert code != ExitCode.INTERNAL, err
    assert "Traceback" not in err and "internal error" not in err, err
    if code not in (0, 1):
        assert "error: " in err, err


@pytest.fixture
def incident(cli: Cli) -> str:
    return cli.ok("declare", "Bounds", "-s", "sev3").out.strip()


@settings(max_examples=120, deadline=None, suppress_health_check=FIXTURES)
@given(value=TIMES, option=st.sampled_from(["update", "list", "since", "until", "due", "q"]))
def test_time_options_never_crash(cli: Cli, incident: str, value: str, option: str) -> None:
    args = {
        "update": ["update", incident, "x", "--at", value],
        "list": ["list", "--since", value],
        "since": ["report", "--since", value, "--format", "json"],
        "until": ["report", "--until", value, "--format", "json"],
        "due": ["action", "add", incident, "t", "--owner", "ann", "--due", value],
        "q": ["report", "--quarter", value, "--format", "json"],
    }[option]
    _never_internal(cli(*args))


@settings(max_examples=40, deadline=None, suppress_health_check=FIXTURES)
@given(number=st.one_of(st.integers(-(10**20), 10**20), st.sampled_from(["1e9", "nan", "inf"])))
def test_number_options_never_crash(cli: Cli, incident: str, number: object) -> None:
    for args in (
        ["report", "--lookback-days", str(number), "--format", "json"],
        ["statuspage", "history", "--days", str(number)],
        ["board", "--interval", str(number), "--json"],
    ):
        _never_internal(cli(*args))


@settings(max_examples=60, deadline=None, suppress_health_check=FIXTURES)
@given(value=TIMES, key=st.sampled_from(["at", "recorded_at"]))
def test_record_file_times_never_crash(
    cli: Cli, repo: Path, incident: str, value: str, key: str
) -> None:
    event = next((repo / "incidents" / incident / "events").glob("*.md"))
    original = event.read_text()
    lines = [
        f"{key}: {json.dumps(value)}" if line.startswith(f"{key}:") else line
        for line in original.split("\n")
    ]
    event.write_text("\n".join(lines))
    try:
        for args in (["show", incident], ["list"], ["lint"], ["report", "--format", "json"]):
            _never_internal(cli(*args))
    finally:
        event.write_text(original)


@pytest.mark.parametrize(
    "text",
    [
        "services: !<tag:yaml.org,2002:seq> [a]\n",
        "drill: !<tag:yaml.org,2002:bool> true\n",
        "title: !!python/object:os.system x\n",
        "title: !<!> x\n",
    ],
)
def test_yaml_tags_in_records_are_record_errors(
    cli: Cli, repo: Path, incident: str, text: str
) -> None:
    path = repo / "incidents" / incident / "incident.md"
    path.write_text(path.read_text().replace("---\n", "---\n" + text, 1))
    for args in (["show", incident], ["list"], ["lint"]):
        result = cli(*args)
        _never_internal(result)
        assert result.code in (ExitCode.INVALID_RECORD, ExitCode.CHECK_FAILED)


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 100000 + b"]" * 100000,
        b'{"labels": {"a": ' + b"9" * 5000 + b'}, "startsAt": "2026-11-30T09:00:00Z"}',
        b'{"labels": {"a": "b"}, "startsAt": "0001-01-01T00:00:00+01:00"}',
        b'{"labels": {"a": "b"}, "startsAt": "9999-12-31T23:59:59-01:00"}',
        b'{"labels": {"a": "\\ud800"}, "startsAt": "2026-11-30T09:00:00Z"}',
        b'{"labels": {"a": 1e999}, "startsAt": "2026-11-30T09:00:00Z"}',
        b"\xff\xfe",
    ],
)
def test_bad_alert_bodies_are_usage_errors(
    cli: Cli, repo: Path, tmp_path: Path, body: bytes
) -> None:
    source = tmp_path / "body.json"
    source.write_bytes(body)
    before = tree_snapshot(repo)
    result = cli("alert", "ingest", str(source))
    _never_internal(result)
    assert result.code in (0, ExitCode.USAGE), result.err
    if result.code:
        assert tree_snapshot(repo) == before


@pytest.mark.parametrize("when", ["0001-01-01 00:30", "9999-12-31 23:30", "1969-12-31 12:00"])
def test_csv_import_with_extreme_dates(cli: Cli, repo: Path, tmp_path: Path, when: str) -> None:
    export = tmp_path / "export.csv"
    export.write_text(f"id,title,severity,started\nX-1,Old,sev3,{when}\n")
    before = tree_snapshot(repo)
    result = cli("import", "csv", str(export), "--timezone", "Europe/Berlin")
    _never_internal(result)
    assert tree_snapshot(repo) == before


def test_missing_or_empty_token_file_refuses_to_start(cli: Cli, tmp_path: Path) -> None:
    missing = cli("alert", "serve", "--token-file", str(tmp_path / "nope"))
    assert missing.code == ExitCode.USAGE and "cannot read" in missing.err
    empty = tmp_path / "empty"
    empty.write_text("  \n")
    refused = cli("alert", "serve", "--token-file", str(empty))
    assert refused.code == ExitCode.USAGE and "no usable token" in refused.err


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through read-only permissions")
def test_read_only_repo_is_an_environment_error(repo: Path) -> None:
    run_installed(repo, "declare", "x", "-s", "sev3")
    modes = []
    for root, dirs, files in os.walk(repo):
        for name in dirs + files:
            path = Path(root) / name
            modes.append((path, path.stat().st_mode))
            path.chmod(path.stat().st_mode & ~0o222)
    repo.chmod(repo.stat().st_mode & ~0o222)
    try:
        result = run_installed(repo, "declare", "y", "-s", "sev3")
        assert result.code == ExitCode.ENVIRONMENT, result.err
        assert "Traceback" not in result.err
    finally:
        repo.chmod(repo.stat().st_mode | 0o200)
        for path, mode in modes:
            path.chmod(mode)
    assert git(repo, "status", "--porcelain").strip() == ""
