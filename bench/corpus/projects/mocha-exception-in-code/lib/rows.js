'use strict';

function parseRow(line, columns) {
  const cells = line.split(',');
  if (cells.length !== columns.length) {
    throw new Error(`expected ${columns.length} cells, got ${cells.length}: ${line}`);
  }
  return Object.fromEntries(columns.map((name, i) => [name, cells[i].trim()]));
}

function parseCsv(text) {
  const [header, ...rows] = text.trim().split('\n');
  const columns = header.split(',').map((c) => c.trim());
  return rows.map((row) => parseRow(row, columns));
}

module.exports = { parseCsv, parseRow };
