from decimal import Decimal

from django.test import TestCase

from .models import Order


class OrderTotalTests(TestCase):
    def test_spring_coupon_takes_ten_percent(self):
        order = Order.objects.create(customer="ada", subtotal=Decimal("80.00"), coupon="SPRING10")
        self.assertEqual(order.total(), Decimal("72.00"))

    def test_unknown_coupon_is_ignored(self):
        order = Order.objects.create(customer="bob", subtotal=Decimal("20.00"), coupon="WINTER5")
        self.assertEqual(order.total(), Decimal("20.00"))


class OrderShippingTests(TestCase):
    def test_free_shipping_from_fifty(self):
        order = Order(customer="cy", subtotal=Decimal("50.00"))
        self.assertEqual(order.shipping(), Decimal("0"))

    def test_small_orders_pay_shipping(self):
        order = Order(customer="di", subtotal=Decimal("12.00"))
        self.assertEqual(order.shipping(), Decimal("4.99"))
