"""Responder load: time each person spent on incidents, by working, evening and sleeping
hours, and their pages and incidents (docs/metrics.md "Responder load").

* An **activity span**: a person's events in one incident, in time order, merged while
  consecutive events are less than ``MERGE`` apart; a span runs from its first event to
  ``MINIMUM`` after its last (so a lone event counts ``MINIMUM``).
* **Role holding**: a person holds a role from its assignment until the next holder takes
  it, clipped to the incident's open window [declared, resolved or declined]; an incident
  still open counts no role holding (no figure depends on "now").
* A person's **time** is the union of their spans and role holdings, within an incident
  for its cost and across incidents for their load (overlaps count once).
* The hours of a span fall in bands by the person's :class:`Schedule`: a people directory
  plugs in as a ``person -> Schedule`` lookup; by default everyone has the repo's time
  zone, working hours 09:00-18:00 Monday to Friday and sleeping hours 23:00-07:00.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta, tzinfo

from incidentctl.models.report import PersonLoad, Workload
from incidentctl.models.views import IncidentView

MERGE = timedelta(minutes=20)
MINIMUM = timedelta(minutes=10)
BANDS = ("working", "evening", "sleeping")

Interval = tuple[datetime, datetime]


@dataclass(frozen=True)
class Schedule:
    """When a person works and sleeps, in their own time zone."""

    zone: tzinfo
    work_start: time = time(9)
    work_end: time = time(18)
    workdays: frozenset[int] = frozenset(range(5))  # Monday is 0
    sleep_start: time = time(23)
    sleep_end: time = time(7)

    def band(self, local: datetime) -> str:
        """The band of a local wall-clock moment."""
        clock = local.time()
        if self.sleep_start <= self.sleep_end:
            asleep = self.sleep_start <= clock < self.sleep_end
        else:
            asleep = clock >= self.sleep_start or clock < self.sleep_end
        if asleep:
            return "sleeping"
        if local.weekday() in self.workdays and self.work_start <= clock < self.work_end:
            return "working"
        return "evening"

    def boundaries(self) -> list[time]:
        return sorted({self.work_start, self.work_end, self.sleep_start, self.sleep_end})


Lookup = Callable[[str], Schedule]


def default_lookup(zone: tzinfo) -> Lookup:
    """Everyone in the repo's time zone with the default hours (until a people directory)."""
    schedule = Schedule(zone)
    return lambda _person: schedule


def split(start: datetime, end: datetime, schedule: Schedule) -> dict[str, float]:
    """Seconds of ``[start, end)`` in each band of ``schedule``."""
    out = dict.fromkeys(BANDS, 0.0)
    cursor = start
    marks = schedule.boundaries()
    while cursor < end:
        local = cursor.astimezone(schedule.zone)
        band = schedule.band(local)
        nxt = end
        for day in (local.date(), local.date() + timedelta(days=1)):
            for mark in marks:
                moment = datetime.combine(day, mark, tzinfo=schedule.zone)
                utc = moment.astimezone(start.tzinfo)
                if cursor < utc < nxt:
                    nxt = utc
        out[band] += (nxt - cursor).total_seconds()
        cursor = nxt
    return out


def merge(intervals: Iterable[Interval]) -> list[Interval]:
    """Overlapping or touching intervals joined."""
    out: list[Interval] = []
    for start, end in sorted(intervals):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def spans(times: Sequence[datetime]) -> list[Interval]:
    """Activity spans of one person's event times in one incident."""
    out: list[Interval] = []
    first = last = None
    for moment in sorted(times):
        if last is not None and first is not None and moment - last >= MERGE:
            out.append((first, last + MINIMUM))
            first = None
        if first is None:
            first = moment
        last = moment
    if first is not None and last is not None:
        out.append((first, last + MINIMUM))
    return out


def _end(view: IncidentView) -> datetime | None:
    if view.status == "resolved":
        return view.resolved_at
    if view.status == "declined":
        return view.declined_at
    return None


