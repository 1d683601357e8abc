"""The classification rubric (criteria questions → severity) and policy test cases."""

from __future__ import annotations

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
