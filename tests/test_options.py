"""Options defined once: report's breakdown is --group-by (--by a hidden old spelling),
and the global --repo combines with report's own."""

from __future__ import annotations

from pathlib import Path

from conftest import Cli


def test_group_by_and_its_deprecated_spelling(cli: Cli) -> None:
    cli.ok("declare", "Checkout down", "-s", "sev2", "--service", "web", now="2026-02-01T00:00:00Z")
    new = cli.ok("report", "-q", "2026Q1", "-f", "markdown", "--group-by", "service")
    old = cli.ok("report", "-q", "2026Q1", "-f", "markdown", "--by", "service")
    assert new.out == old.out and new.err == ""
    assert old.err.splitlines() == [
        "warning: report --by is deprecated and will be removed; use --group-by"
    ]
    default = cli.ok("report", "-q", "2026Q1", "-f", "markdown")
    assert default.out != new.out  # the breakdown shown first really changed
    both = cli("report", "--group-by", "service", "--by", "severity")
    assert both.code == 2 and both.err.startswith("error: give --group-by only")
    bad = cli("report", "--group-by", "nosuch")
    assert bad.code == 2 and bad.err.startswith("error:") and "nosuch" in bad.err
    assert "--by" not in cli.ok("report", "--help").out


def test_global_repo_combines_with_report_repo(cli: Cli, repo: Path, tmp_path: Path) -> None:
    from incidentctl.cli import main

    other = tmp_path / "team-b"
    assert main(["init", str(other)]) == 0
    cli.ok("declare", "Team A thing", "-s", "sev2", now="2026-02-01T00:00:00Z")
    cli.ok("-C", str(other), "declare", "Team B", "-s", "sev1", now="2026-02-02T00:00:00Z")
    args = ("report", "-f", "json", "-q", "2026Q1")
    both = cli.ok("-C", str(repo), *args, "--repo", str(other)).json()
    assert both["repos"] == ["records", "team-b"] and both["incidents"]["total"] == 2
    same = cli.ok("-C", str(repo), *args, "--repo", str(repo), "--repo", str(other)).json()
    assert same == both  # a repo named twice counts once
    only = cli.ok(*args, "--repo", str(other)).json()
    assert only["incidents"]["total"] == 1


def test_every_id_argument_completes_ids() -> None:
    import typer.main

    from incidentctl.cli import complete
    from incidentctl.cli.app import app

    group = typer.main.get_command(app)
    found = []

    def walk(command: object, path: str) -> None:
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, f"{path} {name}")
        for param in getattr(command, "params", []):
            if param.metavar == "ID" or (param.name == "incident" and param.metavar):
                found.append((path, param.name, param._custom_shell_complete is not None))

    walk(group, "incidentctl")
    assert len(found) > 20
    assert [f for f in found if not f[2]] == []
    assert complete.incident_ids("zzzz-no-such") == []
