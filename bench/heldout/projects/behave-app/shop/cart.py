"""A small shopping cart."""

PRICES = {"apple": 120, "pear": 90}


class Cart:
    def __init__(self):
        self.items = []

    def add(self, name, quantity=1):
        self.items.append((name, quantity))

    def total(self):
        return sum(PRICES[name] for name, quantity in self.items)

    def unit_price(self, name):
        return PRICES[name.lower()]
