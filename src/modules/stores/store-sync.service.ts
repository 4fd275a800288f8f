import { and, eq } from 'drizzle-orm';
import type { Page } from '../../contracts/connectors.ts';
import type { Db } from '../../db/client.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { Logger } from '../../lib/logger.ts';
import { upsertChannelProducts } from '../catalog/index.ts';
import { upsertChannelOrders } from '../orders/index.ts';
import { type StoreCallDeps, storeClients } from './store-connection.service.ts';
import { type SyncState, stores } from './stores.tables.ts';

/** Incremental syncs re-read this much before the previous sync's start (clock skew, late writes on the channel). */
const OVERLAP_MS = 5 * 60_000;
/** Items asked for per page (connectors may return fewer, e.g. Shopify when the page's cost would not fit the bucket). */
export const SYNC_PAGE_SIZE = 50;

export interface SyncOutcome {
  status: 'done' | 'skipped';
  reason?: string;
  mode?: SyncState['mode'];
  pages?: number;
  products?: number;
  orders?: number;
}

/**
 * The read-side sync of one store: products (with listings and stock) then orders, page by page through the
 * store's breaker and token bucket. Each page is written together with the cursor that follows it, so a
 * crashed or postponed run resumes at the first page not yet stored. Incremental mode reads what changed
 * since the last completed sync (minus an overlap); a full sync reads everything.
 */
export async function runStoreSync(
  db: Db,
  storeDeps: StoreCallDeps,
  input: { orgId: string; storeId: string; mode: SyncState['mode']; pageSize?: number },
  log: Logger,
): Promise<SyncOutcome> {
  const deps = { ...storeDeps, db };
  const where = and(eq(stores.id, input.storeId), eq(stores.orgId, input.orgId));
  const [store] = await db.select().from(stores).where(where);
  if (store?.status !== 'active') return { status: 'skipped', reason: `store is ${store?.status ?? 'gone'}` };
  const now = new Date();
  let state: SyncState = store.syncState ?? {
    mode: input.mode === 'incremental' && !store.lastSyncedAt ? 'full' : input.mode,
    phase: 'products',
    cursor: null,
    since: input.mode === 'incremental' && store.lastSyncedAt ? new Date(store.lastSyncedAt.getTime() - OVERLAP_MS).toISOString() : null,
    startedAt: now.toISOString(),
    pages: 0,
  };
  if (store.syncState) log.info({ phase: state.phase, pages: state.pages }, 'resuming store sync at its checkpoint');
  await db.update(stores).set({ syncState: state }).where(where);
  const ctx = { orgId: input.orgId, db, log };
  const limit = input.pageSize ?? SYNC_PAGE_SIZE;
  const since = state.since ? { updatedSince: state.since } : {};
  const clientFor = storeClients(db, deps, store);
  const pure = clientFor();
  let productCount = 0;
  let orderCount = 0;

  const readProducts = (cursor: string | null) =>
    deps.limits.withStoreLimits(ctx, store.id, { operation: 'listProducts', lane: 'content' }, (io) => {
      const client = clientFor(io.signal);
      if (!client.listProducts) throw new Error(`${store.platform} cannot list products`);
      return client.listProducts({ cursor, limit, ...since });
    });
  const readOrders = (cursor: string | null) =>
    deps.limits.withStoreLimits(ctx, store.id, { operation: 'listOrders', lane: 'content' }, (io) => {
      const client = clientFor(io.signal);
      return client.listOrders ? client.listOrders({ cursor, limit, ...since }) : Promise.resolve({ items: [], nextCursor: null });
    });

  if (state.phase === 'products') {
    for await (const page of readAhead(state.cursor, readProducts)) {
      const next: SyncState = page.nextCursor
        ? { ...state, cursor: page.nextCursor, pages: state.pages + 1 }
        : { ...state, phase: 'orders', cursor: null, pages: state.pages + 1 };
      await withTransaction(db, async (tx) => {
        await upsertChannelProducts(
          tx,
          { orgId: input.orgId, storeId: store.id, now: new Date() },
          page.items.map((product) => ({ product, listings: pure.listingsOf(product) })),
        );
        await tx.update(stores).set({ syncState: next }).where(where);
      });
      productCount += page.items.length;
      state = next;
    }
  }

  if (state.phase === 'orders') {
    for await (const page of readAhead(state.cursor, readOrders)) {
      const done = !page.nextCursor;
      const next: SyncState = { ...state, cursor: page.nextCursor, pages: state.pages + 1 };
      await withTransaction(db, async (tx) => {
        await upsertChannelOrders(tx, { orgId: input.orgId, storeId: store.id, now: new Date() }, page.items);
        if (!done) await tx.update(stores).set({ syncState: next }).where(where);
        else {
          const [current] = await tx.select({ health: stores.health }).from(stores).where(where);
          const lastSync = { at: new Date().toISOString(), mode: state.mode, ok: true, pages: next.pages };
          await tx
            .update(stores)
            .set({ syncState: null, lastSyncedAt: new Date(state.startedAt), health: { ...(current?.health ?? {}), lastSync } })
            .where(where);
        }
      });
      orderCount += page.items.length;
      state = next;
    }
  }
  return { status: 'done', mode: state.mode, pages: state.pages, products: productCount, orders: orderCount };
}

/**
 * Yields the pages from `cursor` on in order, reading the next page while the caller stores the current one, so
 * the channel's pacing (waiting for rate-limit tokens or cost points) goes on during the database writes instead
 * of after them. A read that fails surfaces when its page is due, after the pages before it were stored; when the
 * caller stops early (its write failed), the read in flight is waited for before the error goes on.
 */
export async function* readAhead<T>(cursor: string | null, read: (cursor: string | null) => Promise<Page<T>>): AsyncGenerator<Page<T>> {
  let pending: Promise<Page<T>> | null = read(cursor);
  try {
    while (pending) {
      const page: Page<T> = await pending;
      pending = page.nextCursor ? read(page.nextCursor) : null;
      pending?.catch(() => undefined); // handled when awaited (or in finally)
      yield page;
    }
  } finally {
    await pending?.catch(() => undefined);
  }
}

/** Active stores of an org whose sync interval has passed (the `stores.sync-due` fan-out). */
export async function storesDueForSync(db: Db, orgId: string, now: Date): Promise<string[]> {
  const rows = await db
    .select({ id: stores.id, lastSyncedAt: stores.lastSyncedAt, config: stores.config, syncState: stores.syncState })
    .from(stores)
    .where(and(eq(stores.orgId, orgId), eq(stores.status, 'active')));
  const order = { high: 0, normal: 1, low: 2 } as Record<string, number>;
  return rows
    .filter((r) => {
      const minutes = typeof r.config.syncIntervalMinutes === 'number' ? r.config.syncIntervalMinutes : 60;
      return r.syncState !== null || !r.lastSyncedAt || now.getTime() - r.lastSyncedAt.getTime() >= minutes * 60_000;
    })
    .sort((a, b) => (order[String(a.config.priority)] ?? 1) - (order[String(b.config.priority)] ?? 1))
    .map((r) => r.id);
}
