"""Severity order and what a severity history says: the one place both are defined.

The order is the config's list of levels, most severe first; a name the config does not
know ranks after every known level.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol


class _Change(Protocol):
    @property
    def from_(self) -> str | None: ...

    @property
    def to(self) -> str: ...


def rank(severity: str, order: Sequence[str]) -> int:
    """0 for the most severe level; unknown names rank last."""
    return order.index(severity) if severity in order else len(order)


def more_severe(a: str, b: str, order: Sequence[str]) -> bool:
    """Whether ``a`` is a more severe level than ``b``."""
    return rank(a, order) < rank(b, order)


def most_severe(levels: Sequence[str], order: Sequence[str]) -> str:
    """The most severe of ``levels`` (the first one on a tie)."""
    return min(levels, key=lambda s: rank(s, order))


@dataclass(frozen=True)
class Changes:
    """The severity changes of one incident: upgrades (escalations), downgrades, pairs."""

    upgrades: int
    downgrades: int
    pairs: tuple[str, ...]

    @property
    def changed(self) -> bool:
        """Whether the severity changed at all after the declaration."""
        return bool(self.pairs)


def changes(history: Sequence[_Change], order: Sequence[str]) -> Changes:
    """Count the steps of a severity history (its first entry is the declared level)."""
    ups = downs = 0
    pairs: list[str] = []
    for change in history[1:]:
        if change.from_ is None or change.from_ == change.to:
            continue
        pairs.append(f"{change.from_}->{change.to}")
        if more_severe(change.to, change.from_, order):
            ups += 1
        else:
            downs += 1
    return Changes(ups, downs, tuple(pairs))
