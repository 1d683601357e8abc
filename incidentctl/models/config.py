"""The records repo's configuration (``.incidentctl.yaml``): timezone, severity policy, roles."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, field_validator

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


_AMOUNT = re.compile(r"[0-9]{1,9}(?:\.[0-9]{1,6})?")


def _amount(value: Any) -> Any:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str) and _AMOUNT.fullmatch(value):
        return float(value)
    raise ValueError(f"expected a number such as 120 or 1.5, got {value!r}")


Amount = Annotated[float, Field(ge=0, le=1e9), BeforeValidator(_amount)]


class CostModel(Record):
    """``cost:``: what an incident costs (docs/metrics.md "Incident cost")."""

    currency: Name = "usd"
    hourly_rate: Amount = 100.0
    role_rates: dict[Name, Amount] = {}
    multipliers: dict[Literal["working", "evening", "sleeping"], Amount] = {}
    review_hours: dict[Name, Amount] = {}
    action_hours: Amount = 0.0


class CatalogSettings(Record):
    """Where the service catalog is (docs/file-format.md#service-catalog)."""

    # Files or folders of Backstage descriptors (catalog-info.yaml) or native catalog
    # files, relative to the records repo and inside its git work tree.
    locations: TextList = []


FIELD_TYPES = ("string", "enum", "number", "boolean", "person", "service", "url")
FieldType = Literal["string", "enum", "number", "boolean", "person", "service", "url"]
Requirement = Literal["resolve", "review"]


class FieldSpec(Record):
    """A custom field (docs/file-format.md#custom-fields-and-incident-types)."""

    name: Name
    type: FieldType = "string"
    values: TextList = Field(default=[], description="the allowed values of an enum field")
    required: Requirement | None = Field(
        default=None,
        description="set before the incident may be resolved (resolve) or its post-mortem "
        "marked reviewed (review); unset: optional",
    )
    description: OptText = None


class TypeSpec(Record):
    """An incident type (``declare --type``)."""

    name: Name
    description: OptText = None
    required_fields: dict[Name, Requirement] = Field(
        default={}, description="fields this type requires, and before what"
    )
    postmortem_required: Flag | None = Field(
        default=None, description="overrides the severity's postmortem_required"
    )
    counts_in_metrics: Flag = Field(
        default=True, description="false: left out of report figures (excluded as 'type')"
    )
    template: OptText = Field(
        default=None, description="post-mortem template file for this type (templates/...)"
    )
    suggest_when: dict[Name, Text] = Field(
        default={},
        description="classify suggests this type when these answers hold "
        "(same conditions as classification rules)",
    )


class PrivateSettings(Record):
    """Where private incidents keep their narrative (docs/file-format.md#private-incidents)."""

    # A separate records repo (its own git repo, outside this one), relative to this repo.
    repo: OptText = None


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
    cost: CostModel = CostModel()
    catalog: CatalogSettings = CatalogSettings()
    fields: list[FieldSpec] = []
    types: list[TypeSpec] = []
    private: PrivateSettings = PrivateSettings()

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
        found += self._organisation()
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
                    from incidentctl.models.policy import parse_condition

                    parse_condition(question.kind, condition)
                except ValueError as exc:
                    found.append((("classification", "rules", i, "when", key), str(exc)))
        return found

    def _organisation(self) -> list[tuple[tuple[str | int, ...], str]]:
        """Custom fields and incident types that do not add up."""
        found: list[tuple[tuple[str | int, ...], str]] = []
        names: set[str] = set()
        for i, spec in enumerate(self.fields):
            if spec.name in names:
                found.append((("fields", i, "name"), f"field {spec.name!r} is defined twice"))
            names.add(spec.name)
            if spec.type == "enum" and not spec.values:
                found.append((("fields", i, "values"), f"enum field {spec.name!r} needs values"))
            if spec.type != "enum" and spec.values:
                found.append(
                    (("fields", i, "values"), f"only an enum field has values ({spec.name!r})")
                )
        types: set[str] = set()
        questions = {q.id: q for q in self.classification.questions}
        for i, kind in enumerate(self.types):
            if kind.name in types:
                found.append((("types", i, "name"), f"type {kind.name!r} is defined twice"))
            types.add(kind.name)
            for field_name in kind.required_fields:
                if field_name not in names:
                    found.append(
                        (
                            ("types", i, "required_fields", field_name),
                            f"type {kind.name!r} requires unknown field {field_name!r}",
                        )
                    )
            for key, condition in kind.suggest_when.items():
                question = questions.get(key)
                if question is None:
                    found.append((("types", i, "suggest_when", key), f"unknown question {key!r}"))
                    continue
                try:
                    from incidentctl.models.policy import parse_condition

                    parse_condition(question.kind, condition)
                except ValueError as exc:
                    found.append((("types", i, "suggest_when", key), str(exc)))
        return found

    def field(self, name: str) -> FieldSpec | None:
        """The custom field called ``name``."""
        return next((f for f in self.fields if f.name == name), None)

    def incident_type(self, name: str) -> TypeSpec | None:
        """The incident type called ``name`` (None for an undeclared ``default``)."""
        return next((t for t in self.types if t.name == name), None)

    def postmortem_required(self, type_name: str, severity: str) -> bool:
        """Whether an incident of this type and severity needs a post-mortem: the type's
        ``postmortem_required`` when it sets one, else the severity's."""
        kind = self.incident_type(type_name)
        if kind is not None and kind.postmortem_required is not None:
            return kind.postmortem_required
        if severity not in self.severity_names():
            return False
        return self.level(severity).response.postmortem_required

    def required_fields(self, type_name: str, before: str) -> list[str]:
        """Fields that must be set before ``before`` (resolve or review) for the type."""
        kind = self.incident_type(type_name)
        wanted = [f.name for f in self.fields if f.required == before]
        if kind is not None:
            wanted += [n for n, when in kind.required_fields.items() if when == before]
        return sorted(set(wanted))

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
