import { z } from 'zod';
import { pageCursorSchema, pageLimitSchema, platformFilterSchema, searchSchema } from './catalog.ts';
import { orderFinancialStatuses, orderFulfillmentStatuses } from './connectors.ts';

/** Unified orders as read from the channels (GET /api/orders). */
const isoDate = z.iso.datetime({ offset: true });
const money = z.object({ amount: z.number().int().describe('Minor units (cents)'), currency: z.string() });

export const orderFiltersSchema = z.strictObject({
  storeId: z.uuid({ error: 'expected a store id (UUID)' }).optional(),
  platform: platformFilterSchema.describe('Only orders of stores of this channel (connector id)'),
  financialStatus: z.enum(orderFinancialStatuses).optional(),
  fulfillmentStatus: z.enum(orderFulfillmentStatuses).optional(),
  cancelled: z
    .enum(['true', 'false'], { error: 'cancelled must be true or false' })
    .transform((v) => v === 'true')
    .optional(),
  from: isoDate.optional().describe('Placed on the channel at or after'),
  to: isoDate.optional().describe('Placed on the channel before'),
  q: searchSchema.describe("The channel's order number contains (case-insensitive), or the channel order id"),
});
export type OrderFilters = z.output<typeof orderFiltersSchema>;

export const listOrdersQuerySchema = orderFiltersSchema.extend({ limit: pageLimitSchema, cursor: pageCursorSchema });
export type ListOrdersQuery = z.output<typeof listOrdersQuerySchema>;

export const orderIdParamsSchema = z.object({ orderId: z.uuid({ error: 'expected an order id (UUID)' }) });

export const orderSchema = z.object({
  id: z.uuid(),
  storeId: z.uuid(),
  storeName: z.string(),
  platform: z.string(),
  channelOrderId: z.string(),
  number: z.string().describe("The channel's order number (Shopify `#1001`)"),
  email: z.string().nullable(),
  subtotal: money,
  total: money,
  financialStatus: z.enum(orderFinancialStatuses),
  fulfillmentStatus: z.enum(orderFulfillmentStatuses),
  cancelled: z.boolean(),
  lineCount: z.number().int(),
  placedAt: isoDate.describe('When the order was placed on the channel'),
  updatedAt: isoDate.describe('Last change on the channel'),
  syncedAt: isoDate,
});
export type OrderView = z.infer<typeof orderSchema>;

export const orderLineSchema = z.object({
  id: z.uuid(),
  channelLineId: z.string(),
  sku: z.string(),
  title: z.string(),
  quantity: z.number().int(),
  unitPrice: money,
  total: money,
  channelVariantId: z.string().nullable(),
});

export const listOrdersResponseSchema = z.object({ orders: z.array(orderSchema), nextCursor: z.string().nullable() });
export const orderDetailSchema = orderSchema.extend({ lines: z.array(orderLineSchema) });

export const ordersSummarySchema = z.object({
  count: z.number().int().describe('Orders matching the filters'),
  byStore: z
    .array(z.object({ storeId: z.uuid(), storeName: z.string(), platform: z.string(), currency: z.string(), count: z.number().int(), total: money }))
    .describe('Count and total per store and currency (cancelled orders count but add nothing to the total)'),
});
