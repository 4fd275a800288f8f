import { createHmac, randomBytes } from 'node:crypto';
import type { EmuShop } from '../shop-state.ts';

/**
 * Mercado Livre-specific state of an emulated seller: the application (client id/secret), the seller's
 * user id, authorization codes, access tokens with their expiry, the one refresh token currently valid
 * (ML rotates it on every refresh: the previous one answers invalid_grant), per-endpoint request buckets,
 * scan scrolls and the application's notifications callback URL.
 */
export interface MlState {
  userId: number;
  nickname: string;
  siteId: string;
  clientId: string;
  clientSecret: string;
  accessTokenTtlMs: number;
  codes: Map<string, { expiresAt: number; redirectUri: string }>;
  accessTokens: Map<string, { expiresAt: number }>;
  /** The refresh token that works now; every refresh replaces it. */
  refreshToken: string;
  /** Refresh tokens that were valid once (answer invalid_grant, like ML). */
  retiredRefreshTokens: Set<string>;
  limits: {
    requestsPerSecond: number;
    burst: number;
    scope: 'endpoint' | 'seller';
    sendRetryAfter: boolean;
    buckets: Map<string, { tokens: number; at: number }>;
  };
  scrolls: Map<string, { ids: string[]; position: number; expiresAt: number }>;
  notificationsUrl: string | null;
  /** Product ids with a description (ML keeps it as a separate resource). */
  descriptions: Map<number, { plainText: string; updatedAt: string }>;
}

export interface MlShopOptions {
  clientId?: string;
  clientSecret?: string;
  /** Access token lifetime: 6 h on ML (21600 s). */
  accessTokenTtlSeconds?: number;
  /** Per endpoint (method + route) and seller: a token bucket. ML does not publish its limits; 429 beyond them. */
  requestsPerSecond?: number;
  burst?: number;
  /** One bucket per endpoint (default) or one for every call of the seller. */
  rateLimitScope?: 'endpoint' | 'seller';
  /** ML does not document a Retry-After on its 429s; the emulator sends one unless this is false. */
  sendRetryAfter?: boolean;
  notificationsUrl?: string;
}

const derive = (seed: string, label: string) => createHmac('sha256', seed).update(label).digest('hex');

export const ITEM_BASE = 3_000_000_000;
export const VARIATION_BASE = 170_000_000_000;
export const ORDER_BASE = 2_000_000_000_000_000;

export const itemId = (productId: number) => `MLB${ITEM_BASE + productId}`;
export const parseItemId = (value: string): number | null => {
  const match = /^MLB(\d+)$/.exec(value);
  return match ? Number(match[1]) - ITEM_BASE : null;
};
export const variationId = (variantId: number) => VARIATION_BASE + variantId;
export const orderId = (id: number) => ORDER_BASE + id;

export function initMlState(shop: EmuShop, options: MlShopOptions, seed: string): MlState {
  const digits = BigInt(`0x${derive(seed, `${shop.shop}:app`).slice(0, 12)}`) % 9_000_000_000_000_000n;
  const userId = 100_000_000 + (Number.parseInt(derive(seed, `${shop.shop}:user`).slice(0, 8), 16) % 900_000_000);
  const state: MlState = {
    userId,
    nickname: shop.shop.toUpperCase().replace(/-/g, '_'),
    siteId: 'MLB',
    clientId: options.clientId ?? String(1_000_000_000_000_000n + digits),
    clientSecret: options.clientSecret ?? derive(seed, `${shop.shop}:client-secret`).slice(0, 32),
    accessTokenTtlMs: (options.accessTokenTtlSeconds ?? 21_600) * 1000,
    codes: new Map(),
    accessTokens: new Map(),
    refreshToken: '',
    retiredRefreshTokens: new Set(),
    limits: {
      requestsPerSecond: options.requestsPerSecond ?? 50,
      burst: options.burst ?? options.requestsPerSecond ?? 50,
      scope: options.rateLimitScope ?? 'endpoint',
      sendRetryAfter: options.sendRetryAfter ?? true,
      buckets: new Map(),
    },
    scrolls: new Map(),
    notificationsUrl: options.notificationsUrl ?? null,
    descriptions: new Map(),
  };
  shop.channel.mercadolivre = state;
  return state;
}

export const mlStateOf = (shop: EmuShop): MlState => shop.channel.mercadolivre as MlState;

/** `APP_USR-<app>-<MMDDHH>-<32 hex>-<user>` and `TG-<24 hex>-<user>`, shaped like ML's. */
export function issueTokens(state: MlState, now: number): { access_token: string; refresh_token: string; expires_in: number } {
  const stamp = new Date(now).toISOString().slice(5, 13).replace(/[-T]/g, '');
  const access = `APP_USR-${state.clientId}-${stamp}-${randomBytes(16).toString('hex')}-${state.userId}`;
  state.accessTokens.set(access, { expiresAt: now + state.accessTokenTtlMs });
  if (state.refreshToken) state.retiredRefreshTokens.add(state.refreshToken);
  state.refreshToken = `TG-${randomBytes(12).toString('hex')}-${state.userId}`;
  return { access_token: access, refresh_token: state.refreshToken, expires_in: Math.round(state.accessTokenTtlMs / 1000) };
}
