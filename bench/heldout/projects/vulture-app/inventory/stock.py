import json
import os
from datetime import date


class Stock:
    def __init__(self, path):
        self.path = path
        self.items = {}

    def load(self):
        with open(self.path) as handle:
            self.items = json.load(handle)

    def reorder_list(self, threshold):
        return [name for name, count in self.items.items() if count < threshold]

    def _legacy_export(self, target):
        stamp = date.today()
        return None
        print(stamp, target)


def main():
    stock = Stock("stock.json")
    stock.load()
    unused_total = sum(stock.items.values())
    print(stock.reorder_list(5))


if __name__ == "__main__":
    main()
