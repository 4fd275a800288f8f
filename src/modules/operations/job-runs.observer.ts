import { and, eq, inArray, sql } from 'drizzle-orm';
import { bulkInsert } from '../../db/bulk-insert.ts';
import { type Database, type DbOrTx, selectRows } from '../../db/client.ts';
import { publishEvent, publishEvents } from '../../events/event-bus.ts';
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
 * A batch transition (batch enqueue, batched fetch) is one `jobs.updated` event per org, naming every run, instead
 * of one `job.updated` per run: high-volume types would otherwise write three event rows and NOTIFYs per job.
 */
async function announceMany(db: DbOrTx, runs: Array<Pick<RunRef, 'orgId' | 'runId' | 'name'>>, status: string) {
  const byOrg = Map.groupBy(
    runs.filter((r) => r.orgId),
    (r) => r.orgId as string,
  );
  const list = [...byOrg].map(([orgId, list]) => ({
    orgId,
    type: 'jobs.updated',
    payload: { ids: list.map((r) => r.runId), type: list[0]?.name, status },
  }));
  await publishEvents(db, list);
}

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
 * The queue's observer: records every run and attempt in job_runs / job_logs. Transitions are
 * guarded UPDATEs (WHERE status IN …) so a late hook never overwrites a cancel or a newer attempt.
 */
export function createJobRunsObserver(database: Database): JobObserver {
  const { db } = database;

  const writeLog = (tx: DbOrTx, run: Pick<RunRef, 'runId' | 'orgId' | 'attempt'>, level: string, message: string, metadata?: Record<string, unknown>) =>
    tx.insert(jobLogs).values({ runId: run.runId, orgId: run.orgId, at: new Date(), level, message, metadata: metadata ?? null, attempt: run.attempt });

  const finish = async (
    run: RunRef,
    status: string,
    patch: Partial<typeof jobRuns.$inferInsert>,
    level: string,
    message: string,
    metadata?: Record<string, unknown>,
  ) => {
    await db.transaction(async (tx) => {
      const updated = await tx
        .update(jobRuns)
        .set({ status, finishedAt: new Date(), ...patch, version: sql`${jobRuns.version} + 1` })
        .where(and(eq(jobRuns.id, run.runId), eq(jobRuns.bossJobId, run.bossJobId), eq(jobRuns.status, 'running')))
        .returning({ id: jobRuns.id });
      if (updated.length === 0) return;
      await writeLog(tx, run, level, message, metadata);
      await announce(tx, run.orgId, run.runId, run.name, status);
    });
  };

  return {
    async onEnqueued(tx, run) {
      await tx.insert(jobRuns).values(runRow(run)).onConflictDoNothing();
      await announce(tx, run.orgId, run.runId, run.name, 'queued');
    },

    async onEnqueuedMany(tx, runs) {
      if (runs.length === 0) return;
      await bulkInsert(tx, jobRuns, runs.map(runRow), { onConflictDoNothing: true, returning: false });
      await announceMany(tx, runs, 'queued');
    },

    async onStartedMany(runs) {
      if (runs.length === 0) return new Set();
      const at = new Date();
      const values = JSON.stringify(runs.map((r) => ({ id: r.runId, boss_job_id: r.bossJobId, attempt: r.attempt })));
      return db.transaction(async (tx) => {
        // The same guarded transition as onStarted, for every run of a fetched batch in one statement.
        const updated = await selectRows<{ id: string }>(
          tx,
          sql`
          update job_runs r set status = 'running', attempts = v.attempt, started_at = ${at.toISOString()}::timestamptz, finished_at = null,
            postponed_reason = null, version = r.version + 1
          from json_to_recordset(${values}::json) as v(id uuid, boss_job_id uuid, attempt int)
          where r.id = v.id and r.boss_job_id = v.boss_job_id and r.status in ('queued', 'retrying', 'running')
          returning r.id::text as id`,
        );
        const ids = new Set(updated.map((r) => r.id));
        const started = runs.filter((r) => ids.has(r.runId));
        if (started.length > 0) await announceMany(tx, started, 'running');
        return ids;
      });
    },

    async onCompletedMany(completed) {
      if (completed.length === 0) return;
      const at = new Date();
      const values = JSON.stringify(
        completed.map(({ run, result, durationMs }) => ({ id: run.runId, boss_job_id: run.bossJobId, duration_ms: durationMs, result: summary(result) })),
      );
      await db.transaction(async (tx) => {
        const updated = await selectRows<{ id: string }>(
          tx,
          sql`
          update job_runs r set status = 'completed', finished_at = ${at.toISOString()}::timestamptz, duration_ms = v.duration_ms, result = v.result,
            last_error = null, version = r.version + 1
          from json_to_recordset(${values}::json) as v(id uuid, boss_job_id uuid, duration_ms int, result jsonb)
          where r.id = v.id and r.boss_job_id = v.boss_job_id and r.status = 'running'
          returning r.id::text as id`,
        );
        const ids = new Set(updated.map((r) => r.id));
        const done = completed.filter(({ run }) => ids.has(run.runId)).map(({ run }) => run);
        if (done.length > 0) await announceMany(tx, done, 'completed');
      });
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
      const updated = await tx
        .update(jobRuns)
        .set({ status: 'queued', attempts: run.attempt - 1, bossJobId, scheduledAt: until, postponedReason: reason, version: sql`${jobRuns.version} + 1` })
        .where(and(eq(jobRuns.id, run.runId), eq(jobRuns.status, 'running')))
        .returning({ id: jobRuns.id });
      if (updated.length === 0) return;
      await writeLog(tx, run, 'warn', `postponed until ${until.toISOString()} (not counted as an attempt): ${reason}`, { until: until.toISOString(), reason });
      await announce(tx, run.orgId, run.runId, run.name, 'queued');
    },

    async log(run, level, message, metadata) {
      await writeLog(db, run, level, message.slice(0, 4000), metadata);
    },
  };
}
