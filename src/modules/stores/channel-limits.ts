import type { BucketLimits } from './token-bucket.ts';

/**
 * Default limits per channel, before the channel's own signals adapt them (channel-signals.ts).
 * A store's `config.rateLimits[bucket]` overrides these. Buckets are per store; channels that limit
 * per operation (Amazon SP-API) get one bucket per operation, the rest share `default`.
 *
 * Sources (published figures as of 2025; channels change them, which is why signals win):
 * - Shopify REST Admin API: leaky bucket of 40 requests, leaking 2/s (Shopify Plus: 400 and 20/s);
 *   `X-Shopify-Shop-Api-Call-Limit: used/40` on every response.
 * - Shopify GraphQL Admin API: cost points, bucket 1000, restore 50 points/s (higher on Advanced/Plus);
 *   `extensions.cost.throttleStatus` { maximumAvailable, currentlyAvailable, restoreRate } on every response.
 * - Amazon SP-API: usage plans per operation, "rate" (requests/s) and "burst" as published in each API's
 *   reference (e.g. Orders getOrders 0.0167/s burst 20, getOrder 0.5/s burst 30, Listings Items 5/s burst 10,
 *   FBA Inventory getInventorySummaries 2/s burst 2, Product Pricing getPricing 0.5/s burst 1, Feeds createFeed
 *   0.0083/s burst 15); `x-amzn-RateLimit-Limit` gives the live rate of the selling partner.
 * - Etsy Open API v3: 10 requests/s (and 10,000/day) per app.
 * - Mercado Livre, Shopee Open Platform, TikTok Shop Partner API and Kaway publish no single per-store figure
 *   (limits per app/endpoint, enforced with 429 / `error_rate_limit` answers): conservative defaults here,
 *   adapted from 429 + Retry-After.
 */
export interface ChannelLimits {
  /** Bucket used when the operation has no bucket of its own. */
  default: BucketLimits;
  /** Operation (or API family, e.g. `graphql`) → its own bucket. */
  operations?: Record<string, BucketLimits>;
}

export const channelLimits: Record<string, ChannelLimits> = {
  shopify: { default: { capacity: 40, refillPerSecond: 2 }, operations: { graphql: { capacity: 1000, refillPerSecond: 50 } } },
  amazon: {
    default: { capacity: 1, refillPerSecond: 0.5 },
    operations: {
      getOrders: { capacity: 20, refillPerSecond: 0.0167 },
      getOrder: { capacity: 30, refillPerSecond: 0.5 },
      getOrderItems: { capacity: 30, refillPerSecond: 0.5 },
      getListingsItem: { capacity: 10, refillPerSecond: 5 },
      putListingsItem: { capacity: 10, refillPerSecond: 5 },
      patchListingsItem: { capacity: 10, refillPerSecond: 5 },
      deleteListingsItem: { capacity: 10, refillPerSecond: 5 },
      getInventorySummaries: { capacity: 2, refillPerSecond: 2 },
      getPricing: { capacity: 1, refillPerSecond: 0.5 },
      getItemOffers: { capacity: 1, refillPerSecond: 0.5 },
      createFeed: { capacity: 15, refillPerSecond: 0.0083 },
      getFeed: { capacity: 15, refillPerSecond: 2 },
      createReport: { capacity: 15, refillPerSecond: 0.0167 },
      getReport: { capacity: 15, refillPerSecond: 2 },
      // The sync's calls: one listProducts page is searchListingsItems (5/s, burst 5) plus child reads; one
      // listOrders page is Orders 2026-01-01 searchOrders (0.0056/s, burst 20). The connector paces each SP-API operation itself.
      listProducts: { capacity: 5, refillPerSecond: 5 },
      listOrders: { capacity: 20, refillPerSecond: 0.0056 },
    },
  },
  etsy: { default: { capacity: 10, refillPerSecond: 10 } },
  mercadolivre: { default: { capacity: 20, refillPerSecond: 10 } },
  shopee: { default: { capacity: 10, refillPerSecond: 10 } },
  tiktokshop: { default: { capacity: 10, refillPerSecond: 10 } },
  kaway: { default: { capacity: 5, refillPerSecond: 5 } },
  shein: { default: { capacity: 5, refillPerSecond: 5 } },
  /** The built-in marketplace emulator (demo and tests). */
  emulator: { default: { capacity: 50, refillPerSecond: 50 } },
};

/** A channel we know nothing about gets this until its signals say more. */
export const unknownChannelLimits: BucketLimits = { capacity: 5, refillPerSecond: 5 };

/** The bucket an operation draws from: its own when the channel limits it per operation, else `default`. */
export function bucketFor(platform: string, operation: string): string {
  return channelLimits[platform]?.operations?.[operation] ? operation : 'default';
}

/** Published limits of a bucket, with the store's `config.rateLimits` override applied. */
export function publishedLimits(platform: string, bucket: string, storeConfig: Record<string, unknown> | null | undefined): BucketLimits {
  const channel = channelLimits[platform];
  const base = (bucket === 'default' ? channel?.default : channel?.operations?.[bucket]) ?? channel?.default ?? unknownChannelLimits;
  const override = (storeConfig?.rateLimits as Record<string, Partial<BucketLimits>> | undefined)?.[bucket];
  const capacity = override?.capacity;
  const refillPerSecond = override?.refillPerSecond;
  return {
    capacity: typeof capacity === 'number' && capacity > 0 ? capacity : base.capacity,
    refillPerSecond: typeof refillPerSecond === 'number' && refillPerSecond > 0 ? refillPerSecond : base.refillPerSecond,
  };
}
