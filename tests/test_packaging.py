"""The installed command, lazy imports on the hot path, and the docs that describe the CLI."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import incidentctl_command, run_installed

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


def test_installed_command_runs_lifecycle_as_subprocess(tmp_path: Path) -> None:
    repo = tmp_path / "rec"
    assert run_installed(tmp_path, "init", str(repo)).code == 0
    declared = run_installed(
        repo,
        "declare",
        "Login failing",
        "--severity",
        "sev1",
        "--service",
        "auth",
        "--started-at",
        "-1h",
    )
    assert declared.code == 0, declared.err
    incident = declared.out.strip()
    assert run_installed(repo, "update", incident, "Looking at auth logs").code == 0
    bad = run_installed(repo, "resolve", "zzzzzz")
    assert bad.code == 3 and bad.out == "" and bad.err.startswith("error: ")
    assert "Traceback" not in bad.err
    shown = json.loads(run_installed(repo, "show", incident, "--json").out)
    assert shown["started_at"] == "2026-11-30T09:00:00Z"
    assert run_installed(repo, "--version").out.startswith("incidentctl ")


def test_python_dash_m_entry(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "incidentctl", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0 and proc.stdout.startswith("incidentctl ")


HEAVY = (
    "ruamel",
    "rich.table",
    "rich.console",
    "jsonschema",
    "incidentctl.models.schemas",
    "incidentctl.store.roundtrip",
    "incidentctl.cli.render",
)


def test_lifecycle_command_imports_nothing_heavy(tmp_path: Path) -> None:
    repo = tmp_path / "rec"
    assert run_installed(tmp_path, "init", str(repo)).code == 0
    incident = run_installed(repo, "declare", "x", "-s", "sev3").out.strip()
    probe = (
        "import sys\n"
        "from incidentctl.cli import main\n"
        f"code = main(['update', '{incident}', 'probe'])\n"
        "print(code, ' '.join(sorted(sys.modules)))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", probe], cwd=repo, capture_output=True, text=True, check=True
    )
    code, modules = proc.stdout.split(" ", 1)
    assert code == "0", proc.stderr
    loaded = set(modules.split())
    assert not [m for m in HEAVY if m in loaded]


def _commands() -> list[str]:
    import typer

    from incidentctl.cli.app import app

    group = typer.main.get_command(app)
    names: list[str] = []
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        subs = getattr(command, "commands", None)
        if subs:
            names += [f"{name} {sub}" for sub in subs]
        else:
            names.append(name)
    return sorted(names)


def test_every_command_is_documented() -> None:
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^## `incidentctl ([a-z -]+?)`", text, flags=re.M))
    missing = [c for c in _commands() if c not in documented]
    assert not missing, f"docs/cli.md lacks: {missing}"


def test_every_environment_variable_is_documented() -> None:
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `(INCIDENTCTL_[A-Z_]+)", text, flags=re.M))
    used = {
        name
        for source in (ROOT / "incidentctl").rglob("*.py")
        for name in re.findall(r"INCIDENTCTL_[A-Z_]+", source.read_text(encoding="utf-8"))
    }
    assert used and used <= documented, f"docs/cli.md lacks: {sorted(used - documented)}"


def test_exit_codes_documented_match_code() -> None:
    from incidentctl.core.errors import ExitCode

    text = (DOCS / "exit-codes.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| (\d+) \| `([A-Z_]+)` \|", text, flags=re.M))
    assert rows == {str(int(c)): c.name for c in ExitCode}


def test_readme_quick_start_has_two_commands() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```(?:sh|bash|console)?\n(.*?)```", section, flags=re.S)
    commands = [line for block in blocks for line in block.splitlines() if line.strip()]
    assert len(commands) == 2
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[1].strip() in ci
    assert incidentctl_command()


def test_every_lint_rule_is_documented() -> None:
    from incidentctl.lint.rules import RULES

    text = (DOCS / "lint.md").read_text(encoding="utf-8")
    missing = [rule for rule in RULES if f"`{rule}`" not in text]
    assert not missing, f"docs/lint.md lacks: {missing}"
    missing = [
        rule
        for rule in RULES
        if rule.startswith("blameless/")
        and f"`{rule}`" not in (DOCS / "postmortems.md").read_text(encoding="utf-8")
    ]
    assert not missing, f"docs/lint.md lacks: {missing}"


def test_reliability_doc_names_real_tests() -> None:
    text = (DOCS / "reliability.md").read_text(encoding="utf-8")
    named = {n for n in re.findall(r"\b(test_[a-z0-9_]+)(\.py)?", text) if not n[1]}
    named = {n for n, _ in named}
    sources = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "tests").glob("test_*.py"))
    defined = set(re.findall(r"^def (test_[a-z0-9_]+)", sources, flags=re.M))
    assert named and not named - defined, named - defined


def test_examples_pass_lint_and_report(capsys: pytest.CaptureFixture[str]) -> None:
    from incidentctl.cli import main

    acme = str(ROOT / "examples" / "acme")
    assert main(["--repo", acme, "lint"]) == 0
    capsys.readouterr()
    assert (
        main(
            [
                "--repo",
                acme,
                "report",
                "--quarter",
                "2026Q3",
                "--compare",
                "previous",
                "--format",
                "json",
            ]
        )
        == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert data["incidents"]["total"] >= 8 and data["trend"]["previous"]["label"] == "2026Q2"
    assert main(["--repo", acme, "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert len(listed) >= 30
    assert {x["severity"] for x in listed} >= {"sev1", "sev2", "sev3", "sev4"}
    assert any(x["reopen_count"] for x in listed) and any(x["drill"] for x in listed)


def test_ci_integration_files(tmp_path: Path) -> None:
    import yaml

    from incidentctl.cli import main

    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hooks[0]["id"] == "incidentctl-lint" and hooks[0]["entry"] == "incidentctl lint"
    assert main(["init", str(tmp_path / "rec"), "--ci", "github"]) == 0
    workflow = yaml.safe_load(
        (tmp_path / "rec" / ".github" / "workflows" / "incidentctl.yml").read_text(encoding="utf-8")
    )
    steps = workflow["jobs"]["lint"]["steps"]
    commands = " ".join(str(step.get("run", "")) for step in steps)
    assert "incidentctl lint --format github" in commands
    assert "--format sarif" in commands
    assert any("upload-sarif" in str(step.get("uses", "")) for step in steps)
    assert main(["init", str(tmp_path / "other"), "--ci", "jenkins"]) == 2
    assert not (tmp_path / "other").exists()
