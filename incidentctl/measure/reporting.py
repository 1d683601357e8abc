"""The report as a library call: pick the window, load every repo once, compute."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from incidentctl.core.errors import UsageError
from incidentctl.measure import periods, report_cache
from incidentctl.models.report import SEVERITY_BASES, Period, Report
from incidentctl.workspace import Workspace

if TYPE_CHECKING:  # the figures are imported only when a report is computed
    from incidentctl.models.config import Config
    from incidentctl.models.review import ActionRecord
    from incidentctl.store.bulk import LoadProblem, Progress


@dataclass(frozen=True)
class ReportRequest:
    """A report as a person asks for it (strings as typed on the command line)."""

    quarter: str | None = None
    since: str | None = None
    until: str | None = None
    granularity: str = "month"
    severity_basis: str = "final"
    include_drills: bool = False
    compare: str | None = None
    as_of: str | None = None
    lookback_days: int | None = None
    same_service: bool | None = None
    workload: bool = False
    group_by: tuple[str, ...] = ()


def _moment(ws: Workspace, text: str, *, end: bool) -> datetime:
    day = periods.parse_day_or_time(text)
    if day is not None:
        return day
    return ws.when(text, allow_future=end)


def window(ws: Workspace, request: ReportRequest) -> Period:
    """The report's ``[since, until)`` window and its label."""
    if request.quarter and (request.since or request.until):
        raise UsageError("give either --quarter or --since/--until, not both")
    if request.quarter:
        since, until = periods.parse_quarter(request.quarter)
        return Period(since=since, until=until, label=periods.label(since, "quarter"))
    if request.since or request.until:
        since = (
            _moment(ws, request.since, end=False)
            if request.since
            else datetime(1970, 1, 1, tzinfo=ws.now().tzinfo)
        )
        until = _moment(ws, request.until, end=True) if request.until else ws.now()
        if until <= since:
            raise UsageError("--until must be after --since")
        name = f"{since:%Y-%m-%d} to {until:%Y-%m-%d}"
        return Period(since=since, until=until, label=name)
    since, until = periods.last_full_quarter(ws.now())
    return Period(since=since, until=until, label=periods.label(since, "quarter"))


def previous(period: Period) -> Period:
    """The window just before ``period``: the previous quarter, or the same length."""
    quarter = periods.label(period.since, "quarter")
    q_since, q_until = periods.parse_quarter(quarter)
    if (q_since, q_until) == (period.since, period.until):
        before = period.since - timedelta(days=1)
        since, until = periods.parse_quarter(periods.label(before, "quarter"))
        return Period(since=since, until=until, label=periods.label(since, "quarter"))
    length = period.until - period.since
    since = period.since - length
    return Period(
        since=since, until=period.since, label=f"{since:%Y-%m-%d} to {period.since:%Y-%m-%d}"
    )


def _names(workspaces: list[Workspace]) -> list[str]:
    names: list[str] = []
    for ws in workspaces:
        base = ws.root.name or str(ws.root)
        name, n = base, 2
        while name in names:
            name, n = f"{base}-{n}", n + 1
        names.append(name)
    return names


def _config(ws: Workspace, as_of: str | None) -> Config:
    """The configuration now, or as committed at ``as_of``: a report of the past applies
    the policy (severity order, repeat lookback) that held then."""
    if as_of is None:
        return ws.config
    from incidentctl.git import gitrepo
    from incidentctl.store.config_file import parse_config
    from incidentctl.store.layout import CONFIG_FILE

    commit = gitrepo.resolve_commit(ws.root, as_of, what="--as-of revision")
    found = gitrepo.cat_objects(ws.root, [f"{commit}:./{CONFIG_FILE}"])[0]
    if found is None or found.kind != "blob":
        return ws.config  # the repo did not hold a config yet: none other applies
    return parse_config(found.data, f"{CONFIG_FILE} at {as_of}")


