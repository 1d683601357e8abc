"""Blameless language: phrases that put people, not conditions, at the centre.

Each rule has a suggested reframing. A deliberate use is acknowledged with an inline
marker: ``<!-- incidentctl-disable: blameless/should-have -->`` on the line before.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from incidentctl.learn.readerview import reader_text


@dataclass(frozen=True)
class Phrase:
    """A blaming phrase and a better way to say it."""

    id: str
    pattern: re.Pattern[str]
    suggestion: str


PHRASES = (
    Phrase(
        "blameless/human-error",
        re.compile(r"\bhuman[- ]error\b", re.I),
        "describe the conditions that made the action easy to get wrong (a missing "
        "guardrail, a confusing tool, time pressure)",
    ),
    Phrase(
        "blameless/should-have",
        re.compile(r"\bshould(?:'ve| have)\b", re.I),
        "hindsight is not a contributing factor: say what the system made hard to see",
    ),
    Phrase(
        "blameless/failed-to",
        re.compile(r"\bfailed to\b", re.I),
        "say what did not happen and what would have made it happen",
    ),
    Phrase(
        "blameless/careless",
        re.compile(
            r"\b(careless(?:ly|ness)?|negligen(?:t|ce)|sloppy|lazy|incompeten(?:t|ce)|reckless"
            r"|stupid|dumb)\b",
            re.I,
        ),
        "describe the work as it was done and the pressures on it, not a trait",
    ),
    Phrase(
        "blameless/personal-fault",
        re.compile(r"\b[A-Z][a-z]+'s (?:mistake|error|fault|screw-?up|blunder)\b"),
        "name the mechanism (the change, the check that was missing), not the person",
    ),
    Phrase(
        "blameless/blame",
        re.compile(r"\b(?:to blame|at fault|blamed?|the culprit)\b", re.I),
        "look for contributing factors in the system rather than a person at fault",
    ),
)


@dataclass(frozen=True)
class Hit:
    """A phrase found in a post-mortem."""

    rule: str
    line: int
    phrase: str
    suggestion: str


def check(
    text: str,
    *,
    people: set[str] = frozenset(),  # type: ignore[assignment]
    skip_sections: tuple[str, ...] = ("timeline",),
    first_line: int = 1,
) -> list[Hit]:
    """Every blaming phrase in ``text`` (Markdown), skipping factual sections."""
    hits: list[Hit] = []
    skipping = False
    for offset, line in enumerate(text.split("\n")):
        heading = re.match(r"#{1,6}\s+(.*)", line)
        if heading:
            skipping = heading.group(1).strip().lower() in skip_sections
            continue
        if skipping:
            continue
        seen = reader_text(line)  # "care\u200bless", "&#115;hould have" read as words
        for phrase in PHRASES:
            for match in phrase.pattern.finditer(seen):
                hits.append(Hit(phrase.id, first_line + offset, match.group(0), phrase.suggestion))
    return hits


def person_as_cause(factor: str, people: set[str]) -> str | None:
    """The person named in a contributing factor, if any."""
    factor = reader_text(factor)
    for person in people:
        if len(person) >= 2 and re.search(rf"(?<!\w){re.escape(person)}(?!\w)", factor, re.I):
            return person
    return None
