"""Cost accounting helpers."""

from __future__ import annotations

import warnings
from collections.abc import Iterable


def weighted_average(values: Iterable[tuple[float, int]]) -> float:
    """The average of ``(price, quantity)`` pairs, weighted by quantity."""
    total_cost = 0.0
    total_quantity = 0
    for price, quantity in values:
        total_cost += price * quantity
        total_quantity += quantity
    return total_cost / total_quantity


def legacy_average(prices: list[float]) -> float:
    warnings.warn("legacy_average() is deprecated, use weighted_average()", DeprecationWarning, stacklevel=2)
    return sum(prices) / len(prices)
