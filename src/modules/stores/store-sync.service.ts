import { and, eq } from 'drizzle-orm';
import type { Order, Page, Product } from '../../contracts/connectors.ts';
import type { Db } from '../../db/client.ts';
import { withTransaction } from '../../db/transaction.ts';
import { uuidv7 } from '../../lib/ids.ts';
import { PostponeJob } from '../../lib/job-control.ts';
import type { Logger } from '../../lib/logger.ts';
import { upsertChannelProducts } from '../catalog/index.ts';
import { upsertChannelOrders } from '../orders/index.ts';
import { isChannelError, type StoreCallDeps, storeClients } from './store-connection.service.ts';
import { type SyncState, stores } from './stores.tables.ts';
import { claimSync, leaseFor, liveRunner, otherRunner, releaseSync, SyncLeaseLost, writeHeld } from './sync-lease.ts';

/** Incremental syncs re-read this much before the previous sync's start (clock skew, late writes on the channel). */
const OVERLAP_MS = 5 * 60_000;
/** Items asked for per page (connectors may return fewer, e.g. Shopify when the page's cost would not fit the bucket). */
export const SYNC_PAGE_SIZE = 50;
/**
 * Pages read ahead of the writes, and taken by one write when the writes fall behind (then one transaction and
 * one checkpoint for up to this many pages; a crash re-reads them, the upserts are idempotent).
 */
const READ_AHEAD: ReadAheadOptions = { depth: 4, batch: 4 };
/** A run that finds another run of the store working looks again after this long. */
const BUSY_RETRY_MS = 5_000;

export interface SyncOutcome {
  status: 'done' | 'skipped';
  reason?: string;
  mode?: SyncState['mode'];
  pages?: number;
  products?: number;
  orders?: number;
  /** Phases read again from their first page because the channel no longer accepted the saved cursor. */
  restarted?: Array<SyncState['phase']>;
}

/** A ConnectorError saying the channel no longer accepts a cursor (Mercado Livre's 5-minute `scroll_id`). */
const isCursorExpired = (error: unknown): error is Error => isChannelError(error) && error.kind === 'cursor_expired';

/**
 * The read-side sync of one store: products (with listings and stock) then orders, page by page through the
 * store's breaker and token bucket. Each page is written together with the cursor that follows it, so a
 * crashed or postponed run resumes at the first page not yet stored. Incremental mode reads what changed
 * since the last completed sync (minus an overlap); a full sync reads everything.
 *
 * One run at a time per store (sync-lease.ts): a run finding another one working is postponed (it looks again
 * every few seconds while that run's lease lives). A run queued (`queuedAt`) before a sync that has since completed started is skipped:
 * that sync read everything this one would. A cursor the channel has expired restarts its phase from the
 * first page, once per run (the writes are idempotent upserts).
 */
