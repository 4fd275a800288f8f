import type { Proposal } from '../analysis.types.ts';
import type { Check, CheckCtx, Finding, ListingSubject, ProductSubject, RuleDef, SubjectKind } from './rule.types.ts';

/**
 * The checks every pack is built from: small pure functions over one subject and its thresholds.
 * A pack picks the checks that apply to its channel and gives each its source, thresholds and task fields.
 */

const DAY = 86_400_000;

/** `BRL 129.90` (minor units, two decimals: every currency of the connected channels). */
export const money = (amount: number, currency: string) => `${currency} ${(amount / 100).toFixed(2)}`;
const round1 = (value: number) => Math.round(value * 10) / 10;
/** Units per day: two decimals, so one sale a month reads 0.03, not 0. */
const perDay = (value: number) => Math.round(value * 100) / 100;
/** A title quoted inside a task title, clipped so the task title stays short. */
export const quote = (text: string, max = 60) => {
  const chars = [...text];
  return `"${
    chars.length > max
      ? `${chars
          .slice(0, max - 1)
          .join('')
          .trimEnd()}…`
      : text
  }"`;
};
/** Length as the channels count it: characters (code points), spaces included. */
export const charLength = (text: string) => [...text].length;
const plainText = (html: string) =>
  html
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;|&amp;|&lt;|&gt;|&quot;|&#39;/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
const fold = (text: string) => text.toLowerCase().normalize('NFD').replace(/\p{M}/gu, '');

/** The promotional terms found in a title, matched on word boundaries, case- and accent-insensitive. */
export function promotionalTermsIn(title: string, terms: readonly string[]): string[] {
  const words = (text: string) =>
    fold(text)
      .replace(/[^\p{L}\p{N}%]+/gu, ' ')
      .trim();
  const folded = ` ${words(title)} `;
  const found = new Map<string, string>();
  for (const term of terms) {
    const key = words(term);
    if (!found.has(key) && folded.includes(` ${key} `)) found.set(key, term);
  }
  return [...found.values()];
}

/** What a product sells per 30 days, or one sale at its highest price when it sold nothing (the least at stake). */
const productBase = (p: ProductSubject) => Math.max(p.revenue30, p.maxPrice);
const listingBase = (l: ListingSubject) => Math.max(l.revenue30, l.price);
const unitPrice = (l: ListingSubject) => (l.units30 > 0 ? l.revenue30 / l.units30 : l.price);

/** The median a listing's price is compared with: its product type's when it has enough peers, else the channel's. */
export function comparableMedian(l: ListingSubject, minPeers: number): { median: number; peers: number; basis: 'product-type' | 'channel' } | null {
  if (l.typeMedian !== null && l.typePeers >= minPeers) return { median: l.typeMedian, peers: l.typePeers, basis: 'product-type' };
  if (l.overallMedian !== null && l.overallPeers >= minPeers) return { median: l.overallMedian, peers: l.overallPeers, basis: 'channel' };
  return null;
}

/** The task fields a pack gives each rule. */
export interface RuleSpec {
  source: string;
  thresholds?: Record<string, number>;
  category?: Proposal['category'];
  priority?: Proposal['priority'];
  estimatedHours?: number;
  weight?: number;
  /** Replaces the default rule description (channel-specific wording). */
  description?: string;
}

function define<K extends SubjectKind>(base: Omit<RuleDef<K>, 'source' | 'thresholds'> & { thresholds: Record<string, number> }, spec: RuleSpec): RuleDef<K> {
  return {
    ...base,
    source: spec.source,
    description: spec.description ?? base.description,
    thresholds: { ...base.thresholds, ...spec.thresholds },
    category: spec.category ?? base.category,
    priority: spec.priority ?? base.priority,
    estimatedHours: spec.estimatedHours ?? base.estimatedHours,
    weight: spec.weight ?? base.weight,
  };
}

