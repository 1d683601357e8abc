"""The records repo's configuration (``.incidentctl.yaml``): timezone, severity policy, roles."""

from __future__ import annotations

from typing import Literal

from pydantic import field_validator

from incidentctl.models.base import Record
from incidentctl.models.fields import (
    Count,
    Flag,
    Name,
    NameList,
    OptDay,
    OptText,
    PositiveCount,
    Text,
    TextList,
)
from incidentctl.models.policy import Classification

PositiveMinutes = PositiveCount


class ResponsePattern(Record):
    """What a severity level sets in motion."""

    page: Flag = False
    required_roles: NameList = []
    roles_within_minutes: PositiveMinutes = 15
    internal_update_minutes: PositiveMinutes | None = None
    customer_update_minutes: PositiveMinutes | None = None
    executive_update_minutes: PositiveMinutes | None = None
    surfaces: NameList = ["internal"]
    postmortem_required: Flag = False
    review_window_days: PositiveCount | None = None
    action_due_days: PositiveCount = 30


class SeverityLevel(Record):
    """One level of the severity policy; levels are listed most severe first."""

    name: Name
    intent: Text
    criteria: TextList = []
    examples: TextList = []
    response: ResponsePattern = ResponsePattern()


class RoleSpec(Record):
    """A coordination role and what it does and does not do."""

    name: Name
    title: Text
    responsibilities: TextList = []
    not_responsible_for: TextList = []


class Hooks(Record):
    """Commands run with the incident as JSON on stdin (never through a shell)."""

    page: list[Text] = []
    timeout_seconds: PositiveCount = 30


class AutoDeclare(Record):
    """Declare an incident automatically for alert groups whose labels match."""

    match: dict[Text, Text]
    severity: Name
    title: OptText = None


class AlertSettings(Record):
    """Deduplication and correlation of alerts (see docs/alerts.md)."""

    group_by: TextList = ["service", "alertname"]
    group_window_minutes: PositiveCount = 30
    fingerprint_labels: TextList = []
    auto_declare: list[AutoDeclare] = []
    flush_seconds: PositiveCount = 30
    max_request_bytes: PositiveCount = 1048576


class RunbookSettings(Record):
    """How fresh game-day exercises must be."""

    exercise_within_days: PositiveCount = 90


class LintSettings(Record):
    """Repo-wide lint settings."""

    disable: TextList = []
    strict: Flag = False
    overdue_actions: Literal["warning", "error"] = "warning"


class PolicySettings(Record):
    """Since when the response policy (roles to fill, reviews to write) applies."""

    # Incidents declared before this day are history the policy never governed. Unset:
    # the policy applies to every incident declared with incidentctl, not to imported ones.
    applies_from: OptDay = None


class CatalogSettings(Record):
    """Where the service catalog is (docs/file-format.md#service-catalog)."""

    # Files or folders of Backstage descriptors (catalog-info.yaml) or native catalog
    # files, relative to the records repo and inside its git work tree.
    locations: TextList = []


class Config(Record):
    """``.incidentctl.yaml``."""

    version: Count = 1
    timezone: Text = "UTC"
    severities: list[SeverityLevel]
    roles: list[RoleSpec]
    services: NameList = []
    categories: NameList = []
    statuspage_title: OptText = None
    repeat_lookback_days: PositiveCount = 365
    repeat_same_service: Flag = False
    lint: LintSettings = LintSettings()
    policy: PolicySettings = PolicySettings()
    classification: Classification = Classification()
    hooks: Hooks = Hooks()
    alerts: AlertSettings = AlertSettings()
    runbooks: RunbookSettings = RunbookSettings()
    catalog: CatalogSettings = CatalogSettings()

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown timezone {value!r} (use an IANA name like Europe/Berlin)"
            ) from None
        return value

    def consistency(self) -> list[tuple[tuple[str | int, ...], str]]:
        """Cross-field problems, each with the path of the value at fault."""
        found: list[tuple[tuple[str | int, ...], str]] = []
        if not self.severities:
            found.append((("severities",), "at least one severity level is required"))
        seen: set[str] = set()
        for i, level in enumerate(self.severities):
            if level.name in seen:
                found.append(
                    (("severities", i, "name"), f"severity {level.name!r} is defined twice")
                )
            seen.add(level.name)
        roles: set[str] = set()
        for i, role in enumerate(self.roles):
            if role.name in roles:
                found.append((("roles", i, "name"), f"role {role.name!r} is defined twice"))
            roles.add(role.name)
        for i, level in enumerate(self.severities):
            for j, name in enumerate(level.response.required_roles):
                if name not in roles:
                    found.append(
                        (
                            ("severities", i, "response", "required_roles", j),
                            f"severity {level.name!r} requires unknown role {name!r} "
                            f"(roles: {', '.join(sorted(roles))})",
                        )
                    )
        questions = {q.id: q for q in self.classification.questions}
        for i, rule in enumerate(self.classification.rules):
            if rule.severity not in seen:
                found.append(
                    (
                        ("classification", "rules", i, "severity"),
                        f"unknown severity {rule.severity!r}",
                    )
                )
            for key, condition in rule.when.items():
                question = questions.get(key)
                if question is None:
                    found.append(
                        (("classification", "rules", i, "when", key), f"unknown question {key!r}")
                    )
                    continue
                try:
                    from incidentctl.policy import parse_condition

                    parse_condition(question.kind, condition)
                except ValueError as exc:
                    found.append((("classification", "rules", i, "when", key), str(exc)))
        return found

    def severity_names(self) -> list[str]:
        """Level names, most severe first."""
        return [level.name for level in self.severities]

    def level(self, name: str) -> SeverityLevel:
        """The policy level called ``name``."""
        for level in self.severities:
            if level.name == name:
                return level
        raise KeyError(name)

    def role_names(self) -> list[str]:
        """Role names in the configured order."""
        return [role.name for role in self.roles]
