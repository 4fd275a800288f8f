import { type SQL, sql } from 'drizzle-orm';
import type { DailyStats } from '../../contracts/tasks.ts';
import { type DbOrTx, selectRows } from '../../db/client.ts';
import type { Ctx } from '../../db/context.ts';
import { orgSettings } from '../tenancy/index.ts';

const n = (v: unknown) => Number(v ?? 0);

/** Agent tokens see only figures of their own tasks; everyone else the whole org. */
const ownOnly = (ctx: Pick<Ctx, 'actor'>, column = sql.raw('t.created_by')): SQL =>
  ctx.actor.type === 'token' && ctx.actor.kind === 'agent' && ctx.actor.agentId ? sql` and ${column} = ${ctx.actor.agentId}` : sql``;
const maybe = (v: unknown) => (v === null || v === undefined ? null : Math.round(Number(v) * 100) / 100);

/** Today's date (YYYY-MM-DD) in a time zone. */
export const localDate = (now: Date, timeZone: string) =>
  new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);

/**
 * Seed 000/001 daily stats per marketplace for one local day of the org: status counts of the tasks
 * created that day (seed 001's `created` = still pending), plus completed that day, average completion
 * hours, time accuracy and approval rate of the day's decisions.
 */
export async function dailyStats(ctx: Ctx, date?: string): Promise<{ date: string; timeZone: string; stats: DailyStats[] }> {
  const { timeZone } = await orgSettings(ctx.db, ctx.orgId);
  const day = date ?? localDate(ctx.now, timeZone);
  const start = sql`(${day}::date)::timestamp at time zone ${timeZone}`;
  const end = sql`(${day}::date + 1)::timestamp at time zone ${timeZone}`;
  const rows = await selectRows(
    ctx.db,
    sql`
    with w as (select ${start} as s, ${end} as e)
    select t.marketplace,
      count(*) filter (where t.created_at >= w.s and t.created_at < w.e and t.status = 'pending') as pending,
      count(*) filter (where t.created_at >= w.s and t.created_at < w.e and t.status = 'awaiting_approval') as awaiting,
      count(*) filter (where t.created_at >= w.s and t.created_at < w.e and t.status = 'approved') as approved,
      count(*) filter (where t.created_at >= w.s and t.created_at < w.e and t.status = 'in_progress') as in_progress,
      count(*) filter (where t.created_at >= w.s and t.created_at < w.e and t.status = 'completed') as completed,
      count(*) filter (where t.created_at >= w.s and t.created_at < w.e and t.status = 'rejected') as rejected,
      count(*) filter (where t.created_at >= w.s and t.created_at < w.e) as created_today,
      count(*) filter (where t.completed_at >= w.s and t.completed_at < w.e) as completed_today,
      avg(extract(epoch from (t.completed_at - t.started_at)) / 3600) filter (where t.completed_at >= w.s and t.completed_at < w.e) as avg_completion,
      avg(100 * least(t.estimated_hours, t.actual_hours) / greatest(t.estimated_hours, t.actual_hours)) filter (where t.completed_at >= w.s and t.completed_at < w.e) as accuracy,
      count(*) filter (where t.approved_at >= w.s and t.approved_at < w.e and t.status <> 'rejected') as decided_approved,
      count(*) filter (where t.approved_at >= w.s and t.approved_at < w.e) as decided
    from marketplace_tasks t, w
    where t.org_id = ${ctx.orgId}${ownOnly(ctx)}
      and ((t.created_at >= w.s and t.created_at < w.e) or (t.completed_at >= w.s and t.completed_at < w.e) or (t.approved_at >= w.s and t.approved_at < w.e))
    group by t.marketplace
    order by t.marketplace`,
  );
  const stats = rows.map((r) => ({
    marketplace: String(r.marketplace),
    created: n(r.pending),
    pending: n(r.pending),
    awaitingApproval: n(r.awaiting),
    approved: n(r.approved),
    inProgress: n(r.in_progress),
    completed: n(r.completed),
    rejected: n(r.rejected),
    createdToday: n(r.created_today),
    completedToday: n(r.completed_today),
    avgCompletionTime: maybe(r.avg_completion),
    timeAccuracy: maybe(r.accuracy),
    approvalRate: n(r.decided) > 0 ? maybe((100 * n(r.decided_approved)) / n(r.decided)) : null,
  }));
  return { date: day, timeZone, stats };
}

