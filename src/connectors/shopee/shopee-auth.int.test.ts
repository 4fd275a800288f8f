import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator, type ShopCredentials } from '../../emulator/emulator.ts';
import { shopeeConnector } from './shopee.connector.ts';
import { shopeeConfigSchema } from './shopee-schemas.ts';

/**
 * The emulated Shopee Open Platform v2, spoken to directly (signatures computed here, as Shopee's docs
 * describe them) and through the connector's authorization flow: auth link → code + shop_id → tokens →
 * rotating refresh.
 */
describe('emulated Shopee Open Platform v2', () => {
  let emulator: Emulator;
  let shop: ShopCredentials;
  const partnerId = 2_123_456;
  const partnerKey = 'shpk-emulator-test-partner-key';

  beforeAll(async () => {
    emulator = createEmulator({ seed: 'shopee-emulator' });
    await emulator.listen(0, '127.0.0.1');
    shop = emulator.createShop({ platform: 'shopee', shop: 'emu-shopee', products: 5, orders: 3, partnerId, partnerKey });
  });
  afterAll(async () => emulator?.close());

  const signed = (path: string, options: { timestamp?: number; token?: string; shopId?: number; key?: string } = {}) => {
    const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
    const shopPart = options.token !== undefined ? `${options.token}${options.shopId ?? shop.shopId}` : '';
    const sign = createHmac('sha256', options.key ?? partnerKey)
      .update(`${partnerId}${path}${timestamp}${shopPart}`)
      .digest('hex');
    const url = new URL(`${shop.baseUrl}${path}`);
    url.searchParams.set('partner_id', String(partnerId));
    url.searchParams.set('timestamp', String(timestamp));
    url.searchParams.set('sign', sign);
    if (options.token !== undefined) {
      url.searchParams.set('access_token', options.token);
      url.searchParams.set('shop_id', String(options.shopId ?? shop.shopId));
    }
    return url;
  };
  const call = async (url: URL, init?: RequestInit) => {
    const response = await fetch(url, init);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it('answers a correctly signed shop call', async () => {
    const answer = await call(signed('/api/v2/shop/get_shop_info', { token: shop.accessToken }));
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ region: 'BR', error: '' });
  });

  it('refuses a bad sign, a stale timestamp and an unknown token with Shopee error bodies', async () => {
    const wrongKey = await call(signed('/api/v2/shop/get_shop_info', { token: shop.accessToken, key: 'not-the-key' }));
    expect(wrongKey).toMatchObject({ status: 403, body: { error: 'error_sign', message: 'Wrong sign.' } });
    expect(typeof wrongKey.body.request_id).toBe('string');
    const stale = await call(signed('/api/v2/shop/get_shop_info', { token: shop.accessToken, timestamp: Math.floor(Date.now() / 1000) - 301 }));
    expect(stale).toMatchObject({ status: 403, body: { error: 'error_param' } });
    const fresh = await call(signed('/api/v2/shop/get_shop_info', { token: shop.accessToken, timestamp: Math.floor(Date.now() / 1000) - 240 }));
    expect(fresh.status).toBe(200);
    const unknown = await call(signed('/api/v2/shop/get_shop_info', { token: 'a'.repeat(32) }));
    expect(unknown).toMatchObject({ status: 403, body: { error: 'invalid_acceess_token' } });
    // A sign over another path (the path is part of what is signed).
    const url = signed('/api/v2/product/get_item_list', { token: shop.accessToken });
    const moved = new URL(url.toString().replace('/api/v2/product/get_item_list', '/api/v2/shop/get_shop_info'));
    expect((await call(moved)).body).toMatchObject({ error: 'error_sign' });
  });

  it('pages get_item_list with offset and has_next_page, and refuses an order range over 15 days', async () => {
    const url = signed('/api/v2/product/get_item_list', { token: shop.accessToken });
    url.searchParams.set('offset', '0');
    url.searchParams.set('page_size', '3');
    url.searchParams.append('item_status', 'NORMAL');
    url.searchParams.append('item_status', 'UNLIST');
    const first = await call(url);
    expect(first.body.response).toMatchObject({ has_next_page: true, next_offset: 3, total_count: 5 });
    const orders = signed('/api/v2/order/get_order_list', { token: shop.accessToken });
    orders.searchParams.set('time_range_field', 'update_time');
    orders.searchParams.set('time_from', '1700000000');
    orders.searchParams.set('time_to', String(1_700_000_000 + 16 * 86_400));
    orders.searchParams.set('page_size', '10');
    expect(await call(orders)).toMatchObject({ status: 400, body: { error: 'error_param' } });
  });

  it('authorizes a shop through the connector: auth link, code, tokens, and a refresh that retires the old refresh token', async () => {
    const redirectUri = 'https://nexo.example.com/api/stores/oauth/shopee/callback';
    const link = shopeeConnector.auth.type === 'oauth2' ? shopeeConnector.auth : null;
    if (!link) throw new Error('Shopee is an OAuth connector');
    const config = shopeeConfigSchema.parse({ apiBaseUrl: shop.baseUrl });
    const authorize = link.authorizeUrl({ config, clientId: String(partnerId), clientSecret: partnerKey, redirectUri, state: 'state-0123456789abcdef' });
    expect(authorize).toMatch(/\/api\/v2\/shop\/auth_partner\?partner_id=2123456&timestamp=\d+&sign=[0-9a-f]{64}&redirect=/);
    const redirect = await fetch(authorize, { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    const back = new URL(redirect.headers.get('location') as string);
    expect(back.searchParams.get('shop_id')).toBe(String(shop.shopId));
    expect(back.searchParams.get('state')).toBe('state-0123456789abcdef');
    const query = Object.fromEntries(back.searchParams);
    const credentials = await link.completeAuthorization({
      config,
      query,
      clientId: String(partnerId),
      clientSecret: partnerKey,
      expectedState: 'state-0123456789abcdef',
      redirectUri,
    });
    expect(credentials).toMatchObject({ partnerId, shopId: shop.shopId });
    expect(Date.parse(credentials.expiresAt as string) - Date.now()).toBeGreaterThan(4 * 3_600_000 - 60_000);
    // The code is single use.
    await expect(
      link.completeAuthorization({
        config,
        query,
        clientId: String(partnerId),
        clientSecret: partnerKey,
        expectedState: 'state-0123456789abcdef',
        redirectUri,
      }),
    ).rejects.toMatchObject({ kind: 'auth' });
    await expect(
      link.completeAuthorization({ config, query, clientId: String(partnerId), clientSecret: partnerKey, expectedState: 'another-state-000000', redirectUri }),
    ).rejects.toMatchObject({ kind: 'auth' });

    const refreshed = await (link.refresh as NonNullable<typeof link.refresh>)({ config, credentials, clientId: String(partnerId), clientSecret: partnerKey });
    expect(refreshed.refreshToken).not.toBe(credentials.refreshToken);
    await expect(
      (link.refresh as NonNullable<typeof link.refresh>)({ config, credentials, clientId: String(partnerId), clientSecret: partnerKey }),
    ).rejects.toMatchObject({ kind: 'auth' });
    const client = shopeeConnector.connect({ credentials: refreshed, config: { apiBaseUrl: shop.baseUrl } });
    expect(await client.testConnection()).toMatchObject({ externalId: String(shop.shopId), currency: 'BRL' });
  });

  it('refreshes an expired access token by itself and hands the rotated credentials over before using them', async () => {
    const short = emulator.createShop({ platform: 'shopee', shop: 'emu-shopee-short', products: 2, orders: 0, accessTokenTtlSeconds: 1 });
    await new Promise((resolve) => setTimeout(resolve, 1200));
    const rotations: string[] = [];
    const client = shopeeConnector.connect({
      credentials: {
        partnerId: short.partnerId,
        partnerKey: short.partnerKey,
        shopId: short.shopId,
        accessToken: short.accessToken,
        refreshToken: short.refreshToken,
        // No expiry given: the token error itself triggers the refresh.
      },
      config: { apiBaseUrl: short.baseUrl },
      onCredentialsRefreshed: async (next) => {
        rotations.push(next.refreshToken);
      },
    });
    expect((await client.testConnection()).externalId).toBe(String(short.shopId));
    expect(rotations).toHaveLength(1);
    expect(rotations[0]).not.toBe(short.refreshToken);
  });
});
