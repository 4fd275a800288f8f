import { eq, lt } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.ts';
import { withTransaction } from '../../db/transaction.ts';
import { validation } from '../../lib/errors.ts';
import { jobEffects } from './effects.tables.ts';

export interface EffectKey {
  /** Unique per side effect, stable across retries of the job: e.g. `notify:<delivery id>`, `stock:<order id>:<line>`. */
  key: string;
  jobName: string;
  jobId?: string;
  orgId?: string;
}

export interface EffectOutcome<T> {
  /** What `fn` returned, now or on the attempt that performed the effect (read back from JSON). */
  result: T;
  /** false: an earlier attempt already performed it, `fn` was not called. */
  performed: boolean;
}

const KEY = /^[\x21-\x7e]{1,300}$/;

/**
 * Runs `fn` (a side effect written through `tx`) at most once per `key`, ever: the key row and the effect commit or
 * roll back together, so a job retried after a crash skips an effect that committed and redoes one that did not.
 * Must be called inside a transaction. A concurrent attempt with the same key waits on the first one's row lock and
 * then sees it as performed (or performs it, if the first rolled back). `fn`'s result is stored as JSON.
 */
export async function once<T>(tx: Tx, effect: EffectKey, fn: (tx: Tx) => Promise<T>): Promise<EffectOutcome<T>> {
  if (!KEY.test(effect.key)) throw validation('An effect key must be 1-300 visible ASCII characters');
  const claimed = await tx
    .insert(jobEffects)
    .values({ key: effect.key, jobName: effect.jobName, jobId: effect.jobId ?? null, orgId: effect.orgId ?? null })
    .onConflictDoNothing({ target: jobEffects.key })
    .returning({ key: jobEffects.key });
  if (claimed.length === 0) {
    const [previous] = await tx.select({ result: jobEffects.result }).from(jobEffects).where(eq(jobEffects.key, effect.key));
    return { result: (previous?.result ?? undefined) as T, performed: false };
  }
  const result = await fn(tx);
  if (result !== undefined)
    await tx
      .update(jobEffects)
      .set({ result: result as object })
      .where(eq(jobEffects.key, effect.key));
  return { result, performed: true };
}

/** `once` in a transaction of its own, for a handler whose effect is this one write. */
export function performOnce<T>(db: Db, effect: EffectKey, fn: (tx: Tx) => Promise<T>): Promise<EffectOutcome<T>> {
  return withTransaction(db, (tx) => once(tx, effect, fn));
}

/** Whether an effect was performed (for handlers that must decide before opening a transaction). */
export async function effectPerformed(db: Db | Tx, key: string): Promise<boolean> {
  const rows = await db.select({ key: jobEffects.key }).from(jobEffects).where(eq(jobEffects.key, key));
  return rows.length > 0;
}

/**
 * Forgets effects recorded before `before`. Keep them longer than any job can still be retried or replayed from
 * the dead-letter queue, or a very late replay would perform its effect again.
 */
export async function pruneJobEffects(db: Db, before: Date): Promise<number> {
  const deleted = await db.delete(jobEffects).where(lt(jobEffects.createdAt, before)).returning({ key: jobEffects.key });
  return deleted.length;
}
