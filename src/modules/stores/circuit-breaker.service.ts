import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import type { Ctx } from '../../db/context.ts';
import { withTransaction } from '../../db/transaction.ts';
import { notFound } from '../../lib/errors.ts';
import { type Admission, admit, afterFailure, afterSuccess, type BreakerPolicy, type BreakerRow, releaseProbe } from './breaker-state.ts';
import { findStoreRow } from './stores.service.ts';
import { circuitBreakers, stores } from './stores.tables.ts';

type Row = typeof circuitBreakers.$inferSelect;

const toState = (row: Row): BreakerRow => ({
  state: row.state as BreakerRow['state'],
  failures: row.failures,
  probeSuccesses: row.probeSuccesses,
  openedAt: row.openedAt,
  nextProbeAt: row.nextProbeAt,
  probeUntil: row.probeUntil,
  probeOwner: row.probeOwner,
  openCount: row.openCount,
  lastError: row.lastError,
  lastFailureAt: row.lastFailureAt,
});

export interface BreakerKey {
  orgId: string;
  storeId: string;
  operation: string;
}

const where = (key: BreakerKey) =>
  and(eq(circuitBreakers.storeId, key.storeId), eq(circuitBreakers.operation, key.operation), eq(circuitBreakers.orgId, key.orgId));

/** Now on the database clock: every process agrees on it, whatever its own clock says. */
export const dbNowMs = sql<number>`(extract(epoch from clock_timestamp()) * 1000)::float8`;

/**
 * Reads the breaker (no lock, no write on the hot path) and, when it is not closed, decides under a
 * row lock whether this caller may probe. A `reject` carries when to come back.
 */
export async function admitBreaker(db: Db, key: BreakerKey, policy: BreakerPolicy, owner: string): Promise<Admission & { clean?: boolean }> {
  const [current] = await db.select().from(circuitBreakers).where(where(key));
  if (!current || current.state === 'closed') return { decision: 'pass', clean: !current || current.failures === 0 };
  return withTransaction(db, async (tx) => {
    const [locked] = await tx.select({ row: circuitBreakers, nowMs: dbNowMs }).from(circuitBreakers).where(where(key)).for('update');
    if (!locked) return { decision: 'pass' } as const;
    const admission = admit(toState(locked.row), new Date(Number(locked.nowMs)), policy, owner);
    if (admission.decision === 'probe') await save(tx, key, admission.row, new Date(Number(locked.nowMs)));
    return admission;
  });
}

/** The store's `config.breaker` ({ failureThreshold, resetSeconds, halfOpenSuccesses }) over the global policy. */
export function storePolicy(base: BreakerPolicy, config: Record<string, unknown> | null | undefined): BreakerPolicy {
  const o = (config?.breaker ?? {}) as { failureThreshold?: unknown; resetSeconds?: unknown; halfOpenSuccesses?: unknown };
  const count = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 1000 ? v : undefined);
  const seconds = typeof o.resetSeconds === 'number' && o.resetSeconds > 0 && o.resetSeconds <= 86_400 ? o.resetSeconds : undefined;
  return {
    ...base,
    failureThreshold: count(o.failureThreshold) ?? base.failureThreshold,
    halfOpenSuccesses: count(o.halfOpenSuccesses) ?? base.halfOpenSuccesses,
    resetTimeoutMs: seconds !== undefined ? Math.round(seconds * 1000) : base.resetTimeoutMs,
  };
}

export type CallOutcome = { kind: 'success' } | { kind: 'failure'; error: string } | { kind: 'released' };

