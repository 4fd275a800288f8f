import { sql } from 'drizzle-orm';
import type { HealthReport, StuckPatternView } from '../../contracts/health.ts';
import { type Database, selectRows } from '../../db/client.ts';
import type { Ctx } from '../../db/context.ts';
import { within } from '../../lib/within.ts';
import { detectors, type WatchdogThresholds } from './stuck-patterns.detectors.ts';
import { listStuckPatterns, recentRecoveries } from './watchdog.service.ts';

/**
 * Sections of the health report owned by other features (circuit breakers, per-store rate limiters,
 * alerts). The composition root wires them; until then each answers [].
 */
export interface HealthSources {
  breakers(orgId: string): Promise<HealthReport['breakers']>;
  rateLimiters(orgId: string): Promise<HealthReport['rate_limiters']>;
  openAlerts(orgId: string): Promise<HealthReport['open_alerts']>;
}

export const emptyHealthSources: HealthSources = {
  breakers: async () => [],
  rateLimiters: async () => [],
  openAlerts: async () => [],
};

type Status = HealthReport['overall_status'];
const FAILURE_RATE_DEGRADED = 0.05;
const FAILURE_RATE_UNHEALTHY = 0.5;
const DB_TIMEOUT_MS = 2000;

async function databaseHealth(database: Database): Promise<HealthReport['database']> {
  const started = performance.now();
  try {
    const rows = await within(
      selectRows(
        database.db,
        sql`select count(*)::int as total, count(*) filter (where state = 'active')::int as active,
              current_setting('max_connections')::int as max
            from pg_stat_activity where datname = current_database()`,
      ),
      DB_TIMEOUT_MS,
    );
    const r = rows[0] ?? {};
    return {
      ok: true,
      latency_ms: Math.round((performance.now() - started) * 100) / 100,
      connections: { total: Number(r.total ?? 0), active: Number(r.active ?? 0), max: r.max === undefined ? null : Number(r.max) },
    };
  } catch (error) {
    return { ok: false, latency_ms: null, connections: null, error: (error as Error).message };
  }
}

/** Queue depth, oldest due job and last hour's failure rate, read from pg-boss's own tables. */
export async function queueHealth(database: Database, now = new Date()): Promise<HealthReport['queue']> {
  const at = now.toISOString();
  const perQueue = await selectRows(
    database.db,
    sql`select name,
          count(*) filter (where state in ('created', 'retry') and start_after <= ${at})::int as depth,
          count(*) filter (where state = 'active')::int as active,
          min(greatest(created_on, start_after)) filter (where state in ('created', 'retry') and start_after <= ${at}) as oldest
        from pgboss.job
        where state in ('created', 'retry', 'active') and name not like '%.dead'
        group by name order by name`,
  );
  const [totals] = await selectRows(
    database.db,
    sql`select
          count(*) filter (where state = 'completed' and completed_on > ${at}::timestamptz - interval '1 hour' and name not like '%.dead')::int as completed,
          count(*) filter (where state = 'failed' and completed_on > ${at}::timestamptz - interval '1 hour' and name not like '%.dead')::int as failed,
          count(*) filter (where name like '%.dead' and state in ('created', 'retry'))::int as dead
        from pgboss.job
        where completed_on > ${at}::timestamptz - interval '1 hour' or name like '%.dead'`,
  );
  const ageOf = (v: unknown) => (v ? Math.max(0, Math.round((now.getTime() - new Date(v as string).getTime()) / 1000)) : null);
  const queues = perQueue.map((q) => ({ name: String(q.name), depth: Number(q.depth), active: Number(q.active), oldest_age_seconds: ageOf(q.oldest) }));
  const completed = Number(totals?.completed ?? 0);
  const failed = Number(totals?.failed ?? 0);
  const failureRate = completed + failed > 0 ? Math.round((failed / (completed + failed)) * 10_000) / 10_000 : null;
  const ages = queues.map((q) => q.oldest_age_seconds).filter((a): a is number => a !== null);
  const health: Status =
    failureRate !== null && failureRate >= FAILURE_RATE_UNHEALTHY
      ? 'unhealthy'
      : failureRate !== null && failureRate >= FAILURE_RATE_DEGRADED
        ? 'degraded'
        : 'healthy';
  return {
    depth: queues.reduce((s, q) => s + q.depth, 0),
    active: queues.reduce((s, q) => s + q.active, 0),
    dead: Number(totals?.dead ?? 0),
    oldest_age_seconds: ages.length > 0 ? Math.max(...ages) : null,
    completed_last_hour: completed,
    failed_last_hour: failed,
    failure_rate: failureRate,
    health,
    queues,
  };
}

