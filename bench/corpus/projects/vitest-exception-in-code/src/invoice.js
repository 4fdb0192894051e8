const RATES = { standard: 0.2, reduced: 0.05 };

export function vatFor(line) {
  const rate = RATES[line.rate];
  if (rate === undefined) {
    throw new RangeError(`unknown VAT rate "${line.rate}"`);
  }
  return line.amount * rate;
}

export function invoiceTotal(lines) {
  return lines.reduce((sum, line) => sum + line.amount + vatFor(line), 0);
}
