"""Detect secrets in text before it reaches a commit (rules in the spirit of gitleaks' defaults).

A secret that reaches a pushed commit is compromised, so messages are scanned before any
file is written, and ``lint`` scans every record.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class SecretRule:
    """One kind of secret."""

    id: str
    description: str
    pattern: re.Pattern[str]


@dataclass(frozen=True)
class SecretMatch:
    """A secret found in text: which rule, where, and a redacted excerpt."""

    rule: str
    description: str
    line: int
    excerpt: str


RULES: tuple[SecretRule, ...] = (
    SecretRule(
        "aws-access-key-id",
        "AWS access key id",
        re.compile(r"\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b"),
    ),
    SecretRule(
        "aws-secret-access-key",
        "AWS secret access key",
        re.compile(r"(?i)aws.{0,20}?(?:secret|key).{0,20}?[=:]\s*['\"]?[A-Za-z0-9/+]{40}\b"),
    ),
    SecretRule(
        "github-token",
        "GitHub token",
        re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b"),
    ),
    SecretRule(
        "gitlab-token", "GitLab personal access token", re.compile(r"\bglpat-[A-Za-z0-9_-]{20,}\b")
    ),
    SecretRule("slack-token", "Slack token", re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}\b")),
    SecretRule(
        "slack-webhook",
        "Slack webhook URL",
        re.compile(r"https://hooks\.slack\.com/services/[A-Za-z0-9/_-]{20,}"),
    ),
    SecretRule(
        "stripe-key",
        "Stripe secret key",
        re.compile(r"\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{20,}\b"),
    ),
    SecretRule("google-api-key", "Google API key", re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b")),
    SecretRule(
        "private-key",
        "private key block",
        re.compile(r"-----BEGIN (?:[A-Z0-9]+ )?PRIVATE KEY(?: BLOCK)?-----"),
    ),
    SecretRule(
        "jwt",
        "JSON web token",
        re.compile(r"\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}"),
    ),
    SecretRule(
        "password-in-url",
        "password in a URL",
        re.compile(r"\b[a-z][a-z0-9+.-]*://[^\s:/@]+:[^\s/@]{3,}@[^\s/]+", re.IGNORECASE),
    ),
    SecretRule(
        "generic-credential",
        "credential assignment",
        re.compile(
            r"(?i)\b(?:api[_-]?key|secret|token|passw(?:or)?d|pwd)\b\s*[:=]\s*['\"]?"
            r"(?=[A-Za-z0-9_\-+/=.]*\d)[A-Za-z0-9_\-+/=.]{12,}"
        ),
    ),
)


# Every rule needs one of these; most texts contain none, so one search skips them all.
_HINTS = re.compile(
    r"(?i)AKIA|ASIA|ABIA|ACCA|aws|gh[pousr]_|github_pat_|glpat-|xox[abposr]-|hooks\.slack|"
    r"[sr]k_(?:live|test)_|AIza|-----BEGIN|eyJ|://|api[_-]?key|secret|token|passw|pwd"
)


def _redact(text: str) -> str:
    if len(text) <= 8:
        return text[:2] + "…"
    return text[:4] + "…" + f"({len(text)} chars)"


def scan(text: str, *, disabled: frozenset[str] = frozenset()) -> list[SecretMatch]:
    """Every secret in ``text``, with 1-based line numbers and redacted excerpts."""
    found: list[SecretMatch] = []
    if not _HINTS.search(text):
        return found
    for rule in RULES:
        if rule.id in disabled:
            continue
        for match in rule.pattern.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            found.append(SecretMatch(rule.id, rule.description, line, _redact(match.group(0))))
    return found
