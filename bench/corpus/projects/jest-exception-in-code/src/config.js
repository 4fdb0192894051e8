'use strict';

const DEFAULTS = { port: 8080, host: 'localhost' };

function parseConfig(text) {
  const raw = JSON.parse(text);
  return {
    port: raw.server.port || DEFAULTS.port,
    host: raw.server.host || DEFAULTS.host,
    debug: Boolean(raw.debug),
  };
}

module.exports = { parseConfig, DEFAULTS };
