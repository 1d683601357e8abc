"""The people directory: handles stored, display names shown, every name redacted."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from org_fixtures import use_locations, write_backstage

from conftest import Cli, git

SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"

PEOPLE = """\
people:
  - handle: carol
    name: Carol Chen
    emails: [carol@acme.example]
    git: [Test Responder, responder@example.com]
    timezone: Europe/Berlin
    working_hours: 09:00-17:30
    teams: [payments]
    aliases: [CC]
  - handle: dan
    name: Dan Diaz
    emails: [dan@acme.example]
"""


@pytest.fixture
def directory(repo: Path) -> Path:
    write_backstage(repo / "catalog")
    use_locations(repo, "catalog")
    (repo / "people.yaml").write_text(PEOPLE, encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "people")
    return repo


def test_handles_are_stored_and_display_names_shown(cli: Cli, directory: Path) -> None:
    # git's identity (Test Responder <responder@example.com>) is carol's
    incident = cli.ok(
        "declare",
        "Checkout down",
        "-s",
        "sev2",
        "--service",
        "checkout-api",
        "--commander",
        "Alice Adams",
    ).out.strip()
    cli.ok("assign", incident, "operations", "bob@acme.example")
    cli.ok("assign", incident, "communications", "DAN")
    cli.ok("update", incident, "rolled back", "--by", "Bob Ops")
    cli.ok("update", incident, "a contractor helps", "--by", "Eve Extern")
    shown = cli.ok("show", incident, "--json").json()
    assert shown["roles"] == {"commander": "alice", "operations": "bob", "communications": "dan"}
    assert [e["by"] for e in shown["timeline"]] == ["carol", "carol", "carol", "bob", "Eve Extern"]
    text = cli.ok("show", incident).out
    assert "commander: Alice Adams" in text and "operations: Bob Ops" in text
    assert "role         Carol Chen operations: Bob Ops" in text
    assert "update       Bob Ops" in text and "Eve Extern" in text
    stored = (directory / "incidents" / incident / "incident.md").read_text()
    assert "created_by: carol" in stored


def test_catalog_show_lists_people(cli: Cli, directory: Path) -> None:
    data = cli.ok("catalog", "show", "--json").json()
    jsonschema.validate(data, json.loads((SCHEMAS / "catalog.schema.json").read_text()))
    people = {p["handle"]: p for p in data["people"]}
    assert set(people) == {"alice", "bob", "carol", "dan"}
    assert people["carol"]["timezone"] == "Europe/Berlin"
    assert people["carol"]["working_hours"] == "09:00-17:30"
    assert people["alice"]["name"] == "Alice Adams"
    assert people["alice"]["teams"] == ["payments"]
    assert "people.yaml" in data["files"]
    assert cli("catalog", "check").code == 0


def test_people_file_errors_name_the_line(cli: Cli, directory: Path) -> None:
    (directory / "people.yaml").write_text(
        "people:\n  - handle: x\n    name: X\n    working_hours: 9-5\n", encoding="utf-8"
    )
    bad = cli("declare", "x", "-s", "sev3")
    assert bad.code == 5
    assert bad.err.splitlines()[0].startswith("error: people.yaml:4: people.0.working_hours")
    (directory / "people.yaml").write_text(
        "people:\n  - handle: x\n    name: X\n    timezone: Mars/Base\n", encoding="utf-8"
    )
    bad = cli("declare", "x", "-s", "sev3")
    assert bad.code == 5 and "people.yaml:4" in bad.err and "Mars/Base" in bad.err
    (directory / "people.yaml").write_text(
        "people:\n  - handle: x\n    name: X\n    emails: [a@b.c]\n"
        "  - handle: y\n    name: Y\n    emails: [a@b.c]\n",
        encoding="utf-8",
    )
    check = cli("catalog", "check")
    assert check.code == 1 and "'a@b.c' names both 'x' and 'y'" in check.err


def test_completion_offers_handles(directory: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from incidentctl.cli import complete

    monkeypatch.chdir(directory)
    assert complete.people("") == ["alice", "bob", "carol", "dan"]
    assert complete.people("c") == ["carol"]
    assert complete.services("check") == ["checkout-api"]


def test_publishing_redacts_every_known_name(cli: Cli, directory: Path, tmp_path: Path) -> None:
    incident = cli.ok(
        "declare",
        "Checkout down",
        "-s",
        "sev1",
        "--service",
        "checkout-api",
        "--commander",
        "alice",
        "--started-at",
        "-20m",
    ).out.strip()
    cli.ok("mitigate", incident, "--by", "bob")
    cli.ok("resolve", incident, "--by", "alice", "--root-cause-class", "bad-deploy")
    cli.ok("postmortem", "new", incident, "--no-edit")
    path = directory / "incidents" / incident / "postmortem.md"
    leaky = (
        "Alice Adams asked Dan Diaz (dan@acme.example) and CC to look; Adams then "
        "handed over to Carol, who paged Bob Ops."
    )
    path.write_text(path.read_text().replace("## What went well", leaky + "\n\n## What went well"))
    git(directory, "commit", "-qam", "edit")
    cli.ok("postmortem", "status", incident, "reviewed")
    out = tmp_path / "pub"
    written = Path(cli.ok("postmortem", "publish", incident, "--out", str(out)).out.strip())
    text = written.read_text()
    for leak in ("Alice", "Adams", "Dan", "Diaz", "dan@acme", "CC", "Carol", "Chen", "Bob", "Ops"):
        assert leak not in text, leak
    assert "the incident commander" in text
