"""ruff and mypy --strict stay clean, as part of the test command."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _tool(name: str) -> list[str]:
    if shutil.which(name) is None and not (Path(sys.executable).parent / name).exists():
        pytest.fail(f"{name} is not installed: pip install -e '.[test]'")
    return [sys.executable, "-m", name]


def test_ruff_clean() -> None:
    proc = subprocess.run(
        [*_tool("ruff"), "check", "incidentctl", "tests", "examples"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_ruff_format_clean() -> None:
    proc = subprocess.run(
        [*_tool("ruff"), "format", "--check", "incidentctl", "tests"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_layers_hold() -> None:
    """The import-linter contracts in pyproject.toml: layers by phase, Typer only in cli/."""
    lint_imports = Path(sys.executable).parent / "lint-imports"
    if not lint_imports.exists():
        pytest.fail("import-linter is not installed: pip install -e '.[test]'")
    proc = subprocess.run([str(lint_imports)], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "0 broken" in proc.stdout


def test_the_drawing_in_architecture_md_is_the_contract() -> None:
    import tomllib

    contract = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    layers = contract["contracts"][0]["layers"]
    drawing = (ROOT / "docs" / "architecture.md").read_text()
    for layer in layers:
        line = " | ".join(part.strip() for part in layer.split("|"))
        assert line in drawing, f"docs/architecture.md does not draw the layer {line!r}"


def test_mypy_strict_clean() -> None:
    proc = subprocess.run([*_tool("mypy"), "incidentctl"], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
