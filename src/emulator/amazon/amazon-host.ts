import { z } from 'zod';
import { fillCatalog, generateOrder } from '../generator.ts';
import { type EmuShop, newEmuShop } from '../shop-state.ts';
import { indexCatalog, initAmazonState } from './amazon-state.ts';

/** Marketplace id -> currency, for the marketplaces the emulator knows (any id is accepted with `currency`). */
const marketplaceCurrency: Record<string, string> = {
  A2Q3Y263D00KWC: 'BRL',
  ATVPDKIKX0DER: 'USD',
  A2EUQ1WTGCTBG2: 'CAD',
  A1AM78C64UM0Y8: 'MXN',
  A1PA6795UKMFR9: 'EUR',
  A1F83G8C2ARO7P: 'GBP',
  A1VC38T7YXB528: 'JPY',
};

const limitSchema = z.object({ rate: z.number().positive(), burst: z.number().min(1) });
export const createAmazonShopSchema = z.strictObject({
  platform: z.literal('amazon'),
  shop: z.string().regex(/^[a-z0-9][a-z0-9-]{0,60}$/, 'a seller key like demo-amazon'),
  name: z.string().optional(),
  marketplaceId: z.string().default('A2Q3Y263D00KWC'),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/)
    .optional(),
  seed: z.union([z.string(), z.number()]).optional(),
  products: z.number().int().min(0).max(100_000).default(50),
  orders: z.number().int().min(0).max(100_000).default(20),
  clientId: z.string().optional(),
  clientSecret: z.string().optional(),
  accessTokenTtlSeconds: z.number().positive().optional(),
  /** Per-operation usage plans overriding the published ones (tight tests, scaled benchmarks). */
  rateLimits: z.record(z.string(), limitSchema).optional(),
  /** Multiplies every operation's rate and burst (benchmarks: state the factor with the figures). */
  rateScale: z.number().positive().optional(),
  /** How long a feed stays IN_QUEUE/IN_PROGRESS before it is processed. */
  feedDelayMs: z.number().int().min(0).optional(),
  /** Share of SKUs fulfilled by Amazon (FBA: stock read-only). */
  fbaShare: z.number().min(0).max(1).default(0),
});
export type CreateAmazonShopInput = z.input<typeof createAmazonShopSchema>;

export interface AmazonShopCredentials {
  platform: 'amazon';
  shop: string;
  /** The SP-API endpoint (instead of https://sellingpartnerapi-na.amazon.com). */
  baseUrl: string;
  /** The LWA token endpoint (instead of https://api.amazon.com/auth/o2/token). */
  authUrl: string;
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  sellerId: string;
  marketplaceId: string;
}

/** A selling partner account filled by the seeded generator (see amazon-handler.ts for the protocol). */
export function createAmazonShop(
  raw: CreateAmazonShopInput,
  options: { seed: string; baseUrl: string; now: Date },
): { shop: EmuShop; credentials: AmazonShopCredentials } {
  const input = createAmazonShopSchema.parse(raw);
  const shop = newEmuShop({
    shop: input.shop,
    platform: 'amazon',
    name: input.name,
    currency: input.currency ?? marketplaceCurrency[input.marketplaceId] ?? 'USD',
    seed: options.seed,
    shopSeed: input.seed,
  });
  const scale = input.rateScale ?? 1;
  const state = initAmazonState(shop, { ...input, feedDelayMs: input.feedDelayMs }, options.seed);
  for (const [operation, limit] of Object.entries(state.limits))
    state.limits[operation] = { rate: limit.rate * scale, burst: Math.max(1, Math.round(limit.burst * scale)) };
  if (input.rateLimits) Object.assign(state.limits, input.rateLimits);
  const createdAt = options.now.getTime();
  fillCatalog(shop, { products: input.products, now: new Date(createdAt - 30 * 86_400_000) });
  for (let i = 0; i < input.orders; i++) generateOrder(shop, new Date(createdAt - (input.orders - i) * 3_600_000));
  indexCatalog(shop, state);
  if (input.fbaShare > 0)
    for (const product of shop.products.values()) for (const v of product.variants) if (shop.random.chance(input.fbaShare)) state.fba.add(v.sku);
  return {
    shop,
    credentials: {
      platform: 'amazon',
      shop: shop.shop,
      baseUrl: `${options.baseUrl}/amazon/${shop.shop}`,
      authUrl: `${options.baseUrl}/amazon/${shop.shop}/auth/o2/token`,
      clientId: state.clientId,
      clientSecret: state.clientSecret,
      refreshToken: state.refreshToken,
      sellerId: state.sellerId,
      marketplaceId: state.marketplaceId,
    },
  };
}
