import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hmacSha256 } from '../../lib/crypto.ts';
import { createEmulator, type Emulator, type ShopCredentials } from '../emulator.ts';

/**
 * The emulated TikTok Shop API spoken to directly (raw HTTP, signed here from the documentation), so that what
 * the emulator refuses is checked without the connector: bad and stale signatures, tokens, shop cipher, 429s.
 */
describe('TikTok Shop emulator', () => {
  let emulator: Emulator;
  let shop: ShopCredentials;

  beforeAll(async () => {
    emulator = createEmulator({ seed: 'tts-emu' });
    await emulator.listen(0);
    shop = emulator.createShop({ platform: 'tiktokshop', shop: 'emu-tts', products: 12, orders: 4 });
  });
  afterAll(() => emulator.close());

  const call = async (
    path: string,
    options: {
      query?: Record<string, string>;
      body?: string;
      sent?: string;
      method?: string;
      token?: string;
      sign?: (sign: string) => string;
      timestamp?: number;
    } = {},
  ) => {
    const query: Record<string, string> = { app_key: shop.clientId, timestamp: String(options.timestamp ?? Math.floor(Date.now() / 1000)), ...options.query };
    const base = Object.keys(query)
      .sort()
      .reduce((text, key) => text + key + query[key], path);
    const sign = hmacSha256(shop.clientSecret, shop.clientSecret + base + (options.body ?? '') + shop.clientSecret).toString('hex');
    const url = new URL(`${shop.baseUrl}${path}`);
    for (const [key, value] of Object.entries({ ...query, sign: options.sign ? options.sign(sign) : sign })) url.searchParams.set(key, value);
    const response = await fetch(url, {
      method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
      headers: { 'x-tts-access-token': options.token ?? shop.accessToken, 'content-type': 'application/json' },
      body: options.sent ?? options.body,
    });
    return { status: response.status, body: (await response.json()) as { code: number; message: string; data: Record<string, unknown> } };
  };

  it('answers a correctly signed call in the documented envelope', async () => {
    const answer = await call('/authorization/202309/shops');
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ code: 0, data: { shops: [{ id: shop.shopId, cipher: shop.shopCipher, region: 'BR' }] } });
  });

  it('rejects a one-bit change of the sign with 106001, a stale or future timestamp with 36009004, an unknown token with 105001', async () => {
    const flipped = await call('/authorization/202309/shops', { sign: (s) => s.slice(0, -1) + (s.endsWith('0') ? '1' : '0') });
    expect(flipped).toMatchObject({ status: 401, body: { code: 106001 } });
    const stale = await call('/authorization/202309/shops', { timestamp: Math.floor(Date.now() / 1000) - 301 });
    expect(stale).toMatchObject({ status: 401, body: { code: 36009004 } });
    const future = await call('/authorization/202309/shops', { timestamp: Math.floor(Date.now() / 1000) + 60 });
    expect(future.body.code).toBe(36009004);
    const body = await call('/product/202309/products/search', { query: { page_size: '5', shop_cipher: String(shop.shopCipher) }, body: '{}' });
    expect(body.body.code).toBe(0);
    const tampered = await call('/product/202309/products/search', {
      query: { page_size: '5', shop_cipher: String(shop.shopCipher) },
      body: '{}',
      sent: '{ }',
    });
    expect(tampered).toMatchObject({ status: 401, body: { code: 106001 } });
    expect((await call('/authorization/202309/shops', { token: 'ROW_unknown' })).body.code).toBe(105001);
    expect((await call('/product/202309/products/search', { query: { page_size: '5' }, body: '{}' })).body.code).toBe(106013);
  });

  it('pages products with opaque page tokens and refuses page sizes above 100', async () => {
    const seen = new Set<string>();
    let token = '';
    do {
      const page = await call('/product/202309/products/search', {
        query: { page_size: '5', shop_cipher: String(shop.shopCipher), ...(token ? { page_token: token } : {}) },
        body: '{}',
      });
      for (const product of page.body.data.products as Array<{ id: string }>) seen.add(product.id);
      token = String(page.body.data.next_page_token);
    } while (token);
    expect(seen.size).toBe(12);
    expect(
      (await call('/product/202309/products/search', { query: { page_size: '101', shop_cipher: String(shop.shopCipher) }, body: '{}' })).body.code,
    ).not.toBe(0);
  });

  it('answers 429 with code 36009002 above the shop limit', async () => {
    const main = shop;
    shop = emulator.createShop({
      platform: 'tiktokshop',
      shop: 'emu-tts-tight',
      products: 1,
      orders: 0,
      requestsPerSecond: 5,
      burst: 2,
      rateLimitScope: 'shop',
    });
    const answers = await Promise.all(Array.from({ length: 6 }, () => call('/authorization/202309/shops')));
    shop = main;
    const limited = answers.filter((a) => a.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    for (const answer of limited) expect(answer.body.code).toBe(36009002);
    expect(limited.length).toBe(4);
    expect(emulator.shop('emu-tts-tight').stats.minBucketLevel).toBeGreaterThanOrEqual(0);
  });

  it('signs webhooks with HMAC-SHA256(app_secret, app_key + body); the duplicate and out-of-order knobs apply', async () => {
    const received: Array<{ authorization: string; body: string }> = [];
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push({ authorization: String(request.headers.authorization), body: Buffer.concat(chunks).toString('utf8') });
        response.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const address = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
      const subscribe = await call('/event/202309/webhooks', {
        method: 'PUT',
        query: { shop_cipher: String(shop.shopCipher) },
        body: JSON.stringify({ address, event_type: 'ORDER_STATUS_CHANGE' }),
      });
      expect(subscribe.body.code).toBe(0);
      emulator.setFaults('emu-tts', { duplicateWebhookRate: 1, outOfOrderWebhooks: true });
      expect(emulator.generateOrders('emu-tts', 3)).toBe(3);
      await emulator.drainWebhooks();
      expect(received).toHaveLength(6);
      for (const item of received) expect(item.authorization).toBe(hmacSha256(shop.clientSecret, shop.clientId + item.body).toString('hex'));
      const ids = received.map((r) => JSON.parse(r.body).tts_notification_id as string);
      expect(new Set(ids).size).toBe(3);
      const orderIds = received.map((r) => JSON.parse(r.body).data.order_id as string);
      expect(orderIds[0]).toBe([...orderIds].sort().at(-1)); // newest first
      expect(JSON.parse(received[0]?.body ?? '{}')).toMatchObject({ type: 1, shop_id: shop.shopId });
    } finally {
      emulator.setFaults('emu-tts', { duplicateWebhookRate: 0, outOfOrderWebhooks: false });
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
