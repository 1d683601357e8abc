"""Earlier incidents that look like this one: candidates for ``recurrence_of``.

Ranked by a score with its reasons: same root-cause class, shared services, shared
contributing-factor tags, and word overlap of titles and summaries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from incidentctl.models.views import IncidentView

WORD = re.compile(r"[a-z0-9]{3,}")
STOP = {
    "the",
    "and",
    "for",
    "with",
    "from",
    "after",
    "during",
    "not",
    "are",
    "was",
    "were",
    "has",
    "have",
    "our",
    "all",
    "some",
    "into",
    "out",
    "due",
    "down",
    "errors",
    "error",
    "issue",
    "incident",
}


@dataclass(frozen=True)
class Match:
    """An earlier incident and why it looks similar."""

    id: str
    title: str
    score: float
    reasons: list[str]


def _words(text: str) -> set[str]:
    return {w for w in WORD.findall(text.lower()) if w not in STOP}


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def rank(
    target: IncidentView,
    others: list[IncidentView],
    factors: dict[str, set[str]] | None = None,
    limit: int = 5,
) -> list[Match]:
    """Incidents detected before ``target`` that resemble it, best first."""
    factors = factors or {}
    mine = factors.get(target.id, set())
    words = _words(f"{target.title} {target.summary}")
    matches = []
    for other in others:
        if other.id == target.id or other.drill or other.duplicate_of or other.status == "declined":
            continue
        if target.detected_at and other.detected_at and other.detected_at >= target.detected_at:
            continue
        score = 0.0
        reasons = []
        if target.root_cause_class and other.root_cause_class == target.root_cause_class:
            score += 3
            reasons.append(f"same root-cause class {target.root_cause_class}")
        shared = sorted(set(target.services) & set(other.services))
        if shared:
            score += 1.5
            reasons.append(f"same service {', '.join(shared)}")
        tags = sorted(mine & factors.get(other.id, set()))
        if tags:
            score += 2 * len(tags)
            reasons.append(f"shared contributing factors {', '.join(tags)}")
        overlap = _jaccard(words, _words(f"{other.title} {other.summary}"))
        if overlap >= 0.2:
            score += 3 * overlap
            reasons.append(f"similar wording ({overlap:.0%} shared words)")
        if score >= 1.5:
            matches.append(Match(other.id, other.title, round(score, 2), reasons))
    matches.sort(key=lambda m: (-m.score, m.id))
    return matches[:limit]