def _actions(ws: Workspace, as_of: str | None) -> list[ActionRecord]:
    """Action items now, or as they stood at ``as_of``; unreadable ones are left out."""
    from incidentctl.learn import actions

    if as_of is None:
        return actions.all_actions(ws)[0]
    from incidentctl.core.errors import RecordError
    from incidentctl.git import gitrepo

    listing = gitrepo.run(
        ["ls-tree", "-z", "--end-of-options", gitrepo.safe_rev(as_of), "--", "actions/"],
        ws.root,
        check=False,
    )
    blobs = []
    for item in listing.stdout.split("\0"):
        if item and "\t" in item:
            meta, path = item.split("\t", 1)
            if meta.split()[1] == "blob" and actions.ACTION_ID.fullmatch(path[8:-3]):
                blobs.append((path, meta.split()[2]))
    found = []
    for (path, _), raw in zip(
        blobs, gitrepo.cat_blobs(ws.root, [s for _, s in blobs]), strict=True
    ):
        try:
            found.append(actions.parse_action(raw, path)[0])
        except RecordError:
            continue
    return found


@dataclass(frozen=True)
class _Slot:
    """Where a report is cached: its key, the question asked, and the commit it is for."""

    key: str
    asked: str
    commit: str | None  # None when several repos or --as-of: no reuse across commits


def _slot(workspaces: list[Workspace], request: ReportRequest) -> tuple[Period, _Slot | None]:
    """The report's window, and its cache slot (None when the records are not committed)."""
    if request.severity_basis not in SEVERITY_BASES:
        raise UsageError(f"--severity-basis must be one of {', '.join(SEVERITY_BASES)}")
    if request.granularity not in periods.GRANULARITIES:
        raise UsageError(f"--period must be one of {', '.join(periods.GRANULARITIES)}")
    if request.compare not in (None, "previous"):
        raise UsageError("--compare accepts 'previous'")
    main = workspaces[0]
    period = window(main, request)
    if not all(ws.use_cache for ws in workspaces):
        return period, None
    states = [report_cache.state(ws, request.as_of) for ws in workspaces]
    if not all(states):
        return period, None
    today = main.now().astimezone(main.repo_zone).date()
    span = (period.since, period.until)
    single = len(workspaces) == 1 and request.as_of is None
    # Team and system come from the catalog as it is now: its files are part of the question.
    asked = (request, [organisation_digest(ws) for ws in workspaces])
    return period, _Slot(
        key=report_cache.key([s or "" for s in states], asked, span, today),
        asked=report_cache.question(asked, span, today),
        commit=states[0] if single else None,
    )


def organisation_digest(ws: Workspace) -> str:
    """A digest of the catalog and people files a report reads (empty without them)."""
    import hashlib

    from incidentctl.org import catalog

    digest = hashlib.sha1(usedforsecurity=False)
    for path in catalog.sources(ws.root, ws.config.catalog.locations):
        digest.update(str(path).encode() + b"\0")
        try:
            digest.update(path.read_bytes())
        except OSError:
            digest.update(b"unreadable")
    return digest.hexdigest()


def _reuse(ws: Workspace, slot: _Slot) -> bool:
    """Make the report stored for an earlier commit answer ``slot`` too, when nothing it
    reads changed since (see :mod:`incidentctl.measure.report_reuse`)."""
    if slot.commit is None:
        return False
    last = report_cache.last_answer(ws, slot.asked)
    if last is None or last[1] == slot.key:
        return False
    from incidentctl.measure import report_reuse

    if not report_reuse.unchanged(ws.layout, last[0], slot.commit, report_cache.WATCHED):
        return False
    if not report_cache.alias(ws, last[1], slot.key):
        return False
    report_cache.remember(ws, slot.asked, slot.commit, slot.key)
    return True


def cached_json(workspaces: list[Workspace], request: ReportRequest) -> str | None:
    """The report as ``--format json`` prints it, when an unchanged one is cached."""
    from incidentctl.git import gitrepo

    main = workspaces[0]
    with gitrepo.one_status():
        _, slot = _slot(workspaces, request)
        if slot is None:
            return None
        found = report_cache.get_json(main, slot.key, main.now())
        if found is None and _reuse(main, slot):
            found = report_cache.get_json(main, slot.key, main.now())
        return found


