/** Token buckets per principal, on a steered clock. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RateLimiter } from '../../../src/proxy/auth/rate-limiter.ts';

describe('rate limiter', () => {
  it('allows a burst, then the sustained rate', () => {
    let now = 1_000_000;
    const rl = new RateLimiter({ requestsPerSecond: 2, burst: 3 }, () => now);
    assert.deepEqual([1, 2, 3, 4].map(() => rl.tryTake('user:a')), [true, true, true, false]);
    now += 499;
    assert.equal(rl.tryTake('user:a'), false);
    now += 1;
    assert.equal(rl.tryTake('user:a'), true);
    assert.equal(rl.tryTake('user:a'), false);
    now += 10_000;
    assert.deepEqual([1, 2, 3, 4].map(() => rl.tryTake('user:a')), [true, true, true, false], 'refills up to the burst only');
  });
  it('keeps one bucket per key', () => {
    const rl = new RateLimiter({ requestsPerSecond: 1, burst: 1 }, () => 0);
    assert.equal(rl.tryTake('user:a'), true);
    assert.equal(rl.tryTake('user:a'), false);
    assert.equal(rl.tryTake('key:k1'), true);
    assert.equal(rl.tryTake('user:b'), true);
  });
  it('drops idle buckets once there are many', () => {
    let now = 0;
    const rl = new RateLimiter({ requestsPerSecond: 1000, burst: 1 }, () => now);
    for (let i = 0; i < 10_050; i++) {
      rl.tryTake(`user:${i}`);
      now += 1;
    }
    assert.ok(rl.size <= 10_000, `size ${rl.size}`);
  });
});
