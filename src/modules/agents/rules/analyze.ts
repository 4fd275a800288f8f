import type { Marketplace } from '../../../contracts/tasks.ts';
import type { DbOrTx } from '../../../db/client.ts';
import { type ListingFact, listingFacts, listingPriceMedians, type PriceMedian } from '../../catalog/index.ts';
import { skuSales, storeOrderStats } from '../../orders/index.ts';
import { listStores } from '../../stores/index.ts';
import type { AnalyzeChannelInput, ChannelAnalysis, Knowledge, Proposal, ProposalSubject, RuleInfo } from '../analysis.types.ts';
import { packs } from './packs.ts';
import type { AnyRuleDef, CheckCtx, Finding, ListingSubject, ProductSubject, RuleDef, StoreSubject, SubjectKind, ThresholdOf } from './rule.types.ts';

/** Listings read per query while analysing (bounded memory on large catalogs). */
export const FACTS_PAGE = 5000;
/** At most this many proposals are returned (the best by impact); `hits` still counts every flagged subject. */
export const MAX_PROPOSALS = 1000;
const DAY = 86_400_000;

export const ruleId = (marketplace: Marketplace, rule: string) => `${marketplace}.${rule}`;

/** The rules of a marketplace as shown on the Agents page and in docs/agents-rules.md. */
export function rulesFor(marketplace: Marketplace): RuleInfo[] {
  return packs[marketplace].rules.map((r) => ({
    id: ruleId(marketplace, r.rule),
    marketplace,
    title: r.title,
    description: r.description,
    source: r.source,
    thresholds: { ...r.thresholds },
  }));
}

/** The knowledge an agent starts with: no overrides, the pack's best practices and algorithm notes. */
export function defaultKnowledge(marketplace: Marketplace): Knowledge {
  const pack = packs[marketplace];
  return { thresholds: {}, baselines: {}, bestPractices: [...pack.bestPractices], algorithmNotes: [...pack.algorithmNotes], competitorNotes: [] };
}

/**
 * A rule's thresholds with the org's overrides: `<marketplace>.<rule>.<name>`, then `<rule>.<name>`, then `<name>`,
 * then the pack's default. Non-finite overrides are ignored. `enabled` = 0 switches a rule off.
 */
export function thresholdsOf(marketplace: Marketplace, rule: Pick<RuleDef, 'rule' | 'thresholds'>, overrides: Record<string, number>): ThresholdOf {
  const id = ruleId(marketplace, rule.rule);
  return (name) => {
    for (const key of [`${id}.${name}`, `${rule.rule}.${name}`, name]) {
      const value = overrides[key];
      if (typeof value === 'number' && Number.isFinite(value)) return value;
    }
    return rule.thresholds[name] ?? (name === 'enabled' ? 1 : Number.NaN);
  };
}

/** 0-100 from the revenue at stake per 30 days (minor units) and the rule's weight: weight × (30 + 14 × log10(1 + stake in major units)). */
export function impactScore(stake: number, weight: number): number {
  const major = Math.max(0, stake) / 100;
  return Math.max(1, Math.min(100, Math.round(weight * (30 + 14 * Math.log10(1 + major)))));
}

type Subject = ProductSubject | ListingSubject | StoreSubject;

function subjectOf(kind: SubjectKind, s: Subject): { subject: ProposalSubject; key: string; ids: Record<string, unknown> } {
  if (kind === 'store') return { subject: { storeId: s.storeId }, key: s.storeId, ids: { storeId: s.storeId } };
  if (kind === 'product') {
    const p = s as ProductSubject;
    return {
      subject: { storeId: p.storeId, productId: p.productId, ...(p.listingIds[0] ? { listingId: p.listingIds[0] } : {}) },
      key: `${p.productId}@${p.storeId}`,
      ids: { storeId: p.storeId, productId: p.productId, listingIds: p.listingIds, skus: p.skus },
    };
  }
  const l = s as ListingSubject;
  return {
    subject: { storeId: l.storeId, productId: l.productId, variantId: l.variantId, listingId: l.listingId, ...(l.sku ? { sku: l.sku } : {}) },
    key: l.listingId,
    ids: { storeId: l.storeId, productId: l.productId, variantId: l.variantId, listingId: l.listingId, sku: l.sku },
  };
}

