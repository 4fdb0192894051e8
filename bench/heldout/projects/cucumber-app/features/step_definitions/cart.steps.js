const assert = require('node:assert/strict');
const { Given, When, Then } = require('@cucumber/cucumber');
const { Cart } = require('../../src/cart');

Given('an empty cart', function () {
  this.cart = new Cart();
});

When('I add {int} {string} at {float} each', function (quantity, name, price) {
  this.cart.add(name, price, quantity);
});

When('I remove {string}', function (name) {
  this.cart.remove(name);
});

Then('the total is {float}', function (expected) {
  assert.equal(this.cart.total(), expected);
});

Then('the cart holds {int} item', function (count) {
  assert.equal(this.cart.items.length, count);
});
