import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../../emulator/emulator.ts';
import type { KawayShopCredentials } from '../../emulator/kaway/kaway-host.ts';
import { isConnectorError } from '../sdk/connector-error.ts';
import { kawayConnector } from './kaway.connector.ts';
import type { KawayClient } from './kaway-client.ts';

/** Feed behaviour against the emulator's Kaway feed host: conditional downloads, auth, cut-short and corrupt files, round trips. */
let emulator: Emulator;
let n = 0;

beforeAll(async () => {
  emulator = createEmulator({ seed: 'kaway-feeds' });
  await emulator.listen(0);
});
afterAll(() => emulator.close());

function newShop(input: { products?: number; orders?: number; auth?: 'none' | 'basic' | 'bearer' } = {}) {
  const credentials = emulator.createKawayShop({
    platform: 'kaway',
    shop: `feeds-${++n}`,
    products: input.products ?? 8,
    orders: input.orders ?? 5,
    auth: input.auth,
  });
  return credentials;
}

function clientFor(shop: KawayShopCredentials, overrides: Record<string, unknown> = {}, credentials: unknown = shop.auth): KawayClient {
  return kawayConnector.connect({
    credentials,
    config: {
      sellerId: shop.shop,
      productsFeedUrl: shop.feeds.products.csv,
      stockFeedUrl: shop.feeds.stock.csv,
      ordersFeedUrl: shop.feeds.orders.csv,
      stockUploadUrl: shop.stockUploadUrl,
      ...overrides,
    },
  }) as KawayClient;
}

async function failure(run: () => Promise<unknown>) {
  try {
    await run();
  } catch (error) {
    if (isConnectorError(error)) return error;
    throw error;
  }
  throw new Error('expected a ConnectorError');
}

