import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedOrg, testKey } from '../../../test/helpers/ctx.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/database.ts';
import { testStoreLimits } from '../../../test/helpers/emulator-stores.ts';
import { silentLog } from '../../../test/helpers/template.ts';
import type { Ctx } from '../../db/context.ts';
import { createEmulator, type Emulator, type ShopCredentials } from '../../emulator/emulator.ts';
import { catalogCounts } from '../catalog/index.ts';
import { countOrders } from '../orders/index.ts';
import { connectStore, runStoreSync, type StoreLimits } from './index.ts';
import { openCredentials } from './store-secrets.ts';
import { stores } from './stores.tables.ts';

/**
 * The read-side sync of a Shopee store: the same sync job code, limiter and breaker as every other channel
 * (nothing Shopee-specific in store-sync), against the emulated Open Platform v2 on loopback. The shop's
 * access tokens live 61 s, so every client refreshes before its first call: the rotated refresh token must
 * be stored before use, and later pages (new clients) must carry on with it.
 */
describe('read-side sync against an emulated Shopee shop', () => {
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
    emulator = createEmulator({ seed: 'sync-shopee' });
    await emulator.listen(0, '127.0.0.1');
    shop = emulator.createShop({ platform: 'shopee', shop: 'sync-shopee', products: 24, orders: 9, accessTokenTtlSeconds: 61, requestsPerSecond: 100 });
    limits = testStoreLimits();
    const store = await connectStore(
      ctx,
      { secretKey: testKey },
      {
        platform: 'shopee',
        name: 'Shopee sync',
        externalId: String(shop.shopId),
        connectorConfig: { apiBaseUrl: shop.baseUrl, requestsPerSecond: 50 },
        credentials: {
          partnerId: shop.partnerId,
          partnerKey: shop.partnerKey,
          shopId: shop.shopId,
          accessToken: shop.accessToken,
          refreshToken: shop.refreshToken,
          // Already expired: the sync's first call refreshes, however fast the sync runs (a 61 s token raced it).
          expiresAt: new Date(Date.now() - 1000).toISOString(),
        },
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
    const state = emulator.shop(shop.shop);
    const variants = [...state.products.values()].reduce((n, p) => n + p.variants.length, 0);
    const lines = [...state.orders.values()].reduce((n, o) => n + o.lines.length, 0);
    return { products: state.products.size, variants, listings: variants, levels: variants, orders: state.orders.size, lines };
  };
  const storedCredentials = async () => {
    const [row] = await t.database.db.select().from(stores).where(eq(stores.id, storeId));
    return openCredentials(testKey, ctx.orgId, storeId, row?.credentialsEncrypted as string) as { refreshToken: string; accessToken: string };
  };

  it('mirrors the shop exactly, refreshing the token on the way and storing every rotated refresh token', async () => {
    const outcome = await runStoreSync(t.database.db, { secretKey: testKey, limits }, { orgId: ctx.orgId, storeId, mode: 'full', pageSize: 10 }, silentLog);
    expect(outcome).toMatchObject({ status: 'done', mode: 'full', products: 24, orders: 9 });
    expect(await counts()).toEqual(emulated());
    const stored = await storedCredentials();
    expect(stored.refreshToken).not.toBe(shop.refreshToken);
    // What is stored is the refresh token the emulated Shopee accepts now (the retired ones are refused).
    const state = emulator.shop(shop.shop).channel.shopee as { refreshToken: { token: string } };
    expect(stored.refreshToken).toBe(state.refreshToken.token);
  });

  it('an incremental sync picks up new orders once, and a second full sync changes no counts', async () => {
    const before = await counts();
    emulator.generateOrders(shop.shop, 4);
    await new Promise((resolve) => setTimeout(resolve, 1100)); // Shopee times are whole seconds
    const outcome = await runStoreSync(
      t.database.db,
      { secretKey: testKey, limits },
      { orgId: ctx.orgId, storeId, mode: 'incremental', pageSize: 10 },
      silentLog,
    );
    expect(outcome).toMatchObject({ status: 'done', mode: 'incremental' });
    const after = await counts();
    expect(after.orders).toBe(before.orders + 4);
    expect(after).toEqual(emulated());
    await runStoreSync(t.database.db, { secretKey: testKey, limits }, { orgId: ctx.orgId, storeId, mode: 'full', pageSize: 25 }, silentLog);
    expect(await counts()).toEqual(after);
  });

  it('rides out 429s and 5xx from the shop through the same limiter and breaker', async () => {
    emulator.setFaults(shop.shop, { stormRequests: 4, stormRetryAfterSeconds: 0.05, failNext: 2 });
    const outcome = await runStoreSync(t.database.db, { secretKey: testKey, limits }, { orgId: ctx.orgId, storeId, mode: 'full', pageSize: 10 }, silentLog);
    expect(outcome).toMatchObject({ status: 'done' });
    expect(emulator.shop(shop.shop).stats).toMatchObject({ http429: 4 });
    expect(await counts()).toEqual(emulated());
  });
});
