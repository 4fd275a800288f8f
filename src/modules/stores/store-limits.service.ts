import CircuitBreaker from 'opossum';
import type { Ctx } from '../../db/context.ts';
import { isAppError, validation } from '../../lib/errors.ts';
import { shortId } from '../../lib/ids.ts';
import { isPostponeJob, PostponeJob } from '../../lib/job-control.ts';
import type { Metrics } from '../../lib/metrics.ts';
import { sleep } from '../../lib/sleep.ts';
import type { BreakerPolicy } from './breaker-state.ts';
import { isChannelError, isThrottled, type ResponseSignals, signalsFrom } from './channel-signals.ts';
import { admitBreaker, type BreakerKey, type CallOutcome, recordBreakerOutcome } from './circuit-breaker.service.ts';
import { learnSignals, takeToken } from './rate-limiter.service.ts';
import type { ChannelSignal, Lane } from './token-bucket.ts';

export interface StoreLimitsOptions {
  /** ENABLE_CIRCUIT_BREAKER: false lets every call through (the rate limit still applies). */
  breakerEnabled: boolean;
  failureThreshold: number;
  resetTimeoutMs: number;
  halfOpenSuccesses: number;
  /** A call running longer than this is abandoned (its AbortSignal fires) and counts as a failure. */
  callTimeoutMs: number;
  /** Waits for a token up to this long in process; longer waits postpone the job instead. */
  rateMaxWaitMs: number;
  /** Fraction of each channel's rate kept unused. */
  rateHeadroom: number;
  /** Calls booked against future tokens are scheduled at least this far ahead, so grant-to-send delays do not bunch them (default 100 ms); a call that finds its tokens goes out at once. */
  rateLeadMs?: number;
  /**
   * A call that wakes up later than this after its slot queues again instead of going out (default 50 ms).
   * Keep it below the jitter the headroom absorbs: 1000 × headroom / (1 − headroom) ms per second of calls.
   */
  rateLateToleranceMs?: number;
  metrics?: Metrics;
  /** Names this process in probe leases (default: a random id). */
  owner?: string;
}

export interface StoreCall {
  /** The channel operation (`getOrders`, `graphql`, `updateInventory`): one breaker per store × operation. */
  operation: string;
  /** Priority lane: inventory before price before content (default content). */
  lane?: Lane;
  /** Tokens the call costs (1 request; GraphQL: its query cost). */
  cost?: number;
  /**
   * Called (once) when the call no longer needs the database before it goes out: right before it is sent, or
   * when it sleeps a while (>= 1 s) for its slot or for tokens. A caller that writes in between (the sync's
   * page writes) waits for it, so on a single-connection database the write does not hold the limiter's
   * transaction (a row lock) back.
   */
  ready?: () => void;
}

/** Handed to the wrapped call. */
export interface CallIo {
  /** Fires when the call timed out; pass it to fetch. */
  signal: AbortSignal;
  /** Report every channel response (also error responses) so the limiter learns the channel's real limits. */
  report(response: ResponseSignals): void;
}

export type LimitedCtx = Pick<Ctx, 'orgId' | 'db' | 'log'>;

export interface StoreLimits {
  /**
   * Runs `fn` (one call to a store's channel) behind the store's circuit breaker and token bucket:
   * - breaker open (or another process probing): throws PostponeJob until the next probe;
   * - no token soon enough: throws PostponeJob until the next token (short waits happen in process);
   * - the channel answered 429: the bucket is emptied and paused, and PostponeJob is thrown until Retry-After;
   * - other errors are rethrown; 5xx, network errors and timeouts count as breaker failures, 4xx do not.
   */
  withStoreLimits<T>(ctx: LimitedCtx, storeId: string, call: StoreCall, fn: (io: CallIo) => Promise<T>): Promise<T>;
  /** Stops the in-process breakers (timers). */
  shutdown(): void;
}

