import { z } from 'zod';

/** Login with Amazon token endpoint (refresh-token grant). */
export const LWA_TOKEN_URL = 'https://api.amazon.com/auth/o2/token';

export const regionEndpoints = {
  na: 'https://sellingpartnerapi-na.amazon.com',
  eu: 'https://sellingpartnerapi-eu.amazon.com',
  fe: 'https://sellingpartnerapi-fe.amazon.com',
} as const;
export type AmazonRegion = keyof typeof regionEndpoints;

/** SP-API marketplace ids (developer-docs.amazon.com/sp-api/docs/marketplace-ids): region, country, currency. */
export const marketplaces: Record<string, { region: AmazonRegion; country: string; currency: string; language: string }> = {
  ATVPDKIKX0DER: { region: 'na', country: 'US', currency: 'USD', language: 'en_US' },
  A2EUQ1WTGCTBG2: { region: 'na', country: 'CA', currency: 'CAD', language: 'en_CA' },
  A1AM78C64UM0Y8: { region: 'na', country: 'MX', currency: 'MXN', language: 'es_MX' },
  A2Q3Y263D00KWC: { region: 'na', country: 'BR', currency: 'BRL', language: 'pt_BR' },
  A1RKKUPIHCS9HS: { region: 'eu', country: 'ES', currency: 'EUR', language: 'es_ES' },
  A1F83G8C2ARO7P: { region: 'eu', country: 'GB', currency: 'GBP', language: 'en_GB' },
  A13V1IB3VIYZZH: { region: 'eu', country: 'FR', currency: 'EUR', language: 'fr_FR' },
  AMEN7PMS3EDWL: { region: 'eu', country: 'BE', currency: 'EUR', language: 'fr_BE' },
  A1805IZSGTT6HS: { region: 'eu', country: 'NL', currency: 'EUR', language: 'nl_NL' },
  A1PA6795UKMFR9: { region: 'eu', country: 'DE', currency: 'EUR', language: 'de_DE' },
  APJ6JRA9NG5V4: { region: 'eu', country: 'IT', currency: 'EUR', language: 'it_IT' },
  A2NODRKZP88ZB9: { region: 'eu', country: 'SE', currency: 'SEK', language: 'sv_SE' },
  AE08WJ6YKNBMC: { region: 'eu', country: 'ZA', currency: 'ZAR', language: 'en_ZA' },
  A1C3SOZRARQ6R3: { region: 'eu', country: 'PL', currency: 'PLN', language: 'pl_PL' },
  ARBP9OOSHTCHU: { region: 'eu', country: 'EG', currency: 'EGP', language: 'ar_EG' },
  A33AVAJ2PDY3EV: { region: 'eu', country: 'TR', currency: 'TRY', language: 'tr_TR' },
  A17E79C6D8DWNP: { region: 'eu', country: 'SA', currency: 'SAR', language: 'ar_SA' },
  A2VIGQ35RCS4UG: { region: 'eu', country: 'AE', currency: 'AED', language: 'en_AE' },
  A21TJRUUN4KGV: { region: 'eu', country: 'IN', currency: 'INR', language: 'en_IN' },
  A19VAU5U5O7RUS: { region: 'fe', country: 'SG', currency: 'SGD', language: 'en_SG' },
  A39IBJ37TRP1C6: { region: 'fe', country: 'AU', currency: 'AUD', language: 'en_AU' },
  A1VC38T7YXB528: { region: 'fe', country: 'JP', currency: 'JPY', language: 'ja_JP' },
};

const limitSchema = z.object({ rate: z.number().positive(), burst: z.number().int().min(1) });

export const amazonConfigSchema = z
  .object({
    /** The selling partner id (Merchant Token, Seller Central > Settings > Account Info). */
    sellerId: z.string().regex(/^[A-Z0-9]{8,20}$/, 'an Amazon seller id (merchant token) like A1B2C3D4E5F6G7'),
    /** Where the store sells (e.g. A2Q3Y263D00KWC = Brazil, ATVPDKIKX0DER = US). */
    marketplaceId: z.string().refine((id) => id in marketplaces, 'a known SP-API marketplace id'),
    /** Derived from the marketplace when absent; when given it must be the marketplace's region. */
    region: z.enum(['na', 'eu', 'fe']).optional(),
    /** Only for the emulator (or a proxy): instead of the region's SP-API endpoint. */
    apiBaseUrl: z.url().optional(),
    /** Only for the emulator: instead of https://api.amazon.com/auth/o2/token. */
    authUrl: z.url().optional(),
    /** Product type for listings created from Nexo (Amazon requires one per item). */
    productType: z.string().default('PRODUCT'),
    /** Stock/price changes of more SKUs than this go through one JSON_LISTINGS_FEED instead of PATCH calls. */
    bulkFeedThreshold: z.number().int().min(1).default(50),
    /** Listings writes are applied asynchronously: read-backs are retried this many times before `write_not_applied`. */
    verifyAttempts: z.number().int().min(1).max(20).default(4),
    verifyDelayMs: z.number().int().min(0).max(60_000).default(2000),
    feedPollIntervalMs: z.number().int().min(0).default(30_000),
    feedTimeoutMs: z
      .number()
      .int()
      .min(1000)
      .default(45 * 60_000),
    /** Usage plans per operation, when the selling partner's differ from the published defaults. */
    rateLimits: z.record(z.string(), limitSchema).optional(),
  })
  .refine((config) => !config.region || marketplaces[config.marketplaceId]?.region === config.region, {
    message: 'region does not match the marketplace',
    path: ['region'],
  });
export type AmazonConfig = z.infer<typeof amazonConfigSchema>;

/** A private (self-authorized) or public SP-API application: its LWA client and the seller's refresh token. */
export const amazonCredentialsSchema = z.object({
  lwaClientId: z.string().min(1),
  lwaClientSecret: z.string().min(1),
  /** `Atzr|…`, from the seller's authorization; long-lived, not rotated. */
  refreshToken: z.string().min(1),
});
export type AmazonCredentials = z.infer<typeof amazonCredentialsSchema>;

export const apiBaseOf = (config: AmazonConfig) => config.apiBaseUrl ?? regionEndpoints[marketplaces[config.marketplaceId]?.region ?? 'na'];
export const currencyOf = (config: AmazonConfig) => marketplaces[config.marketplaceId]?.currency ?? 'USD';
