"""Random incidents recorded through the CLI in two clones, merged, against the reference.

Each example declares one incident (live or retrospective, declared at any time), runs a
random sequence of lifecycle commands with random valid times (backfilled, reopened,
corrected, declined, changed) in random clones, merges the clones, and compares
``show --json`` and ``report --format json`` with ``reference_fold`` (written from the docs,
importing nothing of incidentctl).
"""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import reference_fold as ref
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import Cli, git
from incidentctl.cli import main

T = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
RECORDED = T + timedelta(hours=20)
ORDER = ["sev1", "sev2", "sev3", "sev4", "sev5"]
PEOPLE = ["ann", "bob", "cy"]


def iso(minutes: int) -> str:
    return (T + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _op(data: st.DataObject) -> tuple[str, list[str], int]:
    kind = data.draw(
        st.sampled_from(
            [
                *("ack", "update", "severity", "assign", "mitigate"),
                *("resolve", "reopen", "decline", "correct", "set"),
            ]
        )
    )
    minute = data.draw(st.integers(0, 300))
    at = ["--at", iso(minute)]
    if kind == "ack":
        return kind, ["ack", "{id}", *at], minute
    if kind == "update":
        status = data.draw(st.sampled_from(["investigating", "identified", "monitoring"]))
        return kind, ["update", "{id}", "note", "--status", status, *at], minute
    if kind == "severity":
        level = data.draw(st.sampled_from(ORDER[:4]))
        return kind, ["severity", "{id}", level, "--reason", "why", *at], minute
    if kind == "assign":
        role = data.draw(st.sampled_from(["commander", "operations"]))
        who = data.draw(st.sampled_from(PEOPLE))
        return kind, ["assign", "{id}", role, who, *at], minute
    if kind == "mitigate":
        return kind, ["mitigate", "{id}", *at], minute
    if kind == "resolve":
        extra = data.draw(st.sampled_from([[], ["--root-cause-class", "config-change"]]))
        return kind, ["resolve", "{id}", *at, *extra], minute
    if kind == "reopen":
        return kind, ["reopen", "{id}", "--reason", "back", *at], minute
    if kind == "decline":
        return kind, ["decline", "{id}", "--reason", "false alarm", *at], minute
    if kind == "correct":
        fact = data.draw(st.sampled_from(["--started-at", "--detected-at", "--root-cause-class"]))
        value = "capacity" if fact == "--root-cause-class" else iso(data.draw(st.integers(0, 40)))
        return kind, ["correct", "{id}", fact, value, "--reason", "review"], -1
    title = data.draw(st.sampled_from(["Title A", "Title B", "Title C"]))
    return kind, ["set", "{id}", "--title", title], -1


def _clones(root: Path, capsys: Any, monkeypatch: Any) -> tuple[Cli, Cli]:
    origin = root / "origin.git"
    subprocess.run(["git", "init", "--quiet", "--bare", "-b", "main", str(origin)], check=True)
    a_dir = root / "a"
    assert main(["init", str(a_dir)]) == 0
    git(a_dir, "remote", "add", "origin", str(origin))
    git(a_dir, "push", "--quiet", "-u", "origin", "main")
    b_dir = root / "b"
    subprocess.run(["git", "clone", "--quiet", str(origin), str(b_dir)], check=True)
    return Cli(a_dir, capsys, monkeypatch), Cli(b_dir, capsys, monkeypatch)


def _exchange(a: Cli, b: Cli) -> None:
    git(a.cwd, "push", "--quiet")
    git(b.cwd, "pull", "--quiet", "--no-rebase", "--no-edit")
    git(b.cwd, "push", "--quiet")
    git(a.cwd, "pull", "--quiet", "--no-edit")


def _times(state: dict[str, Any], names: tuple[str, ...]) -> dict[str, str | None]:
    return {n: state[n].strftime("%Y-%m-%dT%H:%M:%SZ") if state[n] else None for n in names}


def _stamp(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


@settings(
    max_examples=14,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_random_incidents_match_the_reference_model(
    data: st.DataObject,
    tmp_path_factory: pytest.TempPathFactory,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    a, b = _clones(tmp_path_factory.mktemp("model"), capsys, monkeypatch)
    two_clones = data.draw(st.booleans(), label="two clones")
    declared_minute = data.draw(st.sampled_from([None, 5, 20, 60]), label="declared at")
    detected = data.draw(st.integers(0, declared_minute if declared_minute is not None else 60))
    started = data.draw(st.integers(0, detected))
    args = ["declare", "Random incident", "-s", data.draw(st.sampled_from(ORDER[1:4]))]
    args += ["--started-at", iso(started), "--detected-at", iso(detected), "--commander", "ann"]
    if declared_minute is not None:
        args += ["--at", iso(declared_minute)]
    if data.draw(st.booleans(), label="retrospective"):
        args.append("--retrospective")
    incident = a.ok(*args, now=_stamp(RECORDED)).out.strip()
    declared_at = declared_minute if declared_minute is not None else 20 * 60
    _exchange(a, b)

    ops = data.draw(st.lists(st.builds(lambda: None), min_size=1, max_size=9), label="n")
    for i, _ in enumerate(ops):
        _, argv, minute = _op(data)
        clone = b if two_clones and data.draw(st.booleans(), label=f"clone {i}") else a
        argv = [x.replace("{id}", incident) for x in argv]
        if 0 <= minute < declared_at:
            argv.append("--backfill")
        now = _stamp(RECORDED + timedelta(minutes=i + 1))
        result = clone(*argv, now=now)
        assert result.code in (0, 2, 4), f"{argv}: {result.code} {result.err}"
        assert result.code == 0 or result.err.count("\n") <= 2, result.err
    _exchange(a, b)
    now = _stamp(RECORDED + timedelta(hours=1))

    shown = a.ok("show", incident, "--json", now=now).json()
    assert shown == b.ok("show", incident, "--json", now=now).json()
    record, events = ref.read(a.cwd / "incidents" / incident)
    want = ref.fold(record, events)
    names = ("started_at", "detected_at", "declared_at", "acknowledged_at", "mitigated_at")
    names += ("resolved_at", "declined_at")
    assert {n: shown[n] for n in names} == _times(want, names)
    for key in ("status", "severity", "roles", "reopen_count", "retrospective", "title"):
        assert shown[key] == want[key], key
    assert shown["root_cause_class"] == want["root_cause_class"]
    assert [(c["at"], c["from"], c["to"]) for c in shown["severity_history"]] == [
        (_stamp(at), frm, to) for at, frm, to in want["severity_history"]
    ]
    assert [(r["at"], r["role"], r["person"], r["previous"]) for r in shown["role_history"]] == [
        (_stamp(at), role, who, prev) for at, role, who, prev in want["role_history"]
    ]
    assert [e["id"] for e in shown["timeline"]] == want["timeline"]

    phases = ref.durations(want)
    for basis in ("final", "initial", "max"):
        out = a.ok(
            "report",
            "--since",
            "2026-11-01",
            "--until",
            "2026-12-01",
            "--format",
            "json",
            "--severity-basis",
            basis,
            now=now,
        ).json()
        if want["status"] == "declined":
            assert out["incidents"]["total"] == 0
            assert out["incidents"]["excluded"] == {"declined": 1}
            assert out["by_severity"] == {}
            continue
        assert out["incidents"]["total"] == 1
        assert list(out["by_severity"]) == [ref.basis(want, basis, ORDER)]
        for name, value in phases.items():
            if isinstance(value, str):
                assert out["durations"][name]["n"] == 0
                assert out["exclusions"][name] == {value: 1}
            else:
                assert out["durations"][name]["mean_s"] == ref.mean([value])
        ups, downs = ref.steps(want, ORDER)
        esc = out["escalations"]
        assert (esc["upgrades"], esc["downgrades"]) == (ups, downs)
        assert esc["incidents_escalated"] == int(ups + downs > 0)
        spent = ref.time_at_severity(want)
        if isinstance(spent, str):
            assert esc["time_at_severity"] == {}
            assert esc["time_at_severity_excluded"] == {spent: 1}
        else:
            got = {k: v["total_s"] for k, v in esc["time_at_severity"].items()}
            assert got == spent

    if not two_clones:
        lint = json.loads(a("lint", "--format", "json", now=now).out)
        rules = {f["rule"] for f in lint["findings"]}
        assert "chronology/concurrent-transition" not in rules
