import { createHmac, randomBytes } from 'node:crypto';
import type { EmuOrder, EmuProduct, EmuShop } from '../shop-state.ts';

/**
 * Shopee-specific state of an emulated shop: the partner app (partner id and key), the shop id and region,
 * authorization codes, access tokens (4 h) and the one refresh token valid now (30 days; every refresh
 * issues a new one and retires the old), the shop's request bucket, the push URL and the lost-push store.
 */
export interface ShopeeState {
  partnerId: number;
  partnerKey: string;
  shopId: number;
  region: string;
  accessTokenTtlMs: number;
  refreshTokenTtlMs: number;
  codes: Map<string, { expiresAt: number }>;
  accessTokens: Map<string, { expiresAt: number }>;
  refreshToken: { token: string; expiresAt: number };
  retiredRefreshTokens: Set<string>;
  limits: { requestsPerSecond: number; burst: number; tokens: number; at: number };
  /** Items created with models (init_tier_variation) even if they have one variant. */
  modelItems: Set<number>;
  /** Items whose parent item_sku was set by add_item. */
  itemSkus: Map<number, string>;
  pushUrl: string | null;
  /** Pushes that could not be delivered, as get_lost_push_message returns them. */
  lostPushes: Array<{ id: number; shop_id: number; code: number; timestamp: number; data: string }>;
  lastLostPushId: number;
}

export interface ShopeeShopOptions {
  partnerId?: number;
  partnerKey?: string;
  region?: string;
  accessTokenTtlSeconds?: number;
  requestsPerSecond?: number;
  burst?: number;
  pushUrl?: string;
}

const derive = (seed: string, label: string) => createHmac('sha256', seed).update(label).digest('hex');

export const ITEM_BASE = 800_000_000;
export const itemIdOf = (productId: number) => ITEM_BASE + productId;
export const productIdOf = (itemId: number) => itemId - ITEM_BASE;

/** `YYMMDD` + 8 base-36 characters, shaped like Shopee's order_sn (e.g. 241127000002S7). */
export const orderSnOf = (order: Pick<EmuOrder, 'id' | 'createdAt'>) =>
  `${order.createdAt.slice(2, 10).replace(/-/g, '')}${order.id.toString(36).toUpperCase().padStart(8, '0')}`;
export const orderIdOfSn = (sn: string): number | null => (/^\d{6}[0-9A-Z]{8}$/.test(sn) ? Number.parseInt(sn.slice(6), 36) : null);

/** An item has models when it has several variants or a variant with options (or was given tiers). */
export const hasModels = (state: ShopeeState, product: EmuProduct) =>
  product.variants.length > 1 || product.variants.some((v) => Object.keys(v.options).length > 0) || state.modelItems.has(product.id);

export function initShopeeState(shop: EmuShop, options: ShopeeShopOptions, seed: string): ShopeeState {
  const rps = options.requestsPerSecond ?? 50;
  const state: ShopeeState = {
    partnerId: options.partnerId ?? 2_000_000 + (Number.parseInt(derive(seed, `${shop.shop}:partner`).slice(0, 6), 16) % 900_000),
    partnerKey: options.partnerKey ?? `shpk${derive(seed, `${shop.shop}:partner-key`).slice(0, 60)}`,
    shopId: 10_000_000 + (Number.parseInt(derive(seed, `${shop.shop}:shop`).slice(0, 8), 16) % 900_000_000),
    region: options.region ?? 'BR',
    accessTokenTtlMs: (options.accessTokenTtlSeconds ?? 14_400) * 1000,
    refreshTokenTtlMs: 30 * 86_400_000,
    codes: new Map(),
    accessTokens: new Map(),
    refreshToken: { token: '', expiresAt: 0 },
    retiredRefreshTokens: new Set(),
    limits: { requestsPerSecond: rps, burst: options.burst ?? rps, tokens: options.burst ?? rps, at: Date.now() },
    modelItems: new Set(),
    itemSkus: new Map(),
    pushUrl: options.pushUrl ?? null,
    lostPushes: [],
    lastLostPushId: 0,
  };
  shop.channel.shopee = state;
  return state;
}

export const shopeeStateOf = (shop: EmuShop): ShopeeState => shop.channel.shopee as ShopeeState;

/** Shopee tokens are 32 hex-ish characters; every issue rotates the refresh token. */
export function issueShopeeTokens(state: ShopeeState, now: number) {
  const access = randomBytes(16).toString('hex');
  state.accessTokens.set(access, { expiresAt: now + state.accessTokenTtlMs });
  if (state.refreshToken.token) state.retiredRefreshTokens.add(state.refreshToken.token);
  state.refreshToken = { token: randomBytes(16).toString('hex'), expiresAt: now + state.refreshTokenTtlMs };
  return { access_token: access, refresh_token: state.refreshToken.token, expire_in: Math.round(state.accessTokenTtlMs / 1000) };
}
