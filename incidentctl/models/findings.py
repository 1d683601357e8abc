"""A lint finding and the JSON shape of a lint run (schemas/lint.schema.json)."""

from __future__ import annotations

from incidentctl.models.base import View


class Finding(View):
    """One problem: which rule, how serious, where, what, and how to fix it."""

    rule: str
    severity: str
    path: str
    line: int | None = None
    message: str
    hint: str | None = None


class LintSummary(View):
    """Counts for the whole run."""

    errors: int
    warnings: int
    files_checked: int
    failed: bool


class LintResult(View):
    """``incidentctl lint --format json``."""

    findings: list[Finding]
    summary: LintSummary
