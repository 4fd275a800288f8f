import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator, type ShopCredentials } from '../../src/emulator/emulator.ts';
import { type ApiClient, signIn } from '../helpers/api-client.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

/**
 * Connecting a Shopee shop through Shopee's shop authorization: the server (SHOPEE_PARTNER_ID/KEY, pointed at
 * the emulator with SHOPEE_API_BASE_URL) redirects to the signed auth_partner link, the emulated Shopee
 * redirects back with code and shop_id (and Nexo's state inside the redirect URL), and the store is created
 * for that shop_id with tokens that work.
 */
describe('Shopee shop authorization', () => {
  let emulator: Emulator;
  let server: TestServer;
  let owner: ApiClient;
  let shop: ShopCredentials;
  const partnerId = 2_345_678;
  const partnerKey = 'shpk-oauth-e2e-partner-key-0001';

  beforeAll(async () => {
    emulator = createEmulator({ seed: 'shopee-oauth-e2e' });
    await emulator.listen(0, '127.0.0.1');
    shop = emulator.createShop({ platform: 'shopee', shop: 'oauth-shopee', products: 3, orders: 1, partnerId, partnerKey });
    server = await startTestServer({
      env: { SHOPEE_PARTNER_ID: String(partnerId), SHOPEE_PARTNER_KEY: partnerKey, SHOPEE_API_BASE_URL: `${emulator.url}/shopee/{shop}` },
    });
    owner = await signIn(server.url);
  });
  afterAll(async () => {
    await server?.destroy();
    await emulator?.close();
  });

  const get = (path: string, cookie = owner.cookie) => fetch(`${server.url}${path}`, { headers: { cookie }, redirect: 'manual' });

  async function authorize(): Promise<URL> {
    const start = await get(`/api/stores/oauth/shopee/start?shop=${shop.shop}`);
    expect(start.status).toBe(302);
    const link = new URL(start.headers.get('location') as string);
    expect(link.origin + link.pathname).toBe(`${emulator.url}/shopee/${shop.shop}/api/v2/shop/auth_partner`);
    expect(link.searchParams.get('partner_id')).toBe(String(partnerId));
    expect(link.searchParams.get('sign')).toMatch(/^[0-9a-f]{64}$/);
    expect(link.searchParams.get('redirect')).toMatch(new RegExp(`^${server.url}/api/stores/oauth/shopee/callback\\?state=`));
    const approved = await fetch(link, { redirect: 'manual' });
    expect(approved.status).toBe(302);
    return new URL(approved.headers.get('location') as string);
  }

  it('connects the shop named by the callback, once per state, with working tokens and no credential in any answer', async () => {
    const callback = await authorize();
    expect(callback.searchParams.get('shop_id')).toBe(String(shop.shopId));
    const done = await get(callback.pathname + callback.search);
    expect(done.status).toBe(302);
    const connected = /^\/stores\?connected=([0-9a-f-]{36})$/.exec(done.headers.get('location') ?? '');
    expect(connected).not.toBeNull();

    const replay = await get(callback.pathname + callback.search);
    expect(replay.headers.get('location')).toMatch(/^\/stores\?oauthError=/);

    const { body } = await owner.json<{ stores: Array<Record<string, unknown>> }>('GET', '/api/stores');
    const store = body.stores.find((s) => s.id === connected?.[1]);
    expect(store).toMatchObject({ platform: 'shopee', externalId: String(shop.shopId), status: 'active' });
    expect(JSON.stringify(body)).not.toContain(partnerKey);
    const test = await owner.json('POST', `/api/stores/${store?.id}/test`);
    expect(test.body).toMatchObject({ ok: true, externalId: String(shop.shopId), error: null });

    // Authorizing the same shop again re-connects that store.
    const again = await authorize();
    expect((await get(again.pathname + again.search)).headers.get('location')).toBe(`/stores?connected=${connected?.[1]}`);
  });

  it('refuses a callback with a changed state or a forged code', async () => {
    const callback = await authorize();
    const forgedState = new URL(callback);
    forgedState.searchParams.set('state', `${callback.searchParams.get('state')?.slice(0, -1)}x`);
    expect((await get(forgedState.pathname + forgedState.search)).headers.get('location')).toMatch(/^\/stores\?oauthError=/);
    const forgedCode = new URL(callback);
    forgedCode.searchParams.set('code', 'f'.repeat(32));
    expect((await get(forgedCode.pathname + forgedCode.search)).headers.get('location')).toMatch(/^\/stores\?oauthError=/);
  });
});
