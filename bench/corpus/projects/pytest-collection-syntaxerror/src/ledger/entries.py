"""Double-entry ledger lines."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Entry:
    account: str
    amount: Decimal

    def is_debit(self) -> bool
        return self.amount > 0


def balance(entries: list[Entry]) -> Decimal:
    return sum((e.amount for e in entries), Decimal(0))
