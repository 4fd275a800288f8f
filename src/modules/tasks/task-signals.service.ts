import { sql } from 'drizzle-orm';
import { type DbOrTx, selectRows } from '../../db/client.ts';

/** Tasks awaiting an approval decision right now (seed 000 alert: > 500). */
export async function countAwaitingApproval(db: DbOrTx, orgId: string): Promise<number> {
  const [row] = await selectRows<{ n: string }>(db, sql`select count(*) as n from marketplace_tasks where org_id = ${orgId} and status = 'awaiting_approval'`);
  return Number(row?.n ?? 0);
}

/** Undecided tasks (pending or awaiting approval): how many wait longer than `days` since submission (or creation), and the oldest one's age in days. */
export async function staleUndecidedTasks(db: DbOrTx, orgId: string, now: Date, days: number): Promise<{ count: number; oldestDays: number | null }> {
  const cutoff = new Date(now.getTime() - days * 86_400_000);
  const [row] = await selectRows<{ n: string; oldest: Date | string | null }>(
    db,
    sql`select count(*) filter (where coalesce(submitted_at, created_at) < ${cutoff.toISOString()}) as n, min(coalesce(submitted_at, created_at)) as oldest
        from marketplace_tasks where org_id = ${orgId} and status in ('pending', 'awaiting_approval')`,
  );
  const oldest = row?.oldest ? new Date(row.oldest) : null;
  return { count: Number(row?.n ?? 0), oldestDays: oldest ? (now.getTime() - oldest.getTime()) / 86_400_000 : null };
}

/** When each agent (a task's created_by) last created a task in the org. */
export async function agentsLastTaskAt(db: DbOrTx, orgId: string): Promise<Array<{ agent: string; lastAt: Date }>> {
  const rows = await selectRows<{ agent: string; last_at: Date | string }>(
    db,
    sql`select created_by as agent, max(created_at) as last_at from marketplace_tasks where org_id = ${orgId} and created_by like 'marketplace-%' group by created_by`,
  );
  return rows.map((r) => ({ agent: r.agent, lastAt: new Date(r.last_at) }));
}
