import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../../emulator/emulator.ts';
import { isConnectorError } from '../sdk/connector-error.ts';
import { tiktokShopConnector } from './tiktokshop.connector.ts';
import type { TikTokShopCredentials } from './tiktokshop-schemas.ts';

/** Authorization, token exchange and refresh of the TikTok Shop connector against the emulator. */
describe('TikTok Shop authorization and tokens (emulator)', () => {
  let emulator: Emulator;
  let url: string;
  const redirectUri = 'https://nexo.example/api/stores/oauth/tiktokshop/callback';

  beforeAll(async () => {
    emulator = createEmulator({ seed: 'tts-auth' });
    url = await emulator.listen(0);
  });
  afterAll(() => emulator.close());

  it('sends the seller to the service link, verifies state and exchanges the code once', async () => {
    const shop = emulator.createShop({ platform: 'tiktokshop', shop: 'auth-tts', products: 2, orders: 0, redirectUri });
    const config = { apiBaseUrl: shop.baseUrl, authBaseUrl: shop.baseUrl, servicesBaseUrl: shop.baseUrl, serviceId: '7310000000000000001' };
    const auth = tiktokShopConnector.auth;
    if (auth.type !== 'oauth2') throw new Error('expected OAuth');
    const link = new URL(
      auth.authorizeUrl({ config: tiktokShopConnector.configSchema.parse(config), clientId: shop.clientId, redirectUri, state: 'state-1234567890abcdef' }),
    );
    expect(link.pathname.endsWith('/open/authorize')).toBe(true);
    expect(link.searchParams.get('service_id')).toBe('7310000000000000001');
    const redirect = await fetch(link, { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    const back = new URL(String(redirect.headers.get('location')));
    expect(back.origin + back.pathname).toBe(redirectUri);
    const query = Object.fromEntries(back.searchParams);
    const complete = (q: Record<string, string>, expectedState = 'state-1234567890abcdef') =>
      auth.completeAuthorization({
        config: tiktokShopConnector.configSchema.parse(config),
        query: q,
        clientId: shop.clientId,
        clientSecret: shop.clientSecret,
        expectedState,
        redirectUri,
      });
    await expect(complete(query, 'state-other-0000000000')).rejects.toThrow(/state does not match/);
    const credentials = await complete(query);
    expect(credentials).toMatchObject({ appKey: shop.clientId, appSecret: shop.clientSecret, shopId: shop.shopId, shopCipher: shop.shopCipher });
    expect(Date.parse(String(credentials.accessTokenExpiresAt))).toBeGreaterThan(Date.now() + 6 * 86_400_000);
    const identity = await tiktokShopConnector.connect({ credentials, config }).testConnection();
    expect(identity).toMatchObject({ externalId: shop.shopId, currency: 'BRL' });
    const again = await complete(query).catch((error: unknown) => error);
    expect(isConnectorError(again) && again.kind === 'auth' && /expired or already used/.test(again.message)).toBe(true);
  });

  it('refreshes an expired access token, hands the new credentials over before using them, and keeps working', async () => {
    const shop = emulator.createShop({ platform: 'tiktokshop', shop: 'refresh-tts', products: 3, orders: 2, accessTokenTtlSeconds: 1 });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const stored: TikTokShopCredentials[] = [];
    const client = tiktokShopConnector.connect({
      credentials: { appKey: shop.clientId, appSecret: shop.clientSecret, accessToken: shop.accessToken, refreshToken: String(shop.refreshToken) },
      config: { apiBaseUrl: shop.baseUrl, authBaseUrl: shop.baseUrl },
      onCredentialsRefreshed: async (next) => {
        stored.push(next);
      },
    });
    const [first, second] = await Promise.all([client.listProducts?.({ limit: 10 }), client.listOrders?.({ limit: 10 })]);
    expect(first?.items).toHaveLength(3);
    expect(second?.items).toHaveLength(2);
    expect(stored).toHaveLength(1); // one refresh shared by the concurrent calls
    expect(stored[0]?.accessToken).not.toBe(shop.accessToken);
    expect(emulator.shop('refresh-tts').stats.unauthorized).toBeGreaterThanOrEqual(1);
  });

  it('fails with a non-retryable auth error naming reconnect when the refresh token is refused, without secrets in it', async () => {
    const shop = emulator.createShop({ platform: 'tiktokshop', shop: 'dead-tts', products: 1, orders: 0, accessTokenTtlSeconds: 1 });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const client = tiktokShopConnector.connect({
      credentials: { appKey: shop.clientId, appSecret: shop.clientSecret, accessToken: shop.accessToken, refreshToken: 'ROW_revoked' },
      config: { apiBaseUrl: shop.baseUrl, authBaseUrl: shop.baseUrl },
    });
    const error = await client.testConnection().catch((e: unknown) => e);
    expect(isConnectorError(error) && error.kind === 'auth' && !error.retryable).toBe(true);
    expect(String((error as Error).message)).toMatch(/reconnect/);
    expect(String((error as Error).message)).not.toContain(shop.clientSecret);
    expect(String((error as Error).message)).not.toContain(shop.accessToken);
  });

  it('answers a wrong app secret (bad signature) with a non-retryable auth error', async () => {
    const shop = emulator.createShop({ platform: 'tiktokshop', shop: 'badsign-tts', products: 1, orders: 0 });
    const client = tiktokShopConnector.connect({
      credentials: { appKey: shop.clientId, appSecret: `${shop.clientSecret}x`, accessToken: shop.accessToken, refreshToken: String(shop.refreshToken) },
      config: { apiBaseUrl: `${url}/tiktokshop/badsign-tts`, authBaseUrl: shop.baseUrl },
    });
    const error = await client.testConnection().catch((e: unknown) => e);
    expect(isConnectorError(error) && error.kind === 'auth' && !error.retryable && /106001/.test(error.message)).toBe(true);
  });
});
