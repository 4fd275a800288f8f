import { z } from 'zod';

/** Shopee Open Platform v2, live environment (the sandbox is https://partner.test-stable.shopeemobile.com). */
export const SHOPEE_API_BASE = 'https://partner.shopeemobile.com';

export const shopeeConfigSchema = z.object({
  /** Only for the emulator, a proxy or the sandbox: where calls go instead of https://partner.shopeemobile.com. */
  apiBaseUrl: z.url().optional(),
  /** Our own pacing (Shopee publishes no per-shop figure and sends no limit headers); a rate-limit answer halves it. */
  requestsPerSecond: z.number().positive().max(100).default(10),
  /** Category for products created from Nexo (Shopee requires one; its category recommendation API is not used). */
  categoryId: z.number().int().positive().default(100_001),
  /** Shopee requires at least one image id (uploaded through media_space) on add_item. */
  defaultImageId: z.string().default('nexo-placeholder'),
  /** Weight in kg sent on add_item (required by Shopee). */
  defaultWeightKg: z.number().positive().default(0.5),
  /** A full order sync reads this far back (get_order_list takes at most 15 days a call: windows are walked). */
  orderLookbackDays: z.number().int().min(1).max(3650).default(90),
});
export type ShopeeConfig = z.infer<typeof shopeeConfigSchema>;

export const shopeeCredentialsSchema = z.object({
  /** The partner (app) id and key: every call is signed with the key; Nexo's own app or the seller's. */
  partnerId: z.coerce.number().int().positive(),
  partnerKey: z.string().min(1),
  shopId: z.coerce.number().int().positive(),
  accessToken: z.string().min(1),
  /** Valid 30 days; every refresh returns a new one (store it atomically, see onCredentialsRefreshed). */
  refreshToken: z.string().min(1),
  /** When the access token expires (4 h after issue); refreshed a minute before. */
  expiresAt: z.string().optional(),
});
export type ShopeeCredentials = z.infer<typeof shopeeCredentialsSchema>;

/** Currency of each Shopee region (get_shop_info names the region). */
export const regionCurrencies: Record<string, string> = {
  BR: 'BRL',
  SG: 'SGD',
  MY: 'MYR',
  TH: 'THB',
  TW: 'TWD',
  ID: 'IDR',
  VN: 'VND',
  PH: 'PHP',
  MX: 'MXN',
  CO: 'COP',
  CL: 'CLP',
};
