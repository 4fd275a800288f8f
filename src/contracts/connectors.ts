import { z } from 'zod';

/**
 * Channel connectors: the capability matrix (seed 004 "Plugin System" plus pull_orders, push_inventory,
 * update_price, fulfill_order) and the normalized DTOs every connector reads and writes.
 * Money is always integer minor units + ISO 4217 currency; quantities are integers.
 */
export const capabilityNames = [
  'list_products',
  'create_product',
  'update_product',
  'delete_product',
  'bulk_operations',
  'real_time_inventory',
  'order_webhooks',
  'pull_orders',
  'push_inventory',
  'update_price',
  'fulfill_order',
] as const;
export type CapabilityName = (typeof capabilityNames)[number];

export const capabilityLevels = ['native', 'workaround', 'unsupported'] as const;
export type CapabilityLevel = (typeof capabilityLevels)[number];

export const capabilitySchema = z.object({
  level: z.enum(capabilityLevels).describe('native: the channel API does it; workaround: emulated by the connector (see notes); unsupported: not available'),
  rateLimit: z.string().optional().describe('The limit that applies to this capability, as the channel documents it'),
  batchSize: z.number().int().positive().optional().describe('Most items per call'),
  notes: z.string().optional().describe('How the connector does it, and its caveats'),
});
export type Capability = z.infer<typeof capabilitySchema>;

export const capabilityMatrixSchema = z.object(
  Object.fromEntries(capabilityNames.map((name) => [name, capabilitySchema])) as Record<CapabilityName, typeof capabilitySchema>,
);
export type CapabilityMatrix = Record<CapabilityName, Capability>;

export const connectorAuthTypes = ['oauth2', 'api_key', 'feed'] as const;

export const connectorInfoSchema = z.object({
  id: z.string().describe('Stable connector id, e.g. `shopify`'),
  name: z.string(),
  version: z.string().describe('The connector version (and the channel API version it speaks)'),
  auth: z.object({ type: z.enum(connectorAuthTypes), description: z.string() }),
  capabilities: capabilityMatrixSchema,
});
export type ConnectorInfo = z.infer<typeof connectorInfoSchema>;

/** GET /api/connectors */
export const connectorsListSchema = z.object({
  capabilities: z.array(z.enum(capabilityNames)).describe('The capability names, in display order'),
  connectors: z.array(connectorInfoSchema),
});
export type ConnectorsList = z.infer<typeof connectorsListSchema>;

// ---- normalized DTOs ----

export const currencySchema = z.string().regex(/^[A-Z]{3}$/, 'ISO 4217 currency code');
export const moneySchema = z.object({
  amount: z.number().int().describe('Integer minor units (cents): 1234 = 12.34 in a 2-decimal currency'),
  currency: currencySchema,
});
export type Money = z.infer<typeof moneySchema>;

export const imageSchema = z.object({ url: z.string(), alt: z.string().nullable().default(null) });

export const variantSchema = z.object({
  channelId: z.string().describe("The channel's id of the variant"),
  sku: z.string().describe('Stock keeping unit; empty string when the channel has none'),
  title: z.string(),
  price: moneySchema,
  compareAtPrice: moneySchema.nullable(),
  attributes: z.record(z.string(), z.string()).describe('Option name -> value, e.g. { Size: "M", Color: "Blue" }'),
  inventoryItemId: z.string().nullable().describe("The channel's id of the stock record, when it has a separate one"),
  quantity: z.number().int().nullable().describe('Available quantity as the channel reports it, when included'),
});
export type Variant = z.infer<typeof variantSchema>;

