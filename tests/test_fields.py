"""Custom fields and incident types: events, types, requirements, lint, report, classify."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import Cli, commit_count, git, tree_snapshot

SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"

FIELDS = """
fields:
  - name: region
    type: enum
    values: [eu, us, apac]
    required: resolve
  - name: customers
    type: number
  - name: ticket
    type: url
  - name: notified
    type: boolean
    required: review
  - name: owner
    type: person
  - name: note
    type: string
types:
  - name: security
    required_fields: {ticket: resolve}
    postmortem_required: true
    suggest_when: {security_breach: "true"}
  - name: game-day
    counts_in_metrics: false
"""


@pytest.fixture
def fielded(repo: Path) -> Path:
    config = repo / ".incidentctl.yaml"
    config.write_text(config.read_text(encoding="utf-8") + FIELDS, encoding="utf-8")
    git(repo, "commit", "-qam", "fields")
    return repo


def test_fields_are_events_and_typed_in_show(cli: Cli, fielded: Path) -> None:
    incident = cli.ok(
        "declare", "x", "-s", "sev3", "--field", "region=EU", "--field", "customers=120.0"
    ).out.strip()
    cli.ok("set", incident, "--field", "notified=yes", "--field", "owner=Test Responder")
    cli.ok("set", incident, "--field", "customers=2.5", "--field", "note=")
    shown = cli.ok("show", incident, "--json").json()
    jsonschema.validate(shown, json.loads((SCHEMAS / "show.schema.json").read_text()))
    assert shown["fields"] == {
        "customers": 2.5,
        "notified": True,
        "owner": "Test Responder",
        "region": "eu",
    }
    assert shown["type"] == "default"
    changed = [e for e in shown["timeline"] if e["type"] == "changed"]
    assert changed[0]["details"]["fields"] == {"notified": "true", "owner": "Test Responder"}
    assert changed[1]["details"]["fields"] == {"customers": "2.5", "note": None}
    cli.ok("set", incident, "--field", "region=")
    assert "region" not in cli.ok("show", incident, "--json").json()["fields"]
    events = list((fielded / "incidents" / incident / "events").glob("*.md"))
    assert any("fields:\n  region: null" in e.read_text() for e in events)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("regio=eu", "unknown field 'regio'; did you mean 'region'?"),
        ("region=europe", "'europe' is not one of eu, us, apac"),
        ("customers=lots", "'lots' is not a number"),
        ("customers=nan", "not a number between"),
        ("ticket=javascript:alert(1)", "is not an http(s) URL"),
        ("notified=maybe", "is not true or false"),
        ("region", "write NAME=VALUE"),
        ("note=AKIAIOSFODNN7EXAMPLE", "secret"),
    ],
)
def test_bad_field_values_are_refused(cli: Cli, fielded: Path, value: str, message: str) -> None:
    before = tree_snapshot(fielded), commit_count(fielded)
    bad = cli("declare", "x", "-s", "sev3", "--field", value)
    assert bad.code in (2, 8)
    assert message in bad.err.splitlines()[0]
    assert "Traceback" not in bad.err
    assert (tree_snapshot(fielded), commit_count(fielded)) == before


def test_resolve_refused_while_a_required_field_is_missing(cli: Cli, fielded: Path) -> None:
    incident = cli.ok("declare", "breach", "-s", "sev3", "--type", "security").out.strip()
    before = tree_snapshot(fielded), commit_count(fielded)
    bad = cli("resolve", incident)
    assert bad.code == 4
    lines = bad.err.splitlines()
    assert lines[0] == (
        f"error: incident {incident} cannot be resolved: required fields region, ticket are "
        "not set; nothing was written"
    )
    assert lines[1] == f"hint: incidentctl set {incident} --field region=VALUE --field ticket=VALUE"
    assert (tree_snapshot(fielded), commit_count(fielded)) == before
    cli.ok("set", incident, "--field", "region=us", "--field", "ticket=https://t.example/1")
    cli.ok("resolve", incident)
    # the review needs `notified`
    cli.ok("postmortem", "new", incident, "--no-edit")
    refused = cli("postmortem", "status", incident, "reviewed")
    assert refused.code == 4 and "required field notified is not set" in refused.err
    cli.ok("set", incident, "--field", "notified=no")
    cli.ok("postmortem", "status", incident, "reviewed")


def test_lint_enforces_types_and_requirements(cli: Cli, fielded: Path) -> None:
    incident = cli.ok("declare", "x", "-s", "sev4", "--field", "region=eu").out.strip()
    cli.ok("resolve", incident)
    config = fielded / ".incidentctl.yaml"
    # The policy changes after the fact: region becomes a number, a new required field.
    text = (
        config.read_text()
        .replace(
            "  - name: region\n    type: enum\n    values: [eu, us, apac]\n",
            "  - name: region\n    type: number\n",
        )
        .replace(
            "  - name: note\n    type: string\n",
            "  - name: note\n    type: string\n    required: resolve\n",
        )
    )
    config.write_text(text)
    git(fielded, "commit", "-qam", "stricter")
    findings = cli("lint", "--format", "json").json()["findings"]
    found = {(f["rule"], f["message"]) for f in findings if f["rule"].startswith("fields/")}
    assert found == {
        ("fields/invalid", "field 'region' (number): 'eu' is not a number"),
        ("fields/required", "required field(s) note not set, but resolved"),
    }


def test_report_by_type_and_field_sums_and_types_excluded(cli: Cli, fielded: Path) -> None:
    at = "2026-11-10T10:00:00Z"
    for region, kind in (("eu", "security"), ("eu", "default"), ("us", "default")):
        cli.ok(
            "declare", "x", "-s", "sev3", "--at", at, "--type", kind, "--field", f"region={region}"
        )
    cli.ok("declare", "y", "-s", "sev3", "--at", at)
    cli.ok("declare", "drill day", "-s", "sev3", "--at", at, "--type", "game-day")
    data = cli.ok(
        "report",
        "--quarter",
        "2026Q4",
        "--group-by",
        "type",
        "--group-by",
        "field:region",
        "-f",
        "json",
        now="2027-01-02T00:00:00Z",
    ).json()
    counts = {k: {v: g["count"] for v, g in gs.items()} for k, gs in data["breakdowns"].items()}
    assert counts == {
        "type": {"default": 3, "security": 1},
        "field:region": {"(none)": 1, "eu": 2, "us": 1},
    }
    assert data["incidents"]["total"] == 4
    assert data["incidents"]["excluded"] == {"type": 1}
    for groups in counts.values():
        assert sum(groups.values()) == 4


def test_types_suggested_by_classify_and_checked(cli: Cli, fielded: Path) -> None:
    result = cli.ok("classify", "--security-breach", "--no-data-loss", "--json")
    assert result.json()["type"] == "security"
    plain = cli.ok("classify", "--customer-facing", "--users-affected", "5%", "--json")
    assert plain.json()["type"] is None
    assert "suggested type: security" in cli.ok("classify", "--security-breach").err
    bad = cli("declare", "x", "-s", "sev3", "--type", "securty")
    assert bad.code == 2 and "did you mean 'security'?" in bad.err


def test_config_consistency(cli: Cli, fielded: Path) -> None:
    config = fielded / ".incidentctl.yaml"
    config.write_text(
        config.read_text() + "  - name: broken\n    required_fields: {nope: resolve}\n"
    )
    bad = cli("declare", "x", "-s", "sev3")
    assert bad.code == 5 and "requires unknown field 'nope'" in bad.err


NUMBERS = st.one_of(
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(min_value=-1e12, max_value=1e12, allow_nan=False).filter(lambda f: f == f),
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(NUMBERS)
def test_numbers_roundtrip_through_their_canonical_text(
    fielded: Path, monkeypatch: pytest.MonkeyPatch, number: float
) -> None:
    from incidentctl.models.config import FieldSpec
    from incidentctl.org.fields import canonical, typed
    from incidentctl.workspace import Workspace

    ws = Workspace.open(str(fielded))
    text = canonical(ws, "customers", repr(number))
    assert text is not None
    assert typed(FieldSpec(name="customers", type="number"), text) == number


def test_completion_offers_types_and_fields(fielded: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from incidentctl.cli import complete

    monkeypatch.chdir(fielded)
    assert complete.types("") == ["default", "security", "game-day"]
    assert complete.fields("reg") == ["region=eu", "region=us", "region=apac"]
    assert "ticket=" in complete.fields("")
