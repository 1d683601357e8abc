"""Whether a new event may be recorded: its guard, the lifecycle order, and its effect.

A lifecycle command builds its event, then asks :func:`admit`. The guard of the event's
type is checked against the state *at the event's time*; then the whole incident is folded
with and without the event, and the event is refused when it would put the lifecycle
times out of order or, for a state-changing type, change nothing at all.
"""

from __future__ import annotations

from collections.abc import Sequence

from incidentctl.core.errors import InvalidStateError, UsageError
from incidentctl.incident.definitions import DEFINITIONS, EventType
from incidentctl.incident.fold import fold_state, key, ordered
from incidentctl.incident.state import LABELS, State
from incidentctl.models.event import Event
from incidentctl.models.incident import IncidentRecord
from incidentctl.yamlio.emit import format_timestamp


def admit(record: IncidentRecord, events: Sequence[Event], event: Event) -> State:
    """The state after ``event``; raises the error the user sees when it is refused."""
    kind = DEFINITIONS[event.type]
    if kind.guard is not None:
        kind.guard(fold_state(record, events, before=key(event)), event)
    without = fold_state(record, events)
    after = fold_state(record, [*events, event])
    new = sorted(after.order_problems() - without.order_problems())
    if new:
        raise UsageError(_out_of_order(kind, event, after, new[0]))
    if kind.must_change and after.facts() == without.facts():
        raise InvalidStateError(_no_effect(kind, event, events))
    return after


def _out_of_order(kind: EventType, event: Event, after: State, problem: tuple[str, str]) -> str:
    first, second = problem
    t1, t2 = getattr(after, first), getattr(after, second)
    own = set(kind.sets) if event.type != "corrected" else set()
    when = format_timestamp(event.at)
    if second in own:
        return (
            f"cannot {kind.verb} at {when}: that is before it was {LABELS[first]} "
            f"({format_timestamp(t1)})"
        )
    if first in own:
        return (
            f"cannot {kind.verb} at {when}: that is after it was {LABELS[second]} "
            f"({format_timestamp(t2)})"
        )
    return (
        f"cannot {kind.verb}: {second} {format_timestamp(t2)} would be before "
        f"{first} {format_timestamp(t1)}"
    )


def _no_effect(kind: EventType, event: Event, events: Sequence[Event]) -> str:
    when = format_timestamp(event.at)
    aspect = kind.aspect(event) if kind.aspect else None
    later = [
        e
        for e in ordered(events)
        if key(e) > key(event)
        and aspect is not None
        and (other := DEFINITIONS[e.type].aspect) is not None
        and (found := other(e)) is not None
        and found[0] == aspect[0]
    ]
    if later:
        last = later[-1]
        return (
            f"cannot {kind.verb} incident {event.incident} at {when}: it changes nothing, "
            f"because a later {DEFINITIONS[last.type].verb} at {format_timestamp(last.at)} "
            f"decides its {aspect[0] if aspect else 'state'}; give a time after that"
        )
    return f"cannot {kind.verb} incident {event.incident} at {when}: it changes nothing"
