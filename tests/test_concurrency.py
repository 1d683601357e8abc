"""Several responders, several clones, plain git: nothing conflicts, nothing is lost."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import Cli, git, is_clean, run_installed
from incidentctl.cli import main


@pytest.fixture
def clones(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> tuple[Cli, Cli, Path]:
    """Two clones (A, B) of one records repo with a bare origin; one incident declared."""
    origin = tmp_path / "origin.git"
    subprocess.run(["git", "init", "--quiet", "--bare", "-b", "main", str(origin)], check=True)
    a_dir = tmp_path / "a"
    assert main(["init", str(a_dir)]) == 0
    git(a_dir, "remote", "add", "origin", str(origin))
    git(a_dir, "push", "--quiet", "-u", "origin", "main")
    a = Cli(a_dir, capsys, monkeypatch)
    a.ok(
        "declare",
        "Shared incident",
        "-s",
        "sev3",
        "--service",
        "api",
        "--commander",
        "ann",
        now="2026-11-30T09:00:00Z",
    )
    git(a_dir, "push", "--quiet")
    b_dir = tmp_path / "b"
    subprocess.run(["git", "clone", "--quiet", str(origin), str(b_dir)], check=True)
    return a, Cli(b_dir, capsys, monkeypatch), origin


def _incident(cli: Cli) -> str:
    return str(cli.ok("list", "--json").json()[0]["id"])


def _fifty(cli: Cli, incident: str, who: str, minute0: int) -> None:
    for n in range(50):
        at = f"2026-11-30T{10 + (minute0 + n) // 60:02d}:{(minute0 + n) % 60:02d}:00Z"
        if n == 10:
            cli.ok(
                "severity",
                incident,
                "sev2" if who == "a" else "sev1",
                "--reason",
                f"{who} sees more",
                "--by",
                who,
                now=at,
            )
        elif n == 20:
            cli.ok("assign", incident, "scribe", f"scribe-{who}", "--by", who, now=at)
        else:
            cli.ok("update", incident, f"{who} note {n}", "--by", who, now=at)


@pytest.mark.parametrize("strategy", ["--no-rebase", "--rebase"])
def test_two_clones_fifty_events_each_merge_cleanly(
    clones: tuple[Cli, Cli, Path], strategy: str
) -> None:
    a, b, _ = clones
    incident = _incident(a)
    _fifty(a, incident, "a", 0)
    _fifty(b, incident, "b", 5)
    git(a.cwd, "push", "--quiet")
    git(b.cwd, "pull", "--quiet", strategy, "--no-edit")
    git(b.cwd, "push", "--quiet")
    git(a.cwd, "pull", "--quiet", "--no-edit")
    shown_a = a.ok("show", incident, "--json").json()
    shown_b = b.ok("show", incident, "--json").json()
    assert shown_a == shown_b
    assert len(shown_a["timeline"]) == 101
    assert sum(1 for e in shown_a["timeline"] if e["type"] == "update") == 96
    assert is_clean(a.cwd) and is_clean(b.cwd)
    for family in ("schema", "integrity", "chronology"):
        assert a.ok("lint", "--rule", family, now="2026-11-30T12:00:00Z").code == 0


def test_branches_merge_with_plain_git_and_no_config(
    clones: tuple[Cli, Cli, Path], tmp_path: Path
) -> None:
    a, b, origin = clones
    incident = _incident(a)
    _fifty(a, incident, "a", 0)
    _fifty(b, incident, "b", 5)
    git(a.cwd, "push", "--quiet", "origin", "main:a-work")
    git(b.cwd, "push", "--quiet", "origin", "main:b-work")
    # A server-side merge: git merge-tree in the bare repo, no incidentctl anywhere.
    proc = subprocess.run(
        ["git", "merge-tree", "--write-tree", "a-work", "b-work"],
        cwd=origin,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    assert proc.returncode == 0, proc.stdout
    third = tmp_path / "third"
    subprocess.run(["git", "clone", "--quiet", str(origin), str(third)], check=True)
    git(third, "merge", "--quiet", "--no-edit", "origin/a-work", "origin/b-work")
    shown = json.loads(run_installed(third, "show", incident, "--json").out)
    assert len(shown["timeline"]) == 101


def test_concurrent_resolve_and_escalate_are_both_kept(clones: tuple[Cli, Cli, Path]) -> None:
    a, b, _ = clones
    incident = _incident(a)
    a.ok("resolve", incident, "--by", "alice", now="2026-11-30T10:00:00Z")
    b.ok(
        "severity",
        incident,
        "sev1",
        "--reason",
        "customers still failing",
        "--by",
        "bob",
        now="2026-11-30T10:02:00Z",
    )
    git(a.cwd, "push", "--quiet")
    git(b.cwd, "pull", "--quiet", "--no-rebase", "--no-edit")
    git(b.cwd, "push", "--quiet")
    git(a.cwd, "pull", "--quiet", "--no-edit")
    state_a = a.ok("show", incident, "--json").json()
    assert state_a == b.ok("show", incident, "--json").json()
    assert {e["type"] for e in state_a["timeline"]} >= {"resolved", "severity"}
    assert state_a["status"] == "resolved" and state_a["severity"] == "sev1"
    result = a("lint", "--format", "json", now="2026-11-30T12:00:00Z")
    rules = [f["rule"] for f in json.loads(result.out)["findings"]]
    assert "chronology/concurrent-transition" in rules


def test_declares_at_the_same_second_do_not_collide(clones: tuple[Cli, Cli, Path]) -> None:
    a, b, _ = clones
    now = "2026-11-30T11:00:00Z"
    one = a.ok("declare", "Checkout down", "-s", "sev2", "--service", "checkout", now=now)
    two = b.ok("declare", "Checkout is down", "-s", "sev2", "--service", "checkout", now=now)
    assert one.out != two.out
    git(a.cwd, "push", "--quiet")
    git(b.cwd, "pull", "--quiet", "--no-rebase", "--no-edit")
    ids = {x["id"] for x in b.ok("list", "--json").json()}
    assert {one.out.strip(), two.out.strip()} <= ids
    findings = json.loads(b("lint", "--format", "json").out)["findings"]
    dup = [f for f in findings if f["rule"] == "integrity/possible-duplicate"]
    assert len(dup) == 1
    later = dup[0]["path"].split("/")[1]
    earlier = ({one.out.strip(), two.out.strip()} - {later}).pop()
    b.ok("set", later, "--duplicate-of", earlier)
    findings = json.loads(b("lint", "--format", "json").out)["findings"]
    assert not [f for f in findings if f["rule"] == "integrity/possible-duplicate"]


def test_set_in_two_clones_merges_cleanly_and_the_later_change_wins(
    clones: tuple[Cli, Cli, Path],
) -> None:
    a, b, _ = clones
    incident = _incident(a)
    git(a.cwd, "push", "--quiet")
    git(b.cwd, "pull", "--quiet", "--no-edit")
    b.ok("set", incident, "--title", "Title from B", now="2026-11-30T10:20:00Z")
    a.ok("set", incident, "--title", "Title from A", now="2026-11-30T10:10:00Z")
    a.ok("set", incident, "--category", "deploy", now="2026-11-30T10:11:00Z")
    git(a.cwd, "push", "--quiet")
    assert b.ok("sync", "--pull").code == 0
    git(b.cwd, "push", "--quiet")
    git(a.cwd, "pull", "--quiet", "--no-edit")
    for clone in (a, b):
        state = clone.ok("show", incident, "--json").json()
        assert state["title"] == "Title from B" and state["category"] == "deploy"
        titles = [e["details"].get("title") for e in state["timeline"] if e["type"] == "changed"]
        assert titles == ["Title from A", None, "Title from B"]
        assert is_clean(clone.cwd)


def test_conflicting_human_edits_are_reported_not_resolved(clones: tuple[Cli, Cli, Path]) -> None:
    a, b, _ = clones
    incident = _incident(a)
    other = a.ok("declare", "Unrelated", "-s", "sev4", now="2026-11-30T09:30:00Z").out.strip()
    git(a.cwd, "push", "--quiet")
    git(b.cwd, "pull", "--quiet", "--no-edit")
    for clone, name in ((a, "A"), (b, "B")):
        path = clone.cwd / "incidents" / incident / "incident.md"
        path.write_text(path.read_text().replace("title:", f"title: Title from {name}\nx_title:"))
        path.write_text(
            "\n".join(ln for ln in path.read_text().splitlines() if not ln.startswith("x_title"))
            + "\n"
        )
        git(clone.cwd, "commit", "-qam", f"human edit in {name}")
    git(a.cwd, "push", "--quiet")
    pulled = b("sync", "--pull")
    assert pulled.code == 6 and "git pull stopped on a conflict" in pulled.err
    assert f"incidents/{incident}/incident.md" in pulled.err
    path = b.cwd / "incidents" / incident / "incident.md"
    text = path.read_text()
    assert "<<<<<<<" in text  # left for a human
    marker_line = (
        text.splitlines().index(next(ln for ln in text.splitlines() if ln.startswith("<<<<<<<")))
        + 1
    )
    listed = b("list", "--json")
    assert listed.code == 5
    assert [x["id"] for x in json.loads(listed.out)] == [other]
    assert f"incidents/{incident}/incident.md:{marker_line}: unresolved git conflict" in listed.err
    lint = json.loads(b("lint", "--format", "json").out)
    assert {
        "rule": "schema/parse",
        "path": f"incidents/{incident}/incident.md",
        "line": marker_line,
    } in [{k: f[k] for k in ("rule", "path", "line")} for f in lint["findings"]]


def test_twenty_updates_at_once(tmp_path: Path) -> None:
    repo = tmp_path / "rec"
    assert run_installed(tmp_path, "init", str(repo)).code == 0
    incident = run_installed(repo, "declare", "Busy", "-s", "sev2").out.strip()
    base = int(git(repo, "rev-list", "--count", "HEAD"))
    cmd = [sys.executable, "-m", "incidentctl", "update", incident]
    procs = [
        subprocess.Popen(
            [*cmd, f"note {n}"], cwd=repo, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for n in range(20)
    ]
    results = [(p.wait(timeout=120), p.stderr.read() if p.stderr else "") for p in procs]
    assert all(code == 0 for code, _ in results), results
    assert not any("index.lock" in err for _, err in results)
    shown = json.loads(run_installed(repo, "show", incident, "--json").out)
    assert sorted(e["message"] for e in shown["timeline"] if e["type"] == "update") == sorted(
        f"note {n}" for n in range(20)
    )
    assert int(git(repo, "rev-list", "--count", "HEAD")) == base + 20
    fsck = subprocess.run(["git", "fsck", "--strict"], cwd=repo, capture_output=True, text=True)
    assert fsck.returncode == 0, fsck.stderr
    assert is_clean(repo)
