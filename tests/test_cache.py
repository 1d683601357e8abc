"""The caches never change an answer: stale, corrupted, deleted, or fooled by timestamps."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from conftest import Cli, git

NOW = "2026-12-01T00:00:00Z"


def report(cli: Cli, monkeypatch: pytest.MonkeyPatch, *, cache: bool = True) -> dict[str, object]:
    with monkeypatch.context() as m:
        if not cache:
            m.setenv("INCIDENTCTL_NO_CACHE", "1")
        data = cli.ok(
            "report",
            "-f",
            "json",
            "--explain",
            "--since",
            "2026-11-01",
            "--until",
            "2026-12-01",
            now=NOW,
        ).json()
    data.pop("generated_at")
    return data  # type: ignore[no-any-return]


@pytest.fixture
def incidents(cli: Cli) -> list[str]:
    ids = []
    for n in range(4):
        i = cli.ok(
            "declare",
            f"Incident {n}",
            "-s",
            "sev3",
            "--service",
            "api",
            "--started-at",
            f"2026-11-1{n}T09:50:00Z",
            now=f"2026-11-1{n}T10:00:00Z",
        ).out.strip()
        cli.ok("resolve", i, "--root-cause-class", "capacity", now=f"2026-11-1{n}T11:00:00Z")
        ids.append(i)
    return ids


def cache_dir(repo: Path) -> Path:
    return repo / ".git" / "incidentctl" / "cache"


def test_cached_report_equals_uncached(
    cli: Cli, repo: Path, incidents: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    truth = report(cli, monkeypatch, cache=False)
    first = report(cli, monkeypatch)
    assert (cache_dir(repo) / "incidents-slim.pickle").exists()
    assert list(cache_dir(repo).glob("report-*.pickle"))
    assert first == truth == report(cli, monkeypatch)


def test_changed_file_with_same_size_and_mtime(
    cli: Cli, repo: Path, incidents: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    report(cli, monkeypatch)  # warm every cache
    event = next(
        p
        for p in (repo / "incidents" / incidents[0] / "events").glob("*.md")
        if "type: resolved" in p.read_text()
    )
    before = event.stat()
    text = event.read_text()
    changed = text.replace('at: "2026-11-10T11:00:00Z"', 'at: "2026-11-10T12:00:00Z"', 1)
    assert len(changed) == len(text) and changed != text
    event.write_text(changed)
    os.utime(event, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert event.stat().st_size == before.st_size
    assert event.stat().st_mtime_ns == before.st_mtime_ns
    truth = report(cli, monkeypatch, cache=False)
    assert report(cli, monkeypatch) == truth
    assert truth["durations"]["ttr"]["max_s"] == 7200.0  # type: ignore[index]


def test_stale_corrupt_and_deleted_caches(
    cli: Cli, repo: Path, incidents: list[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    report(cli, monkeypatch)
    saved = tmp_path / "old-cache"
    shutil.copytree(cache_dir(repo), saved)
    cli.ok("update", incidents[1], "more", now="2026-11-20T00:00:00Z")
    cli.ok("severity", incidents[1], "sev1", "--reason", "worse", now="2026-11-20T00:01:00Z")
    truth = report(cli, monkeypatch, cache=False)
    shutil.rmtree(cache_dir(repo))
    shutil.copytree(saved, cache_dir(repo))  # a stale cache from before the change
    assert report(cli, monkeypatch) == truth
    for file in cache_dir(repo).glob("*.pickle"):
        file.write_bytes(b"\x80\x04garbage that is not a pickle")
    assert report(cli, monkeypatch) == truth
    shutil.rmtree(cache_dir(repo))
    assert report(cli, monkeypatch) == truth
    listed = json.dumps(cli.ok("list", "--json").json())
    assert '"sev1"' in listed


def test_uncommitted_change_is_never_served_from_cache(
    cli: Cli, repo: Path, incidents: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    report(cli, monkeypatch)
    cli.ok("update", incidents[2], "not committed yet", "--no-commit", now="2026-11-20T00:00:00Z")
    cli.ok(
        "severity", incidents[3], "sev2", "--reason", "x", "--no-commit", now="2026-11-20T00:00:00Z"
    )
    truth = report(cli, monkeypatch, cache=False)
    assert report(cli, monkeypatch) == truth
    assert truth["by_severity"]["sev2"]["count"] == 1  # type: ignore[index]
    git(repo, "commit", "-qm", "later")
    assert report(cli, monkeypatch) == truth


def test_action_cache_follows_edits(
    cli: Cli, repo: Path, incidents: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    action = cli.ok(
        "action", "add", incidents[0], "Fix it", "--owner", "dana", "--due", "2026-12-20"
    ).out.strip()
    assert cli.ok("action", "list", "--json").json()[0]["owner"] == "dana"
    path = repo / "actions" / f"{action}.md"
    before = path.stat()
    path.write_text(path.read_text().replace("owner: dana", "owner: erin"))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert cli.ok("action", "list", "--json").json()[0]["owner"] == "erin"
    (cache_dir(repo) / "actions.pickle").write_bytes(b"not a pickle")
    assert cli.ok("action", "list", "--json").json()[0]["owner"] == "erin"


def json_text(cli: Cli, monkeypatch: pytest.MonkeyPatch, *, cache: bool = True) -> str:
    """``report -f json`` as printed (no --explain: the form served as stored text)."""
    with monkeypatch.context() as m:
        if not cache:
            m.setenv("INCIDENTCTL_NO_CACHE", "1")
        return cli.ok("report", "-f", "json", "--quarter", "2026Q4", now=NOW).out


def test_stored_json_text_is_byte_identical_and_checked(
    cli: Cli, repo: Path, incidents: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    truth = json_text(cli, monkeypatch, cache=False)
    assert json_text(cli, monkeypatch) == truth  # computed, then stored
    stored = list(cache_dir(repo).glob("report-*.json"))
    assert len(stored) == 1
    assert json_text(cli, monkeypatch) == truth  # served from the stored text
    later = cli.ok("report", "-f", "json", "--quarter", "2026Q4", now="2026-12-01T00:00:07Z")
    assert later.json()["generated_at"] == "2026-12-01T00:00:07Z"
    # A flipped byte, a truncated file, or a foreign file in its place is never printed.
    body = stored[0].read_bytes()
    assert b'"total": 4' in body
    for broken in (body.replace(b'"total": 4', b'"total": 5'), body[:-40], b"{}\n"):
        stored[0].write_bytes(broken)
        assert json_text(cli, monkeypatch) == truth
        stored[0].write_bytes(body)
    cli.ok("update", incidents[0], "changes nothing in the figures", now="2026-11-20T00:00:00Z")
    assert json_text(cli, monkeypatch) == json_text(cli, monkeypatch, cache=False)


def test_report_reused_across_commits_that_change_no_figure(
    cli: Cli, repo: Path, incidents: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A commit that changes nothing a report reads (a README) reuses the stored report;
    a change to the records computes it again, an update or a handoff included (every
    event is responder time, which the cost and workload figures count)."""

    def stored() -> dict[str, int]:
        return {p.name: p.stat().st_ino for p in cache_dir(repo).glob("report-*.json")}

    assert json_text(cli, monkeypatch) == json_text(cli, monkeypatch, cache=False)
    first = stored()
    later = "2026-11-20T00:00:00Z"
    (repo / "README.md").write_text("notes\n")
    git(repo, "add", "README.md")
    git(repo, "commit", "-qm", "docs")
    assert json_text(cli, monkeypatch) == json_text(cli, monkeypatch, cache=False)
    assert set(stored().values()) == set(first.values())
    recomputed = [
        ("update", incidents[0], "still watching"),
        ("assign", incidents[1], "scribe", "zed"),
        ("severity", incidents[0], "sev1", "--reason", "worse"),
        ("set", incidents[1], "--service", "billing"),
        ("reopen", incidents[2], "--reason", "back"),
        ("action", "add", incidents[3], "Fix it", "--owner", "dana", "--due", "2026-11-25"),
    ]
    for command in recomputed:
        before = json_text(cli, monkeypatch)
        cli.ok(*command, now=later)
        truth = json_text(cli, monkeypatch, cache=False)
        assert truth != before, command
        assert json_text(cli, monkeypatch) == truth
    answers = cache_dir(repo) / "answers.json"
    answers.write_text("{not json")
    cli.ok("update", incidents[0], "after a broken index", now=later)
    assert json_text(cli, monkeypatch) == json_text(cli, monkeypatch, cache=False)


def test_a_status_read_for_a_failed_command_is_not_reused(
    cli: Cli, repo: Path, incidents: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`report` starts `git status` early; if the command fails first, the next command
    in the same process must not be answered from that old status."""
    first = json_text(cli, monkeypatch)
    bad = cli("report", "-f", "json", "--since", "not a time", now=NOW)
    assert bad.code == 2
    cli.ok(
        "severity", incidents[0], "sev1", "--reason", "x", "--no-commit", now="2026-11-20T00:00:00Z"
    )
    after = json_text(cli, monkeypatch)
    assert after != first and after == json_text(cli, monkeypatch, cache=False)
