"""Descriptive statistics over latency samples."""

from __future__ import annotations

import math


def mean(values: list[float]) -> float:
    return sum(values) / len(values)


def percentile(values: list[float], p: float) -> float:
    if not values:
        raise ValueError("no samples")
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lo, hi = math.floor(k), math.ceil(k)
    if lo == hi:
        return ordered[int(k)]
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def stddev(values: list[float]) -> float:
    m = mean(values)
    return math.sqrt(sum((v - m) ** 2 for v in values) / (len(values) - 1))


def summary(values: list[float]) -> dict[str, float]:
    return {
        "mean": mean(values),
        "p50": percentile(values, 50),
        "p95": percentile(values, 95),
        "p99": percentile(values, 99),
        "stddev": stddev(values),
    }
