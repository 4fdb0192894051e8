'use strict';

const { Cart } = require('../src/cart');

describe('Cart', () => {
  test('starts empty', () => {
    expect(new Cart().count()).toBe(0);
  });

  test('counts items', () => {
    const cart = new Cart().add('pen', 2, 3).add('pad', 5);
    expect(cart.count()).toBe(4);
  });

  test('total multiplies price by quantity', () => {
    const cart = new Cart().add('pen', 2, 3).add('pad', 5);
    expect(cart.total()).toBe(11);
  });

  test('total of an empty cart is zero', () => {
    expect(new Cart().total()).toBe(0);
  });
});
