import { describe, expect, it } from 'vitest';
import { bucketFor, publishedLimits } from './channel-limits.ts';
import { parseRetryAfter, reportOf, signalsFrom } from './channel-signals.ts';

describe('channel signals', () => {
  it('reads Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('2', now)).toBe(2000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });

  it('turns Shopify, Amazon and 429 answers into signals', () => {
    expect(signalsFrom({ headers: { 'X-Shopify-Shop-Api-Call-Limit': '32/40' } }, 0)).toEqual([
      { kind: 'limits', source: 'X-Shopify-Shop-Api-Call-Limit', capacity: 40, available: 8 },
    ]);
    expect(signalsFrom({ shopifyThrottleStatus: { maximumAvailable: 1000, currentlyAvailable: 800, restoreRate: 50 } }, 0)).toEqual([
      { kind: 'limits', source: 'shopify throttleStatus', capacity: 1000, refillPerSecond: 50, available: 800, operation: 'graphql' },
    ]);
    expect(signalsFrom({ headers: new Headers({ 'x-amzn-RateLimit-Limit': '0.5' }) }, 0)).toEqual([
      { kind: 'limits', source: 'x-amzn-RateLimit-Limit', refillPerSecond: 0.5 },
    ]);
    expect(signalsFrom({ status: 429, headers: { 'retry-after': '3' } }, 0)).toEqual([{ kind: 'throttled', source: 'HTTP 429', retryAfterMs: 3000 }]);
    expect(signalsFrom({ status: 503 }, 0)).toEqual([]);
    expect(signalsFrom({ status: 200, headers: {} }, 0)).toEqual([]);
  });

  it("passes a connector's Shopify cost hint on as a report; its own 429 backoffs and call counts are not reported twice", () => {
    const cost = { requestedQueryCost: 52, actualQueryCost: 12, maximumAvailable: 400, currentlyAvailable: 388, restoreRate: 20, throttled: false };
    expect(reportOf({ kind: 'cost', ...cost })).toEqual({ shopifyThrottleStatus: { maximumAvailable: 400, currentlyAvailable: 388, restoreRate: 20 } });
    expect(reportOf({ kind: 'retry_after', status: 429, retryAfterMs: 500 })).toBeNull();
    expect(reportOf({ kind: 'calls', used: 3, limit: 40, resetMs: null })).toBeNull();
  });

  it('maps operations to buckets and applies store overrides', () => {
    expect(bucketFor('amazon', 'getOrders')).toBe('getOrders');
    expect(bucketFor('amazon', 'somethingElse')).toBe('default');
    expect(bucketFor('shopify', 'graphql')).toBe('graphql');
    expect(publishedLimits('shopify', 'default', {})).toEqual({ capacity: 40, refillPerSecond: 2 });
    expect(publishedLimits('shopify', 'graphql', { rateLimits: { graphql: { refillPerSecond: 100 } } })).toEqual({ capacity: 1000, refillPerSecond: 100 });
    expect(publishedLimits('nowhere', 'default', null)).toEqual({ capacity: 5, refillPerSecond: 5 });
  });
});
