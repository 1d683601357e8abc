"""Bad input gets one clear error line, a documented exit code, and changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import Cli, Result, commit_count, tree_snapshot
from incidentctl.core.errors import ExitCode


def assert_clean_failure(result: Result, code: ExitCode, *needles: str) -> None:
    assert result.code == code, (result.code, result.err)
    assert result.out == ""
    lines = result.err.strip().splitlines()
    assert lines and lines[0].startswith("error: "), result.err
    assert len(lines) <= 2 and all(ln.startswith(("error: ", "hint: ")) for ln in lines)
    assert "Traceback" not in result.err
    for needle in needles:
        assert needle in result.err, (needle, result.err)


@pytest.fixture
def incident(cli: Cli) -> str:
    return cli.ok(
        "declare",
        "Checkout errors",
        "-s",
        "sev2",
        "--detected-at",
        "-10m",
        now="2026-11-30T10:00:00Z",
    ).out.strip()


@pytest.mark.parametrize(
    ("args", "code", "needles"),
    [
        (("ack", "zzzzzz"), ExitCode.NOT_FOUND, ("no incident matches 'zzzzzz'",)),
        (("update", "../../etc/passwd", "x"), ExitCode.USAGE, ("is not valid",)),
        (("update", "--upload-pack=x", "x"), ExitCode.USAGE, ()),
        (("show", "/abs/path"), ExitCode.USAGE, ("is not valid",)),
        (
            ("severity", "{id}", "sev9", "--reason", "r"),
            ExitCode.USAGE,
            ("unknown severity 'sev9'", "sev1, sev2, sev3, sev4, sev5"),
        ),
        (("assign", "{id}", "pilot", "dana"), ExitCode.USAGE, ("unknown role 'pilot'",)),
        (("update", "{id}", "x", "--at", "+1h"), ExitCode.USAGE, ("in the future",)),
        (("update", "{id}", "x", "--at", "tomorrow-ish"), ExitCode.USAGE, ("invalid time",)),
        (
            ("update", "{id}", "x", "--at", "2026-13-45T00:00:00Z"),
            ExitCode.USAGE,
            ("invalid time",),
        ),
        (("ack", "{id}", "--at", "-30m"), ExitCode.USAGE, ("--backfill",)),
        (
            ("ack", "{id}", "--at", "-30m", "--backfill"),
            ExitCode.USAGE,
            ("before it was detected",),
        ),
        (("update", "{id}", "   "), ExitCode.USAGE, ("must not be empty",)),
        (("update", "{id}", "x", "--status", "done"), ExitCode.USAGE, ("unknown status",)),
        (("reopen", "{id}", "--reason", "r"), ExitCode.INVALID_STATE, ("is not resolved",)),
        (("severity", "{id}", "SEV2", "--reason", "r"), ExitCode.INVALID_STATE, ("already sev2",)),
        (
            ("update", "{id}", "token ghp_abcdefghijklmnopqrstuvwxyz0123456789"),
            ExitCode.REFUSED,
            ("github-token", "nothing was written"),
        ),
        (
            ("declare", "x", "-s", "sev1", "--service", "../etc"),
            ExitCode.USAGE,
            ("service '../etc' is not valid",),
        ),
        (
            ("declare", "x", "-s", "sev1", "--started-at", "-5m", "--detected-at", "-10m"),
            ExitCode.USAGE,
            ("is after --detected-at",),
        ),
        (("declare", "two\nlines", "-s", "sev1"), ExitCode.USAGE, ("single line",)),
        (("list", "--status", "closed"), ExitCode.USAGE, ("--status must be",)),
        (("declare", "x"), ExitCode.USAGE, ("--severity is required",)),
    ],
)
def test_bad_input_changes_nothing(
    cli: Cli,
    repo: Path,
    incident: str,
    args: tuple[str, ...],
    code: ExitCode,
    needles: tuple[str, ...],
) -> None:
    before, commits = tree_snapshot(repo), commit_count(repo)
    result = cli(*(a.replace("{id}", incident) for a in args))
    assert_clean_failure(result, code, *needles)
    assert tree_snapshot(repo) == before
    assert commit_count(repo) == commits


def test_resolve_twice(cli: Cli, repo: Path, incident: str) -> None:
    cli.ok("resolve", incident)
    before = tree_snapshot(repo)
    assert_clean_failure(cli("resolve", incident), ExitCode.INVALID_STATE, "already resolved")
    assert_clean_failure(cli("mitigate", incident), ExitCode.INVALID_STATE, "already resolved")
    assert tree_snapshot(repo) == before


def test_ambiguous_prefix_lists_candidates(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    ids = iter(["abc123", "abd456"])
    monkeypatch.setattr("incidentctl.respond.lifecycle.new_incident_id", lambda: next(ids))
    cli.ok("declare", "one", "-s", "sev3")
    cli.ok("declare", "two", "-s", "sev3")
    assert_clean_failure(cli("show", "ab"), ExitCode.NOT_FOUND, "ambiguous", "abc123, abd456")
    assert cli.ok("show", "abd", "--json").json()["title"] == "two"
    assert cli.ok("show", "ABC1", "--json").json()["title"] == "one"


def test_naive_timestamp_in_file_is_named(cli: Cli, repo: Path, incident: str) -> None:
    event = next((repo / "incidents" / incident / "events").glob("*.md"))
    text = event.read_text()
    event.write_text(text.replace('at: "2026-11-30T10:00:00Z"', 'at: "2026-11-30T10:00:00"'))
    result = cli("show", incident)
    rel = event.relative_to(repo).as_posix()
    assert_clean_failure(result, ExitCode.INVALID_RECORD, f"{rel}:5: at:", "no UTC offset")
    before = tree_snapshot(repo)
    assert_clean_failure(cli("update", incident, "x"), ExitCode.INVALID_RECORD, rel)
    assert tree_snapshot(repo) == before


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        # An empty incident.md is what an interrupted write leaves: every reader skips the
        # folder and lint names it (tests/test_wedges.py::test_readers_and_lint_agree_on_odd_files).
        (b"---\n", "no closing '---'"),
        (b"\xef\xbb\xbf---\nid: x\n---\n", "byte-order mark"),
        (b"---\nid: [unclosed\n", "no closing '---'"),
        (b"---\n- a\n- b\n---\n", "must be a mapping"),
        (b"---\nid: a\nid: b\n---\n", "duplicate key 'id'"),
        (b"---\ntitle: &a x\nx: *a\n---\n", "aliases"),
        (b"---\ntitle: !!python/object:os.system x\n---\n", "tag"),
        (b"<<<<<<< HEAD\n---\n", "conflict marker"),
        (b"---\ntitle: \xff\n---\n", "invalid UTF-8"),
        (b"---\ntitle: a\x00b\n---\n", "NUL byte"),
        (b"---\nid: q\n---\n", "id:"),
    ],
)
def test_malformed_incident_file(
    cli: Cli, repo: Path, incident: str, content: bytes, needle: str
) -> None:
    (repo / "incidents" / incident / "incident.md").write_bytes(content)
    result = cli("show", incident)
    assert_clean_failure(
        result, ExitCode.INVALID_RECORD, f"incidents/{incident}/incident.md", needle
    )
    listed = cli("list", "--json")
    assert listed.code == ExitCode.INVALID_RECORD
    assert listed.json() == []
    assert needle in listed.err


def test_not_inside_records_repo(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    cli.cwd = elsewhere
    assert_clean_failure(
        cli("list"), ExitCode.ENVIRONMENT, "not inside an incidentctl records", "incidentctl init"
    )
    assert_clean_failure(
        cli("--repo", str(elsewhere), "list"),
        ExitCode.ENVIRONMENT,
        "is not an incidentctl records repo",
    )


def test_git_missing(cli: Cli, repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    before = tree_snapshot(repo)
    assert_clean_failure(
        cli("declare", "x", "-s", "sev1"), ExitCode.ENVIRONMENT, "git is not installed"
    )
    assert tree_snapshot(repo) == before


def test_invalid_config_is_named(cli: Cli, repo: Path) -> None:
    config = repo / ".incidentctl.yaml"
    config.write_text(
        config.read_text().replace("internal_update_minutes: 30", "internal_update_minutes: 0")
    )
    result = cli("list")
    assert_clean_failure(
        result, ExitCode.INVALID_RECORD, ".incidentctl.yaml:", "internal_update_minutes"
    )
