import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedOrg, testKey } from '../../../test/helpers/ctx.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/database.ts';
import { testStoreLimits } from '../../../test/helpers/emulator-stores.ts';
import { silentLog } from '../../../test/helpers/template.ts';
import type { Ctx } from '../../db/context.ts';
import { createEmulator, type Emulator } from '../../emulator/emulator.ts';
import { uuidv7 } from '../../lib/ids.ts';
import { isPostponeJob } from '../../lib/job-control.ts';
import { catalogCounts } from '../catalog/index.ts';
import { connectStore, runStoreSync, type StoreLimits, storesDueForSync } from './index.ts';
import { stores } from './stores.tables.ts';

/**
 * The read-side sync when things go wrong between pages: a saved cursor the channel expired meanwhile (Mercado
 * Livre's 5-minute scroll), syncs of one store queued twice or started at once, and Shopify's cost bucket reaching
 * the store's shared limiter.
 */
describe('read-side sync robustness', () => {
  let t: TestDatabase;
  let ctx: Ctx;
  let emulator: Emulator;
  let clock = Date.now();
  let limits: StoreLimits;

  beforeAll(async () => {
    t = await createTestDatabase();
    ctx = (await seedOrg(t.database, ['owner'])).members.owner?.ctx as Ctx;
    emulator = createEmulator({ seed: 'sync-robust', now: () => new Date(clock) });
    await emulator.listen(0, '127.0.0.1');
    limits = testStoreLimits({ failureThreshold: 3, resetTimeoutMs: 60_000, callTimeoutMs: 10_000 });
  });
  afterAll(async () => {
    limits?.shutdown();
    await emulator?.close();
    await t?.close();
  });

  const deps = (fetchImpl?: typeof fetch) => ({ secretKey: testKey, limits, ...(fetchImpl ? { fetch: fetchImpl } : {}) });
  const syncRow = async (storeId: string) => {
    const [row] = await t.database.db
      .select({ syncState: stores.syncState, lastSyncedAt: stores.lastSyncedAt, rateLimitState: stores.rateLimitState })
      .from(stores)
      .where(eq(stores.id, storeId));
    return row;
  };
  /** Waits (bounded) until a run holds the store's sync lease. */
  const runnerOf = async (storeId: string) => {
    for (const deadline = Date.now() + 5_000; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 5))) {
      const runner = (await syncRow(storeId))?.syncState?.runner;
      if (runner) return runner;
    }
    throw new Error('no run took the sync lease');
  };
  /** A worker that dies after `calls` requests: the run fails with the pages before stored with their cursor. */
  const dyingAfter = (calls: number): typeof fetch => {
    let n = 0;
    return (input, init) => (++n > calls ? Promise.reject(new Error('worker killed')) : fetch(input, init));
  };

  async function mercadoLivreStore(name: string, products: number) {
    const seller = emulator.createShop({ platform: 'mercadolivre', shop: name, products, orders: 3 }) as ReturnType<Emulator['createShop']> & {
      refreshToken: string;
      userId: string;
      expiresAt: string;
    };
    const store = await connectStore(
      ctx,
      { secretKey: testKey },
      {
        platform: 'mercadolivre',
        name,
        connectorConfig: { apiBaseUrl: seller.baseUrl, requestsPerSecond: 100 },
        credentials: { accessToken: seller.accessToken, refreshToken: seller.refreshToken, userId: seller.userId, expiresAt: seller.expiresAt },
      },
    );
    return store.id;
  }

  it('restarts the listing once when Mercado Livre has expired the saved scroll', async () => {
    const storeId = await mercadoLivreStore('ml-expiring-scroll', 30);
    const input = { orgId: ctx.orgId, storeId, mode: 'full' as const, pageSize: 10 };
    // Page 1 (scan + multiget) is stored, then the worker dies.
    await expect(runStoreSync(t.database.db, deps(dyingAfter(2)), input, silentLog)).rejects.toThrow();
    const mid = await syncRow(storeId);
    expect(mid?.syncState).toMatchObject({ phase: 'products', pages: 1 });
    expect(mid?.syncState?.runner ?? null).toBeNull(); // the failed run gave its lease up
    expect(mid?.syncState?.cursor).toMatch(/^10:/);

    // The job comes back after ML's 5-minute scroll life: the saved scroll_id is refused.
    clock += 6 * 60_000;
    const outcome = await runStoreSync(t.database.db, deps(), input, silentLog);
    expect(outcome).toMatchObject({ status: 'done', mode: 'full', restarted: ['products'], products: 30 });
    expect((await catalogCounts(t.database.db, ctx.orgId, storeId)).products).toBe(30);
    expect((await syncRow(storeId))?.syncState).toBeNull();
  });

  it('skips a queued full sync that another run finished for it, and never runs two syncs of a store at once', async () => {
    const storeId = await mercadoLivreStore('ml-one-at-a-time', 30);
    const full = { orgId: ctx.orgId, storeId, mode: 'full' as const, pageSize: 10, runId: uuidv7(), queuedAt: new Date() };
    // The full sync stops after its first page (here a dead worker; in production the limiter postponing it) ...
    await expect(runStoreSync(t.database.db, deps(dyingAfter(2)), full, silentLog)).rejects.toThrow();
    expect((await syncRow(storeId))?.syncState).toMatchObject({ mode: 'full', pages: 1 });
    // A checkpoint no run works on makes the store due, so the schedule queues a run that finishes it.
    expect(await storesDueForSync(t.database.db, ctx.orgId, new Date())).toContain(storeId);

    // ... and meanwhile the 5-minute schedule queues an incremental one: it takes over the checkpoint and finishes it.
    const incremental = { orgId: ctx.orgId, storeId, mode: 'incremental' as const, pageSize: 10, runId: uuidv7(), queuedAt: new Date() };
    expect(await runStoreSync(t.database.db, deps(), incremental, silentLog)).toMatchObject({ status: 'done', mode: 'full', products: 20 });

    // The full sync's job runs again: its work is done, so it is skipped instead of reading the whole store again.
    const again = await runStoreSync(t.database.db, deps(), full, silentLog);
    expect(again).toMatchObject({ status: 'skipped' });
    expect(again.reason).toMatch(/completed after this one was queued/);

    // Two runs at once: the second is postponed while the first works, then skipped because the first completed.
    const queuedAt = new Date();
    const slow: typeof fetch = async (i, init) => {
      await new Promise((resolve) => setTimeout(resolve, 40));
      return fetch(i, init);
    };
    const first = runStoreSync(t.database.db, deps(slow), { ...full, mode: 'full', runId: uuidv7(), queuedAt }, silentLog);
    await runnerOf(storeId);
    // The schedule does not queue a run for a store a run is working on.
    expect(await storesDueForSync(t.database.db, ctx.orgId, new Date())).not.toContain(storeId);
    const second = { ...full, runId: uuidv7(), queuedAt };
    const refused = await runStoreSync(t.database.db, deps(), second, silentLog).catch((e: unknown) => e);
    expect(isPostponeJob(refused)).toBe(true);
    expect(await first).toMatchObject({ status: 'done', products: 30 });
    expect(await runStoreSync(t.database.db, deps(), second, silentLog)).toMatchObject({ status: 'skipped' });
  });

  it('a run whose lease was taken over stops without writing its next checkpoint', async () => {
    const storeId = await mercadoLivreStore('ml-taken-over', 30);
    const slow: typeof fetch = async (i, init) => {
      await new Promise((resolve) => setTimeout(resolve, 40));
      return fetch(i, init);
    };
    const run = runStoreSync(t.database.db, deps(slow), { orgId: ctx.orgId, storeId, mode: 'full', pageSize: 10 }, silentLog);
    await runnerOf(storeId);
    // Another run claims the sync (as after an expired lease).
    const thief = { id: uuidv7(), until: new Date(Date.now() + 60_000).toISOString() };
    await t.database.db
      .update(stores)
      .set({ syncState: sql`jsonb_set(${stores.syncState}, '{runner}', ${JSON.stringify(thief)}::jsonb)` })
      .where(eq(stores.id, storeId));
    const outcome = await run;
    expect(outcome).toMatchObject({ status: 'skipped', reason: 'another run took over this store sync' });
    expect((await syncRow(storeId))?.syncState).toMatchObject({ runner: thief });
  });

  it("Shopify's cost bucket (extensions.cost.throttleStatus) reaches the store's shared graphql bucket", async () => {
    const shop = emulator.createShop({ platform: 'shopify', shop: 'cost.myshopify.com', products: 20, orders: 4, maximumAvailable: 400, restoreRate: 20 });
    const store = await connectStore(
      ctx,
      { secretKey: testKey },
      { platform: 'shopify', name: 'Cost', connectorConfig: { shop: shop.shop, apiBaseUrl: shop.baseUrl }, credentials: { accessToken: shop.accessToken } },
    );
    const reported: number[] = [];
    const watching: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      const body = (await response.clone().json()) as { extensions?: { cost?: { throttleStatus?: { currentlyAvailable: number } } } };
      const available = body.extensions?.cost?.throttleStatus?.currentlyAvailable;
      if (available !== undefined) reported.push(available);
      return response;
    };
    const outcome = await runStoreSync(t.database.db, deps(watching), { orgId: ctx.orgId, storeId: store.id, mode: 'full', pageSize: 10 }, silentLog);
    expect(outcome).toMatchObject({ status: 'done', products: 20 });
    expect(reported.length).toBeGreaterThan(0);
    const bucket = (await syncRow(store.id))?.rateLimitState?.buckets?.graphql;
    // The shop's own limits replace the published 1,000 points / 50 per s, and the points left are Shopify's count.
    expect(bucket).toMatchObject({ capacity: 400, refillPerSecond: 20, learned: { source: 'shopify throttleStatus' } });
    expect(bucket?.tokens).toBeLessThanOrEqual(reported.at(-1) as number);
    expect(bucket?.tokens).toBeLessThan(400);
  });
});
