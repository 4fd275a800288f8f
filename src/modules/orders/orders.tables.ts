import { bigint, boolean, index, integer, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { timestamptz } from '../../db/columns.ts';

/** Unified orders as read from the channels: one row per (store, channel order id), never deduplicated by e-mail and total. */
export const orders = pgTable(
  'orders',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id').notNull(),
    storeId: uuid('store_id').notNull(),
    channelOrderId: text('channel_order_id').notNull(),
    number: text('number').notNull(),
    email: text('email'),
    currency: text('currency').notNull(),
    subtotalAmount: bigint('subtotal_amount', { mode: 'number' }).notNull(),
    totalAmount: bigint('total_amount', { mode: 'number' }).notNull(),
    financialStatus: text('financial_status').notNull(),
    fulfillmentStatus: text('fulfillment_status').notNull(),
    cancelled: boolean('cancelled').notNull().default(false),
    channelCreatedAt: timestamptz('channel_created_at').notNull(),
    channelUpdatedAt: timestamptz('channel_updated_at').notNull(),
    syncedAt: timestamptz('synced_at').notNull(),
  },
  (t) => [uniqueIndex('orders_store_channel_uq').on(t.storeId, t.channelOrderId), index('orders_org_idx').on(t.orgId, t.channelCreatedAt)],
);

export const orderLines = pgTable(
  'order_lines',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id').notNull(),
    orderId: uuid('order_id')
      .notNull()
      .references(() => orders.id, { onDelete: 'cascade' }),
    channelLineId: text('channel_line_id').notNull(),
    sku: text('sku').notNull(),
    title: text('title').notNull(),
    quantity: integer('quantity').notNull(),
    unitPriceAmount: bigint('unit_price_amount', { mode: 'number' }).notNull(),
    totalAmount: bigint('total_amount', { mode: 'number' }).notNull(),
    channelVariantId: text('channel_variant_id'),
  },
  (t) => [uniqueIndex('order_lines_order_line_uq').on(t.orderId, t.channelLineId)],
);
