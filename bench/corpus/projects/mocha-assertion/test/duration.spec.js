'use strict';

const assert = require('node:assert/strict');
const { formatDuration } = require('../lib/duration');

describe('formatDuration', function () {
  it('formats minutes and seconds', function () {
    assert.equal(formatDuration(75), '1m 15s');
  });

  it('formats whole hours', function () {
    assert.equal(formatDuration(7200), '2h');
  });

  it('formats zero as 0s', function () {
    assert.equal(formatDuration(0), '0s');
  });
});
