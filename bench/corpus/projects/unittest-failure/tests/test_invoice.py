import unittest
from decimal import Decimal

from billing.invoice import gross, tax


class TestTax(unittest.TestCase):
    def test_germany(self):
        self.assertEqual(tax(Decimal("100.00"), "DE"), Decimal("19.00"))

    def test_unknown_country_is_untaxed(self):
        self.assertEqual(tax(Decimal("100.00"), "XX"), Decimal("0.00"))

    def test_austria(self):
        self.assertEqual(tax(Decimal("100.00"), "AT"), Decimal("20.00"))


class TestGross(unittest.TestCase):
    def test_gross_france(self):
        self.assertEqual(gross(Decimal("50.00"), "FR"), Decimal("60.00"))

    def test_gross_rounding(self):
        self.assertEqual(gross(Decimal("0.05"), "LU"), Decimal("0.06"))


if __name__ == "__main__":
    unittest.main()
