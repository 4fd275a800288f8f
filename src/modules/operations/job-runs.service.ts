import { and, asc, desc, eq, gte, inArray, lt, lte, or, type SQL, sql } from 'drizzle-orm';
import type { JobLog, JobRun, JobRunStatus, ListJobsQuery } from '../../contracts/operations.ts';
import type { Db, DbOrTx } from '../../db/client.ts';
import type { Ctx } from '../../db/context.ts';
import { withTransaction } from '../../db/transaction.ts';
import { publishEvent } from '../../events/event-bus.ts';
import { decodeTimeCursor, encodeTimeCursor } from '../../lib/cursor.ts';
import { conflict, notFound } from '../../lib/errors.ts';
import { recordAudit } from '../tenancy/index.ts';
import { jobLogs, jobRuns } from './operations.tables.ts';

type RunRow = typeof jobRuns.$inferSelect;

/** What the service needs from the job engine (main/ passes the queue). */
export interface JobEnginePort {
  resend(
    tx: DbOrTx,
    run: { runId: string; name: string; orgId: string | null; storeId: string | null; attempts: number; payload: unknown },
  ): Promise<{ bossJobId: string; maxAttempts: number }>;
  cancel(name: string, bossJobId: string, db?: DbOrTx): Promise<void>;
}

/** pg-boss's view of jobs, for reconciliation. */
export interface JobStatesPort {
  jobStates(ids: string[]): Promise<Map<string, string>>;
  /** Jobs that failed for good since `since`, with their run ids. */
  failedSince(since: Date): Promise<Array<{ bossJobId: string; runId: string }>>;
}

/** Which statuses allow which action (the 409 carries the current status). */
export const jobRunActions = {
  retry: ['failed', 'dead', 'cancelled'],
  cancel: ['queued', 'retrying'],
  replay: ['dead'],
} as const satisfies Record<string, readonly JobRunStatus[]>;

export const toJobRun = (r: RunRow): JobRun => ({
  id: r.id,
  type: r.type,
  status: r.status as JobRunStatus,
  storeId: r.storeId,
  attempts: r.attempts,
  maxAttempts: r.maxAttempts,
  priority: r.priority,
  createdAt: r.createdAt.toISOString(),
  scheduledAt: r.scheduledAt.toISOString(),
  startedAt: r.startedAt?.toISOString() ?? null,
  finishedAt: r.finishedAt?.toISOString() ?? null,
  durationMs: r.durationMs,
  lastError: r.lastError,
  result: r.result ?? null,
  postponedReason: r.postponedReason,
});

const encodeCursor = (r: RunRow) => encodeTimeCursor(r.createdAt, r.id);

/** The org's runs, newest first, filtered; cursor paging. */
export async function listJobRuns(ctx: Ctx, query: ListJobsQuery): Promise<{ jobs: JobRun[]; nextCursor: string | null }> {
  const where: Array<SQL | undefined> = [eq(jobRuns.orgId, ctx.orgId)];
  if (query.status?.length) where.push(inArray(jobRuns.status, query.status));
  if (query.type?.length) where.push(inArray(jobRuns.type, query.type));
  if (query.storeId) where.push(eq(jobRuns.storeId, query.storeId));
  if (query.from) where.push(gte(jobRuns.createdAt, new Date(query.from)));
  if (query.to) where.push(lt(jobRuns.createdAt, new Date(query.to)));
  if (query.cursor) {
    const c = decodeTimeCursor(query.cursor);
    where.push(or(lt(jobRuns.createdAt, c.at), and(eq(jobRuns.createdAt, c.at), lt(jobRuns.id, c.id))));
  }
  const rows = await ctx.db
    .select()
    .from(jobRuns)
    .where(and(...where))
    .orderBy(desc(jobRuns.createdAt), desc(jobRuns.id))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return { jobs: page.map(toJobRun), nextCursor: rows.length > query.limit && last ? encodeCursor(last) : null };
}

/** Statuses of a run that is waiting, running or about to retry: not finished yet. */
export const unfinishedRunStatuses = ['queued', 'running', 'retrying'] as const satisfies readonly JobRunStatus[];

/** The org's newest unfinished run of `type` for a store, if any (one sync at a time per store). */
export async function unfinishedRunOf(db: DbOrTx, orgId: string, type: string, storeId: string): Promise<JobRun | null> {
  const [row] = await db
    .select()
    .from(jobRuns)
    .where(and(eq(jobRuns.orgId, orgId), eq(jobRuns.type, type), eq(jobRuns.storeId, storeId), inArray(jobRuns.status, [...unfinishedRunStatuses])))
    .orderBy(desc(jobRuns.createdAt))
    .limit(1);
  return row ? toJobRun(row) : null;
}

