'use strict';

const { parseConfig, DEFAULTS } = require('../src/config');

describe('parseConfig', () => {
  test('reads the server section', () => {
    const cfg = parseConfig('{"server": {"port": 9000, "host": "0.0.0.0"}}');
    expect(cfg.port).toBe(9000);
    expect(cfg.host).toBe('0.0.0.0');
  });

  test('falls back to the defaults without a server section', () => {
    const cfg = parseConfig('{"debug": true}');
    expect(cfg.port).toBe(DEFAULTS.port);
    expect(cfg.debug).toBe(true);
  });
});
