"""Each event definition and the fold, without git or Typer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from incidentctl.core.errors import InvalidStateError, UsageError
from incidentctl.incident.admit import admit
from incidentctl.incident.definitions import DEFINITIONS
from incidentctl.incident.fold import History, fold, heads
from incidentctl.models import event as models
from incidentctl.models.event import EVENT_TYPES
from incidentctl.models.incident import IncidentRecord

T = datetime(2026, 12, 2, 14, 0, tzinfo=UTC)
RECORD = IncidentRecord(
    id="k7f3m2", title="Checkout 502s", created_at=T, created_by="alice", services=["checkout"]
)
_n = 0


def at(minutes: int) -> datetime:
    return T + timedelta(minutes=minutes)


def ev(kind: str, minute: int, **fields: Any) -> models.Event:
    """An event of ``kind`` at T+minute, with a fresh, time-ordered id."""
    global _n
    _n += 1
    data: dict[str, Any] = {
        "id": f"01m8n3q5czgzx3nq4tbm8m{_n:04d}",
        "incident": RECORD.id,
        "type": kind,
        "at": at(minute),
        "by": fields.pop("by", "alice"),
        "recorded_at": at(24 * 60),
    }
    data.update(fields)
    model = DEFINITIONS[kind].model
    return model(**data)  # type: ignore[return-value]


def declared(minute: int = 15, severity: str = "sev3", **fields: Any) -> models.Event:
    return ev("declared", minute, severity=severity, **fields)


def test_every_event_type_has_one_definition() -> None:
    assert set(DEFINITIONS) == set(EVENT_TYPES)
    for name, definition in DEFINITIONS.items():
        assert definition.model.model_fields["type"].annotation.__args__ == (name,)  # type: ignore[union-attr]


def test_the_declaration_is_the_origin_whatever_its_time() -> None:
    # Written up the next day: declared at T+1d, everything else backfilled before it.
    events = [
        declared(24 * 60, "sev3", started_at=at(0), detected_at=at(12), roles={"commander": "a"}),
        ev("acknowledged", 18, backfill=True),
        ev("severity", 40, severity="sev2", message="EU payments too", backfill=True),
        ev("role", 50, role="commander", person="carol", backfill=True),
        ev("resolved", 90, backfill=True),
    ]
    view = fold(RECORD, events)
    assert view.severity == "sev2" and view.status == "resolved"
    assert view.roles == {"commander": "carol"}
    steps = [(c.at, c.from_, c.to) for c in view.severity_history]
    assert steps == [(at(12), None, "sev3"), (at(40), "sev3", "sev2")]
    assert [(r.at, r.person, r.previous) for r in view.role_history] == [
        (at(12), "a", None),
        (at(50), "carol", "a"),
    ]
    assert [e.type for e in view.timeline][-1] == "declared"  # time order: declared last
    assert view.resolved_at == at(90) and view.declared_at == at(24 * 60)


def test_live_history_starts_at_the_declaration() -> None:
    view = fold(RECORD, [declared(15, detected_at=at(10)), ev("severity", 20, severity="sev1")])
    assert [c.at for c in view.severity_history] == [at(15), at(20)]


def test_reopen_then_resolve_and_root_cause_latest() -> None:
    events = [
        declared(0),
        ev("mitigated", 10),
        ev("resolved", 20, root_cause_class="capacity"),
        ev("reopened", 30, message="back"),
        ev("resolved", 50, root_cause_class="config-change"),
    ]
    view = fold(RECORD, events)
    assert view.status == "resolved" and view.resolved_at == at(50)
    assert view.mitigated_at is None and view.reopen_count == 1
    assert view.root_cause_class == "config-change"


def test_decline_and_reopen() -> None:
    view = fold(RECORD, [declared(0), ev("declined", 5, message="false alarm")])
    assert view.status == "declined" and view.declined_at == at(5)
    view = fold(
        RECORD,
        [declared(0), ev("declined", 5, message="x"), ev("reopened", 9, message="it was real")],
    )
    assert view.status == "investigating" and view.declined_at is None and view.reopen_count == 1
    # a status update does not move a declined incident
    view = fold(
        RECORD, [declared(0), ev("declined", 5, message="x"), ev("update", 6, status="identified")]
    )
    assert view.status == "declined"


def test_corrections_latest_wins() -> None:
    events = [
        declared(15, started_at=at(5), detected_at=at(10)),
        ev("resolved", 60, root_cause_class="capacity"),
        ev("corrected", 70, started_at=at(1), message="deploy log"),
        ev("corrected", 80, started_at=at(2), root_cause_class="config-change", message="again"),
    ]
    view = fold(RECORD, events)
    assert view.started_at == at(2) and view.detected_at == at(10)
    assert view.root_cause_class == "config-change"


def test_changed_fields_latest_wins() -> None:
    events = [
        declared(0),
        ev("changed", 5, title="From A", drill=False),
        ev("changed", 6, title="From B", services=["api", "web"]),
    ]
    view = fold(RECORD, events)
    assert view.title == "From B" and view.services == ["api", "web"] and view.drill is False
    assert fold(RECORD, [declared(0)]).title == "Checkout 502s"


def test_a_second_declaration_is_ignored_with_a_warning() -> None:
    view = fold(RECORD, [declared(0, "sev2"), declared(5, "sev1")])
    assert view.severity == "sev2" and any("second 'declared'" in w for w in view.warnings)


@pytest.mark.parametrize(
    ("history", "new", "error", "needle"),
    [
        # resolve at a time before the last reopen changes nothing
        (
            [("resolved", 20, {}), ("reopened", 30, {"message": "x"})],
            ("resolved", 25, {}),
            InvalidStateError,
            "already resolved",
        ),
        (
            [("resolved", 20, {}), ("reopened", 30, {"message": "x"})],
            ("resolved", 10, {}),
            InvalidStateError,
            "changes nothing",
        ),
        ([("resolved", 20, {})], ("mitigated", 30, {}), InvalidStateError, "already resolved"),
        ([("mitigated", 20, {})], ("resolved", 10, {}), UsageError, "before it was mitigated"),
        ([], ("acknowledged", 1, {}), UsageError, "before it was detected"),
        ([], ("reopened", 5, {"message": "x"}), InvalidStateError, "is not resolved"),
        ([], ("severity", 5, {"severity": "sev3"}), InvalidStateError, "already sev3"),
        ([("declined", 5, {"message": "x"})], ("resolved", 9, {}), InvalidStateError, "declined"),
        (
            [("declined", 5, {"message": "x"})],
            ("declined", 9, {"message": "x"}),
            InvalidStateError,
            "already declined",
        ),
        (
            [("resolved", 20, {})],
            ("update", 25, {"status": "identified", "message": "x"}),
            InvalidStateError,
            "reopen it",
        ),
        (
            [],
            ("corrected", 25, {"started_at": at(12), "message": "x"}),
            UsageError,
            "would be before",
        ),
    ],
)
def test_guards_refuse_at_the_events_time(
    history: list[tuple[str, int, dict[str, Any]]],
    new: tuple[str, int, dict[str, Any]],
    error: type[Exception],
    needle: str,
) -> None:
    events = [
        declared(2, detected_at=at(2), started_at=at(0)),
        *(ev(k, m, **f) for k, m, f in history),
    ]
    with pytest.raises(error, match=needle):
        admit(RECORD, events, ev(new[0], new[1], **new[2]))


def test_admitted_events_return_the_state_after_them() -> None:
    events = [declared(0), ev("resolved", 20), ev("reopened", 30, message="x")]
    state = admit(RECORD, events, ev("resolved", 40))
    assert state.status == "resolved" and state.resolved_at == at(40)
    # a severity change backfilled into the past is accepted and placed in time
    state = admit(RECORD, events, ev("severity", 10, severity="sev1", message="x"))
    assert [s.to for s in state.severity_history] == ["sev3", "sev1"]


def test_history_tells_concurrent_from_sequential() -> None:
    root = declared(0)
    a1 = ev("mitigated", 5, after=[root.id])
    a2 = ev("resolved", 7, after=[a1.id])  # the same clone, sequential
    b1 = ev("severity", 6, severity="sev1", after=[root.id])  # another clone saw only root
    merged = ev("update", 9, message="x", after=sorted([a2.id, b1.id]))
    history = History([root, a1, a2, b1, merged])
    assert not history.concurrent(a1.id, a2.id)
    assert history.concurrent(a2.id, b1.id) and history.concurrent(a1.id, b1.id)
    assert not history.concurrent(b1.id, merged.id)
    assert heads([root, a1, a2, b1]) == sorted([a2.id, b1.id])
    legacy = ev("resolved", 8)  # no 'after': never judged
    assert not History([root, legacy, b1]).concurrent(legacy.id, b1.id)


def test_a_correction_may_not_put_the_declaration_before_detection() -> None:
    events = [declared(15, detected_at=at(10)), ev("resolved", 60)]
    with pytest.raises(UsageError, match=r"declared_at .* would be before detected_at"):
        admit(RECORD, events, ev("corrected", 70, declared_at=at(5), message="x"))
    # after the resolution is fine: a retrospective declaration
    state = admit(RECORD, events, ev("corrected", 70, declared_at=at(65), message="x"))
    assert state.declared_at == at(65)


@pytest.mark.parametrize("kind", ["acknowledged", "severity", "role", "mitigated", "resolved"])
def test_a_declined_incident_takes_no_response(kind: str) -> None:
    fields: dict[str, Any] = {
        "severity": {"severity": "sev1"},
        "role": {"role": "commander", "person": "bob"},
    }.get(kind, {})
    events = [declared(0), ev("declined", 5, message="false alarm")]
    with pytest.raises(InvalidStateError, match="declined"):
        admit(RECORD, events, ev(kind, 9, **fields))


def test_time_at_severity_is_one_definition_for_report_and_draft() -> None:
    from incidentctl.incident.durations import time_at_severity

    view = fold(
        RECORD,
        [
            declared(15, detected_at=at(12)),
            ev("severity", 40, severity="sev2"),
            ev("severity", 70, severity="sev3"),
            ev("resolved", 165),
        ],
    )
    spent, reason = time_at_severity(view)
    assert reason is None and spent == {"sev3": (28 + 95) * 60.0, "sev2": 30 * 60.0}
    assert sum(spent.values()) == (view.resolved_at - view.detected_at).total_seconds()  # type: ignore[operator]
    open_view = fold(RECORD, [declared(15)])
    assert time_at_severity(open_view) == ({}, "open")
    assert time_at_severity(open_view, until=at(45)) == ({"sev3": 30 * 60.0}, None)
