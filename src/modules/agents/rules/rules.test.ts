import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { marketplaces } from '../../../contracts/tasks.ts';
import { thresholdsOf, toProposal } from './analyze.ts';
import {
  cancellationRate,
  charLength,
  comparableMedian,
  lowStock,
  missingAttributes,
  noVideo,
  outOfStock,
  priceAboveMedian,
  priceBelowMedian,
  promotionalTermsIn,
  salesDecline,
  stalePrice,
  titlePromotional,
  titleTooLong,
  titleTooShort,
  tooFewImages,
} from './checks.ts';
import { defaultKnowledge, impactScore, rulesFor } from './index.ts';
import { packs } from './packs.ts';
import type { CheckCtx, ListingSubject, ProductSubject, RuleDef, StoreSubject, SubjectKind } from './rule.types.ts';

const now = new Date('2026-11-27T12:00:00.000Z');
const ctx: CheckCtx = { marketplace: 'amazon', channel: 'Amazon', now, promotionalTerms: packs.amazon.promotionalTerms };
const product = (over: Partial<ProductSubject> = {}): ProductSubject => ({
  storeId: 's1',
  productId: 'p1',
  listingIds: ['l1', 'l2'],
  skus: ['SKU-1', 'SKU-2'],
  title: 'Acme Organic Cotton T-Shirt Navy Crew Neck',
  description: `<p>${'Soft organic cotton. '.repeat(8)}</p>`,
  productType: 'T-Shirt',
  imageCount: 6,
  videoCount: 1,
  minAttributeCount: 2,
  maxPrice: 9990,
  currency: 'BRL',
  revenue30: 0,
  ...over,
});
const listing = (over: Partial<ListingSubject> = {}): ListingSubject => ({
  storeId: 's1',
  productId: 'p1',
  variantId: 'v1',
  listingId: 'l1',
  sku: 'SKU-1',
  status: 'active',
  title: 'Acme Tee',
  price: 10_000,
  currency: 'BRL',
  available: 50,
  typeMedian: 10_000,
  typePeers: 10,
  overallMedian: 8_000,
  overallPeers: 100,
  priceUpdatedAt: null,
  units7: 0,
  units30: 0,
  unitsLast14: 0,
  unitsPrev14: 0,
  revenue30: 0,
  velocity: 0,
  coverDays: null,
  ...over,
});
const store = (over: Partial<StoreSubject> = {}): StoreSubject => ({
  storeId: 's1',
  storeName: 'Main',
  orders: 100,
  cancelled: 0,
  revenue30: 500_000,
  ...over,
});

/** Runs a rule's check with the rule's defaults and optional knowledge overrides. */
function check<K extends SubjectKind>(rule: RuleDef<K>, subject: Parameters<RuleDef<K>['check']>[0], overrides: Record<string, number> = {}) {
  return rule.check(subject, thresholdsOf('amazon', rule, overrides), ctx);
}

describe('title rules', () => {
  const long = titleTooLong({ source: 'test', thresholds: { maxChars: 60 } });
  it('title-too-long: at the limit passes, one character over fires, counted in characters (not bytes)', () => {
    expect(check(long, product({ title: 'x'.repeat(60) }))).toBeNull();
    expect(check(long, product({ title: 'é'.repeat(60) }))).toBeNull();
    const finding = check(long, product({ title: 'x'.repeat(61) }));
    expect(finding).toMatchObject({ current: 61, target: 60, threshold: { maxChars: 60 } });
    expect([...(finding?.title ?? '')].length).toBeLessThanOrEqual(200);
  });
  it('title-too-long: overrides by full rule id, by rule name and by threshold name, most specific first', () => {
    const title = product({ title: 'x'.repeat(70) });
    expect(check(long, title, { 'amazon.title-too-long.maxChars': 80 })).toBeNull();
    expect(check(long, title, { 'title-too-long.maxChars': 80 })).toBeNull();
    expect(check(long, title, { maxChars: 80 })).toBeNull();
    expect(check(long, title, { 'amazon.title-too-long.maxChars': 65, maxChars: 80 })).toMatchObject({ target: 65 });
    expect(check(long, title, { 'shopee.title-too-long.maxChars': 80 })).toMatchObject({ target: 60 });
    expect(check(long, title, { maxChars: Number.NaN })).toMatchObject({ target: 60 });
  });
  it('title-too-short: below the minimum fires (trimmed), at the minimum passes', () => {
    const short = titleTooShort({ source: 'test', thresholds: { minChars: 25 } });
    expect(check(short, product({ title: 'y'.repeat(25) }))).toBeNull();
    expect(check(short, product({ title: ` ${'y'.repeat(24)}  ` }))).toMatchObject({ current: 24, target: 25 });
    expect(check(short, product({ title: 'Mug' }), { minChars: 3 })).toBeNull();
  });
  it('title-promotional: whole phrases, any case or accents, not inside other words', () => {
    const promo = titlePromotional({ source: 'test' });
    expect(check(promo, product({ title: 'Classic Tee BEST SELLER - Free  Shipping!' }))?.current).toEqual(['free shipping', 'best seller']);
    expect(check(promo, product({ title: 'Camiseta Frete Gratis' }))?.current).toEqual(['frete gratis']);
    expect(promotionalTermsIn('Camiseta frete grátis', ['frete gratis'])).toEqual(['frete gratis']);
    expect(check(promo, product({ title: 'Wholesale Salesman Bag' }))).toBeNull();
    expect(check(promo, product())).toBeNull();
  });
  it('counts characters as the channels do', () => {
    expect(charLength('café 👕')).toBe(6);
  });
});

