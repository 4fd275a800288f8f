import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedOrg, testKey } from '../../../../test/helpers/ctx.ts';
import { createTestDatabase, type TestDatabase } from '../../../../test/helpers/database.ts';
import { testStoreLimits } from '../../../../test/helpers/emulator-stores.ts';
import { silentLog } from '../../../../test/helpers/template.ts';
import type { Marketplace } from '../../../contracts/tasks.ts';
import { selectRows } from '../../../db/client.ts';
import type { Ctx } from '../../../db/context.ts';
import { demoShops } from '../../../emulator/demo-shops.ts';
import { createEmulator, type Emulator } from '../../../emulator/emulator.ts';
import { connectStore, runStoreSync, type StoreLimits, transitionStore } from '../../stores/index.ts';
import type { ChannelAnalysis, Proposal } from '../analysis.types.ts';
import { analyzeChannel, defaultKnowledge, rulesFor } from './index.ts';

const channels: Marketplace[] = ['amazon', 'shopee', 'mercadolivre', 'tiktokshop', 'kaway'];
const deps = { secretKey: testKey, feeds: { allowPrivate: true, allowOrigins: [] } };

/**
 * analyzeChannel over emulator stores synced into an org: the generator's planted problems (over-long and very short
 * titles, promotional words, no images, no video, low or zero stock) are found with evidence pointing at real rows.
 */
