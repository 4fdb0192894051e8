"""Stock movements and the reports built from them."""

from __future__ import annotations

from dataclasses import dataclass

from inventory.pricing import weighted_average


@dataclass(frozen=True)
class Movement:
    sku: str
    quantity: int
    unit_cost: float


def receipts(movements: list[Movement], sku: str) -> list[tuple[float, int]]:
    return [(m.unit_cost, m.quantity) for m in movements if m.sku == sku and m.quantity > 0]


def average_cost(movements: list[Movement], sku: str) -> float:
    return weighted_average(receipts(movements, sku))


def restock_report(movements: list[Movement], skus: list[str]) -> dict[str, float]:
    report = {}
    for sku in skus:
        report[sku] = round(average_cost(movements, sku), 2)
    return report
