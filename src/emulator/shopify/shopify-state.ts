import { createHmac, randomBytes } from 'node:crypto';
import type { EmuShop } from '../shop-state.ts';

export interface BulkOperation {
  id: number;
  status: 'CREATED' | 'RUNNING' | 'COMPLETED' | 'FAILED' | 'CANCELED';
  createdAt: string;
  completedAt: string | null;
  readyAt: number;
  objectCount: number;
  jsonl: string | null;
}

/** Shopify-specific state of an emulated shop: the app, its tokens, the cost bucket, bulk operations. */
export interface ShopifyState {
  clientId: string;
  clientSecret: string;
  scopes: string[];
  /** Signs access tokens: derived from the emulator seed, so tokens survive an emulator restart with the same seed. */
  tokenKey: string;
  codes: Map<string, { expiresAt: number; scopes: string[] }>;
  bucket: { maximumAvailable: number; restoreRate: number; available: number; at: number };
  bulk: BulkOperation | null;
  bulkDelayMs: number;
}

export const defaultScopes = [
  'read_products',
  'write_products',
  'read_inventory',
  'write_inventory',
  'read_orders',
  'write_orders',
  'read_merchant_managed_fulfillment_orders',
  'write_merchant_managed_fulfillment_orders',
];

export interface ShopifyShopOptions {
  clientId?: string;
  clientSecret?: string;
  /** Standard plans: 1000 points, 50 restored per second (Advanced 2000/100, Plus 10000/500). */
  maximumAvailable?: number;
  restoreRate?: number;
  /** Start with this many points instead of a full bucket. */
  currentlyAvailable?: number;
  bulkDelayMs?: number;
}

const derive = (seed: string, label: string) => createHmac('sha256', seed).update(label).digest('hex');

export function initShopifyState(shop: EmuShop, options: ShopifyShopOptions, now: number, seed: string): ShopifyState {
  const maximumAvailable = options.maximumAvailable ?? 1000;
  const state: ShopifyState = {
    clientId: options.clientId ?? `emu-client-${shop.shop.split('.')[0]}`,
    clientSecret: options.clientSecret ?? `shpss_${derive(seed, `${shop.shop}:client-secret`).slice(0, 32)}`,
    scopes: defaultScopes,
    tokenKey: derive(seed, `${shop.shop}:token-key`),
    codes: new Map(),
    bucket: { maximumAvailable, restoreRate: options.restoreRate ?? 50, available: options.currentlyAvailable ?? maximumAvailable, at: now },
    bulk: null,
    bulkDelayMs: options.bulkDelayMs ?? 50,
  };
  shop.channel.shopify = state;
  return state;
}

export const shopifyStateOf = (shop: EmuShop): ShopifyState => shop.channel.shopify as ShopifyState;

/** `shpat_` + 32 hex like Shopify's: a nonce and its MAC, so the emulator validates tokens without storing them. */
export function issueAccessToken(state: ShopifyState, nonce = randomBytes(8).toString('hex')): string {
  return `shpat_${nonce}${createHmac('sha256', state.tokenKey).update(nonce).digest('hex').slice(0, 16)}`;
}

export function isValidAccessToken(state: ShopifyState, token: unknown): boolean {
  if (typeof token !== 'string' || !/^shpat_[0-9a-f]{32}$/.test(token)) return false;
  return issueAccessToken(state, token.slice(6, 22)) === token;
}

export const gid = (type: string, id: number) => `gid://shopify/${type}/${id}`;
export function parseGid(value: unknown, type: string): number | null {
  if (typeof value !== 'string') return null;
  const match = new RegExp(`^gid://shopify/${type}/(\\d+)$`).exec(value);
  return match ? Number(match[1]) : null;
}
