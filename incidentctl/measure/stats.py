"""Aggregates over a population of durations: n, mean, median, p90, min, max."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence

from incidentctl.models.report import Aggregate


def p90(values: Sequence[float]) -> float:
    """The 90th percentile by linear interpolation between closest ranks.

    Same as ``statistics.quantiles(values, n=10, method="inclusive")[8]``, and defined for a
    single value (which is its own p90).
    """
    ordered = sorted(values)
    if len(ordered) == 1:
        return float(ordered[0])
    return statistics.quantiles(ordered, n=10, method="inclusive")[8]


def aggregate(values: Sequence[float]) -> Aggregate:
    """The summary of ``values`` (seconds); every figure is null when there are none."""
    if not values:
        return Aggregate(
            n=0, sum_s=None, mean_s=None, median_s=None, p90_s=None, min_s=None, max_s=None
        )
    return Aggregate(
        n=len(values),
        sum_s=round(math.fsum(values), 3),
        mean_s=round(statistics.fmean(values), 3),
        median_s=round(float(statistics.median(values)), 3),
        p90_s=round(p90(values), 3),
        min_s=float(min(values)),
        max_s=float(max(values)),
    )
