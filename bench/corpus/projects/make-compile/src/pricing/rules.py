"""Pricing rules: volume discounts by customer tier."""

TIERS = {
    "bronze": [(10, 0.02), (100, 0.05)],
    "silver": [(10, 0.05), (100, 0.10)],
    "gold": [(1, 0.10), (100, 0.15)],
}


def discount(tier: str, quantity: int) -> float:
    rate = 0.0
    for threshold, value in TIERS.get(tier, []):
        if quantity >= threshold:
            rate = value
    return rate


def price(unit: float, tier: str, quantity: int) -> float:
    return round(unit * quantity * (1 - discount(tier, quantity), 2)
