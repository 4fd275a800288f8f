import { createHmac, randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { EmuShop } from '../shop-state.ts';

/** `POST /_emulator/shops { platform: 'tiktokshop', … }`: a TikTok Shop seller with its app. */
export const tiktokShopShopSchema = z.strictObject({
  platform: z.literal('tiktokshop'),
  shop: z.string().regex(/^[a-z0-9][a-z0-9-]{0,60}$/, 'a shop key like demo-tiktok'),
  name: z.string().optional(),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/)
    .default('BRL'),
  region: z
    .string()
    .regex(/^[A-Z]{2}$/)
    .default('BR'),
  seed: z.union([z.string(), z.number()]).optional(),
  products: z.number().int().min(0).max(100_000).default(50),
  orders: z.number().int().min(0).max(100_000).default(20),
  appKey: z.string().optional(),
  appSecret: z.string().optional(),
  /** The app's redirect URL (set in Partner Center on the real platform): where /open/authorize sends the seller back. */
  redirectUri: z.url().optional(),
  accessTokenTtlSeconds: z.number().positive().optional(),
  refreshTokenTtlSeconds: z.number().positive().optional(),
  /** Token bucket per app, shop and endpoint (or per shop): TikTok answers 429 / code 36009002 beyond it. */
  requestsPerSecond: z.number().positive().optional(),
  burst: z.number().min(1).optional(),
  rateLimitScope: z.enum(['endpoint', 'shop']).optional(),
});
export type TikTokShopShopInput = z.infer<typeof tiktokShopShopSchema>;

export interface TtsState {
  appKey: string;
  appSecret: string;
  shopId: string;
  cipher: string;
  region: string;
  warehouseId: string;
  redirectUri: string | null;
  accessTtlMs: number;
  refreshTtlMs: number;
  codes: Map<string, number>;
  accessTokens: Map<string, number>;
  refreshTokens: Map<string, number>;
  limits: { requestsPerSecond: number; burst: number; scope: 'endpoint' | 'shop'; buckets: Map<string, { tokens: number; at: number }> };
  /** Event type -> callback address (PUT /event/202309/webhooks). */
  webhooks: Map<string, string>;
  /** Product ids created as drafts (`save_mode: AS_DRAFT`): rendered DRAFT rather than SELLER_DEACTIVATED. */
  drafts: Set<number>;
}

const derive = (seed: string, label: string) => createHmac('sha256', seed).update(label).digest('hex');
const digits = (hex: string, length: number) => (BigInt(`0x${hex.slice(0, 15)}`) % 10n ** BigInt(length)).toString().padStart(length, '0');

export function initTtsState(shop: EmuShop, input: TikTokShopShopInput, seed: string): TtsState {
  const state: TtsState = {
    appKey: input.appKey ?? derive(seed, `${shop.shop}:app-key`).slice(0, 13),
    appSecret: input.appSecret ?? derive(seed, `${shop.shop}:app-secret`).slice(0, 40),
    shopId: `7494${digits(derive(seed, `${shop.shop}:shop-id`), 15)}`,
    cipher: `ROW_${Buffer.from(derive(seed, `${shop.shop}:cipher`), 'hex')
      .toString('base64url')
      .slice(0, 28)}`,
    region: input.region,
    warehouseId: `7068${digits(derive(seed, `${shop.shop}:warehouse`), 15)}`,
    redirectUri: input.redirectUri ?? null,
    accessTtlMs: (input.accessTokenTtlSeconds ?? 7 * 86_400) * 1000,
    refreshTtlMs: (input.refreshTokenTtlSeconds ?? 365 * 86_400) * 1000,
    codes: new Map(),
    accessTokens: new Map(),
    refreshTokens: new Map(),
    limits: {
      requestsPerSecond: input.requestsPerSecond ?? 50,
      burst: input.burst ?? input.requestsPerSecond ?? 50,
      scope: input.rateLimitScope ?? 'endpoint',
      buckets: new Map(),
    },
    webhooks: new Map(),
    drafts: new Set(),
  };
  shop.channel.tiktokshop = state;
  return state;
}

export const ttsStateOf = (shop: EmuShop): TtsState => shop.channel.tiktokshop as TtsState;

/** Tokens shaped like TikTok's (`ROW_…`, `TTP_…`); the answer of /api/v2/token/get and /refresh. */
export function issueTtsTokens(state: TtsState, nowMs: number, refreshToken?: string) {
  const access = `ROW_${randomBytes(36).toString('base64url')}`;
  state.accessTokens.set(access, nowMs + state.accessTtlMs);
  let refresh = refreshToken;
  if (!refresh) {
    refresh = `ROW_${randomBytes(24).toString('base64url')}`;
    state.refreshTokens.set(refresh, nowMs + state.refreshTtlMs);
  }
  return {
    access_token: access,
    access_token_expire_in: Math.floor((nowMs + state.accessTtlMs) / 1000),
    refresh_token: refresh,
    refresh_token_expire_in: Math.floor((state.refreshTokens.get(refresh) ?? nowMs) / 1000),
    open_id: `open-${state.shopId}`,
    seller_name: state.shopId,
    seller_base_region: state.region,
    user_type: 0,
    granted_scopes: ['seller.product.basic', 'seller.order.info', 'seller.logistics'],
  };
}

// TikTok ids are 19-digit decimal strings; the emulator's small ids are padded behind a fixed prefix.
const idOf = (prefix: string, id: number) => `${prefix}${String(id).padStart(15, '0')}`;
const parse = (prefix: string, value: string): number | null =>
  value.startsWith(prefix) && /^\d{19}$/.test(value) ? Number(value.slice(prefix.length)) : null;
export const productIdOf = (id: number) => idOf('1729', id);
export const parseProductId = (value: string) => parse('1729', value);
export const skuIdOf = (id: number) => idOf('1730', id);
export const parseSkuId = (value: string) => parse('1730', value);
export const orderIdOf = (id: number) => idOf('5764', id);
export const parseOrderId = (value: string) => parse('5764', value);
