from decimal import Decimal

from ledger.entries import Entry, balance


def test_balance():
    assert balance([Entry("cash", Decimal("10")), Entry("bank", Decimal("-10"))]) == 0
