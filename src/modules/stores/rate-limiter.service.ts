import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import type { Ctx } from '../../db/context.ts';
import { withTransaction } from '../../db/transaction.ts';
import { notFound } from '../../lib/errors.ts';
import { bucketFor, publishedLimits } from './channel-limits.ts';
import { dbNowMs } from './circuit-breaker.service.ts';
import { isUuid } from './stores.service.ts';
import { stores } from './stores.tables.ts';
import { type Bucket, type ChannelSignal, type Lane, learn, type RateLimitState, refill, type TakeResult, take, withPublished } from './token-bucket.ts';

export interface BucketKey {
  orgId: string;
  storeId: string;
  /** The operation called; channels with per-operation limits (Amazon) map it to its own bucket. */
  operation: string;
}

/**
 * Runs `change` on one bucket of the store with the row locked (`SELECT … FOR UPDATE`): every worker
 * process serialises on the store row, so concurrent takes never lose an update.
 */
async function withBucket<T>(
  db: Db,
  key: BucketKey,
  change: (bucket: Bucket, now: number) => { bucket: Bucket; result: T },
): Promise<T & { bucketName: string; platform: string }> {
  if (!isUuid(key.storeId)) throw notFound('store', { storeId: key.storeId });
  return withTransaction(db, async (tx) => {
    const [row] = await tx
      .select({ state: stores.rateLimitState, platform: stores.platform, config: stores.config, nowMs: dbNowMs })
      .from(stores)
      .where(and(eq(stores.id, key.storeId), eq(stores.orgId, key.orgId)))
      .for('update');
    if (!row) throw notFound('store', { storeId: key.storeId });
    const now = Number(row.nowMs);
    const bucketName = bucketFor(row.platform, key.operation);
    const current = withPublished(row.state?.buckets?.[bucketName], publishedLimits(row.platform, bucketName, row.config), now);
    const { bucket, result } = change(current, now);
    const state: RateLimitState = { ...row.state, buckets: { ...row.state?.buckets, [bucketName]: bucket } };
    await tx
      .update(stores)
      .set({ rateLimitState: state })
      .where(and(eq(stores.id, key.storeId), eq(stores.orgId, key.orgId)));
    return { ...result, bucketName, platform: row.platform };
  });
}

export interface TakeOptions {
  lane: Lane;
  cost: number;
  maxWaitMs: number;
  headroom: number;
  /** Grants are for slots at least this far ahead (see takeToken). */
  leadMs?: number;
}

/** One attempt to take `cost` tokens (see token-bucket.ts for the lane rules). */
export async function takeToken(db: Db, key: BucketKey, options: TakeOptions) {
  const lead = options.leadMs ?? 0;
  return withBucket(db, key, (bucket, now) => {
    // The bucket's timeline runs `lead` ahead: a grant is for a slot at least `lead` from now, so the time
    // between granting and sending (commit, wake-up, a busy event loop) is absorbed by the sleep until the slot
    // instead of bunching calls together at the channel.
    // Tokens in the bucket now (and no grant booked ahead of now): the call goes out at once. Otherwise a caller
    // that makes one call at a time (a sync reading page after page) would wait `lead` per call whatever the rate.
    const immediate = bucket.at <= now ? take(bucket, { ...options, now }) : null;
    if (immediate?.granted && immediate.waitMs === 0) {
      const { bucket: next, ...result } = immediate;
      return { bucket: next, result: { ...result, capacity: next.capacity, dbNow: now } };
    }
    const outcome: TakeResult = take(bucket, { ...options, now: now + lead });
    const { bucket: next, ...result } = outcome;
    const shifted = result.granted ? { ...result, waitMs: result.waitMs + lead } : result;
    return { bucket: next, result: { ...shifted, capacity: next.capacity, dbNow: now } };
  });
}

/** Applies what the channel said (limits, throttling) to the store's bucket. Returns the bucket's pause, if any. */
export async function learnSignals(db: Db, key: BucketKey, signals: ChannelSignal[], headroom: number) {
  return withBucket(db, key, (bucket, now) => {
    const next = signals.reduce((b, signal) => learn(b, signal, now, headroom), bucket);
    return { bucket: next, result: { pausedUntil: next.pausedUntil ?? null, now } };
  });
}

export interface BucketView {
  bucket: string;
  capacity: number;
  refillPerSecond: number;
  /** Tokens now (negative: booked by waiting inventory updates). */
  tokens: number;
  published: { capacity: number; refillPerSecond: number };
  pausedUntil: string | null;
  learnedFrom: string | null;
  waitingLanes: Lane[];
}

function viewsOf(platform: string, config: Record<string, unknown>, state: RateLimitState | null, now: number, headroom: number): BucketView[] {
  const names = new Set(['default', ...Object.keys(state?.buckets ?? {})]);
  return [...names].sort().map((name) => {
    const b = refill(withPublished(state?.buckets?.[name], publishedLimits(platform, name, config), now), now, headroom);
    return {
      bucket: name,
      capacity: b.capacity,
      refillPerSecond: b.refillPerSecond,
      tokens: Math.round(b.tokens * 1000) / 1000,
      published: b.published,
      pausedUntil: b.pausedUntil ? new Date(b.pausedUntil).toISOString() : null,
      learnedFrom: b.learned?.source ?? null,
      waitingLanes: Object.keys(b.waiting ?? {}) as Lane[],
    };
  });
}

/** A store's buckets as of now (read only), for `GET /api/stores/:id/limits` and the health page. */
export async function storeLimits(
  ctx: Pick<Ctx, 'orgId' | 'db'>,
  storeId: string,
  headroom: number,
): Promise<{ storeId: string; platform: string; buckets: BucketView[] }> {
  if (!isUuid(storeId)) throw notFound('store', { storeId });
  const [row] = await ctx.db
    .select({ state: stores.rateLimitState, platform: stores.platform, config: stores.config, nowMs: dbNowMs })
    .from(stores)
    .where(and(eq(stores.id, storeId), eq(stores.orgId, ctx.orgId)));
  if (!row) throw notFound('store', { storeId });
  return { storeId, platform: row.platform, buckets: viewsOf(row.platform, row.config, row.state, Number(row.nowMs), headroom) };
}

/** Tokens of every store's buckets (all orgs), for the Prometheus gauge (read at scrape time). */
export async function allBucketTokens(
  db: Db,
  headroom: number,
): Promise<Array<{ storeId: string; platform: string; bucket: string; tokens: number; capacity: number }>> {
  const rows = await db.select({ id: stores.id, state: stores.rateLimitState, platform: stores.platform, config: stores.config, nowMs: dbNowMs }).from(stores);
  return rows.flatMap((row) =>
    viewsOf(row.platform, row.config, row.state, Number(row.nowMs), headroom).map((v) => ({
      storeId: row.id,
      platform: row.platform,
      bucket: v.bucket,
      tokens: v.tokens,
      capacity: v.capacity,
    })),
  );
}
