import { and, asc, desc, eq, gte, inArray, isNull, lt, notInArray, or, sql } from 'drizzle-orm';
import type { StuckPatternView } from '../../contracts/health.ts';
import type { JobCatalog } from '../../contracts/jobs.ts';
import { type Db, type DbOrTx, selectRows } from '../../db/client.ts';
import type { Ctx } from '../../db/context.ts';
import { withTransaction } from '../../db/transaction.ts';
import { AppError } from '../../lib/errors.ts';
import { uuidv7 } from '../../lib/ids.ts';
import type { Logger } from '../../lib/logger.ts';
import type { JobQueue } from '../../queue/job-queue.ts';
import { recordAudit } from '../tenancy/index.ts';
import { detectors, type Finding, type WatchdogThresholds } from './stuck-patterns.detectors.ts';
import { queueDepthSamples, recoveries, stuckPatterns } from './watchdog.tables.ts';

/** What the watchdog needs from the job engine to fix a pattern (given by src/jobs or http, which own the queue). */
export interface WatchdogEngine {
  /** Fails a job over only if it is still running the given attempt (pg-boss's fenced fail): it retries or goes to its dead-letter queue. Returns rows affected. */
  failOver(queue: string, job: { id: string; retryCount: number }, message: string): Promise<number>;
  /** Re-enqueues a stuck analysis plan's job, or fails the plan with its reason (plans module, given by the composition root). */
  recoverPlan?(orgId: string, planId: string, opts: { analysisTimedOut?: boolean }): Promise<{ action: string }>;
}

/** The job engine's fenced fail (only the attempt that is still running), used by automatic and manual fixes. */
export const jobEngineFailOver = (boss: JobQueue<JobCatalog>['boss']): WatchdogEngine => ({
  async failOver(queue, job, message) {
    const result = (await boss.fail(queue, job, { message })) as { affected?: number };
    return result.affected ?? 0;
  },
});

export interface WatchdogOptions {
  thresholds: WatchdogThresholds;
  /** ENABLE_AUTO_RECOVERY: apply safe fixes without a person. Off: detect and recommend only. */
  autoRecovery: boolean;
  engine: WatchdogEngine;
  log: Logger;
}

export interface TickResult {
  ran: boolean;
  open: number;
  opened: string[];
  resolved: number;
  recovered: Array<{ patternId: string; outcome: 'succeeded' | 'failed' }>;
}

/** Any number of processes may tick; a transaction-scoped advisory lock lets one at a time write. */
const WATCHDOG_LOCK = sql`pg_try_advisory_xact_lock(hashtext('nexo.watchdog'))`;
const AUTO_RETRY_MS = 30_000;
const SAMPLE_EVERY_MS = 60_000;
const SAMPLE_RETENTION_MS = 48 * 3_600_000;

const keyOf = (f: Pick<Finding, 'orgId' | 'type' | 'subject'>) => `${f.orgId ?? 'system'}|${f.type}|${f.subject}`;

type PatternRow = typeof stuckPatterns.$inferSelect;
type RecoveryRow = typeof recoveries.$inferSelect;

export const patternView = (p: PatternRow): StuckPatternView => ({
  id: p.id,
  type: p.type as StuckPatternView['type'],
  subject: p.subject,
  severity: p.severity as StuckPatternView['severity'],
  status: p.status as StuckPatternView['status'],
  scope: p.orgId ? 'org' : 'system',
  since: p.since.toISOString(),
  detected_at: p.detectedAt.toISOString(),
  last_seen_at: p.lastSeenAt.toISOString(),
  resolved_at: p.resolvedAt?.toISOString() ?? null,
  details: p.details,
  recommendation: p.recommendation,
  auto_fixable: p.autoFixable,
});

export const recoveryView = (r: RecoveryRow) => ({
  id: r.id,
  pattern_id: r.patternId,
  action: r.action,
  outcome: r.outcome as 'succeeded' | 'failed',
  trigger: r.trigger as 'auto' | 'manual',
  details: r.details,
  at: r.at.toISOString(),
});

/**
 * One watchdog pass: run every detector, open new patterns, refresh the ones still true, resolve
 * the ones that cleared, then (when auto recovery is on) fix the auto-fixable ones.
 */
