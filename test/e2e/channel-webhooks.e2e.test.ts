import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator, type ShopCredentials } from '../../src/emulator/emulator.ts';
import { type ApiClient, signIn } from '../helpers/api-client.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { freePort } from '../helpers/throwaway-postgres.ts';

interface EventView {
  eventId: string;
  topic: string;
  status: string;
  result: Record<string, unknown> | null;
}
interface StoreView {
  id: string;
  externalId: string | null;
  health: { webhooks?: { status: string; callbackUrl?: string | null } };
}

const ML_APP_ID = '7162534890';
const ML_APP_SECRET = 'ml-e2e-app-secret-0001';
const SHOPIFY_SECRET = 'shpss_channel_webhooks_e2e_0001';
const ANONYMOUS_LIMIT = 10;

/**
 * Channel webhooks end to end, the server reachable at NEXO_PUBLIC_URL: a Shopify store connected by key entry
 * is subscribed to its topics by a job and the emulator's signed order webhooks land as orders (one order
 * re-fetched per webhook); a burst of signed webhooks above the per-IP limit is accepted; a Mercado Livre seller
 * connected by OAuth gets its orders from the emulator's unsigned notifications posted to the app-wide URL.
 */
describe('channel webhooks and notifications', () => {
  let emulator: Emulator;
  let server: TestServer;
  let owner: ApiClient;
  let shop: ShopCredentials;
  let seller: ShopCredentials;
  let shopifyStoreId: string;

  beforeAll(async () => {
    emulator = createEmulator({ seed: 'channel-webhooks-e2e', webhookBatchMs: 5 });
    await emulator.listen(0, '127.0.0.1');
    shop = emulator.createShop({
      platform: 'shopify',
      shop: 'hooked.myshopify.com',
      products: 3,
      orders: 0,
      clientId: 'shopify-app',
      clientSecret: SHOPIFY_SECRET,
    });
    seller = emulator.createShop({ platform: 'mercadolivre', shop: 'hooked-seller', products: 3, orders: 1, clientId: ML_APP_ID, clientSecret: ML_APP_SECRET });
    const port = await freePort();
    server = await startTestServer({
      env: {
        PORT: String(port),
        NEXO_PUBLIC_URL: `http://127.0.0.1:${port}`,
        NEXO_RATE_LIMIT_ANONYMOUS_PER_MINUTE: String(ANONYMOUS_LIMIT),
        SHOPIFY_CLIENT_ID: 'shopify-app',
        SHOPIFY_CLIENT_SECRET: SHOPIFY_SECRET,
        MERCADOLIVRE_CLIENT_ID: ML_APP_ID,
        MERCADOLIVRE_CLIENT_SECRET: ML_APP_SECRET,
        MERCADOLIVRE_API_BASE_URL: seller.baseUrl,
        MERCADOLIVRE_AUTH_BASE_URL: seller.baseUrl,
      },
    });
    owner = await signIn(server.url);
  });
  afterAll(async () => {
    await server?.destroy();
    await emulator?.close();
  });

  const store = async (id: string) => (await owner.json<StoreView>('GET', `/api/stores/${id}`)).body;
  async function until<T>(what: string, read: () => Promise<T>, ok: (value: T) => boolean): Promise<T> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const value = await read();
      if (ok(value)) return value;
      if (Date.now() > deadline) throw new Error(`${what}: ${JSON.stringify(value)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  const processedEvents = (storeId: string, topic: string, count: number) =>
    until(
      `${count} processed ${topic} events`,
      async () => (await owner.json<{ events: EventView[] }>('GET', `/api/stores/${storeId}/webhook-events`)).body.events.filter((e) => e.topic === topic),
      (events) => events.length >= count && events.every((e) => e.status !== 'received'),
    );

  it("subscribes a Shopify store on connect at NEXO_PUBLIC_URL; the emulator's order webhooks become orders", async () => {
    const created = await owner.json<StoreView>('POST', '/api/stores', {
      platform: 'shopify',
      name: 'Hooked',
      externalId: shop.shop,
      connectorConfig: { shop: shop.shop, apiBaseUrl: shop.baseUrl },
      credentials: { accessToken: shop.accessToken },
    });
    expect(created.status).toBe(201);
    shopifyStoreId = created.body.id;
    const callbackUrl = `${server.url}/api/webhooks/shopify/${shopifyStoreId}`;
    const subscribed = await until(
      'webhooks subscribed',
      () => store(shopifyStoreId),
      (s) => s.health.webhooks?.status === 'subscribed',
    );
    expect(subscribed.health.webhooks?.callbackUrl).toBe(callbackUrl);
    expect(
      emulator
        .shop(shop.shop)
        .webhooks.map((w) => w.topic)
        .sort(),
    ).toEqual(['app/uninstalled', 'inventory_levels/update', 'orders/create', 'orders/updated', 'products/update'].sort());

    emulator.setFaults(shop.shop, { duplicateWebhookRate: 1, outOfOrderWebhooks: true });
    emulator.generateOrders(shop.shop, 2);
    await emulator.drainWebhooks();
    const events = await processedEvents(shopifyStoreId, 'orders/create', 2);
    expect(events).toHaveLength(2);
    for (const event of events) {
      expect(event.status).toBe('processed');
      expect(event.result).toMatchObject({ synced: { order: { channelId: expect.stringMatching(/^gid:\/\/shopify\/Order\/\d+$/) } } });
    }
    expect(emulator.shop(shop.shop).stats.webhookFailures).toBe(0);
  });

  it('accepts a burst of signed webhooks far above the per-IP limit, while other anonymous routes stay limited', async () => {
    const burst = ANONYMOUS_LIMIT * 3;
    const responses = await Promise.all(
      Array.from({ length: burst }, async (_, i) => {
        const body = JSON.stringify({ id: 990_000 + i });
        const response = await fetch(`${server.url}/api/webhooks/shopify/${shopifyStoreId}`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-shopify-topic': 'products/update',
            'x-shopify-hmac-sha256': createHmac('sha256', SHOPIFY_SECRET).update(body).digest('base64'),
            'x-shopify-shop-domain': shop.shop,
            'x-shopify-webhook-id': randomUUID(),
          },
          body,
        });
        return response.status;
      }),
    );
    expect(responses).toEqual(Array(burst).fill(200));
    // A bad signature is still refused first (no exemption from verification).
    const forged = await fetch(`${server.url}/api/webhooks/shopify/${shopifyStoreId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-shopify-hmac-sha256': 'A'.repeat(43).concat('='), 'x-shopify-topic': 'products/update' },
      body: '{}',
    });
    expect(forged.status).toBe(401);
    // The general per-IP limit still applies to the other anonymous routes.
    const statuses: number[] = [];
    for (let i = 0; i <= ANONYMOUS_LIMIT; i++) statuses.push((await fetch(`${server.url}/api/invitations/${randomBytes(24).toString('hex')}`)).status);
    expect(statuses).toContain(429);
  });

  it('connects a Mercado Livre seller by OAuth and turns its app-wide notifications into orders', async () => {
    const start = await fetch(`${server.url}/api/stores/oauth/mercadolivre/start?name=ML%20Hooked`, { headers: { cookie: owner.cookie }, redirect: 'manual' });
    expect(start.status).toBe(302);
    const authorize = new URL(start.headers.get('location') as string);
    expect(authorize.origin + authorize.pathname).toBe(`${seller.baseUrl}/authorization`);
    expect(authorize.searchParams.get('redirect_uri')).toBe(`${server.url}/api/stores/oauth/mercadolivre/callback`);
    const approved = await fetch(authorize, { redirect: 'manual' });
    const callback = new URL(approved.headers.get('location') as string);
    const done = await fetch(`${server.url}${callback.pathname}${callback.search}`, { headers: { cookie: owner.cookie }, redirect: 'manual' });
    const connected = /^\/stores\?connected=([0-9a-f-]{36})$/.exec(done.headers.get('location') ?? '');
    expect(connected, done.headers.get('location') ?? '').not.toBeNull();
    const storeId = connected?.[1] as string;
    const view = await until(
      'the notification note',
      () => store(storeId),
      (s) => s.health.webhooks?.status === 'application',
    );
    expect(view.externalId).toBe(seller.userId);
    const notificationsUrl = `${server.url}/api/webhooks/mercadolivre`;
    expect(view.health.webhooks?.callbackUrl).toBe(notificationsUrl);
    expect(JSON.stringify(view)).not.toMatch(/APP_USR|TG-/);

    // What the operator sets in ML's DevCenter: the application's notifications URL.
    const control = await fetch(`${emulator.url}/_emulator/shops/${seller.shop}/notifications`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: notificationsUrl }),
    });
    expect(control.status).toBe(200);
    emulator.generateOrders(seller.shop, 2);
    await emulator.drainWebhooks();
    const events = await processedEvents(storeId, 'orders_v2', 2);
    for (const event of events) expect(event.result).toMatchObject({ synced: { order: { channelId: expect.stringMatching(/^\d+$/) } } });
    expect(emulator.shop(seller.shop).stats.webhookFailures).toBe(0);

    const notify = (body: unknown) =>
      fetch(notificationsUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
    const stranger = await notify({
      _id: randomUUID(),
      resource: '/orders/1',
      user_id: 123,
      topic: 'orders_v2',
      application_id: Number(ML_APP_ID),
      attempts: 1,
      sent: new Date().toISOString(),
      received: new Date().toISOString(),
    });
    expect(stranger.status).toBe(200);
    // Ignored (logged), with the same answer as a stored one: nothing tells the caller which sellers are connected.
    expect(await stranger.json()).toEqual({ received: true });
    const malformed = await notify('{"resource":');
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ code: 'VALIDATION' });
  });
});
