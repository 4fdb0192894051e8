import unittest

from ledger.book import Ledger


class LedgerTest(unittest.TestCase):
    def setUp(self):
        self.ledger = Ledger()
        self.ledger.post("cash", 100)
        self.ledger.post("cash", -30)

    def test_balance(self):
        self.assertEqual(self.ledger.balance("cash"), 70)

    def test_refund_is_credited(self):
        self.ledger.post("cash", 15)
        self.assertEqual(self.ledger.balance("cash"), 95)

    def test_average_of_empty_account(self):
        self.assertEqual(self.ledger.average("bank"), 0)
