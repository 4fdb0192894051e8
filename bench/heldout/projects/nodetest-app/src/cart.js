'use strict';
function total(items) {
  return items.reduce((sum, item) => sum + item.price * item.qty, 0);
}
function average(items) {
  if (items.length === 0) throw new RangeError('no items to average');
  return total(items) / items.length;
}
module.exports = { total, average };
