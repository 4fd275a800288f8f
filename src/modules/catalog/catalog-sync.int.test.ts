import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedOrg, testKey } from '../../../test/helpers/ctx.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/database.ts';
import type { Product } from '../../contracts/connectors.ts';
import { selectRows } from '../../db/client.ts';
import type { Ctx } from '../../db/context.ts';
import { connectStore } from '../stores/index.ts';
import { catalogCounts, upsertChannelProducts } from './index.ts';

const brl = (amount: number) => ({ amount, currency: 'BRL' });
const variant = (channelId: string, sku: string, price: number, quantity: number | null = 5) => ({
  channelId,
  sku,
  title: sku || channelId,
  price: brl(price),
  compareAtPrice: null,
  attributes: { Size: channelId.slice(-1) },
  inventoryItemId: `inv-${channelId}`,
  quantity,
});
const product = (channelId: string, title: string, variants: Product['variants']): Product => ({
  channelId,
  title,
  description: '',
  vendor: null,
  productType: null,
  status: 'active',
  tags: [],
  handle: null,
  images: [],
  videoCount: 0,
  variants,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
});

/** upsertChannelProducts: one page stored set-based, with the same matching rules as one row at a time. */
describe('upsertChannelProducts', () => {
  let t: TestDatabase;
  let ctx: Ctx;
  let storeA: string;
  let storeB: string;

  beforeAll(async () => {
    t = await createTestDatabase();
    const { members } = await seedOrg(t.database, ['owner']);
    ctx = members.owner?.ctx as Ctx;
    const store = (name: string) =>
      connectStore(
        ctx,
        { secretKey: testKey },
        { platform: 'shopify', name, connectorConfig: { shop: `${name}.myshopify.com` }, credentials: { accessToken: 'shpat_x' } },
      );
    storeA = (await store('store-a')).id;
    storeB = (await store('store-b')).id;
  });
  afterAll(async () => {
    await t?.close();
  });

  const sync = (storeId: string, page: Product[]) =>
    upsertChannelProducts(
      t.database.db,
      { orgId: ctx.orgId, storeId, now: new Date() },
      page.map((p) => ({ product: p, listings: [] })),
    );
  const rows = <T>(query: ReturnType<typeof sql>) => selectRows<T>(t.database.db, query);

  it('stores a page once (re-reading it changes no counts) and matches variants without a SKU by their listing', async () => {
    const page = [
      product('p1', 'Shirt', [variant('v1', 'SKU-1', 1000), variant('v2', 'SKU-2', 1100), variant('v3', '', 900, null)]),
      product('p2', 'Cap', [variant('v4', 'SKU-4', 500)]),
    ];
    expect(await sync(storeA, page)).toBe(4);
    const first = await catalogCounts(t.database.db, ctx.orgId, storeA);
    expect(first).toEqual({ products: 2, variants: 4, listings: 4, inventoryLevels: 3 });
    await sync(storeA, page);
    expect(await catalogCounts(t.database.db, ctx.orgId, storeA)).toEqual(first);
  });

  it('the origin store updates the master fields; another store with the same SKUs adds listings and stock, not products', async () => {
    await sync(storeA, [product('p1', 'Shirt v2', [variant('v1', 'SKU-1', 1200), variant('v2', 'SKU-2', 1100), variant('v3', '', 950, 7)])]);
    await sync(storeB, [product('b1', 'Shirt on B', [variant('b-v1', 'SKU-1', 1300, 2), variant('b-v9', 'SKU-9', 700)])]);
    const master = await rows<{ title: string; origin_store_id: string }>(sql`select title, origin_store_id from products order by title`);
    // b1 joins p1 through SKU-1, so it owns no product and does not rename it; SKU-9 is a new variant of that product.
    expect(master).toEqual([
      { title: 'Cap', origin_store_id: storeA },
      { title: 'Shirt v2', origin_store_id: storeA },
    ]);
    const variants = await rows<{ sku: string | null; price_amount: string; product_title: string }>(
      sql`select v.sku, v.price_amount::text, p.title as product_title from product_variants v join products p on p.id = v.product_id order by v.sku nulls first`,
    );
    expect(variants).toEqual([
      { sku: null, price_amount: '950', product_title: 'Shirt v2' },
      { sku: 'SKU-1', price_amount: '1200', product_title: 'Shirt v2' },
      { sku: 'SKU-2', price_amount: '1100', product_title: 'Shirt v2' },
      { sku: 'SKU-4', price_amount: '500', product_title: 'Cap' },
      { sku: 'SKU-9', price_amount: '700', product_title: 'Shirt v2' },
    ]);
    expect(await catalogCounts(t.database.db, ctx.orgId, storeB)).toMatchObject({ listings: 2, inventoryLevels: 2 });
    const stock = await rows<{ store_id: string; sku: string | null; available: number }>(
      sql`select l.store_id, v.sku, l.available from inventory_levels l join product_variants v on v.id = l.variant_id where v.sku = 'SKU-1' or v.sku is null order by l.available`,
    );
    expect(stock).toEqual([
      { store_id: storeB, sku: 'SKU-1', available: 2 },
      { store_id: storeA, sku: 'SKU-1', available: 5 },
      { store_id: storeA, sku: null, available: 7 },
    ]);
  });

  it('a SKU first seen earlier in the same page is matched, as if the page were stored one product at a time', async () => {
    await sync(storeB, [product('b2', 'Mug', [variant('b-v20', 'SKU-20', 300)]), product('b3', 'Mug again', [variant('b-v21', 'SKU-20', 310)])]);
    const mugs = await rows<{ n: number; listings: number }>(
      sql`select count(distinct v.id)::int as n, count(l.*)::int as listings from product_variants v join listings l on l.variant_id = v.id where v.sku = 'SKU-20'`,
    );
    expect(mugs).toEqual([{ n: 1, listings: 2 }]);
  });
});