const titleTooLongCheck: Check<'product'> = (p, t, ctx) => {
  const max = t('maxChars');
  const length = charLength(p.title);
  if (length <= max) return null;
  return {
    title: `Shorten the ${ctx.channel} title of ${quote(p.title)} to at most ${max} characters (now ${length})`,
    description:
      `The title has ${length} characters; ${ctx.channel} allows or recommends at most ${max}. Over-long titles are truncated in search and on mobile, ` +
      'and the channel may suppress or reject them. Keep brand, product type and the key attribute in the first words and drop filler. ' +
      'Expected outcome: the listing complies and its search snippet shows the words buyers look for.',
    current: length,
    target: max,
    threshold: { maxChars: max },
    stake: productBase(p) * 0.1,
    details: { title: p.title },
  };
};
export const titleTooLong = (spec: RuleSpec) =>
  define(
    {
      rule: 'title-too-long',
      kind: 'product',
      title: 'Title too long',
      description: 'The title is longer than the channel allows or recommends.',
      thresholds: { maxChars: 200 },
      category: 'optimization',
      priority: 'high',
      estimatedHours: 0.25,
      weight: 0.9,
      check: titleTooLongCheck,
    },
    spec,
  );

const titleTooShortCheck: Check<'product'> = (p, t, ctx) => {
  const min = t('minChars');
  const length = charLength(p.title.trim());
  if (length >= min) return null;
  return {
    title: `Expand the ${ctx.channel} title ${quote(p.title)} to at least ${min} characters with brand, type and key attributes`,
    description:
      `The title has only ${length} characters (at least ${min} expected). Short titles miss the search terms buyers use ` +
      `(brand, product type, material, size, colour) and rank below complete listings on ${ctx.channel}. ` +
      'Expected outcome: the listing is found for more queries and its click-through rate rises.',
    current: length,
    target: min,
    threshold: { minChars: min },
    stake: productBase(p) * 0.15,
    details: { title: p.title, productType: p.productType },
  };
};
export const titleTooShort = (spec: RuleSpec) =>
  define(
    {
      rule: 'title-too-short',
      kind: 'product',
      title: 'Title too short',
      description: 'The title is too short to carry the search terms buyers use.',
      thresholds: { minChars: 30 },
      category: 'optimization',
      priority: 'medium',
      estimatedHours: 0.25,
      weight: 0.8,
      check: titleTooShortCheck,
    },
    spec,
  );

const titlePromotionalCheck: Check<'product'> = (p, _t, ctx) => {
  const found = promotionalTermsIn(p.title, ctx.promotionalTerms);
  if (found.length === 0) return null;
  return {
    title: `Remove promotional wording (${found.slice(0, 3).join(', ')}) from the ${ctx.channel} title ${quote(p.title, 50)}`,
    description:
      `The title contains ${found.map((f) => `"${f}"`).join(', ')}. ${ctx.channel}'s listing rules forbid promotional or subjective claims in titles ` +
      '(shipping, discounts, rankings); such listings can be suppressed. Move offers to promotions and keep the title factual. ' +
      'Expected outcome: the listing stays searchable and compliant.',
    current: found,
    target: [],
    threshold: {},
    stake: productBase(p) * 0.1,
    details: { title: p.title },
  };
};
export const titlePromotional = (spec: RuleSpec) =>
  define(
    {
      rule: 'title-promotional',
      kind: 'product',
      title: 'Promotional words in the title',
      description: 'The title carries promotional phrases the channel forbids.',
      thresholds: {},
      category: 'best-practice',
      priority: 'high',
      estimatedHours: 0.25,
      weight: 0.85,
      check: titlePromotionalCheck,
    },
    spec,
  );

