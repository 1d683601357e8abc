"""Spreading a bulk read over processes never changes an answer, even when a worker fails."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import Cli
from incidentctl.store import parallel


def double(share: list[int]) -> list[int]:
    return [2 * n for n in share]


@settings(max_examples=30, deadline=None)
@given(items=st.lists(st.integers(), max_size=40), jobs=st.integers(1, 5))
def test_shares_come_back_in_order(items: list[int], jobs: int) -> None:
    with pytest.MonkeyPatch.context() as m:
        m.setenv("INCIDENTCTL_JOBS", str(jobs))
        parts = parallel.map_shares(double, items)
    assert [n for part in parts for n in part] == double(items)
    assert 1 <= len(parts) <= max(1, min(jobs, len(items)))


def test_a_failing_worker_has_its_share_redone(monkeypatch: pytest.MonkeyPatch) -> None:
    class Broken:
        HIGHEST_PROTOCOL = pickle.HIGHEST_PROTOCOL

        @staticmethod
        def dumps(value: object, protocol: int) -> bytes:
            raise RuntimeError("cannot send")

        loads = staticmethod(pickle.loads)

    monkeypatch.setenv("INCIDENTCTL_JOBS", "3")
    monkeypatch.setattr(parallel, "pickle", Broken)
    assert [n for part in parallel.map_shares(double, list(range(9))) for n in part] == double(
        list(range(9))
    )


@pytest.fixture
def many(cli: Cli, repo: Path) -> list[str]:
    """Twelve incidents, one of them broken on disk and one never resolved."""
    ids = []
    for n in range(12):
        i = cli.ok(
            "declare",
            f"Incident {n}",
            "-s",
            f"sev{n % 4 + 1}",
            "--service",
            f"svc{n % 3}",
            "--started-at",
            f"2026-11-{n + 10}T09:50:00Z",
            now=f"2026-11-{n + 10}T10:00:00Z",
        ).out.strip()
        if n != 5:
            cli.ok("resolve", i, "--root-cause-class", "capacity", now=f"2026-11-{n + 10}T11:00Z")
        ids.append(i)
    broken = repo / "incidents" / ids[7] / "incident.md"
    broken.write_text(broken.read_text().replace("---\n", "---\nbogus: [unclosed\n", 1))
    return ids


@pytest.mark.parametrize("command", [("report", "-f", "json", "--explain"), ("lint", "-f", "json")])
def test_same_answer_in_one_process_or_several(
    cli: Cli, many: list[str], monkeypatch: pytest.MonkeyPatch, command: tuple[str, ...]
) -> None:
    monkeypatch.setenv("INCIDENTCTL_NO_CACHE", "1")
    args = (*command, "--since", "2026-11-01") if command[0] == "report" else command
    seen = []
    for jobs in ("1", "3"):
        monkeypatch.setenv("INCIDENTCTL_JOBS", jobs)
        result = cli(*args, now="2026-12-01T00:00:00Z")
        assert result.code in (1, 5), result.err
        data = result.json()
        data.pop("generated_at", None)
        seen.append((result.code, data, result.err))
    assert seen[0] == seen[1]
    assert many[7] in seen[0][2] or many[7] in str(seen[0][1])


def where(share: list[int]) -> list[int]:
    return [os.getpid()] * len(share)


def test_shares_run_in_separate_processes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INCIDENTCTL_JOBS", "2")
    parts = parallel.map_shares(where, list(range(10)))
    assert parts[0][0] == os.getpid() and parts[1][0] != os.getpid()
    monkeypatch.setenv("INCIDENTCTL_JOBS", "1")
    assert {p for part in parallel.map_shares(where, list(range(10))) for p in part} == {
        os.getpid()
    }
