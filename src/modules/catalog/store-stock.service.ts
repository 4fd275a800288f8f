import { and, asc, eq, inArray } from 'drizzle-orm';
import type { InventoryLevel } from '../../contracts/connectors.ts';
import type { DbOrTx } from '../../db/client.ts';
import { inventoryLevels, listings, productVariants } from './catalog.tables.ts';
import type { SyncScope } from './catalog-sync.service.ts';

/**
 * Stock levels from a stock file of one store (Kaway uploads): each SKU is matched to the variant listed on
 * that store; SKUs the store does not list are returned (not applied) so the caller can refuse the file.
 */
export async function applyStoreStockLevels(tx: DbOrTx, scope: SyncScope, levels: InventoryLevel[]): Promise<{ applied: number; unknownSkus: string[] }> {
  const skus = [...new Set(levels.map((l) => l.sku ?? l.inventoryItemId))];
  const rows =
    skus.length === 0
      ? []
      : await tx
          .select({ sku: productVariants.sku, variantId: productVariants.id })
          .from(productVariants)
          .innerJoin(listings, and(eq(listings.variantId, productVariants.id), eq(listings.storeId, scope.storeId)))
          .where(and(eq(productVariants.orgId, scope.orgId), inArray(productVariants.sku, skus)));
  const variantOf = new Map(rows.map((r) => [r.sku as string, r.variantId]));
  const unknownSkus = skus.filter((sku) => !variantOf.has(sku));
  let applied = 0;
  for (const level of levels) {
    const variantId = variantOf.get(level.sku ?? level.inventoryItemId);
    if (!variantId) continue;
    const values = { available: level.available, inventoryItemId: level.inventoryItemId, syncedAt: scope.now };
    await tx
      .insert(inventoryLevels)
      .values({ orgId: scope.orgId, storeId: scope.storeId, variantId, ...values })
      .onConflictDoUpdate({ target: [inventoryLevels.storeId, inventoryLevels.variantId], set: values });
    applied++;
  }
  return { applied, unknownSkus };
}

/** The stock Nexo holds for one store, by SKU (the stock file exported for Kaway). */
export async function storeStockLevels(db: DbOrTx, orgId: string, storeId: string): Promise<InventoryLevel[]> {
  const rows = await db
    .select({ sku: productVariants.sku, available: inventoryLevels.available, inventoryItemId: inventoryLevels.inventoryItemId })
    .from(inventoryLevels)
    .innerJoin(productVariants, eq(productVariants.id, inventoryLevels.variantId))
    .where(and(eq(inventoryLevels.orgId, orgId), eq(inventoryLevels.storeId, storeId)))
    .orderBy(asc(productVariants.sku));
  return rows
    .filter((r) => r.sku)
    .map((r) => ({ inventoryItemId: r.inventoryItemId ?? (r.sku as string), sku: r.sku, locationId: null, available: r.available }));
}