const tooFewImagesCheck: Check<'product'> = (p, t, ctx) => {
  const min = t('minImages');
  if (p.imageCount >= min) return null;
  const none = p.imageCount === 0;
  return {
    title: none
      ? `Add images to ${quote(p.title)}: it has none on ${ctx.channel} (at least ${min} recommended)`
      : `Add ${min - p.imageCount} more image(s) to ${quote(p.title)} on ${ctx.channel} (${p.imageCount} of ${min})`,
    description:
      `The product has ${p.imageCount} image(s); ${ctx.channel} recommends at least ${min} (main image on a clean background, ` +
      'then angles, details, scale and use). Listings without images are hidden or rejected by most channels; more images raise conversion. ' +
      'Expected outcome: the listing is eligible everywhere and converts better.',
    current: p.imageCount,
    target: min,
    threshold: { minImages: min },
    stake: productBase(p) * (none ? 0.5 : (0.3 * (min - p.imageCount)) / min),
  };
};
export const tooFewImages = (spec: RuleSpec) =>
  define(
    {
      rule: 'too-few-images',
      kind: 'product',
      title: 'Too few images',
      description: 'The product has fewer images than the channel recommends (none at all: high priority).',
      thresholds: { minImages: 3 },
      category: 'optimization',
      priority: 'high',
      estimatedHours: 1,
      weight: 0.9,
      check: tooFewImagesCheck,
    },
    spec,
  );

const noVideoCheck: Check<'product'> = (p, t, ctx) => {
  const min = t('minVideos');
  if (p.videoCount >= min) return null;
  return {
    title: `Add a product video to ${quote(p.title)} on ${ctx.channel}`,
    description:
      `The product has ${p.videoCount} video(s). ${ctx.channel} gives listings with video more exposure and buyers convert better ` +
      'when they see the product in use. A short (15-60 s) clip of the product in use is enough. Expected outcome: more exposure and conversion.',
    current: p.videoCount,
    target: min,
    threshold: { minVideos: min },
    stake: productBase(p) * 0.05,
  };
};
export const noVideo = (spec: RuleSpec) =>
  define(
    {
      rule: 'no-video',
      kind: 'product',
      title: 'No video',
      description: 'The product has no video.',
      thresholds: { minVideos: 1 },
      category: 'best-practice',
      priority: 'low',
      estimatedHours: 2,
      weight: 0.5,
      check: noVideoCheck,
    },
    spec,
  );

const missingAttributesCheck: Check<'product'> = (p, t, ctx) => {
  const minDescription = t('minDescriptionChars');
  const minAttributes = t('minVariantAttributes');
  const descriptionLength = charLength(plainText(p.description));
  const missing: string[] = [];
  if (!p.productType?.trim()) missing.push('product type / category');
  if (descriptionLength < minDescription) missing.push(`description (${descriptionLength} of ${minDescription} characters)`);
  if (p.minAttributeCount < minAttributes) missing.push(`variant attributes (${p.minAttributeCount} of ${minAttributes})`);
  if (missing.length === 0) return null;
  return {
    title: `Complete the ${ctx.channel} listing data of ${quote(p.title)}: ${missing.map((m) => m.replace(/ \(.*\)$/, '')).join(', ')}`,
    description:
      `Missing or thin: ${missing.join('; ')}. ${ctx.channel} uses category, attributes and description for search filters and ` +
      'listing-quality scores; incomplete listings drop out of filtered results. Expected outcome: the listing appears in filtered search and scores higher.',
    current: { productType: p.productType, descriptionChars: descriptionLength, variantAttributes: p.minAttributeCount },
    target: { productType: 'set', descriptionChars: minDescription, variantAttributes: minAttributes },
    threshold: { minDescriptionChars: minDescription, minVariantAttributes: minAttributes },
    stake: productBase(p) * 0.1 * missing.length,
    details: { missing },
  };
};
export const missingAttributes = (spec: RuleSpec) =>
  define(
    {
      rule: 'missing-attributes',
      kind: 'product',
      title: 'Missing category, attributes or description',
      description: 'The product type, the variant attributes or the description are empty or too thin.',
      thresholds: { minDescriptionChars: 100, minVariantAttributes: 1 },
      category: 'optimization',
      priority: 'medium',
      estimatedHours: 0.5,
      weight: 0.7,
      check: missingAttributesCheck,
    },
    spec,
  );

function priceGap(l: ListingSubject, t: (name: string) => number) {
  const base = comparableMedian(l, t('minPeers'));
  if (!base || base.median <= 0) return null;
  return { ...base, gapPct: ((l.price - base.median) / base.median) * 100 };
}

