import { createHmac, randomBytes } from 'node:crypto';
import type { EmuProduct, EmuShop, EmuVariant } from '../shop-state.ts';
import type { EmuBucket } from '../token-bucket.ts';

/**
 * Amazon-specific state of an emulated selling partner: the LWA app and the seller's refresh token,
 * the access tokens issued (1 h), one token bucket per SP-API operation (rate + burst as published in
 * each API's usage plan), the SKU index of the listings, feed documents and feeds.
 */
export interface OperationLimit {
  /** Requests per second (what `x-amzn-RateLimit-Limit` reports). */
  rate: number;
  burst: number;
}

/** Default usage plans (SP-API reference, 2025): Listings Items 2021-08-01, Feeds 2021-06-30, Orders 2026-01-01. */
export const defaultOperationLimits: Record<string, OperationLimit> = {
  getListingsItem: { rate: 5, burst: 10 },
  putListingsItem: { rate: 5, burst: 10 },
  patchListingsItem: { rate: 5, burst: 10 },
  deleteListingsItem: { rate: 5, burst: 10 },
  searchListingsItems: { rate: 5, burst: 5 },
  createFeedDocument: { rate: 0.5, burst: 15 },
  createFeed: { rate: 0.0083, burst: 15 },
  getFeed: { rate: 2, burst: 15 },
  getFeedDocument: { rate: 0.0222, burst: 10 },
  searchOrders: { rate: 0.0056, burst: 20 },
  getOrder: { rate: 0.5, burst: 30 },
  getMarketplaceParticipations: { rate: 0.016, burst: 15 },
};

export interface AmazonFeed {
  feedId: string;
  feedType: string;
  marketplaceIds: string[];
  inputFeedDocumentId: string;
  processingStatus: 'IN_QUEUE' | 'IN_PROGRESS' | 'DONE' | 'CANCELLED' | 'FATAL';
  createdTime: string;
  processingStartTime?: string;
  processingEndTime?: string;
  resultFeedDocumentId?: string;
  /** When the emulator finishes processing it. */
  readyAt: number;
}

export interface AmazonState {
  sellerId: string;
  marketplaceId: string;
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  revokedRefreshTokens: Set<string>;
  accessTokens: Map<string, { expiresAt: number }>;
  accessTokenTtlMs: number;
  limits: Record<string, OperationLimit>;
  buckets: Map<string, EmuBucket>;
  /** SKU -> product and variant (null: the parent SKU of a variation family). */
  skus: Map<string, { productId: number; variantId: number | null }>;
  /** Products rendered as a variation family (a parent SKU with child SKUs). */
  parentSku: Map<number, string>;
  /** Families whose parent SKU was deleted: the children stay, still naming it (orphans, as on Amazon). */
  orphans: Set<number>;
  /** SKUs whose offer was removed (not BUYABLE). */
  noOffer: Set<string>;
  /** Per-SKU item names set by a put/patch on a child. */
  childNames: Map<string, string>;
  /** FBA SKUs: stock is Amazon's (fulfillment channel AMAZON_NA / AMAZON_EU / AMAZON_FE), read-only. */
  fba: Set<string>;
  documents: Map<string, { contentType: string; content: Buffer | null; uploadedAt: number | null }>;
  feeds: Map<string, AmazonFeed>;
  feedDelayMs: number;
  nextNumber: () => number;
}

const derive = (seed: string, label: string) => createHmac('sha256', seed).update(label).digest('hex');

export const amazonStateOf = (shop: EmuShop): AmazonState => shop.channel.amazon as AmazonState;