/** Errors with these codes are the caller's or the request's fault, not the channel's: they never open a breaker. */
const clientCodes = new Set(['VALIDATION', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT', 'UNPROCESSABLE', 'RATE_LIMITED']);

const statusOf = (error: unknown): number | undefined => {
  const e = error as { status?: unknown; statusCode?: unknown } | null;
  const status = typeof e?.status === 'number' ? e.status : typeof e?.statusCode === 'number' ? e.statusCode : undefined;
  return status;
};

/** Does this error say the channel is unhealthy? (5xx, network failure, timeout: yes; 4xx, 429, our own postponement: no.) */
export function countsAsFailure(error: unknown): boolean {
  if (isPostponeJob(error)) return false;
  if ((error as { breakerIgnores?: unknown } | null)?.breakerIgnores === true) return false;
  // An expired cursor says nothing about the channel's health (the reader restarts its listing).
  if (isChannelError(error) && error.kind === 'cursor_expired') return false;
  if (isAppError(error)) return !clientCodes.has(error.code);
  const status = statusOf(error);
  if (status !== undefined) return status >= 500;
  return true;
}

/** Signals carried by a thrown error: a `status`/`headers` pair (fetch-like) or a `retryAfterMs`. */
function signalsFromError(error: unknown, now: number): ChannelSignal[] {
  const e = error as { status?: number; statusCode?: number; headers?: ResponseSignals['headers']; retryAfterMs?: unknown } | null;
  const status = statusOf(error);
  const signals = signalsFrom({ ...(status !== undefined ? { status } : {}), ...(e?.headers ? { headers: e.headers } : {}) }, now);
  const explicit = typeof e?.retryAfterMs === 'number' ? e.retryAfterMs : undefined;
  if (explicit !== undefined && !isThrottled(signals)) signals.push({ kind: 'throttled', source: 'retryAfterMs', retryAfterMs: explicit });
  if (isAppError(error) && error.code === 'RATE_LIMITED' && !isThrottled(signals)) signals.push({ kind: 'throttled', source: 'RATE_LIMITED' });
  return signals;
}

/**
 * Maps database-clock times (token slots) to this process's clock. The offset is estimated as the largest
 * `dbNow - localReceiveTime` seen recently: the reply always arrives after dbNow, so the estimate is never
 * above the true offset, and a slot converted with it is never early (early sends could exceed the limit
 * at the channel). Sleeping until the slot, instead of "waitMs after the reply", keeps the reply's latency
 * out of the spacing between calls.
 */
export function createClockSync(now: () => number = Date.now) {
  const samples: number[] = [];
  return {
    localDelay(slotDb: number, dbNow: number): number {
      samples.push(dbNow - now());
      if (samples.length > 64) samples.shift();
      const offset = Math.max(...samples);
      return Math.max(0, slotDb - offset - now());
    },
  };
}

/** A wait for a slot or tokens this long lets other work use the database meanwhile (StoreCall.ready). */
const READY_SLEEP_MS = 1000;

type Action = (fn: (io: CallIo) => Promise<unknown>, io: CallIo) => Promise<unknown>;

export function createStoreLimits(options: StoreLimitsOptions): StoreLimits {
  const owner = options.owner ?? `${process.pid}-${shortId(6)}`;
  const policy: BreakerPolicy = {
    failureThreshold: options.failureThreshold,
    resetTimeoutMs: options.resetTimeoutMs,
    halfOpenSuccesses: options.halfOpenSuccesses,
    probeLeaseMs: options.callTimeoutMs + 5_000,
  };
  const { metrics } = options;
  // opossum runs each call (timeout, error filter, rolling stats); the open/closed decision is the shared
  // row in circuit_breakers, so opossum's own per-process opening is switched off (volumeThreshold).
  const breakers = new Map<string, CircuitBreaker<Parameters<Action>, unknown>>();
  const breakerFor = (key: BreakerKey) => {
    const name = `${key.storeId}:${key.operation}`;
    let breaker = breakers.get(name);
    if (!breaker) {
      const action: Action = (fn, io) => fn(io);
      breaker = new CircuitBreaker(action, {
        name,
        timeout: options.callTimeoutMs,
        volumeThreshold: Number.MAX_SAFE_INTEGER,
        errorFilter: (error: unknown) => !countsAsFailure(error),
      });
      breakers.set(name, breaker);
    }
    return breaker;
  };

  const clock = createClockSync();
  const lateToleranceMs = options.rateLateToleranceMs ?? 50;

  /** Waits for a token; returns the local time of the granted slot. */
  async function acquire(ctx: LimitedCtx, key: BreakerKey, lane: Lane, cost: number, ready: () => void): Promise<{ slot: number; platform: string }> {
    const started = performance.now();
    const deadline = started + options.rateMaxWaitMs;
    for (;;) {
      const r = await takeToken(ctx.db, key, {
        lane,
        cost,
        maxWaitMs: Math.max(0, deadline - performance.now()),
        headroom: options.rateHeadroom,
        leadMs: options.rateLeadMs ?? 100,
      });
      const labels = { platform: r.platform, lane };
      if (r.granted) {
        const delay = clock.localDelay(r.dbNow + r.waitMs, r.dbNow);
        const slot = Date.now() + delay;
        if (delay >= READY_SLEEP_MS) ready();
        if (delay > 0) await sleep(delay);
        const waited = (performance.now() - started) / 1000;
        metrics?.rateLimiterWaits.inc({ ...labels, outcome: waited >= 0.005 ? 'waited' : 'immediate' });
        metrics?.rateLimiterWaitSeconds.observe(labels, waited);
        return { slot, platform: r.platform };
      }
      if (cost > r.capacity) throw validation(`a call costing ${cost} tokens can never fit the bucket of ${r.capacity}`, { cost, capacity: r.capacity });
      if (r.retryInMs <= deadline - performance.now()) {
        if (r.retryInMs >= READY_SLEEP_MS) ready();
        await sleep(r.retryInMs);
        continue;
      }
      metrics?.rateLimiterWaits.inc({ ...labels, outcome: 'postponed' });
      throw new PostponeJob(new Date(Date.now() + r.retryInMs), `rate limit of store ${key.storeId} (${r.bucketName}: ${r.reason})`);
    }
  }

  async function record(ctx: LimitedCtx, key: BreakerKey, probe: boolean, outcome: CallOutcome, clean: boolean) {
    const change = await recordBreakerOutcome(ctx.db, key, policy, owner, probe, outcome, clean);
    if (change && change.from !== change.to.state) {
      metrics?.breakerTransitions.inc({ store_id: key.storeId, operation: key.operation, to: change.to.state });
      const log = change.to.state === 'open' ? ctx.log.warn.bind(ctx.log) : ctx.log.info.bind(ctx.log);
      log(
        { storeId: key.storeId, operation: key.operation, from: change.from, to: change.to.state, lastError: change.to.lastError },
        'circuit breaker changed state',
      );
    }
  }

  return {
    async withStoreLimits<T>(ctx: LimitedCtx, storeId: string, call: StoreCall, fn: (io: CallIo) => Promise<T>): Promise<T> {
      const key: BreakerKey = { orgId: ctx.orgId, storeId, operation: call.operation };
      const lane = call.lane ?? 'content';
      const cost = call.cost ?? 1;
      if (!(cost > 0) || !Number.isFinite(cost)) throw validation('cost must be a positive number', { cost });
      let readied = false;
      const ready = () => {
        if (readied) return;
        readied = true;
        call.ready?.();
      };
      let probe = false;
      let clean = true;
      if (options.breakerEnabled) {
        const admission = await admitBreaker(ctx.db, key, policy, owner);
        if (admission.decision === 'reject') {
          metrics?.breakerRejections.inc({ store_id: storeId, operation: call.operation });
          throw new PostponeJob(admission.until, `circuit breaker ${admission.state} for store ${storeId} operation ${call.operation}`);
        }
        probe = admission.decision === 'probe';
        clean = admission.decision === 'pass' && admission.clean === true;
        if (probe) metrics?.breakerTransitions.inc({ store_id: storeId, operation: call.operation, to: 'half_open' });
      }
      try {
        for (let missed = 0; ; missed++) {
          const { slot, platform } = await acquire(ctx, key, lane, cost, ready);
          // Woke up too late (a stalled process): sending now would bunch this call with the ones booked after
          // it, so the slot is given up (its token stays spent) and the call queues again; a process that keeps
          // missing is overloaded and hands the job back to the queue.
          if (Date.now() - slot <= lateToleranceMs) break;
          metrics?.rateLimiterWaits.inc({ platform, lane, outcome: 'missed_slot' });
          if (missed >= 2) throw new PostponeJob(new Date(Date.now() + 1000), `store ${storeId}: this process keeps missing its rate-limit slots`);
        }
      } catch (error) {
        if (probe) await record(ctx, key, true, { kind: 'released' }, false);
        throw error;
      }

      ready();
      const controller = new AbortController();
      const reported: ResponseSignals[] = [];
      const io: CallIo = { signal: controller.signal, report: (response) => reported.push(response) };
      let failed = false;
      let error: unknown;
      let result: T | undefined;
      try {
        result = (await breakerFor(key).fire(fn as (io: CallIo) => Promise<unknown>, io)) as T;
      } catch (e) {
        failed = true;
        error = e;
        if ((e as { code?: string }).code === 'ETIMEDOUT') controller.abort(e);
      }

      const now = Date.now();
      const signals = reported.flatMap((r) => signalsFrom(r, now));
      if (failed) signals.push(...signalsFromError(error, now));
      const throttled = failed && isThrottled(signals);
      // Limits of another API family (Shopify's cost points) go to its own bucket, the latest report of each winning.
      const elsewhere = new Map<string, ChannelSignal>();
      for (const s of signals) if (s.kind === 'limits' && s.operation !== undefined) elsewhere.set(s.operation, s);
      for (const [operation, signal] of elsewhere) await learnSignals(ctx.db, { ...key, operation }, [signal], options.rateHeadroom);
      const own = signals.filter((s) => s.kind !== 'limits' || s.operation === undefined);
      const learned = own.length > 0 ? await learnSignals(ctx.db, key, own, options.rateHeadroom) : null;

      if (options.breakerEnabled) {
        // Throttled, or the call itself postponed its job: no verdict on the channel's health.
        const outcome: CallOutcome =
          throttled || (failed && isPostponeJob(error))
            ? { kind: 'released' }
            : failed && countsAsFailure(error)
              ? { kind: 'failure', error: error instanceof Error ? error.message : String(error) }
              : { kind: 'success' };
        if (outcome.kind !== 'released' || probe) await record(ctx, key, probe, outcome, clean);
      }
      if (throttled) {
        metrics?.rateLimiterWaits.inc({ platform: learned?.platform ?? 'unknown', lane, outcome: 'throttled' });
        const retryAfter = new Date(learned?.pausedUntil ?? now + 1000);
        throw new PostponeJob(retryAfter, `store ${storeId} throttled by the channel (${call.operation})`);
      }
      if (failed) throw error;
      return result as T;
    },
    shutdown() {
      for (const breaker of breakers.values()) breaker.shutdown();
      breakers.clear();
    },
  };
}
