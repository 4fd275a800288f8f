import { z } from 'zod';

export const ML_API_BASE = 'https://api.mercadolibre.com';
export const ML_AUTH_BASE = 'https://auth.mercadolivre.com.br';

export const mercadoLivreConfigSchema = z.object({
  /** Only for the emulator (or a proxy): where API calls go instead of https://api.mercadolibre.com. */
  apiBaseUrl: z.url().optional(),
  /** Where the seller authorizes the app (https://auth.mercadolivre.com.br for Brazil). */
  authBaseUrl: z.url().optional(),
  siteId: z
    .string()
    .regex(/^M[A-Z]{2}$/)
    .default('MLB'),
  /** Our own pacing before ML says 429 (ML publishes no limits and sends no limit headers); 429s lower it. */
  requestsPerSecond: z.number().positive().max(100).default(10),
  /** Category for products created from Nexo (ML requires one; its category predictor is not used). */
  categoryId: z.string().default('MLB1953'),
  listingTypeId: z.string().default('gold_special'),
  condition: z.enum(['new', 'used', 'not_specified']).default('new'),
});
export type MercadoLivreConfig = z.infer<typeof mercadoLivreConfigSchema>;

export const mercadoLivreCredentialsSchema = z.object({
  accessToken: z.string().min(1),
  /** Rotates on every refresh: always store the newest one (see onCredentialsRefreshed). */
  refreshToken: z.string().min(1),
  /** The seller's ML user id (`user_id` of the token answer, `id` of /users/me). */
  userId: z.coerce.string().regex(/^\d+$/),
  /** When the access token expires (6 h after issue); refreshed a minute before. */
  expiresAt: z.string().optional(),
});
export type MercadoLivreCredentials = z.infer<typeof mercadoLivreCredentialsSchema>;

/** Currency of each ML site (the connector needs it before it has read anything). */
export const siteCurrencies: Record<string, string> = {
  MLB: 'BRL',
  MLA: 'ARS',
  MLM: 'MXN',
  MLC: 'CLP',
  MCO: 'COP',
  MLU: 'UYU',
  MPE: 'PEN',
  MEC: 'USD',
  MLV: 'VES',
};
