"""Keywords for the inventory tests."""

STOCK = {"bolt": 40, "nut": 0}


def stock_of(item):
    return STOCK[item]


def reorder_quantity(item, minimum):
    have = stock_of(item)
    return int(minimum) - have if have < int(minimum) else 0


def ship(item, count):
    if int(count) > stock_of(item):
        raise ValueError(f"cannot ship {count} {item}: only {stock_of(item)} in stock")
    STOCK[item] -= int(count)
