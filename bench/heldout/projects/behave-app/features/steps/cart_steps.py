from behave import given, then, when

from shop.cart import Cart


@given("an empty cart")
def step_empty_cart(context):
    context.cart = Cart()


@when('I add {quantity:d} "{name}"')
def step_add(context, quantity, name):
    context.cart.add(name, quantity)


@when('I look up the price of "{name}"')
def step_lookup(context, name):
    context.price = context.cart.unit_price(name)


@then("the total is {expected:d}")
def step_total(context, expected):
    assert context.cart.total() == expected, f"total was {context.cart.total()}, expected {expected}"


@then("the price is {expected:d}")
def step_price(context, expected):
    assert context.price == expected
