"""Runbooks between prose and automation: show, suggest, run (no shell), exercise.

Assisted and automated steps run as argument lists with a timeout; a high-risk step never
runs without an explicit confirmation. Only runbooks committed in the repo, unmodified,
can run. Each step's outcome becomes a timeline event, or an exercise record on a game day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from pydantic import ValidationError

from incidentctl.core.errors import NotFoundError, RecordError, RefusedError, UsageError
from incidentctl.core.ids import new_event_id
from incidentctl.git import gitrepo
from incidentctl.models.runbook import Exercise, RunbookRecord, Step
from incidentctl.models.views import IncidentView
from incidentctl.store import transaction
from incidentctl.store.atomic import read_bytes
from incidentctl.store.records import parse_bytes
from incidentctl.store.validation import problems
from incidentctl.workspace import Workspace
from incidentctl.yamlio.emit import render_record

OUTPUT_TAIL = 4000
FOLDER = "runbooks"


def step_problems(record: RunbookRecord) -> list[tuple[tuple[str | int, ...], str]]:
    """Placement problems: commands where needed, and only there."""
    found: list[tuple[tuple[str | int, ...], str]] = []
    for i, step in enumerate(record.steps):
        if step.placement in ("assisted", "automated") and not step.command:
            found.append(
                (
                    ("steps", i, "command"),
                    f"an {step.placement} step needs a command (an argument list)",
                )
            )
        if step.placement == "manual" and not step.instructions:
            found.append(
                (
                    ("steps", i, "instructions"),
                    "a manual step needs instructions a fresh responder can follow",
                )
            )
    return found


def parse(raw: bytes, shown: str) -> tuple[RunbookRecord, str]:
    doc = parse_bytes(raw, shown)
    try:
        record = RunbookRecord.model_validate(doc.meta)
    except ValidationError as exc:
        first = problems(exc, doc)[0]
        raise RecordError(f"{first.field}: {first.message}", path=shown, line=first.line) from None
    bad = step_problems(record)
    if bad:
        where, message = bad[0]
        raise RecordError(message, path=shown, line=doc.line_of(where))
    return record, doc.body


def names(ws: Workspace) -> list[str]:
    folder = ws.root / FOLDER
    if not folder.is_dir():
        return []
    from incidentctl.models.runbook import RUNBOOK_NAME

    return sorted(
        p.stem
        for p in folder.glob("*.md")
        if RUNBOOK_NAME.fullmatch(p.stem) and p.is_file() and not p.is_symlink()
    )


def path_of(ws: Workspace, name: str) -> Path:
    from incidentctl.models.runbook import RUNBOOK_NAME

    if not RUNBOOK_NAME.fullmatch(name):
        raise UsageError(f"invalid runbook name {name!r}")
    return ws.root / FOLDER / f"{name}.md"


def load(ws: Workspace, name: str) -> tuple[RunbookRecord, str]:
    path = path_of(ws, name)
    ws.layout.ensure_inside(path)
    try:
        raw = read_bytes(path)
    except FileNotFoundError:
        known = ", ".join(names(ws)) or "none"
        raise NotFoundError(f"no runbook {name!r} (runbooks: {known})") from None
    return parse(raw, f"{FOLDER}/{name}.md")


def exercises(ws: Workspace) -> list[Exercise]:
    folder = ws.root / FOLDER / "exercises"
    found = []
    for path in sorted(folder.glob("*.md")) if folder.is_dir() else []:
        try:
            doc = parse_bytes(read_bytes(path), ws.layout.relative(path))
            found.append(Exercise.model_validate(doc.meta))
        except (RecordError, ValidationError, OSError):
            continue
    return found


def last_exercised(ws: Workspace, views: list[IncidentView]) -> dict[tuple[str, int], datetime]:
    """(runbook, step) → when it last actually ran, in a game day or an incident."""
    last: dict[tuple[str, int], datetime] = {}

    def note(key: tuple[str, int], at: datetime) -> None:
        if key not in last or at > last[key]:
            last[key] = at

    for exercise in exercises(ws):
        if exercise.outcome != "refused":
            note((exercise.runbook, exercise.step), exercise.at)
    for view in views:
        for entry in view.timeline:
            if entry.type == "runbook" and entry.details.get("outcome") in (
                "ok",
                "failed",
                "timeout",
            ):
                note((str(entry.details["runbook"]), int(entry.details["step"])), entry.at)
    return last


@dataclass(frozen=True)
class Suggestion:
    name: str
    title: str
    reasons: list[str]


def suggest(ws: Workspace, view: IncidentView) -> list[Suggestion]:
    """Runbooks matching the incident's services, category or linked alerts."""
    alertnames: set[str] = set()
    if view.alert_groups:
        from incidentctl.detect import service

        for group in service.groups(ws):
            if group.id in view.alert_groups:
                alertnames.add(group.alertname)
    out = []
    for name in names(ws):
        try:
            record, _ = load(ws, name)
        except RecordError:
            continue
        reasons = []
        shared = sorted(set(record.services) & set(view.services))
        if shared:
            reasons.append(f"service {', '.join(shared)}")
        if view.category and view.category in record.triggers.categories:
            reasons.append(f"category {view.category}")
        alerts = sorted(alertnames & set(record.triggers.alerts))
        if alerts:
            reasons.append(f"alert {', '.join(alerts)}")
        if reasons:
            out.append(Suggestion(name, record.title, reasons))
    return sorted(out, key=lambda s: (-len(s.reasons), s.name))


