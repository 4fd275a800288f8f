import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator, type ShopCredentials } from '../../src/emulator/emulator.ts';
import { type ApiClient, signIn } from '../helpers/api-client.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

/**
 * Connecting a TikTok Shop seller through the service authorization link, end to end: start → the emulated
 * /open/authorize (approves at once) → the callback, which checks the state, exchanges the code, reads the
 * authorized shop and connects (or re-connects) the store; credentials never come back out.
 */
describe('TikTok Shop OAuth connect', () => {
  let emulator: Emulator;
  let server: TestServer;
  let owner: ApiClient;
  let shop: ShopCredentials;
  const appKey = '6a1b2c3d4e5f6';
  const appSecret = 'tts_e2e_app_secret_000000000000000000001';

  beforeAll(async () => {
    emulator = createEmulator({ seed: 'tts-stores-e2e' });
    await emulator.listen(0, '127.0.0.1');
    server = await startTestServer({
      env: {
        TIKTOKSHOP_APP_KEY: appKey,
        TIKTOKSHOP_APP_SECRET: appSecret,
        TIKTOKSHOP_SERVICE_ID: '7310000000000000001',
        TIKTOKSHOP_API_BASE_URL: `${emulator.url}/tiktokshop/oauth-tts`,
      },
    });
    shop = emulator.createShop({
      platform: 'tiktokshop',
      shop: 'oauth-tts',
      products: 3,
      orders: 1,
      appKey,
      appSecret,
      redirectUri: `${server.url}/api/stores/oauth/tiktokshop/callback`,
    });
    owner = await signIn(server.url);
  });
  afterAll(async () => {
    await server?.destroy();
    await emulator?.close();
  });

  const get = (path: string) => fetch(`${server.url}${path}`, { headers: { cookie: owner.cookie }, redirect: 'manual' });

  async function authorize(): Promise<URL> {
    const start = await get('/api/stores/oauth/tiktokshop/start?name=TikTok%20BR');
    expect(start.status).toBe(302);
    const link = new URL(start.headers.get('location') as string);
    expect(link.origin + link.pathname).toBe(`${emulator.url}/tiktokshop/oauth-tts/open/authorize`);
    expect(link.searchParams.get('service_id')).toBe('7310000000000000001');
    const approved = await fetch(link, { redirect: 'manual' });
    expect(approved.status).toBe(302);
    return new URL(approved.headers.get('location') as string);
  }

  it('connects the authorized shop once per state, re-connects it on a second install, never shows the credentials', async () => {
    const callback = await authorize();
    const done = await get(callback.pathname + callback.search);
    const connected = /^\/stores\?connected=([0-9a-f-]{36})$/.exec(done.headers.get('location') ?? '');
    expect(connected).not.toBeNull();
    expect((await get(callback.pathname + callback.search)).headers.get('location')).toMatch(/^\/stores\?oauthError=/);

    const { body } = await owner.json<{ stores: Array<Record<string, unknown>> }>('GET', '/api/stores');
    const store = body.stores.find((s) => s.id === connected?.[1]);
    expect(store).toMatchObject({ platform: 'tiktokshop', name: 'TikTok BR', externalId: shop.shopId, status: 'active' });
    expect(store?.credentialFields).toEqual(expect.arrayContaining(['accessToken', 'appKey', 'appSecret', 'refreshToken', 'shopCipher', 'shopId']));
    expect(JSON.stringify(body)).not.toContain(appSecret);
    const test = await owner.json('POST', `/api/stores/${store?.id}/test`);
    expect(test.body).toMatchObject({ ok: true, externalId: shop.shopId });

    const again = await authorize();
    expect((await get(again.pathname + again.search)).headers.get('location')).toBe(`/stores?connected=${connected?.[1]}`);
    const after = await owner.json<{ stores: Array<{ platform: string }> }>('GET', '/api/stores');
    expect(after.body.stores.filter((s) => s.platform === 'tiktokshop')).toHaveLength(1);
  });

  it('refuses a callback with a state it did not issue', async () => {
    const callback = await authorize();
    callback.searchParams.set('state', 'x'.repeat(43));
    expect((await get(callback.pathname + callback.search)).headers.get('location')).toMatch(/^\/stores\?oauthError=/);
  });
});
