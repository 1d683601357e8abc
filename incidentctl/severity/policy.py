"""Severity as a routing primitive: classify from criteria answers, and test the rubric."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from incidentctl.core.errors import UsageError
from incidentctl.models.config import Config, ResponsePattern
from incidentctl.models.policy import Answer, PolicyTests, Question, parse_condition

_TRUE = {"true", "yes", "y", "1", "on"}
_FALSE = {"false", "no", "n", "0", "off"}


def parse_answer(question: Question, text: str | bool) -> Answer:
    """A person's answer (``yes``, ``30%``, ``12``) for ``question``."""
    if isinstance(text, bool):
        if question.kind != "yes-no":
            raise UsageError(f"--{question.id.replace('_', '-')} needs a value")
        return text
    value = str(text).strip().lower()
    if question.kind == "yes-no":
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        raise UsageError(f"answer {text!r} to {question.id!r} must be yes or no")
    number = value.rstrip("%").strip()
    try:
        parsed = float(number)
    except ValueError:
        raise UsageError(f"answer {text!r} to {question.id!r} must be a number") from None
    if question.kind == "percent" and not 0 <= parsed <= 100:
        raise UsageError(f"answer {text!r} to {question.id!r} must be between 0 and 100%")
    return parsed


def parse_answer_flags(questions: Sequence[Question], args: Sequence[str]) -> dict[str, Answer]:
    """Answers given as flags named after the policy's questions: ``--data-loss`` /
    ``--no-data-loss`` (or ``--data-loss=no``) for yes-no questions, ``--users-affected
    30%`` or ``--users-affected=30%`` for the others."""
    by_id = {q.id: q for q in questions}
    answers: dict[str, Answer] = {}
    rest = list(args)
    while rest:
        flag = rest.pop(0)
        if not flag.startswith("--"):
            raise UsageError(
                f"unexpected argument {flag!r}; answers are flags like "
                "--customer-facing or --users-affected 30%"
            )
        name, _, inline = flag[2:].partition("=")
        negate = name.startswith("no-") and name[3:].replace("-", "_") in by_id
        key = (name[3:] if negate else name).replace("-", "_")
        question = by_id.get(key)
        if question is None:
            flags = ", ".join("--" + q.replace("_", "-") for q in by_id)
            raise UsageError(f"unknown question --{name}; the policy asks: {flags}")
        if question.kind == "yes-no":
            answers[key] = parse_answer(question, inline) if inline else not negate
        else:
            value = inline or (rest.pop(0) if rest else "")
            if not value:
                raise UsageError(f"--{name} needs a value, e.g. --{name} 30%")
            answers[key] = parse_answer(question, value)
    return answers


@dataclass(frozen=True)
class Classified:
    """The severity a rubric gives, and why."""

    severity: str
    because: str
    rule: int
    matched: dict[str, str]
    unanswered: list[str] = field(default_factory=list)


def classify(config: Config, answers: Mapping[str, Answer]) -> Classified:
    """The first rule whose conditions all hold."""
    questions = {q.id: q for q in config.classification.questions}
    unknown = [k for k in answers if k not in questions]
    if unknown:
        raise UsageError(
            f"unknown question {unknown[0]!r}; the policy asks: {', '.join(questions) or 'nothing'}"
        )
    for index, rule in enumerate(config.classification.rules):
        holds = True
        for key, condition in rule.when.items():
            answer = answers.get(key)
            if answer is None or not parse_condition(questions[key].kind, condition)(answer):
                holds = False
                break
        if holds:
            unanswered = [q for q in questions if q not in answers]
            return Classified(rule.severity, rule.because, index, dict(rule.when), unanswered)
    raise UsageError("no classification rule matched; add a final rule without conditions")


def suggest_type(config: Config, answers: Mapping[str, Answer]) -> str | None:
    """The first incident type whose ``suggest_when`` conditions all hold (None: none do)."""
    questions = {q.id: q for q in config.classification.questions}
    for kind in config.types:
        if not kind.suggest_when:
            continue
        if all(
            (answer := answers.get(key)) is not None
            and key in questions
            and parse_condition(questions[key].kind, condition)(answer)
            for key, condition in kind.suggest_when.items()
        ):
            return kind.name
    return None


def response_facts(response: ResponsePattern) -> dict[str, Any]:
    """The response pattern as a flat mapping (what policy tests compare)."""
    return response.model_dump()


@dataclass(frozen=True)
class CaseResult:
    """One policy test case."""

    name: str
    passed: bool
    problems: list[str]


def run_tests(config: Config, tests: PolicyTests) -> list[CaseResult]:
    """Run every fixture case against the policy."""
    results = []
    questions = {q.id: q for q in config.classification.questions}
    for case in tests.cases:
        problems: list[str] = []
        try:
            answers = {}
            for key, text in case.answers.items():
                if key not in questions:
                    raise UsageError(f"unknown question {key!r}")
                answers[key] = parse_answer(questions[key], text)
            got = classify(config, answers)
        except UsageError as exc:
            results.append(CaseResult(case.name, False, [exc.message]))
            continue
        facts: dict[str, Any] = {
            "severity": got.severity,
            **response_facts(config.level(got.severity).response),
        }
        for key, expected in case.expect.items():
            if key not in facts:
                problems.append(f"unknown expectation {key!r} (known: {', '.join(facts)})")
                continue
            actual = facts[key]
            want = _coerce(expected, actual)
            if want != actual:
                problems.append(f"{key}: expected {want!r}, got {actual!r}")
        results.append(CaseResult(case.name, not problems, problems))
    return results


def _coerce(expected: Any, actual: Any) -> Any:
    from incidentctl.yamlio.strict import to_python

    value = to_python(expected)
    if isinstance(actual, list) and not isinstance(value, list):
        return [value]
    if isinstance(actual, str) and value is not None:
        return str(value)
    return value
