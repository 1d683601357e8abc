"""Collect findings, applying inline markers, rule selection and config."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from incidentctl.lint.rules import RULES, matches
from incidentctl.models.findings import Finding

MARKER = re.compile(r"incidentctl-disable:([^\n]*)")
RULE_NAME = re.compile(r"[a-z][a-z0-9_-]*(?:/[a-z0-9_-]*[a-z0-9])?")


def markers(text: str | None) -> dict[int, frozenset[str]]:
    """Line → rules disabled there. A marker applies to its own line and the next one."""
    found: dict[int, set[str]] = {}
    if not text or "incidentctl-disable" not in text:
        return {}
    for number, line in enumerate(text.split("\n"), start=1):
        match = MARKER.search(line)
        if match:
            names = set(RULE_NAME.findall(match.group(1)))
            for target in (number, number + 1):
                found.setdefault(target, set()).update(names)
    return {k: frozenset(v) for k, v in found.items()}


@dataclass
class Collector:
    """Where checks report; filters what the user selected or disabled."""

    only: frozenset[str] = frozenset()
    disabled: frozenset[str] = frozenset()
    findings: list[Finding] = field(default_factory=list)
    _markers: dict[str, dict[int, frozenset[str]]] = field(default_factory=dict)

    def texts(self, path: str, text: str | None) -> None:
        """Register a file's text so its inline markers apply."""
        marks = markers(text)
        if marks:
            self._markers[path] = marks

    def enabled(self, rule: str) -> bool:
        if self.only and not matches(rule, self.only):
            return False
        return not matches(rule, self.disabled)

    def add(
        self,
        rule: str,
        path: str,
        line: int | None,
        message: str,
        hint: str | None = None,
        severity: str | None = None,
    ) -> None:
        if not self.enabled(rule):
            return
        if line is not None:
            local = self._markers.get(path, {}).get(line, frozenset())
            if matches(rule, local):
                return
        self.findings.append(
            Finding(
                rule=rule,
                severity=severity or RULES[rule].severity,
                path=path,
                line=line,
                message=message,
                hint=hint,
            )
        )

    def share(self) -> Collector:
        """An empty collector with the same selection, for one share of the tree."""
        return Collector(only=self.only, disabled=self.disabled)

    def absorb(self, other: Collector) -> None:
        """Take another collector's findings and markers (from a share of the tree)."""
        self.findings.extend(other.findings)
        self._markers.update(other._markers)