const priceAboveMedianCheck: Check<'listing'> = (l, t, ctx) => {
  const max = t('maxAbovePct');
  const gap = priceGap(l, t);
  if (!gap || gap.gapPct <= max) return null;
  const target = Math.floor(gap.median * (1 + max / 100));
  const basis = gap.basis === 'product-type' ? 'comparable items of the same type' : 'the channel';
  return {
    title: `Review the price of ${quote(l.title, 50)} on ${ctx.channel}: ${round1(gap.gapPct)}% above the median of ${basis}`,
    description:
      `The listing costs ${money(l.price, l.currency)}; the median of ${gap.peers} ${basis} is ${money(gap.median, l.currency)}. ` +
      `Marketplace search and buy-box logic favour competitive prices. Consider repricing to ${money(target, l.currency)} or below, ` +
      'or justify the premium in title, images and description. Expected outcome: more visibility and conversion.',
    current: l.price,
    target,
    threshold: { maxAbovePct: max, minPeers: t('minPeers') },
    stake: listingBase(l) * Math.min(1, gap.gapPct / 100),
    details: { median: gap.median, peers: gap.peers, basis: gap.basis, gapPct: round1(gap.gapPct), currency: l.currency },
  };
};
export const priceAboveMedian = (spec: RuleSpec) =>
  define(
    {
      rule: 'price-above-median',
      kind: 'listing',
      title: 'Price above the channel median',
      description: 'The price is more than X % above the median of comparable items (same product type, or the whole channel).',
      thresholds: { maxAbovePct: 25, minPeers: 5 },
      category: 'analysis',
      priority: 'medium',
      estimatedHours: 0.5,
      weight: 0.7,
      check: priceAboveMedianCheck,
    },
    spec,
  );

const priceBelowMedianCheck: Check<'listing'> = (l, t, ctx) => {
  const max = t('maxBelowPct');
  const gap = priceGap(l, t);
  if (!gap || -gap.gapPct <= max) return null;
  const target = Math.ceil(gap.median * (1 - max / 100));
  return {
    title: `Reposition the price of ${quote(l.title, 50)} on ${ctx.channel}: ${round1(-gap.gapPct)}% below comparable items`,
    description:
      `The listing costs ${money(l.price, l.currency)}; the median of ${gap.peers} comparable items is ${money(gap.median, l.currency)}. ` +
      `On a premium channel a price far below peers undermines the positioning and leaves margin on the table; consider ${money(target, l.currency)} ` +
      'or more with premium content. Expected outcome: consistent premium positioning and better margin.',
    current: l.price,
    target,
    threshold: { maxBelowPct: max, minPeers: t('minPeers') },
    stake: listingBase(l) * Math.min(1, -gap.gapPct / 100),
    details: { median: gap.median, peers: gap.peers, basis: gap.basis, gapPct: round1(gap.gapPct), currency: l.currency },
  };
};
export const priceBelowMedian = (spec: RuleSpec) =>
  define(
    {
      rule: 'price-below-median',
      kind: 'listing',
      title: 'Price far below comparable items',
      description: 'The price is more than X % below the median of comparable items (premium positioning).',
      thresholds: { maxBelowPct: 30, minPeers: 5 },
      category: 'analysis',
      priority: 'low',
      estimatedHours: 0.5,
      weight: 0.5,
      check: priceBelowMedianCheck,
    },
    spec,
  );

