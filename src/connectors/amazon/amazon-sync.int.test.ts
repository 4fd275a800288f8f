import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedOrg, testKey } from '../../../test/helpers/ctx.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/database.ts';
import { testStoreLimits } from '../../../test/helpers/emulator-stores.ts';
import { silentLog } from '../../../test/helpers/template.ts';
import type { Ctx } from '../../db/context.ts';
import { createEmulator, type Emulator } from '../../emulator/emulator.ts';
import { catalogCounts } from '../../modules/catalog/index.ts';
import { countOrders } from '../../modules/orders/index.ts';
import { connectStore, runStoreSync, type StoreLimits, testStoreConnection } from '../../modules/stores/index.ts';
import { stores } from '../../modules/stores/stores.tables.ts';

/** The read-side sync (stores.sync: jobs' code path, breaker, per-store buckets) of an emulated Amazon seller, with no Amazon code in the stores module. */
describe('read-side sync of an emulated Amazon SP-API seller', () => {
  let t: TestDatabase;
  let ctx: Ctx;
  let emulator: Emulator;
  let limits: StoreLimits;
  let storeId: string;
  const shop = 'sync-amazon';

  beforeAll(async () => {
    t = await createTestDatabase();
    const { members } = await seedOrg(t.database, ['owner']);
    ctx = members.owner?.ctx as Ctx;
    emulator = createEmulator({ seed: 'amazon-sync-int' });
    await emulator.listen(0, '127.0.0.1');
    const seller = emulator.createAmazonShop({ platform: 'amazon', shop, products: 24, orders: 12 });
    limits = testStoreLimits();
    const store = await connectStore(
      ctx,
      { secretKey: testKey },
      {
        platform: 'amazon',
        name: 'Amazon BR',
        connectorConfig: { sellerId: seller.sellerId, marketplaceId: seller.marketplaceId, apiBaseUrl: seller.baseUrl, authUrl: seller.authUrl },
        credentials: { lwaClientId: seller.clientId, lwaClientSecret: seller.clientSecret, refreshToken: seller.refreshToken },
      },
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
    const state = emulator.shop(shop);
    const variants = [...state.products.values()].reduce((n, p) => n + p.variants.length, 0);
    const lines = [...state.orders.values()].reduce((n, o) => n + o.lines.length, 0);
    return { products: state.products.size, variants, listings: variants, levels: variants, orders: state.orders.size, lines };
  };

  it('tests the connection: the seller id becomes the external id, credentials stay sealed', async () => {
    const result = await testStoreConnection(ctx, { secretKey: testKey, limits }, storeId);
    expect(result).toMatchObject({ ok: true, externalId: expect.stringMatching(/^A[0-9A-F]{13}$/), currency: 'BRL' });
    const [row] = await t.database.db
      .select({ externalId: stores.externalId, credentials: stores.credentialsEncrypted })
      .from(stores)
      .where(eq(stores.id, storeId));
    expect(row?.externalId).toBe(result.externalId);
    expect(JSON.stringify(row?.credentials)).not.toContain('Atzr|');
  });

  it('resumes a full sync after a crash at its checkpoint, then mirrors the seller exactly once', async () => {
    let calls = 0;
    const crashing: typeof fetch = (input, init) => {
      calls++;
      if (calls > 6) return Promise.reject(new Error('worker killed'));
      return fetch(input, init);
    };
    await expect(
      runStoreSync(t.database.db, { secretKey: testKey, limits, fetch: crashing }, { orgId: ctx.orgId, storeId, mode: 'full', pageSize: 5 }, silentLog),
    ).rejects.toThrow();
    const [mid] = await t.database.db.select({ syncState: stores.syncState }).from(stores).where(eq(stores.id, storeId));
    expect(mid?.syncState).toMatchObject({ mode: 'full', phase: 'products' });
    expect(mid?.syncState?.pages).toBeGreaterThanOrEqual(1);

    const outcome = await runStoreSync(t.database.db, { secretKey: testKey, limits }, { orgId: ctx.orgId, storeId, mode: 'full', pageSize: 5 }, silentLog);
    expect(outcome).toMatchObject({ status: 'done', mode: 'full' });
    expect(await counts()).toEqual(emulated());
  });

  it('an incremental sync picks up new orders and changed listings (lastUpdatedAfter), deduplicated', async () => {
    const before = await counts();
    emulator.generateOrders(shop, 3);
    const outcome = await runStoreSync(
      t.database.db,
      { secretKey: testKey, limits },
      { orgId: ctx.orgId, storeId, mode: 'incremental', pageSize: 10 },
      silentLog,
    );
    expect(outcome).toMatchObject({ status: 'done', mode: 'incremental' });
    const after = await counts();
    expect(after.orders).toBe(before.orders + 3);
    expect(after).toEqual(emulated());
    // Read again in full: nothing is counted twice.
    await runStoreSync(t.database.db, { secretKey: testKey, limits }, { orgId: ctx.orgId, storeId, mode: 'full', pageSize: 20 }, silentLog);
    expect(await counts()).toEqual(after);
  });
});
