'use strict';

function normalizeUser(raw) {
  return {
    id: Number(raw.id),
    name: `${raw.first} ${raw.last}`.trim(),
    email: raw.email.toLowerCase(),
    roles: raw.roles ? raw.roles.split(',') : [],
  };
}

function validateEmail(email) {
  if (!email.includes('@')) {
    return false;
  }
  return true;
}

module.exports = { normalizeUser, validateEmail };
