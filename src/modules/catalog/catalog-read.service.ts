import { and, desc, eq, exists, ilike, inArray, lt, or, type SQL } from 'drizzle-orm';
import type { CatalogListing, CatalogProduct, ListProductsQuery } from '../../contracts/catalog.ts';
import type { StoreRef } from '../../contracts/stores.ts';
import type { DbOrTx } from '../../db/client.ts';
import { decodeTimeCursor, encodeTimeCursor } from '../../lib/cursor.ts';
import { notFound } from '../../lib/errors.ts';
import { containsPattern } from '../../lib/like.ts';
import { inventoryLevels, listings, products, productVariants } from './catalog.tables.ts';

interface ReadCtx {
  orgId: string;
  db: DbOrTx;
}

type ProductRow = typeof products.$inferSelect;

/**
 * The org's products, newest first, each with its variants (stock per store) and every listing; keyset paging.
 * `storeIds` (the store / channel filter, resolved by the caller) keeps products listed on one of those stores.
 */
export async function listProducts(
  ctx: ReadCtx,
  stores: StoreRef[],
  query: ListProductsQuery & { storeIds: string[] | null },
): Promise<{ products: CatalogProduct[]; nextCursor: string | null }> {
  const { storeIds } = query;
  if (storeIds?.length === 0) return { products: [], nextCursor: null };
  const where: SQL[] = [eq(products.orgId, ctx.orgId)];
  if (storeIds || query.status) {
    const listed: SQL[] = [eq(listings.orgId, ctx.orgId), eq(productVariants.productId, products.id)];
    if (storeIds) listed.push(inArray(listings.storeId, storeIds));
    if (query.status) listed.push(eq(listings.status, query.status));
    where.push(
      exists(
        ctx.db
          .select({ one: listings.id })
          .from(listings)
          .innerJoin(productVariants, eq(productVariants.id, listings.variantId))
          .where(and(...listed)),
      ),
    );
  }
  if (query.q) {
    const pattern = containsPattern(query.q);
    const bySku = ctx.db
      .select({ one: productVariants.id })
      .from(productVariants)
      .where(and(eq(productVariants.productId, products.id), ilike(productVariants.sku, pattern)));
    where.push(or(ilike(products.title, pattern), exists(bySku)) as SQL);
  }
  if (query.cursor) {
    const c = decodeTimeCursor(query.cursor);
    where.push(or(lt(products.createdAt, c.at), and(eq(products.createdAt, c.at), lt(products.id, c.id))) as SQL);
  }
  const rows = await ctx.db
    .select()
    .from(products)
    .where(and(...where))
    .orderBy(desc(products.createdAt), desc(products.id))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    products: await withDetails(ctx, stores, page),
    nextCursor: rows.length > query.limit && last ? encodeTimeCursor(last.createdAt, last.id) : null,
  };
}

/** One product of the org (another org's id is NOT_FOUND, like a missing one). */
export async function getProduct(ctx: ReadCtx, stores: StoreRef[], productId: string): Promise<CatalogProduct> {
  const rows = await ctx.db
    .select()
    .from(products)
    .where(and(eq(products.id, productId), eq(products.orgId, ctx.orgId)));
  const [product] = await withDetails(ctx, stores, rows);
  if (!product) throw notFound('product');
  return product;
}

/** Variants, stock levels and listings of a page of products: three queries, whatever the page size. */
async function withDetails(ctx: ReadCtx, stores: StoreRef[], rows: ProductRow[]): Promise<CatalogProduct[]> {
  if (rows.length === 0) return [];
  const variants = await ctx.db
    .select()
    .from(productVariants)
    .where(
      and(
        eq(productVariants.orgId, ctx.orgId),
        inArray(
          productVariants.productId,
          rows.map((r) => r.id),
        ),
      ),
    )
    .orderBy(productVariants.createdAt, productVariants.id);
  const variantIds = variants.map((v) => v.id);
  const [levels, listingRows] =
    variantIds.length === 0
      ? [[], []]
      : await Promise.all([
          ctx.db
            .select()
            .from(inventoryLevels)
            .where(and(eq(inventoryLevels.orgId, ctx.orgId), inArray(inventoryLevels.variantId, variantIds))),
          ctx.db
            .select()
            .from(listings)
            .where(and(eq(listings.orgId, ctx.orgId), inArray(listings.variantId, variantIds)))
            .orderBy(listings.storeId, listings.channelVariantId),
        ]);
  const storeById = new Map(stores.map((s) => [s.id, s]));
  const productOf = new Map(variants.map((v) => [v.id, v.productId]));
  return rows.map((row) => ({
    id: row.id,
    title: row.title,
    status: row.status as CatalogProduct['status'],
    vendor: row.vendor,
    productType: row.productType,
    tags: row.tags,
    imageCount: row.imageCount,
    videoCount: row.videoCount,
    originStoreId: row.originStoreId,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    variants: variants
      .filter((v) => v.productId === row.id)
      .map((v) => ({
        id: v.id,
        sku: v.sku,
        title: v.title,
        attributes: v.attributes,
        price: { amount: v.priceAmount, currency: v.currency },
        stock: levels.filter((l) => l.variantId === v.id).map((l) => ({ storeId: l.storeId, available: l.available, syncedAt: l.syncedAt.toISOString() })),
      })),
    listings: listingRows
      .filter((l) => productOf.get(l.variantId) === row.id)
      .map(
        (l): CatalogListing => ({
          id: l.id,
          storeId: l.storeId,
          storeName: storeById.get(l.storeId)?.name ?? '',
          platform: storeById.get(l.storeId)?.platform ?? '',
          variantId: l.variantId,
          channelListingId: l.channelListingId,
          channelVariantId: l.channelVariantId,
          status: l.status as CatalogListing['status'],
          title: l.title,
          price: { amount: l.priceAmount, currency: l.currency },
          url: l.url,
          syncedAt: l.syncedAt.toISOString(),
        }),
      ),
  }));
}