async function findRun(db: DbOrTx, orgId: string, id: string, lock = false): Promise<RunRow> {
  const q = db
    .select()
    .from(jobRuns)
    .where(and(eq(jobRuns.id, id), eq(jobRuns.orgId, orgId)));
  const [row] = lock ? await q.for('update') : await q;
  if (!row) throw notFound('Job');
  return row;
}

export async function getJobRun(ctx: Ctx, id: string): Promise<{ job: JobRun; logs: JobLog[] }> {
  const run = await findRun(ctx.db, ctx.orgId, id);
  const logs = await ctx.db.select().from(jobLogs).where(eq(jobLogs.runId, id)).orderBy(asc(jobLogs.id)).limit(1000);
  return {
    job: toJobRun(run),
    logs: logs.map((l) => ({
      id: l.id.toString(),
      at: l.at.toISOString(),
      level: l.level as JobLog['level'],
      message: l.message,
      metadata: l.metadata ?? null,
      attempt: l.attempt,
    })),
  };
}

const notAllowed = (action: keyof typeof jobRunActions, run: RunRow) =>
  conflict(`Cannot ${action} a job that is ${run.status}`, { status: run.status, allowed: jobRunActions[action] });

/** Sends the run again (same id, fresh retry budget, attempts keep counting); status back to queued. */
async function requeue(tx: DbOrTx, ctx: Ctx, engine: JobEnginePort, run: RunRow, action: 'retry' | 'replay') {
  const { bossJobId, maxAttempts } = await engine.resend(tx, {
    runId: run.id,
    name: run.type,
    orgId: run.orgId,
    storeId: run.storeId,
    attempts: run.attempts,
    payload: run.payload,
  });
  const [updated] = await tx
    .update(jobRuns)
    .set({ status: 'queued', bossJobId, maxAttempts, scheduledAt: ctx.now, finishedAt: null, postponedReason: null, version: sql`${jobRuns.version} + 1` })
    .where(and(eq(jobRuns.id, run.id), eq(jobRuns.version, run.version)))
    .returning();
  if (!updated) throw conflict('The job changed meanwhile; reload and try again', { status: run.status });
  await tx
    .insert(jobLogs)
    .values({ runId: run.id, orgId: run.orgId, at: ctx.now, level: 'info', message: `${action === 'retry' ? 'retried' : 'replayed'} by ${ctx.actor.label}` });
  await recordAudit(tx, ctx, {
    action: `job.${action}`,
    resourceType: 'job',
    resourceId: run.id,
    before: { status: run.status },
    after: { status: 'queued', type: run.type },
  });
  await publishEvent(tx, ctx.orgId, 'job.updated', { id: run.id, type: run.type, status: 'queued' });
  return updated;
}

export async function retryJobRun(ctx: Ctx, engine: JobEnginePort, id: string): Promise<JobRun> {
  return withTransaction(ctx.db, async (tx) => {
    const run = await findRun(tx, ctx.orgId, id, true);
    if (!(jobRunActions.retry as readonly string[]).includes(run.status)) throw notAllowed('retry', run);
    return toJobRun(await requeue(tx, ctx, engine, run, 'retry'));
  });
}

export async function cancelJobRun(ctx: Ctx, engine: JobEnginePort, id: string): Promise<JobRun> {
  return withTransaction(ctx.db, async (tx) => {
    const run = await findRun(tx, ctx.orgId, id, true);
    if (!(jobRunActions.cancel as readonly string[]).includes(run.status)) throw notAllowed('cancel', run);
    const [updated] = await tx
      .update(jobRuns)
      .set({ status: 'cancelled', finishedAt: ctx.now, version: sql`${jobRuns.version} + 1` })
      .where(and(eq(jobRuns.id, run.id), eq(jobRuns.version, run.version)))
      .returning();
    if (!updated) throw conflict('The job changed meanwhile; reload and try again', { status: run.status });
    await engine.cancel(run.type, run.bossJobId, tx);
    await tx.insert(jobLogs).values({ runId: run.id, orgId: run.orgId, at: ctx.now, level: 'warn', message: `cancelled by ${ctx.actor.label}` });
    await recordAudit(tx, ctx, {
      action: 'job.cancel',
      resourceType: 'job',
      resourceId: run.id,
      before: { status: run.status },
      after: { status: 'cancelled', type: run.type },
    });
    await publishEvent(tx, ctx.orgId, 'job.updated', { id: run.id, type: run.type, status: 'cancelled' });
    return toJobRun(updated);
  });
}