@dataclass(frozen=True)
class Stale:
    name: str
    problem: str


def stale(ws: Workspace, views: list[IncidentView], today: date) -> list[Stale]:
    """Automated steps never (recently) exercised, and runbooks past review_by."""
    window = timedelta(days=ws.config.runbooks.exercise_within_days)
    last = last_exercised(ws, views)
    now = ws.now()
    out = []
    for name in names(ws):
        try:
            record, _ = load(ws, name)
        except RecordError as exc:
            out.append(Stale(name, exc.message))
            continue
        if record.review_by and record.review_by < today:
            out.append(Stale(name, f"review was due {record.review_by.isoformat()}"))
        for number, step in enumerate(record.steps, start=1):
            if step.placement != "automated":
                continue
            when = last.get((name, number))
            if when is None:
                out.append(
                    Stale(name, f"automated step {number} ({step.title}) was never exercised")
                )
            elif now - when > window:
                out.append(
                    Stale(
                        name,
                        f"automated step {number} ({step.title}) last ran "
                        f"{(now - when).days} days ago",
                    )
                )
    return out


def require_committed(ws: Workspace, name: str) -> None:
    """Only a runbook committed in the repo, without local changes, may run."""
    rel = f"{FOLDER}/{name}.md"
    tracked = gitrepo.run(["ls-files", "--error-unmatch", "--", rel], ws.root, check=False)
    if tracked.returncode != 0:
        raise RefusedError(
            f"{rel} is not committed; only committed runbooks can run",
            hint=f"review and commit it first: git add {rel} && git commit",
        )
    changed = gitrepo.run(["diff", "--quiet", "HEAD", "--", rel], ws.root, check=False)
    if changed.returncode != 0:
        raise RefusedError(
            f"{rel} has uncommitted changes; only the committed version can run",
            hint="commit the change (so it is reviewed), or git restore it",
        )


@dataclass(frozen=True)
class StepResult:
    number: int
    step: Step
    outcome: str  # ok | failed | timeout | refused | shown | dry-run
    exit_code: int | None
    output: str
    argv: list[str]


def expand(command: list[str], params: dict[str, str]) -> list[str]:
    """Fill ``{name}`` parameters into arguments (literal values, no shell).

    A value never becomes an option of the command it is passed to: an argument that
    starts with a parameter whose value starts with ``-`` is refused.
    """
    argv = []
    for position, arg in enumerate(command):
        for key, value in params.items():
            token = "{" + key + "}"
            if token not in arg:
                continue
            if "\x00" in value:
                raise UsageError(f"--param {key}: the value contains a NUL byte")
            if position > 0 and arg.startswith(token) and value.startswith("-"):
                raise UsageError(
                    f"--param {key}={value[:40]!r} starts with '-', so {command[0]!r} would "
                    "read it as an option; nothing was run",
                    hint="parameters are values, never options",
                )
            arg = arg.replace(token, value)
        argv.append(arg)
    return argv


def execute(argv: list[str], timeout: int, cwd: Path) -> tuple[str, int | None, str]:
    """Run without a shell; kill the whole process group at the timeout. The output kept
    is made safe to record (controls shown, secrets redacted)."""
    from incidentctl.core import process
    from incidentctl.core.text import clean_output

    try:
        done = process.run(argv, timeout=timeout, cwd=cwd, keep=4 * OUTPUT_TAIL)
    except OSError as exc:
        return "failed", None, f"could not start {argv[0]!r}: {exc.strerror}"
    text = clean_output(done.output, tail=OUTPUT_TAIL)
    if done.timed_out:
        return "timeout", None, text + f"\n[killed after {timeout}s timeout]"
    return ("ok" if done.exit_code == 0 else "failed"), done.exit_code, text


def record_incident_step(
    ws: Workspace, incident_id: str, name: str, result: StepResult, by: str
) -> None:
    from incidentctl.models.event import RunbookStep
    from incidentctl.respond.lifecycle import append

    append(
        ws,
        incident_id,
        verb=f"runbook {name} step {result.number} {result.outcome}",
        build=lambda f: RunbookStep(
            type="runbook",
            runbook=name,
            step=result.number,
            placement=result.step.placement,
            outcome=result.outcome,  # type: ignore[arg-type]
            exit_code=result.exit_code,
            **f,
        ),
        at=None,
        by=by,
        message=result.output.strip(),
        backfill=False,
        commit=True,
    )


def record_exercise(ws: Workspace, name: str, result: StepResult, by: str, target: str) -> Path:
    exercise = Exercise(
        runbook=name,
        step=result.number,
        at=ws.now(),
        by=by,
        target=target,
        outcome=result.outcome,  # type: ignore[arg-type]
        exit_code=result.exit_code,
    )
    path = ws.root / FOLDER / "exercises" / f"{new_event_id()}.md"
    meta = exercise.model_dump(exclude_none=True)
    with transaction.locked(ws.layout):
        transaction.apply(
            ws.layout,
            transaction.Change(
                message=f"runbook({name}): game day step {result.number} {result.outcome}",
                created={path: render_record(meta, result.output.strip())},
            ),
        )
    return path
