import { and, eq, inArray, sql } from 'drizzle-orm';
import { bulkInsertSql } from '../../db/bulk-insert.ts';
import { type Database, type DbOrTx, selectRows } from '../../db/client.ts';
import { notifyInsertedEventsSql, publishEvent } from '../../events/event-bus.ts';
import { events } from '../../events/events.tables.ts';
import type { EnqueuedRun, JobObserver, RunRef } from '../../queue/job-observer.ts';
import { jobLogs, jobRuns } from './operations.tables.ts';

const summary = (result: unknown): Record<string, unknown> | null => {
  if (result === undefined || result === null) return null;
  const value = typeof result === 'object' && !Array.isArray(result) ? (result as Record<string, unknown>) : { value: result };
  const json = JSON.stringify(value);
  return json.length <= 8192 ? value : { truncated: true, preview: json.slice(0, 2000) };
};

/** Org runs announce status changes on the org's event stream (the Jobs page listens). */
async function announce(db: DbOrTx, orgId: string | null, runId: string, type: string, status: string) {
  if (orgId) await publishEvent(db, orgId, 'job.updated', { id: runId, type, status });
}

/**
 * A batch transition (batch enqueue, batched completion) is one `jobs.updated` event per org, naming every run, instead
 * of one `job.updated` per run: high-volume types would otherwise write three event rows and NOTIFYs per job. These are
 * the WITH clauses that publish it from the runs a data-modifying clause `cte` returned (`id`, `org_id`, `type`), so the
 * transition, its events and their NOTIFYs are one statement; the main query must read `"announced"`.
 */
const announceManySql = (cte: string, status: string) => {
  const runs = sql.raw(`"${cte}"`);
  return sql`"published" as (insert into ${events} (org_id, type, payload)
      select r.org_id, 'jobs.updated', jsonb_build_object('ids', jsonb_agg(r.id::text order by r.id), 'type', min(r.type), 'status', ${status}::text)
      from ${runs} as r where r.org_id is not null group by r.org_id returning *),
    "announced" as (${notifyInsertedEventsSql('published')})`;
};

const runRow = (run: EnqueuedRun) => ({
  id: run.runId,
  orgId: run.orgId,
  storeId: run.storeId,
  type: run.name,
  status: 'queued',
  maxAttempts: run.maxAttempts,
  priority: run.priority,
  createdAt: new Date(),
  scheduledAt: run.scheduledAt,
  bossJobId: run.bossJobId,
  payload: run.payload ?? {},
});

/**
 * A batch's `running` write waits this long: runs that finish sooner go from queued straight to completed (one
 * non-HOT update of job_runs instead of two, one event instead of two). Longer runs show `running` after it.
 */
export const DEFERRED_START_MS = 500;

interface DeferredStart {
  run: RunRef;
  at: Date;
  /** The deferred `running` write, once it began. */
  written?: Promise<void>;
}

/**
 * The queue's observer: records every run and attempt in job_runs / job_logs. Transitions are
 * guarded UPDATEs (WHERE status IN …) so a late hook never overwrites a cancel or a newer attempt.
 */
