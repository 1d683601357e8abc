"""The classification rubric (criteria questions → severity) and policy test cases."""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from typing import Annotated, Any, Literal

from pydantic import Field

from incidentctl.models.base import Record
from incidentctl.models.fields import Name, Text

QUESTION_ID = r"^[a-z][a-z0-9_]{0,39}$"
QuestionId = Annotated[str, Field(pattern=QUESTION_ID)]


class Question(Record):
    """One criteria question asked by ``incidentctl classify``."""

    id: QuestionId
    ask: Text
    kind: Literal["yes-no", "percent", "number"] = "yes-no"


class ClassifyRule(Record):
    """The first rule whose conditions all hold decides the severity."""

    severity: Name
    when: dict[QuestionId, Text] = {}
    because: Text


class Classification(Record):
    """Questions and ordered rules; the last rule should have no conditions (a catch-all)."""

    questions: list[Question] = []
    rules: list[ClassifyRule] = []


class PolicyCase(Record):
    """A fixture: these answers must produce this severity and response."""

    name: Text
    answers: dict[QuestionId, Text] = {}
    expect: dict[Name, Any]


class PolicyTests(Record):
    """``policy-tests.yaml``."""

    cases: list[PolicyCase]


Answer = bool | float
"""An answer to a classification question: yes/no, or a number."""
_COMPARE = re.compile(r"\s*(>=|<=|>|<|==|=)?\s*(-?\d+(?:\.\d+)?)\s*%?\s*")
_OPS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge,
    "<=": operator.le,
    ">": operator.gt,
    "<": operator.lt,
    "==": operator.eq,
    "=": operator.eq,
}


def parse_condition(kind: str, text: str) -> Callable[[Answer], bool]:
    """A rule condition as a predicate; ``ValueError`` names what is wrong."""
    value = str(text).strip().lower()
    if kind == "yes-no":
        if value in ("true", "false"):
            wanted = value == "true"
            return lambda answer: answer is wanted
        raise ValueError(f"condition {text!r} must be true or false for a yes-no question")
    match = _COMPARE.fullmatch(value)
    if not match:
        raise ValueError(f"condition {text!r} must look like '>=50', '<10' or '25'")
    op = _OPS[match.group(1) or "=="]
    bound = float(match.group(2))
    return lambda answer: not isinstance(answer, bool) and op(float(answer), bound)
