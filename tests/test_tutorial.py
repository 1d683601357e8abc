"""docs/tutorial.md: every command in it runs, and its shown output is the real output.

Regenerate the outputs after an intended change with:
    INCIDENTCTL_UPDATE_DOCS=1 python -m pytest tests/test_tutorial.py
"""

from __future__ import annotations

import os
import re
import shlex
from pathlib import Path

import pytest

from conftest import Cli
from incidentctl.cli import main

DOC = Path(__file__).resolve().parent.parent / "docs" / "tutorial.md"
BLOCK = re.compile(r"<!-- now: (\S+) -->\n```console\n\$ (.+?)\n(.*?)```", re.S)


def test_tutorial_outputs_are_current(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = iter(["k7f3m2", "p2x9ab", "q4r5st"])
    monkeypatch.setattr("incidentctl.respond.lifecycle.new_incident_id", lambda: next(ids))
    actions = iter(["a4k9x2m", "a7hw3qd"])
    monkeypatch.setattr("incidentctl.learn.actions.new_action_id", lambda: next(actions))
    monkeypatch.setenv("COLUMNS", "120")
    text = DOC.read_text(encoding="utf-8")
    cli = Cli(tmp_path, capsys, monkeypatch)
    rebuilt = []
    last = 0
    for match in BLOCK.finditer(text):
        now, command, shown = match.group(1), match.group(2), match.group(3)
        args = shlex.split(command)
        assert args[0] == "incidentctl", command
        result = cli(*args[1:], now=now)
        assert result.code == 0, (command, result.err)
        output = (result.out + result.err).replace(str(tmp_path), "/home/you")
        if args[1:2] == ["init"]:
            cli.cwd = tmp_path / args[2]
        rebuilt.append(text[last : match.start(3)] + output)
        last = match.end(3)
        if not os.environ.get("INCIDENTCTL_UPDATE_DOCS"):
            assert shown == output, f"docs/tutorial.md is out of date at: {command}"
    rebuilt.append(text[last:])
    assert len(rebuilt) > 12
    if os.environ.get("INCIDENTCTL_UPDATE_DOCS"):
        DOC.write_text("".join(rebuilt), encoding="utf-8")
    assert main  # the in-process entry point is what runs every command above
