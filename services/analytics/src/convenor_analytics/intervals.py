"""Small statistics the indicators share: Wilson score intervals, quantiles, and the
Kaplan-Meier median for turnaround times where some requests are still open (censored)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from scipy.stats import norm


@dataclass(frozen=True)
class Interval:
    low: float
    high: float
    confidence: float
    method: str = "wilson"

    def as_dict(self) -> dict[str, float | str]:
        return {
            "method": self.method,
            "confidence": self.confidence,
            "low": self.low,
            "high": self.high,
        }


@cache
def _z(confidence: float) -> float:
    return float(norm.ppf(1 - (1 - confidence) / 2))


def wilson(successes: int, n: int, confidence: float = 0.95) -> Interval | None:
    """The Wilson score interval of a proportion (None when there are no trials)."""
    if n <= 0:
        return None
    z = _z(confidence)
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return Interval(max(0.0, centre - half), min(1.0, centre + half), confidence)


def quantile(values: Sequence[float], q: float) -> float | None:
    """Linear-interpolation quantile (PostgreSQL's ``percentile_cont``); None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    below = math.floor(position)
    above = math.ceil(position)
    if below == above:
        return float(ordered[below])
    return float(ordered[below] + (ordered[above] - ordered[below]) * (position - below))


def kaplan_meier_median(durations: Sequence[float], observed: Sequence[bool]) -> float | None:
    """The Kaplan-Meier median: the first time the survival estimate falls to 0.5 or below.

    ``observed`` is False for a censored duration (a request still open after that long).
    None when survival never falls that far (more than half are still open).
    """
    events = sorted(zip(durations, observed, strict=True))
    at_risk = len(events)
    survival = 1.0
    index = 0
    while index < len(events):
        time = events[index][0]
        deaths = censored = 0
        while index < len(events) and events[index][0] == time:
            if events[index][1]:
                deaths += 1
            else:
                censored += 1
            index += 1
        if deaths and at_risk:
            survival *= 1 - deaths / at_risk
            if survival <= 0.5:
                return float(time)
        at_risk -= deaths + censored
    return None
