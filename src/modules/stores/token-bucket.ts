/**
 * Token buckets for channel API limits: pure functions over the JSON kept in `stores.rate_limit_state`.
 * The service reads the row `FOR UPDATE`, applies one of these and writes it back, so every worker
 * process sees the same bucket and no update is lost. Times are epoch milliseconds of the database clock.
 *
 * Priority lanes (inventory > price > content), correct across processes because the lane rules live
 * in the shared state:
 * - `inventory` may book future tokens: `tokens` goes negative and the caller waits until its token
 *   has refilled (at most `maxWaitMs`). Later callers of any lane queue behind those bookings.
 * - `price` and `content` only take tokens that exist now (never book), so inventory always goes first.
 * - A lane refused a token leaves a short `waiting` marker; while a higher lane's marker is fresh, lower
 *   lanes are refused too, so a waiting price update is served before content that arrives meanwhile.
 */

export type Lane = 'inventory' | 'price' | 'content';
/** Highest priority first. */
export const lanes: readonly Lane[] = ['inventory', 'price', 'content'];

export interface BucketLimits {
  /** Tokens the bucket holds when full (the channel's burst). */
  capacity: number;
  /** Tokens added per second (the channel's sustained rate). */
  refillPerSecond: number;
}

export interface Bucket extends BucketLimits {
  /** Tokens now; negative when the inventory lane has booked future tokens. */
  tokens: number;
  /** When `tokens` was computed (epoch ms). */
  at: number;
  /** The limits published for the channel (or set in the store's config); learned limits fall back to these. */
  published: BucketLimits;
  /** The channel asked us to stop (Retry-After, 429) until then. */
  pausedUntil?: number;
  /** Lanes refused a token recently, until when their marker holds lower lanes back. */
  waiting?: Partial<Record<Lane, number>>;
  /** Limits adapted from the channel's signals, and from which signal. */
  learned?: { at: number; source: string };
}

export interface RateLimitState {
  buckets: Record<string, Bucket>;
}

export interface TakeRequest {
  lane: Lane;
  cost: number;
  now: number;
  /** The longest a booking may wait (inventory lane); longer waits are refused with `retryInMs`. */
  maxWaitMs: number;
  /** Fraction of the rate kept unused (0.08 = use 92 %), for jitter between our clock and the channel's counter. */
  headroom: number;
}

export type TakeResult =
  | { granted: true; bucket: Bucket; waitMs: number }
  | { granted: false; bucket: Bucket; retryInMs: number; reason: 'paused' | 'lane' | 'empty' };

/** Learned (backed-off) limits return to the published ones after this long without a new signal. */
export const learnedLimitsTtlMs = 10 * 60_000;

export function newBucket(limits: BucketLimits, now: number): Bucket {
  return { capacity: limits.capacity, refillPerSecond: limits.refillPerSecond, tokens: limits.capacity, at: now, published: { ...limits } };
}

export const effectiveRate = (bucket: BucketLimits, headroom: number): number => Math.max(bucket.refillPerSecond * (1 - headroom), 1e-6);

/** The bucket at `now`: refilled, expired markers and pauses dropped, stale learned limits reverted. */
export function refill(bucket: Bucket, now: number, headroom: number): Bucket {
  let b: Bucket = { ...bucket, published: { ...bucket.published } };
  if (b.learned && now - b.learned.at > learnedLimitsTtlMs) {
    b = { ...b, capacity: b.published.capacity, refillPerSecond: b.published.refillPerSecond };
    delete b.learned;
  }
  if (now > b.at) {
    b.tokens = Math.min(b.capacity, b.tokens + ((now - b.at) / 1000) * effectiveRate(b, headroom));
    b.at = now;
  }
  if (b.pausedUntil !== undefined && b.pausedUntil <= now) delete b.pausedUntil;
  if (b.waiting) {
    const fresh = Object.entries(b.waiting).filter(([, until]) => (until ?? 0) > now);
    if (fresh.length > 0) b.waiting = Object.fromEntries(fresh);
    else delete b.waiting;
  }
  return b;
}

/** Milliseconds until `tokens` reaches `target` at the effective rate. */
const msUntil = (b: Bucket, target: number, headroom: number) => Math.max(0, ((target - b.tokens) / effectiveRate(b, headroom)) * 1000);

function markWaiting(b: Bucket, lane: Lane, retryInMs: number, headroom: number, now: number): Bucket {
  // Held a little past the retry so the refused caller finds it when it comes back.
  const grace = Math.max(100, 2000 / effectiveRate(b, headroom));
  const until = now + retryInMs + grace;
  return { ...b, waiting: { ...b.waiting, [lane]: Math.max(b.waiting?.[lane] ?? 0, until) } };
}

