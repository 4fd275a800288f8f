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
    // A loose scan of marketplace_tasks_org_creator_created_idx: one probe per creator and one for its newest task.
    sql`with recursive creators as (
          (select created_by from marketplace_tasks where org_id = ${orgId} and created_by like 'marketplace-%' order by created_by limit 1)
          union all
          select n.created_by from creators c cross join lateral (
            select t.created_by from marketplace_tasks t
            where t.org_id = ${orgId} and t.created_by > c.created_by and t.created_by like 'marketplace-%'
            order by t.created_by limit 1) n)
        select c.created_by as agent,
          (select max(t.created_at) from marketplace_tasks t where t.org_id = ${orgId} and t.created_by = c.created_by) as last_at
        from creators c`,
  );
  return rows.map((r) => ({ agent: r.agent, lastAt: new Date(r.last_at) }));
}
