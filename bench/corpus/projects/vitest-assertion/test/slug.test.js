import { describe, expect, it } from 'vitest';
import { slugify, truncate } from '../src/slug.js';

describe('slugify', () => {
  it('lowercases words and joins them with dashes', () => {
    expect(slugify('Hello World')).toBe('hello-world');
  });

  it('drops leading and trailing punctuation', () => {
    expect(slugify('  Release notes: v2.0! ')).toBe('release-notes-v2-0');
  });
});

describe('truncate', () => {
  it('keeps short text', () => {
    expect(truncate('abc', 5)).toBe('abc');
  });
});