def role_holdings(view: IncidentView) -> dict[str, list[Interval]]:
    """Per person, the intervals they held a role while the incident was open (none while
    it is still open: every role holder is listed with no interval)."""
    end = _end(view)
    begin = view.declared_at
    out: dict[str, list[Interval]] = {}
    if end is None or begin is None:
        return {change.person: [] for change in view.role_history}
    by_role: dict[str, list[tuple[datetime, str]]] = {}
    for change in view.role_history:
        by_role.setdefault(change.role, []).append((change.at, change.person))
    for steps in by_role.values():
        steps.sort(key=lambda s: s[0])
        for i, (at, person) in enumerate(steps):
            until = steps[i + 1][0] if i + 1 < len(steps) else end
            lo, hi = max(at, begin), min(until, end)
            if hi > lo:
                out.setdefault(person, []).append((lo, hi))
    return out


def incident_time(
    view: IncidentView,
) -> tuple[dict[str, list[Interval]], dict[str, list[Interval]]]:
    """Per person in one incident: (their merged time, their activity spans alone)."""
    times: dict[str, list[datetime]] = {}
    for item in view.activity:
        times.setdefault(item.by, []).append(item.at)
    active = {person: spans(moments) for person, moments in times.items()}
    held = role_holdings(view)
    people = set(active) | set(held)
    total = {p: merge([*active.get(p, []), *held.get(p, [])]) for p in people}
    return total, active


def _bands(intervals: Iterable[Interval], schedule: Schedule) -> dict[str, float]:
    out = dict.fromkeys(BANDS, 0.0)
    for start, end in intervals:
        for band, seconds in split(start, end, schedule).items():
            out[band] += seconds
    return out


def person_bands(view: IncidentView, lookup: Lookup) -> dict[str, dict[str, float]]:
    """Per person, seconds on this incident in each band (cost uses it)."""
    total, _ = incident_time(view)
    return {p: _bands(ivs, lookup(p)) for p, ivs in sorted(total.items())}


def workload(population: Sequence[IncidentView], lookup: Lookup) -> Workload:
    """Per person (sorted by name; nobody is ranked): time, bands, pages, incidents."""
    total: dict[str, list[Interval]] = {}
    active: dict[str, list[Interval]] = {}
    incidents: dict[str, set[str]] = {}
    pages: dict[str, int] = {}
    out_of_hours_pages: dict[str, int] = {}
    for view in population:
        mine, spans_of = incident_time(view)
        for person, intervals in mine.items():
            total.setdefault(person, []).extend(intervals)
            active.setdefault(person, []).extend(spans_of.get(person, []))
            incidents.setdefault(person, set()).add(view.id)
        for item in view.activity:
            if item.type == "page" and item.outcome == "sent":
                pages[item.by] = pages.get(item.by, 0) + 1
                local = item.at.astimezone(lookup(item.by).zone)
                if lookup(item.by).band(local) != "working":
                    out_of_hours_pages[item.by] = out_of_hours_pages.get(item.by, 0) + 1
    people = {}
    for person in sorted(total):
        merged = merge(total[person])
        bands = _bands(merged, lookup(person))
        people[person] = PersonLoad(
            incidents=len(incidents[person]),
            pages=pages.get(person, 0),
            pages_out_of_hours=out_of_hours_pages.get(person, 0),
            total_s=round(sum((e - s).total_seconds() for s, e in merged), 3),
            active_s=round(sum((e - s).total_seconds() for s, e in merge(active[person])), 3),
            working_s=round(bands["working"], 3),
            evening_s=round(bands["evening"], 3),
            sleeping_s=round(bands["sleeping"], 3),
        )
    return Workload(
        merge_minutes=int(MERGE.total_seconds() // 60),
        minimum_minutes=int(MINIMUM.total_seconds() // 60),
        people=people,
    )
