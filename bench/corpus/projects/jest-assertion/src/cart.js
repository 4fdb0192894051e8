'use strict';

class Cart {
  constructor() {
    this.items = [];
  }

  add(name, price, quantity = 1) {
    this.items.push({ name, price, quantity });
    return this;
  }

  total() {
    // Bug: the quantity is ignored.
    return this.items.reduce((sum, item) => sum + item.price, 0);
  }

  count() {
    return this.items.reduce((n, item) => n + item.quantity, 0);
  }
}

module.exports = { Cart };
