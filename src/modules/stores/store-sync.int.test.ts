import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedOrg, testKey } from '../../../test/helpers/ctx.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/database.ts';
import { testStoreLimits } from '../../../test/helpers/emulator-stores.ts';
import { silentLog } from '../../../test/helpers/template.ts';
import type { Order } from '../../contracts/connectors.ts';
import type { Ctx } from '../../db/context.ts';
import { createEmulator, type Emulator, type ShopCredentials } from '../../emulator/emulator.ts';
import { catalogCounts } from '../catalog/index.ts';
import { countOrders, upsertChannelOrders } from '../orders/index.ts';
import { connectStore, runStoreSync, type StoreLimits } from './index.ts';
import { stores } from './stores.tables.ts';

/** An order as connectors return it (BRL 10.00, paid and fulfilled, no lines), for the upsert rules. */
const channelOrder = (channelId: string, number: string) => ({
  channelId,
  number,
  email: null,
  currency: 'BRL',
  subtotal: { amount: 1000, currency: 'BRL' },
  total: { amount: 1000, currency: 'BRL' },
  financialStatus: 'paid' as const,
  fulfillmentStatus: 'fulfilled' as const,
  cancelled: false,
  lines: [] as Order['lines'],
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-02T00:00:00.000Z',
});

describe('read-side sync against the emulated Shopify store', () => {
  let t: TestDatabase;
  let ctx: Ctx;
  let emulator: Emulator;
  let shop: ShopCredentials;
  let limits: StoreLimits;
  let storeId: string;

  beforeAll(async () => {
    t = await createTestDatabase();
    const { members } = await seedOrg(t.database, ['owner']);
    ctx = members.owner?.ctx as Ctx;
    emulator = createEmulator({ seed: 'sync-int' });
    await emulator.listen(0, '127.0.0.1');
    shop = emulator.createShop({ platform: 'shopify', shop: 'sync.myshopify.com', products: 30, orders: 12 });
    limits = testStoreLimits({ callTimeoutMs: 10_000 });
    const store = await connectStore(
      ctx,
      { secretKey: testKey },
      { platform: 'shopify', name: 'Sync', connectorConfig: { shop: shop.shop, apiBaseUrl: shop.baseUrl }, credentials: { accessToken: shop.accessToken } },
    );
    storeId = store.id;
  });
  afterAll(async () => {
    limits?.shutdown();
    await emulator?.close();
    await t?.close();
  });

  const counts = async () => {
    const c = await catalogCounts(t.database.db, ctx.orgId, storeId);
    return {
      products: c.products,
      variants: c.variants,
      listings: c.listings,
      levels: c.inventoryLevels,
      ...(await countOrders(t.database.db, ctx.orgId, storeId)),
    };
  };
  const emulated = () => {
    const state = emulator.shop(shop.shop);
    const variants = [...state.products.values()].reduce((n, p) => n + p.variants.length, 0);
    const lines = [...state.orders.values()].reduce((n, o) => n + o.lines.length, 0);
    return { products: state.products.size, variants, orders: state.orders.size, lines };
  };

  it('resumes a full sync at its saved cursor after a crash, then mirrors the shop exactly once', async () => {
    let calls = 0;
    const crashing: typeof fetch = (input, init) => {
      calls++;
      if (calls > 3) return Promise.reject(new Error('worker killed'));
      return fetch(input, init);
    };
    await expect(
      runStoreSync(t.database.db, { secretKey: testKey, limits, fetch: crashing }, { orgId: ctx.orgId, storeId, mode: 'full', pageSize: 10 }, silentLog),
    ).rejects.toThrow();
    const [mid] = await t.database.db.select({ syncState: stores.syncState, lastSyncedAt: stores.lastSyncedAt }).from(stores).where(eq(stores.id, storeId));
    expect(mid?.syncState).toMatchObject({ mode: 'full', phase: 'products' });
    const stored = mid?.syncState?.pages ?? 0;
    expect(stored).toBeGreaterThanOrEqual(1);
    expect(mid?.syncState?.cursor).toBeTruthy();
    expect(mid?.lastSyncedAt).toBeNull();
    // Exactly the pages stored before the crash are there (each page commits with its cursor).
    expect((await counts()).products).toBe(stored * 10);

    const outcome = await runStoreSync(t.database.db, { secretKey: testKey, limits }, { orgId: ctx.orgId, storeId, mode: 'full', pageSize: 10 }, silentLog);
    // Only the rest was read again.
    expect(outcome).toMatchObject({ status: 'done', mode: 'full', products: 30 - stored * 10 });
    const want = emulated();
    expect(await counts()).toEqual({
      products: want.products,
      variants: want.variants,
      listings: want.variants,
      levels: want.variants,
      orders: want.orders,
      lines: want.lines,
    });
    const [after] = await t.database.db
      .select({ syncState: stores.syncState, lastSyncedAt: stores.lastSyncedAt, health: stores.health })
      .from(stores)
      .where(eq(stores.id, storeId));
    expect(after?.syncState).toBeNull();
    expect(after?.lastSyncedAt).not.toBeNull();
    expect(after?.health).toMatchObject({ lastSync: { ok: true, mode: 'full' } });
  });

  it('an incremental sync after new orders adds them, deduplicated by (store, channel order id)', async () => {
    const before = await counts();
    emulator.generateOrders(shop.shop, 3);
    const outcome = await runStoreSync(
      t.database.db,
      { secretKey: testKey, limits },
      { orgId: ctx.orgId, storeId, mode: 'incremental', pageSize: 10 },
      silentLog,
    );
    expect(outcome).toMatchObject({ status: 'done', mode: 'incremental' });
    const after = await counts();
    expect(after.orders).toBe(before.orders + 3);
    expect(after.orders).toBe(emulated().orders);
    expect(after.products).toBe(before.products);
    // The same orders read again (a full sync) change no counts.
    await runStoreSync(t.database.db, { secretKey: testKey, limits }, { orgId: ctx.orgId, storeId, mode: 'full', pageSize: 25 }, silentLog);
    expect(await counts()).toEqual(after);
  });

  it('an out-of-order (older) copy of an order never overwrites the newer one', async () => {
    const order = channelOrder('gid://shopify/Order/ooo-1', '#9001');
    const scope = { orgId: ctx.orgId, storeId, now: new Date() };
    await upsertChannelOrders(t.database.db, scope, [order]);
    await upsertChannelOrders(t.database.db, scope, [{ ...order, fulfillmentStatus: 'unfulfilled', updatedAt: '2026-01-01T12:00:00.000Z' }]);
    const { rows } = (await t.database.db.execute(
      sql`select fulfillment_status from orders where store_id = ${storeId} and channel_order_id = ${order.channelId}`,
    )) as unknown as { rows: Array<{ fulfillment_status: string }> };
    expect(rows).toEqual([{ fulfillment_status: 'fulfilled' }]);
  });

  it("a page holding the same order twice keeps its newest copy and that copy's lines; lines of an older copy are left alone", async () => {
    const line = (channelId: string, quantity: number) => ({
      channelId,
      sku: `SKU-${channelId}`,
      title: channelId,
      quantity,
      unitPrice: { amount: 500, currency: 'BRL' },
      total: { amount: 500 * quantity, currency: 'BRL' },
      channelVariantId: null,
    });
    const order = { ...channelOrder('gid://shopify/Order/dup-1', '#9002'), fulfillmentStatus: 'unfulfilled' as const, lines: [line('l1', 2)] };
    const scope = { orgId: ctx.orgId, storeId, now: new Date() };
    const newer = { ...order, fulfillmentStatus: 'fulfilled' as const, updatedAt: '2026-01-03T00:00:00.000Z', lines: [line('l1', 3), line('l2', 1)] };
    await upsertChannelOrders(t.database.db, scope, [newer, order]);
    const read = async () =>
      (
        (await t.database.db.execute(
          sql`select o.fulfillment_status, l.channel_line_id, l.quantity from orders o join order_lines l on l.order_id = o.id
               where o.store_id = ${storeId} and o.channel_order_id = ${order.channelId} order by l.channel_line_id`,
        )) as unknown as { rows: Array<{ fulfillment_status: string; channel_line_id: string; quantity: number }> }
      ).rows;
    const expected = [
      { fulfillment_status: 'fulfilled', channel_line_id: 'l1', quantity: 3 },
      { fulfillment_status: 'fulfilled', channel_line_id: 'l2', quantity: 1 },
    ];
    expect(await read()).toEqual(expected);
    // An older copy on a later page changes neither the order nor its lines.
    await upsertChannelOrders(t.database.db, scope, [{ ...order, lines: [line('l1', 9)] }]);
    expect(await read()).toEqual(expected);
  });
});