describe('Kaway feeds against the emulator', () => {
  it('skips a feed that has not changed (ETag / If-None-Match, Last-Modified / If-Modified-Since)', async () => {
    const shop = newShop();
    const client = clientFor(shop);
    const first = await client.pullFeed('orders');
    if (first.status !== 'changed') throw new Error('expected a download');
    expect(first.result.items).toHaveLength(5);
    expect(first.etag).toMatch(/^"[\w-]+"$/);
    expect(first.lastModified).toMatch(/GMT$/);
    const requests = emulator.shop(shop.shop).stats.requests;

    expect((await client.pullFeed('orders', { etag: first.etag })).status).toBe('unchanged');
    expect((await client.pullFeed('orders', { lastModified: first.lastModified })).status).toBe('unchanged');
    expect(emulator.shop(shop.shop).stats.requests).toBe(requests + 2);

    emulator.generateOrders(shop.shop, 2);
    const changed = await client.pullFeed('orders', { etag: first.etag, lastModified: first.lastModified });
    expect(changed.status).toBe('changed');
    if (changed.status === 'changed') expect(changed.result.items).toHaveLength(7);
  });

  it('serves pages and repeated listings from one download while the feed is unchanged', async () => {
    const shop = newShop({ products: 20 });
    const client = clientFor(shop);
    const first = await client.listProducts?.({ limit: 5 });
    await client.listProducts?.({ cursor: first?.nextCursor, limit: 5 });
    expect(emulator.shop(shop.shop).stats.requests).toBe(1);
    await client.listProducts?.({ limit: 5 });
    expect(emulator.shop(shop.shop).stats.requests).toBe(2); // a conditional GET answered 304
  });

  it('reads basic-auth and open feeds, and refuses wrong credentials without echoing them', async () => {
    const basic = newShop({ auth: 'basic' });
    expect((await clientFor(basic).listProducts?.())?.items).toHaveLength(8);
    const open = newShop({ auth: 'none' });
    expect((await clientFor(open, {}, { type: 'none' }).listProducts?.())?.items).toHaveLength(8);

    const bearer = newShop({ auth: 'bearer' });
    const error = await failure(() => clientFor(bearer, {}, { type: 'bearer', token: 'kwy_wrong_secret_value' }).testConnection());
    expect(error.kind).toBe('auth');
    expect(error.upstreamStatus).toBe(401);
    expect(error.message).toMatch(/reconnect/);
    expect(error.message).not.toMatch(/kwy_wrong_secret_value/);
  });

  it('retries a download cut short (truncated transfer) and imports the whole file', async () => {
    const shop = newShop({ products: 12 });
    emulator.setFaults(shop.shop, { truncateFeeds: 2 });
    const products = await clientFor(shop).exportProducts?.();
    const all = [];
    for await (const product of products ?? []) all.push(product);
    expect(all).toHaveLength(12);
    expect(emulator.shop(shop.shop).faults.truncateFeeds).toBe(0);
  });

  it('reports a corrupt row with its row number; a partial import keeps the good rows', async () => {
    const shop = newShop({ products: 6 });
    emulator.setFaults(shop.shop, { corruptFeeds: 2 });
    const strict = await failure(() => clientFor(shop).pullFeed('stock'));
    expect(strict.kind).toBe('rejected');
    const stockRows = [...emulator.shop(shop.shop).products.values()].reduce((sum, p) => sum + p.variants.length, 0);
    const badRow = Math.floor(stockRows / 2) + 2; // the middle data row, after the header
    expect(strict.message).toContain(`row ${badRow}, quantity: quantity must be a whole number (0 or more) (got "12,9O")`);

    const partial = await clientFor(shop, { partialImport: true }).pullFeed('stock');
    if (partial.status !== 'changed') throw new Error('expected a download');
    expect(partial.result.items).toHaveLength(stockRows - 1);
    expect(partial.result.errors).toEqual([{ row: badRow, column: 'quantity', message: expect.stringContaining('whole number') }]);
  });

  it('round-trips the emulated catalog: feed -> import -> export -> import gives equal products and orders', async () => {
    const shop = newShop({ products: 15, orders: 10 });
    const client = clientFor(shop);
    for (const format of ['csv', 'json'] as const) {
      const products = await client.importFile('products', Buffer.from(await (await download(shop, 'products', format)).text()));
      const again = await client.importFile('products', client.exportFile('products', products.items, format).body);
      expect(again.items).toEqual(products.items);
      expect(products.items).toHaveLength(15);
      const orders = await client.importFile('orders', await download(shop, 'orders', format).then((r) => r.text()));
      expect((await client.importFile('orders', client.exportFile('orders', orders.items, format).body)).items).toEqual(orders.items);
    }
  });

  it('waits for the download window the host announces instead of being refused', async () => {
    const shop = emulator.createKawayShop({ platform: 'kaway', shop: `feeds-${++n}`, products: 3, orders: 2, rateLimit: 1, rateWindowSeconds: 1 });
    const signals: unknown[] = [];
    const client = kawayConnector.connect({
      credentials: shop.auth,
      config: { sellerId: shop.shop, productsFeedUrl: shop.feeds.products.csv, stockFeedUrl: shop.feeds.stock.csv, ordersFeedUrl: shop.feeds.orders.csv },
      signals: (signal) => signals.push(signal),
    }) as KawayClient;
    const started = Date.now();
    await client.pullFeed('products');
    await client.pullFeed('stock');
    await client.pullFeed('orders');
    expect(emulator.shop(shop.shop).stats.throttled).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1500);
    expect(signals).toContainEqual({ kind: 'calls', used: 1, limit: 1, resetMs: expect.any(Number) });
  });

  it("sends the credentials only to the feed URL's own origin, not after a redirect to another one", async () => {
    const seen: Array<string | undefined> = [];
    const target = createServer((request, response) => {
      seen.push(request.headers.authorization);
      response.writeHead(200, { 'content-type': 'text/csv' }).end('sku,quantity\r\nA,1\r\n');
    });
    const origin = createServer((request, response) => {
      seen.push(request.headers.authorization);
      response.writeHead(302, { location: `http://127.0.0.1:${(target.address() as AddressInfo).port}/cdn/stock.csv` }).end();
    });
    await Promise.all([
      new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve)),
      new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve)),
    ]);
    try {
      const client = kawayConnector.connect({
        credentials: { type: 'bearer', token: 'kwy_secret' },
        config: { sellerId: 'redirected', stockFeedUrl: `http://127.0.0.1:${(origin.address() as AddressInfo).port}/feeds/stock.csv` },
      }) as KawayClient;
      expect(await client.getInventory?.(['A'])).toEqual([{ inventoryItemId: 'A', sku: 'A', locationId: null, available: 1 }]);
      expect(seen).toEqual(['Bearer kwy_secret', undefined]);
    } finally {
      target.closeAllConnections();
      origin.closeAllConnections();
      await Promise.all([new Promise((resolve) => target.close(resolve)), new Promise((resolve) => origin.close(resolve))]);
    }
  });

  it('pushes stock as a file and verifies it by reading the stock feed back; without a drop URL it refuses', async () => {
    const shop = newShop({ products: 3 });
    const client = clientFor(shop, { uploadFormat: 'json' });
    const sku = [...emulator.shop(shop.shop).products.values()][0]?.variants[0]?.sku as string;
    expect(await client.setInventory?.([{ inventoryItemId: sku, available: 42 }])).toEqual([{ inventoryItemId: sku, sku, locationId: null, available: 42 }]);
    const unknown = await failure(async () => client.setInventory?.([{ inventoryItemId: 'NO-SUCH-SKU', available: 1 }]));
    expect(unknown.kind).toBe('rejected');
    expect(unknown.message).toMatch(/unknown sku/);
    const manual = await failure(async () => clientFor(shop, { stockUploadUrl: undefined }).setInventory?.([{ inventoryItemId: sku, available: 1 }]));
    expect(manual.message).toMatch(/no stock upload URL/);
  });
});

function download(shop: KawayShopCredentials, kind: 'products' | 'orders', format: 'csv' | 'json') {
  const headers: Record<string, string> =
    shop.auth.type === 'bearer'
      ? { authorization: `Bearer ${shop.auth.token}` }
      : shop.auth.type === 'basic'
        ? { authorization: `Basic ${Buffer.from(`${shop.auth.username}:${shop.auth.password}`).toString('base64')}` }
        : {};
  return fetch(shop.feeds[kind][format], { headers });
}
