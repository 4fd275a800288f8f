import { createHmac, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator, type ShopCredentials } from '../../src/emulator/emulator.ts';
import { type ApiClient, signIn } from '../helpers/api-client.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

interface EventView {
  eventId: string;
  topic: string;
  status: string;
  result: Record<string, unknown> | null;
  processedAt: string | null;
}

/**
 * Inbound webhooks end to end: Shopify's X-Shopify-Hmac-Sha256 over the raw bytes, several secrets during a
 * rotation, deduplication on X-Shopify-Webhook-Id, and the webhooks.process job re-fetching the product
 * from the emulated shop with the store's own token.
 */
describe('inbound webhooks', () => {
  let emulator: Emulator;
  let server: TestServer;
  let owner: ApiClient;
  let shop: ShopCredentials;
  let storeId: string;
  let productGid: string;
  const appSecret = 'shpss_webhooks_e2e_app_secret_00001';
  const storeSecrets = ['whsec_new_store_secret_0001', 'whsec_old_store_secret_0001'];

  beforeAll(async () => {
    emulator = createEmulator({ seed: 'webhooks-e2e' });
    await emulator.listen(0, '127.0.0.1');
    shop = emulator.createShop({ platform: 'shopify', shop: 'hooks.myshopify.com', products: 3, orders: 1 });
    const first = [...emulator.shop(shop.shop).products.values()][0];
    productGid = `gid://shopify/Product/${first?.id}`;
    server = await startTestServer({ env: { SHOPIFY_CLIENT_ID: 'app', SHOPIFY_CLIENT_SECRET: appSecret } });
    owner = await signIn(server.url);
    const created = await owner.json<{ id: string }>('POST', '/api/stores', {
      platform: 'shopify',
      name: 'Hooks',
      externalId: shop.shop,
      connectorConfig: { shop: shop.shop, apiBaseUrl: shop.baseUrl },
      credentials: { accessToken: shop.accessToken },
      webhookSecrets: storeSecrets,
    });
    expect(created.status).toBe(201);
    storeId = created.body.id;
  });
  afterAll(async () => {
    await server?.destroy();
    await emulator?.close();
  });

  const sign = (body: string, secret: string) => createHmac('sha256', secret).update(body).digest('base64');
  const deliver = (body: string, headers: Record<string, string>, path = `/api/webhooks/shopify/${storeId}`) =>
    fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const shopifyHeaders = (body: string, secret: string, webhookId: string, shopDomain = shop.shop) => ({
    'x-shopify-topic': 'products/update',
    'x-shopify-hmac-sha256': sign(body, secret),
    'x-shopify-shop-domain': shopDomain,
    'x-shopify-webhook-id': webhookId,
    'x-shopify-api-version': '2025-01',
  });
  const events = async () => (await owner.json<{ events: EventView[] }>('GET', `/api/stores/${storeId}/webhook-events`)).body.events;
  async function processed(webhookId: string): Promise<EventView> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const event = (await events()).find((e) => e.eventId === webhookId);
      if (event && event.status !== 'received') return event;
      if (Date.now() > deadline) throw new Error(`event ${webhookId} not processed: ${JSON.stringify(event)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  it('accepts a valid signature (byte-exact body), processes it once by re-fetching the product, and dedupes a redelivery', async () => {
    // Spacing and key order a JSON re-serialisation would change: the signature is over these exact bytes.
    const body = `{ "admin_graphql_api_id" : "${productGid}",  "title":"ignored — hint only" }`;
    const webhookId = randomUUID();
    const first = await deliver(body, shopifyHeaders(body, appSecret, webhookId));
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ received: true, eventId: webhookId, duplicate: false });

    const event = await processed(webhookId);
    expect(event.status).toBe('processed');
    expect(event.result).toMatchObject({ topic: 'products/update', synced: { product: { channelId: productGid } } });

    const again = await deliver(body, shopifyHeaders(body, appSecret, webhookId));
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ duplicate: true });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const same = (await events()).filter((e) => e.eventId === webhookId);
    expect(same).toHaveLength(1);
    expect(same[0]?.processedAt).toBe(event.processedAt);
  });

  it("accepts the store's secrets during a rotation (new and old)", async () => {
    for (const secret of storeSecrets) {
      const body = JSON.stringify({ id: 42, note: secret.slice(0, 9) });
      const response = await deliver(body, shopifyHeaders(body, secret, randomUUID()));
      expect(response.status).toBe(200);
    }
  });

  it('refuses a one-bit change, a missing or wrong-length signature, with 401 (never 500), storing nothing', async () => {
    const body = JSON.stringify({ admin_graphql_api_id: productGid });
    const before = (await events()).length;
    const good = shopifyHeaders(body, appSecret, randomUUID());
    const bytes = Buffer.from(good['x-shopify-hmac-sha256'], 'base64');
    for (const bit of [0, 77, 255]) {
      const flipped = Buffer.from(bytes);
      flipped[bit >> 3] = (flipped[bit >> 3] as number) ^ (1 << (bit & 7));
      expect((await deliver(body, { ...good, 'x-shopify-hmac-sha256': flipped.toString('base64') })).status).toBe(401);
    }
    // One bit of the body changed under a good signature.
    expect((await deliver(body.replace('P', 'Q'), good)).status).toBe(401);
    const { 'x-shopify-hmac-sha256': _omit, ...unsigned } = good;
    const missing = await deliver(body, unsigned);
    expect(missing.status).toBe(401);
    expect(await missing.json()).toMatchObject({ code: 'UNAUTHORIZED' });
    expect((await deliver(body, { ...good, 'x-shopify-hmac-sha256': 'c2hvcnQ=' })).status).toBe(401);
    expect((await deliver(body, { ...good, 'x-shopify-hmac-sha256': `${good['x-shopify-hmac-sha256']}AAAA` })).status).toBe(401);
    expect((await deliver(body, { ...good, 'x-shopify-hmac-sha256': sign(body, 'some-other-secret') })).status).toBe(401);
    expect((await events()).length).toBe(before);
  });

  it('answers 404 for an unknown store, a non-id, another platform, and a delivery about another shop (another store or org)', async () => {
    const body = JSON.stringify({ id: 1 });
    const headers = shopifyHeaders(body, appSecret, randomUUID());
    expect((await deliver(body, headers, `/api/webhooks/shopify/${randomUUID()}`)).status).toBe(404);
    expect((await deliver(body, headers, '/api/webhooks/shopify/not-a-store')).status).toBe(404);
    expect((await deliver(body, headers, `/api/webhooks/mercadolivre/${storeId}`)).status).toBe(404);
    // Signed with the app secret every install shares, but about a shop that is not this store's.
    const foreign = shopifyHeaders(body, appSecret, randomUUID(), 'someone-else.myshopify.com');
    expect((await deliver(body, foreign)).status).toBe(404);
  });
});