const rank: Record<Status, number> = { healthy: 0, degraded: 1, unhealthy: 2 };
const worst = (...statuses: Status[]): Status => statuses.reduce((a, b) => (rank[b] > rank[a] ? b : a), 'healthy');

/**
 * unhealthy: the database does not answer, the job failure rate is >= 50 %, or a critical pattern is open.
 * degraded: any other open pattern, a failure rate >= 5 %, an open breaker or an open critical alert.
 */
export function overallStatus(input: {
  database: HealthReport['database'];
  queue: Pick<HealthReport['queue'], 'health'>;
  patterns: Pick<StuckPatternView, 'severity'>[];
  breakers?: HealthReport['breakers'];
}): Status {
  if (!input.database.ok) return 'unhealthy';
  const fromPatterns: Status = input.patterns.some((p) => p.severity === 'critical') ? 'unhealthy' : input.patterns.length > 0 ? 'degraded' : 'healthy';
  const fromBreakers: Status = (input.breakers ?? []).some((b) => b.state !== 'closed') ? 'degraded' : 'healthy';
  return worst(input.queue.health, fromPatterns, fromBreakers);
}

/** What a load balancer sees (no credentials): the database, the job engine and the system-wide patterns. */
export async function publicHealth(database: Database, now = new Date()) {
  const db = await databaseHealth(database);
  const queue = db.ok ? await queueHealth(database, now).catch(() => ({ health: 'degraded' as const })) : { health: 'unhealthy' as const };
  const patterns = db.ok
    ? await selectRows<{ severity: StuckPatternView['severity'] }>(
        database.db,
        sql`select severity from stuck_patterns where status = 'open' and org_id is null`,
      )
    : [];
  const status = overallStatus({ database: db, queue, patterns });
  return { status, overall_status: status, timestamp: now.toISOString() };
}

const severityRank = { critical: 0, warning: 1, info: 2 } as const;

/** Seed 002's getSystemHealth for one org: shared engine + this org's patterns, plus the provided sections. */
export async function getSystemHealth(
  ctx: Pick<Ctx, 'db' | 'orgId' | 'now'>,
  deps: { database: Database; sources: HealthSources; thresholds: WatchdogThresholds; autoRecovery: boolean },
): Promise<HealthReport> {
  const database = await databaseHealth(deps.database);
  const empty: HealthReport['queue'] = {
    depth: 0,
    active: 0,
    dead: 0,
    oldest_age_seconds: null,
    completed_last_hour: 0,
    failed_last_hour: 0,
    failure_rate: null,
    health: 'unhealthy',
    queues: [],
  };
  if (!database.ok) {
    const status = 'unhealthy' as const;
    return {
      status,
      overall_status: status,
      timestamp: ctx.now.toISOString(),
      queue: empty,
      database,
      stuck_patterns: [],
      recommendations: ['The database does not answer: check that PostgreSQL is running and reachable (DATABASE_URL), then GET /readyz.'],
      detectors: [],
      recent_recoveries: [],
      auto_recovery: deps.autoRecovery,
      breakers: [],
      rate_limiters: [],
      open_alerts: [],
    };
  }
  const safe = async <T>(load: () => Promise<T[]>): Promise<T[]> => load().catch(() => []);
  const [queue, patterns, recovered, breakers, rateLimiters, openAlerts] = await Promise.all([
    queueHealth(deps.database, ctx.now),
    listStuckPatterns(ctx, { status: 'open', limit: 200 }),
    recentRecoveries(ctx, 10),
    safe(() => deps.sources.breakers(ctx.orgId)),
    safe(() => deps.sources.rateLimiters(ctx.orgId)),
    safe(() => deps.sources.openAlerts(ctx.orgId)),
  ]);
  patterns.sort((a, b) => severityRank[a.severity] - severityRank[b.severity] || a.detected_at.localeCompare(b.detected_at));
  const status = overallStatus({ database, queue, patterns, breakers });
  return {
    status,
    overall_status: status,
    timestamp: ctx.now.toISOString(),
    queue,
    database,
    stuck_patterns: patterns,
    recommendations: patterns.map((p) => p.recommendation),
    detectors: detectors.map((d) => ({
      type: d.type,
      applicable: d.applicable,
      threshold: d.threshold(deps.thresholds),
      threshold_seconds: d.thresholdSeconds(deps.thresholds),
      ...(d.note ? { note: d.note } : {}),
    })),
    recent_recoveries: recovered,
    auto_recovery: deps.autoRecovery,
    breakers,
    rate_limiters: rateLimiters,
    open_alerts: openAlerts,
  };
}
