import { z } from 'zod';
import { type Random, seededRandom } from './random.ts';

/** Channel-neutral state of one emulated shop; each channel adapter renders it in its own protocol. */
export interface EmuVariant {
  id: number;
  productId: number;
  sku: string;
  title: string;
  priceMinor: number;
  compareAtMinor: number | null;
  options: Record<string, string>;
  inventoryItemId: number;
  /** When the price last changed: a "stale price" listing has one far in the past. */
  priceUpdatedAt: string;
}

export interface EmuProduct {
  id: number;
  title: string;
  description: string;
  vendor: string;
  productType: string;
  status: 'active' | 'draft' | 'archived';
  tags: string[];
  handle: string;
  images: Array<{ url: string; alt: string | null }>;
  videos: number;
  attributes: Record<string, string>;
  variants: EmuVariant[];
  createdAt: string;
  updatedAt: string;
}

export interface EmuOrderLine {
  id: number;
  variantId: number | null;
  sku: string;
  title: string;
  quantity: number;
  unitMinor: number;
}

export interface EmuOrder {
  id: number;
  number: number;
  email: string;
  currency: string;
  financialStatus: 'pending' | 'paid' | 'refunded';
  fulfillmentStatus: 'unfulfilled' | 'fulfilled';
  /** The one fulfillment order (Shopify) holding every line: OPEN until fulfilled. */
  fulfillmentOrderId: number;
  fulfillments: Array<{ id: number; company: string | null; number: string | null; url: string | null; createdAt: string }>;
  cancelledAt: string | null;
  lines: EmuOrderLine[];
  createdAt: string;
  updatedAt: string;
}

export const faultsSchema = z.strictObject({
  /** Added to every API answer. */
  latencyMs: z.number().int().min(0).max(60_000).default(0),
  /** Share of API requests answered 5xx (before anything is applied). */
  errorRate: z.number().min(0).max(1).default(0),
  /** The next N API requests answer 503, whatever the rate. */
  failNext: z.number().int().min(0).default(0),
  /** A 429 storm: the next N API requests answer HTTP 429 with Retry-After. */
  stormRequests: z.number().int().min(0).default(0),
  stormRetryAfterSeconds: z.number().min(0).max(60).default(1),
  /** The next N writes answer success but change nothing. */
  dropWrites: z.number().int().min(0).default(0),
  /** The next N writes are applied but answered 503: the answer is lost, the change is not (idempotency tests). */
  loseWriteAnswers: z.number().int().min(0).default(0),
  /** Share of webhooks delivered twice (same webhook id). */
  duplicateWebhookRate: z.number().min(0).max(1).default(0),
  /** Deliver queued webhooks newest first. */
  outOfOrderWebhooks: z.boolean().default(false),
  /** Every access token of the shop is expired / revoked. */
  tokenExpired: z.boolean().default(false),
  /** Kaway feed host: the next N feed downloads stop half way (short of their Content-Length). */
  truncateFeeds: z.number().int().min(0).default(0),
  /** Kaway feed host: the next N feed downloads carry one row with a garbled value. */
  corruptFeeds: z.number().int().min(0).default(0),
});
export type Faults = z.infer<typeof faultsSchema>;
export const noFaults = (): Faults => faultsSchema.parse({});

export interface ShopStats {
  requests: number;
  /** GraphQL THROTTLED answers (cost above what the bucket had). */
  throttled: number;
  http429: number;
  http5xx: number;
  unauthorized: number;
  droppedWrites: number;
  webhooksSent: number;
  webhookFailures: number;
  /** Lowest bucket level seen after a deduction: never negative, by construction (the invariant tests check). */
  minBucketLevel: number;
  /** Shopify: cost points charged (the sum of `actualQueryCost`), to measure how much of the limit a client uses. */
  pointsCharged: number;
}

export interface WebhookSubscription {
  id: number;
  topic: string;
  callbackUrl: string;
}

export interface EmuShop {
  /** The shop's unique key, e.g. `demo.myshopify.com`. */
  shop: string;
  platform: 'shopify' | 'mercadolivre' | 'kaway' | 'amazon' | 'shopee' | 'tiktokshop';
  name: string;
  currency: string;
  products: Map<number, EmuProduct>;
  /** inventoryItemId -> available at the primary location. */
  stock: Map<number, number>;
  orders: Map<number, EmuOrder>;
  nextId: () => number;
  nextOrderNumber: () => number;
  random: Random;
  faults: Faults;
  stats: ShopStats;
  webhooks: WebhookSubscription[];
  /** Channel-specific state (Shopify: app, tokens, bucket, bulk operations). */
  channel: Record<string, unknown>;
}

export const emptyStats = (): ShopStats => ({
  requests: 0,
  throttled: 0,
  http429: 0,
  http5xx: 0,
  unauthorized: 0,
  droppedWrites: 0,
  webhooksSent: 0,
  webhookFailures: 0,
  minBucketLevel: Number.POSITIVE_INFINITY,
  pointsCharged: 0,
});

/** An empty shop: ids and order numbers count up from `firstId`, randomness comes from the emulator seed and the shop's. */
export function newEmuShop(input: {
  shop: string;
  platform: EmuShop['platform'];
  name?: string;
  currency: string;
  seed: string;
  shopSeed?: string | number;
  firstId?: number;
}): EmuShop {
  let id = input.firstId ?? 1000;
  let orderNumber = input.firstId ?? 1000;
  return {
    shop: input.shop,
    platform: input.platform,
    name: input.name ?? input.shop.replace(/-/g, ' '),
    currency: input.currency,
    products: new Map(),
    stock: new Map(),
    orders: new Map(),
    nextId: () => ++id,
    nextOrderNumber: () => ++orderNumber,
    random: seededRandom(`${input.seed}:${input.shopSeed ?? input.shop}`),
    faults: noFaults(),
    stats: emptyStats(),
    webhooks: [],
    channel: {},
  };
}
