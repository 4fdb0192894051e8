export class TokenBucket {
  constructor(capacity, refillPerSecond) {
    this.capacity = capacity;
    this.tokens = capacity;
    this.refillPerSecond = refillPerSecond;
  }

  refill(elapsedSeconds) {
    this.tokens = this.tokens + elapsedSeconds * this.refillPerSecond;
  }

  take() {
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