describe('content rules', () => {
  const images = tooFewImages({ source: 'test', thresholds: { minImages: 3 } });
  it('too-few-images: none fires with the biggest stake, fewer than the minimum fires, the minimum passes', () => {
    expect(check(images, product({ imageCount: 3 }))).toBeNull();
    const two = check(images, product({ imageCount: 2 }));
    const none = check(images, product({ imageCount: 0 }));
    expect(two).toMatchObject({ current: 2, target: 3 });
    expect(none).toMatchObject({ current: 0, target: 3 });
    expect(none?.title).toMatch(/has none/);
    expect(none?.stake).toBeGreaterThan(two?.stake as number);
    expect(check(images, product({ imageCount: 2 }), { minImages: 2 })).toBeNull();
  });
  it('no-video: fires without video, passes with one', () => {
    const video = noVideo({ source: 'test' });
    expect(check(video, product({ videoCount: 1 }))).toBeNull();
    expect(check(video, product({ videoCount: 0 }))).toMatchObject({ current: 0, target: 1 });
  });
  it('missing-attributes: empty type, thin description (HTML stripped) or no variant attributes', () => {
    const attrs = missingAttributes({ source: 'test' });
    expect(check(attrs, product())).toBeNull();
    expect(check(attrs, product({ productType: ' ' }))?.details).toEqual({ missing: ['product type / category'] });
    const thin = check(attrs, product({ description: `<p>${'a'.repeat(99)}</p>` }));
    expect(thin?.current).toMatchObject({ descriptionChars: 99 });
    expect(check(attrs, product({ description: `<p>${'a'.repeat(100)}</p>` }))).toBeNull();
    expect(check(attrs, product({ minAttributeCount: 0 }))?.title).toMatch(/variant attributes/);
    expect(check(attrs, product({ description: '' }), { minDescriptionChars: 0 })).toBeNull();
  });
});

describe('price rules', () => {
  const above = priceAboveMedian({ source: 'test', thresholds: { maxAbovePct: 25, minPeers: 5 } });
  it('price-above-median: compares with the product type when it has enough peers, else with the channel', () => {
    expect(check(above, listing({ price: 12_500 }))).toBeNull();
    expect(check(above, listing({ price: 12_501 }))).toMatchObject({ current: 12_501, target: 12_500, details: { basis: 'product-type', median: 10_000 } });
    // Too few peers of the same type: the channel median (8,000) is the basis.
    expect(check(above, listing({ price: 10_001, typePeers: 4 }))).toMatchObject({ details: { basis: 'channel', median: 8_000 } });
    expect(check(above, listing({ price: 10_000, typePeers: 4 }))).toBeNull();
    expect(check(above, listing({ price: 99_999, typePeers: 4, overallPeers: 4 }))).toBeNull();
    expect(check(above, listing({ price: 13_000 }), { maxAbovePct: 30 })).toBeNull();
    expect(comparableMedian(listing({ typeMedian: null }), 5)).toMatchObject({ basis: 'channel' });
  });
  it('price-below-median: far below comparable items fires (premium channels)', () => {
    const below = priceBelowMedian({ source: 'test' });
    expect(check(below, listing({ price: 7_000 }))).toBeNull();
    expect(check(below, listing({ price: 6_999 }))).toMatchObject({ current: 6_999, target: 7_000 });
  });
  it('stale-price: only when the listing says when the price changed; older than the limit fires', () => {
    const stale = stalePrice({ source: 'test', thresholds: { maxAgeDays: 90 } });
    expect(check(stale, listing())).toBeNull();
    expect(check(stale, listing({ priceUpdatedAt: 'not a date' }))).toBeNull();
    expect(check(stale, listing({ priceUpdatedAt: new Date(now.getTime() - 90 * 86_400_000).toISOString() }))).toBeNull();
    expect(check(stale, listing({ priceUpdatedAt: new Date(now.getTime() - 91 * 86_400_000).toISOString() }))).toMatchObject({ current: 91, target: 90 });
  });
});

