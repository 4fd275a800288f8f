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

/** The read-side sync of a TikTok Shop store: the same job code, limiter and breaker as every channel. */
describe('read-side sync against the emulated TikTok Shop', () => {
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
    emulator = createEmulator({ seed: 'tts-sync-int' });
    await emulator.listen(0, '127.0.0.1');
    shop = emulator.createShop({ platform: 'tiktokshop', shop: 'sync-tts', products: 40, orders: 15 });
    limits = testStoreLimits();
    const store = await connectStore(
      ctx,
      { secretKey: testKey },
      {
        platform: 'tiktokshop',
        name: 'TikTok sync',
        connectorConfig: { apiBaseUrl: shop.baseUrl, authBaseUrl: shop.baseUrl },
        credentials: {
          appKey: shop.clientId,
          appSecret: shop.clientSecret,
          accessToken: shop.accessToken,
          refreshToken: shop.refreshToken,
          shopCipher: shop.shopCipher,
          shopId: shop.shopId,
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

  it('mirrors the shop exactly through a 429 storm and 5xx answers', async () => {
    emulator.setFaults(shop.shop, { stormRequests: 3, stormRetryAfterSeconds: 0.05, failNext: 2 });
    const outcome = await runStoreSync(t.database.db, { secretKey: testKey, limits }, { orgId: ctx.orgId, storeId, mode: 'full', pageSize: 15 }, silentLog);
    expect(outcome).toMatchObject({ status: 'done', mode: 'full', products: 40, orders: 15 });
    expect(await counts()).toEqual(emulated());
    const stats = emulator.shop(shop.shop).stats;
    expect(stats.http429).toBe(3);
    expect(stats.http5xx).toBe(2);
  });

  it('an incremental sync adds new orders once; a full sync again changes no counts', async () => {
    emulator.setFaults(shop.shop, { stormRequests: 0, failNext: 0 });
    const before = await counts();
    expect(emulator.generateOrders(shop.shop, 4)).toBe(4);
    const outcome = await runStoreSync(
      t.database.db,
      { secretKey: testKey, limits },
      { orgId: ctx.orgId, storeId, mode: 'incremental', pageSize: 15 },
      silentLog,
    );
    expect(outcome).toMatchObject({ status: 'done', mode: 'incremental' });
    // Only what changed since the last sync (minus the 5-minute overlap) was read: the seeded catalog is older.
    expect(outcome.products).toBe(0);
    const after = await counts();
    expect(after.orders).toBe(before.orders + 4);
    expect(after).toEqual(emulated());
    await runStoreSync(t.database.db, { secretKey: testKey, limits }, { orgId: ctx.orgId, storeId, mode: 'full', pageSize: 50 }, silentLog);
    expect(await counts()).toEqual(after);
  });

  it('stores the credentials a refresh produced at once: later clients of the run and later runs use them', async () => {
    const short = emulator.createShop({ platform: 'tiktokshop', shop: 'sync-tts-expiring', products: 25, orders: 3, accessTokenTtlSeconds: 1 });
    const store = await connectStore(
      ctx,
      { secretKey: testKey },
      {
        platform: 'tiktokshop',
        name: 'Expiring',
        connectorConfig: { apiBaseUrl: short.baseUrl, authBaseUrl: short.baseUrl },
        credentials: {
          appKey: short.clientId,
          appSecret: short.clientSecret,
          accessToken: short.accessToken,
          refreshToken: short.refreshToken,
          shopCipher: short.shopCipher,
        },
      },
    );
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const run = () =>
      runStoreSync(t.database.db, { secretKey: testKey, limits }, { orgId: ctx.orgId, storeId: store.id, mode: 'full', pageSize: 10 }, silentLog);
    expect(await run()).toMatchObject({ status: 'done', products: 25, orders: 3 });
    const stored = async () => {
      const [row] = await t.database.db
        .select({ sealed: stores.credentialsEncrypted, fields: stores.credentialFields })
        .from(stores)
        .where(eq(stores.id, store.id));
      return { credentials: openCredentials(testKey, ctx.orgId, store.id, String(row?.sealed)), fields: row?.fields };
    };
    const after = await stored();
    expect(after.credentials.accessToken).not.toBe(short.accessToken);
    expect(after.credentials.shopCipher).toBe(short.shopCipher);
    expect(after.fields).toContain('accessTokenExpiresAt');
    // One refused call in the whole run (the first page's), not one per page.
    expect(emulator.shop('sync-tts-expiring').stats.unauthorized).toBe(1);
    expect(await run()).toMatchObject({ status: 'done' });
    expect(emulator.shop('sync-tts-expiring').stats.unauthorized).toBe(1);
  });
});
