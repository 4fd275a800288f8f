import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedOrg, testKey } from '../../../test/helpers/ctx.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/database.ts';
import { testStoreLimits } from '../../../test/helpers/emulator-stores.ts';
import { silentLog } from '../../../test/helpers/template.ts';
import type { Ctx } from '../../db/context.ts';
import { createEmulator, type Emulator } from '../../emulator/emulator.ts';
import type { KawayShopCredentials } from '../../emulator/kaway/kaway-host.ts';
import { catalogCounts } from '../catalog/index.ts';
import { countOrders } from '../orders/index.ts';
import { connectStore, exportStoreStockFeed, importStoreFeed, runStoreSync, type StoreLimits, updateStore } from './index.ts';

/** Kaway stores: watched feed URLs behind the SSRF guard (at save time and at fetch time, redirects too) and file uploads. */
describe('Kaway feed stores', () => {
  let t: TestDatabase;
  let ctx: Ctx;
  let other: Ctx;
  let emulator: Emulator;
  let origin: string;
  let limits: StoreLimits;
  let redirector: Server;
  let redirectorOrigin: string;
  let n = 0;

  beforeAll(async () => {
    t = await createTestDatabase();
    ctx = (await seedOrg(t.database, ['owner'])).members.owner?.ctx as Ctx;
    other = (await seedOrg(t.database, ['owner'])).members.owner?.ctx as Ctx;
    emulator = createEmulator({ seed: 'store-feeds' });
    origin = new URL(await emulator.listen(0, '127.0.0.1')).origin;
    // An allowed origin whose feeds redirect to the emulator (by another name, so another origin).
    redirector = createServer((request, response) => {
      response.writeHead(302, { location: `http://localhost:${new URL(origin).port}${request.url}` }).end();
    });
    await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
    redirectorOrigin = `http://127.0.0.1:${(redirector.address() as AddressInfo).port}`;
    limits = testStoreLimits({ breakerEnabled: false, callTimeoutMs: 10_000 });
  });
  afterAll(async () => {
    limits?.shutdown();
    redirector?.close();
    await emulator?.close();
    await t?.close();
  });

  const newShop = (products = 6, auth: 'bearer' | 'none' = 'bearer'): KawayShopCredentials =>
    emulator.createKawayShop({ platform: 'kaway', shop: `feeds-${++n}`, products, orders: 4, auth });
  const watched = (shop: KawayShopCredentials, base = shop.baseUrl) => ({
    sellerId: shop.shop,
    productsFeedUrl: shop.feeds.products.csv.replace(shop.baseUrl, base),
    ordersFeedUrl: shop.feeds.orders.csv.replace(shop.baseUrl, base),
  });
  const strict = { secretKey: testKey };
  const connect = (deps: typeof strict, shop: KawayShopCredentials, config: Record<string, unknown>) =>
    connectStore(ctx, deps, { platform: 'kaway', name: shop.shop, connectorConfig: config, credentials: shop.auth });
  const sync = (deps: typeof strict, storeId: string) =>
    runStoreSync(t.database.db, { ...deps, limits }, { orgId: ctx.orgId, storeId, mode: 'full' }, silentLog);

  it('refuses loopback and private feed URLs when a store is saved (after DNS too): 400 VALIDATION, reason private_address', async () => {
    const shop = newShop();
    await expect(connect(strict, shop, watched(shop))).rejects.toMatchObject({
      code: 'VALIDATION',
      details: { reason: 'private_address', field: 'connectorConfig.productsFeedUrl' },
    });
    const byName = shop.feeds.products.csv.replace('127.0.0.1', 'localhost');
    await expect(connect(strict, shop, { sellerId: shop.shop, productsFeedUrl: byName })).rejects.toMatchObject({ details: { reason: 'private_address' } });
    for (const url of ['http://169.254.169.254/latest/meta-data', 'http://10.0.0.8/feed.csv', 'http://[::1]/feed.csv']) {
      await expect(connect(strict, shop, { sellerId: shop.shop, stockUploadUrl: url })).rejects.toMatchObject({ details: { reason: 'private_address' } });
    }
    const store = await connect(strict, shop, { sellerId: shop.shop });
    await expect(updateStore(ctx, strict, store.id, { connectorConfig: watched(shop) })).rejects.toMatchObject({ details: { reason: 'private_address' } });
  });

  it('syncs watched feeds from an allowed origin, and refuses them at fetch time once the origin is no longer allowed (no request made)', async () => {
    const shop = newShop();
    const allowEmulator = { secretKey: testKey, feeds: { allowPrivate: false, allowOrigins: [origin] } };
    const store = await connect(allowEmulator, shop, watched(shop));
    expect(await sync(allowEmulator, store.id)).toMatchObject({ status: 'done', products: 6 });
    expect((await catalogCounts(t.database.db, ctx.orgId, store.id)).listings).toBeGreaterThanOrEqual(6);
    expect((await countOrders(t.database.db, ctx.orgId, store.id)).orders).toBe(4);
    const before = emulator.shop(shop.shop).stats.requests;
    await expect(sync(strict, store.id)).rejects.toMatchObject({ name: 'ConnectorError', kind: 'rejected', retryable: false });
    expect(emulator.shop(shop.shop).stats.requests).toBe(before);
  });

  it('checks every redirect hop: an allowed feed host redirecting to a private address is refused', async () => {
    const shop = newShop(6, 'none'); // credentials never follow a redirect to another origin
    const deps = { secretKey: testKey, feeds: { allowPrivate: false, allowOrigins: [redirectorOrigin] } };
    const store = await connect(deps, shop, watched(shop, `${redirectorOrigin}/kaway/${shop.shop}`));
    await expect(sync(deps, store.id)).rejects.toThrow(/private, loopback or link-local/);
    // The same redirect with the target origin allowed too goes through.
    const both = { secretKey: testKey, feeds: { allowPrivate: false, allowOrigins: [redirectorOrigin, `http://localhost:${new URL(origin).port}`] } };
    expect(await sync(both, store.id)).toMatchObject({ status: 'done', products: 6 });
  });

  it('imports uploaded files: row-numbered errors refuse the file, good files land, stock is checked against the listed SKUs and exported', async () => {
    const shop = newShop(4);
    const store = await connect(strict, shop, { sellerId: shop.shop });
    const download = async (url: string) => {
      const response = await fetch(url, { headers: { authorization: `Bearer ${(shop.auth as { token: string }).token}` } });
      return response.text();
    };
    const productsCsv = await download(shop.feeds.products.csv);
    const lines = productsCsv.trimEnd().split('\n');
    const header = (lines[0] as string).split(',');
    const priceColumn = header.indexOf('price');
    const broken = [...lines];
    const third = (broken[2] as string).split(',');
    third[priceColumn] = 'cheap';
    broken[2] = third.join(',');
    const refused = await importStoreFeed(ctx, store.id, 'products', { content: `${broken.join('\n')}\n` }).catch((e) => e);
    expect(refused).toMatchObject({ code: 'VALIDATION', details: { reason: 'invalid_rows' } });
    expect(refused.details.errors[0]).toMatchObject({ row: 3, column: 'price' });
    expect((await catalogCounts(t.database.db, ctx.orgId, store.id)).listings).toBe(0);

    const imported = await importStoreFeed(ctx, store.id, 'products', { content: productsCsv, format: 'csv', fileName: 'products.csv' });
    expect(imported).toMatchObject({ kind: 'products', format: 'csv', rows: lines.length - 1, errors: [] });
    expect(imported.imported).toBe(4);
    expect((await catalogCounts(t.database.db, ctx.orgId, store.id)).listings).toBe(lines.length - 1);

    const stockJson = await download(shop.feeds.stock.json);
    const stock = await importStoreFeed(ctx, store.id, 'stock', { content: stockJson });
    expect(stock).toMatchObject({ kind: 'stock', format: 'json', imported: lines.length - 1, unknownSkus: [] });
    await expect(importStoreFeed(ctx, store.id, 'stock', { content: 'sku,quantity\nNOT-LISTED-1,4\n' })).rejects.toMatchObject({
      details: { reason: 'unknown_skus', unknownSkus: ['NOT-LISTED-1'] },
    });

    const orders = await importStoreFeed(ctx, store.id, 'orders', { content: await download(shop.feeds.orders.csv) });
    expect(orders).toMatchObject({ kind: 'orders', imported: 4 });
    expect((await countOrders(t.database.db, ctx.orgId, store.id)).orders).toBe(4);

    const exported = await exportStoreStockFeed(ctx, store.id, 'csv');
    const exportedLines = exported.body.trimEnd().split('\n');
    expect(exportedLines[0]).toMatch(/^sku,quantity/);
    expect(exportedLines).toHaveLength(lines.length);
    const parsedBack = JSON.parse(stockJson) as { items: Array<{ sku: string; quantity: string | number }> };
    const first = parsedBack.items[0] as { sku: string; quantity: string | number };
    expect(exportedLines.some((line) => line.startsWith(`${first.sku},${first.quantity}`))).toBe(true);

    await expect(importStoreFeed(other, store.id, 'products', { content: productsCsv })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(importStoreFeed(ctx, store.id, 'products', { content: '\u0000\u0001 not a feed' })).rejects.toMatchObject({ code: 'VALIDATION' });
  });
});
