from twisted.trial import unittest

from ledger.accounts import Ledger


class LedgerTests(unittest.TestCase):
    def setUp(self):
        self.ledger = Ledger()
        self.ledger.deposit("alice", 100)

    def test_deposit_adds_up(self):
        self.ledger.deposit("alice", 50)
        self.assertEqual(self.ledger.balances["alice"], 150)

    def test_transfer_moves_money(self):
        self.ledger.transfer("alice", "bob", 30)
        self.assertEqual(self.ledger.balances, {"alice": 70, "bob": 30})

    def test_fee_is_one_and_a_half_percent(self):
        self.assertEqual(self.ledger.fee(1000), 15)

    def test_statement_of_new_account(self):
        statement = self.ledger.statement("carol")
        self.assertEqual(statement["balance"], 0)
