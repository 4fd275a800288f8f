import { and, eq, getTableColumns, inArray, sql } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { Listing, Product } from '../../contracts/connectors.ts';
import type { DbOrTx } from '../../db/client.ts';
import { uuidv7 } from '../../lib/ids.ts';
import { inventoryLevels, listings, products, productVariants } from './catalog.tables.ts';

export interface SyncScope {
  orgId: string;
  storeId: string;
  now: Date;
}

type Match = { variantId: string; productId: string };

/**
 * Mirrors one page of a store's products: the product first seen on this store owns the master fields;
 * variants are matched by SKU across stores (by their listing when they have none); every variant gets its
 * listing on this store and its stock level. Idempotent: re-reading the same page changes nothing.
 * Set-based: three reads and at most five writes per page, whatever its size (a sync's pages arrive while the
 * channel's rate limit restores, so a page must be stored in less time than the next one takes to come).
 */
export async function upsertChannelProducts(tx: DbOrTx, scope: SyncScope, page: Array<{ product: Product; listings: Listing[] }>): Promise<number> {
  const variants = page.flatMap(({ product }) => product.variants);
  if (page.length === 0) return 0;
  const channelVariantIds = [...new Set(variants.map((v) => v.channelId))];
  const skus = [...new Set(variants.flatMap((v) => (v.sku ? [v.sku] : [])))];
  const byListing = new Map<string, Match>();
  for (const row of channelVariantIds.length === 0
    ? []
    : await tx
        .select({ channelVariantId: listings.channelVariantId, variantId: listings.variantId, productId: productVariants.productId })
        .from(listings)
        .innerJoin(productVariants, eq(productVariants.id, listings.variantId))
        .where(and(eq(listings.storeId, scope.storeId), inArray(listings.channelVariantId, channelVariantIds))))
    byListing.set(row.channelVariantId, { variantId: row.variantId, productId: row.productId });
  const bySku = new Map<string, Match>();
  for (const row of skus.length === 0
    ? []
    : await tx
        .select({ sku: productVariants.sku, variantId: productVariants.id, productId: productVariants.productId })
        .from(productVariants)
        .where(and(eq(productVariants.orgId, scope.orgId), inArray(productVariants.sku, skus))))
    if (row.sku) bySku.set(row.sku, { variantId: row.variantId, productId: row.productId });
  const origins = new Map(
    (
      await tx
        .select({ id: products.id, channelId: products.originChannelId })
        .from(products)
        .where(
          and(
            eq(products.orgId, scope.orgId),
            eq(products.originStoreId, scope.storeId),
            inArray(
              products.originChannelId,
              page.map(({ product }) => product.channelId),
            ),
          ),
        )
    ).map((row) => [row.channelId, row.id]),
  );

  const productRows = new Map<string, typeof products.$inferInsert>();
  const newVariants: Array<typeof productVariants.$inferInsert> = [];
  const variantUpdates: Array<{ id: string; title: string; attributes: Record<string, string>; price_amount: number; currency: string }> = [];
  const listingRows = new Map<string, typeof listings.$inferInsert>();
  const levelRows = new Map<string, typeof inventoryLevels.$inferInsert>();
  for (const { product, listings: productListings } of page) {
    // Matched against what was stored before this product (earlier products of the page included), as one by one.
    const matched = product.variants.map((variant) => byListing.get(variant.channelId) ?? (variant.sku ? bySku.get(variant.sku) : undefined));
    const origin = origins.get(product.channelId);
    const productId = origin ?? matched.find((m) => m)?.productId ?? uuidv7(scope.now.getTime());
    if (origin || !matched.some((m) => m)) {
      origins.set(product.channelId, productId);
      productRows.set(product.channelId, {
        id: productId,
        orgId: scope.orgId,
        originStoreId: scope.storeId,
        originChannelId: product.channelId,
        createdAt: scope.now,
        title: product.title,
        description: product.description,
        vendor: product.vendor,
        productType: product.productType,
        status: product.status,
        handle: product.handle,
        tags: product.tags,
        imageCount: product.images.length,
        videoCount: product.videoCount,
        updatedAt: scope.now,
      });
    }
    for (const [index, variant] of product.variants.entries()) {
      const fields = { title: variant.title, attributes: variant.attributes, priceAmount: variant.price.amount, currency: variant.price.currency };
      let variantId = matched[index]?.variantId;
      if (!variantId) {
        variantId = uuidv7(scope.now.getTime());
        newVariants.push({ id: variantId, orgId: scope.orgId, productId, sku: variant.sku || null, createdAt: scope.now, updatedAt: scope.now, ...fields });
        if (variant.sku) bySku.set(variant.sku, { variantId, productId });
      } else if (origin) {
        variantUpdates.push({ id: variantId, title: fields.title, attributes: fields.attributes, price_amount: fields.priceAmount, currency: fields.currency });
      }
      byListing.set(variant.channelId, { variantId, productId });
      const listing = productListings.find((l) => l.channelVariantId === variant.channelId);
      listingRows.set(variant.channelId, {
        id: uuidv7(scope.now.getTime()),
        orgId: scope.orgId,
        storeId: scope.storeId,
        channelVariantId: variant.channelId,
        variantId,
        channelListingId: listing?.channelListingId ?? product.channelId,
        status: listing?.status ?? (product.status === 'active' ? 'active' : product.status === 'draft' ? 'draft' : 'inactive'),
        title: listing?.title ?? product.title,
        priceAmount: (listing?.price ?? variant.price).amount,
        currency: (listing?.price ?? variant.price).currency,
        url: listing?.url ?? null,
        fields: listing?.fields ?? {},
        syncedAt: scope.now,
      });
      const quantity = listing?.quantity ?? variant.quantity;
      if (quantity !== null && quantity !== undefined) {
        levelRows.set(variantId, {
          orgId: scope.orgId,
          storeId: scope.storeId,
          variantId,
          available: quantity,
          inventoryItemId: variant.inventoryItemId,
          syncedAt: scope.now,
        });
      }
    }
  }

  await insertRows(tx, products, [...productRows.values()], {
    target: ['org_id', 'origin_store_id', 'origin_channel_id'],
    update: ['title', 'description', 'vendor', 'product_type', 'status', 'handle', 'tags', 'image_count', 'video_count', 'updated_at'],
  });
  await insertRows(tx, productVariants, newVariants);
  if (variantUpdates.length > 0) {
    await tx.execute(sql`
      update product_variants v
         set title = u.title, attributes = u.attributes, price_amount = u.price_amount, currency = u.currency, updated_at = ${scope.now}
        from jsonb_to_recordset(${JSON.stringify(variantUpdates)}::jsonb) as u(id uuid, title text, attributes jsonb, price_amount bigint, currency text)
       where v.id = u.id and v.org_id = ${scope.orgId}`);
  }
  await insertRows(tx, listings, [...listingRows.values()], {
    target: ['store_id', 'channel_variant_id'],
    update: ['variant_id', 'channel_listing_id', 'status', 'title', 'price_amount', 'currency', 'url', 'fields', 'synced_at'],
  });
  await insertRows(tx, inventoryLevels, [...levelRows.values()], {
    target: ['store_id', 'variant_id'],
    update: ['available', 'inventory_item_id', 'synced_at'],
  });
  return variants.length;
}