const clip = (text: string, max: number) => ([...text].length <= max ? text : `${[...text].slice(0, max - 1).join('')}…`);

/** Turns one finding into a proposal: stable dedupe key, impact from the stake, evidence with ids. */
export function toProposal(marketplace: Marketplace, rule: AnyRuleDef, kind: SubjectKind, s: Subject, finding: Finding): Proposal {
  const id = ruleId(marketplace, rule.rule);
  const { subject, key, ids } = subjectOf(kind, s);
  return {
    ruleId: id,
    dedupeKey: `${id}:${key}`,
    subject,
    title: clip(finding.title, 200),
    description: finding.description,
    category: rule.category,
    priority: rule.priority,
    estimatedHours: rule.estimatedHours,
    impact: impactScore(finding.stake, rule.weight),
    evidence: {
      ruleId: id,
      ...ids,
      current: finding.current,
      target: finding.target,
      threshold: finding.threshold,
      revenueAtStake: Math.round(finding.stake),
      ...('currency' in s ? { currency: s.currency } : {}),
      ...finding.details,
    },
  };
}

const byImpact = (a: Proposal, b: Proposal) => b.impact - a.impact || (a.dedupeKey < b.dedupeKey ? -1 : a.dedupeKey > b.dedupeKey ? 1 : 0);

/** Keeps the best proposals by impact without holding every finding of a large catalog. */
class Best {
  items: Proposal[] = [];
  readonly max: number;
  constructor(max: number) {
    this.max = max;
  }
  add(p: Proposal) {
    this.items.push(p);
    if (this.items.length >= this.max * 2) this.trim();
  }
  trim() {
    this.items.sort(byImpact);
    this.items.length = Math.min(this.items.length, this.max);
    return this.items;
  }
}

/**
 * Runs the marketplace's rule pack over the org's synced data for the stores of that marketplace: listing facts
 * (paged by id), sales by (store, SKU) and order outcomes by store, each one set-based query. Pure checks do the rest.
 */
export async function analyzeChannel(db: DbOrTx, input: AnalyzeChannelInput): Promise<ChannelAnalysis> {
  const pack = packs[input.marketplace];
  const hits: Record<string, number> = {};
  const empty: ChannelAnalysis = { proposals: [], hits, context: { stores: 0, listings: 0, orders: 0 } };
  if (pack.platforms.length === 0) return empty;
  // A disconnected store's data stays, but proposals about it could not be acted on.
  const stores = (await listStores({ orgId: input.orgId, db })).filter((s) => pack.platforms.includes(s.platform) && s.status !== 'disconnected');
  if (stores.length === 0) return empty;
  const storeIds = stores.map((s) => s.id);
  const now = input.now;
  const [sales, orderStats, medians] = await Promise.all([
    skuSales(db, input.orgId, storeIds, now),
    storeOrderStats(db, input.orgId, storeIds, new Date(now.getTime() - 30 * DAY)),
    listingPriceMedians(db, input.orgId, storeIds),
  ]);
  const salesOf = new Map(sales.map((s) => [`${s.storeId}|${s.sku}`, s]));
  const medianOf = new Map(medians.map((m) => [`${m.productType ?? ''}|${m.currency}`, m]));

  const ctx: CheckCtx = { marketplace: input.marketplace, channel: pack.channel, now, promotionalTerms: pack.promotionalTerms };
  const overrides = input.knowledge.thresholds ?? {};
  const active = pack.rules.map((rule) => ({ rule, t: thresholdsOf(input.marketplace, rule, overrides) })).filter(({ t }) => t('enabled') !== 0);
  const ofKind = (kind: SubjectKind) => active.filter(({ rule }) => rule.kind === kind);
  const best = new Best(MAX_PROPOSALS);
  const run = (kind: SubjectKind, subject: Subject) => {
    for (const { rule, t } of ofKind(kind)) {
      const finding = (rule.check as unknown as (s: Subject, t: ThresholdOf, c: CheckCtx) => Finding | null)(subject, t, ctx);
      if (!finding) continue;
      const id = ruleId(input.marketplace, rule.rule);
      hits[id] = (hits[id] ?? 0) + 1;
      best.add(toProposal(input.marketplace, rule, kind, subject, finding));
    }
  };

  const productsSeen = new Map<string, ProductSubject>();
  const storeRevenue = new Map<string, number>();
  let listingCount = 0;
  let afterId: string | undefined;
  for (;;) {
    const page = await listingFacts(db, input.orgId, storeIds, { ...(afterId ? { afterId } : {}), limit: FACTS_PAGE });
    for (const fact of page) {
      const listing = toListingSubject(
        fact,
        fact.sku ? salesOf.get(`${fact.storeId}|${fact.sku}`) : undefined,
        fact.productType ? medianOf.get(`${fact.productType}|${fact.currency}`) : undefined,
        medianOf.get(`|${fact.currency}`),
      );
      run('listing', listing);
      storeRevenue.set(listing.storeId, (storeRevenue.get(listing.storeId) ?? 0) + listing.revenue30);
      addToProduct(productsSeen, fact, listing);
    }
    listingCount += page.length;
    if (page.length < FACTS_PAGE) break;
    afterId = page[page.length - 1]?.listingId;
  }
  for (const product of productsSeen.values()) run('product', product);
  const statsOf = new Map(orderStats.map((s) => [s.storeId, s]));
  for (const store of stores) {
    const stats = statsOf.get(store.id);
    run('store', {
      storeId: store.id,
      storeName: store.name,
      orders: stats?.orders ?? 0,
      cancelled: stats?.cancelled ?? 0,
      revenue30: storeRevenue.get(store.id) ?? 0,
    });
  }
  return {
    proposals: best.trim(),
    hits,
    context: { stores: stores.length, listings: listingCount, orders: orderStats.reduce((sum, s) => sum + s.orders, 0) },
  };
}

