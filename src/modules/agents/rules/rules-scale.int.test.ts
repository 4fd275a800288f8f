import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedOrg, testKey } from '../../../../test/helpers/ctx.ts';
import { createTestDatabase, type TestDatabase } from '../../../../test/helpers/database.ts';
import type { Ctx } from '../../../db/context.ts';
import { connectStore } from '../../stores/index.ts';
import { analyzeChannel, defaultKnowledge } from './index.ts';

const LISTINGS = 10_000;
const ORDERS = 6_000;

/** One analysis over a 10,000-listing store with 6,000 orders: set-based queries, bounded time, every listing counted. */
describe('analyzeChannel at scale', () => {
  let t: TestDatabase;
  let ctx: Ctx;
  let storeId: string;

  beforeAll(async () => {
    t = await createTestDatabase();
    ctx = (await seedOrg(t.database, ['owner'])).members.owner?.ctx as Ctx;
    // A Shopee store row is all the analysis reads (no sync: the catalog is bulk-inserted below).
    const store = await connectStore(
      ctx,
      { secretKey: testKey },
      {
        platform: 'shopee',
        name: 'Big Shopee',
        externalId: '424242',
        connectorConfig: { apiBaseUrl: 'http://127.0.0.1:9' },
        credentials: {
          partnerId: 1,
          partnerKey: 'key',
          shopId: 424242,
          accessToken: 'a',
          refreshToken: 'r',
          expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
        },
      },
    );
    storeId = store.id;
    const org = ctx.orgId;
    const db = t.database.db;
    // Deterministic ids from md5 so variants, listings, stock and order lines join up.
    await db.execute(sql`
      insert into products (id, org_id, title, description, product_type, status, image_count, video_count, origin_store_id, origin_channel_id)
      select md5(${org} || 'p' || g)::uuid, ${org}, 'Scale product ' || g || case when g % 10 = 0 then ' Free Shipping' else ' in organic cotton, everyday fit' end,
        case when g % 7 = 0 then '' else repeat('Soft fabric. ', 12) end, 'Type ' || (g % 12), 'active', g % 5, (g % 9 = 0)::int, ${storeId}, 'p' || g
      from generate_series(1, ${LISTINGS / 4}) g`);
    await db.execute(sql`
      insert into product_variants (id, org_id, product_id, sku, title, attributes, price_amount, currency)
      select md5(${org} || 'v' || g)::uuid, ${org}, md5(${org} || 'p' || ((g - 1) / 4 + 1))::uuid, 'SCALE-' || g, 'M', '{"Size":"M"}'::jsonb,
        1000 + (g % 50) * 100 + case when g % 97 = 0 then 20000 else 0 end, 'BRL'
      from generate_series(1, ${LISTINGS}) g`);
    await db.execute(sql`
      insert into listings (id, org_id, store_id, variant_id, channel_listing_id, channel_variant_id, status, title, price_amount, currency, fields, synced_at)
      select md5(${org} || 'l' || g)::uuid, ${org}, ${storeId}, v.id, 'p' || ((g - 1) / 4 + 1), 'v' || g, 'active', 'Scale listing ' || g, v.price_amount, 'BRL', '{}'::jsonb, now()
      from generate_series(1, ${LISTINGS}) g join product_variants v on v.id = md5(${org} || 'v' || g)::uuid`);
    await db.execute(sql`
      insert into inventory_levels (org_id, store_id, variant_id, available, synced_at)
      select ${org}, ${storeId}, md5(${org} || 'v' || g)::uuid, g % 40, now() from generate_series(1, ${LISTINGS}) g`);
    await db.execute(sql`
      insert into orders (id, org_id, store_id, channel_order_id, number, currency, subtotal_amount, total_amount, financial_status, fulfillment_status, cancelled,
        channel_created_at, channel_updated_at, synced_at)
      select md5(${org} || 'o' || g)::uuid, ${org}, ${storeId}, 'o' || g, '#' || g, 'BRL', 2000, 2000, 'paid', 'unfulfilled', g % 25 = 0,
        now() - ((g % 28) || ' days')::interval, now(), now()
      from generate_series(1, ${ORDERS}) g`);
    await db.execute(sql`
      insert into order_lines (id, org_id, order_id, channel_line_id, sku, title, quantity, unit_price_amount, total_amount)
      select md5(${org} || 'ol' || g)::uuid, ${org}, md5(${org} || 'o' || ((g - 1) / 2 + 1))::uuid, 'ol' || g, 'SCALE-' || ((g * 7) % 500 + 1), 'line', 1 + g % 2, 1000, 1000 * (1 + g % 2)
      from generate_series(1, ${ORDERS * 2}) g`);
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  it(`analyses ${LISTINGS} listings and ${ORDERS} orders in one run well within seconds, twice with the same keys`, async () => {
    // 4 % of the orders are cancelled: above a 3 % threshold (Shopee's own is 10 %).
    const knowledge = { ...defaultKnowledge('shopee'), thresholds: { 'shopee.cancellation-rate.maxRatePct': 3 } };
    const input = { orgId: ctx.orgId, marketplace: 'shopee' as const, knowledge, now: new Date() };
    await analyzeChannel(t.database.db, input); // warm-up (query plans, JIT of the checks)
    const started = performance.now();
    const analysis = await analyzeChannel(t.database.db, input);
    const ms = performance.now() - started;
    console.info(
      `analyzeChannel: ${LISTINGS} listings, ${ORDERS} orders on ${t.database.kind}: ${Math.round(ms)} ms, ${analysis.proposals.length} proposals`,
      analysis.hits,
    );
    expect(analysis.context).toEqual({ stores: 1, listings: LISTINGS, orders: ORDERS });
    expect(analysis.hits['shopee.title-promotional']).toBe(LISTINGS / 40);
    expect(analysis.hits['shopee.out-of-stock']).toBe(LISTINGS / 40);
    expect(analysis.hits['shopee.cancellation-rate']).toBe(1);
    expect(analysis.proposals.length).toBeLessThanOrEqual(1000);
    expect(ms).toBeLessThan(t.database.kind === 'postgres' ? 3000 : 10_000);
    const again = await analyzeChannel(t.database.db, input);
    expect(again.proposals.map((p) => p.dedupeKey)).toEqual(analysis.proposals.map((p) => p.dedupeKey));
  }, 60_000);
});
