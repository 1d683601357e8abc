"""The records repo's configuration (``.incidentctl.yaml``): timezone, severity policy, roles."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, field_validator, model_validator

from incidentctl.models.base import Record
from incidentctl.models.fields import Count, Flag, Name, NameList, OptText, Text, TextList

PositiveMinutes = Annotated[Count, Field(gt=0)]


class ResponsePattern(Record):
    """What a severity level sets in motion."""

    page: Flag = False
    required_roles: NameList = []
    roles_within_minutes: PositiveMinutes = 15
    internal_update_minutes: PositiveMinutes | None = None
    customer_update_minutes: PositiveMinutes | None = None
    surfaces: NameList = ["internal"]
    postmortem_required: Flag = False
    review_window_days: Annotated[Count, Field(gt=0)] | None = None
    action_due_days: Annotated[Count, Field(gt=0)] = 30


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


class LintSettings(Record):
    """Repo-wide lint settings."""

    disable: TextList = []
    strict: Flag = False


class Config(Record):
    """``.incidentctl.yaml``."""

    version: Count = 1
    timezone: Text = "UTC"
    severities: list[SeverityLevel]
    roles: list[RoleSpec]
    services: NameList = []
    categories: NameList = []
    statuspage_title: OptText = None
    repeat_lookback_days: Annotated[Count, Field(gt=0)] = 365
    repeat_same_service: Flag = False
    lint: LintSettings = LintSettings()

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

    @model_validator(mode="after")
    def _consistent(self) -> Config:
        if not self.severities:
            raise ValueError("at least one severity level is required")
        seen: set[str] = set()
        for level in self.severities:
            if level.name in seen:
                raise ValueError(f"severity {level.name!r} is defined twice")
            seen.add(level.name)
        roles: set[str] = set()
        for role in self.roles:
            if role.name in roles:
                raise ValueError(f"role {role.name!r} is defined twice")
            roles.add(role.name)
        for level in self.severities:
            for name in level.response.required_roles:
                if name not in roles:
                    raise ValueError(
                        f"severity {level.name!r} requires unknown role {name!r} "
                        f"(roles: {', '.join(sorted(roles))})"
                    )
        return self

    def severity_names(self) -> list[str]:
        """Level names, most severe first."""
        return [level.name for level in self.severities]

    def severity_rank(self, name: str) -> int:
        """0 for the most severe level; larger is less severe."""
        return self.severity_names().index(name)

    def level(self, name: str) -> SeverityLevel:
        """The policy level called ``name``."""
        for level in self.severities:
            if level.name == name:
                return level
        raise KeyError(name)

    def role_names(self) -> list[str]:
        """Role names in the configured order."""
        return [role.name for role in self.roles]