/** Replays dead runs: the selected ids (all must be dead, else 409 listing the others) or every dead run of a type (up to 500). */
export async function replayDeadRuns(ctx: Ctx, engine: JobEnginePort, input: { ids?: string[]; type?: string }): Promise<JobRun[]> {
  return withTransaction(ctx.db, async (tx) => {
    const where = input.ids
      ? and(eq(jobRuns.orgId, ctx.orgId), inArray(jobRuns.id, input.ids))
      : and(eq(jobRuns.orgId, ctx.orgId), eq(jobRuns.type, input.type ?? ''), eq(jobRuns.status, 'dead'));
    const runs = await tx.select().from(jobRuns).where(where).orderBy(asc(jobRuns.createdAt)).limit(500).for('update');
    if (input.ids) {
      const found = new Set(runs.map((r) => r.id));
      const missing = input.ids.filter((id) => !found.has(id));
      if (missing.length > 0) throw notFound('Job');
      const conflicts = runs.filter((r) => r.status !== 'dead').map((r) => ({ id: r.id, status: r.status }));
      if (conflicts.length > 0) throw conflict('Only dead jobs can be replayed', { conflicts, allowed: jobRunActions.replay });
    }
    const replayed: JobRun[] = [];
    for (const run of runs) replayed.push(toJobRun(await requeue(tx, ctx, engine, run, 'replay')));
    return replayed;
  });
}

/** Per type: depth, running, dead, and completed/failed/throughput/failure rate within the window. */
export async function jobStats(ctx: Ctx, windowHours: number) {
  const since = new Date(ctx.now.getTime() - windowHours * 3600_000);
  const rows = await ctx.db
    .select({
      type: jobRuns.type,
      depth: sql<number>`count(*) filter (where ${jobRuns.status} in ('queued', 'retrying'))::int`,
      running: sql<number>`count(*) filter (where ${jobRuns.status} = 'running')::int`,
      dead: sql<number>`count(*) filter (where ${jobRuns.status} = 'dead')::int`,
      completed: sql<number>`count(*) filter (where ${jobRuns.status} = 'completed' and ${jobRuns.finishedAt} >= ${since})::int`,
      failed: sql<number>`count(*) filter (where ${jobRuns.status} in ('dead', 'failed') and ${jobRuns.finishedAt} >= ${since})::int`,
      avgDurationMs: sql<
        number | null
      >`avg(${jobRuns.durationMs}) filter (where ${jobRuns.status} = 'completed' and ${jobRuns.finishedAt} >= ${since})::float8`,
      oldest: sql<Date | null>`min(${jobRuns.scheduledAt}) filter (where ${jobRuns.status} in ('queued', 'retrying') and ${jobRuns.scheduledAt} <= ${ctx.now})`,
    })
    .from(jobRuns)
    .where(and(eq(jobRuns.orgId, ctx.orgId), or(inArray(jobRuns.status, ['queued', 'retrying', 'running', 'dead']), gte(jobRuns.finishedAt, since))))
    .groupBy(jobRuns.type)
    .orderBy(jobRuns.type);
  return {
    windowHours,
    types: rows.map((r) => {
      const oldest = r.oldest ? new Date(r.oldest) : null;
      return {
        type: r.type,
        depth: r.depth,
        running: r.running,
        dead: r.dead,
        completed: r.completed,
        failed: r.failed,
        throughputPerHour: Math.round((r.completed / windowHours) * 100) / 100,
        failureRate: r.completed + r.failed === 0 ? 0 : Math.round((r.failed / (r.completed + r.failed)) * 10_000) / 10_000,
        avgDurationMs: r.avgDurationMs === null ? null : Math.round(r.avgDurationMs),
        oldestQueuedAgeSeconds: oldest ? Math.max(0, Math.round((ctx.now.getTime() - oldest.getTime()) / 1000)) : null,
      };
    }),
  };
}

/** Queue depth and oldest due run per type, all orgs (Prometheus gauges read this at scrape time). */
export async function queueDepthByType(db: Db, now = new Date()) {
  const rows = await db
    .select({
      type: jobRuns.type,
      depth: sql<number>`count(*)::int`,
      oldest: sql<Date | null>`min(${jobRuns.scheduledAt}) filter (where ${jobRuns.scheduledAt} <= ${now})`,
    })
    .from(jobRuns)
    .where(inArray(jobRuns.status, ['queued', 'retrying']))
    .groupBy(jobRuns.type);
  return rows.map((r) => ({
    type: r.type,
    depth: r.depth,
    oldestAgeSeconds: r.oldest ? Math.max(0, (now.getTime() - new Date(r.oldest).getTime()) / 1000) : 0,
  }));
}

/** Deletes finished runs (completed, cancelled) older than the retention; their logs go with them (cascade). */
export async function pruneJobRuns(db: Db, retentionDays: number, now = new Date()): Promise<number> {
  const cutoff = new Date(now.getTime() - retentionDays * 86_400_000);
  const deleted = await db
    .delete(jobRuns)
    .where(and(inArray(jobRuns.status, ['completed', 'cancelled']), lte(jobRuns.finishedAt, cutoff)))
    .returning({ id: jobRuns.id });
  return deleted.length;
}

