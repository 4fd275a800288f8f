import { and, asc, eq, gte, lte, sql } from 'drizzle-orm';
import { type Db, selectRows } from '../../db/client.ts';
import { type Ctx, systemActor } from '../../db/context.ts';
import { uuidv7 } from '../../lib/ids.ts';
import type { Logger } from '../../lib/logger.ts';
import { dailyStats, localDate } from '../tasks/index.ts';
import { listOrgIds, orgSettings } from '../tenancy/index.ts';
import { marketplaceMetrics } from './watchdog.tables.ts';

interface Sample {
  name: string;
  value: number | null;
  labels: Record<string, string>;
}

const shiftDay = (day: string, days: number) => new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** The figures of one org-local day, per marketplace (reusing the tasks module's daily stats). */
async function samplesOf(ctx: Ctx, day: string): Promise<Sample[]> {
  const { stats } = await dailyStats(ctx, day);
  const samples: Sample[] = [];
  for (const s of stats) {
    const labels = { marketplace: s.marketplace };
    samples.push(
      { name: 'tasks_created', value: s.createdToday, labels },
      { name: 'tasks_completed', value: s.completedToday, labels },
      { name: 'approval_rate', value: s.approvalRate, labels },
      { name: 'time_accuracy', value: s.timeAccuracy, labels },
      { name: 'avg_completion_hours', value: s.avgCompletionTime, labels },
    );
  }
  const [open] = await selectRows<{ n: number }>(ctx.db, sql`select count(*)::int as n from stuck_patterns where status = 'open' and org_id = ${ctx.orgId}`);
  samples.push({ name: 'stuck_patterns_open', value: Number(open?.n ?? 0), labels: {} });
  return samples;
}

/**
 * Writes (upserts) one org's snapshot rows for a local day. Idempotent: running it again for the same
 * day replaces the values, so an hourly run keeps today's figures current and finalises yesterday's.
 */
export async function snapshotOrgDay(ctx: Ctx, day: string): Promise<number> {
  const samples = await samplesOf(ctx, day);
  for (const s of samples) {
    await ctx.db
      .insert(marketplaceMetrics)
      .values({ id: uuidv7(ctx.now.getTime()), orgId: ctx.orgId, metricName: s.name, metricValue: s.value, timestamp: ctx.now, day, labels: s.labels })
      .onConflictDoUpdate({
        target: [marketplaceMetrics.orgId, marketplaceMetrics.metricName, marketplaceMetrics.day, marketplaceMetrics.labels],
        set: { metricValue: s.value, timestamp: ctx.now },
      });
  }
  return samples.length;
}

/** Every org: today and yesterday in the org's time zone. */
export async function snapshotAllOrgs(db: Db, log: Logger, now = new Date()) {
  let rows = 0;
  const orgIds = await listOrgIds(db);
  for (const orgId of orgIds) {
    const ctx: Ctx = { orgId, actor: systemActor('metrics.snapshot'), permissions: new Set(), db, log, now, requestId: null, ip: null };
    const { timeZone } = await orgSettings(db, orgId);
    const today = localDate(now, timeZone);
    rows += await snapshotOrgDay(ctx, shiftDay(today, -1));
    rows += await snapshotOrgDay(ctx, today);
  }
  return { orgs: orgIds.length, rows };
}

/** GET /api/metrics/snapshots: one metric between two days (default: the last 30 days). */
export async function listMetricSnapshots(
  ctx: Pick<Ctx, 'db' | 'orgId' | 'now'>,
  query: { metric: string; from?: string | undefined; to?: string | undefined },
) {
  const to = query.to ?? ctx.now.toISOString().slice(0, 10);
  const from = query.from ?? shiftDay(to, -29);
  const rows = await ctx.db
    .select()
    .from(marketplaceMetrics)
    .where(
      and(
        eq(marketplaceMetrics.orgId, ctx.orgId),
        eq(marketplaceMetrics.metricName, query.metric),
        gte(marketplaceMetrics.day, from),
        lte(marketplaceMetrics.day, to),
      ),
    )
    .orderBy(asc(marketplaceMetrics.day), asc(marketplaceMetrics.id))
    .limit(5000);
  return {
    metric: query.metric,
    from,
    to,
    snapshots: rows.map((r) => ({
      metric_name: r.metricName,
      metric_value: r.metricValue,
      day: r.day,
      timestamp: r.timestamp.toISOString(),
      labels: r.labels,
    })),
  };
}