export const productStatuses = ['active', 'draft', 'archived'] as const;
export const productSchema = z.object({
  channelId: z.string(),
  title: z.string(),
  description: z.string(),
  vendor: z.string().nullable(),
  productType: z.string().nullable(),
  status: z.enum(productStatuses),
  tags: z.array(z.string()),
  handle: z.string().nullable().describe('URL slug, when the channel has one'),
  images: z.array(imageSchema),
  videoCount: z.number().int().nonnegative(),
  variants: z.array(variantSchema),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Product = z.infer<typeof productSchema>;

export const listingStatuses = ['active', 'inactive', 'draft', 'deleted'] as const;
/** A variant as published on one store: what `listings` rows mirror. */
export const listingSchema = z.object({
  channelListingId: z.string().describe('The channel id of the listing (Shopify: the product)'),
  channelVariantId: z.string(),
  sku: z.string(),
  title: z.string(),
  status: z.enum(listingStatuses),
  price: moneySchema,
  quantity: z.number().int().nullable(),
  url: z.string().nullable(),
  fields: z.record(z.string(), z.unknown()).describe('Channel-specific fields kept as they came'),
});
export type Listing = z.infer<typeof listingSchema>;

export const inventoryLevelSchema = z.object({
  inventoryItemId: z.string(),
  sku: z.string().nullable(),
  locationId: z.string().nullable(),
  available: z.number().int(),
});
export type InventoryLevel = z.infer<typeof inventoryLevelSchema>;

export const orderLineSchema = z.object({
  channelId: z.string(),
  sku: z.string(),
  title: z.string(),
  quantity: z.number().int().positive(),
  unitPrice: moneySchema,
  total: moneySchema,
  channelVariantId: z.string().nullable(),
});
export type OrderLine = z.infer<typeof orderLineSchema>;

export const orderFinancialStatuses = ['pending', 'paid', 'partially_refunded', 'refunded', 'voided', 'other'] as const;
export const orderFulfillmentStatuses = ['unfulfilled', 'partial', 'fulfilled', 'other'] as const;
export const orderSchema = z.object({
  channelId: z.string().describe("The channel's order id: orders are deduplicated by (store, channelId)"),
  number: z.string().describe('The order number people see, e.g. #1001'),
  email: z.string().nullable(),
  currency: currencySchema,
  subtotal: moneySchema,
  total: moneySchema,
  financialStatus: z.enum(orderFinancialStatuses),
  fulfillmentStatus: z.enum(orderFulfillmentStatuses),
  cancelled: z.boolean(),
  lines: z.array(orderLineSchema),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Order = z.infer<typeof orderSchema>;

// ---- inputs ----

export const variantInputSchema = z.object({
  sku: z.string().min(1),
  title: z.string().optional(),
  price: moneySchema,
  compareAtPrice: moneySchema.nullable().optional(),
  attributes: z.record(z.string(), z.string()).default({}),
  quantity: z.number().int().nonnegative().optional().describe('Initial available stock'),
});
export type VariantInput = z.input<typeof variantInputSchema>;

export const productInputSchema = z.object({
  title: z.string().min(1),
  description: z.string().default(''),
  vendor: z.string().optional(),
  productType: z.string().optional(),
  status: z.enum(productStatuses).default('active'),
  tags: z.array(z.string()).default([]),
  handle: z.string().optional().describe('Idempotency: a create retried after a lost answer finds the product by this handle'),
  images: z.array(imageSchema).default([]),
  variants: z.array(variantInputSchema).min(1),
});
export type ProductInput = z.input<typeof productInputSchema>;

export const productUpdateSchema = z.object({
  channelId: z.string(),
  title: z.string().min(1).optional(),
  description: z.string().optional(),
  status: z.enum(productStatuses).optional(),
  tags: z.array(z.string()).optional(),
  vendor: z.string().optional(),
  productType: z.string().optional(),
});
export type ProductUpdate = z.input<typeof productUpdateSchema>;

export const priceUpdateSchema = z.object({
  channelProductId: z.string(),
  channelVariantId: z.string(),
  price: moneySchema,
  compareAtPrice: moneySchema.nullable().optional(),
});
export type PriceUpdate = z.infer<typeof priceUpdateSchema>;

export const inventorySetSchema = z.object({
  inventoryItemId: z.string(),
  locationId: z.string().optional().describe("Defaults to the store's primary location"),
  available: z.number().int().nonnegative(),
});
export type InventorySet = z.infer<typeof inventorySetSchema>;

export const fulfillmentInputSchema = z.object({
  channelOrderId: z.string(),
  tracking: z.object({ company: z.string().nullable(), number: z.string().nullable(), url: z.string().nullable() }).nullable().default(null),
  notifyCustomer: z.boolean().default(false),
});
export type FulfillmentInput = z.input<typeof fulfillmentInputSchema>;

/** One page of a cursor-paginated listing; `nextCursor` null at the end. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