/** Per local day for the last `days` days: created, approved, rejected, completed. */
export async function statsTrend(ctx: Ctx, days: number) {
  const { timeZone } = await orgSettings(ctx.db, ctx.orgId);
  const today = localDate(ctx.now, timeZone);
  const from = sql`((${today}::date - ${days - 1}::int)::timestamp at time zone ${timeZone})`;
  const local = (column: string) => sql.raw(`(${column} at time zone '${timeZone.replaceAll("'", "''")}')::date`);
  const rows = await selectRows(
    ctx.db,
    sql`
    select d::date as day,
      (select count(*) from marketplace_tasks t where t.org_id = ${ctx.orgId}${ownOnly(ctx)} and t.created_at >= ${from} and ${local('t.created_at')} = d::date) as created,
      (select count(*) from marketplace_tasks t where t.org_id = ${ctx.orgId}${ownOnly(ctx)} and t.approved_at >= ${from} and t.status <> 'rejected' and ${local('t.approved_at')} = d::date) as approved,
      (select count(*) from marketplace_tasks t where t.org_id = ${ctx.orgId}${ownOnly(ctx)} and t.approved_at >= ${from} and t.status = 'rejected' and ${local('t.approved_at')} = d::date) as rejected,
      (select count(*) from marketplace_tasks t where t.org_id = ${ctx.orgId}${ownOnly(ctx)} and t.completed_at >= ${from} and ${local('t.completed_at')} = d::date) as completed
    from generate_series(${today}::date - ${days - 1}::int, ${today}::date, interval '1 day') as d
    order by d`,
  );
  return {
    timeZone,
    days: rows.map((r) => ({
      date: r.day instanceof Date ? r.day.toISOString().slice(0, 10) : String(r.day).slice(0, 10),
      created: n(r.created),
      approved: n(r.approved),
      rejected: n(r.rejected),
      completed: n(r.completed),
    })),
  };
}

/** Pipeline and performance figures for the org (all time), and per-agent generation and approval. */
export async function taskMetrics(db: DbOrTx, orgId: string, viewer?: Pick<Ctx, 'actor'>) {
  const own = viewer ? ownOnly(viewer, sql.raw('created_by')) : sql``;
  const [totals] = await selectRows(
    db,
    sql`
    select
      count(*) filter (where status = 'pending') as pending,
      count(*) filter (where status = 'awaiting_approval') as awaiting,
      count(*) filter (where status = 'approved') as approved,
      count(*) filter (where status = 'in_progress') as in_progress,
      count(*) filter (where status = 'completed') as completed,
      count(*) filter (where status = 'rejected') as rejected,
      count(*) filter (where approved_at is not null and status <> 'rejected') as decided_approved,
      count(*) filter (where approved_at is not null) as decided,
      avg(extract(epoch from (approved_at - submitted_at)) / 3600) filter (where approved_at is not null and submitted_at is not null) as approval_hours,
      avg(extract(epoch from (completed_at - started_at)) / 3600) filter (where completed_at is not null) as execution_hours,
      avg(100 * least(estimated_hours, actual_hours) / greatest(estimated_hours, actual_hours)) filter (where completed_at is not null) as accuracy
    from marketplace_tasks where org_id = ${orgId}${own}`,
  );
  const agents = await selectRows(
    db,
    sql`
    select created_by,
      count(*) as generated,
      count(*) filter (where approved_at is not null and status <> 'rejected') as approved,
      count(*) filter (where status = 'rejected') as rejected
    from marketplace_tasks where org_id = ${orgId}${own} and created_by like 'marketplace-%'
    group by created_by order by created_by`,
  );
  const t = totals ?? {};
  return {
    pipeline: {
      pending: n(t.pending),
      awaitingApproval: n(t.awaiting),
      approved: n(t.approved),
      inProgress: n(t.in_progress),
      completed: n(t.completed),
      rejected: n(t.rejected),
    },
    approvalRate: n(t.decided) > 0 ? maybe((100 * n(t.decided_approved)) / n(t.decided)) : null,
    avgApprovalHours: maybe(t.approval_hours),
    avgExecutionHours: maybe(t.execution_hours),
    timeAccuracy: maybe(t.accuracy),
    agents: agents.map((a) => {
      const decided = n(a.approved) + n(a.rejected);
      return {
        agentId: String(a.created_by),
        generated: n(a.generated),
        approved: n(a.approved),
        rejected: n(a.rejected),
        approvalRate: decided > 0 ? maybe((100 * n(a.approved)) / decided) : null,
      };
    }),
  };
}

/** Tasks by status and marketplace across every org (Prometheus gauge, read at scrape time). */
export async function taskCountsByStatus(db: DbOrTx): Promise<Array<{ status: string; marketplace: string; count: number }>> {
  const rows = await selectRows(db, sql`select status, marketplace, count(*) as c from marketplace_tasks group by status, marketplace`);
  return rows.map((r) => ({ status: String(r.status), marketplace: String(r.marketplace), count: n(r.c) }));
}
