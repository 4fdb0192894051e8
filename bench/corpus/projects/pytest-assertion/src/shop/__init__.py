"""A tiny shopping cart."""

from shop.cart import Cart, LineItem

__all__ = ["Cart", "LineItem"]
