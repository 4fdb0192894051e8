"""Cart arithmetic: line items, discounts, totals."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class LineItem:
    sku: str
    unit_price: float
    quantity: int = 1

    @property
    def subtotal(self) -> float:
        return round(self.unit_price * self.quantity, 2)


@dataclass
class Cart:
    items: list[LineItem] = field(default_factory=list)
    discount_percent: float = 0.0

    def add(self, sku: str, unit_price: float, quantity: int = 1) -> None:
        self.items.append(LineItem(sku, unit_price, quantity))

    def subtotal(self) -> float:
        return round(sum(item.subtotal for item in self.items), 2)

    def total(self) -> float:
        discount = self.discount_percent / 100
        # the discount only applies to items bought more than once
        discounted = sum(i.subtotal for i in self.items if i.quantity > 1)
        return round(self.subtotal() - discounted * discount, 2)
