import { and, eq, sql } from 'drizzle-orm';
import type { Listing, Product } from '../../contracts/connectors.ts';
import type { DbOrTx } from '../../db/client.ts';
import { uuidv7 } from '../../lib/ids.ts';
import { inventoryLevels, listings, products, productVariants } from './catalog.tables.ts';

export interface SyncScope {
  orgId: string;
  storeId: string;
  now: Date;
}

/**
 * Mirrors one page of a store's products: the product first seen on this store owns the master fields;
 * variants are matched by SKU across stores (by their listing when they have none); every variant gets its
 * listing on this store and its stock level. Idempotent: re-reading the same page changes nothing.
 */
export async function upsertChannelProducts(tx: DbOrTx, scope: SyncScope, page: Array<{ product: Product; listings: Listing[] }>): Promise<number> {
  let variantsSeen = 0;
  for (const { product, listings: productListings } of page) {
    const matched: Array<{ variantIndex: number; variantId: string; productId: string }> = [];
    for (const [variantIndex, variant] of product.variants.entries()) {
      const [byListing] = await tx
        .select({ variantId: listings.variantId, productId: productVariants.productId })
        .from(listings)
        .innerJoin(productVariants, eq(productVariants.id, listings.variantId))
        .where(and(eq(listings.storeId, scope.storeId), eq(listings.channelVariantId, variant.channelId)));
      const [bySku] =
        byListing || !variant.sku
          ? []
          : await tx
              .select({ variantId: productVariants.id, productId: productVariants.productId })
              .from(productVariants)
              .where(and(eq(productVariants.orgId, scope.orgId), eq(productVariants.sku, variant.sku)));
      const found = byListing ?? bySku;
      if (found) matched.push({ variantIndex, ...found });
    }
    const [origin] = await tx
      .select({ id: products.id })
      .from(products)
      .where(and(eq(products.orgId, scope.orgId), eq(products.originStoreId, scope.storeId), eq(products.originChannelId, product.channelId)));
    const master = {
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
    };
    let productId = origin?.id ?? matched[0]?.productId;
    if (origin) await tx.update(products).set(master).where(eq(products.id, origin.id));
    if (!productId) {
      productId = uuidv7(scope.now.getTime());
      await tx
        .insert(products)
        .values({ id: productId, orgId: scope.orgId, originStoreId: scope.storeId, originChannelId: product.channelId, createdAt: scope.now, ...master });
    }
    for (const [variantIndex, variant] of product.variants.entries()) {
      variantsSeen++;
      let variantId = matched.find((m) => m.variantIndex === variantIndex)?.variantId;
      const fields = {
        title: variant.title,
        attributes: variant.attributes,
        priceAmount: variant.price.amount,
        currency: variant.price.currency,
        updatedAt: scope.now,
      };
      if (!variantId) {
        variantId = uuidv7(scope.now.getTime());
        await tx.insert(productVariants).values({ id: variantId, orgId: scope.orgId, productId, sku: variant.sku || null, createdAt: scope.now, ...fields });
      } else if (origin) {
        await tx.update(productVariants).set(fields).where(eq(productVariants.id, variantId));
      }
      const listing = productListings.find((l) => l.channelVariantId === variant.channelId);
      const listingFields = {
        variantId,
        channelListingId: listing?.channelListingId ?? product.channelId,
        status: listing?.status ?? (product.status === 'active' ? 'active' : product.status === 'draft' ? 'draft' : 'inactive'),
        title: listing?.title ?? product.title,
        priceAmount: (listing?.price ?? variant.price).amount,
        currency: (listing?.price ?? variant.price).currency,
        url: listing?.url ?? null,
        fields: listing?.fields ?? {},
        syncedAt: scope.now,
      };
      await tx
        .insert(listings)
        .values({ id: uuidv7(scope.now.getTime()), orgId: scope.orgId, storeId: scope.storeId, channelVariantId: variant.channelId, ...listingFields })
        .onConflictDoUpdate({ target: [listings.storeId, listings.channelVariantId], set: listingFields });
      const quantity = listing?.quantity ?? variant.quantity;
      if (quantity !== null && quantity !== undefined) {
        const level = { available: quantity, inventoryItemId: variant.inventoryItemId, syncedAt: scope.now };
        await tx
          .insert(inventoryLevels)
          .values({ orgId: scope.orgId, storeId: scope.storeId, variantId, ...level })
          .onConflictDoUpdate({ target: [inventoryLevels.storeId, inventoryLevels.variantId], set: level });
      }
    }
  }
  return variantsSeen;
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
