import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator, type ShopCredentials } from '../../src/emulator/emulator.ts';
import { type ApiClient, signIn } from '../helpers/api-client.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

/**
 * Stores API end to end: Shopify OAuth install against the in-process emulator (the server is pointed at it
 * with SHOPIFY_API_BASE_URL), key entry, connection tests through the limiter, pause/resume/disconnect, and
 * proof that credentials never come back out (responses, audit log, server logs).
 */
describe('stores API', () => {
  let emulator: Emulator;
  let server: TestServer;
  let owner: ApiClient;
  let oauthShop: ShopCredentials;
  let keyShop: ShopCredentials;
  const clientId = 'nexo-test-app';
  const clientSecret = 'shpss_test_secret_for_stores_e2e_0001';

  beforeAll(async () => {
    emulator = createEmulator({ seed: 'stores-e2e' });
    await emulator.listen(0, '127.0.0.1');
    oauthShop = emulator.createShop({ platform: 'shopify', shop: 'oauth-shop.myshopify.com', products: 3, orders: 1, clientId, clientSecret });
    keyShop = emulator.createShop({ platform: 'shopify', shop: 'key-shop.myshopify.com', products: 3, orders: 1 });
    server = await startTestServer({
      env: { SHOPIFY_CLIENT_ID: clientId, SHOPIFY_CLIENT_SECRET: clientSecret, SHOPIFY_API_BASE_URL: `${emulator.url}/shopify/{shop}` },
    });
    owner = await signIn(server.url);
  });
  afterAll(async () => {
    await server?.destroy();
    await emulator?.close();
  });

  const get = (path: string, cookie = owner.cookie) => fetch(`${server.url}${path}`, { headers: { cookie }, redirect: 'manual' });

  /** start → the shop's authorize page (the emulator approves at once) → the callback URL it redirects to. */
  async function authorize(shop: string): Promise<URL> {
    const start = await get(`/api/stores/oauth/shopify/start?shop=${shop}`);
    expect(start.status).toBe(302);
    const authorizeUrl = new URL(start.headers.get('location') as string);
    expect(authorizeUrl.origin + authorizeUrl.pathname).toBe(`${emulator.url}/shopify/${shop}/admin/oauth/authorize`);
    expect(authorizeUrl.searchParams.get('client_id')).toBe(clientId);
    expect(authorizeUrl.searchParams.get('redirect_uri')).toBe(`${server.url}/api/stores/oauth/shopify/callback`);
    expect(authorizeUrl.searchParams.get('state')?.length).toBeGreaterThanOrEqual(40);
    const approved = await fetch(authorizeUrl, { redirect: 'manual' });
    expect(approved.status).toBe(302);
    return new URL(approved.headers.get('location') as string);
  }

  it('installs a Shopify shop through OAuth, once per state, and lists it without credentials', async () => {
    const callback = await authorize(oauthShop.shop);
    const done = await get(callback.pathname + callback.search);
    expect(done.status).toBe(302);
    const connected = /^\/stores\?connected=([0-9a-f-]{36})$/.exec(done.headers.get('location') ?? '');
    expect(connected).not.toBeNull();

    const replay = await get(callback.pathname + callback.search);
    expect(replay.headers.get('location')).toMatch(/^\/stores\?oauthError=/);

    const { status, body } = await owner.json<{ stores: Array<Record<string, unknown>> }>('GET', '/api/stores');
    expect(status).toBe(200);
    const store = body.stores.find((s) => s.id === connected?.[1]);
    expect(store).toMatchObject({ platform: 'shopify', externalId: oauthShop.shop, status: 'active', credentialFields: ['accessToken', 'scopes'] });
    expect(JSON.stringify(body)).not.toMatch(/shpat_|access_token|accessToken":/);

    const test = await owner.json('POST', `/api/stores/${store?.id}/test`);
    expect(test.status).toBe(200);
    expect(test.body).toMatchObject({ ok: true, externalId: oauthShop.shop, error: null });

    // Installing the same shop again re-connects the existing store instead of adding a second one.
    const reinstall = await authorize(oauthShop.shop);
    const again = await get(reinstall.pathname + reinstall.search);
    expect(again.headers.get('location')).toBe(`/stores?connected=${connected?.[1]}`);
    const after = await owner.json<{ stores: Array<{ externalId: string }> }>('GET', '/api/stores');
    expect(after.body.stores.filter((s) => s.externalId === oauthShop.shop)).toHaveLength(1);
  });

  it('refuses a callback whose hmac was changed by one bit, and a callback without a live session', async () => {
    const before = (await owner.json<{ stores: unknown[] }>('GET', '/api/stores')).body.stores.length;
    const callback = await authorize('oauth-shop.myshopify.com');
    const hmac = callback.searchParams.get('hmac') as string;
    callback.searchParams.set('hmac', hmac.slice(0, -1) + (hmac.endsWith('0') ? '1' : '0'));
    const refused = await get(callback.pathname + callback.search);
    expect(decodeURIComponent(refused.headers.get('location') ?? '')).toMatch(/oauthError=.*(hmac|state)/);

    const other = await signIn(server.url);
    const pending = await authorize('oauth-shop.myshopify.com');
    const session2 = await fetch(`${server.url}/api/auth/logout`, {
      method: 'POST',
      headers: { cookie: other.cookie, 'x-csrf-token': other.csrf, origin: server.url },
    });
    expect(session2.status).toBeLessThan(300);
    const reused = await get(pending.pathname + pending.search, other.cookie);
    expect(reused.status).toBe(401);
    expect((await owner.json<{ stores: unknown[] }>('GET', '/api/stores')).body.stores.length).toBe(before);
  });

  it('connects by key entry: validated, sealed, never echoed, audited without secrets', async () => {
    const invalid = await owner.json<{ code: string; details: unknown }>('POST', '/api/stores', {
      platform: 'shopify',
      name: 'Bad',
      connectorConfig: { shop: keyShop.shop, apiBaseUrl: keyShop.baseUrl },
      credentials: { accessToken: '' },
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body.code).toBe('VALIDATION');

    const created = await owner.json<Record<string, unknown>>('POST', '/api/stores', {
      platform: 'shopify',
      name: 'Key shop',
      connectorConfig: { shop: keyShop.shop, apiBaseUrl: keyShop.baseUrl },
      credentials: { accessToken: keyShop.accessToken },
      webhookSecrets: ['whsec_key_shop_secret_1'],
      syncIntervalMinutes: 15,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'Key shop',
      credentialFields: ['accessToken'],
      webhookSecretCount: 1,
      syncIntervalMinutes: 15,
      externalId: null,
    });
    expect(JSON.stringify(created.body)).not.toContain(keyShop.accessToken);
    const id = created.body.id as string;

    const test = await owner.json('POST', `/api/stores/${id}/test`);
    expect(test.body).toMatchObject({ ok: true, externalId: keyShop.shop });
    expect((await owner.json('GET', `/api/stores/${id}`)).body).toMatchObject({ externalId: keyShop.shop });

    const dup = await owner.json('POST', '/api/stores', {
      platform: 'shopify',
      name: 'Key shop twice',
      externalId: keyShop.shop,
      connectorConfig: { shop: keyShop.shop, apiBaseUrl: keyShop.baseUrl },
      credentials: { accessToken: keyShop.accessToken },
    });
    expect(dup.status).toBe(409);

    const rotated = await owner.json('PATCH', `/api/stores/${id}`, { credentials: { accessToken: 'shpat_wrong_token_000000' }, priority: 'high' });
    expect(rotated.status).toBe(200);
    expect(rotated.body).toMatchObject({ priority: 'high', credentialFields: ['accessToken'] });
    const failing = await owner.json('POST', `/api/stores/${id}/test`);
    expect(failing.status).toBe(200);
    expect(failing.body).toMatchObject({ ok: false });
    expect(JSON.stringify(failing.body)).not.toContain('shpat_wrong_token');

    const audit = await owner.request('GET', '/api/audit?limit=100');
    const auditText = await audit.text();
    expect(audit.status).toBe(200);
    expect(auditText).toContain('store.connected');
    expect(auditText).toContain('store.updated');
    expect(auditText).not.toContain(keyShop.accessToken);
    expect(auditText).not.toContain('shpat_wrong_token');
    expect(auditText).not.toContain('whsec_key_shop_secret_1');
    expect(server.output()).not.toContain(keyShop.accessToken);
  });

  it('pauses, resumes and disconnects (wiping credentials); illegal transitions are 409', async () => {
    const created = await owner.json<{ id: string }>('POST', '/api/stores', {
      platform: 'shopify',
      name: 'Lifecycle',
      connectorConfig: { shop: keyShop.shop, apiBaseUrl: keyShop.baseUrl },
      credentials: { accessToken: keyShop.accessToken },
    });
    const id = created.body.id;
    expect((await owner.json('POST', `/api/stores/${id}/pause`)).body).toMatchObject({ status: 'paused' });
    expect((await owner.json('POST', `/api/stores/${id}/pause`)).status).toBe(409);
    expect((await owner.json('POST', `/api/stores/${id}/resume`)).body).toMatchObject({ status: 'active' });
    const gone = await owner.json('POST', `/api/stores/${id}/disconnect`);
    expect(gone.body).toMatchObject({ status: 'disconnected', credentialFields: [], webhookSecretCount: 0 });
    expect((await owner.json('POST', `/api/stores/${id}/test`)).status).toBe(409);
    expect((await owner.json('POST', `/api/stores/${id}/resume`)).status).toBe(409);
  });

  it('answers 400 for a shop that is not a shop domain and for an unknown platform', async () => {
    const bad = await get('/api/stores/oauth/shopify/start?shop=evil.example.com');
    expect(bad.status).toBe(400);
    const unknown = await owner.json('POST', '/api/stores', { platform: 'nope', name: 'x', credentials: {} });
    expect(unknown.status).toBe(400);
  });
});