/**
 * A multi-row insert (upsert with `onConflict`) sent as one JSON parameter read with jsonb_populate_recordset:
 * drizzle's `.values(rows)` builds one bound parameter per cell, and building that statement cost more CPU than
 * the database spent writing a sync page. Only the columns the rows set are written (the others keep their
 * defaults); every row has the same keys.
 */
async function insertRows<T extends PgTable>(tx: DbOrTx, table: T, rows: Array<T['$inferInsert']>, onConflict?: { target: string[]; update: string[] }) {
  const first = rows[0];
  if (!first) return;
  const columns = getTableColumns(table) as Record<string, { name: string }>;
  const keys = Object.keys(first);
  const names = keys.map((key) => (columns[key] as { name: string }).name);
  const json = rows.map((row) => Object.fromEntries(keys.map((key, i) => [names[i], (row as Record<string, unknown>)[key] ?? null])));
  const list = sql.raw(names.map((n) => `"${n}"`).join(', '));
  const conflict = onConflict
    ? sql.raw(
        ` on conflict (${onConflict.target.map((c) => `"${c}"`).join(', ')}) do update set ${onConflict.update.map((c) => `"${c}" = excluded."${c}"`).join(', ')}`,
      )
    : sql``;
  await tx.execute(sql`insert into ${table} (${list}) select ${list} from jsonb_populate_recordset(null::${table}, ${JSON.stringify(json)}::jsonb)${conflict}`);
}

/** Counts of the org's products and variants and of one store's listings and stock levels (the Stores page and tests). */
export async function catalogCounts(
  db: DbOrTx,
  orgId: string,
  storeId: string,
): Promise<{ products: number; variants: number; listings: number; inventoryLevels: number }> {
  const count = sql<number>`count(*)::int`;
  const [p] = await db.select({ n: count }).from(products).where(eq(products.orgId, orgId));
  const [v] = await db.select({ n: count }).from(productVariants).where(eq(productVariants.orgId, orgId));
  const [l] = await db
    .select({ n: count })
    .from(listings)
    .where(and(eq(listings.orgId, orgId), eq(listings.storeId, storeId)));
  const [i] = await db
    .select({ n: count })
    .from(inventoryLevels)
    .where(and(eq(inventoryLevels.orgId, orgId), eq(inventoryLevels.storeId, storeId)));
  return { products: p?.n ?? 0, variants: v?.n ?? 0, listings: l?.n ?? 0, inventoryLevels: i?.n ?? 0 };
}
