from dataclasses import dataclass


@dataclass
class Item:
    sku : str
    quantity : int=0


def restock(items,amounts):
    for item in items :
        item.quantity+=amounts.get(item.sku,0)
    return items


def low_stock(items, threshold = 5):
    return [ item for item in items if item.quantity<threshold ]
