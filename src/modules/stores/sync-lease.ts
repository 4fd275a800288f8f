import { and, isNull, or, type SQL, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.ts';
import { type SyncState, stores } from './stores.tables.ts';

/**
 * One run at a time per store, whatever the queue does: pg-boss's per-store group concurrency is checked when a job
 * is fetched, so two workers fetching at once, or a run whose queue lease expired while it still works, could both
 * sync the store. The run holds `sync_state.runner` (its id and an expiry renewed with every page); every write of
 * the sync is guarded by it, and a run that finds it gone (taken over after expiry, or the checkpoint dropped)
 * stops without writing. A postponed or failed run gives it up; a crashed one holds it until it expires.
 */
export const SYNC_LEASE_MS = 5 * 60_000;

/** Thrown inside a page's transaction when the run no longer holds the lease: the page is rolled back. */
export class SyncLeaseLost extends Error {
  constructor() {
    super('another run took over this store sync');
    this.name = 'SyncLeaseLost';
  }
}

export const leaseFor = (runId: string, now = Date.now()) => ({ id: runId, until: new Date(now + SYNC_LEASE_MS).toISOString() });

/** Rows whose sync this run holds. */
export const heldBy = (runId: string): SQL => sql`${stores.syncState}->'runner'->>'id' = ${runId}`;

/** Rows whose sync no live run holds (or this one does). ISO-8601 UTC strings compare in time order. */
const claimable = (runId: string, nowIso: string) =>
  or(
    isNull(stores.syncState),
    sql`coalesce(jsonb_typeof(${stores.syncState}->'runner'), 'null') = 'null'`,
    heldBy(runId),
    sql`${stores.syncState}->'runner'->>'until' < ${nowIso}`,
  );

/** The checkpoint (runner aside) is still the one the caller read. */
const unchanged = (expected: SyncState | null) => {
  const { runner: _runner, ...checkpoint } = expected ?? { runner: null };
  return sql`coalesce(${stores.syncState} - 'runner', 'null'::jsonb) = ${JSON.stringify(expected ? checkpoint : null)}::jsonb`;
};

/**
 * Writes `state` with this run as its runner if no other live run holds the store's sync and the checkpoint is
 * still `expected` (the one the caller read; another run may have finished or moved it since); false otherwise.
 */
export async function claimSync(
  db: DbOrTx,
  where: SQL | undefined,
  runId: string,
  expected: SyncState | null,
  state: SyncState,
  now = Date.now(),
): Promise<boolean> {
  const claimed = await db
    .update(stores)
    .set({ syncState: { ...state, runner: leaseFor(runId, now) } })
    .where(and(where, claimable(runId, new Date(now).toISOString()), unchanged(expected)))
    .returning({ id: stores.id });
  return claimed.length > 0;
}

/** Writes the next checkpoint (or null when the sync is done) while this run holds the lease; throws SyncLeaseLost otherwise. */
export async function writeHeld(db: DbOrTx, where: SQL | undefined, runId: string, set: Partial<typeof stores.$inferInsert>): Promise<void> {
  const written = await db
    .update(stores)
    .set(set)
    .where(and(where, heldBy(runId)))
    .returning({ id: stores.id });
  if (written.length === 0) throw new SyncLeaseLost();
}

/** Gives the lease up (the checkpoint stays): another run may resume at once. */
export async function releaseSync(db: DbOrTx, where: SQL | undefined, runId: string): Promise<void> {
  await db
    .update(stores)
    .set({ syncState: sql`jsonb_set(${stores.syncState}, '{runner}', 'null'::jsonb)` })
    .where(and(where, heldBy(runId)));
}

/** The run working on the store's sync now, if any. */
export function liveRunner(state: SyncState | null, now = Date.now()): { id: string; until: string } | null {
  const runner = state?.runner;
  return runner && Date.parse(runner.until) >= now ? runner : null;
}

/** The live runner of another run, if any. */
export function otherRunner(state: SyncState | null, runId: string, now = Date.now()): { id: string; until: string } | null {
  const runner = liveRunner(state, now);
  return runner && runner.id !== runId ? runner : null;
}
