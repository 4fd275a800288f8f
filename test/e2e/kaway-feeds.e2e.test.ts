import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../../src/emulator/emulator.ts';
import type { KawayShopCredentials } from '../../src/emulator/kaway/kaway-host.ts';
import { type ApiClient, signIn } from '../helpers/api-client.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

/** Kaway over HTTP: the SSRF refusal as a stable 400, watched feeds from an allowed origin, uploads and the stock export. */
describe('Kaway feed stores API', () => {
  let emulator: Emulator;
  let shop: KawayShopCredentials;
  let server: TestServer;
  let owner: ApiClient;

  beforeAll(async () => {
    emulator = createEmulator({ seed: 'kaway-e2e' });
    await emulator.listen(0, '127.0.0.1');
    shop = emulator.createKawayShop({ platform: 'kaway', shop: 'e2e-kaway', products: 4, orders: 2, auth: 'basic' });
    // Only the emulator's exact origin is allowed: `localhost` (another origin, also loopback) is not.
    server = await startTestServer({ env: { NEXO_FEED_ALLOWED_ORIGINS: new URL(emulator.url).origin } });
    owner = await signIn(server.url);
  });
  afterAll(async () => {
    await server?.destroy();
    await emulator?.close();
  });

  const config = (base: string) => ({
    sellerId: shop.shop,
    productsFeedUrl: shop.feeds.products.csv.replace(shop.baseUrl, base),
    stockFeedUrl: shop.feeds.stock.csv.replace(shop.baseUrl, base),
    ordersFeedUrl: shop.feeds.orders.csv.replace(shop.baseUrl, base),
  });

  it('refuses private feed URLs with 400 VALIDATION (reason private_address), connects the allowed origin and syncs it', async () => {
    const byName = shop.baseUrl.replace('127.0.0.1', 'localhost');
    const refused = await owner.json('POST', '/api/stores', { platform: 'kaway', name: 'Bad', connectorConfig: config(byName), credentials: shop.auth });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ code: 'VALIDATION', details: { reason: 'private_address', field: 'connectorConfig.productsFeedUrl' } });
    const metadata = await owner.json('POST', '/api/stores', {
      platform: 'kaway',
      name: 'Metadata',
      connectorConfig: { sellerId: 'x', stockUploadUrl: 'http://169.254.169.254/latest' },
      credentials: { type: 'none' },
    });
    expect(metadata.body).toMatchObject({ code: 'VALIDATION', details: { reason: 'private_address' } });

    const created = await owner.json<{ id: string; credentialFields: string[] }>('POST', '/api/stores', {
      platform: 'kaway',
      name: 'Watched',
      connectorConfig: config(shop.baseUrl),
      credentials: shop.auth,
    });
    expect(created.status).toBe(201);
    expect(JSON.stringify(created.body)).not.toContain((shop.auth as { password: string }).password);
    const test = await owner.json<{ ok: boolean }>('POST', `/api/stores/${created.body.id}/test`);
    expect(test.body.ok).toBe(true);
    const edited = await owner.json('PATCH', `/api/stores/${created.body.id}`, { connectorConfig: config(byName) });
    expect(edited.body).toMatchObject({ code: 'VALIDATION', details: { reason: 'private_address' } });
  });

  it('uploads files (400 with row-numbered errors for a bad one), downloads the stock file, and keeps other orgs and stores out', async () => {
    const store = (
      await owner.json<{ id: string }>('POST', '/api/stores', {
        platform: 'kaway',
        name: 'Uploads',
        externalId: 'uploads-only',
        connectorConfig: { sellerId: 'uploads-only' },
        credentials: { type: 'none' },
      })
    ).body;
    const header = 'sku,quantity\n';
    const bad = await owner.json('POST', `/api/stores/${store.id}/feeds/stock`, { content: `${header}A-1,3\nA-2,lots\n` });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'VALIDATION', details: { reason: 'invalid_rows', errors: [{ row: 3, column: 'quantity' }] } });
    const unknown = await owner.json('POST', `/api/stores/${store.id}/feeds/stock`, { content: `${header}A-1,3\n` });
    expect(unknown.body).toMatchObject({ code: 'VALIDATION', details: { reason: 'unknown_skus', unknownSkus: ['A-1'] } });

    const products = await (await fetch(shop.feeds.products.json, { headers: { authorization: basic(shop) } })).text();
    const imported = await owner.json<{ imported: number; format: string }>('POST', `/api/stores/${store.id}/feeds/products`, { content: products });
    expect(imported.status).toBe(200);
    expect(imported.body).toMatchObject({ imported: 4, format: 'json' });

    const exported = await owner.request('GET', `/api/stores/${store.id}/feeds/stock/export?format=csv`);
    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-type')).toMatch(/^text\/csv/);
    expect((await exported.text()).split('\n')[0]).toMatch(/^sku,quantity/);

    expect((await owner.json('POST', `/api/stores/${store.id}/feeds/prices`, { content: 'x' })).status).toBe(400);
    expect((await owner.json('POST', '/api/stores/01a21af6-b2e4-7004-8894-c6a304c182e1/feeds/stock', { content: header })).status).toBe(404);
    expect((await owner.json('POST', `/api/stores/${store.id}/feeds/stock`, { content: '' })).body).toMatchObject({ code: 'VALIDATION' });
  });
});

const basic = (shop: KawayShopCredentials) => {
  const auth = shop.auth as { username: string; password: string };
  return `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
};
