import { and, eq, lt } from 'drizzle-orm';
import type { Ctx } from '../../db/context.ts';
import { sha256Hex } from '../../lib/crypto.ts';
import { AppError, conflict, validation } from '../../lib/errors.ts';
import { idempotencyKeys } from './tasks.tables.ts';

const TTL_MS = 24 * 3_600_000;

export interface IdempotentResult<T> {
  status: number;
  body: T;
  replayed: boolean;
}

/**
 * `Idempotency-Key` semantics: the first request with a key runs and its answer is kept 24 h; a retry
 * with the same key and body gets that answer again; the same key with another body is 422; a retry
 * while the first is still running is 409.
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
  await ctx.db.delete(idempotencyKeys).where(and(eq(idempotencyKeys.orgId, ctx.orgId), lt(idempotencyKeys.createdAt, new Date(ctx.now.getTime() - TTL_MS))));

  const claimed = await ctx.db
    .insert(idempotencyKeys)
    .values({ orgId: ctx.orgId, scope, key, requestHash, status: 0, response: {}, createdAt: ctx.now })
    .onConflictDoNothing()
    .returning({ key: idempotencyKeys.key });
  if (claimed.length === 0) {
    const [previous] = await ctx.db.select().from(idempotencyKeys).where(where);
    if (!previous) throw conflict('Idempotency-Key collision; retry');
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