const lowStockCheck: Check<'listing'> = (l, t, ctx) => {
  if (l.status !== 'active' || l.available === null || l.available <= 0) return null;
  const minCover = t('minCoverDays');
  const minAvailable = t('minAvailable');
  const selling = l.velocity > 0 && l.coverDays !== null;
  const shortCover = selling && (l.coverDays as number) < minCover;
  if (!shortCover && l.available > minAvailable) return null;
  const need = selling ? Math.max(0, Math.ceil(l.velocity * minCover) - l.available) : minAvailable + 1 - l.available;
  return {
    title: shortCover
      ? `Restock ${l.sku ?? quote(l.title, 50)} on ${ctx.channel}: ${l.available} left, about ${round1(l.coverDays as number)} days of sales`
      : `Restock ${l.sku ?? quote(l.title, 50)} on ${ctx.channel}: only ${l.available} unit(s) left`,
    description:
      (shortCover
        ? `The listing sold ${l.units30} unit(s) in 30 days (${perDay(l.velocity)}/day); ${l.available} in stock cover ${round1(l.coverDays as number)} days, below the ${minCover}-day target. `
        : `Only ${l.available} unit(s) are in stock (at most ${minAvailable} triggers a warning). `) +
      `Replenish about ${need} unit(s) before it sells out; an out-of-stock listing loses its ranking on ${ctx.channel}. Expected outcome: no lost sales or ranking.`,
    current: { available: l.available, coverDays: l.coverDays === null ? null : round1(l.coverDays) },
    target: { coverDays: minCover, replenishUnits: need },
    threshold: { minCoverDays: minCover, minAvailable },
    stake: selling ? l.velocity * unitPrice(l) * Math.max(1, minCover - (l.coverDays as number)) : l.price,
    details: { units7: l.units7, units30: l.units30, velocityPerDay: perDay(l.velocity) },
  };
};
export const lowStock = (spec: RuleSpec) =>
  define(
    {
      rule: 'low-stock',
      kind: 'listing',
      title: 'Low stock cover',
      description: 'An active listing whose stock lasts fewer than N days at the 30-day sales velocity, or with only a few units left.',
      thresholds: { minCoverDays: 14, minAvailable: 3 },
      category: 'scaling',
      priority: 'high',
      estimatedHours: 0.5,
      weight: 0.9,
      check: lowStockCheck,
    },
    spec,
  );

const outOfStockCheck: Check<'listing'> = (l, t, ctx) => {
  if (l.status !== 'active' || l.available === null || l.available > 0) return null;
  const minUnits = t('minUnits30');
  const selling = l.units30 >= minUnits && l.units30 > 0;
  return {
    title: selling
      ? `Restock ${l.sku ?? quote(l.title, 50)} on ${ctx.channel}: out of stock after selling ${l.units30} in 30 days`
      : `Restock or pause ${l.sku ?? quote(l.title, 50)} on ${ctx.channel}: it is out of stock`,
    description:
      `The listing has ${l.available} unit(s) available` +
      (selling ? ` and sold ${l.units30} unit(s) in the last 30 days (${perDay(l.velocity)}/day): every day out of stock loses sales. ` : '. ') +
      `${ctx.channel} demotes listings that stay out of stock. Replenish, or pause the listing until stock arrives. Expected outcome: sales and ranking recovered.`,
    current: l.available,
    target: selling ? Math.ceil(l.velocity * 30) : 1,
    threshold: { minUnits30: minUnits },
    stake: selling ? l.velocity * unitPrice(l) * 30 : l.price * 0.5,
    details: { units7: l.units7, units30: l.units30, velocityPerDay: perDay(l.velocity), withSales: selling },
  };
};
export const outOfStock = (spec: RuleSpec) =>
  define(
    {
      rule: 'out-of-stock',
      kind: 'listing',
      title: 'Out of stock',
      description: 'An active listing with no stock available (high impact when it sold recently).',
      thresholds: { minUnits30: 1 },
      category: 'scaling',
      priority: 'high',
      estimatedHours: 0.5,
      weight: 1,
      check: outOfStockCheck,
    },
    spec,
  );