export function take(bucket: Bucket, request: TakeRequest): TakeResult {
  const { lane, cost, now, headroom } = request;
  const b = refill(bucket, now, headroom);
  if (b.pausedUntil !== undefined) {
    return { granted: false, bucket: b, retryInMs: Math.max(1, b.pausedUntil - now, msUntil(b, cost, headroom)), reason: 'paused' };
  }
  const rank = lanes.indexOf(lane);
  const higherWaiting = lanes
    .slice(0, rank)
    .map((l) => b.waiting?.[l] ?? 0)
    .filter((until) => until > now);
  if (higherWaiting.length > 0) {
    const retryInMs = Math.max(1, Math.min(Math.max(...higherWaiting) - now, Math.max(msUntil(b, cost, headroom), 1000 / effectiveRate(b, headroom))));
    return { granted: false, bucket: b, retryInMs, reason: 'lane' };
  }
  if (lane === 'inventory') {
    const waitMs = msUntil(b, cost, headroom);
    if (waitMs <= request.maxWaitMs) return { granted: true, bucket: { ...b, tokens: b.tokens - cost }, waitMs };
    return { granted: false, bucket: markWaiting(b, lane, waitMs, headroom, now), retryInMs: waitMs, reason: 'empty' };
  }
  if (b.tokens >= cost) return { granted: true, bucket: { ...b, tokens: b.tokens - cost }, waitMs: 0 };
  const retryInMs = Math.max(1, msUntil(b, cost, headroom));
  return { granted: false, bucket: markWaiting(b, lane, retryInMs, headroom, now), retryInMs, reason: 'empty' };
}

/** What a channel told us about its limits in a response. */
export type ChannelSignal =
  | {
      kind: 'limits';
      source: string;
      capacity?: number;
      refillPerSecond?: number;
      available?: number;
      /** The API family the limits describe when not the call's own bucket (Shopify's cost points: `graphql`). */
      operation?: string;
    }
  | { kind: 'throttled'; source: string; retryAfterMs?: number };

/** Applies a channel signal: its own numbers win over ours; a 429 empties the bucket and pauses it. */
export function learn(bucket: Bucket, signal: ChannelSignal, now: number, headroom: number): Bucket {
  const b = refill(bucket, now, headroom);
  if (signal.kind === 'limits') {
    const capacity = positive(signal.capacity) ?? b.capacity;
    const refillPerSecond = positive(signal.refillPerSecond) ?? b.refillPerSecond;
    let tokens = Math.min(b.tokens, capacity);
    if (signal.available !== undefined && Number.isFinite(signal.available)) {
      const available = Math.min(capacity, Math.max(0, signal.available));
      // Same capacity: keep the lower count (our takes may not have reached the channel yet). Other capacity:
      // our count was built on wrong limits, so the channel's count wins, minus what is booked.
      tokens = capacity === b.capacity ? Math.min(tokens, available) : available - Math.max(0, -b.tokens);
    }
    return { ...b, capacity, refillPerSecond, tokens, learned: { at: now, source: signal.source } };
  }
  if (signal.retryAfterMs !== undefined && signal.retryAfterMs >= 0) {
    return { ...b, tokens: Math.min(b.tokens, 0), pausedUntil: Math.max(b.pausedUntil ?? 0, now + signal.retryAfterMs) };
  }
  // A 429 without guidance: empty the bucket, pause one refill interval (at least 1 s) and slow down by 25 %
  // (never below 10 % of the published rate); the published rate returns after learnedLimitsTtlMs.
  const refillPerSecond = Math.max(b.published.refillPerSecond * 0.1, b.refillPerSecond * 0.75);
  const pause = Math.max(1000, 1000 / refillPerSecond);
  return {
    ...b,
    refillPerSecond,
    tokens: Math.min(b.tokens, 0),
    pausedUntil: Math.max(b.pausedUntil ?? 0, now + pause),
    learned: { at: now, source: signal.source },
  };
}

const positive = (n: number | undefined) => (n !== undefined && Number.isFinite(n) && n > 0 ? n : undefined);

/** A bucket whose published limits changed (store config, channel defaults) starts over from them. */
export function withPublished(bucket: Bucket | undefined, published: BucketLimits, now: number): Bucket {
  if (!bucket) return newBucket(published, now);
  if (bucket.published.capacity === published.capacity && bucket.published.refillPerSecond === published.refillPerSecond) return bucket;
  const { learned: _stale, ...rest } = bucket;
  return {
    ...rest,
    capacity: published.capacity,
    refillPerSecond: published.refillPerSecond,
    tokens: Math.min(bucket.tokens, published.capacity),
    published: { ...published },
  };
}
