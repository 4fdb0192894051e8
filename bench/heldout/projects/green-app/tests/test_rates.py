import unittest

from shipping.rates import parcels, rate


class RateTests(unittest.TestCase):
    def test_domestic_one_kilo(self):
        self.assertEqual(rate(1, "domestic"), 4.5)

    def test_eu_three_kilos(self):
        self.assertEqual(rate(3, "eu"), 12.6)

    def test_unknown_zone_uses_world_rate(self):
        self.assertEqual(rate(2, "mars"), rate(2, "world"))


class ParcelTests(unittest.TestCase):
    def test_heavy_order_is_split(self):
        self.assertEqual(parcels(45), 3)

    def test_light_order_is_one_parcel(self):
        self.assertEqual(parcels(5), 1)
