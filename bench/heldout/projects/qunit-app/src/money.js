'use strict';

// format(1234.5, 'EUR') -> '1,234.50 EUR'
function format(amount, currency) {
  const [whole, cents] = amount.toFixed(2).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${grouped}.${cents} ${currency}`;
}

// split(10, 3) -> [3.34, 3.33, 3.33]: shares that add up to the total
function split(total, parts) {
  const share = Math.floor((total / parts) * 100) / 100;
  return Array.from({ length: parts }, () => share);
}

module.exports = { format, split };
