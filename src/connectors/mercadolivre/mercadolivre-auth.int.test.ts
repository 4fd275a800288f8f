import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator, type ShopCredentials } from '../../emulator/emulator.ts';
import { isConnectorError } from '../sdk/connector-error.ts';
import { must } from '../sdk/contract-suite.ts';
import { mercadoLivreConnector } from './mercadolivre.connector.ts';
import type { MercadoLivreCredentials } from './mercadolivre-schemas.ts';
import { mercadoLivreOAuth, refreshTokens } from './oauth.ts';

/** OAuth against the emulator: the authorization-code dance, refresh-token rotation, expiry, concurrent refreshes. */
let emulator: Emulator;
let n = 0;
beforeAll(async () => {
  emulator = createEmulator({ seed: 'ml-auth' });
  await emulator.listen(0);
});
afterAll(() => emulator.close());

const newSeller = (extra: Record<string, unknown> = {}) =>
  emulator.createShop({ platform: 'mercadolivre', shop: `ml-auth-${++n}`, products: 3, orders: 1, ...extra }) as ShopCredentials & {
    refreshToken: string;
    userId: string;
    expiresAt: string;
  };
const credentialsOf = (seller: ReturnType<typeof newSeller>): MercadoLivreCredentials => ({
  accessToken: seller.accessToken,
  refreshToken: seller.refreshToken,
  userId: seller.userId,
  expiresAt: seller.expiresAt,
});
const configOf = (seller: ShopCredentials) => ({ apiBaseUrl: seller.baseUrl, authBaseUrl: seller.baseUrl, siteId: 'MLB', requestsPerSecond: 50 });