def run(
    workspaces: list[Workspace], request: ReportRequest, progress: Progress | None = None
) -> tuple[Report, list[tuple[str, LoadProblem]]]:
    """Compute the report over one or more records repos."""
    from incidentctl.git import gitrepo

    with gitrepo.one_status():
        return _run(workspaces, request, progress)


def _run(
    workspaces: list[Workspace], request: ReportRequest, progress: Progress | None
) -> tuple[Report, list[tuple[str, LoadProblem]]]:
    main = workspace = workspaces[0]
    period, slot = _slot(workspaces, request)
    if slot is not None:
        cached = report_cache.get(workspace, slot.key)
        if cached is None and _reuse(workspace, slot):
            cached = report_cache.get(workspace, slot.key)
        if cached is not None:
            return cached.model_copy(update={"generated_at": main.now()}), []
    from incidentctl.measure.action_figures import with_actions
    from incidentctl.measure.detection import with_detection
    from incidentctl.measure.report import ReportOptions, Tagged, build
    from incidentctl.measure.workload import default_lookup

    order: list[str] = []
    everyone: list[Tagged] = []
    problems: list[tuple[str, LoadProblem]] = []
    names = _names(workspaces)
    actions: dict[str, list[ActionRecord]] = {}
    configs = [_config(ws, request.as_of) for ws in workspaces]
    for name, ws, ws_config in zip(names, workspaces, configs, strict=True):
        order += [s for s in ws_config.severity_names() if s not in order]
        views, broken = ws.incidents(as_of=request.as_of, progress=progress, slim=True)
        everyone += [Tagged(name, v) for v in views]
        problems += [(name, p) for p in broken]
        actions[name] = _actions(ws, request.as_of)
    config = configs[0]
    options = ReportOptions(
        since=period.since,
        until=period.until,
        label=period.label,
        granularity=request.granularity,
        severity_basis=request.severity_basis,
        include_drills=request.include_drills,
        lookback_days=request.lookback_days or config.repeat_lookback_days,
        same_service=config.repeat_same_service
        if request.same_service is None
        else request.same_service,
        compare=previous(period) if request.compare else None,
        as_of=request.as_of,
        workload=default_lookup(main.repo_zone) if request.workload else None,
        group_by=request.group_by,
        uncounted_types=frozenset(t.name for t in config.types if not t.counts_in_metrics),
    )
    report = build(everyone, order, options, main.now(), names)
    detected = {(t.repo, t.incident.id): t.incident.detected_at for t in everyone}
    report = with_actions(report, actions, detected, main.now().astimezone(main.repo_zone).date())
    from incidentctl.core.severity import rank
    from incidentctl.measure.cost import with_cost

    counts: dict[tuple[str, str], int] = {}
    for name, items in actions.items():
        for action in items:
            counts[(name, action.incident)] = counts.get((name, action.incident), 0) + 1
    report = with_cost(
        report,
        {(t.repo, t.incident.id): t.incident for t in everyone},
        counts,
        config.cost,
        default_lookup(main.repo_zone),
        lambda s: (rank(s, order), s),
    )
    from incidentctl.detect import service as alert_service

    alert_groups = []
    for name, ws in zip(names, workspaces, strict=True):
        views = [t.incident for t in everyone if t.repo == name]
        alert_groups += alert_service.groups(ws, views, as_of=request.as_of)
    report = with_detection(report, alert_groups)
    if slot is not None and not problems:
        report_cache.put(workspace, slot.key, report)
        if slot.commit is not None:
            report_cache.remember(workspace, slot.asked, slot.commit, slot.key)
    if problems:
        report = report.model_copy(
            update={"unreadable": [f"{name}: {p.error.message}" for name, p in problems]}
        )
    return report, problems
