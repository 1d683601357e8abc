"""Private incidents: the narrative only in the private records repo, the figures in both."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import Cli, git, tree_snapshot
from incidentctl.cli import main

SECRET_WORDS = ("Globex", "exfiltrated", "rotated the leaked keys", "Eve's laptop")


@pytest.fixture
def two_repos(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> tuple[Cli, Path, Path]:
    records, private = tmp_path / "records", tmp_path / "private"
    assert main(["init", str(records)]) == 0
    assert main(["init", str(private)]) == 0
    config = records / ".incidentctl.yaml"
    config.write_text(config.read_text() + "private:\n  repo: ../private\n")
    git(records, "commit", "-qam", "private repo")
    return Cli(records, capsys, monkeypatch), records, private


def _everything(records: Path) -> str:
    files = "".join(v.decode("utf-8", "replace") for v in tree_snapshot(records).values())
    history = git(records, "log", "-p", "--all", "--format=%s%n%b")
    return files + history


def test_narrative_stays_private_and_figures_count(
    two_repos: tuple[Cli, Path, Path], tmp_path: Path
) -> None:
    cli, records, private = two_repos
    incident = cli.ok(
        "declare",
        "Globex customer data exfiltrated",
        "-s",
        "sev1",
        "--private",
        "--summary",
        "Eve's laptop was stolen",
        "--service",
        "api",
        "--at",
        "-30m",
    ).out.strip()
    cli.ok("update", incident, "we rotated the leaked keys for Globex", "--status", "identified")
    cli.ok("severity", incident, "sev2", "--reason", "Globex only")
    cli.ok("mitigate", incident, "-m", "Globex access revoked")
    cli.ok("resolve", incident, "--root-cause-class", "stolen-device")
    everything = _everything(records)
    for word in SECRET_WORDS:
        assert word not in everything, word
    stub = cli.ok("show", incident, "--json").json()  # the private repo is reachable: merged
    assert stub["title"] == "Globex customer data exfiltrated"
    assert stub["summary"] == "Eve's laptop was stolen"
    assert "we rotated the leaked keys for Globex" in [e["message"] for e in stub["timeline"]]
    assert stub["private"] is True and stub["severity"] == "sev2"
    listed = cli.ok("list").out
    assert "Private incident" in listed and "Globex" not in listed
    site = tmp_path / "site"
    cli.ok("statuspage", "build", "--out", str(site))
    assert not any("Globex" in p.read_text() for p in site.rglob("*") if p.is_file())
    report = cli.ok("report", "--since", "2026-11-01", "--until", "2026-12-01", "-f", "json")
    assert report.json()["incidents"]["total"] == 1
    assert report.json()["durations"]["ttr"]["n"] == 1
    # the private repo holds everything, in its own history
    private_text = _everything(private)
    for word in SECRET_WORDS:
        assert word in private_text, word
    assert cli.ok("lint").code == 0


def test_stubs_refuse_narrative_and_lint_proves_none(two_repos: tuple[Cli, Path, Path]) -> None:
    cli, records, private = two_repos
    incident = cli.ok("declare", "Globex leak", "-s", "sev2", "--private").out.strip()
    bad = cli("set", incident, "--title", "Globex leak again")
    assert bad.code == 4 and "is private" in bad.err
    cli.ok("resolve", incident)
    assert cli("postmortem", "new", incident, "--no-edit").code == 4
    assert cli("action", "add", incident, "Patch Globex", "--owner", "ann").code == 4
    # someone without the private repo cannot record a message here
    (private.parent / "private").rename(private.parent / "elsewhere")
    refused = cli("reopen", incident, "--reason", "Globex again")
    assert refused.code == 6 and "nothing was written" in refused.err
    assert cli.ok("show", incident, "--json").json()["title"] == "Private incident"
    # a stub edited by hand to carry narrative is an error for lint
    event = next((records / "incidents" / incident / "events").glob("*.md"))
    event.write_text(event.read_text() + "Globex was hit\n")
    findings = json.loads(cli("lint", "--format", "json").out)["findings"]
    assert [f["rule"] for f in findings if f["rule"].startswith("private/")] == [
        "private/narrative"
    ]


def test_private_repo_must_be_separate(tmp_path: Path, cli: Cli, repo: Path) -> None:
    assert cli("declare", "x", "-s", "sev3", "--private").code == 6
    assert main(["init", str(repo / "inner")]) == 0
    config = repo / ".incidentctl.yaml"
    config.write_text(config.read_text() + "private:\n  repo: inner\n")
    bad = cli("declare", "x", "-s", "sev3", "--private")
    assert bad.code == 5 and "inside the main repo" in bad.err
