import { importKawayFeed, kawayListingsOf, renderKawayFeed } from '../../connectors/registry.ts';
import type { FeedUploadRequest, FeedUploadResponse, feedFileKinds } from '../../contracts/stores.ts';
import type { Ctx } from '../../db/context.ts';
import { withTransaction } from '../../db/transaction.ts';
import { AppError, conflict, validation } from '../../lib/errors.ts';
import { applyStoreStockLevels, storeStockLevels, upsertChannelProducts } from '../catalog/index.ts';
import { upsertChannelOrders } from '../orders/index.ts';
import { recordAudit } from '../tenancy/index.ts';
import { requireStoreRow } from './store-admin.service.ts';
import { isChannelError } from './store-connection.service.ts';
import type { StoreRow } from './stores.service.ts';

type FeedKind = (typeof feedFileKinds)[number];

/** Feed files exist only for feed stores (Kaway); other stores answer 400 with `reason: 'not_a_feed_store'`. */
async function feedStore(ctx: Ctx, storeId: string): Promise<StoreRow> {
  const row = await requireStoreRow(ctx.db, ctx.orgId, storeId);
  if (row.platform !== 'kaway') throw validation(`${row.platform} stores do not exchange feed files`, { reason: 'not_a_feed_store' });
  return row;
}

const settingsOf = (row: StoreRow) => (row.config.connector ?? {}) as { partialImport?: boolean; uploadFormat?: 'csv' | 'json' };

/**
 * Imports an uploaded Kaway file into the store's catalog, stock or orders, in one transaction. Every row is
 * validated first: a bad row refuses the whole file (400 `VALIDATION`, `reason: 'invalid_rows'`, each error
 * with its row number) unless the store allows partial imports; stock rows for SKUs the store does not list
 * refuse it the same way (`reason: 'unknown_skus'`).
 */
export async function importStoreFeed(ctx: Ctx, storeId: string, kind: FeedKind, input: FeedUploadRequest): Promise<FeedUploadResponse> {
  const row = await feedStore(ctx, storeId);
  if (row.status === 'disconnected') throw conflict('The store is disconnected: connect it again first', { status: row.status });
  const partial = settingsOf(row).partialImport ?? false;
  let parsed: Awaited<ReturnType<typeof importKawayFeed<FeedKind>>>;
  try {
    parsed = await importKawayFeed(kind, input.content, { partial, fallbackTime: ctx.now.toISOString(), ...(input.format ? { format: input.format } : {}) });
  } catch (error) {
    if (!isChannelError(error)) throw error;
    const details = (error as { details?: { errors?: unknown; rows?: number } }).details;
    throw validation(error.message, { reason: details?.errors ? 'invalid_rows' : 'unreadable_file', errors: details?.errors ?? [], rows: details?.rows ?? 0 });
  }
  const scope = { orgId: ctx.orgId, storeId, now: ctx.now };
  return withTransaction(ctx.db, async (tx) => {
    let imported = parsed.items.length;
    let unknownSkus: string[] = [];
    if (kind === 'products') {
      const products = parsed.items as Parameters<typeof kawayListingsOf>[0][];
      await upsertChannelProducts(
        tx,
        scope,
        products.map((product) => ({ product, listings: kawayListingsOf(product) })),
      );
    } else if (kind === 'stock') {
      const outcome = await applyStoreStockLevels(tx, scope, parsed.items as Parameters<typeof applyStoreStockLevels>[2]);
      if (outcome.unknownSkus.length > 0 && !partial) {
        throw new AppError('VALIDATION', `${outcome.unknownSkus.length} SKU(s) are not listed on this store, nothing was imported: upload its products first`, {
          reason: 'unknown_skus',
          unknownSkus: outcome.unknownSkus.slice(0, 100),
        });
      }
      imported = outcome.applied;
      unknownSkus = outcome.unknownSkus;
    } else {
      await upsertChannelOrders(tx, scope, parsed.items as Parameters<typeof upsertChannelOrders>[2]);
    }
    const result: FeedUploadResponse = { kind, format: parsed.format, rows: parsed.rows, imported, errors: parsed.errors, unknownSkus };
    await recordAudit(tx, ctx, {
      action: 'store.feed_imported',
      resourceType: 'store',
      resourceId: storeId,
      after: { kind, format: parsed.format, rows: parsed.rows, imported, badRows: parsed.errors.length, fileName: input.fileName ?? null },
    });
    return result;
  });
}

/**
 * The stock file Kaway ingests, from the levels Nexo holds for the store. Products and orders are not exported:
 * Nexo does not keep image URLs and descriptions per listing yet, so a products file would drop them.
 */
export async function exportStoreStockFeed(
  ctx: Ctx,
  storeId: string,
  format?: 'csv' | 'json',
): Promise<{ body: string; fileName: string; format: 'csv' | 'json' }> {
  const row = await feedStore(ctx, storeId);
  const chosen = format ?? settingsOf(row).uploadFormat ?? 'csv';
  const levels = await storeStockLevels(ctx.db, ctx.orgId, storeId);
  return { body: renderKawayFeed('stock', levels, chosen), fileName: `kaway-stock-${row.externalId ?? storeId}.${chosen}`, format: chosen };
}