async function failure(run: () => Promise<unknown>) {
  try {
    await run();
  } catch (error) {
    if (isConnectorError(error)) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

describe('Mercado Livre OAuth (emulator)', () => {
  it('runs the authorization-code flow: redirect with code and state, code exchanged once', async () => {
    const seller = newSeller();
    const config = mercadoLivreConnector.configSchema.parse(configOf(seller));
    const redirectUri = 'https://nexo.example/api/oauth/mercadolivre/callback';
    const url = mercadoLivreOAuth.authorizeUrl({ config, clientId: seller.clientId, redirectUri, state: 'st-123' });
    expect(new URL(url).pathname.endsWith('/authorization')).toBe(true);
    expect(new URL(url).searchParams.get('response_type')).toBe('code');
    const redirect = await fetch(url, { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    const callback = new URL(must(redirect.headers.get('location'), 'a redirect'));
    const query = Object.fromEntries(callback.searchParams);
    expect(query.state).toBe('st-123');

    const wrongState = await failure(() =>
      mercadoLivreOAuth.completeAuthorization({
        config,
        query,
        clientId: seller.clientId,
        clientSecret: seller.clientSecret,
        expectedState: 'other',
        redirectUri,
      }),
    );
    expect(wrongState.kind).toBe('auth');
    const credentials = await mercadoLivreOAuth.completeAuthorization({
      config,
      query,
      clientId: seller.clientId,
      clientSecret: seller.clientSecret,
      expectedState: 'st-123',
      redirectUri,
    });
    expect(credentials.userId).toBe(seller.userId);
    expect(credentials.accessToken).toMatch(/^APP_USR-/);
    expect(credentials.refreshToken).toMatch(/^TG-/);
    expect(Date.parse(must(credentials.expiresAt, 'an expiry')) - Date.now()).toBeGreaterThan(21_500_000);
    const identity = await mercadoLivreConnector.connect({ credentials, config: configOf(seller) }).testConnection();
    expect(identity.externalId).toBe(seller.userId);
    // The code is single use.
    const again = await failure(() =>
      mercadoLivreOAuth.completeAuthorization({
        config,
        query,
        clientId: seller.clientId,
        clientSecret: seller.clientSecret,
        expectedState: 'st-123',
        redirectUri,
      }),
    );
    expect(again.kind).toBe('auth');
    expect(again.message).not.toContain(seller.clientSecret);
  });

  it('rotates the refresh token: the new one is returned, the old one answers invalid_grant', async () => {
    const seller = newSeller();
    const first = credentialsOf(seller);
    const app = { clientId: seller.clientId, clientSecret: seller.clientSecret };
    const second = await refreshTokens({ config: configOf(seller), credentials: first, ...app });
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(second.accessToken).not.toBe(first.accessToken);
    const reused = await failure(() => refreshTokens({ config: configOf(seller), credentials: first, ...app }));
    expect(reused.upstreamStatus).toBe(400);
    expect(String((reused.details as { body: string }).body)).toContain('invalid_grant');
    const third = await refreshTokens({ config: configOf(seller), credentials: second, ...app });
    expect(third.refreshToken).not.toBe(second.refreshToken);
  });

  it('refreshes an expired access token on its own and hands the rotated credentials to the store before using them', async () => {
    const seller = newSeller({ accessTokenTtlSeconds: 1 });
    let stored = credentialsOf(seller);
    const events: string[] = [];
    const client = mercadoLivreConnector.connect({
      credentials: { ...stored, expiresAt: undefined }, // unknown expiry: the 401 drives the refresh
      config: configOf(seller),
      oauthApp: { clientId: seller.clientId, clientSecret: seller.clientSecret },
      onCredentialsRefreshed: async (next, previous) => {
        events.push(`stored ${next.refreshToken === previous.refreshToken ? 'same' : 'rotated'}`);
        stored = next;
      },
      fetch: async (input, init) => {
        events.push(`call ${new URL(String(input)).pathname.replace(/^\/mercadolivre\/[^/]+/, '')}`);
        return fetch(input, init);
      },
    });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await client.testConnection();
    expect(events).toEqual(['call /users/me', 'call /oauth/token', 'stored rotated', 'call /users/me']);
    expect(stored.refreshToken).not.toBe(seller.refreshToken);
    // The stored (new) refresh token works; the one the store started with is dead.
    await refreshTokens({ config: configOf(seller), credentials: stored, clientId: seller.clientId, clientSecret: seller.clientSecret });
    const old = await failure(() =>
      refreshTokens({ config: configOf(seller), credentials: credentialsOf(seller), clientId: seller.clientId, clientSecret: seller.clientSecret }),
    );
    expect(old.upstreamStatus).toBe(400);
  });

  it('refreshes proactively before the known expiry, once for concurrent calls', async () => {
    const seller = newSeller();
    let refreshes = 0;
    const client = mercadoLivreConnector.connect({
      credentials: { ...credentialsOf(seller), expiresAt: new Date(Date.now() + 30_000).toISOString() },
      config: configOf(seller),
      oauthApp: { clientId: seller.clientId, clientSecret: seller.clientSecret },
      onCredentialsRefreshed: async () => {
        refreshes++;
      },
    });
    const results = await Promise.all([client.testConnection(), client.listProducts?.({ limit: 2 }), client.listOrders?.({ limit: 2 })]);
    expect(results[0].externalId).toBe(seller.userId);
    expect(refreshes).toBe(1);
  });

  it('adopts credentials another worker rotated first (reloadCredentials) instead of failing', async () => {
    const seller = newSeller({ accessTokenTtlSeconds: 1 });
    const app = { clientId: seller.clientId, clientSecret: seller.clientSecret };
    const original = credentialsOf(seller);
    // Worker B refreshed and stored first.
    const storedByOther = await refreshTokens({ config: configOf(seller), credentials: original, ...app });
    const client = mercadoLivreConnector.connect({
      credentials: { ...original, expiresAt: new Date(Date.now() - 1000).toISOString() },
      config: configOf(seller),
      oauthApp: app,
      reloadCredentials: async () => storedByOther,
    });
    expect((await client.testConnection()).externalId).toBe(seller.userId);
  });

  it('fails with a non-retryable auth error when the refresh token is dead, or the rotated credentials cannot be stored', async () => {
    const seller = newSeller({ accessTokenTtlSeconds: 1 });
    const app = { clientId: seller.clientId, clientSecret: seller.clientSecret };
    await refreshTokens({ config: configOf(seller), credentials: credentialsOf(seller), ...app });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const dead = await failure(() =>
      mercadoLivreConnector.connect({ credentials: credentialsOf(seller), config: configOf(seller), oauthApp: app }).testConnection(),
    );
    expect(dead.kind).toBe('auth');
    expect(dead.retryable).toBe(false);
    expect(dead.message).toMatch(/reconnect/);
    expect(dead.message).not.toMatch(/TG-|APP_USR-/);

    const other = newSeller({ accessTokenTtlSeconds: 1 });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const unstored = await failure(() =>
      mercadoLivreConnector
        .connect({
          credentials: credentialsOf(other),
          config: configOf(other),
          oauthApp: { clientId: other.clientId, clientSecret: other.clientSecret },
          onCredentialsRefreshed: async () => {
            throw new Error('database down');
          },
        })
        .testConnection(),
    );
    expect(unstored.kind).toBe('auth');
    expect(unstored.message).toMatch(/could not be stored/);
  });

  it('without the OAuth app an expired token is an auth error asking to reconnect', async () => {
    const seller = newSeller();
    emulator.setFaults(seller.shop, { tokenExpired: true });
    const error = await failure(() => mercadoLivreConnector.connect({ credentials: credentialsOf(seller), config: configOf(seller) }).testConnection());
    expect(error.kind).toBe('auth');
    expect(error.upstreamStatus).toBe(401);
  });
});
