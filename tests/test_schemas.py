"""schemas/ is what the models generate, and --json output validates against it."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from conftest import Cli
from incidentctl.schemas import generate

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
