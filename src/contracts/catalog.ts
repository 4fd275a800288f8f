import { z } from 'zod';
import { listingStatuses, productStatuses } from './connectors.ts';

/** The catalog as read from the channels (GET /api/catalog/products): products, their variants with stock per store, their listings per store. */
const isoDate = z.iso.datetime({ offset: true });
const money = z.object({ amount: z.number().int().describe('Minor units (cents)'), currency: z.string() });
export const pageLimitSchema = z.coerce.number().int().min(1).max(100, { error: 'limit must be at most 100' }).default(25);
export const pageCursorSchema = z.string().max(300).optional().describe('Opaque: the `nextCursor` of the previous page');
export const platformFilterSchema = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,39}$/, { error: 'expected a connector id such as shopify' })
  .optional()
  .describe('Only listings on stores of this channel (connector id)');
export const searchSchema = z.string().trim().min(1).max(200).optional();

export const listProductsQuerySchema = z.strictObject({
  storeId: z.uuid({ error: 'expected a store id (UUID)' }).optional().describe('Only products listed on this store'),
  platform: platformFilterSchema,
  status: z.enum(listingStatuses).optional().describe('Only products with a listing in this channel status (on the filtered store or channel, if any)'),
  q: searchSchema.describe('Title or SKU contains (case-insensitive)'),
  limit: pageLimitSchema,
  cursor: pageCursorSchema,
});
export type ListProductsQuery = z.output<typeof listProductsQuerySchema>;

export const productIdParamsSchema = z.object({ productId: z.uuid({ error: 'expected a product id (UUID)' }) });

export const stockLevelSchema = z.object({
  storeId: z.uuid(),
  available: z.number().int().describe('Units available on that store, as last read'),
  syncedAt: isoDate,
});

export const catalogVariantSchema = z.object({
  id: z.uuid(),
  sku: z.string().nullable().describe('Null when the channel has none (matched through its listing only)'),
  title: z.string(),
  attributes: z.record(z.string(), z.string()),
  price: money,
  stock: z.array(stockLevelSchema).describe('One level per store that reported stock for this variant'),
});

export const catalogListingSchema = z.object({
  id: z.uuid(),
  storeId: z.uuid(),
  storeName: z.string(),
  platform: z.string().describe('The connector id of the store'),
  variantId: z.uuid(),
  channelListingId: z.string().describe("The channel's product / item id"),
  channelVariantId: z.string().describe("The channel's variant id"),
  status: z.enum(listingStatuses).describe("The channel's status as read"),
  title: z.string(),
  price: money,
  url: z.string().nullable(),
  syncedAt: isoDate,
});

export const catalogProductSchema = z.object({
  id: z.uuid(),
  title: z.string(),
  status: z.enum(productStatuses),
  vendor: z.string().nullable(),
  productType: z.string().nullable(),
  tags: z.array(z.string()),
  imageCount: z.number().int(),
  videoCount: z.number().int(),
  originStoreId: z.uuid().describe('The store the product was first read from (owns the master fields)'),
  createdAt: isoDate,
  updatedAt: isoDate,
  variants: z.array(catalogVariantSchema),
  listings: z.array(catalogListingSchema).describe('Every listing of every variant, on every store'),
});
export type CatalogProduct = z.infer<typeof catalogProductSchema>;
export type CatalogListing = z.infer<typeof catalogListingSchema>;

export const listProductsResponseSchema = z.object({ products: z.array(catalogProductSchema), nextCursor: z.string().nullable() });
