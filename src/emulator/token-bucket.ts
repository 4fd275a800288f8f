import type { EmuShop } from './shop-state.ts';

/** A request bucket of an emulated channel: `burst` tokens, refilled at `rate` per second. */
export interface EmuBucket {
  tokens: number;
  at: number;
}

/**
 * Refills the bucket under `key` and takes one token. Returns null when the request may pass, else the seconds until
 * a token is back; counts the refusal (`throttled`, `http429`) and the lowest level reached in the shop's stats.
 */
export function takeToken(shop: EmuShop, buckets: Map<string, EmuBucket>, key: string, limit: { rate: number; burst: number }, nowMs: number): number | null {
  const bucket = buckets.get(key) ?? { tokens: limit.burst, at: nowMs };
  bucket.tokens = Math.min(limit.burst, bucket.tokens + ((nowMs - bucket.at) / 1000) * limit.rate);
  bucket.at = nowMs;
  buckets.set(key, bucket);
  if (bucket.tokens < 1) {
    shop.stats.throttled++;
    shop.stats.http429++;
    return (1 - bucket.tokens) / limit.rate;
  }
  bucket.tokens -= 1;
  shop.stats.minBucketLevel = Math.min(shop.stats.minBucketLevel, bucket.tokens);
  return null;
}
