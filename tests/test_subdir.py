"""A records repo that is a folder inside a bigger git repository (a monorepo)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from conftest import Cli, git, is_clean
from incidentctl.cli import main


def monorepo(tmp_path: Path) -> Path:
    """A bigger repository with some code committed in it."""
    mono = tmp_path / "mono"
    subprocess.run(["git", "init", "-q", str(mono)], check=True)
    (mono / "app.py").write_text("print('app')\n")
    git(mono, "add", "app.py")
    git(mono, "commit", "-qm", "app")
    return mono


def test_records_in_a_subfolder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    mono = monorepo(tmp_path)
    assert main(["init", str(mono / "ops" / "records")]) == 0
    cli = Cli(mono / "ops" / "records", capsys, monkeypatch)
    incident = cli.ok("declare", "Sub", "-s", "sev3", now="2026-11-30T10:00:00Z").out.strip()
    (mono / "app.py").write_text("print('staged elsewhere')\n")
    git(mono, "add", "app.py")  # the user's own staged work is not swept into our commits
    from incidentctl.git import gitrepo

    original = gitrepo.commit

    def crash(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(gitrepo, "commit", crash)
    assert cli("update", incident, "saved, not committed").code == 130
    monkeypatch.setattr(gitrepo, "commit", original)
    cli.ok("update", incident, "next")  # finishes the interrupted commit first
    log = git(mono, "log", "--format=%s", "-3").splitlines()
    assert log[:2] == [f"incident({incident}): update"] * 2
    assert git(mono, "diff", "--cached", "--name-only").split() == ["app.py"]
    first = cli.ok(
        "report",
        "-f",
        "json",
        "--since",
        "2026-11-01",
        "--until",
        "2026-12-01",
        now="2026-12-01T00:00:00Z",
    ).json()
    (mono / "ops" / "records" / "incidents" / incident / "incident.md").write_text(
        (mono / "ops" / "records" / "incidents" / incident / "incident.md")
        .read_text()
        .replace("services: []", "services: [edited]")
    )
    second = cli.ok(
        "report",
        "-f",
        "json",
        "--since",
        "2026-11-01",
        "--until",
        "2026-12-01",
        now="2026-12-01T00:00:00Z",
    ).json()
    assert list(first["by_service"]) == ["(none)"] and list(second["by_service"]) == ["edited"]
    feed = tmp_path / "a.json"
    feed.write_text(
        json.dumps(
            {"starts_at": "2026-11-30T09:00:00Z", "labels": {"alertname": "X", "service": "api"}}
        )
    )
    cli.ok("alert", "ingest", str(feed), now="2026-11-30T10:00:00Z")
    assert git(mono, "log", "-1", "--format=%s").startswith("alerts: ingest")
    git(mono, "checkout", "-q", "--", ".")  # drop the manual edit
    git(mono, "reset", "-q", "app.py")
    git(mono, "checkout", "-q", "--", "app.py")
    assert is_clean(mono)


def test_records_in_a_folder_git_does_not_track_yet(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Records kept in an untracked folder of a bigger repo are never served stale."""
    mono = monorepo(tmp_path)
    records = mono / "ops" / "records"
    assert main(["init", str(records)]) == 0
    git(mono, "rm", "-r", "-q", "--cached", "ops")
    git(mono, "commit", "-qm", "keep the records out of git for now")
    cli = Cli(records, capsys, monkeypatch)
    first = cli.ok("declare", "One", "-s", "sev3", "--no-commit", now="2026-11-30T10:00:00Z")
    assert first.code == 0
    window = ("--since", "2026-11-01", "--until", "2026-12-01")
    count = cli.ok("report", "-f", "json", *window, now="2026-12-01T00:00:00Z").json()
    cli.ok("declare", "Two", "-s", "sev3", "--no-commit", now="2026-11-30T11:00:00Z")
    again = cli.ok("report", "-f", "json", *window, now="2026-12-01T00:00:00Z").json()
    assert again["incidents"]["total"] == count["incidents"]["total"] + 1
    changed = cli("lint", "--changed-since", "HEAD", "-f", "json", now="2026-12-01T00:00:00Z")
    assert changed.code in (0, 1) and changed.json()["summary"]["files_checked"] >= 4


def test_ci_in_a_monorepo_names_files_from_the_git_top_level(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import yaml
    from sarif_kit import validation_errors

    mono = monorepo(tmp_path)
    records = mono / "ops" / "records"
    assert main(["init", str(records), "--ci", "github"]) == 0
    assert not (records / ".github").exists()
    workflow = yaml.safe_load((mono / ".github/workflows/incidentctl.yml").read_text())
    job = workflow["jobs"]["lint"]
    assert job["defaults"]["run"]["working-directory"] == "ops/records"
    assert job["steps"][-1]["with"]["sarif_file"] == "ops/records/incidentctl.sarif"
    assert workflow[True]["pull_request"]["paths"] == ["ops/records/**"]  # YAML 1.1 'on'
    assert ".github/workflows/incidentctl.yml" in git(mono, "ls-files")
    assert is_clean(mono)

    cli = Cli(records, capsys, monkeypatch)
    incident = cli.ok("declare", "Sub", "-s", "sev4", now="2026-11-30T10:00:00Z").out.strip()
    leak = records / "incidents" / incident / "incident.md"
    leak.write_text(leak.read_text() + "AKIAABCDEFGHIJKLMNOP\n")
    for name in ("100%.txt", "x y.txt"):
        (records / "incidents" / name).write_text("stray\n")
    gh = cli("lint", "--format", "github").out
    assert f"::error file=ops/records/incidents/{incident}/incident.md,line=" in gh
    assert "::error file=ops/records/incidents/100%25.txt,title=" in gh
    sarif = json.loads(cli("lint", "--format", "sarif").out)
    assert validation_errors(sarif) == []
    run = sarif["runs"][0]
    assert run["originalUriBaseIds"]["SRCROOT"]["uri"] == mono.as_uri() + "/"
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]
    }
    assert {
        f"ops/records/incidents/{incident}/incident.md",
        "ops/records/incidents/100%25.txt",
        "ops/records/incidents/x%20y.txt",
    } <= uris
    for result in run["results"]:
        assert result["locations"][0]["physicalLocation"]["region"]["startLine"] >= 1
    for rule in run["tool"]["driver"]["rules"]:
        assert rule["fullDescription"]["text"] and rule["help"]["text"]
        assert rule["helpUri"].startswith("https://")
    # GitLab's Code Quality report: the same findings, paths from the top level.
    quality = json.loads(cli("lint", "--format", "gitlab").out)
    assert len(quality) == len(run["results"])
    assert len({issue["fingerprint"] for issue in quality}) == len(quality)
    for issue in quality:
        assert set(issue) == {"description", "check_name", "fingerprint", "severity", "location"}
        assert issue["location"]["path"].startswith("ops/records/")
        assert issue["location"]["lines"]["begin"] >= 1
        assert issue["severity"] in ("major", "minor")
