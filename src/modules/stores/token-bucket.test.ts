import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Bucket, type Lane, lanes, learn, learnedLimitsTtlMs, newBucket, refill, take } from './token-bucket.ts';

const limits = { capacity: 10, refillPerSecond: 10 };
const req = (lane: Lane, now: number, extra: Partial<Parameters<typeof take>[1]> = {}) => ({ lane, cost: 1, now, maxWaitMs: 2000, headroom: 0, ...extra });

describe('token bucket', () => {
  it('refills at the effective rate, never above capacity', () => {
    const b = { ...newBucket(limits, 0), tokens: 0 };
    expect(refill(b, 500, 0).tokens).toBeCloseTo(5);
    expect(refill(b, 500, 0.2).tokens).toBeCloseTo(4);
    expect(refill(b, 60_000, 0).tokens).toBe(10);
  });

  it('never grants more than capacity + rate × elapsed over any run of takes (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ dt: fc.integer({ min: 0, max: 400 }), lane: fc.constantFrom(...lanes), cost: fc.integer({ min: 1, max: 3 }) }), {
          maxLength: 200,
        }),
        fc.double({ min: 0, max: 0.3, noNaN: true }),
        (steps, headroom) => {
          let bucket: Bucket = newBucket(limits, 0);
          let now = 0;
          let granted = 0;
          let lastServed = 0;
          for (const step of steps) {
            now += step.dt;
            const r = take(bucket, { lane: step.lane, cost: step.cost, now, maxWaitMs: 1000, headroom });
            bucket = r.bucket;
            if (r.granted) {
              granted += step.cost;
              lastServed = Math.max(lastServed, now + r.waitMs);
              expect(r.waitMs).toBeLessThanOrEqual(1000 + 1e-6);
            } else expect(r.retryInMs).toBeGreaterThan(0);
          }
          // Every granted token was in the bucket at the start or refilled by the time it is used.
          expect(granted).toBeLessThanOrEqual(limits.capacity + (lastServed / 1000) * limits.refillPerSecond * (1 - headroom) + 1e-6);
        },
      ),
    );
  });

  it('price and content take only tokens that exist; inventory books future tokens and waits', () => {
    let b: Bucket = { ...newBucket(limits, 0), tokens: 0 };
    const price = take(b, req('price', 0));
    expect(price).toMatchObject({ granted: false, reason: 'empty' });
    if (price.granted) throw new Error('unreachable');
    expect(price.retryInMs).toBeCloseTo(100);
    b = { ...newBucket(limits, 0), tokens: 0 };
    const inv = take(b, req('inventory', 0));
    expect(inv).toMatchObject({ granted: true });
    if (!inv.granted) throw new Error('unreachable');
    expect(inv.waitMs).toBeCloseTo(100);
    expect(inv.bucket.tokens).toBeCloseTo(-1);
    const inv2 = take(inv.bucket, req('inventory', 0));
    if (!inv2.granted) throw new Error('expected a booking');
    expect(inv2.waitMs).toBeCloseTo(200);
    // A booking beyond maxWait is refused, with the time its token would come.
    const far = take(inv2.bucket, req('inventory', 0, { maxWaitMs: 250 }));
    expect(far).toMatchObject({ granted: false, reason: 'empty' });
  });

  it('inventory is served before price, price before content', () => {
    // Inventory bookings hold price back until they are paid off.
    let b: Bucket = { ...newBucket(limits, 0), tokens: 1 };
    const inv = take(b, req('inventory', 0, { cost: 3 }));
    if (!inv.granted) throw new Error('expected inventory to book');
    expect(take(inv.bucket, req('price', 150))).toMatchObject({ granted: false });
    expect(take(inv.bucket, req('price', 300))).toMatchObject({ granted: true });

    // A refused price call leaves a marker: content is refused while it holds, even when a token appears.
    b = { ...newBucket(limits, 0), tokens: 0.5 };
    const price = take(b, req('price', 0));
    expect(price).toMatchObject({ granted: false, reason: 'empty' });
    const content = take(price.bucket, req('content', 60));
    expect(content).toMatchObject({ granted: false, reason: 'lane' });
    const priceAgain = take(content.bucket, req('price', 60));
    expect(priceAgain).toMatchObject({ granted: true });
    // Once the price marker expires, content gets tokens again.
    expect(take(priceAgain.bucket, req('content', 1000))).toMatchObject({ granted: true });
  });

  it('a 429 with Retry-After empties and pauses the bucket; without it the rate backs off and later returns', () => {
    const b = newBucket(limits, 0);
    const paused = learn(b, { kind: 'throttled', source: 'HTTP 429', retryAfterMs: 3000 }, 0, 0);
    expect(paused.tokens).toBe(0);
    expect(paused.pausedUntil).toBe(3000);
    expect(take(paused, req('inventory', 2000))).toMatchObject({ granted: false, reason: 'paused', retryInMs: 1000 });
    expect(take(paused, req('inventory', 3000))).toMatchObject({ granted: true });

    const backedOff = learn(b, { kind: 'throttled', source: 'HTTP 429' }, 0, 0);
    expect(backedOff.refillPerSecond).toBeCloseTo(7.5);
    expect(backedOff.pausedUntil).toBe(1000);
    expect(refill(backedOff, learnedLimitsTtlMs + 1, 0).refillPerSecond).toBe(10);
  });

  it('channel limits (Shopify throttleStatus) replace ours and cap the tokens', () => {
    const b = newBucket({ capacity: 1000, refillPerSecond: 50 }, 0);
    const learned = learn(b, { kind: 'limits', source: 'shopify throttleStatus', capacity: 2000, refillPerSecond: 100, available: 120 }, 0, 0);
    expect(learned).toMatchObject({ capacity: 2000, refillPerSecond: 100, tokens: 120 });
    expect(refill(learned, 1000, 0).tokens).toBeCloseTo(220);
  });
});
