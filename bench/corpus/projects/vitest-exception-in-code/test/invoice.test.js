import { describe, expect, it } from 'vitest';
import { invoiceTotal } from '../src/invoice.js';

describe('invoiceTotal', () => {
  it('adds the standard rate', () => {
    expect(invoiceTotal([{ amount: 100, rate: 'standard' }])).toBe(120);
  });

  it('handles a zero-rated line', () => {
    const lines = [
      { amount: 100, rate: 'standard' },
      { amount: 40, rate: 'zero' },
    ];
    expect(invoiceTotal(lines)).toBe(160);
  });
});