export function createJobRunsObserver(database: Database): JobObserver {
  const { db } = database;

  const writeLog = (tx: DbOrTx, run: Pick<RunRef, 'runId' | 'orgId' | 'attempt'>, level: string, message: string, metadata?: Record<string, unknown>) =>
    tx.insert(jobLogs).values({ runId: run.runId, orgId: run.orgId, at: new Date(), level, message, metadata: metadata ?? null, attempt: run.attempt });

  // Runs of fetched batches whose start is not (yet) recorded: see onStartedMany.
  const deferred = new Map<string, DeferredStart>();
  const takeDeferred = (runId: string) => {
    const entry = deferred.get(runId);
    deferred.delete(runId);
    return entry;
  };
  const unfinished = ['queued', 'retrying', 'running'];

  const finish = async (
    run: RunRef,
    status: string,
    patch: Partial<typeof jobRuns.$inferInsert>,
    level: string,
    message: string,
    metadata?: Record<string, unknown>,
  ) => {
    // A run whose start was deferred may not be `running` yet: its start is written with the outcome.
    const entry = takeDeferred(run.runId);
    if (entry?.written) await entry.written;
    const from = entry ? unfinished : ['running'];
    await db.transaction(async (tx) => {
      const updated = await tx
        .update(jobRuns)
        .set({
          status,
          finishedAt: new Date(),
          ...(entry ? { startedAt: entry.at, attempts: run.attempt, postponedReason: null } : {}),
          ...patch,
          version: sql`${jobRuns.version} + 1`,
        })
        .where(and(eq(jobRuns.id, run.runId), eq(jobRuns.bossJobId, run.bossJobId), inArray(jobRuns.status, from)))
        .returning({ id: jobRuns.id });
      if (updated.length === 0) return;
      await writeLog(tx, run, level, message, metadata);
      await announce(tx, run.orgId, run.runId, run.name, status);
    });
  };

  /**
   * The run moves to its next pg-boss job (postponed, or a scheduled retry), in the transaction that sent it. A deferred
   * start is never written now: the run waits under its new pg-boss job, which a late `running` write (guarded on the
   * old job id) cannot match; `counted` (the attempt ran: a scheduled retry) writes its deferred start time instead.
   * False: the run was cancelled (or moved on) meanwhile.
   */
  const handOver = async (tx: DbOrTx, run: RunRef, set: Partial<typeof jobRuns.$inferInsert>, counted: boolean): Promise<boolean> => {
    const entry = takeDeferred(run.runId);
    const updated = await tx
      .update(jobRuns)
      .set({ ...(entry && counted ? { startedAt: entry.at } : {}), ...set, version: sql`${jobRuns.version} + 1` })
      .where(and(eq(jobRuns.id, run.runId), eq(jobRuns.bossJobId, run.bossJobId), entry ? inArray(jobRuns.status, unfinished) : eq(jobRuns.status, 'running')))
      .returning({ id: jobRuns.id });
    return updated.length > 0;
  };

  const writeStarts = async (starts: Array<Pick<DeferredStart, 'run' | 'at'>>): Promise<void> => {
    const values = JSON.stringify(
      starts.map(({ run, at }) => ({ id: run.runId, boss_job_id: run.bossJobId, attempt: run.attempt, started_at: at.toISOString() })),
    );
    await db.execute(sql`
      with "started" as (
        update job_runs r set status = 'running', attempts = v.attempt, started_at = v.started_at, finished_at = null,
          postponed_reason = null, version = r.version + 1
        from json_to_recordset(${values}::json) as v(id uuid, boss_job_id uuid, attempt int, started_at timestamptz)
        where r.id = v.id and r.boss_job_id = v.boss_job_id and r.status in ('queued', 'retrying', 'running')
        returning r.id, r.org_id, r.type),
      ${announceManySql('started', 'running')}
      select count(*) from "announced"`);
  };

  return {
    async onEnqueued(tx, run) {
      await tx.insert(jobRuns).values(runRow(run)).onConflictDoNothing();
      await announce(tx, run.orgId, run.runId, run.name, 'queued');
    },

    async onEnqueuedMany(tx, runs) {
      if (runs.length === 0) return;
      await tx.execute(sql`
        with "queued" as (${bulkInsertSql(jobRuns, runs.map(runRow), { onConflictDoNothing: true })} returning id, org_id, type),
        ${announceManySql('queued', 'queued')}
        select count(*) from "announced"`);
    },

    /**
     * A fetched batch. A first fetch of its pg-boss job needs no read: a cancel locks the run's pg-boss job, refuses while
     * it is active and cancels it in the same transaction, so a fresh job never carries a cancelled run. Runs in `refetched`
     * (pg-boss retrying a job that was active before) are read, as a cancel may have raced their last attempt; the
     * cancelled ones are skipped. The completion stays guarded on the run's status and pg-boss job all the same.
     * The `running` write is deferred by DEFERRED_START_MS, so a run that completes sooner is written once, queued ->
     * completed with its real start time. If the worker dies within that window, pg-boss retries the job when its lease
     * expires (the retry records itself), or fails it for good and reconcileRuns marks the run dead.
     */
    async onStartedMany(runs, refetched) {
      const skipped = new Set<string>();
      const recheck = runs.filter((r) => refetched.has(r.runId));
      if (recheck.length > 0) {
        const values = JSON.stringify(recheck.map((r) => ({ id: r.runId, boss_job_id: r.bossJobId })));
        const startable = await selectRows<{ id: string }>(
          db,
          sql`
          select r.id::text as id from job_runs r join json_to_recordset(${values}::json) as v(id uuid, boss_job_id uuid)
            on r.id = v.id and r.boss_job_id = v.boss_job_id
          where r.status in ('queued', 'retrying', 'running')`,
        );
        const ok = new Set(startable.map((r) => r.id));
        for (const r of recheck) if (!ok.has(r.runId)) skipped.add(r.runId);
      }
      const at = new Date();
      const batch: DeferredStart[] = runs.filter((r) => !skipped.has(r.runId)).map((run) => ({ run, at }));
      for (const entry of batch) deferred.set(entry.run.runId, entry);
      if (batch.length > 0) {
        setTimeout(() => {
          const due = batch.filter((entry) => deferred.get(entry.run.runId) === entry && !entry.written);
          if (due.length === 0) return;
          // The completion accepts a run in any unfinished status, so it needs nothing from this write; a failed
          // write leaves the run `queued` until its completion or failure is recorded.
          const written = writeStarts(due).then(
            () => undefined,
            () => undefined,
          );
          for (const entry of due) entry.written = written;
        }, DEFERRED_START_MS).unref();
      }
      return new Set(batch.map((entry) => entry.run.runId));
    },

    async onCompletedMany(completed) {
      if (completed.length === 0) return;
      const at = new Date();
      const values = JSON.stringify(
        completed.map(({ run, result, durationMs }) => {
          const entry = takeDeferred(run.runId);
          return {
            id: run.runId,
            boss_job_id: run.bossJobId,
            duration_ms: durationMs,
            result: summary(result),
            deferred_start: entry ? entry.at.toISOString() : null,
            attempt: run.attempt,
          };
        }),
      );
      // One statement, committed on its own. A run whose start was deferred may still be queued (or retrying): it goes
      // straight to completed, with its start time and attempt; its deferred `running` write, if one is in flight, then
      // finds it completed and skips.
      await db.execute(sql`
        with "completed" as (
          update job_runs r set status = 'completed', finished_at = ${at.toISOString()}::timestamptz, duration_ms = v.duration_ms, result = v.result,
            last_error = null, version = r.version + 1,
            started_at = coalesce(v.deferred_start, r.started_at),
            attempts = case when v.deferred_start is null then r.attempts else v.attempt end,
            postponed_reason = case when v.deferred_start is null then r.postponed_reason end
          from json_to_recordset(${values}::json) as v(id uuid, boss_job_id uuid, duration_ms int, result jsonb, deferred_start timestamptz, attempt int)
          where r.id = v.id and r.boss_job_id = v.boss_job_id
            and (r.status = 'running' or (v.deferred_start is not null and r.status in ('queued', 'retrying')))
          returning r.id, r.org_id, r.type),
        ${announceManySql('completed', 'completed')}
        select count(*) from "announced"`);
    },

    async onStarted(run) {
      return db.transaction(async (tx) => {
        const updated = await tx
          .update(jobRuns)
          .set({
            status: 'running',
            attempts: run.attempt,
            startedAt: new Date(),
            finishedAt: null,
            postponedReason: null,
            version: sql`${jobRuns.version} + 1`,
          })
          .where(and(eq(jobRuns.id, run.runId), eq(jobRuns.bossJobId, run.bossJobId), inArray(jobRuns.status, ['queued', 'retrying', 'running'])))
          .returning({ id: jobRuns.id });
        if (updated.length === 0) return false;
        await writeLog(tx, run, 'info', `attempt ${run.attempt} started`);
        await announce(tx, run.orgId, run.runId, run.name, 'running');
        return true;
      });
    },

    async onCompleted(run, { result, durationMs }) {
      await finish(run, 'completed', { durationMs, result: summary(result), lastError: null }, 'info', `completed in ${durationMs} ms`);
    },

    async onFailed(run, { error, willRetry, dead, durationMs }) {
      const status = willRetry ? 'retrying' : dead ? 'dead' : 'failed';
      const message = willRetry
        ? `attempt ${run.attempt} failed; retrying with backoff`
        : dead
          ? 'retries exhausted: moved to the dead-letter queue'
          : 'failed for good';
      await finish(run, status, { durationMs, lastError: error, ...(willRetry ? { finishedAt: null } : {}) }, 'error', message, { error });
    },

    async onPostponed(tx, run, { until, reason, bossJobId }) {
      const moved = await handOver(tx, run, { status: 'queued', attempts: run.attempt - 1, bossJobId, scheduledAt: until, postponedReason: reason }, false);
      if (!moved) return;
      await writeLog(tx, run, 'warn', `postponed until ${until.toISOString()} (not counted as an attempt): ${reason}`, { until: until.toISOString(), reason });
      await announce(tx, run.orgId, run.runId, run.name, 'queued');
    },

    async onRetryScheduled(tx, run, { error, until, bossJobId, durationMs }) {
      const moved = await handOver(
        tx,
        run,
        {
          status: 'retrying',
          attempts: run.attempt,
          bossJobId,
          scheduledAt: until,
          postponedReason: null,
          lastError: error,
          durationMs,
          finishedAt: null,
        },
        true,
      );
      if (!moved) return false;
      await writeLog(tx, run, 'error', `attempt ${run.attempt} failed; retrying at ${until.toISOString()}`, { error, retryAt: until.toISOString() });
      await announce(tx, run.orgId, run.runId, run.name, 'retrying');
      return true;
    },

    async log(run, level, message, metadata) {
      await writeLog(db, run, level, message.slice(0, 4000), metadata);
    },
  };
}
