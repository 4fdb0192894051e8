'use strict';

const { parseAge } = require('../src/age');

describe('parseAge', () => {
  it('parses digits', () => {
    expect(parseAge('42')).toBe(42);
  });

  it('rejects a negative age', () => {
    expect(() => parseAge('-3')).toThrow('age must not be negative');
  });
});
