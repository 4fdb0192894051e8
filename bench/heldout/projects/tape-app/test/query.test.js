'use strict';

const test = require('tape');
const { parse, stringify } = require('../src/query');

test('parse reads numbers and strings', (t) => {
  t.deepEqual(parse('page=2&sort=name'), { page: 2, sort: 'name' });
  t.end();
});

test('parse decodes escaped values', (t) => {
  t.deepEqual(parse('q=hello%20world&tags=a%2Cb'), { q: 'hello world', tags: 'a,b' });
  t.end();
});

test('parse keeps a key without a value', (t) => {
  t.deepEqual(parse('debug'), { debug: true });
  t.end();
});

test('stringify escapes values', (t) => {
  t.equal(stringify({ q: 'a b' }), 'q=a%20b');
  t.end();
});