type Sales = Awaited<ReturnType<typeof skuSales>>[number];

export function toListingSubject(
  fact: ListingFact,
  sales: Sales | undefined,
  byType: PriceMedian | undefined,
  overall: PriceMedian | undefined,
): ListingSubject {
  const units30 = sales?.units30 ?? 0;
  const velocity = units30 / 30;
  return {
    storeId: fact.storeId,
    productId: fact.productId,
    variantId: fact.variantId,
    listingId: fact.listingId,
    sku: fact.sku,
    status: fact.listingStatus,
    title: fact.title,
    price: Number(fact.priceAmount),
    currency: fact.currency,
    available: fact.available,
    typeMedian: byType?.median ?? null,
    typePeers: byType?.peers ?? 0,
    overallMedian: overall?.median ?? null,
    overallPeers: overall?.peers ?? 0,
    priceUpdatedAt: fact.priceUpdatedAt,
    units7: sales?.units7 ?? 0,
    units30,
    unitsLast14: sales?.unitsLast14 ?? 0,
    unitsPrev14: sales?.unitsPrev14 ?? 0,
    revenue30: Number(sales?.revenue30 ?? 0),
    velocity,
    coverDays: velocity > 0 && fact.available !== null ? Math.max(0, fact.available) / velocity : null,
  };
}

function addToProduct(products: Map<string, ProductSubject>, fact: ListingFact, listing: ListingSubject) {
  const key = `${fact.productId}@${fact.storeId}`;
  const seen = products.get(key);
  if (!seen) {
    products.set(key, {
      storeId: fact.storeId,
      productId: fact.productId,
      listingIds: [fact.listingId],
      skus: fact.sku ? [fact.sku] : [],
      title: fact.title,
      description: fact.description,
      productType: fact.productType,
      imageCount: fact.imageCount,
      videoCount: fact.videoCount,
      minAttributeCount: fact.attributeCount,
      maxPrice: listing.price,
      currency: fact.currency,
      revenue30: listing.revenue30,
    });
    return;
  }
  seen.listingIds.push(fact.listingId);
  if (fact.sku) seen.skus.push(fact.sku);
  seen.minAttributeCount = Math.min(seen.minAttributeCount, fact.attributeCount);
  seen.maxPrice = Math.max(seen.maxPrice, listing.price);
  seen.revenue30 += listing.revenue30;
}
