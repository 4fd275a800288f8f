import { sql } from 'drizzle-orm';
import { type DbOrTx, selectRows } from '../../db/client.ts';

/**
 * Cross-org reads for the watchdog (a system actor): which orgs have tasks waiting for a decision
 * since before `before`, and which agents, having created tasks before, created none since `before`.
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

export async function silentAgents(db: DbOrTx, before: Date) {
  const rows = await selectRows(
    db,
    sql`select org_id, created_by, max(created_at) as last_task_at, count(*) as tasks
        from marketplace_tasks
        where created_by like 'marketplace-%'
        group by org_id, created_by
        having max(created_at) < ${before.toISOString()}`,
  );
  return rows.map((r) => ({
    orgId: String(r.org_id),
    agentId: String(r.created_by),
    lastTaskAt: new Date(r.last_task_at as string | Date),
    tasks: Number(r.tasks),
  }));
}