/** Yesterday's figures per type for one org (for the daily summary job), in the org's time zone. */
export async function runsSummary(db: Db, orgId: string, from: Date, to: Date) {
  return db
    .select({
      type: jobRuns.type,
      completed: sql<number>`count(*) filter (where ${jobRuns.status} = 'completed')::int`,
      failed: sql<number>`count(*) filter (where ${jobRuns.status} = 'failed')::int`,
      dead: sql<number>`count(*) filter (where ${jobRuns.status} = 'dead')::int`,
    })
    .from(jobRuns)
    .where(and(eq(jobRuns.orgId, orgId), gte(jobRuns.finishedAt, from), lt(jobRuns.finishedAt, to)))
    .groupBy(jobRuns.type);
}

/**
 * Runs marked `running` whose pg-boss job is no longer active: the worker died mid-attempt (SIGKILL,
 * crash) and pg-boss expired its lease by itself, so no hook ran. Brings the record up to date: the
 * job waits for a retry (`retrying`), went to the dead letters (`dead`), or finished. Returns how many changed.
 */
export async function reconcileRuns(db: Db, engine: JobStatesPort, now = new Date(), graceSeconds = 30): Promise<number> {
  const fields = { id: jobRuns.id, orgId: jobRuns.orgId, type: jobRuns.type, bossJobId: jobRuns.bossJobId, attempts: jobRuns.attempts, status: jobRuns.status };
  const running = await db
    .select(fields)
    .from(jobRuns)
    .where(and(eq(jobRuns.status, 'running'), lt(jobRuns.startedAt, new Date(now.getTime() - graceSeconds * 1000))))
    .limit(500);
  // A batched run's start is recorded lazily (job-runs.observer.ts): if its worker died before, the record still
  // says queued (or retrying) while pg-boss failed the job for good when its lease expired. Found from pg-boss's side.
  const failed = await engine.failedSince(new Date(now.getTime() - 86_400_000));
  const lost =
    failed.length === 0
      ? []
      : (
          await db
            .select(fields)
            .from(jobRuns)
            .where(and(inArray(jobRuns.id, [...new Set(failed.map((f) => f.runId))]), inArray(jobRuns.status, ['queued', 'retrying'])))
        ).filter((run) => failed.some((f) => f.runId === run.id && f.bossJobId === run.bossJobId));
  const stale = [...running, ...lost];
  if (stale.length === 0) return 0;
  const states = await engine.jobStates(stale.map((r) => r.bossJobId));
  const next: Record<string, { status: string; message: string }> = {
    created: { status: 'retrying', message: 'the worker stopped during this attempt (lease expired); it will be retried' },
    retry: { status: 'retrying', message: 'the worker stopped during this attempt (lease expired); it will be retried' },
    failed: { status: 'dead', message: 'the worker stopped during the last attempt (lease expired): moved to the dead-letter queue' },
    cancelled: { status: 'cancelled', message: 'cancelled in the job engine' },
  };
  let changed = 0;
  for (const run of stale) {
    const state = states.get(run.bossJobId);
    const target = state ? next[state] : undefined;
    if (!target) continue;
    await withTransaction(db, async (tx) => {
      const updated = await tx
        .update(jobRuns)
        .set({
          status: target.status,
          ...(target.status === 'retrying' ? {} : { finishedAt: now }),
          lastError: target.status === 'cancelled' ? null : 'lease expired: the worker stopped during the attempt',
          version: sql`${jobRuns.version} + 1`,
        })
        .where(and(eq(jobRuns.id, run.id), eq(jobRuns.bossJobId, run.bossJobId), eq(jobRuns.status, run.status)))
        .returning({ id: jobRuns.id });
      if (updated.length === 0) return;
      changed++;
      await tx.insert(jobLogs).values({ runId: run.id, orgId: run.orgId, at: now, level: 'warn', message: target.message, attempt: run.attempts });
      if (run.orgId) await publishEvent(tx, run.orgId, 'job.updated', { id: run.id, type: run.type, status: target.status });
    });
  }
  return changed;
}

/** For alert rules: the org's runs finished since `since` (completed vs failed or dead) and its dead runs now. */
export async function jobSignalFigures(db: Db, orgId: string, since: Date) {
  const [row] = await db
    .select({
      completed: sql<number>`count(*) filter (where ${jobRuns.status} = 'completed' and ${jobRuns.finishedAt} >= ${since})::int`,
      failed: sql<number>`count(*) filter (where ${jobRuns.status} in ('failed', 'dead') and ${jobRuns.finishedAt} >= ${since})::int`,
      dead: sql<number>`count(*) filter (where ${jobRuns.status} = 'dead')::int`,
    })
    .from(jobRuns)
    .where(eq(jobRuns.orgId, orgId));
  return { completed: row?.completed ?? 0, failed: row?.failed ?? 0, dead: row?.dead ?? 0 };
}
