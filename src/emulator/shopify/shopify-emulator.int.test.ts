import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator, type ShopCredentials } from '../emulator.ts';

/** The emulator's Shopify protocol, spoken raw (no connector): auth, GraphQL error shapes, cost bucket, pagination, control plane. */
describe('Shopify emulator protocol', () => {
  let emulator: Emulator;
  let shop: ShopCredentials;
  const gql = (body: unknown, token: string | null = shop.accessToken, version = '2025-01') =>
    fetch(`${shop.baseUrl}/admin/api/${version}/graphql.json`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { 'x-shopify-access-token': token } : {}) },
      body: JSON.stringify(body),
    });
  const products = (first: number, after: string | null = null) => ({
    query:
      'query Products($first: Int!, $after: String, $variantsFirst: Int!) { products(first: $first, after: $after) { nodes { id } pageInfo { hasNextPage endCursor } } }',
    variables: { first, after, variantsFirst: 5 },
  });

  beforeAll(async () => {
    emulator = createEmulator({ seed: 'protocol' });
    await emulator.listen(0);
    shop = emulator.createShop({ platform: 'shopify', shop: 'proto.myshopify.com', products: 23, orders: 4, maximumAvailable: 100, restoreRate: 10 });
  });
  afterAll(() => emulator.close());

  it('refuses a missing or forged access token with 401, as Shopify does', async () => {
    for (const token of [null, 'shpat_00000000000000000000000000000000', `${shop.accessToken.slice(0, -1)}0`]) {
      const res = await gql(products(1), token);
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' });
    }
    expect((await gql(products(1), shop.accessToken, '1999-01')).status).toBe(404);
  });

  it('answers unknown operations and bad variables with GraphQL-shaped errors', async () => {
    const unknown = await (await gql({ query: 'query Everything { everything { id } }' })).json();
    expect(unknown.errors[0].extensions.code).toBe('UNSUPPORTED_OPERATION');
    const anonymous = await (await gql({ query: '{ shop { name } }' })).json();
    expect(anonymous.errors[0].extensions.code).toBe('UNSUPPORTED_OPERATION');
    const bad = await (await gql({ ...products(1), variables: { first: 'many', variantsFirst: 5 } })).json();
    expect(bad.errors[0].extensions.code).toBe('INVALID_VARIABLE');
    const wrongKind = await (await gql({ query: 'mutation Products { products { id } }' })).json();
    expect(wrongKind.errors[0].extensions.code).toBe('UNSUPPORTED_OPERATION');
  });

  it('reports cost and throttle status, refuses with THROTTLED (HTTP 200) when the bucket is short, and restores over time', async () => {
    // 2 + 10 × (3 + 5) = 82 requested of a 100-point bucket.
    const first = await gql(products(10));
    expect(first.status).toBe(200);
    const ok = await first.json();
    expect(ok.extensions.cost).toMatchObject({
      requestedQueryCost: 82,
      actualQueryCost: expect.any(Number),
      throttleStatus: { maximumAvailable: 100, restoreRate: 10 },
    });
    expect(ok.extensions.cost.actualQueryCost).toBeLessThanOrEqual(82);
    const refused = await gql(products(10));
    expect(refused.status).toBe(200);
    const throttled = await refused.json();
    expect(throttled.errors[0]).toMatchObject({ message: 'Throttled', extensions: { code: 'THROTTLED' } });
    expect(throttled.extensions.cost).toMatchObject({ requestedQueryCost: 82, actualQueryCost: null });
    expect(throttled.extensions.cost.throttleStatus.currentlyAvailable).toBeLessThan(82);
    expect(throttled.data).toBeUndefined();
    const tooBig = await (await gql({ ...products(250), variables: { first: 250, variantsFirst: 250 } })).json();
    expect(tooBig.errors[0].extensions.code).toBe('MAX_COST_EXCEEDED');
    expect(emulator.shop('proto.myshopify.com').stats.throttled).toBe(1);
    // Only the answered call is charged, and only its actual cost (THROTTLED and MAX_COST_EXCEEDED cost nothing).
    expect(emulator.shop('proto.myshopify.com').stats.pointsCharged).toBe(ok.extensions.cost.actualQueryCost);
  });

  it('paginates with opaque cursors and pageInfo', async () => {
    const wide = emulator.createShop({ platform: 'shopify', shop: 'pages.myshopify.com', products: 23, orders: 0 });
    const seen: string[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 10; pages++) {
      const res: Response = await fetch(`${wide.baseUrl}/admin/api/2025-01/graphql.json`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-shopify-access-token': wide.accessToken },
        body: JSON.stringify(products(10, after)),
      });
      const body = (await res.json()) as { data: { products: { nodes: Array<{ id: string }>; pageInfo: { hasNextPage: boolean; endCursor: string } } } };
      seen.push(...body.data.products.nodes.map((n: { id: string }) => n.id));
      if (!body.data.products.pageInfo.hasNextPage) break;
      after = body.data.products.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(23);
    expect(new Set(seen).size).toBe(23);
  });

  it('generates the same realistic catalog from the same seed, with real-world problems', () => {
    const a = createEmulator({ seed: 'catalog' });
    const b = createEmulator({ seed: 'catalog' });
    const c = createEmulator({ seed: 'other' });
    for (const e of [a, b, c]) e.createShop({ platform: 'shopify', shop: 'cat.myshopify.com', products: 300, orders: 50 });
    const titles = (e: Emulator) =>
      [...e.shop('cat.myshopify.com').products.values()].map((p) => `${p.title}|${p.variants.map((v) => `${v.sku}:${v.priceMinor}`).join(',')}`);
    expect(titles(a)).toEqual(titles(b));
    expect(titles(a)).not.toEqual(titles(c));
    const shopA = a.shop('cat.myshopify.com');
    const all = [...shopA.products.values()];
    expect(all.some((p) => p.title.length > 150)).toBe(true);
    expect(all.some((p) => p.title.length < 15)).toBe(true);
    expect(all.some((p) => p.images.length === 0)).toBe(true);
    expect(all.filter((p) => p.videos === 0).length).toBeGreaterThan(all.length * 0.8);
    expect(all.some((p) => p.variants.some((v) => v.priceUpdatedAt < new Date(Date.now() - 365 * 86_400_000).toISOString()))).toBe(true);
    expect(all.some((p) => p.variants.some((v) => (shopA.stock.get(v.inventoryItemId) ?? 99) <= 3))).toBe(true);
    expect(new Set(all.flatMap((p) => p.variants.map((v) => v.sku))).size).toBe(all.reduce((n, p) => n + p.variants.length, 0));
    expect(shopA.orders.size).toBe(50);
  });

  it('validates fault settings on the control plane', async () => {
    const bad = await fetch(`${emulator.url}/_emulator/shops/proto.myshopify.com/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ errorRate: 2 }),
    });
    expect(bad.status).toBe(400);
    const unknown = await fetch(`${emulator.url}/_emulator/shops/proto.myshopify.com/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ chaos: true }),
    });
    expect(unknown.status).toBe(400);
    expect((await fetch(`${emulator.url}/_emulator/shops/nope.myshopify.com`)).status).toBe(404);
    const storm = await fetch(`${emulator.url}/_emulator/shops/proto.myshopify.com/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ stormRequests: 1, stormRetryAfterSeconds: 2 }),
    });
    expect(storm.status).toBe(200);
    const limited = await gql(products(1));
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('2.0');
  });
});
