import { z } from 'zod';

export const TTS_API_BASE = 'https://open-api.tiktokglobalshop.com';
export const TTS_AUTH_BASE = 'https://auth.tiktok-shops.com';
/** The seller authorization (service) link: ROW; US sellers use https://services.tiktokshops.us. */
export const TTS_SERVICES_BASE = 'https://services.tiktokshop.com';
export const TTS_VERSION = '202309';

export const tiktokShopConfigSchema = z.object({
  /** Only for the emulator (or a proxy): where API calls go instead of https://open-api.tiktokglobalshop.com. */
  apiBaseUrl: z.url().optional(),
  /** Token get / refresh host (https://auth.tiktok-shops.com). */
  authBaseUrl: z.url().optional(),
  /** Where sellers authorize the app (service link host). */
  servicesBaseUrl: z.url().optional(),
  /** The app's service id (Partner Center): the authorization link needs it. */
  serviceId: z.string().optional(),
  /** Which authorized shop this store is, when the token covers several (default: the first). */
  shopId: z.string().optional(),
  /** Our pacing before TikTok says 429 (TikTok publishes per-endpoint QPS in Partner Center, not in headers). */
  requestsPerSecond: z.number().positive().max(100).default(10),
  /** Leaf category and warehouse for products created from Nexo (TikTok requires both). */
  categoryId: z.string().default('600001'),
  warehouseId: z.string().optional(),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/)
    .optional(),
});
export type TikTokShopConfig = z.infer<typeof tiktokShopConfigSchema>;

export const tiktokShopCredentialsSchema = z.object({
  /** The app's key and secret: every call is signed with them (kept sealed with the store). */
  appKey: z.string().min(1),
  appSecret: z.string().min(1),
  accessToken: z.string().min(1),
  refreshToken: z.string().min(1),
  /** ISO times; refreshed a minute before the access token expires. */
  accessTokenExpiresAt: z.string().optional(),
  refreshTokenExpiresAt: z.string().optional(),
  /** The authorized shop (from /authorization/202309/shops), filled on first use. */
  shopCipher: z.string().optional(),
  shopId: z.string().optional(),
});
export type TikTokShopCredentials = z.infer<typeof tiktokShopCredentialsSchema>;
