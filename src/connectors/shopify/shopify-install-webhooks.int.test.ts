import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator, type ShopCredentials } from '../../emulator/emulator.ts';
import { isConnectorError } from '../sdk/connector-error.ts';
import { must } from '../sdk/contract-suite.ts';
import { shopifyConnector } from './shopify.connector.ts';
import { readWebhookHeaders, verifyWebhookHmac } from './webhooks.ts';

const SHOP = 'install.myshopify.com';
const REDIRECT = 'https://nexo.example/api/stores/oauth/shopify/callback';

describe('Shopify install (OAuth authorization code) against the emulator', () => {
  let emulator: Emulator;
  let creds: ShopCredentials;
  const config = () => ({ shop: SHOP, apiBaseUrl: creds.baseUrl });

  beforeAll(async () => {
    emulator = createEmulator({ seed: 'install' });
    await emulator.listen(0);
    creds = emulator.createShop({ platform: 'shopify', shop: SHOP, products: 3, orders: 1 });
  });
  afterAll(() => emulator.close());

  /** Follows the authorize URL like a browser would, up to the redirect back to Nexo. */
  async function authorize(state: string): Promise<Record<string, string>> {
    if (shopifyConnector.auth.type !== 'oauth2') throw new Error('oauth2 expected');
    const url = shopifyConnector.auth.authorizeUrl({ config: config(), clientId: creds.clientId, redirectUri: REDIRECT, state });
    expect(new URL(url).pathname).toBe(`/shopify/${SHOP}/admin/oauth/authorize`);
    const res = await fetch(url, { redirect: 'manual' });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location') as string);
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
    return Object.fromEntries(location.searchParams);
  }

  const complete = (query: Record<string, string>, expectedState: string) => {
    if (shopifyConnector.auth.type !== 'oauth2') throw new Error('oauth2 expected');
    return shopifyConnector.auth.completeAuthorization({
      config: config(),
      query,
      clientId: creds.clientId,
      clientSecret: creds.clientSecret,
      expectedState,
      redirectUri: REDIRECT,
    });
  };

  it('installs: signed callback verified, code exchanged, the token works', async () => {
    const query = await authorize('state-123');
    expect(Object.keys(query).sort()).toEqual(['code', 'hmac', 'host', 'shop', 'state', 'timestamp']);
    const credentials = await complete(query, 'state-123');
    expect(credentials.accessToken).toMatch(/^shpat_[0-9a-f]{32}$/);
    const client = shopifyConnector.connect({ credentials, config: config() });
    expect((await client.testConnection()).externalId).toBe(SHOP);
    // A code works once.
    await expect(complete(query, 'state-123')).rejects.toMatchObject({ kind: 'rejected', upstreamStatus: 400 });
  });

  it('refuses a tampered callback, a wrong state, another shop and a stale timestamp', async () => {
    const query = await authorize('state-456');
    await expect(complete({ ...query, code: `${query.code}x` }, 'state-456')).rejects.toThrow(/bad hmac/);
    await expect(complete(query, 'state-999')).rejects.toThrow(/state does not match/);
    await expect(complete({ ...query, hmac: '' }, 'state-456')).rejects.toThrow(/bad hmac/);
    const error = await complete({ ...query, shop: 'other.myshopify.com' }, 'state-456').catch((e) => e);
    expect(isConnectorError(error) && error.kind === 'auth').toBe(true);
    expect(error.message).toMatch(/bad hmac/); // the shop is signed: changing it breaks the hmac first
  });
});

describe('Shopify webhooks from the emulator', () => {
  let emulator: Emulator;
  let creds: ShopCredentials;
  let receiver: Server;
  let receiverUrl: string;
  const received: Array<{ headers: Record<string, string | string[] | undefined>; body: Buffer }> = [];

  beforeAll(async () => {
    emulator = createEmulator({ seed: 'hooks', webhookBatchMs: 5 });
    await emulator.listen(0);
    creds = emulator.createShop({ platform: 'shopify', shop: 'hooks.myshopify.com', products: 10, orders: 0 });
    receiver = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk) => chunks.push(chunk));
      request.on('end', () => {
        received.push({ headers: request.headers, body: Buffer.concat(chunks) });
        response.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/api/webhooks/shopify/store-1`;
  });
  afterAll(async () => {
    await emulator.close();
    receiver.closeAllConnections();
    await new Promise((resolve) => receiver.close(resolve));
  });

  it('subscribes through the connector and receives orders/create signed with the app secret', async () => {
    const client = shopifyConnector.connect({ credentials: { accessToken: creds.accessToken }, config: { shop: creds.shop, apiBaseUrl: creds.baseUrl } });
    const subscribe = must(client.subscribeWebhooks, 'subscribeWebhooks').bind(client);
    const subscribed = await subscribe(receiverUrl, ['orders/create', 'inventory_levels/update']);
    expect(subscribed.map((s) => s.topic)).toEqual(['orders/create', 'inventory_levels/update']);
    expect(await subscribe(receiverUrl, ['orders/create'])).toEqual([{ topic: 'orders/create', id: 'existing' }]);

    expect(emulator.generateOrders(creds.shop, 3)).toBe(3);
    await emulator.drainWebhooks();
    const orders = received.filter((r) => r.headers['x-shopify-topic'] === 'orders/create');
    expect(orders).toHaveLength(3);
    for (const delivery of orders) {
      expect(verifyWebhookHmac(delivery.body, delivery.headers['x-shopify-hmac-sha256'] as string, [creds.clientSecret])).toBe(true);
      expect(verifyWebhookHmac(delivery.body, delivery.headers['x-shopify-hmac-sha256'] as string, ['wrong'])).toBe(false);
      expect(readWebhookHeaders(delivery.headers)).toMatchObject({ topic: 'orders/create', shopDomain: creds.shop });
      const order = JSON.parse(delivery.body.toString());
      expect(order.line_items.length).toBeGreaterThan(0);
    }
    // Inventory writes announce themselves too (real-time inventory).
    const product = must((await must(client.listProducts, 'listProducts').call(client, { limit: 1 })).items[0], 'a product');
    received.length = 0;
    const inventoryItemId = must(product.variants[0]?.inventoryItemId, 'an inventory item');
    await must(client.setInventory, 'setInventory').call(client, [{ inventoryItemId, available: 42 }]);
    await emulator.drainWebhooks();
    expect(received.map((r) => JSON.parse(r.body.toString()).available)).toEqual([42]);
  });

  it('duplicates and reorders deliveries when told to', async () => {
    received.length = 0;
    emulator.setFaults(creds.shop, { duplicateWebhookRate: 1, outOfOrderWebhooks: true });
    emulator.generateOrders(creds.shop, 3);
    await emulator.drainWebhooks();
    const orders = received.filter((r) => r.headers['x-shopify-topic'] === 'orders/create');
    expect(orders).toHaveLength(6);
    const ids = orders.map((r) => r.headers['x-shopify-webhook-id']);
    expect(new Set(ids).size).toBe(3);
    const numbers = orders.map((r) => JSON.parse(r.body.toString()).order_number as number);
    expect(numbers).toEqual([...numbers].sort((a, b) => b - a)); // newest first
  });
});
