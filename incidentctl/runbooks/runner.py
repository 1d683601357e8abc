"""Run a runbook's steps: manual ones are shown, others run as argument lists (no shell).

The confirmation policy lives here, not in the command line: a high-risk step runs only
with ``confirm_high_risk`` or an explicit answer to ``ask``; an assisted step runs with
``yes``, ``confirm_high_risk`` or a yes from ``ask``. ``ask`` is the caller's way to put
a question to a person (None when nobody can answer, e.g. stdin is not a terminal): it
gets a :class:`Question` and returns True to run the step.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from incidentctl.core.errors import UsageError
from incidentctl.models.runbook import Step
from incidentctl.runbooks import runbook as runbooks
from incidentctl.workspace import Workspace


@dataclass(frozen=True)
class Question:
    """A confirmation to ask before a step runs."""

    kind: Literal["high-risk", "assisted"]
    number: int
    step: Step
    argv: list[str]


Ask = Callable[[Question], bool]
Say = Callable[[str], None]


@dataclass
class RunOutcome:
    """What a run did: the results of the steps taken, and whether one stopped it."""

    results: list[runbooks.StepResult] = field(default_factory=list)
    failed: bool = False


def parse_params(items: list[str], target: str | None) -> dict[str, str]:
    """``KEY=VALUE`` items (and the game-day target) as the values for ``{KEY}``."""
    params: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.isidentifier():
            raise UsageError(f"--param {item!r} must look like KEY=VALUE")
        params[key] = value
    if target:
        params["target"] = target
    return params


def confirmed(question: Question, *, yes: bool, confirm_high_risk: bool, ask: Ask | None) -> bool:
    """The high-risk confirmation policy: may this step run?"""
    if question.kind == "high-risk":
        return confirm_high_risk or (ask is not None and ask(question))
    return yes or confirm_high_risk or (ask is not None and ask(question))


def run(
    ws: Workspace,
    name: str,
    *,
    incident: str | None = None,
    step: int | None = None,
    dry_run: bool = False,
    yes: bool = False,
    confirm_high_risk: bool = False,
    gameday: bool = False,
    target: str | None = None,
    params: list[str] | None = None,
    by: str | None = None,
    ask: Ask | None = None,
    say: Say = lambda _line: None,
) -> RunOutcome:
    """Run ``name``'s steps (or only ``step``), recording each in the incident, or as an
    exercise on a game day; stop at the first that fails, times out or is refused."""
    if gameday == (incident is not None):
        raise UsageError("give --incident ID for a real incident, or --gameday --target T")
    if gameday and not target:
        raise UsageError("a game day needs --target (e.g. --target staging)")
    values = parse_params(params or [], target)
    record, _ = runbooks.load(ws, name)
    runbooks.require_committed(ws, name)
    incident_id = ws.resolve_id(incident) if incident else None
    person = ws.person(by) if by else ws.default_person()
    chosen = list(enumerate(record.steps, start=1))
    if step is not None:
        if step > len(chosen):
            raise UsageError(f"runbook {name} has {len(chosen)} steps")
        chosen = [chosen[step - 1]]
    outcome = RunOutcome()
    for number, spec in chosen:
        argv = runbooks.expand(list(spec.command), values)
        say(f"step {number}: {spec.title} [{spec.placement}, risk {spec.risk}]")
        if spec.placement == "manual":
            for line in (spec.instructions or "").splitlines():
                say(f"  {line}")
            result = runbooks.StepResult(number, spec, "shown", None, spec.instructions or "", argv)
            if dry_run:
                continue  # a dry run records nothing
        elif dry_run:
            say(f"  would run: {argv}")
            continue
        else:
            kind: Literal["high-risk", "assisted"] | None = (
                "high-risk"
                if spec.risk == "high"
                else "assisted"
                if spec.placement == "assisted"
                else None
            )
            allowed = kind is None or confirmed(
                Question(kind, number, spec, argv),
                yes=yes,
                confirm_high_risk=confirm_high_risk,
                ask=ask,
            )
            if not allowed:
                say("  not run: needs an explicit confirmation")
                result = runbooks.StepResult(
                    number, spec, "refused", None, "not run: no confirmation", argv
                )
            else:
                status, code, output = runbooks.execute(argv, spec.timeout_seconds, ws.root)
                result = runbooks.StepResult(number, spec, status, code, output, argv)
                say(f"  {status}" + (f" (exit code {code})" if code is not None else ""))
        if incident_id is not None:
            runbooks.record_incident_step(ws, incident_id, name, result, person)
        elif result.outcome != "shown":
            runbooks.record_exercise(ws, name, result, person, target or "")
        outcome.results.append(result)
        if result.outcome in ("failed", "timeout", "refused"):
            outcome.failed = True
            break
    return outcome
