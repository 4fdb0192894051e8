class Cart {
  constructor() {
    this.items = [];
  }

  add(name, price, quantity = 1) {
    this.items.push({ name, price, quantity });
  }

  total() {
    return this.items.reduce((sum, item) => sum + item.price, 0);
  }

  remove(name) {
    const index = this.items.findIndex((item) => item.name === name);
    this.items.splice(index, 1);
  }
}

module.exports = { Cart };
