import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../emulator.ts';

/** The emulator's Mercado Livre side over raw HTTP, checked against ML's documented behaviour (not through the connector). */
let emulator: Emulator;
let n = 0;
beforeAll(async () => {
  emulator = createEmulator({ seed: 'ml-emu' });
  await emulator.listen(0);
});
afterAll(() => emulator.close());

function seller(extra: Record<string, unknown> = {}) {
  const created = emulator.createShop({ platform: 'mercadolivre', shop: `ml-emu-${++n}`, products: 12, orders: 4, ...extra });
  const call = async (path: string, init: RequestInit = {}) => {
    const response = await fetch(`${created.baseUrl}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${created.accessToken}`, 'content-type': 'application/json', ...(init.headers as Record<string, string>) },
    });
    return { status: response.status, headers: response.headers, body: await response.json() };
  };
  return { created, call };
}

const form = (fields: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});

describe('Mercado Livre emulator', () => {
  it('rotates refresh tokens: the old one answers invalid_grant, the new access token works', async () => {
    const { created, call } = seller();
    const app = { client_id: created.clientId, client_secret: created.clientSecret };
    const first = await fetch(`${created.baseUrl}/oauth/token`, form({ grant_type: 'refresh_token', ...app, refresh_token: created.refreshToken ?? '' }));
    const tokens = await first.json();
    expect(first.status).toBe(200);
    expect(tokens).toMatchObject({ token_type: 'Bearer', expires_in: 21600, user_id: Number(created.userId) });
    expect(tokens.refresh_token).not.toBe(created.refreshToken);
    const reused = await fetch(`${created.baseUrl}/oauth/token`, form({ grant_type: 'refresh_token', ...app, refresh_token: created.refreshToken ?? '' }));
    expect(reused.status).toBe(400);
    expect((await reused.json()).error).toBe('invalid_grant');
    const me = await fetch(`${created.baseUrl}/users/me`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect((await me.json()).id).toBe(Number(created.userId));
    expect((await call('/users/me', { headers: { authorization: 'Bearer APP_USR-forged' } })).status).toBe(401);
    const badClient = await fetch(
      `${created.baseUrl}/oauth/token`,
      form({ grant_type: 'refresh_token', client_id: created.clientId, client_secret: 'x', refresh_token: tokens.refresh_token }),
    );
    expect(badClient.status).toBe(401);
  });

  it('expires access tokens after their lifetime', async () => {
    const { call } = seller({ accessTokenTtlSeconds: 0.2 });
    expect((await call('/users/me')).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 250));
    const expired = await call('/users/me');
    expect(expired.status).toBe(401);
    expect(expired.body).toMatchObject({ status: 401, message: 'invalid access token' });
  });

  it('scans with a scroll_id, pages offset searches up to 1,000, and refuses others sellers', async () => {
    const { created, call } = seller();
    const first = await call(`/users/${created.userId}/items/search?search_type=scan&limit=5`);
    expect(first.body.results).toHaveLength(5);
    expect(first.body.paging.total).toBe(12);
    const ids = [...first.body.results];
    for (
      let page = await call(`/users/${created.userId}/items/search?search_type=scan&limit=5&scroll_id=${first.body.scroll_id}`);
      page.body.results.length > 0;
    ) {
      ids.push(...page.body.results);
      page = await call(`/users/${created.userId}/items/search?search_type=scan&limit=5&scroll_id=${first.body.scroll_id}`);
    }
    expect(new Set(ids).size).toBe(12);
    expect((await call(`/users/${created.userId}/items/search?offset=995&limit=10`)).status).toBe(400);
    expect((await call(`/users/1/items/search?search_type=scan`)).status).toBe(403);
    expect((await call(`/orders/search?seller=1`)).status).toBe(403);
    expect((await call(`/orders/search?seller=${created.userId}&limit=52`)).status).toBe(400);
  });

  it('answers multiget entries with code and body, 404 for unknown ids', async () => {
    const { created, call } = seller();
    const scan = await call(`/users/${created.userId}/items/search?search_type=scan&limit=2`);
    const answer = await call(`/items?ids=${[...scan.body.results, 'MLB1'].join(',')}`);
    expect(answer.body.map((e: { code: number }) => e.code)).toEqual([200, 200, 404]);
    expect(answer.body[0].body.id).toBe(scan.body.results[0]);
  });

  it('removes the variations a PUT leaves out, and refuses item-level stock on items with variations', async () => {
    const { created, call } = seller();
    const scan = await call(`/users/${created.userId}/items/search?search_type=scan&limit=12`);
    const items = (await call(`/items?ids=${scan.body.results.slice(0, 12).join(',')}`)).body.map((e: { body: unknown }) => e.body);
    const item = items.find((i: { variations: unknown[] }) => i.variations.length >= 2);
    expect((await call(`/items/${item.id}`, { method: 'PUT', body: JSON.stringify({ available_quantity: 3 }) })).status).toBe(400);
    const kept = item.variations[0];
    const put = await call(`/items/${item.id}`, { method: 'PUT', body: JSON.stringify({ variations: [{ id: kept.id, available_quantity: 9 }] }) });
    expect(put.status).toBe(200);
    expect(put.body.variations.map((v: { id: number }) => v.id)).toEqual([kept.id]);
    expect(put.body.variations[0].available_quantity).toBe(9);
  });

  it('sets the notifications callback URL through the control plane', async () => {
    const { created } = seller();
    const set = await fetch(`${emulator.url}/_emulator/shops/${created.shop}/notifications`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: 'http://127.0.0.1:9/hooks' }),
    });
    expect(await set.json()).toEqual({ notificationsUrl: 'http://127.0.0.1:9/hooks' });
  });

  it('answers 429 per endpoint with ML body and Retry-After, other endpoints unaffected', async () => {
    const { created, call } = seller({ requestsPerSecond: 1, burst: 1 });
    expect((await call('/users/me')).status).toBe(200);
    const limited = await call('/users/me');
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ status: 429, error: 'too_many_requests' });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await call(`/orders/search?seller=${created.userId}`)).status).toBe(200);
  });
});