describe('analyzeChannel on synced emulator stores', () => {
  let t: TestDatabase;
  let ctx: Ctx;
  let emulator: Emulator;
  let limits: StoreLimits;
  const storeOf = new Map<Marketplace, string>();
  const analyses = new Map<Marketplace, ChannelAnalysis>();
  const now = () => new Date();
  const rows = <T>(query: ReturnType<typeof sql>) => selectRows<T>(t.database.db, query);
  const analyze = (marketplace: Marketplace, thresholds: Record<string, number> = {}, orgId = ctx.orgId) =>
    analyzeChannel(t.database.db, { orgId, marketplace, knowledge: { ...defaultKnowledge(marketplace), thresholds }, now: now() });

  beforeAll(async () => {
    t = await createTestDatabase();
    ctx = (await seedOrg(t.database, ['owner'])).members.owner?.ctx as Ctx;
    emulator = createEmulator({ seed: 'agents-rules' });
    await emulator.listen(0, '127.0.0.1');
    limits = testStoreLimits({ failureThreshold: 5, callTimeoutMs: 10_000 });
    for (const marketplace of channels) {
      const demo = demoShops.find((d) => d.platform === marketplace);
      if (!demo) throw new Error(`no demo shop for ${marketplace}`);
      const connection = demo.create(emulator, { products: 40, orders: 30 });
      const store = await connectStore(ctx, deps, { platform: marketplace, name: `Rules ${marketplace}`, ...connection });
      const outcome = await runStoreSync(t.database.db, { ...deps, limits }, { orgId: ctx.orgId, storeId: store.id, mode: 'full' }, silentLog);
      expect(outcome, marketplace).toMatchObject({ status: 'done' });
      storeOf.set(marketplace, store.id);
      analyses.set(marketplace, await analyze(marketplace));
    }
  }, 120_000);
  afterAll(async () => {
    limits?.shutdown();
    await emulator?.close();
    await t?.close();
  });

  const proposalsOf = (marketplace: Marketplace, rule: string) =>
    (analyses.get(marketplace) as ChannelAnalysis).proposals.filter((p) => p.ruleId === `${marketplace}.${rule}`);

  it('analyses only the stores of the marketplace, sorted by impact, titles at most 200 characters, evidence naming the rule', async () => {
    for (const marketplace of channels) {
      const analysis = analyses.get(marketplace) as ChannelAnalysis;
      const [count] = await rows<{ listings: number; orders: number }>(sql`
        select (select count(*)::int from listings where store_id = ${storeOf.get(marketplace)} and status <> 'deleted') as listings,
               (select count(*)::int from orders where store_id = ${storeOf.get(marketplace)}) as orders`);
      expect(analysis.context, marketplace).toEqual({ stores: 1, listings: count?.listings, orders: count?.orders });
      expect(analysis.proposals.length, marketplace).toBeGreaterThan(0);
      for (const [i, p] of analysis.proposals.entries()) {
        expect(p.subject.storeId).toBe(storeOf.get(marketplace));
        expect(p.ruleId.startsWith(`${marketplace}.`)).toBe(true);
        expect(p.evidence.ruleId).toBe(p.ruleId);
        expect([...p.title].length).toBeLessThanOrEqual(200);
        expect(p.impact).toBeGreaterThanOrEqual(1);
        expect(p.impact).toBeLessThanOrEqual(100);
        if (i > 0) expect((analysis.proposals[i - 1] as Proposal).impact).toBeGreaterThanOrEqual(p.impact);
      }
      const flagged = Object.values(analysis.hits).reduce((a, b) => a + b, 0);
      expect(flagged).toBe(analysis.proposals.length);
    }
  });

  it('finds every over-long and promotional title (the planted "Best Seller Free Shipping" ones) with the real title and length', async () => {
    for (const marketplace of channels) {
      const planted = await rows<{ id: string; title: string }>(sql`
        select id, title from products where origin_store_id = ${storeOf.get(marketplace)} and title ilike '%free shipping%'`);
      const long = proposalsOf(marketplace, 'title-too-long');
      const promo = proposalsOf(marketplace, 'title-promotional');
      const max = rulesFor(marketplace).find((r) => r.id === `${marketplace}.title-too-long`)?.thresholds.maxChars as number;
      for (const product of planted) {
        const hit = long.find((p) => p.subject.productId === product.id);
        expect(Boolean(hit), `${marketplace} ${product.title}`).toBe([...product.title].length > max);
        if (hit)
          expect(hit.evidence).toMatchObject({ current: [...product.title].length, title: product.title, productId: product.id, threshold: { maxChars: max } });
        expect(promo.find((p) => p.subject.productId === product.id)?.evidence.current).toEqual(expect.arrayContaining(['free shipping', 'best seller']));
      }
      if (marketplace !== 'tiktokshop') expect(long.length, marketplace).toBeGreaterThan(0);
    }
    // The sum over channels: the generator plants them in about 6 % of products.
    const all = await rows<{ n: number }>(sql`select count(*)::int as n from products where title ilike '%free shipping%'`);
    expect(all[0]?.n).toBeGreaterThan(0);
  });

  it('finds the very short titles, products without images and without video, with the counts from the rows', async () => {
    for (const marketplace of channels) {
      const storeId = storeOf.get(marketplace) as string;
      const products = await rows<{ id: string; title: string; image_count: number; video_count: number }>(sql`
        select distinct p.id, case when p.origin_store_id = ${storeId} then p.title else l.title end as title, p.image_count, p.video_count
        from products p join product_variants v on v.product_id = p.id join listings l on l.variant_id = v.id
        where l.store_id = ${storeId} and l.status <> 'deleted'`);
      const min = marketplace === 'amazon' ? 30 : 25;
      for (const product of products) {
        const short = proposalsOf(marketplace, 'title-too-short').find((p) => p.subject.productId === product.id);
        expect(Boolean(short), `${marketplace} short ${product.title}`).toBe([...product.title.trim()].length < min);
        const images = proposalsOf(marketplace, 'too-few-images').find((p) => p.subject.productId === product.id);
        if (product.image_count === 0) expect(images?.evidence, `${marketplace} no images ${product.title}`).toMatchObject({ current: 0 });
        if (images) expect(images.evidence.current).toBe(product.image_count);
        const video = proposalsOf(marketplace, 'no-video').find((p) => p.subject.productId === product.id);
        expect(Boolean(video), `${marketplace} video ${product.title}`).toBe(product.video_count === 0);
      }
      expect(products.some((p) => p.image_count === 0) || marketplace !== 'amazon').toBe(true);
    }
  });

  it('finds zero and low stock on real inventory rows, with sales velocity from the synced orders', async () => {
    let zero = 0;
    for (const marketplace of channels) {
      const storeId = storeOf.get(marketplace) as string;
      const levels = await rows<{ listing_id: string; available: number; sku: string | null; status: string }>(sql`
        select l.id as listing_id, il.available, v.sku, l.status from listings l join product_variants v on v.id = l.variant_id
        join inventory_levels il on il.store_id = l.store_id and il.variant_id = l.variant_id
        where l.store_id = ${storeId} and l.status <> 'deleted'`);
      for (const level of levels) {
        const out = proposalsOf(marketplace, 'out-of-stock').find((p) => p.subject.listingId === level.listing_id);
        expect(Boolean(out), `${marketplace} ${level.sku} ${level.available}`).toBe(level.available <= 0 && level.status === 'active');
        if (out) {
          zero++;
          expect(out.evidence).toMatchObject({ current: level.available, listingId: level.listing_id, sku: level.sku });
        }
        const low = proposalsOf(marketplace, 'low-stock').find((p) => p.subject.listingId === level.listing_id);
        if (level.available > 0 && level.available <= 3)
          expect(low?.evidence, `${marketplace} low ${level.sku}`).toMatchObject({ current: { available: level.available } });
      }
      // Velocity evidence matches the order lines of that SKU on that store.
      for (const p of proposalsOf(marketplace, 'low-stock').filter((x) => (x.evidence.units30 as number) > 0)) {
        const [sold] = await rows<{ units: number }>(sql`
          select coalesce(sum(ol.quantity), 0)::int as units from order_lines ol join orders o on o.id = ol.order_id
          where o.store_id = ${storeId} and ol.sku = ${p.subject.sku ?? ''} and not o.cancelled`);
        expect(p.evidence.units30).toBe(sold?.units);
      }
    }
    expect(zero).toBeGreaterThan(0);
  });

  it('keeps dedupe keys stable across runs (same rule, same subject)', async () => {
    for (const marketplace of channels) {
      const again = await analyze(marketplace);
      const first = (analyses.get(marketplace) as ChannelAnalysis).proposals.map((p) => p.dedupeKey).sort();
      expect(again.proposals.map((p) => p.dedupeKey).sort()).toEqual(first);
      expect(new Set(first).size).toBe(first.length);
      for (const p of again.proposals) {
        const id = p.subject.listingId && p.ruleId.match(/(price|stock|sales|stale)/) ? p.subject.listingId : null;
        if (id) expect(p.dedupeKey).toBe(`${p.ruleId}:${id}`);
      }
    }
  });

  it('applies knowledge overrides: a threshold by rule id, by name, and a rule switched off', async () => {
    const before = proposalsOf('mercadolivre', 'title-too-long').length;
    const relaxed = await analyze('mercadolivre', { 'mercadolivre.title-too-long.maxChars': 1000, 'no-video.enabled': 0 });
    expect(relaxed.hits['mercadolivre.title-too-long']).toBeUndefined();
    expect(relaxed.hits['mercadolivre.no-video']).toBeUndefined();
    const strict = await analyze('mercadolivre', { maxChars: 10 });
    expect(strict.hits['mercadolivre.title-too-long']).toBeGreaterThan(before);
  });

  it('flags a store whose cancellation rate is above the threshold, and a price unchanged for too long when the listing says when', async () => {
    const storeId = storeOf.get('shopee') as string;
    await t.database.db.execute(sql`update orders set cancelled = true where id in (select id from orders where store_id = ${storeId} order by id limit 5)`);
    const [listing] = await rows<{ id: string }>(sql`select id from listings where store_id = ${storeId} order by id limit 1`);
    const changed = new Date(Date.now() - 400 * 86_400_000).toISOString();
    await t.database.db.execute(sql`update listings set fields = fields || ${JSON.stringify({ priceUpdatedAt: changed })}::jsonb where id = ${listing?.id}`);
    const analysis = await analyze('shopee', { 'cancellation-rate.minOrders': 5 });
    const cancel = analysis.proposals.find((p) => p.ruleId === 'shopee.cancellation-rate');
    const [stats] = await rows<{ orders: number; cancelled: number }>(sql`
      select count(*)::int as orders, (count(*) filter (where cancelled))::int as cancelled from orders where store_id = ${storeId}`);
    expect(cancel).toMatchObject({ dedupeKey: `shopee.cancellation-rate:${storeId}`, subject: { storeId }, evidence: { orders: stats?.orders, cancelled: 5 } });
    const stale = analysis.proposals.find((p) => p.ruleId === 'shopee.stale-price');
    expect(stale).toMatchObject({ dedupeKey: `shopee.stale-price:${listing?.id}`, evidence: { current: 400, priceUpdatedAt: changed } });
  });

  it('flags a sales decline of a SKU from its order history (last 14 days vs the 14 before), with the units from the rows', async () => {
    const storeId = storeOf.get('mercadolivre') as string;
    const [listing] = await rows<{ id: string; sku: string }>(sql`
      select l.id, v.sku from listings l join product_variants v on v.id = l.variant_id
      where l.store_id = ${storeId} and v.sku is not null and l.status = 'active' order by l.id limit 1`);
    const sku = listing?.sku as string;
    // Eight single-unit orders 20 days ago: the "previous 14 days" window.
    await t.database.db.execute(sql`
      with made as (
        insert into orders (id, org_id, store_id, channel_order_id, number, currency, subtotal_amount, total_amount, financial_status, fulfillment_status,
          channel_created_at, channel_updated_at, synced_at)
        select md5(${storeId} || 'history' || g)::uuid, ${ctx.orgId}, ${storeId}, 'history-' || g, 'H' || g, 'BRL', 5000, 5000, 'paid', 'fulfilled',
          now() - interval '20 days', now() - interval '20 days', now()
        from generate_series(1, 8) g returning id
      )
      insert into order_lines (id, org_id, order_id, channel_line_id, sku, title, quantity, unit_price_amount, total_amount)
      select md5(id::text || 'line')::uuid, ${ctx.orgId}, id, 'line-1', ${sku}, 'history', 1, 5000, 5000 from made`);
    const [recent] = await rows<{ units: number }>(sql`
      select coalesce(sum(ol.quantity), 0)::int as units from order_lines ol join orders o on o.id = ol.order_id
      where o.store_id = ${storeId} and ol.sku = ${sku} and not o.cancelled and o.channel_created_at >= now() - interval '14 days'`);
    const analysis = await analyze('mercadolivre');
    const decline = analysis.proposals.find((p) => p.ruleId === 'mercadolivre.sales-decline' && p.subject.listingId === listing?.id);
    expect(recent?.units).toBeLessThanOrEqual(4);
    expect(decline).toMatchObject({
      dedupeKey: `mercadolivre.sales-decline:${listing?.id}`,
      subject: { sku },
      evidence: { unitsPrev14: 8, unitsLast14: recent?.units, threshold: { dropPct: 40, minPrevUnits: 5 } },
    });
  });

  it('analyses every store of the marketplace together: a second Amazon store adds its listings and orders, keys stay per store', async () => {
    const seller = emulator.createAmazonShop({ platform: 'amazon', shop: 'rules-amazon-2', products: 10, orders: 5 });
    const second = await connectStore(ctx, deps, {
      platform: 'amazon',
      name: 'Rules amazon 2',
      externalId: seller.sellerId,
      connectorConfig: { sellerId: seller.sellerId, marketplaceId: seller.marketplaceId, apiBaseUrl: seller.baseUrl, authUrl: seller.authUrl },
      credentials: { lwaClientId: seller.clientId, lwaClientSecret: seller.clientSecret, refreshToken: seller.refreshToken },
    });
    expect(await runStoreSync(t.database.db, { ...deps, limits }, { orgId: ctx.orgId, storeId: second.id, mode: 'full' }, silentLog)).toMatchObject({
      status: 'done',
    });
    const both = await analyze('amazon');
    const [count] = await rows<{ listings: number; orders: number }>(sql`
      select (select count(*)::int from listings where store_id in (${storeOf.get('amazon')}, ${second.id}) and status <> 'deleted') as listings,
             (select count(*)::int from orders where store_id in (${storeOf.get('amazon')}, ${second.id})) as orders`);
    expect(both.context).toEqual({ stores: 2, listings: count?.listings, orders: count?.orders });
    expect(new Set(both.proposals.map((p) => p.subject.storeId))).toEqual(new Set([storeOf.get('amazon'), second.id]));
    const first = (analyses.get('amazon') as ChannelAnalysis).proposals.filter((p) => p.ruleId !== 'amazon.price-above-median');
    const keys = new Set(both.proposals.map((p) => p.dedupeKey));
    // The first store's findings that do not depend on the channel's price median are found again under the same keys.
    for (const p of first) expect(keys.has(p.dedupeKey), p.dedupeKey).toBe(true);
  });

  it('SHEIN (no connector) returns an empty analysis; another org sees none of these stores; a disconnected store is left out', async () => {
    expect(await analyze('shein')).toEqual({ proposals: [], hits: {}, context: { stores: 0, listings: 0, orders: 0 } });
    const other = (await seedOrg(t.database, ['owner'])).members.owner?.ctx as Ctx;
    expect(await analyze('amazon', {}, other.orgId)).toEqual({ proposals: [], hits: {}, context: { stores: 0, listings: 0, orders: 0 } });
    await transitionStore(ctx, storeOf.get('kaway') as string, 'disconnect');
    expect((await analyze('kaway')).context).toEqual({ stores: 0, listings: 0, orders: 0 });
  });
});