const salesDeclineCheck: Check<'listing'> = (l, t, ctx) => {
  const minPrev = t('minPrevUnits');
  const dropPct = t('dropPct');
  if (l.unitsPrev14 < minPrev || l.unitsPrev14 === 0) return null;
  const drop = ((l.unitsPrev14 - l.unitsLast14) / l.unitsPrev14) * 100;
  if (drop < dropPct) return null;
  return {
    title: `Investigate the sales drop of ${l.sku ?? quote(l.title, 50)} on ${ctx.channel}: ${l.unitsLast14} units in 14 days vs ${l.unitsPrev14} before (-${round1(drop)}%)`,
    description:
      `Units sold fell from ${l.unitsPrev14} (days 15-28 ago) to ${l.unitsLast14} (last 14 days). Check price against competitors, ` +
      'stock, ranking, reviews and ads. Expected outcome: the cause found and the previous sales level restored.',
    current: l.unitsLast14,
    target: l.unitsPrev14,
    threshold: { dropPct, minPrevUnits: minPrev },
    stake: (l.unitsPrev14 - l.unitsLast14) * unitPrice(l) * (30 / 14),
    details: { dropPct: round1(drop), unitsLast14: l.unitsLast14, unitsPrev14: l.unitsPrev14 },
  };
};
export const salesDecline = (spec: RuleSpec) =>
  define(
    {
      rule: 'sales-decline',
      kind: 'listing',
      title: 'Sales decline',
      description: 'Units sold in the last 14 days fell by X % or more against the 14 days before.',
      thresholds: { dropPct: 40, minPrevUnits: 5 },
      category: 'analysis',
      priority: 'medium',
      estimatedHours: 1,
      weight: 0.8,
      check: salesDeclineCheck,
    },
    spec,
  );

const stalePriceCheck: Check<'listing'> = (l, t, ctx) => {
  if (!l.priceUpdatedAt) return null;
  const changed = Date.parse(l.priceUpdatedAt);
  if (Number.isNaN(changed)) return null;
  const maxAge = t('maxAgeDays');
  const age = Math.floor((ctx.now.getTime() - changed) / DAY);
  if (age <= maxAge) return null;
  return {
    title: `Review the price of ${quote(l.title, 50)} on ${ctx.channel}: unchanged for ${age} days`,
    description:
      `The price (${money(l.price, l.currency)}) was last changed on ${l.priceUpdatedAt.slice(0, 10)}, ${age} days ago (review after ${maxAge}). ` +
      'Costs, competitors and channel fees move; check it still earns its margin and competes. Expected outcome: a price that is current.',
    current: age,
    target: maxAge,
    threshold: { maxAgeDays: maxAge },
    stake: listingBase(l) * 0.05,
    details: { priceUpdatedAt: l.priceUpdatedAt },
  };
};
export const stalePrice = (spec: RuleSpec) =>
  define(
    {
      rule: 'stale-price',
      kind: 'listing',
      title: 'Stale price',
      description: 'The price has not changed for more than N days (when the channel tells when it last changed).',
      thresholds: { maxAgeDays: 180 },
      category: 'analysis',
      priority: 'low',
      estimatedHours: 0.25,
      weight: 0.4,
      check: stalePriceCheck,
    },
    spec,
  );

const cancellationRateCheck: Check<'store'> = (s, t, ctx) => {
  const minOrders = t('minOrders');
  const max = t('maxRatePct');
  if (s.orders < minOrders || s.orders === 0) return null;
  const rate = (s.cancelled / s.orders) * 100;
  if (rate <= max) return null;
  return {
    title: `Bring the order cancellation rate of ${ctx.channel} store "${s.storeName}" below ${max}% (now ${round1(rate)}%)`,
    description:
      `${s.cancelled} of ${s.orders} orders placed in the last 30 days were cancelled (${round1(rate)}%; target at most ${max}%). ` +
      `${ctx.channel} penalises sellers whose cancellation rate is high (account health, reputation, visibility). Check stock accuracy and ` +
      'the reasons of the cancelled orders. Expected outcome: a healthy account and fewer lost sales.',
    current: round1(rate),
    target: max,
    threshold: { maxRatePct: max, minOrders },
    stake: Math.max(s.revenue30, 0) * Math.min(1, rate / 100) + 10_000,
    details: { orders: s.orders, cancelled: s.cancelled },
  };
};
export const cancellationRate = (spec: RuleSpec) =>
  define(
    {
      rule: 'cancellation-rate',
      kind: 'store',
      title: 'Order cancellation rate',
      description: 'The share of the store’s orders cancelled in the last 30 days is above the channel’s threshold.',
      thresholds: { maxRatePct: 2.5, minOrders: 20 },
      category: 'analysis',
      priority: 'high',
      estimatedHours: 2,
      weight: 1,
      check: cancellationRateCheck,
    },
    spec,
  );

export type { CheckCtx, Finding };