export async function runWatchdogTick(db: Db, options: WatchdogOptions, now = new Date()): Promise<TickResult> {
  const { thresholds, log } = options;
  const findings: Finding[] = [];
  const checked: string[] = [];
  for (const detector of detectors) {
    if (!detector.applicable) continue;
    try {
      findings.push(...(await detector.detect(db, now, thresholds)));
      checked.push(detector.type);
    } catch (error) {
      // A failing detector must not resolve its open patterns (absence of evidence), nor stop the others.
      log.warn({ err: error, detector: detector.type }, 'watchdog detector failed');
    }
  }

  const result = await withTransaction(db, async (tx) => {
    const locked = await tryLock(tx);
    if (!locked) return null;
    const opened: string[] = [];
    const keys: string[] = [];
    for (const f of findings) {
      const key = keyOf(f);
      keys.push(key);
      const inserted = await tx
        .insert(stuckPatterns)
        .values({
          id: uuidv7(now.getTime()),
          orgId: f.orgId,
          type: f.type,
          subject: f.subject,
          dedupeKey: key,
          severity: f.severity,
          status: 'open',
          since: f.since,
          detectedAt: now,
          lastSeenAt: now,
          details: f.details,
          recommendation: f.recommendation,
          autoFixable: f.autoFixable,
        })
        .onConflictDoUpdate({
          target: stuckPatterns.dedupeKey,
          targetWhere: sql`${stuckPatterns.status} = 'open'`,
          set: { lastSeenAt: now, severity: f.severity, details: f.details, recommendation: f.recommendation },
        })
        .returning({ id: stuckPatterns.id, detectedAt: stuckPatterns.detectedAt });
      if (inserted[0] && inserted[0].detectedAt.getTime() === now.getTime()) opened.push(inserted[0].id);
    }
    const cleared =
      checked.length === 0
        ? []
        : await tx
            .update(stuckPatterns)
            .set({ status: 'resolved', resolvedAt: now })
            .where(
              and(
                eq(stuckPatterns.status, 'open'),
                inArray(stuckPatterns.type, checked),
                keys.length > 0 ? notInArray(stuckPatterns.dedupeKey, keys) : undefined,
              ),
            )
            .returning({ id: stuckPatterns.id });
    await sampleQueueDepth(tx, now);
    return { opened, resolved: cleared.length };
  });
  if (!result) return { ran: false, open: findings.length, opened: [], resolved: 0, recovered: [] };

  const recovered: TickResult['recovered'] = [];
  if (options.autoRecovery) {
    const fixable = await db
      .select()
      .from(stuckPatterns)
      .where(and(eq(stuckPatterns.status, 'open'), eq(stuckPatterns.autoFixable, true)));
    for (const pattern of fixable) {
      const [last] = await db.select().from(recoveries).where(eq(recoveries.patternId, pattern.id)).orderBy(desc(recoveries.at)).limit(1);
      if (last && now.getTime() - last.at.getTime() < AUTO_RETRY_MS) continue;
      const recovery = await applyFix(db, options.engine, pattern, 'auto', now);
      recovered.push({ patternId: pattern.id, outcome: recovery.outcome as 'succeeded' | 'failed' });
      log.info({ pattern: pattern.id, type: pattern.type, subject: pattern.subject, outcome: recovery.outcome }, 'watchdog applied a recovery');
    }
  }
  return { ran: true, open: findings.length, opened: result.opened, resolved: result.resolved, recovered };
}

/** About once a minute (under the watchdog lock): the engine's depth, for the Health page's chart; older than 48 h is pruned. */
async function sampleQueueDepth(tx: DbOrTx, now: Date): Promise<void> {
  const [last] = await tx.select({ at: queueDepthSamples.at }).from(queueDepthSamples).orderBy(desc(queueDepthSamples.at)).limit(1);
  if (last && now.getTime() - last.at.getTime() < SAMPLE_EVERY_MS) return;
  const at = now.toISOString();
  await tx.execute(sql`
    insert into queue_depth_samples (at, depth, active, dead, oldest_age_seconds)
    select ${at}::timestamptz,
      count(*) filter (where state in ('created', 'retry') and start_after <= ${at}::timestamptz and name not like '%.dead'),
      count(*) filter (where state = 'active'),
      count(*) filter (where state in ('created', 'retry') and name like '%.dead'),
      extract(epoch from ${at}::timestamptz - min(greatest(created_on, start_after)) filter (where state in ('created', 'retry') and start_after <= ${at}::timestamptz and name not like '%.dead'))::int
    from pgboss.job where state in ('created', 'retry', 'active')
    on conflict (at) do nothing`);
  await tx.delete(queueDepthSamples).where(lt(queueDepthSamples.at, new Date(now.getTime() - SAMPLE_RETENTION_MS)));
}

/** The queue depth samples of the last `hours` hours, oldest first (system-wide: the shared job engine). */
export async function queueDepthHistory(db: DbOrTx, hours: number, now = new Date()) {
  const rows = await db
    .select()
    .from(queueDepthSamples)
    .where(gte(queueDepthSamples.at, new Date(now.getTime() - hours * 3_600_000)))
    .orderBy(asc(queueDepthSamples.at));
  return rows.map((r) => ({ at: r.at.toISOString(), depth: r.depth, active: r.active, dead: r.dead, oldest_age_seconds: r.oldestAgeSeconds }));
}

async function tryLock(tx: DbOrTx): Promise<boolean> {
  const [row] = await selectRows<{ ok: boolean }>(tx, sql`select ${WATCHDOG_LOCK} as ok`);
  return row?.ok === true;
}

