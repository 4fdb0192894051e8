class Cart
  constructor: ->
    @items = []

  add: (name, price, qty = 1) ->
    @items.push {name, price, qty}
    this

  total: ->
    sum = 0
    for item in @items
      sum += item.price * item.qty
    sum

module.exports = Cart
