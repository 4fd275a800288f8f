import { sql } from 'drizzle-orm';
import { bigint, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { timestamptz } from '../../db/columns.ts';

/**
 * The master catalog as read from the channels (read-side sync). A product is first seen on one store
 * (`originStoreId` + `originChannelId`); variants are matched across stores by SKU; a listing links a
 * variant to a store with the channel's ids, status and fields. Store ids reference stores(id) (custom migration).
 */
export const products = pgTable(
  'products',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id').notNull(),
    title: text('title').notNull(),
    description: text('description').notNull().default(''),
    vendor: text('vendor'),
    productType: text('product_type'),
    status: text('status').notNull(),
    handle: text('handle'),
    tags: jsonb('tags').$type<string[]>().notNull().default([]),
    imageCount: integer('image_count').notNull().default(0),
    videoCount: integer('video_count').notNull().default(0),
    originStoreId: uuid('origin_store_id').notNull(),
    originChannelId: text('origin_channel_id').notNull(),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    updatedAt: timestamptz('updated_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('products_origin_uq').on(t.orgId, t.originStoreId, t.originChannelId), index('products_org_idx').on(t.orgId, t.updatedAt)],
);

export const productVariants = pgTable(
  'product_variants',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id').notNull(),
    productId: uuid('product_id')
      .notNull()
      .references(() => products.id, { onDelete: 'cascade' }),
    /** Null when the channel has none (such variants are matched through their listing only). */
    sku: text('sku'),
    title: text('title').notNull(),
    attributes: jsonb('attributes').$type<Record<string, string>>().notNull().default({}),
    priceAmount: bigint('price_amount', { mode: 'number' }).notNull(),
    currency: text('currency').notNull(),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    updatedAt: timestamptz('updated_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('product_variants_sku_uq').on(t.orgId, t.sku).where(sql`${t.sku} is not null`), index('product_variants_product_idx').on(t.productId)],
);

export const listings = pgTable(
  'listings',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id').notNull(),
    storeId: uuid('store_id').notNull(),
    variantId: uuid('variant_id')
      .notNull()
      .references(() => productVariants.id, { onDelete: 'cascade' }),
    channelListingId: text('channel_listing_id').notNull(),
    channelVariantId: text('channel_variant_id').notNull(),
    /** The channel's status as read (active, inactive, draft, deleted); publishing states come with the publishing issue. */
    status: text('status').notNull(),
    title: text('title').notNull(),
    priceAmount: bigint('price_amount', { mode: 'number' }).notNull(),
    currency: text('currency').notNull(),
    url: text('url'),
    fields: jsonb('fields').$type<Record<string, unknown>>().notNull().default({}),
    syncedAt: timestamptz('synced_at').notNull(),
  },
  (t) => [uniqueIndex('listings_store_variant_uq').on(t.storeId, t.channelVariantId), index('listings_variant_idx').on(t.orgId, t.variantId)],
);

export const inventoryLevels = pgTable(
  'inventory_levels',
  {
    orgId: uuid('org_id').notNull(),
    storeId: uuid('store_id').notNull(),
    variantId: uuid('variant_id')
      .notNull()
      .references(() => productVariants.id, { onDelete: 'cascade' }),
    inventoryItemId: text('inventory_item_id'),
    available: integer('available').notNull(),
    syncedAt: timestamptz('synced_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.storeId, t.variantId] }), index('inventory_levels_org_idx').on(t.orgId, t.variantId)],
);
