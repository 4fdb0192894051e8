'use strict'

const UNITS = { s: 1, m: 60, h: 3600 }

function parse (text) {
  const match = /^(\d+)([smh])$/.exec(text.trim())
  if (!match) {
    throw new TypeError(`not a duration: ${text}`)
  }
  return Number(match[1]) * UNITS[match[2]]
}

function format (seconds) {
  const h = Math.floor(seconds / 3600)
  const m = Math.floor((seconds % 3600) / 60)
  return `${h}h${m}m`
}

module.exports = { parse, format }
