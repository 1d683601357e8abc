"""``--json`` views of the policy, classification, lifecycle results and the learning and
runbook listings: the output contract, kept apart from the config and record models."""

from __future__ import annotations

from typing import Any, Literal

from incidentctl.models.base import View


class ResponseView(View):
    """What a severity level sets in motion."""

    page: bool
    required_roles: list[str]
    roles_within_minutes: int
    internal_update_minutes: int | None
    customer_update_minutes: int | None
    executive_update_minutes: int | None
    surfaces: list[str]
    postmortem_required: bool
    review_window_days: int | None
    action_due_days: int


class SeverityLevelView(View):
    """One level of the severity policy (most severe first)."""

    name: str
    intent: str
    criteria: list[str]
    examples: list[str]
    response: ResponseView


class RoleView(View):
    """A coordination role (``roles --json``)."""

    name: str
    title: str
    responsibilities: list[str]
    not_responsible_for: list[str]


class QuestionView(View):
    """A criteria question ``classify`` asks."""

    id: str
    ask: str
    kind: Literal["yes-no", "percent", "number"]


class ClassifyRuleView(View):
    """An ordered classification rule; ``when`` maps question ids to conditions."""

    severity: str
    when: dict[str, str | bool | int | float]
    because: str


class ClassificationView(View):
    """The classification rubric."""

    questions: list[QuestionView]
    rules: list[ClassifyRuleView]


class PolicyView(View):
    """``policy show --json``."""

    severities: list[SeverityLevelView]
    classification: ClassificationView
    roles: list[RoleView]


class ClassifyResult(View):
    """``classify --json``: the severity, why, and its response pattern."""

    severity: str
    because: str
    matched: dict[str, str]
    unanswered: list[str]
    response: ResponseView
    type: str | None = None
    """The incident type the answers suggest (``types:`` in the config), if any."""


class EventResult(View):
    """``--json`` of ack, update, severity, assign, mitigate, resolve, reopen, decline,
    correct: the event written and the incident's state after it."""

    id: str
    event_id: str
    status: str
    severity: str
    committed: bool
    path: str


class ReviewDueView(View):
    """``postmortem list --json``: a post-mortem the policy requires."""

    incident: str
    title: str
    severity: str
    status: str
    due: str | None
    overdue_days: int


class SimilarView(View):
    """``similar --json``: an earlier incident like this one, with the reasons."""

    id: str
    title: str
    score: float
    reasons: list[str]


class RunbookRow(View):
    """``runbook list --json``."""

    runbook: str
    title: str
    owner: str
    steps: int
    placements: str


class RunbookSuggestion(View):
    """``runbook list --for ID --json``."""

    runbook: str
    title: str
    reasons: list[str]


class StaleRunbook(View):
    """``runbook list --stale --json``."""

    runbook: str
    problem: str


def view_of(kind: type[View], record: Any) -> Any:
    """The view of a config or record model (same field names; values copied)."""
    return kind.model_validate(record.model_dump(mode="json"))
