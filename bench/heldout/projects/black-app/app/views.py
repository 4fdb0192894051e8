def render(order, currency = 'EUR'):
    return {'id':order.id, 'total':order.total(), "currency":currency}
