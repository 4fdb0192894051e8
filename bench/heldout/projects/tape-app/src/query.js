'use strict';

// parse('a=1&b=two') -> { a: 1, b: 'two' }
function parse(query) {
  const out = {};
  for (const pair of query.split('&')) {
    const [key, value] = pair.split('=');
    out[key] = /^\d+$/.test(value) ? Number(value) : value;
  }
  return out;
}

function stringify(params) {
  return Object.keys(params)
    .map((key) => `${key}=${encodeURIComponent(params[key])}`)
    .join('&');
}

module.exports = { parse, stringify };
