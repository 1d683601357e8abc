"""The service catalog: Backstage descriptors and catalog.yaml, teams, systems, lint."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st
from org_fixtures import use_locations, write_backstage

from conftest import Cli, commit_count, git, tree_snapshot
from incidentctl.core.errors import UsageError

SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"


@pytest.fixture
def catalogued(repo: Path) -> Path:
    write_backstage(repo / "catalog")
    use_locations(repo, "catalog")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "catalog")
    return repo


def test_catalog_show_and_check_read_backstage(cli: Cli, catalogued: Path) -> None:
    data = cli.ok("catalog", "show", "--json").json()
    jsonschema.validate(data, json.loads((SCHEMAS / "catalog.schema.json").read_text()))
    services = {s["name"]: s for s in data["services"]}
    assert set(services) == {"checkout-api", "payments-db", "search"}
    assert services["checkout-api"]["owner"] == "payments"
    assert services["checkout-api"]["system"] == "checkout"
    assert services["checkout-api"]["depends_on"] == ["payments-db", "orders-queue"]
    assert services["search"]["owner"] == "discovery"
    assert services["search"]["source"] == "catalog/search/catalog-info.yaml:4"
    teams = {t["name"]: t for t in data["teams"]}
    assert teams["payments"]["title"] == "Payments Team"
    assert teams["payments"]["services"] == ["checkout-api", "payments-db"]
    assert teams["discovery"]["members"] == ["bob"]
    assert data["systems"][0]["services"] == ["checkout-api", "payments-db"]
    assert data["skipped"] == {"API": 1}
    assert data["problems"] == []
    check = cli("catalog", "check")
    assert check.code == 0
    assert "catalog ok: 3 services, 2 teams, 1 systems, 2 people in 3 files" in check.err
    text = cli.ok("catalog", "show").out
    assert "checkout-api" in text and "Payments Team" in text


def test_misspelt_service_gets_a_suggestion_and_nothing_is_written(
    cli: Cli, catalogued: Path
) -> None:
    before = tree_snapshot(catalogued), commit_count(catalogued)
    bad = cli("declare", "Checkout down", "-s", "sev2", "--service", "chekout-api")
    assert bad.code == 2
    assert bad.err.splitlines()[0] == (
        "error: unknown service 'chekout-api': the service catalog does not list it; "
        "did you mean 'checkout-api'?"
    )
    assert (tree_snapshot(catalogued), commit_count(catalogued)) == before
    incident = cli.ok("declare", "Checkout down", "-s", "sev2", "--service", "checkout-api")
    incident_id = incident.out.strip()
    bad_set = cli("set", incident_id, "--service", "serch")
    assert bad_set.code == 2 and "did you mean 'search'?" in bad_set.err
    shown = cli.ok("show", incident_id, "--json").json()
    assert (shown["team"], shown["teams"], shown["system"]) == (
        "payments",
        ["payments"],
        "checkout",
    )
    text = cli.ok("show", incident_id).out
    assert "team       payments" in text and "system     checkout" in text


def test_report_by_team_and_system_sums_to_totals(cli: Cli, catalogued: Path) -> None:
    at = "2026-11-10T10:00:00Z"
    cli.ok("declare", "a", "-s", "sev2", "--service", "checkout-api", "--at", at)
    cli.ok("declare", "b", "-s", "sev3", "--service", "payments-db", "--at", at)
    cli.ok("declare", "c", "-s", "sev3", "--service", "search", "--at", at)
    cli.ok("declare", "d", "-s", "sev3", "--service", "search", "--service", "checkout-api")
    cli.ok("declare", "e", "-s", "sev4", "--at", at)
    data = cli.ok(
        "report",
        "--quarter",
        "2026Q4",
        "--group-by",
        "team",
        "--group-by",
        "system",
        "-f",
        "json",
        now="2027-01-05T00:00:00Z",
    ).json()
    jsonschema.validate(data, json.loads((SCHEMAS / "report.schema.json").read_text()))
    counts = {
        k: {v: g["count"] for v, g in groups.items()} for k, groups in data["breakdowns"].items()
    }
    assert counts == {
        "team": {"(none)": 1, "(several)": 1, "discovery": 1, "payments": 2},
        "system": {"(none)": 2, "checkout": 3},
    }
    for groups in counts.values():
        assert sum(groups.values()) == data["incidents"]["total"] == 5
    table = cli.ok(
        "report", "--quarter", "2026Q4", "--group-by", "team", now="2027-01-05T00:00:00Z"
    )
    assert "By team" in table.out
    bad = cli("report", "--group-by", "colour")
    assert bad.code == 2 and "--group-by 'colour'" in bad.err


def test_board_team_filter(cli: Cli, catalogued: Path) -> None:
    pay = cli.ok("declare", "pay", "-s", "sev2", "--service", "checkout-api").out.strip()
    cli.ok("declare", "find", "-s", "sev2", "--service", "search")
    rows = cli.ok("board", "--team", "payments", "--json").json()
    assert [r["id"] for r in rows] == [pay]
    bad = cli("board", "--team", "paymnts")
    assert bad.code == 2 and "did you mean 'payments'?" in bad.err


def test_history_survives_catalog_changes(cli: Cli, repo: Path) -> None:
    old = cli.ok("declare", "legacy", "-s", "sev3", "--service", "billing").out.strip()
    write_backstage(repo / "catalog")
    use_locations(repo, "catalog")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "catalog")
    assert cli.ok("show", old, "--json").json()["unknown_services"] == ["billing"]
    lint = cli("lint", "--format", "json")
    findings = [f for f in lint.json()["findings"] if f["rule"].startswith("catalog/")]
    assert [(f["rule"], f["severity"], f["path"]) for f in findings] == [
        ("catalog/unknown-service", "warning", f"incidents/{old}/incident.md")
    ]
    (repo / "catalog" / "billing.yaml").write_text(
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: billing\n"
        "spec:\n  owner: payments\n  lifecycle: production\n  type: service\n",
        encoding="utf-8",
    )
    shown = cli.ok("show", old, "--json").json()
    assert (shown["team"], shown["unknown_services"]) == ("payments", [])
    lint = cli("lint", "--format", "json")
    assert not [f for f in lint.json()["findings"] if f["rule"].startswith("catalog/")]


def test_native_catalog_yaml(cli: Cli, repo: Path) -> None:
    (repo / "catalog.yaml").write_text(
        "teams:\n  - name: core\n    title: Core Platform\n    members: [dana]\n"
        "systems:\n  - name: platform\n    owner: core\n"
        "services:\n  - name: api\n    system: platform\n    lifecycle: production\n"
        "  - name: queue\n    owner: core\n    depends_on: [api]\n",
        encoding="utf-8",
    )
    data = cli.ok("catalog", "show", "--json").json()
    owners = {s["name"]: (s["owner"], s["system"]) for s in data["services"]}
    assert owners == {"api": ("core", "platform"), "queue": ("core", None)}
    incident = cli.ok("declare", "x", "-s", "sev3", "--service", "api").out.strip()
    assert cli.ok("show", incident, "--json").json()["team"] == "core"
    (repo / "catalog.yaml").write_text(
        "services:\n  - name: api\n    owners: core\n", encoding="utf-8"
    )
    bad = cli("declare", "x", "-s", "sev3", "--service", "api")
    assert bad.code == 5
    assert bad.err.splitlines()[0].startswith(
        "error: catalog.yaml:3: services.0.owners: unknown key"
    )


@pytest.mark.parametrize(
    ("location", "message"),
    [
        ("/etc", "is an absolute path"),
        ("../outside", "is outside the git repository"),
        ("missing", "does not exist"),
    ],
)
def test_locations_must_stay_inside(
    cli: Cli, repo: Path, tmp_path: Path, location: str, message: str
) -> None:
    (tmp_path / "outside").mkdir()
    write_backstage(tmp_path / "outside")
    use_locations(repo, location)
    bad = cli("declare", "x", "-s", "sev3", "--service", "search")
    assert bad.code == 5 and message in bad.err.splitlines()[0]
    lint = cli("lint", "--format", "json")
    assert lint.code == 1
    rules = [f["rule"] for f in lint.json()["findings"]]
    assert "catalog/invalid" in rules


def test_records_in_a_monorepo_read_descriptors_beside_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from incidentctl.cli import main

    mono = tmp_path / "mono"
    git(tmp_path, "init", "-q", str(mono))
    write_backstage(mono / "services")
    assert main(["init", str(mono / "ops" / "records")]) == 0
    records = mono / "ops" / "records"
    use_locations(records, "../../services")
    run = Cli(records, capsys, monkeypatch)
    incident = run.ok("declare", "x", "-s", "sev3", "--service", "search").out.strip()
    assert run.ok("show", incident, "--json").json()["team"] == "discovery"


def test_catalog_problems_and_broken_files(cli: Cli, catalogued: Path) -> None:
    (catalogued / "catalog" / "extra.yaml").write_text(
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: search\n"
        "spec:\n  owner: nobody\n  system: nowhere\n",
        encoding="utf-8",
    )
    check = cli("catalog", "check")
    assert check.code == 1
    assert "component 'search' is also defined at catalog/" in check.err
    assert "system 'nowhere' is not in the catalog" in check.err
    (catalogued / "catalog" / "extra.yaml").write_text(
        "apiVersion: v1\nkind: Component\nmetadata:\n  name: &a x\nspec: *a\n", encoding="utf-8"
    )
    bad = cli("catalog", "show")
    assert bad.code == 5
    assert bad.err.splitlines()[0].startswith("error: catalog/extra.yaml:4: aliases")
    assert "Traceback" not in bad.err
    assert cli("lint").code == 1  # one finding, never an abort


def test_no_catalog(cli: Cli) -> None:
    assert cli("catalog", "show").code == 3
    assert cli("board", "--team", "x").code == 2
    cli.ok("declare", "x", "-s", "sev3", "--service", "anything")


def test_a_cached_report_follows_catalog_changes(cli: Cli, catalogued: Path) -> None:
    at = "2026-11-10T10:00:00Z"
    cli.ok("declare", "c", "-s", "sev3", "--service", "search", "--at", at)
    later = "2027-01-05T00:00:00Z"

    def teams() -> dict[str, int]:
        data = cli.ok(
            "report", "--quarter", "2026Q4", "--group-by", "team", "-f", "json", now=later
        ).json()
        return {k: g["count"] for k, g in data["breakdowns"]["team"].items()}

    assert teams() == {"discovery": 1}
    assert teams() == {"discovery": 1}  # answered from the cache
    search = catalogued / "catalog" / "search" / "catalog-info.yaml"
    search.write_text(search.read_text().replace("group:discovery", "group:payments"))
    assert teams() == {"payments": 1}
    git(catalogued, "commit", "-qam", "search moves to payments")
    assert teams() == {"payments": 1}


NAMES = st.from_regex(r"[a-z][a-z0-9-]{3,20}[a-z0-9]", fullmatch=True)


@given(
    NAMES,
    st.sampled_from(["", "group:", "component:", "Group:"]),
    st.sampled_from(["", "default/", "acme/"]),
)
def test_entity_refs_reduce_to_the_name(name: str, kind: str, namespace: str) -> None:
    from incidentctl.org.catalog import entity_ref

    assert entity_ref(f"{kind}{namespace}{name}") == name
    assert entity_ref(f"  {kind}{namespace}{name.upper()} ") == name


@given(st.lists(NAMES, min_size=1, max_size=8, unique=True), st.data())
def test_a_one_letter_typo_is_suggested(names: list[str], data: st.DataObject) -> None:
    from incidentctl.org.catalog import Catalog, Service, Where

    catalog = Catalog()
    for name in names:
        catalog.services[name] = Service(name, "t", None, None, (), None, Where("x", 1))
    target = data.draw(st.sampled_from(names))
    at = data.draw(st.integers(min_value=0, max_value=len(target) - 1))
    typo = target[:at] + target[at + 1 :]
    if typo in catalog.services:
        return
    with pytest.raises(UsageError) as caught:
        catalog.check_service(typo)
    assert "did you mean" in caught.value.message
    assert target in catalog.suggest(typo)