describe('stock and sales rules', () => {
  const low = lowStock({ source: 'test', thresholds: { minCoverDays: 14, minAvailable: 3 } });
  it('low-stock: cover below the target at the current velocity fires with the units to replenish', () => {
    // 30 units in 30 days = 1/day; 13 units cover 13 days.
    const selling = { units30: 30, velocity: 1, revenue30: 300_000 };
    expect(check(low, listing({ ...selling, available: 14, coverDays: 14 }))).toBeNull();
    expect(check(low, listing({ ...selling, available: 13, coverDays: 13 }))).toMatchObject({
      current: { available: 13, coverDays: 13 },
      target: { coverDays: 14, replenishUnits: 1 },
    });
    expect(check(low, listing({ ...selling, available: 13, coverDays: 13 }), { minCoverDays: 10 })).toBeNull();
  });
  it('low-stock: a few units left fires without sales; zero or unknown stock is for out-of-stock', () => {
    expect(check(low, listing({ available: 3 }))).toMatchObject({ current: { available: 3, coverDays: null } });
    expect(check(low, listing({ available: 4 }))).toBeNull();
    expect(check(low, listing({ available: 0 }))).toBeNull();
    expect(check(low, listing({ available: null }))).toBeNull();
    expect(check(low, listing({ available: 1, status: 'inactive' }))).toBeNull();
  });
  it('out-of-stock: zero stock fires, with a larger stake when it sold recently', () => {
    const out = outOfStock({ source: 'test' });
    expect(check(out, listing({ available: 1 }))).toBeNull();
    expect(check(out, listing({ available: null }))).toBeNull();
    expect(check(out, listing({ available: 0, status: 'draft' }))).toBeNull();
    const idle = check(out, listing({ available: 0 }));
    const selling = check(out, listing({ available: 0, units30: 15, units7: 5, velocity: 0.5, revenue30: 150_000 }));
    expect(idle).toMatchObject({ current: 0, details: { withSales: false } });
    expect(selling).toMatchObject({ current: 0, target: 15, details: { withSales: true } });
    expect(selling?.stake).toBeGreaterThan(idle?.stake as number);
    expect(check(out, listing({ available: 0, units30: 15, velocity: 0.5 }), { minUnits30: 20 })?.details).toMatchObject({ withSales: false });
  });
  it('sales-decline: a drop of at least the threshold from a meaningful base fires', () => {
    const decline = salesDecline({ source: 'test', thresholds: { dropPct: 40, minPrevUnits: 5 } });
    expect(check(decline, listing({ unitsPrev14: 10, unitsLast14: 7 }))).toBeNull();
    expect(check(decline, listing({ unitsPrev14: 10, unitsLast14: 6 }))).toMatchObject({ current: 6, target: 10, details: { dropPct: 40 } });
    expect(check(decline, listing({ unitsPrev14: 4, unitsLast14: 0 }))).toBeNull();
    expect(check(decline, listing({ unitsPrev14: 4, unitsLast14: 0 }), { minPrevUnits: 4 })).toMatchObject({ current: 0 });
  });
  it('cancellation-rate: above the threshold with enough orders fires on the store', () => {
    const cancel = cancellationRate({ source: 'test', thresholds: { maxRatePct: 2.5, minOrders: 20 } });
    expect(check(cancel, store({ orders: 200, cancelled: 5 }))).toBeNull();
    expect(check(cancel, store({ orders: 200, cancelled: 6 }))).toMatchObject({ current: 3, target: 2.5, details: { orders: 200, cancelled: 6 } });
    expect(check(cancel, store({ orders: 19, cancelled: 10 }))).toBeNull();
    expect(check(cancel, store({ orders: 0, cancelled: 0 }), { minOrders: 0 })).toBeNull();
  });
});

