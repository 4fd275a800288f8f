import { and, count, eq, gte, inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.ts';
import { marketplaceTasks } from './tasks.tables.ts';

/**
 * What the marketplace agents (src/modules/agents) read about their own tasks: rejections per rule, keys
 * already taken, today's count for the daily cap, pending leftovers and the figures behind their metrics.
 */

/** Tasks of `createdBy` rejected since `since`, per `metadata.ruleId`. */
export async function rejectionsByRule(db: DbOrTx, orgId: string, createdBy: string, since: Date): Promise<Map<string, number>> {
  const ruleId = sql<string>`${marketplaceTasks.metadata}->>'ruleId'`;
  const rows = await db
    .select({ ruleId, n: count() })
    .from(marketplaceTasks)
    .where(
      and(
        eq(marketplaceTasks.orgId, orgId),
        eq(marketplaceTasks.createdBy, createdBy),
        eq(marketplaceTasks.status, 'rejected'),
        gte(marketplaceTasks.createdAt, since),
      ),
    )
    .groupBy(ruleId);
  return new Map(rows.filter((r) => r.ruleId).map((r) => [r.ruleId, Number(r.n)]));
}

/** Among `keys`: those of an open task, and those of a task rejected (decided) since `rejectedSince`. */
export async function takenDedupeKeys(db: DbOrTx, orgId: string, keys: string[], rejectedSince: Date): Promise<{ open: Set<string>; rejected: Set<string> }> {
  const open = new Set<string>();
  const rejected = new Set<string>();
  for (let i = 0; i < keys.length; i += 1000) {
    const rows = await db
      .select({ key: marketplaceTasks.dedupeKey, status: marketplaceTasks.status })
      .from(marketplaceTasks)
      .where(
        and(
          eq(marketplaceTasks.orgId, orgId),
          inArray(marketplaceTasks.dedupeKey, keys.slice(i, i + 1000)),
          sql`(${marketplaceTasks.status} not in ('completed', 'rejected') or (${marketplaceTasks.status} = 'rejected' and coalesce(${marketplaceTasks.approvedAt}, ${marketplaceTasks.createdAt}) >= ${rejectedSince}))`,
        ),
      );
    for (const r of rows) (r.status === 'rejected' ? rejected : open).add(r.key);
  }
  for (const k of open) rejected.delete(k);
  return { open, rejected };
}

/** Tasks `createdBy` created since the start of `now`'s local day in `timeZone`. */
export async function countCreatedToday(db: DbOrTx, orgId: string, createdBy: string, now: Date, timeZone: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(marketplaceTasks)
    .where(
      and(
        eq(marketplaceTasks.orgId, orgId),
        eq(marketplaceTasks.createdBy, createdBy),
        sql`${marketplaceTasks.createdAt} >= (((${now.toISOString()}::timestamptz at time zone ${timeZone})::date)::timestamp at time zone ${timeZone})`,
      ),
    );
  return Number(row?.n ?? 0);
}

/** Ids of `createdBy`'s tasks still pending (not submitted). */
export async function pendingTaskIds(db: DbOrTx, orgId: string, createdBy: string, limit = 1000): Promise<string[]> {
  const rows = await db
    .select({ id: marketplaceTasks.id })
    .from(marketplaceTasks)
    .where(and(eq(marketplaceTasks.orgId, orgId), eq(marketplaceTasks.createdBy, createdBy), eq(marketplaceTasks.status, 'pending')))
    .limit(limit);
  return rows.map((r) => r.id);
}

/** Per creator and status since `since`: count and estimated hours; and the completed tasks' estimated and actual hours. */
export async function creatorTaskFigures(db: DbOrTx, orgId: string, creators: string[], since: Date) {
  const scope = and(eq(marketplaceTasks.orgId, orgId), inArray(marketplaceTasks.createdBy, creators), gte(marketplaceTasks.createdAt, since));
  const byStatus = await db
    .select({
      createdBy: marketplaceTasks.createdBy,
      status: marketplaceTasks.status,
      n: count(),
      hours: sql<number>`coalesce(sum(${marketplaceTasks.estimatedHours}), 0)::float8`,
    })
    .from(marketplaceTasks)
    .where(scope)
    .groupBy(marketplaceTasks.createdBy, marketplaceTasks.status);
  const completed = await db
    .select({ createdBy: marketplaceTasks.createdBy, estimated: marketplaceTasks.estimatedHours, actual: marketplaceTasks.actualHours })
    .from(marketplaceTasks)
    .where(and(scope, eq(marketplaceTasks.status, 'completed'), sql`${marketplaceTasks.actualHours} > 0`))
    .limit(20_000);
  return {
    byStatus: byStatus.map((r) => ({ createdBy: r.createdBy, status: r.status, count: Number(r.n), hours: Number(r.hours) })),
    completed: completed.map((r) => ({ createdBy: r.createdBy, estimated: Number(r.estimated), actual: Number(r.actual) })),
  };
}
