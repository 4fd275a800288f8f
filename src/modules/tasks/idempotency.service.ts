import { and, eq, lt } from 'drizzle-orm';
import type { Ctx } from '../../db/context.ts';
import { sha256Hex } from '../../lib/crypto.ts';
import { AppError, conflict, validation } from '../../lib/errors.ts';
import { idempotencyKeys } from './tasks.tables.ts';

const TTL_MS = 24 * 3_600_000;
/** Expired keys are swept at most this often per org and process; an expired key is never replayed meanwhile. */
const SWEEP_EVERY_MS = 60_000;
const nextSweep = new Map<string, number>();

async function sweepExpired(ctx: Ctx, cutoff: Date): Promise<void> {
  if ((nextSweep.get(ctx.orgId) ?? 0) > ctx.now.getTime()) return;
  nextSweep.set(ctx.orgId, ctx.now.getTime() + SWEEP_EVERY_MS);
  await ctx.db.delete(idempotencyKeys).where(and(eq(idempotencyKeys.orgId, ctx.orgId), lt(idempotencyKeys.createdAt, cutoff)));
}

export interface IdempotentResult<T> {
  status: number;
  body: T;
  replayed: boolean;
}

/**
 * `Idempotency-Key` semantics: the first request with a key runs and its answer is kept 24 h; a retry
 * with the same key and body gets that answer again; the same key with another body is 422; a retry
 * while the first is still running is 409. A key older than 24 h counts as new (its row is replaced).
 */
export async function withIdempotency<T>(
  ctx: Ctx,
  scope: string,
  key: string | undefined,
  body: unknown,
  run: () => Promise<{ status: number; body: T }>,
): Promise<IdempotentResult<T>> {
  if (key === undefined) return { ...(await run()), replayed: false };
  if (!/^[\x21-\x7e]{1,200}$/.test(key)) throw validation('Idempotency-Key must be 1-200 visible ASCII characters');
  const requestHash = sha256Hex(JSON.stringify(body ?? null));
  const where = and(eq(idempotencyKeys.orgId, ctx.orgId), eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key));
  const cutoff = new Date(ctx.now.getTime() - TTL_MS);
  await sweepExpired(ctx, cutoff);

  const claimed = await ctx.db
    .insert(idempotencyKeys)
    .values({ orgId: ctx.orgId, scope, key, requestHash, status: 0, response: {}, createdAt: ctx.now })
    .onConflictDoNothing()
    .returning({ key: idempotencyKeys.key });
  if (claimed.length === 0) {
    const [previous] = await ctx.db.select().from(idempotencyKeys).where(where);
    if (!previous) throw conflict('Idempotency-Key collision; retry');
    if (previous.createdAt < cutoff) {
      // Expired but not swept yet: drop it and start over (the claim then wins, or meets a fresh row).
      await ctx.db.delete(idempotencyKeys).where(and(where, lt(idempotencyKeys.createdAt, cutoff)));
      return withIdempotency(ctx, scope, key, body, run);
    }
    if (previous.requestHash !== requestHash) throw new AppError('UNPROCESSABLE', 'This Idempotency-Key was already used with a different request body');
    if (previous.status === 0) throw conflict('A request with this Idempotency-Key is still being processed');
    return { status: previous.status, body: previous.response as T, replayed: true };
  }
  try {
    const result = await run();
    await ctx.db
      .update(idempotencyKeys)
      .set({ status: result.status, response: result.body as object })
      .where(where);
    return { ...result, replayed: false };
  } catch (error) {
    await ctx.db.delete(idempotencyKeys).where(where);
    throw error;
  }
}
