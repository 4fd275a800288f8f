import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator, type ShopCredentials } from '../../src/emulator/emulator.ts';
import { type ApiClient, signIn } from '../helpers/api-client.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

interface EventView {
  eventId: string;
  topic: string;
  resourceId: string | null;
  status: string;
}

/**
 * Shopee push notifications end to end: the emulated shop pushes order_status_push to
 * `POST /api/webhooks/shopee/:storeId`, signed HMAC-SHA256(partner_key, url|body) in `Authorization`; every
 * push delivered twice and each batch in reverse order, yet each is stored and processed once.
 */
describe('Shopee push notifications', () => {
  let emulator: Emulator;
  let server: TestServer;
  let owner: ApiClient;
  let shop: ShopCredentials;
  let storeId: string;
  let pushUrl: string;

  beforeAll(async () => {
    emulator = createEmulator({ seed: 'shopee-push-e2e', webhookBatchMs: 5 });
    await emulator.listen(0, '127.0.0.1');
    shop = emulator.createShop({ platform: 'shopee', shop: 'push-shopee', products: 4, orders: 1 });
    server = await startTestServer();
    owner = await signIn(server.url);
    const created = await owner.json<{ id: string }>('POST', '/api/stores', {
      platform: 'shopee',
      name: 'Shopee pushes',
      externalId: String(shop.shopId),
      connectorConfig: { apiBaseUrl: shop.baseUrl },
      credentials: {
        partnerId: shop.partnerId,
        partnerKey: shop.partnerKey,
        shopId: shop.shopId,
        accessToken: shop.accessToken,
        refreshToken: shop.refreshToken,
        expiresAt: shop.expiresAt,
      },
    });
    expect(created.status).toBe(201);
    storeId = created.body.id;
    pushUrl = `${server.url}/api/webhooks/shopee/${storeId}`;
    const set = await fetch(`${emulator.url}/_emulator/shops/${shop.shop}/notifications`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: pushUrl }),
    });
    expect(set.status).toBe(200);
  });
  afterAll(async () => {
    await server?.destroy();
    await emulator?.close();
  });

  const events = async () => (await owner.json<{ events: EventView[] }>('GET', `/api/stores/${storeId}/webhook-events`)).body.events;
  const deliver = (body: string, authorization?: string) =>
    fetch(pushUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...(authorization === undefined ? {} : { authorization }) }, body });
  const sign = (body: string, key = shop.partnerKey as string) => createHmac('sha256', key).update(`${pushUrl}|${body}`).digest('hex');

  it('stores and processes each order push once, though every push came twice and out of order', async () => {
    emulator.setFaults(shop.shop, { duplicateWebhookRate: 1, outOfOrderWebhooks: true });
    const created = emulator.generateOrders(shop.shop, 4);
    await emulator.drainWebhooks();
    expect(emulator.shop(shop.shop).stats).toMatchObject({ webhooksSent: created * 2, webhookFailures: 0 });
    const deadline = Date.now() + 20_000;
    let pushes: EventView[] = [];
    for (;;) {
      pushes = (await events()).filter((e) => e.topic === 'order_status_push');
      if (pushes.length === created && pushes.every((e) => e.status !== 'received')) break;
      if (Date.now() > deadline) throw new Error(`pushes not processed: ${JSON.stringify(pushes)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(new Set(pushes.map((e) => e.eventId)).size).toBe(created);
    expect(new Set(pushes.map((e) => e.resourceId)).size).toBe(created);
    expect(pushes.every((e) => e.status === 'processed')).toBe(true);
  });

  it('re-fetches the item an item push names, with the store own signed credentials', async () => {
    const product = [...emulator.shop(shop.shop).products.values()][0];
    const itemId = 800_000_000 + (product?.id ?? 0); // the emulator's item ids
    const body = JSON.stringify({ shop_id: shop.shopId, code: 6, timestamp: 1_700_000_100, data: { item_id: itemId, reason: 'test' } });
    const answer = await deliver(body, sign(body));
    expect(answer.status).toBe(200);
    const deadline = Date.now() + 20_000;
    for (;;) {
      const event = (
        await owner.json<{ events: Array<EventView & { result: Record<string, unknown> | null }> }>('GET', `/api/stores/${storeId}/webhook-events`)
      ).body.events.find((e) => e.topic === 'banned_item_push');
      if (event && event.status !== 'received') {
        expect(event.status).toBe('processed');
        expect(event.result).toMatchObject({ synced: { product: { channelId: String(itemId), title: product?.title } } });
        break;
      }
      if (Date.now() > deadline) throw new Error(`item push not processed: ${JSON.stringify(event)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  });

  it('answers a redelivery with duplicate: true', async () => {
    const body = JSON.stringify({ shop_id: shop.shopId, code: 3, timestamp: 1_700_000_000, data: { ordersn: '231114ABCDEFGH', status: 'SHIPPED' } });
    const first = await deliver(body, sign(body));
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ received: true, duplicate: false });
    const again = await deliver(body, sign(body));
    expect(await again.json()).toMatchObject({ received: true, duplicate: true });
  });

  it('refuses a one-bit change, a wrong key, a missing or wrong-length signature with 401 (never 500), and another shop with 404', async () => {
    const body = JSON.stringify({ shop_id: shop.shopId, code: 3, timestamp: 1_700_000_001, data: { ordersn: '231114ZZZZZZZZ', status: 'SHIPPED' } });
    const good = sign(body);
    const before = (await events()).length;
    for (const bit of [0, 100, 255]) {
      const bytes = Buffer.from(good, 'hex');
      bytes[bit >> 3] = (bytes[bit >> 3] as number) ^ (1 << (bit & 7));
      expect((await deliver(body, bytes.toString('hex'))).status).toBe(401);
    }
    expect((await deliver(body.replace('SHIPPED', 'SHIPPEE'), good)).status).toBe(401);
    expect((await deliver(body, sign(body, 'another-partner-key'))).status).toBe(401);
    const missing = await deliver(body);
    expect(missing.status).toBe(401);
    expect(await missing.json()).toMatchObject({ code: 'UNAUTHORIZED' });
    expect((await deliver(body, good.slice(0, 40))).status).toBe(401);
    expect((await deliver(body, `${good}00`)).status).toBe(401);
    const foreign = JSON.stringify({ shop_id: 999, code: 3, timestamp: 1_700_000_002, data: { ordersn: '231114YYYYYYYY' } });
    expect((await deliver(foreign, sign(foreign))).status).toBe(404);
    expect((await events()).length).toBe(before);
  });
});
