'use strict';

const assert = require('node:assert/strict');
const { parseCsv } = require('../lib/rows');

describe('parseCsv', function () {
  it('maps cells to the header names', function () {
    assert.deepEqual(parseCsv('a,b\n1,2'), [{ a: '1', b: '2' }]);
  });

  it('keeps quoted commas inside one cell', function () {
    const rows = parseCsv('name,city\n"Doe, Jane",Paris');
    assert.equal(rows[0].city, 'Paris');
  });
});