export function initAmazonState(
  shop: EmuShop,
  options: {
    marketplaceId: string;
    clientId?: string;
    clientSecret?: string;
    rateLimits?: Record<string, OperationLimit>;
    feedDelayMs?: number;
    accessTokenTtlSeconds?: number;
  },
  seed: string,
): AmazonState {
  let n = 0;
  const state: AmazonState = {
    sellerId: `A${derive(seed, `${shop.shop}:seller`).slice(0, 13).toUpperCase()}`,
    marketplaceId: options.marketplaceId,
    clientId: options.clientId ?? `amzn1.application-oa2-client.${derive(seed, `${shop.shop}:client`).slice(0, 32)}`,
    clientSecret: options.clientSecret ?? `amzn1.oa2-cs.v1.${derive(seed, `${shop.shop}:secret`).slice(0, 48)}`,
    refreshToken: `Atzr|${derive(seed, `${shop.shop}:refresh`)}`,
    revokedRefreshTokens: new Set(),
    accessTokens: new Map(),
    accessTokenTtlMs: (options.accessTokenTtlSeconds ?? 3600) * 1000,
    limits: { ...defaultOperationLimits, ...options.rateLimits },
    buckets: new Map(),
    skus: new Map(),
    parentSku: new Map(),
    orphans: new Set(),
    noOffer: new Set(),
    childNames: new Map(),
    fba: new Set(),
    documents: new Map(),
    feeds: new Map(),
    feedDelayMs: options.feedDelayMs ?? 2000,
    nextNumber: () => ++n,
  };
  shop.channel.amazon = state;
  return state;
}

/** `Atza|…` access tokens, 1 h (LWA). */
export function issueAccessToken(state: AmazonState, nowMs: number): { access_token: string; expires_in: number } {
  const token = `Atza|${randomBytes(24).toString('base64url')}`;
  state.accessTokens.set(token, { expiresAt: nowMs + state.accessTokenTtlMs });
  return { access_token: token, expires_in: Math.round(state.accessTokenTtlMs / 1000) };
}

/** Indexes the generated catalog: products with several variants become a parent SKU + child SKUs. */
export function indexCatalog(shop: EmuShop, state: AmazonState): void {
  for (const product of shop.products.values()) indexProduct(state, product);
  // Generated draft products have no offer (not BUYABLE).
  for (const product of shop.products.values()) if (product.status !== 'active') for (const v of product.variants) state.noOffer.add(v.sku);
}

export function indexProduct(state: AmazonState, product: EmuProduct): void {
  if (product.variants.length > 1 && !state.parentSku.has(product.id)) state.parentSku.set(product.id, `PARENT-${product.id}`);
  const parent = state.parentSku.get(product.id);
  if (parent && !state.orphans.has(product.id)) state.skus.set(parent, { productId: product.id, variantId: null });
  for (const variant of product.variants) state.skus.set(variant.sku, { productId: product.id, variantId: variant.id });
}

export function unindexProduct(state: AmazonState, product: EmuProduct): void {
  const parent = state.parentSku.get(product.id);
  if (parent) state.skus.delete(parent);
  state.parentSku.delete(product.id);
  state.orphans.delete(product.id);
  for (const variant of product.variants) state.skus.delete(variant.sku);
}

export interface SkuRef {
  sku: string;
  product: EmuProduct;
  /** Null for a parent SKU. */
  variant: EmuVariant | null;
}

export function findSku(shop: EmuShop, state: AmazonState, sku: string): SkuRef | null {
  const ref = state.skus.get(sku);
  const product = ref ? shop.products.get(ref.productId) : undefined;
  if (!ref || !product) return null;
  if (ref.variantId === null) return { sku, product, variant: null };
  const variant = product.variants.find((v) => v.id === ref.variantId);
  return variant ? { sku, product, variant } : null;
}

/** Every SKU in listing order: a family's parent then its children, or the single SKU of a product. */
export function allSkus(shop: EmuShop, state: AmazonState): SkuRef[] {
  const out: SkuRef[] = [];
  for (const product of shop.products.values()) {
    const parent = state.parentSku.get(product.id);
    if (parent && !state.orphans.has(product.id)) out.push({ sku: parent, product, variant: null });
    for (const variant of product.variants) out.push({ sku: variant.sku, product, variant });
  }
  return out;
}
