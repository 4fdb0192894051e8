'use strict';

const { format, split } = require('../src/money');

QUnit.module('format', () => {
  QUnit.test('groups thousands', (assert) => {
    assert.strictEqual(format(1234.5, 'EUR'), '1,234.50 EUR');
  });

  QUnit.test('rounds half a cent up', (assert) => {
    assert.strictEqual(format(1.005, 'USD'), '1.01 USD');
  });
});

QUnit.module('split', () => {
  QUnit.test('shares add up to the total', (assert) => {
    assert.deepEqual(split(10, 3), [3.34, 3.33, 3.33]);
  });

  QUnit.test('an even split', (assert) => {
    assert.deepEqual(split(9, 3), [3, 3, 3]);
  });
});
