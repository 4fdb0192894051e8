from dataclasses import dataclass
@dataclass
class Order:
    id: int
    items: list
    def total(self):
        return sum([ i['price']*i['qty'] for i in self.items ])