/** The safe fix of an auto-fixable pattern; records a recovery and resolves the pattern when it worked. */
async function applyFix(db: Db, engine: WatchdogEngine, pattern: PatternRow, trigger: 'auto' | 'manual', now: Date): Promise<RecoveryRow> {
  let outcome: 'succeeded' | 'failed' = 'failed';
  let action = 'none';
  const details: Record<string, unknown> = {};
  try {
    if (pattern.type === 'job_lease_expired') {
      action = 'fail_over_job';
      const jobId = String(pattern.details.job_id);
      const queue = String(pattern.details.queue);
      const [job] = await selectRows<{ state: string; retry_count: number }>(
        db,
        sql`select state, retry_count from pgboss.job where id = ${jobId} and name = ${queue}`,
      );
      if (job?.state !== 'active') {
        details.note = `the job is no longer running (${job?.state ?? 'gone'}); nothing to do`;
        outcome = 'succeeded';
      } else {
        const affected = await engine.failOver(
          queue,
          { id: jobId, retryCount: Number(job.retry_count) },
          `lease expired; failed over by the Nexo watchdog (${trigger})`,
        );
        const [after] = await selectRows<{ state: string }>(db, sql`select state from pgboss.job where id = ${jobId} and name = ${queue}`);
        details.affected = affected;
        details.state_after = after?.state ?? 'gone';
        outcome = affected > 0 || details.state_after !== 'active' ? 'succeeded' : 'failed';
      }
    } else if ((pattern.type === 'plan_without_phase1' || pattern.type === 'plan_analysis_stuck') && engine.recoverPlan && pattern.orgId) {
      const done = await engine.recoverPlan(pattern.orgId, String(pattern.details.plan_id), { analysisTimedOut: pattern.details.timed_out === true });
      action = done.action;
      outcome = 'succeeded';
    } else {
      details.error = `no automatic fix for ${pattern.type}`;
    }
  } catch (error) {
    details.error = (error as Error).message;
  }
  return withTransaction(db, async (tx) => {
    const [row] = await tx
      .insert(recoveries)
      .values({ id: uuidv7(now.getTime()), patternId: pattern.id, orgId: pattern.orgId, action, outcome, trigger, details, at: now })
      .returning();
    if (outcome === 'succeeded') {
      await tx
        .update(stuckPatterns)
        .set({ status: 'resolved', resolvedAt: now })
        .where(and(eq(stuckPatterns.id, pattern.id), eq(stuckPatterns.status, 'open')));
    }
    return row as RecoveryRow;
  });
}

/** Patterns an org sees: its own and the system-wide ones. */
const visibleTo = (orgId: string) => or(eq(stuckPatterns.orgId, orgId), isNull(stuckPatterns.orgId));

export async function listStuckPatterns(ctx: Pick<Ctx, 'db' | 'orgId'>, filter: { status: 'open' | 'resolved' | 'all'; limit: number }) {
  const rows = await ctx.db
    .select()
    .from(stuckPatterns)
    .where(and(visibleTo(ctx.orgId), filter.status === 'all' ? undefined : eq(stuckPatterns.status, filter.status)))
    .orderBy(desc(stuckPatterns.detectedAt))
    .limit(filter.limit);
  return rows.map(patternView);
}

export async function recentRecoveries(ctx: Pick<Ctx, 'db' | 'orgId'>, limit = 10) {
  const rows = await ctx.db
    .select()
    .from(recoveries)
    .where(or(eq(recoveries.orgId, ctx.orgId), isNull(recoveries.orgId)))
    .orderBy(desc(recoveries.at))
    .limit(limit);
  return rows.map(recoveryView);
}

/** "Fix now": a person applies the safe fix of an open, auto-fixable pattern (works whatever ENABLE_AUTO_RECOVERY says). */
export async function fixStuckPattern(ctx: Ctx, engine: WatchdogEngine, patternId: string) {
  const [pattern] = await ctx.db
    .select()
    .from(stuckPatterns)
    .where(and(eq(stuckPatterns.id, patternId), visibleTo(ctx.orgId)));
  if (!pattern) throw new AppError('NOT_FOUND', 'Stuck pattern not found');
  if (pattern.status !== 'open')
    throw new AppError('CONFLICT', 'This pattern is already resolved', { status: pattern.status, resolved_at: pattern.resolvedAt });
  if (!pattern.autoFixable)
    throw new AppError('CONFLICT', 'This pattern has no automatic fix: follow its recommendation', {
      auto_fixable: false,
      recommendation: pattern.recommendation,
    });
  const recovery = await applyFix(ctx.db, engine, pattern, 'manual', ctx.now);
  await withTransaction(ctx.db, (tx) =>
    recordAudit(tx, ctx, {
      action: 'health.pattern.fix',
      resourceType: 'stuck_pattern',
      resourceId: pattern.id,
      after: { type: pattern.type, subject: pattern.subject, action: recovery.action, outcome: recovery.outcome },
    }),
  );
  const [after] = await ctx.db.select().from(stuckPatterns).where(eq(stuckPatterns.id, pattern.id));
  return { pattern: patternView(after as PatternRow), recovery: recoveryView(recovery) };
}

/** Open patterns by type and severity across all orgs (the Prometheus gauge). */
export async function openPatternCounts(db: DbOrTx) {
  const rows = await selectRows<{ type: string; severity: string; count: number }>(
    db,
    sql`select type, severity, count(*)::int as count from stuck_patterns where status = 'open' group by type, severity`,
  );
  return rows.map((r) => ({ type: r.type, severity: r.severity, count: Number(r.count) }));
}