export async function runStoreSync(
  db: Db,
  storeDeps: StoreCallDeps,
  input: { orgId: string; storeId: string; mode: SyncState['mode']; pageSize?: number; runId?: string; queuedAt?: Date | null },
  log: Logger,
): Promise<SyncOutcome> {
  const deps = { ...storeDeps, db };
  const runId = input.runId ?? uuidv7();
  const where = and(eq(stores.id, input.storeId), eq(stores.orgId, input.orgId));
  const [store] = await db.select().from(stores).where(where);
  if (store?.status !== 'active') return { status: 'skipped', reason: `store is ${store?.status ?? 'gone'}` };
  if (input.queuedAt && store.lastSyncedAt && store.lastSyncedAt >= input.queuedAt) {
    const reason = `a sync of this store started at ${store.lastSyncedAt.toISOString()} and completed after this one was queued (${input.queuedAt.toISOString()})`;
    log.info({ runId }, `store sync skipped: ${reason}`);
    return { status: 'skipped', reason };
  }
  const busy = otherRunner(store.syncState, runId);
  // Looks again soon rather than at the lease's end: the other run usually finishes long before, and this one is then skipped.
  if (busy)
    throw new PostponeJob(new Date(Math.min(Date.parse(busy.until) + 1000, Date.now() + BUSY_RETRY_MS)), `store ${store.id} is being synced by run ${busy.id}`);
  const now = new Date();
  let state: SyncState = store.syncState ?? {
    mode: input.mode === 'incremental' && !store.lastSyncedAt ? 'full' : input.mode,
    phase: 'products',
    cursor: null,
    since: input.mode === 'incremental' && store.lastSyncedAt ? new Date(store.lastSyncedAt.getTime() - OVERLAP_MS).toISOString() : null,
    startedAt: now.toISOString(),
    pages: 0,
  };
  if (!(await claimSync(db, where, runId, store.syncState, state)))
    throw new PostponeJob(new Date(Date.now() + BUSY_RETRY_MS), `store ${store.id}: another run started or moved its sync meanwhile`);
  if (store.syncState) log.info({ phase: state.phase, pages: state.pages }, 'resuming store sync at its checkpoint');
  const ctx = { orgId: input.orgId, db, log };
  const limit = input.pageSize ?? SYNC_PAGE_SIZE;
  const since = state.since ? { updatedSince: state.since } : {};
  const clientFor = storeClients(db, deps, store);
  const pure = clientFor();
  const checkpoint = (next: SyncState) => ({ syncState: { ...next, runner: leaseFor(runId) } });
  let productCount = 0;
  let orderCount = 0;
  const restarted: Array<SyncState['phase']> = [];

  /** The phase's pages from the saved cursor; when the channel has expired a cursor, once more from the first page. */
  async function* phasePages<T>(read: (cursor: string | null, ready: () => void) => Promise<Page<T>>): AsyncGenerator<Array<Page<T>>> {
    for (;;) {
      try {
        yield* readAhead(state.cursor, read, READ_AHEAD);
        return;
      } catch (error) {
        if (!isCursorExpired(error) || restarted.includes(state.phase)) throw error;
        restarted.push(state.phase);
        log.warn(
          { phase: state.phase, pages: state.pages, reason: error.message },
          'the channel no longer accepts the sync cursor: restarting the phase from its first page',
        );
        state = { ...state, cursor: null };
        await writeHeld(db, where, runId, checkpoint(state));
      }
    }
  }

  const readProducts = (cursor: string | null, ready: () => void) =>
    deps.limits.withStoreLimits(ctx, store.id, { operation: 'listProducts', lane: 'content', ready }, (io) => {
      const client = clientFor(io.signal, io.report);
      if (!client.listProducts) throw new Error(`${store.platform} cannot list products`);
      return client.listProducts({ cursor, limit, ...since });
    });
  const readOrders = (cursor: string | null, ready: () => void) =>
    deps.limits.withStoreLimits(ctx, store.id, { operation: 'listOrders', lane: 'content', ready }, (io) => {
      const client = clientFor(io.signal, io.report);
      return client.listOrders ? client.listOrders({ cursor, limit, ...since }) : Promise.resolve({ items: [], nextCursor: null });
    });

  try {
    if (state.phase === 'products') {
      for await (const pages of phasePages(readProducts)) {
        const last = pages.at(-1) as Page<Product>;
        const items = pages.flatMap((page) => page.items);
        const next: SyncState = last.nextCursor
          ? { ...state, cursor: last.nextCursor, pages: state.pages + pages.length }
          : { ...state, phase: 'orders', cursor: null, pages: state.pages + pages.length };
        await withTransaction(db, async (tx) => {
          await upsertChannelProducts(
            tx,
            { orgId: input.orgId, storeId: store.id, now: new Date() },
            items.map((product) => ({ product, listings: pure.listingsOf(product) })),
          );
          await writeHeld(tx, where, runId, checkpoint(next));
        });
        productCount += items.length;
        state = next;
      }
    }

    if (state.phase === 'orders') {
      for await (const pages of phasePages(readOrders)) {
        const last = pages.at(-1) as Page<Order>;
        const items = pages.flatMap((page) => page.items);
        const done = !last.nextCursor;
        const next: SyncState = { ...state, cursor: last.nextCursor, pages: state.pages + pages.length };
        await withTransaction(db, async (tx) => {
          await upsertChannelOrders(tx, { orgId: input.orgId, storeId: store.id, now: new Date() }, items);
          if (!done) await writeHeld(tx, where, runId, checkpoint(next));
          else {
            const [current] = await tx.select({ health: stores.health }).from(stores).where(where);
            const lastSync = { at: new Date().toISOString(), mode: state.mode, ok: true, pages: next.pages };
            await writeHeld(tx, where, runId, {
              syncState: null,
              lastSyncedAt: new Date(state.startedAt),
              health: { ...(current?.health ?? {}), lastSync },
            });
          }
        });
        orderCount += items.length;
        state = next;
      }
    }
  } catch (error) {
    if (error instanceof SyncLeaseLost) {
      log.warn({ runId, phase: state.phase }, 'store sync stopped: another run took it over (or its checkpoint was dropped)');
      return { status: 'skipped', reason: error.message, pages: state.pages, products: productCount, orders: orderCount };
    }
    await releaseSync(db, where, runId).catch(() => undefined);
    throw error;
  }
  return {
    status: 'done',
    mode: state.mode,
    pages: state.pages,
    products: productCount,
    orders: orderCount,
    ...(restarted.length > 0 ? { restarted } : {}),
  };
}

