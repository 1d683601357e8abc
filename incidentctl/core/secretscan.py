"""Detect secrets in text before it reaches a commit (gitleaks' default formats and more).

A secret that reaches a pushed commit is compromised, so every text is scanned before any
file is written (:func:`incidentctl.core.text.refuse_secrets` and the write transaction),
and ``lint`` scans every record. The rules live in :mod:`incidentctl.core.secretrules`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from incidentctl.core.secretrules import RULES, SecretRule

__all__ = ["RULES", "SecretMatch", "SecretRule", "redact", "scan", "spans"]


@dataclass(frozen=True)
class SecretMatch:
    """A secret found in text: which rule, where, and a redacted excerpt."""

    rule: str
    description: str
    line: int
    excerpt: str


# Every rule needs one of these; most texts contain none, so one search skips them all.
_HINTS = re.compile(
    r"(?i)AKIA|ASIA|ABIA|ACCA|A3T|aws|gh[pousr]_|github_pat_|gl[a-z]{1,5}-|xox|xapp-|hooks\.|"
    r"webhook|_live_|_test_|_prod_|whsec_|sk-|npm_|pypi-|SG\.|key|SK[0-9a-f]|shp|AIza|"
    r"private|vault|hv[sbr]\.|atlasv1|_v1_|dapi|gl[cs]|hf_|lin_api|PMAK|NR[AIJ]|dp\.|fo1_|"
    r":AA|-----|MII|MHcCAQEE|MC4CAQAw|b3BlbnNzaC|LS0t|0tLS0t|tLS0t|eyJ|://|bearer|basic|"
    r"authori[sz]ation|secret|token|passw|pwd|pass|credential|django"
)
# Characters that may stand between two halves of a key split over lines.
_JOIN = re.compile(r"[\"'`+\\\s]*\n[\"'`+\\\s>#*-]*")


def _redact(text: str) -> str:
    if len(text) <= 8:
        return text[:2] + "…"
    return text[:4] + "…" + f"({len(text)} chars)"


def _rule_spans(rule: SecretRule, text: str) -> list[tuple[int, int]]:
    found = []
    for match in rule.pattern.finditer(text):
        group = rule.group if match.group(rule.group) is not None else 0
        value = match.group(group)
        if rule.check is not None and not rule.check(value):
            continue
        found.append(match.span(group))
    return found


def _joined(text: str) -> tuple[str, list[int]]:
    """``text`` with line breaks (and quotes or ``+`` around them) removed, and where each
    character of the result came from."""
    pieces: list[str] = []
    origin: list[int] = []
    last = 0
    for gap in _JOIN.finditer(text):
        pieces.append(text[last : gap.start()])
        origin.extend(range(last, gap.start()))
        last = gap.end()
    pieces.append(text[last:])
    origin.extend(range(last, len(text)))
    origin.append(len(text))
    return "".join(pieces), origin


def spans(
    text: str, *, disabled: frozenset[str] = frozenset()
) -> list[tuple[int, int, SecretRule]]:
    """Every secret in ``text`` as (start, end, rule), in order, overlaps kept."""
    if not _HINTS.search(text):
        return []
    found: list[tuple[int, int, SecretRule]] = []
    for rule in RULES:
        if rule.id not in disabled:
            found.extend((start, end, rule) for start, end in _rule_spans(rule, text))
    if "\n" in text:
        joined, origin = _joined(text)
        starts = {start for start, _, _ in found}
        for rule in RULES:
            if not rule.joinable or rule.id in disabled:
                continue
            for start, end in _rule_spans(rule, joined):
                begin, finish = origin[start], origin[end - 1] + 1
                if begin not in starts and "\n" in text[begin:finish]:
                    found.append((begin, finish, rule))
    found.sort(key=lambda hit: (hit[0], -hit[1]))
    return found


def scan(text: str, *, disabled: frozenset[str] = frozenset()) -> list[SecretMatch]:
    """Every secret in ``text``, with 1-based line numbers and redacted excerpts."""
    found: list[SecretMatch] = []
    seen: set[tuple[int, int]] = set()
    for start, end, rule in spans(text, disabled=disabled):
        if (start, end) in seen:
            continue
        seen.add((start, end))
        line = text.count("\n", 0, start) + 1
        found.append(SecretMatch(rule.id, rule.description, line, _redact(text[start:end])))
    return found


def redact(text: str) -> str:
    """``text`` with every secret-looking span replaced by ``[redacted <rule>]``."""
    hits = spans(text)
    if not hits:
        return text
    out: list[str] = []
    position = 0
    for start, end, rule in hits:
        if end <= position:
            continue
        out.append(text[position : max(start, position)])
        out.append(f"[redacted {rule.id}]")
        position = end
    out.append(text[position:])
    return "".join(out)
