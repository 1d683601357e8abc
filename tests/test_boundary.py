"""One error boundary: only incidentctl/cli/__init__.py prints ``error:`` or picks an exit
code; commands raise the library's exceptions."""

from __future__ import annotations

import re
from pathlib import Path

import incidentctl.cli
from conftest import Cli, commit_count, git, is_clean

CLI = Path(incidentctl.cli.__file__).parent
BOUNDARY = CLI / "__init__.py"
# an exit, an error line, a warning printed by hand (show's rendered "warning:" lines are
# data on stdout), or options read behind the parser's back
PATTERN = r"typer\.Exit\(|sys\.exit\(|[\"']error:|(note|echo|write)\(f?[\"']warning:|sys\.argv"


def test_only_the_boundary_exits_or_prints_errors() -> None:
    offenders = []
    for path in sorted(CLI.rglob("*.py")):
        if path == BOUNDARY:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(PATTERN, line):
                offenders.append(f"{path.relative_to(CLI.parent)}:{number}: {line.strip()}")
    assert offenders == []


def test_the_grep_finds_what_it_looks_for(tmp_path: Path) -> None:
    """The pattern above is not vacuous: the boundary itself matches it."""
    text = BOUNDARY.read_text(encoding="utf-8")
    assert re.search(r"typer\.Exit\(", text) and re.search(r"[\"']error:", text)


def test_no_commit_with_push_is_refused_before_anything_is_written(cli: Cli, repo: Path) -> None:
    incident = cli.ok("declare", "Checkout down", "-s", "sev2").out.strip()
    commits = commit_count(repo)
    for args in (("--no-commit", "--push"), ("--push", "--no-commit")):
        result = cli("update", incident, "looking", *args)
        assert result.code == 2
        lines = result.err.splitlines()
        assert lines[0].startswith("error: --push needs a commit, and --no-commit makes none")
        assert "committed locally" not in result.err
        assert len([line for line in lines if line.startswith("error:")]) == 1
    assert commit_count(repo) == commits and is_clean(repo)


def test_push_failure_names_gits_reason_not_its_advice(cli: Cli, repo: Path) -> None:
    incident = cli.ok("declare", "Checkout down", "-s", "sev2").out.strip()
    result = cli("update", incident, "looking", "--push")
    assert result.code == 7
    error = next(line for line in result.err.splitlines() if line.startswith("error:"))
    assert error.startswith("error: saved and committed locally, but not pushed: ")
    assert "<name>" not in error and error.rstrip().endswith(".")
    assert git(repo, "log", "-1", "--format=%s").strip() == f"incident({incident}): update"


def test_failed_check_exits_1_and_its_findings_are_the_message(cli: Cli, repo: Path) -> None:
    """CheckFailed is raised (exit 1) and adds no error line: the findings are printed."""
    cli.ok("declare", "Checkout down", "-s", "sev2")  # no commander yet: a warning
    assert cli("lint").code == 0
    result = cli("lint", "--strict")
    assert result.code == 1 and result.err == ""
    assert "lint failed: 0 error(s), 1 warning(s)" in result.out


def test_debug_comes_from_the_global_option(cli: Cli) -> None:
    """--debug read from the parsed options: a value that merely looks like it is not it."""
    result = cli("show", "--debug")
    assert result.code == 2 and "Traceback" not in result.err
    result = cli("list", "--since", "not a time")
    assert result.code == 2 and result.err.startswith("error: ")
