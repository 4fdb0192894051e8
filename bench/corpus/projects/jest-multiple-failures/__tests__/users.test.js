'use strict';

const { normalizeUser, validateEmail } = require('../src/users');

describe('normalizeUser', () => {
  it('builds the display name', () => {
    const user = normalizeUser({ id: '7', first: 'Ada', last: 'Lovelace', email: 'ADA@example.org' });
    expect(user.name).toBe('Ada Lovelace');
  });

  it('splits and trims the roles', () => {
    const user = normalizeUser({ id: '7', first: 'Ada', last: 'L', email: 'a@b.c', roles: 'admin, editor' });
    expect(user).toEqual({
      id: 7,
      name: 'Ada L',
      email: 'a@b.c',
      roles: ['admin', 'editor'],
    });
  });
});

describe('validateEmail', () => {
  it('accepts an address with an at sign', () => {
    expect(validateEmail('a@b.c')).toBe(true);
  });
});
