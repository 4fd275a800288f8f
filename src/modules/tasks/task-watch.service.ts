import { sql } from 'drizzle-orm';
import { type DbOrTx, selectRows } from '../../db/client.ts';

/**
 * Cross-org reads for the watchdog (a system actor): which orgs have tasks waiting for a decision
 * since before `before` (read from the partial index marketplace_tasks_awaiting_submitted_idx), and which agents,
 * having created tasks before, created none since `before`.
 */
export async function overdueApprovalsByOrg(db: DbOrTx, before: Date) {
  const rows = await selectRows(
    db,
    sql`select org_id, count(*) as count, min(submitted_at) as oldest,
          (array_agg(id order by submitted_at))[1:20] as task_ids
        from marketplace_tasks
        where status = 'awaiting_approval' and submitted_at < ${before.toISOString()}
        group by org_id`,
  );
  return rows.map((r) => ({
    orgId: String(r.org_id),
    count: Number(r.count),
    oldestSubmittedAt: new Date(r.oldest as string | Date),
    taskIds: (r.task_ids as string[]) ?? [],
  }));
}

/**
 * Agents (created_by `marketplace-…`) whose last task in their org is older than `before`. A loose scan of
 * marketplace_tasks_org_creator_created_idx: one probe per (org, creator) pair and one for its newest task, instead of
 * reading every task each watchdog pass; the task count is read only for the silent ones.
 */
export async function silentAgents(db: DbOrTx, before: Date) {
  const rows = await selectRows(
    db,
    sql`with recursive pairs as (
          (select org_id, created_by from marketplace_tasks where created_by like 'marketplace-%' order by org_id, created_by limit 1)
          union all
          select n.org_id, n.created_by from pairs p cross join lateral (
            select t.org_id, t.created_by from marketplace_tasks t
            where (t.org_id, t.created_by) > (p.org_id, p.created_by) and t.created_by like 'marketplace-%'
            order by t.org_id, t.created_by limit 1) n),
        last as (
          select p.org_id, p.created_by,
            (select max(t.created_at) from marketplace_tasks t where t.org_id = p.org_id and t.created_by = p.created_by) as last_task_at
          from pairs p)
        select l.org_id, l.created_by, l.last_task_at,
          (select count(*) from marketplace_tasks t where t.org_id = l.org_id and t.created_by = l.created_by) as tasks
        from last l where l.last_task_at < ${before.toISOString()}`,
  );
  return rows.map((r) => ({
    orgId: String(r.org_id),
    agentId: String(r.created_by),
    lastTaskAt: new Date(r.last_task_at as string | Date),
    tasks: Number(r.tasks),
  }));
}