describe('proposals, impact and packs', () => {
  it('impact grows with the revenue at stake and the rule weight, within 1-100', () => {
    expect(impactScore(0, 1)).toBe(30);
    expect(impactScore(10_000, 1)).toBe(58);
    expect(impactScore(1_000_000, 1)).toBe(86);
    expect(impactScore(1e12, 1)).toBe(100);
    expect(impactScore(10_000, 0.5)).toBe(29);
    expect(impactScore(-5, 0.01)).toBe(1);
  });
  it('a proposal carries the stable dedupe key, the subject ids and the evidence', () => {
    const rule = titleTooLong({ source: 'test', thresholds: { maxChars: 10 } });
    const subject = product({ title: 'x'.repeat(300) });
    const finding = check(rule, subject);
    const proposal = toProposal('amazon', rule, 'product', subject, finding as NonNullable<typeof finding>);
    expect(proposal).toMatchObject({
      ruleId: 'amazon.title-too-long',
      dedupeKey: 'amazon.title-too-long:p1@s1',
      subject: { storeId: 's1', productId: 'p1', listingId: 'l1' },
      category: 'optimization',
      priority: 'high',
      evidence: { ruleId: 'amazon.title-too-long', productId: 'p1', listingIds: ['l1', 'l2'], current: 300, target: 10, threshold: { maxChars: 10 } },
    });
    expect([...proposal.title].length).toBeLessThanOrEqual(200);
    const l = listing({ available: 0 });
    const out = outOfStock({ source: 'test' });
    expect(toProposal('amazon', out, 'listing', l, check(out, l) as NonNullable<ReturnType<typeof check>>).dedupeKey).toBe('amazon.out-of-stock:l1');
    const s = store({ cancelled: 50 });
    const cancel = cancellationRate({ source: 'test' });
    expect(toProposal('amazon', cancel, 'store', s, check(cancel, s) as NonNullable<ReturnType<typeof check>>)).toMatchObject({
      dedupeKey: 'amazon.cancellation-rate:s1',
      subject: { storeId: 's1' },
    });
  });
  it('every marketplace has a pack: the required rules, unique ids, a source and thresholds for each', () => {
    const required = [
      'title-too-long',
      'title-too-short',
      'title-promotional',
      'too-few-images',
      'no-video',
      'missing-attributes',
      'price-above-median',
      'low-stock',
      'out-of-stock',
      'sales-decline',
      'cancellation-rate',
      'stale-price',
    ];
    for (const marketplace of marketplaces) {
      const rules = rulesFor(marketplace);
      const ids = rules.map((r) => r.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toEqual(expect.arrayContaining(required.map((r) => `${marketplace}.${r}`)));
      for (const rule of rules) {
        expect(rule.marketplace).toBe(marketplace);
        expect(rule.source.length, rule.id).toBeGreaterThan(10);
        expect(Object.values(rule.thresholds).every(Number.isFinite)).toBe(true);
      }
      expect(defaultKnowledge(marketplace)).toMatchObject({ thresholds: {}, baselines: {}, competitorNotes: [] });
      expect(defaultKnowledge(marketplace).bestPractices.length).toBeGreaterThan(0);
    }
    const limit = (m: (typeof marketplaces)[number]) => rulesFor(m).find((r) => r.id === `${m}.title-too-long`)?.thresholds.maxChars;
    expect([limit('amazon'), limit('mercadolivre'), limit('tiktokshop')]).toEqual([200, 60, 255]);
    expect(rulesFor('kaway').map((r) => r.id)).toContain('kaway.price-below-median');
    // A copy: editing what rulesFor returns does not change the pack.
    (rulesFor('amazon')[0] as { thresholds: Record<string, number> }).thresholds.maxChars = 1;
    expect(limit('amazon')).toBe(200);
  });

  it('docs/agents-rules.md lists every rule with its default thresholds', () => {
    const doc = readFileSync(new URL('../../../../docs/agents-rules.md', import.meta.url), 'utf8');
    for (const marketplace of marketplaces) {
      for (const rule of rulesFor(marketplace)) {
        const row = doc.split('\n').find((line) => line.startsWith(`| \`${rule.id}\` |`));
        expect(row, rule.id).toBeDefined();
        for (const [name, value] of Object.entries(rule.thresholds)) expect(row, `${rule.id}.${name}`).toContain(`\`${name}\`=${value}`);
      }
    }
  });
});
