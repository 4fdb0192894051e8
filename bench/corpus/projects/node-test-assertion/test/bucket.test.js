import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TokenBucket } from '../src/bucket.js';

describe('TokenBucket', () => {
  it('allows up to capacity requests', () => {
    const bucket = new TokenBucket(2, 1);
    assert.equal(bucket.take(), true);
    assert.equal(bucket.take(), true);
    assert.equal(bucket.take(), false);
  });

  it('never refills beyond capacity', () => {
    const bucket = new TokenBucket(3, 10);
    bucket.refill(5);
    assert.equal(bucket.tokens, 3);
  });
});
