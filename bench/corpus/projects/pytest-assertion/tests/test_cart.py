from shop import Cart


def make_cart() -> Cart:
    cart = Cart()
    cart.add("BOOK-1", 20.0, 2)
    cart.add("PEN-9", 2.5, 4)
    cart.add("BAG-3", 50.0)
    return cart


def test_subtotal():
    assert make_cart().subtotal() == 100.0


def test_total_without_discount():
    assert make_cart().total() == 100.0


def test_total_with_discount():
    cart = make_cart()
    cart.discount_percent = 10
    assert cart.total() == 90.0


def test_empty_cart():
    assert Cart().total() == 0