/** Records how a call ended. Success on a closed breaker with no failures writes nothing. */
export async function recordBreakerOutcome(
  db: Db,
  key: BreakerKey,
  basePolicy: BreakerPolicy,
  owner: string,
  probe: boolean,
  outcome: CallOutcome,
  knownClean = false,
): Promise<{ from: BreakerRow['state']; to: BreakerRow } | null> {
  if (outcome.kind === 'success' && !probe && knownClean) return null;
  return withTransaction(db, async (tx) => {
    if (outcome.kind === 'failure') {
      await tx.insert(circuitBreakers).values({ orgId: key.orgId, storeId: key.storeId, operation: key.operation }).onConflictDoNothing();
    }
    const [locked] = await tx
      .select({ row: circuitBreakers, nowMs: dbNowMs, config: stores.config })
      .from(circuitBreakers)
      .innerJoin(stores, eq(stores.id, circuitBreakers.storeId))
      .where(where(key))
      .for('update', { of: circuitBreakers });
    if (!locked) return null;
    const now = new Date(Number(locked.nowMs));
    const row = toState(locked.row);
    const policy = storePolicy(basePolicy, locked.config);
    const next =
      outcome.kind === 'success'
        ? afterSuccess(row, policy, probe, owner)
        : outcome.kind === 'failure'
          ? afterFailure(row, now, policy, probe, owner, outcome.error)
          : releaseProbe(row, owner);
    if (!next) return null;
    await save(tx, key, next, now);
    return { from: row.state, to: next };
  });
}

async function save(tx: Parameters<Parameters<Db['transaction']>[0]>[0], key: BreakerKey, row: BreakerRow, now: Date) {
  await tx
    .update(circuitBreakers)
    .set({
      state: row.state,
      failures: row.failures,
      probeSuccesses: row.probeSuccesses,
      openedAt: row.openedAt,
      nextProbeAt: row.nextProbeAt,
      probeUntil: row.probeUntil,
      probeOwner: row.probeOwner,
      openCount: row.openCount,
      lastError: row.lastError,
      lastFailureAt: row.lastFailureAt,
      updatedAt: now,
    })
    .where(where(key));
}

export interface BreakerView {
  storeId: string;
  storeName: string;
  platform: string;
  operation: string;
  state: BreakerRow['state'];
  failures: number;
  probeSuccesses: number;
  openedAt: string | null;
  nextProbeAt: string | null;
  openCount: number;
  lastError: string | null;
  lastFailureAt: string | null;
}

/** The org's breakers (every store × operation that ever failed), for the health page and the API. */
export async function listBreakers(ctx: Pick<Ctx, 'orgId' | 'db'>, filter: { storeId?: string } = {}): Promise<BreakerView[]> {
  if (filter.storeId && !(await findStoreRow(ctx.db, ctx.orgId, filter.storeId))) throw notFound('store', { storeId: filter.storeId });
  const rows = await ctx.db
    .select({ b: circuitBreakers, storeName: stores.name, platform: stores.platform })
    .from(circuitBreakers)
    .innerJoin(stores, eq(stores.id, circuitBreakers.storeId))
    .where(and(eq(circuitBreakers.orgId, ctx.orgId), filter.storeId ? eq(circuitBreakers.storeId, filter.storeId) : undefined))
    .orderBy(asc(stores.name), asc(circuitBreakers.operation));
  return rows.map(({ b, storeName, platform }) => ({
    storeId: b.storeId,
    storeName,
    platform,
    operation: b.operation,
    state: b.state as BreakerRow['state'],
    failures: b.failures,
    probeSuccesses: b.probeSuccesses,
    openedAt: b.openedAt?.toISOString() ?? null,
    nextProbeAt: b.nextProbeAt?.toISOString() ?? null,
    openCount: b.openCount,
    lastError: b.lastError,
    lastFailureAt: b.lastFailureAt?.toISOString() ?? null,
  }));
}

/** Every breaker of every org, for the Prometheus gauge (read at scrape time). */
export async function allBreakerStates(db: Db): Promise<Array<{ storeId: string; platform: string; operation: string; state: string }>> {
  return db
    .select({ storeId: circuitBreakers.storeId, platform: stores.platform, operation: circuitBreakers.operation, state: circuitBreakers.state })
    .from(circuitBreakers)
    .innerJoin(stores, eq(stores.id, circuitBreakers.storeId));
}
