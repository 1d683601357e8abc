"""schemas/ is what the models generate, and --json output validates against it."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from conftest import Cli
from incidentctl.models.schemas import generate

SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"


def test_schemas_folder_is_up_to_date() -> None:
    expected = generate()
    on_disk = {
        p.name: p.read_text(encoding="utf-8")
        for p in SCHEMAS.glob("*.schema.json")
        if p.name in expected
    }
    assert on_disk == expected, "schemas/ is stale: run 'incidentctl schema export'"


def _schema(name: str) -> dict[str, object]:
    return json.loads((SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8"))


def test_json_outputs_follow_their_schemas(cli: Cli) -> None:
    declared = cli.ok(
        "declare",
        "Slow search",
        "-s",
        "sev2",
        "--service",
        "search",
        "--json",
        "--commander",
        "ann",
    ).json()
    jsonschema.validate(declared, _schema("declare"))
    incident = declared["id"]
    cli.ok("severity", incident, "sev1", "--reason", "worse")
    cli.ok("resolve", incident, "--root-cause-class", "capacity")
    jsonschema.validate(cli.ok("show", incident, "--json").json(), _schema("show"))
    jsonschema.validate(cli.ok("list", "--json").json(), _schema("list"))


def _yaml(text: str) -> object:
    """A document as a YAML 1.2 tool (yaml-language-server, check-jsonschema) reads it."""
    import datetime

    from ruamel.yaml import YAML

    def plain(value: object) -> object:
        if isinstance(value, dict):
            return {str(k): plain(v) for k, v in value.items()}
        if isinstance(value, list):
            return [plain(v) for v in value]
        if isinstance(value, datetime.date):
            return value.isoformat()
        return value

    return plain(YAML(typ="safe", pure=True).load(text))


def _frontmatter(path: Path) -> object:
    text = path.read_text(encoding="utf-8")
    return _yaml(text.split("---\n", 2)[1] if path.suffix == ".md" else text)


def _errors(kind: str, document: object) -> list[str]:
    validator = jsonschema.Draft202012Validator(_schema(kind))
    return [e.message for e in validator.iter_errors(document)]


def _records(root: Path) -> list[tuple[str, Path]]:
    found = [("config", root / ".incidentctl.yaml")]
    found += [("incident", p) for p in sorted(root.glob("incidents/*/incident.md"))]
    found += [("event", p) for p in sorted(root.glob("incidents/*/events/*.md"))]
    return found


def test_every_file_init_and_the_commands_write_validates(cli: Cli, repo: Path) -> None:
    incident = cli.ok(
        "declare", "Slow search 404", "-s", "sev2", "--service", "search", "--commander", "ann"
    ).out.strip()
    cli.ok("ack", incident)
    cli.ok("assign", incident, "operations", "bo")
    cli.ok("update", incident, "found it", "--status", "identified")
    cli.ok("severity", incident, "sev1", "--reason", "worse")
    cli.ok("mitigate", incident)
    cli.ok("resolve", incident, "--root-cause-class", "capacity")
    records = _records(repo)
    assert len(records) >= 9
    for kind, path in records:
        assert _errors(kind, _frontmatter(path)) == [], path
    copies = repo / ".incidentctl" / "schemas"
    for copy in copies.glob("*.json"):
        assert copy.read_text(encoding="utf-8") == (SCHEMAS / copy.name).read_text(), copy
    settings = json.loads((repo / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    for schema_path, files in settings["yaml.schemas"].items():
        assert (repo / schema_path).is_file() and files == [".incidentctl.yaml"]
    first_line = (repo / ".incidentctl.yaml").read_text(encoding="utf-8").split("\n", 1)[0]
    if "$schema=" in first_line:
        assert (repo / first_line.split("$schema=", 1)[1].strip()).is_file()


def test_every_example_record_validates() -> None:
    records = _records(SCHEMAS.parent / "examples" / "acme")
    assert len(records) > 50
    for kind, path in records:
        assert _errors(kind, _frontmatter(path)) == [], path


# (file kind, text replaced, replacement, valid?): the schema and lint must agree.
CASES = [
    ("incident", "services: []", "services: [Checkout API]", False),
    ("incident", "services: []", "services: [checkout-api, 2024]", True),
    ("incident", "title: Search", 'title: "Search\\nslow"', False),
    ("incident", "title: Search", "title: 404", True),
    ("incident", "drill: false", "drill: maybe", False),
    ("incident", "drill: false", "drill: false\nduplicate_of: K7F3M2", False),
    ("incident", "drill: false", "drill: false\nservces: [x]", False),
    ("incident", "drill: false", "drill: false\npublic_title: " + "x" * 201, False),
    ("event", "severity: sev2", "severity: Sev 2", False),
    ("event", "commander: ann", "Commander: ann", False),
    ("event", "severity: sev2", "severity: sev2\ndetected_by: pager", False),
    ("event", "severity: sev2", "severity: sev2\nbackfill: nope", False),
    ("config", "roles_within_minutes: 30", "roles_within_minutes: 0", False),
    ("config", "roles_within_minutes: 30", "roles_within_minutes: half", False),
    ("config", "timezone: UTC", "timezone: UTC\ntimezon: UTC", False),
    (
        "config",
        "      page: true\n      required_roles: [commander, op",
        "      page: yes\n      required_roles: [commander, op",
        False,
    ),
]


@pytest.mark.parametrize(("kind", "old", "new", "valid"), CASES)
def test_schema_and_lint_agree(
    cli: Cli, repo: Path, kind: str, old: str, new: str, valid: bool
) -> None:
    incident = cli.ok("declare", "Search", "-s", "sev2", "--commander", "ann").out.strip()
    cli.ok("assign", incident, "operations", "bo")
    cli.ok("assign", incident, "communications", "cy")
    folder = repo / "incidents" / incident
    path = {
        "incident": folder / "incident.md",
        "event": next(p for p in (folder / "events").glob("*.md") if "declared" in p.read_text()),
        "config": repo / ".incidentctl.yaml",
    }[kind]
    text = path.read_text(encoding="utf-8")
    assert old in text, (old, text)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    schema_ok = _errors(kind, _frontmatter(path)) == []
    lint = cli("lint", "--format", "json").json()
    rel = path.relative_to(repo).as_posix()
    lint_ok = not [f for f in lint["findings"] if f["path"] == rel and f["severity"] == "error"]
    assert (schema_ok, lint_ok) == (valid, valid), lint["findings"]


def test_every_json_output_follows_its_view_schema(cli: Cli, repo: Path) -> None:
    """Each --json output beyond show/list/declare, run for real and validated."""
    import sys

    from test_runbooks import RUNBOOK

    from conftest import git

    (repo / "runbooks" / "checkout-errors.md").write_text(
        RUNBOOK.replace("PYTHON", json.dumps(sys.executable)), encoding="utf-8"
    )
    git(repo, "add", "runbooks")
    git(repo, "commit", "-qm", "runbook")
    first = cli.ok("declare", "Checkout errors", "-s", "sev1", "--service", "checkout").out
    first = first.strip()
    checked: dict[str, object] = {
        "event-result": cli.ok("ack", first, "--json").json(),
        "roles": cli.ok("roles", "--json").json(),
        "policy": cli.ok("policy", "show", "--json").json(),
        "classify": cli.ok("classify", "--json").json(),
        "runbook-list": cli.ok("runbook", "list", "--json").json(),
        "runbook-suggest": cli.ok("runbook", "list", "--for", first, "--json").json(),
        "runbook-stale": cli.ok("runbook", "list", "--stale", "--json").json(),
    }
    for command in (
        ("update", first, "looking", "--status", "identified"),
        ("severity", first, "sev2", "--reason", "smaller"),
        ("assign", first, "commander", "ann"),
        ("mitigate", first),
        ("resolve", first, "--root-cause-class", "deploy"),
        ("reopen", first, "--reason", "back"),
        ("correct", first, "--reason", "logs", "--root-cause-class", "config-change"),
        ("resolve", first),
    ):
        jsonschema.validate(cli.ok(*command, "--json").json(), _schema("event-result"))
    second = cli.ok(
        "declare",
        "Checkout errors again",
        "-s",
        "sev2",
        "--service",
        "checkout",
        now="2026-11-30T12:00:00Z",
    )
    cli.ok("postmortem", "new", first, "--no-edit")
    cli.ok("action", "add", first, "Alert on 5xx", "--owner", "dana")
    checked["postmortem-list"] = cli.ok("postmortem", "list", "--json").json()
    checked["similar"] = cli.ok("similar", second.out.strip(), "--json").json()
    checked["action-list"] = cli.ok("action", "list", "--json").json()
    for name, data in checked.items():
        assert data, f"{name}: nothing to validate"
        jsonschema.validate(data, _schema(name))
    declined = cli.ok("declare", "Not one", "-s", "sev3").out.strip()
    jsonschema.validate(
        cli.ok("decline", declined, "--reason", "noise", "--json").json(), _schema("event-result")
    )
