const { test } = require('uvu');
const assert = require('uvu/assert');
const { slugify, truncate } = require('../src/slug');

test('slugify lowercases and joins words', () => {
  assert.is(slugify('Hello World'), 'hello-world');
});

test('slugify squeezes runs of spaces', () => {
  assert.is(slugify('Release   notes'), 'release-notes');
});

test('truncate does not cut a word in half', () => {
  assert.equal(truncate('release-notes-2024', 10).split('-'), ['release']);
});

test.run();
