import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../emulator.ts';
import type { AmazonShopCredentials } from './amazon-host.ts';

/** The emulated SP-API seller speaks SP-API's and LWA's wire formats (checked with raw HTTP, no connector). */
describe('emulated Amazon SP-API seller', () => {
  let emulator: Emulator;
  let seller: AmazonShopCredentials;
  let token: string;
  beforeAll(async () => {
    emulator = createEmulator({ seed: 'amazon-emulator' });
    await emulator.listen(0);
    seller = emulator.createAmazonShop({
      platform: 'amazon',
      shop: 'emu-amazon',
      products: 12,
      orders: 4,
      rateLimits: { getListingsItem: { rate: 1, burst: 2 } },
    });
  });
  afterAll(() => emulator?.close());

  const lwa = (fields: Record<string, string>) =>
    fetch(seller.authUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields) });
  const sp = (path: string, init: RequestInit = {}) =>
    fetch(`${seller.baseUrl}${path}`, { ...init, headers: { 'x-amz-access-token': token, 'content-type': 'application/json', ...init.headers } });
  const items = `/listings/2021-08-01/items/`;

  it('exchanges the refresh token at the LWA endpoint and refuses bad clients and grants with LWA bodies', async () => {
    const base = { grant_type: 'refresh_token', refresh_token: seller.refreshToken, client_id: seller.clientId, client_secret: seller.clientSecret };
    const ok = await lwa(base);
    expect(ok.status).toBe(200);
    const body = await ok.json();
    expect(body).toMatchObject({ token_type: 'bearer', expires_in: 3600, refresh_token: seller.refreshToken });
    expect(body.access_token).toMatch(/^Atza\|/);
    token = body.access_token;
    const badClient = await lwa({ ...base, client_secret: 'nope' });
    expect(badClient.status).toBe(401);
    expect(await badClient.json()).toMatchObject({ error: 'invalid_client' });
    const badGrant = await lwa({ ...base, refresh_token: 'Atzr|nope' });
    expect(badGrant.status).toBe(400);
    expect(await badGrant.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('answers 403 Unauthorized without a valid x-amz-access-token, 400 without the marketplace', async () => {
    const denied = await fetch(`${seller.baseUrl}${items}${seller.sellerId}?marketplaceIds=${seller.marketplaceId}`);
    expect(denied.status).toBe(403);
    expect(await denied.json()).toEqual({ errors: [{ code: 'Unauthorized', message: 'Access to requested resource is denied.' }] });
    const noMarketplace = await sp(`${items}${seller.sellerId}`);
    expect(noMarketplace.status).toBe(400);
    expect((await noMarketplace.json()).errors[0].code).toBe('InvalidInput');
  });

  it('pages searchListingsItems with pageToken and rate-limits each operation with x-amzn-RateLimit-Limit and QuotaExceeded', async () => {
    const skus: string[] = [];
    let pageToken: string | undefined;
    do {
      const response = await sp(`${items}${seller.sellerId}?marketplaceIds=${seller.marketplaceId}&pageSize=7${pageToken ? `&pageToken=${pageToken}` : ''}`);
      expect(response.headers.get('x-amzn-ratelimit-limit')).toBe('5');
      const page = await response.json();
      skus.push(...page.items.map((i: { sku: string }) => i.sku));
      pageToken = page.pagination?.nextToken;
      await new Promise((resolve) => setTimeout(resolve, 220));
    } while (pageToken);
    expect(new Set(skus).size).toBe(skus.length);
    const shop = emulator.shop('emu-amazon');
    const variants = [...shop.products.values()].reduce((n, p) => n + p.variants.length, 0);
    const parents = [...shop.products.values()].filter((p) => p.variants.length > 1).length;
    expect(skus).toHaveLength(variants + parents);

    const sku = encodeURIComponent(skus[1] as string);
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push(await sp(`${items}${seller.sellerId}/${sku}?marketplaceIds=${seller.marketplaceId}`));
    expect(statuses.map((r) => r.status)).toEqual([200, 200, 429]);
    expect(statuses[2]?.headers.get('x-amzn-ratelimit-limit')).toBe('1');
    expect(await statuses[2]?.json()).toEqual({ errors: [{ code: 'QuotaExceeded', message: 'You exceeded your quota for the requested resource.' }] });
  });

  it('refuses a feed document upload whose presigned signature was altered', async () => {
    const created = await (await sp('/feeds/2021-06-30/documents', { method: 'POST', body: JSON.stringify({ contentType: 'application/json' }) })).json();
    const forged = created.url.replace(/X-Amz-Signature=([0-9a-f])/, (_: string, c: string) => `X-Amz-Signature=${c === '0' ? '1' : '0'}`);
    expect((await fetch(forged, { method: 'PUT', body: '{}' })).status).toBe(403);
    expect((await fetch(created.url, { method: 'PUT', body: '{}' })).status).toBe(200);
    const feed = await sp('/feeds/2021-06-30/feeds', {
      method: 'POST',
      body: JSON.stringify({ feedType: 'JSON_LISTINGS_FEED', marketplaceIds: [seller.marketplaceId], inputFeedDocumentId: created.feedDocumentId }),
    });
    expect(feed.status).toBe(202);
    expect((await feed.json()).feedId).toMatch(/^\d+$/);
  });

  it('searches orders with exactly one of createdAfter / lastUpdatedAfter and gets one by its Amazon order id', async () => {
    const missing = await sp(`/orders/2026-01-01/orders?marketplaceIds=${seller.marketplaceId}`);
    expect(missing.status).toBe(400);
    const found = await (
      await sp(`/orders/2026-01-01/orders?marketplaceIds=${seller.marketplaceId}&lastUpdatedAfter=2000-01-01T00:00:00Z&maxResultsPerPage=3`)
    ).json();
    expect(found.orders).toHaveLength(3);
    expect(found.pagination.nextToken).toBeTruthy();
    const first = found.orders[0];
    expect(first.orderId).toMatch(/^\d{3}-\d{7}-\d{7}$/);
    const one = await (await sp(`/orders/2026-01-01/orders/${first.orderId}`)).json();
    expect(one.order.orderItems).toEqual(first.orderItems);
  });
});
