import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, signIn } from '../../../test/helpers/api-client.ts';
import { seedOrg, testKey } from '../../../test/helpers/ctx.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/database.ts';
import { testStoreLimits } from '../../../test/helpers/emulator-stores.ts';
import { startInProcessApp } from '../../../test/helpers/in-process-app.ts';
import { silentLog } from '../../../test/helpers/template.ts';
import type { CatalogProduct } from '../../contracts/catalog.ts';
import { jobCatalog } from '../../contracts/jobs.ts';
import type { OrderView } from '../../contracts/orders.ts';
import type { Ctx } from '../../db/context.ts';
import { createEmulator, type Emulator, type ShopCredentials } from '../../emulator/emulator.ts';
import { createJobRunsObserver } from '../../modules/operations/index.ts';
import { connectStore, runStoreSync, type StoreLimits, transitionStore } from '../../modules/stores/index.ts';
import { createJobQueue, type JobQueue } from '../../queue/job-queue.ts';

/**
 * The catalog and orders read APIs and "sync now", over HTTP against a real app, queue and database: org A's
 * emulated Shopify store is synced by the real stores.sync job (queued through POST /api/stores/{id}/sync),
 * org B's by the sync service; every read is checked against the emulator's own state and for org isolation.
 */
describe('catalog, orders and sync-now API', () => {
  let t: TestDatabase;
  let emulator: Emulator;
  let limits: StoreLimits;
  let queue: JobQueue<typeof jobCatalog>;
  let app: Awaited<ReturnType<typeof startInProcessApp>>['app'];
  let url: string;
  let ownerA: ApiClient;
  let viewerA: ApiClient;
  let ownerB: ApiClient;
  let shopA: ShopCredentials;
  let storeA: string;
  let storeB: string;
  let pausedA: string;
  let disconnectedA: string;
  let releaseSync: () => void = () => undefined;
  let syncGate = Promise.resolve();

  const connect = (ctx: Ctx, shop: ShopCredentials, name: string) =>
    connectStore(
      ctx,
      { secretKey: testKey },
      { platform: 'shopify', name, connectorConfig: { shop: shop.shop, apiBaseUrl: shop.baseUrl }, credentials: { accessToken: shop.accessToken } },
    );

  beforeAll(async () => {
    t = await createTestDatabase();
    const a = await seedOrg(t.database, ['owner', 'viewer']);
    const b = await seedOrg(t.database, ['owner']);
    emulator = createEmulator({ seed: 'commerce-int' });
    await emulator.listen(0, '127.0.0.1');
    shopA = emulator.createShop({ platform: 'shopify', shop: 'commerce-a.myshopify.com', products: 12, orders: 9 });
    const shopB = emulator.createShop({ platform: 'shopify', shop: 'commerce-b.myshopify.com', products: 4, orders: 3 });
    const ctxA = a.members.owner?.ctx as Ctx;
    storeA = (await connect(ctxA, shopA, 'A main')).id;
    pausedA = (await connect(ctxA, emulator.createShop({ platform: 'shopify', shop: 'paused-a.myshopify.com', products: 1, orders: 0 }), 'A paused')).id;
    await transitionStore(ctxA, pausedA, 'pause');
    disconnectedA = (await connect(ctxA, emulator.createShop({ platform: 'shopify', shop: 'gone-a.myshopify.com', products: 1, orders: 0 }), 'A gone')).id;
    await transitionStore(ctxA, disconnectedA, 'disconnect');
    const ctxB = b.members.owner?.ctx as Ctx;
    storeB = (await connect(ctxB, shopB, 'B main')).id;
    limits = testStoreLimits({ callTimeoutMs: 10_000 });
    await runStoreSync(t.database.db, { secretKey: testKey, limits }, { orgId: ctxB.orgId, storeId: storeB, mode: 'full' }, silentLog);

    queue = createJobQueue({ database: t.database, catalog: jobCatalog, log: silentLog, observer: createJobRunsObserver(t.database), pollingSeconds: 0.5 });
    await queue.start();
    ({ app, url } = await startInProcessApp(t, { queue, storeLimits: limits }));
    ownerA = await signIn(url, a.members.owner?.email, a.members.owner?.password);
    viewerA = await signIn(url, a.members.viewer?.email, a.members.viewer?.password);
    ownerB = await signIn(url, b.members.owner?.email, b.members.owner?.password);
  });
  afterAll(async () => {
    releaseSync();
    await app?.close();
    await queue?.stop(1000);
    limits?.shutdown();
    await emulator?.close();
    await t?.close();
  });

  const waitForJob = async (client: ApiClient, jobId: string, statuses: string[]) => {
    const deadline = Date.now() + 45_000;
    for (;;) {
      const { body } = await client.json<{ job: { status: string; result: Record<string, unknown> | null } }>('GET', `/api/jobs/${jobId}`);
      if (statuses.includes(body.job.status)) return body.job;
      if (Date.now() > deadline) throw new Error(`job ${jobId} is ${body.job.status}, wanted ${statuses.join('/')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  it('sync now: 202 with the job id; 409 with a reason while one is queued or running, or when the store is not active', async () => {
    const queued = await ownerA.json<{ jobId: string; mode: string }>('POST', `/api/stores/${storeA}/sync?mode=full`);
    expect(queued.status).toBe(202);
    expect(queued.body.mode).toBe('full');
    const again = await ownerA.json<{ code: string; details: { reason: string; jobId: string; status: string } }>('POST', `/api/stores/${storeA}/sync`);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'CONFLICT', details: { reason: 'sync_in_progress', jobId: queued.body.jobId, status: 'queued' } });

    // The sync service as the stores.sync handler runs it (http may not import jobs/), held at its start so the run is seen "running".
    syncGate = new Promise((resolve) => {
      releaseSync = resolve;
    });
    await queue.work('stores.sync', async (payload) => {
      await syncGate;
      return { ...(await runStoreSync(t.database.db, { secretKey: testKey, limits }, payload, silentLog)) };
    });
    await waitForJob(ownerA, queued.body.jobId, ['running']);
    const whileRunning = await ownerA.json<{ details: { reason: string; status: string } }>('POST', `/api/stores/${storeA}/sync?mode=incremental`);
    expect(whileRunning.status).toBe(409);
    expect(whileRunning.body.details).toMatchObject({ reason: 'sync_in_progress', status: 'running' });
    releaseSync();
    const done = await waitForJob(ownerA, queued.body.jobId, ['completed', 'dead', 'failed']);
    expect(done).toMatchObject({ status: 'completed', result: { status: 'done', mode: 'full', products: 12, orders: 9 } });

    // Finished: a new sync may be queued (and runs).
    const next = await ownerA.json<{ jobId: string; mode: string }>('POST', `/api/stores/${storeA}/sync`);
    expect(next.status).toBe(202);
    expect(next.body).toMatchObject({ mode: 'incremental' });
    expect(next.body.jobId).not.toBe(queued.body.jobId);
    expect(await waitForJob(ownerA, next.body.jobId, ['completed', 'dead', 'failed'])).toMatchObject({ status: 'completed' });
    const audit = await ownerA.json<{ entries: Array<{ action: string; resourceId: string }> }>('GET', '/api/audit?limit=50');
    expect(audit.body.entries.filter((e) => e.action === 'store.sync_requested' && e.resourceId === storeA)).toHaveLength(2);

    for (const [id, reason] of [
      [pausedA, 'store_paused'],
      [disconnectedA, 'store_disconnected'],
    ] as const) {
      const refused = await ownerA.json<{ code: string; details: { reason: string } }>('POST', `/api/stores/${id}/sync`);
      expect(refused.status).toBe(409);
      expect(refused.body).toMatchObject({ code: 'CONFLICT', details: { reason } });
    }
  });

  it('sync now: viewers are refused, another org gets 404, bad input is a 400', async () => {
    expect((await viewerA.request('POST', `/api/stores/${storeA}/sync`)).status).toBe(403);
    expect((await ownerB.json('POST', `/api/stores/${storeA}/sync`)).status).toBe(404);
    expect((await ownerA.json('POST', `/api/stores/${storeB}/sync`)).status).toBe(404);
    const badMode = await ownerA.json<{ code: string }>('POST', `/api/stores/${storeA}/sync?mode=everything`);
    expect(badMode.status).toBe(400);
    expect(badMode.body.code).toBe('VALIDATION');
    expect((await ownerA.json('POST', `/api/stores/${storeA}/sync?mode=full&extra=1`)).status).toBe(400);
    expect((await ownerA.json('POST', '/api/stores/not-a-uuid/sync')).status).toBe(400);
    expect((await fetch(`${url}/api/stores/${storeA}/sync`, { method: 'POST' })).status).toBe(401);
  });

  const allProducts = async (client: ApiClient, query = '') => {
    const seen: CatalogProduct[] = [];
    let cursor: string | null = null;
    do {
      const params = new URLSearchParams(query);
      params.set('limit', '5');
      if (cursor) params.set('cursor', cursor);
      const page = await client.json<{ products: CatalogProduct[]; nextCursor: string | null }>('GET', `/api/catalog/products?${params}`);
      expect(page.status).toBe(200);
      expect(page.body.products.length).toBeLessThanOrEqual(5);
      seen.push(...page.body.products);
      cursor = page.body.nextCursor;
    } while (cursor);
    return seen;
  };

  it("catalog: every product of the shop once, with variants, stock and listings as the channel has them; only the org's own", async () => {
    const products = await allProducts(viewerA);
    const shop = emulator.shop(shopA.shop);
    expect(products).toHaveLength(shop.products.size);
    expect(new Set(products.map((p) => p.id)).size).toBe(products.length);
    const emulatedSkus = [...shop.products.values()].flatMap((p) => p.variants.map((v) => v.sku)).sort();
    expect(products.flatMap((p) => p.variants.map((v) => v.sku)).sort()).toEqual(emulatedSkus);
    for (const product of products) {
      expect(product.listings).toHaveLength(product.variants.length);
      for (const listing of product.listings) expect(listing).toMatchObject({ storeId: storeA, storeName: 'A main', platform: 'shopify' });
      for (const variant of product.variants) expect(variant.stock.map((s) => s.storeId)).toEqual([storeA]);
    }
    const sample = products[3] as CatalogProduct;
    const emulatedVariant = [...shop.products.values()].flatMap((p) => p.variants).find((v) => v.sku === sample.variants[0]?.sku);
    expect(sample.variants[0]?.stock[0]?.available).toBe(shop.stock.get(emulatedVariant?.inventoryItemId as number));

    const one = await viewerA.json<CatalogProduct>('GET', `/api/catalog/products/${sample.id}`);
    expect(one.status).toBe(200);
    expect(one.body).toEqual(sample);

    const productsOfB = await allProducts(ownerB);
    expect(productsOfB).toHaveLength(4);
    expect(productsOfB.every((p) => p.listings.every((l) => l.storeId === storeB))).toBe(true);
    expect((await ownerA.json('GET', `/api/catalog/products/${productsOfB[0]?.id}`)).status).toBe(404);
    expect((await ownerB.json('GET', `/api/catalog/products/${sample.id}`)).status).toBe(404);
    expect((await ownerA.json<{ products: unknown[] }>('GET', `/api/catalog/products?storeId=${storeB}`)).body.products).toEqual([]);
  });

  it('catalog filters: store, channel, listing status, title or SKU search', async () => {
    const all = await allProducts(ownerA);
    expect(await allProducts(ownerA, `storeId=${storeA}`)).toHaveLength(all.length);
    expect(await allProducts(ownerA, 'platform=shopify')).toHaveLength(all.length);
    expect(await allProducts(ownerA, 'platform=kaway')).toHaveLength(0);
    expect(await allProducts(ownerA, `storeId=${pausedA}`)).toHaveLength(0);
    for (const status of ['active', 'draft', 'inactive'] as const) {
      const kept = await allProducts(ownerA, `status=${status}`);
      expect(kept.map((p) => p.id).sort()).toEqual(
        all
          .filter((p) => p.listings.some((l) => l.status === status))
          .map((p) => p.id)
          .sort(),
      );
    }
    const target = all[5] as CatalogProduct;
    const sku = target.variants[0]?.sku as string;
    expect((await allProducts(ownerA, `q=${encodeURIComponent(sku.toLowerCase())}`)).map((p) => p.id)).toEqual([target.id]);
    const word = target.title.split(' ')[0] as string;
    const byTitle = await allProducts(ownerA, `q=${encodeURIComponent(word)}`);
    expect(byTitle.map((p) => p.id)).toContain(target.id);
    expect(
      byTitle.every((p) => p.title.toLowerCase().includes(word.toLowerCase()) || p.variants.some((v) => v.sku?.toLowerCase().includes(word.toLowerCase()))),
    ).toBe(true);
    // LIKE wildcards are literal.
    expect(await allProducts(ownerA, 'q=%25')).toHaveLength(0);
    expect(await allProducts(ownerA, 'q=_')).toHaveLength(0);
  });

  it('catalog: bad input is a 400 with a stable code, never a 500', async () => {
    for (const query of [
      'limit=0',
      'limit=101',
      'limit=abc',
      'cursor=not-a-cursor',
      `cursor=${Buffer.from('yesterday|x').toString('base64url')}`,
      'status=published-ish',
      'storeId=42',
      'platform=Shop%20ify',
      `q=${'x'.repeat(201)}`,
      'unknown=1',
    ]) {
      const r = await ownerA.json<{ code: string }>('GET', `/api/catalog/products?${query}`);
      expect([query, r.status, r.body.code]).toEqual([query, 400, 'VALIDATION']);
    }
    expect((await ownerA.json('GET', '/api/catalog/products/not-a-uuid')).status).toBe(400);
    expect((await ownerA.json('GET', '/api/catalog/products/00000000-0000-7000-8000-000000000000')).status).toBe(404);
    expect((await fetch(`${url}/api/catalog/products`)).status).toBe(401);
  });

  const allOrders = async (client: ApiClient, query = '') => {
    const seen: OrderView[] = [];
    let cursor: string | null = null;
    do {
      const params = new URLSearchParams(query);
      params.set('limit', '4');
      if (cursor) params.set('cursor', cursor);
      const page = await client.json<{ orders: OrderView[]; nextCursor: string | null }>('GET', `/api/orders?${params}`);
      expect(page.status).toBe(200);
      seen.push(...page.body.orders);
      cursor = page.body.nextCursor;
    } while (cursor);
    return seen;
  };

  it('orders: every order of the shop once, newest first, with totals, lines and the store; only the org own', async () => {
    const orders = await allOrders(viewerA);
    const shop = emulator.shop(shopA.shop);
    expect(orders).toHaveLength(shop.orders.size);
    expect(new Set(orders.map((o) => o.id)).size).toBe(orders.length);
    const placed = orders.map((o) => o.placedAt);
    expect(placed).toEqual([...placed].sort().reverse());
    for (const order of orders) expect(order).toMatchObject({ storeId: storeA, storeName: 'A main', platform: 'shopify' });
    const emulated = new Map([...shop.orders.values()].map((o) => [`#${o.number}`, o]));
    for (const order of orders) expect(order.lineCount).toBe(emulated.get(order.number)?.lines.length);
    expect(orders.every((o) => o.total.amount > 0 && o.total.currency === shop.currency)).toBe(true);

    const first = orders[0] as OrderView;
    const detail = await viewerA.json<OrderView & { lines: Array<{ sku: string; quantity: number; total: { amount: number } }> }>(
      'GET',
      `/api/orders/${first.id}`,
    );
    expect(detail.status).toBe(200);
    expect(detail.body.lines).toHaveLength(first.lineCount);
    expect(detail.body.lines.length).toBeGreaterThan(0);
    const { lines: _lines, ...head } = detail.body;
    expect(head).toEqual(first);

    const ordersOfB = await allOrders(ownerB);
    expect(ordersOfB).toHaveLength(3);
    expect((await ownerA.json('GET', `/api/orders/${ordersOfB[0]?.id}`)).status).toBe(404);
    expect((await ownerB.json('GET', `/api/orders/${first.id}`)).status).toBe(404);
    expect(await allOrders(ownerA, `storeId=${storeB}`)).toEqual([]);
  });

  it('orders filters and summary: store, channel, statuses, placed date range, order number', async () => {
    const all = await allOrders(ownerA);
    expect(await allOrders(ownerA, 'platform=shopify')).toHaveLength(all.length);
    expect(await allOrders(ownerA, 'platform=mercadolivre')).toHaveLength(0);
    const sample = all[2] as OrderView;
    expect((await allOrders(ownerA, `financialStatus=${sample.financialStatus}`)).map((o) => o.id)).toEqual(
      all.filter((o) => o.financialStatus === sample.financialStatus).map((o) => o.id),
    );
    expect((await allOrders(ownerA, `fulfillmentStatus=${sample.fulfillmentStatus}`)).map((o) => o.id)).toEqual(
      all.filter((o) => o.fulfillmentStatus === sample.fulfillmentStatus).map((o) => o.id),
    );
    expect((await allOrders(ownerA, 'cancelled=false')).map((o) => o.id)).toEqual(all.filter((o) => !o.cancelled).map((o) => o.id));
    const inRange = await allOrders(ownerA, `from=${encodeURIComponent(sample.placedAt)}&to=${encodeURIComponent(all[0]?.placedAt as string)}`);
    expect(inRange.map((o) => o.id)).toEqual(all.filter((o) => o.placedAt >= sample.placedAt && o.placedAt < (all[0]?.placedAt as string)).map((o) => o.id));
    expect((await allOrders(ownerA, `q=${encodeURIComponent(sample.number)}`)).map((o) => o.id)).toContain(sample.id);
    expect((await allOrders(ownerA, `q=${encodeURIComponent(sample.channelOrderId)}`)).map((o) => o.id)).toEqual([sample.id]);

    const summary = await viewerA.json<{ count: number; byStore: Array<{ storeId: string; currency: string; count: number; total: { amount: number } }> }>(
      'GET',
      '/api/orders/summary',
    );
    expect(summary.status).toBe(200);
    expect(summary.body.count).toBe(all.length);
    expect(summary.body.byStore).toEqual([
      expect.objectContaining({
        storeId: storeA,
        count: all.length,
        total: { amount: all.filter((o) => !o.cancelled).reduce((n, o) => n + o.total.amount, 0), currency: sample.total.currency },
      }),
    ]);
    const filtered = await ownerA.json<{ count: number }>('GET', `/api/orders/summary?financialStatus=${sample.financialStatus}`);
    expect(filtered.body.count).toBe(all.filter((o) => o.financialStatus === sample.financialStatus).length);
    expect((await ownerB.json<{ count: number }>('GET', '/api/orders/summary')).body.count).toBe(3);
    expect((await ownerA.json<{ count: number }>('GET', `/api/orders/summary?storeId=${storeB}`)).body).toEqual({ count: 0, byStore: [] });
  });

  it('orders: bad input is a 400 with a stable code, never a 500', async () => {
    for (const query of [
      'limit=0',
      'limit=500',
      'cursor=%00%01',
      'from=yesterday',
      'to=2026-13-01T00:00:00Z',
      'financialStatus=maybe',
      'fulfillmentStatus=shipped',
      'cancelled=yes',
      'storeId=abc',
      'sort=total',
    ]) {
      const r = await ownerA.json<{ code: string }>('GET', `/api/orders?${query}`);
      expect([query, r.status, r.body.code]).toEqual([query, 400, 'VALIDATION']);
    }
    expect((await ownerA.json('GET', '/api/orders/summary?cursor=x')).status).toBe(400);
    expect((await ownerA.json('GET', '/api/orders/123')).status).toBe(400);
    expect((await fetch(`${url}/api/orders`)).status).toBe(401);
    expect((await fetch(`${url}/api/orders/summary`)).status).toBe(401);
  });
});