/** How far the sync reads ahead of its writes, and how many read pages one write may take. */
export interface ReadAheadOptions {
  /** Pages read and not yet taken by the caller, at most (bounds the memory a slow write can pile up). */
  depth?: number;
  /** Pages handed over at once, at most: when the writes fall behind, the pages that arrived meanwhile go together. */
  batch?: number;
}

/**
 * Yields the pages from `cursor` on in order, in groups of the pages that have arrived (at least one, at most
 * `batch`), while the reads go on ahead of the caller (at most `depth` pages waiting), so the channel's pacing
 * (rate-limit tokens, cost points) goes on during the database writes instead of after them.
 *
 * `read` calls `ready()` once its call no longer needs the database before it goes out (StoreCall.ready: the
 * breaker and the token bucket, a locked store row, are behind it): pages are handed over only once the next
 * read is ready (or settled), so on a single-connection database (embedded PGlite) the caller's write does not
 * queue the next read's limiter transaction behind it, and the channel's calls go out during the write.
 *
 * A read that fails surfaces when its page is due, after the pages before it were handed over; when the caller
 * stops early (its write failed), the read in flight is waited for before the error goes on.
 */
export async function* readAhead<T>(
  cursor: string | null,
  read: (cursor: string | null, ready: () => void) => Promise<Page<T>>,
  options: ReadAheadOptions = {},
): AsyncGenerator<Array<Page<T>>> {
  const depth = Math.max(1, options.depth ?? 1);
  const batch = Math.max(1, options.batch ?? 1);
  const arrived: Array<Page<T>> = [];
  let failure: { error: unknown } | null = null;
  /** The cursor of the next page to read; undefined once the last page was read. */
  let next: string | null | undefined = cursor;
  let inFlight: { settled: Promise<void>; ready: Promise<void> } | null = null;
  let wake: (() => void) | null = null;
  let stopped = false;

  const launch = () => {
    if (stopped || inFlight || failure || next === undefined || arrived.length >= depth) return;
    let markReady: () => void = () => undefined;
    const ready = new Promise<void>((resolve) => {
      markReady = resolve;
    });
    const settled = read(next, () => markReady())
      .then(
        (page) => {
          arrived.push(page);
          next = page.nextCursor ?? undefined;
        },
        (error: unknown) => {
          failure = { error };
        },
      )
      .finally(() => {
        markReady();
        inFlight = null;
        launch();
        wake?.();
      });
    inFlight = { settled, ready };
  };

  try {
    launch();
    for (;;) {
      while (arrived.length === 0 && inFlight) await new Promise<void>((resolve) => (wake = resolve));
      wake = null;
      if (arrived.length === 0) {
        if (failure) throw (failure as { error: unknown }).error;
        return;
      }
      const pages = arrived.splice(0, batch);
      launch();
      await (inFlight as { ready: Promise<void> } | null)?.ready;
      yield pages;
    }
  } finally {
    stopped = true;
    await (inFlight as { settled: Promise<void> } | null)?.settled;
  }
}

/**
 * Active stores of an org whose sync interval has passed, or whose sync stopped at a checkpoint (the `stores.sync-due`
 * fan-out). A store a run is working on right now is left out: queuing another run for it would only postpone it.
 */
export async function storesDueForSync(db: Db, orgId: string, now: Date): Promise<string[]> {
  const rows = await db
    .select({ id: stores.id, lastSyncedAt: stores.lastSyncedAt, config: stores.config, syncState: stores.syncState })
    .from(stores)
    .where(and(eq(stores.orgId, orgId), eq(stores.status, 'active')));
  const order = { high: 0, normal: 1, low: 2 } as Record<string, number>;
  return rows
    .filter((r) => {
      if (liveRunner(r.syncState, now.getTime())) return false;
      const minutes = typeof r.config.syncIntervalMinutes === 'number' ? r.config.syncIntervalMinutes : 60;
      return r.syncState !== null || !r.lastSyncedAt || now.getTime() - r.lastSyncedAt.getTime() >= minutes * 60_000;
    })
    .sort((a, b) => (order[String(a.config.priority)] ?? 1) - (order[String(b.config.priority)] ?? 1))
    .map((r) => r.id);
}
