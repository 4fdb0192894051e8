'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { total, average } = require('../src/cart.js');

test('total sums price times quantity', () => {
  assert.strictEqual(total([{ price: 2, qty: 3 }, { price: 1, qty: 1 }]), 8);
});

test('average of an empty cart is zero', () => {
  assert.strictEqual(average([]), 0);
});

test('total of one item', () => {
  assert.strictEqual(total([{ price: 5, qty: 1 }]), 5);
});
