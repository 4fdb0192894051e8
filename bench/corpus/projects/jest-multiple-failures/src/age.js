'use strict';

function parseAge(value) {
  const age = parseInt(value, 10);
  return Number.isNaN(age) ? null : age;
}

module.exports = { parseAge };
