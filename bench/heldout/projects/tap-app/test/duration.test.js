'use strict'

const t = require('tap')
const { parse, format } = require('../src/duration.js')

t.test('parse reads each unit', async t => {
  t.equal(parse('30s'), 30)
  t.equal(parse('2m'), 120)
  t.equal(parse('1h'), 3600)
})

t.test('format pads the minutes', async t => {
  t.equal(format(3900), '1h05m')
})

t.test('parse accepts a combined duration', async t => {
  t.equal(parse('1h30m'), 5400)
})
