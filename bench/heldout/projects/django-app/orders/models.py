from decimal import Decimal

from django.db import models


class Order(models.Model):
    customer = models.CharField(max_length=100)
    subtotal = models.DecimalField(max_digits=10, decimal_places=2)
    coupon = models.CharField(max_length=20, blank=True)

    def total(self) -> Decimal:
        rate = COUPONS[self.coupon] if self.coupon else Decimal("0")
        return (self.subtotal * (1 - rate)).quantize(Decimal("0.01"))

    def shipping(self) -> Decimal:
        return Decimal("0") if self.subtotal > 50 else Decimal("4.99")


COUPONS = {"SPRING10": Decimal("0.10")}
