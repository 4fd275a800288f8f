import type { Marketplace } from '../../../contracts/tasks.ts';
import type { Proposal } from '../analysis.types.ts';

/** Amounts are in minor units of `currency` (cents); stakes are revenue per 30 days in minor units. */

/** A product as listed on one store: what the content rules (title, images, video, attributes) read. */
export interface ProductSubject {
  storeId: string;
  productId: string;
  /** The listing ids of the product's variants on the store (evidence). */
  listingIds: string[];
  skus: string[];
  title: string;
  description: string;
  productType: string | null;
  imageCount: number;
  videoCount: number;
  /** The fewest variant attributes any of its variants has. */
  minAttributeCount: number;
  /** The highest listing price (what one sale brings at most) and the 30-day revenue of every variant. */
  maxPrice: number;
  currency: string;
  revenue30: number;
}

/** One listing (a variant on a store) with its sales: what the price, stock and trend rules read. */
export interface ListingSubject {
  storeId: string;
  productId: string;
  variantId: string;
  listingId: string;
  sku: string | null;
  /** The channel's status of the listing (active, inactive, draft): stock rules only look at active listings. */
  status: string;
  title: string;
  price: number;
  currency: string;
  available: number | null;
  typeMedian: number | null;
  typePeers: number;
  overallMedian: number | null;
  overallPeers: number;
  priceUpdatedAt: string | null;
  units7: number;
  units30: number;
  unitsLast14: number;
  unitsPrev14: number;
  revenue30: number;
  /** Units per day over the last 30 days. */
  velocity: number;
  /** Days the available stock lasts at `velocity` (null without sales or without a stock level). */
  coverDays: number | null;
}

/** A store of the marketplace with its order outcomes over the last 30 days. */
export interface StoreSubject {
  storeId: string;
  storeName: string;
  orders: number;
  cancelled: number;
  /** Revenue of the store's non-cancelled orders' lines in the last 30 days. */
  revenue30: number;
}

export type SubjectKind = 'product' | 'listing' | 'store';
export interface SubjectOf {
  product: ProductSubject;
  listing: ListingSubject;
  store: StoreSubject;
}

/** What a check found: the values that justify it and the text of the task. */
export interface Finding {
  title: string;
  description: string;
  current: unknown;
  target: unknown;
  /** The threshold(s) the subject crossed, by name. */
  threshold: Record<string, number>;
  /** Revenue per 30 days (minor units) the problem puts at stake; the impact score is derived from it. */
  stake: number;
  /** Extra evidence beyond ids, current, target and threshold. */
  details?: Record<string, unknown>;
}

/** Reads a threshold: the org's knowledge override (`<ruleId>.<name>`, `<rule>.<name>` or `<name>`) or the rule's default. */
export type ThresholdOf = (name: string) => number;

/** A check: a small pure function from a subject and its thresholds to a finding (or none). */
export type Check<K extends SubjectKind> = (subject: SubjectOf[K], t: ThresholdOf, ctx: CheckCtx) => Finding | null;

export interface CheckCtx {
  marketplace: Marketplace;
  /** Channel label for texts ("Amazon", "Mercado Livre"). */
  channel: string;
  now: Date;
  /** Words and phrases the channel forbids in titles (lower case, accents kept). */
  promotionalTerms: readonly string[];
}

/** A rule of a pack: data (id, texts, source, thresholds, task fields) plus a check. */
export interface RuleDef<K extends SubjectKind = SubjectKind> {
  /** The rule's name inside the pack (`title-too-long`); the full id is `<marketplace>.<rule>`. */
  rule: string;
  kind: K;
  title: string;
  description: string;
  source: string;
  thresholds: Record<string, number>;
  category: Proposal['category'];
  priority: Proposal['priority'];
  estimatedHours: number;
  /** 0-1: how strongly the problem weighs on sales (scales the impact score). */
  weight: number;
  check: Check<K>;
}

export type AnyRuleDef = RuleDef<'product'> | RuleDef<'listing'> | RuleDef<'store'>;

/** One marketplace's rules and defaults. */
export interface RulePack {
  marketplace: Marketplace;
  channel: string;
  /** Platform ids (stores.platform) whose stores are this marketplace; empty while no connector exists (SHEIN). */
  platforms: readonly string[];
  promotionalTerms: readonly string[];
  rules: AnyRuleDef[];
  bestPractices: string[];
  algorithmNotes: string[];
}
