import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tiktokShopConnector } from '../../src/connectors/tiktokshop/tiktokshop.connector.ts';
import { createEmulator, type Emulator, type ShopCredentials } from '../../src/emulator/emulator.ts';
import { type ApiClient, signIn } from '../helpers/api-client.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

interface EventView {
  eventId: string;
  topic: string;
  resourceId: string | null;
  status: string;
  result: Record<string, unknown> | null;
  processedAt: string | null;
}

/**
 * TikTok Shop webhooks end to end: the emulated shop, subscribed through the connector, posts signed
 * ORDER_STATUS_CHANGE notifications (duplicated and newest first) to POST /api/webhooks/tiktokshop/:storeId;
 * each one is answered well within TikTok's 3 s, verified with the store's own app key and secret, stored once
 * per tts_notification_id and processed once by the webhooks.process job.
 */
describe('TikTok Shop inbound webhooks', () => {
  let emulator: Emulator;
  let server: TestServer;
  let owner: ApiClient;
  let shop: ShopCredentials;
  let storeId: string;

  beforeAll(async () => {
    emulator = createEmulator({ seed: 'tts-webhooks-e2e', webhookBatchMs: 5 });
    await emulator.listen(0, '127.0.0.1');
    shop = emulator.createShop({ platform: 'tiktokshop', shop: 'hooks-tts', products: 4, orders: 2 });
    server = await startTestServer();
    owner = await signIn(server.url);
    const created = await owner.json<{ id: string }>('POST', '/api/stores', {
      platform: 'tiktokshop',
      name: 'TikTok hooks',
      externalId: shop.shopId,
      connectorConfig: { apiBaseUrl: shop.baseUrl, authBaseUrl: shop.baseUrl },
      credentials: { appKey: shop.clientId, appSecret: shop.clientSecret, accessToken: shop.accessToken, refreshToken: shop.refreshToken },
    });
    expect(created.status).toBe(201);
    storeId = created.body.id;
  });
  afterAll(async () => {
    await server?.destroy();
    await emulator?.close();
  });

  const route = () => `${server.url}/api/webhooks/tiktokshop/${storeId}`;
  const events = async () => (await owner.json<{ events: EventView[] }>('GET', `/api/stores/${storeId}/webhook-events`)).body.events;
  const sign = (body: string, appKey = shop.clientId, appSecret = shop.clientSecret) =>
    createHmac('sha256', appSecret)
      .update(appKey + body)
      .digest('hex');

  it('receives duplicated, out-of-order notifications from the emulated shop and processes each one once', async () => {
    const client = tiktokShopConnector.connect({
      credentials: { appKey: shop.clientId, appSecret: shop.clientSecret, accessToken: shop.accessToken, refreshToken: String(shop.refreshToken) },
      config: { apiBaseUrl: shop.baseUrl, authBaseUrl: shop.baseUrl },
    });
    await client.subscribeWebhooks?.(route(), ['ORDER_STATUS_CHANGE', 'PRODUCT_STATUS_CHANGE']);
    emulator.setFaults(shop.shop, { duplicateWebhookRate: 1, outOfOrderWebhooks: true });
    expect(emulator.generateOrders(shop.shop, 3)).toBe(3);
    await emulator.drainWebhooks();
    const stats = emulator.shop(shop.shop).stats;
    expect(stats.webhooksSent).toBe(6);
    expect(stats.webhookFailures).toBe(0);
    const deadline = Date.now() + 20_000;
    let list: EventView[] = [];
    while (Date.now() < deadline) {
      list = await events();
      if (list.length === 3 && list.every((e) => e.status !== 'received')) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(list).toHaveLength(3);
    for (const event of list) {
      expect(event).toMatchObject({ topic: 'ORDER_STATUS_CHANGE', status: 'processed' });
      expect(event.resourceId).toMatch(/^\d{19}$/);
    }
  });

  it('lists TikTok Shop in GET /api/connectors with its honest matrix', async () => {
    const { body } = await owner.json<{ connectors: Array<{ id: string; auth: { type: string }; capabilities: Record<string, { level: string }> }> }>(
      'GET',
      '/api/connectors',
    );
    const tiktok = body.connectors.find((c) => c.id === 'tiktokshop');
    expect(tiktok?.auth.type).toBe('oauth2');
    expect(tiktok?.capabilities.list_products?.level).toBe('native');
    expect(tiktok?.capabilities.bulk_operations?.level).toBe('workaround');
    expect(tiktok?.capabilities.real_time_inventory?.level).toBe('unsupported');
    expect(tiktok?.capabilities.fulfill_order?.level).toBe('unsupported');
  });

  it('answers well within 3 s, 200 then duplicate on a redelivery, 401 for a one-bit change, 404 for another shop', async () => {
    const body = JSON.stringify({
      type: 1,
      tts_notification_id: '7327112393057371910',
      shop_id: shop.shopId,
      timestamp: 1644412885,
      data: { order_id: '5764000000000000999', order_status: 'AWAITING_SHIPMENT', update_time: 1644412885 },
    });
    const post = (text: string, authorization: string) =>
      fetch(route(), { method: 'POST', headers: { 'content-type': 'application/json', authorization }, body: text });
    const started = performance.now();
    const first = await post(body, sign(body));
    const elapsed = performance.now() - started;
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ received: true, eventId: '7327112393057371910', duplicate: false });
    expect(elapsed).toBeLessThan(1000);
    expect(await (await post(body, sign(body))).json()).toMatchObject({ duplicate: true });
    const good = sign(body);
    const flipped = good.slice(0, 10) + (good[10] === 'a' ? 'b' : 'a') + good.slice(11);
    expect((await post(body, flipped)).status).toBe(401);
    expect((await post(body.replace('AWAITING', 'AWAITINH'), good)).status).toBe(401);
    expect((await post(body, sign(body, shop.clientId, 'another-secret'))).status).toBe(401);
    expect((await post(body, '')).status).toBe(401);
    const foreign = body.replace(String(shop.shopId), '7494000000000000001');
    expect((await post(foreign, sign(foreign))).status).toBe(404);
  });
});
