"""Invoice totals."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

TAX_RATES = {"DE": Decimal("0.19"), "FR": Decimal("0.20"), "LU": Decimal("0.17")}


def tax(net: Decimal, country: str) -> Decimal:
    rate = TAX_RATES.get(country, Decimal("0"))
    return (net * rate).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def gross(net: Decimal, country: str) -> Decimal:
    return net + tax(net, country)
