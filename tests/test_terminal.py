"""Text from records is shown with its control characters made visible on every output:
no ANSI/OSC sequence, C0/C1 control or bidi override from a record reaches a terminal."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import Cli, git
from incidentctl.core.text import json_safe, one_line, visible

HOSTILE = [
    "\x1b[2Jcleared",
    "\x1b]52;c;ZWNobyBoaQ==\x07clip",
    "\x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\",
    "bell\x07 back\x08space",
    "c1 \x9b31m csi",
    "rtl \u202egnp.exe",
    "isolate \u2066x\u2069 zw\u200bsp",
]
RAW = ["\x1b", "\x07", "\x08", "\x9b", "\u202e", "\u2066", "\u200b"]


def _clean(text: str) -> bool:
    return not any(ch in text for ch in RAW)


@pytest.mark.parametrize("title", HOSTILE)
def test_no_raw_control_character_reaches_any_output(cli: Cli, repo: Path, title: str) -> None:
    declared = cli.ok("declare", f"T {title}", "-s", "sev3", "--commander", "ann")
    incident = declared.out.strip()
    assert _clean(declared.err)
    cli.ok("update", incident, f"msg {title}")
    outputs = [
        cli.ok("show", incident),
        cli.ok("list"),
        cli.ok("board"),
        cli.ok("list", "--json"),
        cli.ok("show", incident, "--json"),
        cli.ok("comms", "draft", incident, "--surface", "internal"),
        cli.ok("report", "--format", "markdown"),
    ]
    for result in outputs:
        assert _clean(result.out) and _clean(result.err), result
    # JSON keeps the exact value (escaped), text shows it visibly.
    assert cli.ok("show", incident, "--json").json()["title"] == f"T {title}".strip()
    assert visible(title) in cli.ok("show", incident).out
    assert _clean(git(repo, "log", "--format=%B"))


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_visible_is_safe_and_json_safe_keeps_the_value(text: str) -> None:
    shown = one_line(text)
    assert all(c.isprintable() or c == "\t" or unicodedata.category(c) == "Zs" for c in shown)
    dumped = json.dumps({"t": text}, ensure_ascii=False)
    safe = json_safe(dumped)
    assert json.loads(safe) == {"t": text}
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F or c == "\u202e" for c in safe)


def test_status_feed_stays_valid_xml_with_control_characters(cli: Cli, repo: Path) -> None:
    from xml.etree import ElementTree

    incident = cli.ok("declare", "Feed \x1b[31m\x01", "-s", "sev2").out.strip()
    cli.ok(
        "comms", "post", incident, "We are \x0b\x1f looking \ufffe into it", "--surface", "customer"
    )
    out = repo.parent / "site"
    cli.ok("statuspage", "build", "-o", str(out))
    feed = ElementTree.fromstring((out / "feed.atom").read_bytes())
    assert "looking" in ElementTree.tostring(feed, encoding="unicode")
