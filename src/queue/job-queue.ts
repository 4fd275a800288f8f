import { sql } from 'drizzle-orm';
import { fromDrizzle, fromPglite, type Job, type JobInsert, type JobResult, PgBoss, type SendOptions } from 'pg-boss';
import type { z } from 'zod';
import type { JobCatalog, JobDefinition } from '../contracts/jobs.ts';
import { type Database, type DbOrTx, selectRows, type Tx } from '../db/client.ts';
import { AppError } from '../lib/errors.ts';
import { uuidv7 } from '../lib/ids.ts';
import { isPostponeJob, PostponeJob } from '../lib/job-control.ts';
import type { Logger } from '../lib/logger.ts';
import type { Metrics } from '../lib/metrics.ts';
import { type JobEnvelope, toEnvelope, unwrapEnvelope } from './job-envelope.ts';
import type { EnqueuedRun, JobLogLevel, JobObserver, RunRef } from './job-observer.ts';

export type { JobEnvelope } from './job-envelope.ts';
export type { JobLogLevel, JobObserver, RunRef } from './job-observer.ts';

/** What a handler gets besides its payload. */
export interface JobContext {
  /** The run id (job_runs.id): stable across retries, postponements and replays. */
  id: string;
  name: string;
  /** 1 for the first attempt; postponements do not count. */
  attempt: number;
  orgId: string | null;
  storeId: string | null;
  /** Aborted when the lease expires or the process shuts down past its grace period. */
  signal: AbortSignal;
  /** A line in the run's job_logs timeline (the Jobs page shows it); also written to the process log. */
  log(level: JobLogLevel, message: string, metadata?: Record<string, unknown>): Promise<void>;
  /** The process logger only (pino, bound to the run), for chatter that does not belong on the timeline. */
  logger: Logger;
}

export type JobHandler<Payload> = (payload: Payload, job: JobContext) => Promise<unknown>;

export interface EnqueueOptions {
  /** Enqueue inside the caller's transaction: the job (and its job_runs row) exists if and only if the transaction commits. */
  tx?: Tx;
  /** Required for `scope: 'org'` job types: whose Jobs page shows it. */
  orgId?: string;
  /** The store the job works for: its per-store concurrency group and the Jobs page's store filter. */
  storeId?: string;
  startAfter?: Date | number;
  singletonKey?: string;
  priority?: number;
}

/** enqueueMany: the options every job of the batch shares (a singleton key, if any, comes from each payload via the policy). */
export type EnqueueManyOptions = Omit<EnqueueOptions, 'singletonKey'>;

export interface JobQueueOptions<C extends JobCatalog> {
  database: Database;
  catalog: C;
  log: Logger;
  metrics?: Metrics;
  /** Records runs (job_runs/job_logs): wired by main/ to the operations module. */
  observer?: JobObserver;
  /** Idle poll interval; LISTEN/NOTIFY wakes workers sooner when a job is sent. */
  pollingSeconds?: number;
  /** How often a process looks for jobs whose lease expired (their worker died) and re-queues them; default 10. */
  superviseSeconds?: number;
  poolSize?: number;
}

export type JobQueue<C extends JobCatalog> = ReturnType<typeof createJobQueue<C>>;

export const deadLetterName = (name: string) => `${name}.dead`;
const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error)).slice(0, 4000);

/**
 * Nexo's job engine: a small, typed interface over pg-boss. Payloads are validated against the
 * catalog at enqueue and travel in an envelope with the run id, org and store; handlers get a
 * parsed payload and a context. The queue never imports a module: run records are written by an
 * observer main/ passes in.
 */
export function createJobQueue<C extends JobCatalog>(options: JobQueueOptions<C>) {
  const { database, catalog, log, metrics, observer } = options;
  const pollingIntervalSeconds = options.pollingSeconds ?? 0.5;
  // pg-boss's default is 60 s: a job whose worker was killed would wait up to a minute past its lease.
  const supervise = { superviseIntervalSeconds: options.superviseSeconds ?? 10, monitorIntervalSeconds: options.superviseSeconds ?? 10 };
  const boss =
    database.kind === 'pglite' && database.pglite
      ? new PgBoss({ db: fromPglite(database.pglite), backend: 'pglite', useListenNotify: true, schema: 'pgboss', ...supervise })
      : new PgBoss({ connectionString: database.url, max: options.poolSize ?? 4, useListenNotify: true, schema: 'pgboss', ...supervise });
  boss.on('error', (error) => log.error({ err: error }, 'job engine error'));
  boss.on('warning', (warning) => log.warn({ warning }, 'job engine warning'));

  const definition = (name: string): JobDefinition => {
    const def = catalog[name];
    if (!def) throw new AppError('VALIDATION', `Unknown job type "${name}"`, { known: Object.keys(catalog) });
    return def;
  };

  let started = false;
  const workerIds: string[] = [];
  /** Jobs of a store-limited type running in this process, per type and store. */
  const storeSlots = new Map<string, number>();

  const bossDb = (tx: DbOrTx) => fromDrizzle(tx as unknown as Parameters<typeof fromDrizzle>[0], sql);

  /** Sends one pg-boss job carrying `envelope`, in `tx`; returns the pg-boss id (null: singleton already queued). */
  const sendEnvelope = async (tx: DbOrTx, name: string, data: Record<string, unknown>, send: SendOptions) => boss.send(name, data, { ...send, db: bossDb(tx) });

  const sendOptionsFor = (
    def: JobDefinition,
    payload: unknown,
    opts: { startAfter?: Date | number; singletonKey?: string; priority?: number; orgId?: string | null; storeId?: string | null },
  ) => {
    const send: SendOptions = {};
    if (opts.startAfter !== undefined) send.startAfter = opts.startAfter instanceof Date ? opts.startAfter : new Date(opts.startAfter);
    const singletonKey = opts.singletonKey ?? def.policy.singletonKey?.(payload as never, { orgId: opts.orgId ?? null });
    if (singletonKey) send.singletonKey = singletonKey;
    const priority = opts.priority ?? def.policy.priority;
    if (priority !== undefined) send.priority = priority;
    if (opts.storeId && def.policy.storeConcurrency) send.group = { id: opts.storeId };
    return send;
  };

  const enqueueIn = async (tx: DbOrTx, name: string, def: JobDefinition, payload: unknown, opts: EnqueueOptions): Promise<string> => {
    const runId = uuidv7();
    const send = sendOptionsFor(def, payload, opts);
    const envelope = toEnvelope(payload, {
      orgId: opts.orgId ?? null,
      storeId: opts.storeId ?? null,
      attemptOffset: 0,
      retryLimit: def.policy.retryLimit,
      priority: send.priority ?? 0,
    });
    const id = await sendEnvelope(tx, name, envelope, { ...send, id: runId });
    if (!id) throw new AppError('CONFLICT', `A "${name}" job with key "${send.singletonKey}" is already queued`, { singletonKey: send.singletonKey });
    await observer?.onEnqueued(tx, {
      runId,
      bossJobId: id,
      name,
      orgId: opts.orgId ?? null,
      storeId: opts.storeId ?? null,
      scheduledAt: send.startAfter instanceof Date ? send.startAfter : new Date(),
      priority: send.priority ?? 0,
      maxAttempts: def.policy.retryLimit + 1,
      payload,
    });
    return runId;
  };

  /** Many jobs of one type: one pg-boss INSERT (one NOTIFY) and one job_runs INSERT, in `tx`. */
  const enqueueManyIn = async (tx: DbOrTx, name: string, def: JobDefinition, payloads: unknown[], opts: EnqueueManyOptions): Promise<string[]> => {
    const orgId = opts.orgId ?? null;
    const storeId = opts.storeId ?? null;
    const now = new Date();
    const runs: EnqueuedRun[] = [];
    const jobs: JobInsert[] = payloads.map((payload) => {
      const runId = uuidv7();
      const send = sendOptionsFor(def, payload, opts);
      runs.push({
        runId,
        bossJobId: runId,
        name,
        orgId,
        storeId,
        scheduledAt: send.startAfter instanceof Date ? send.startAfter : now,
        priority: send.priority ?? 0,
        maxAttempts: def.policy.retryLimit + 1,
        payload,
      });
      const job: JobInsert = {
        id: runId,
        data: toEnvelope(payload, { orgId, storeId, attemptOffset: 0, retryLimit: def.policy.retryLimit, priority: send.priority ?? 0 }),
      };
      if (send.startAfter !== undefined) job.startAfter = send.startAfter as Date;
      if (send.singletonKey) job.singletonKey = send.singletonKey;
      if (send.priority !== undefined) job.priority = send.priority;
      if (send.group) job.group = send.group;
      return job;
    });
    const inserted = new Set((await boss.insert(name, jobs, { db: bossDb(tx), returnId: true })) ?? []);
    if (inserted.size !== jobs.length) {
      // A singleton key already queued (or twice in the batch): all or nothing, like enqueue's CONFLICT.
      const skipped = jobs.filter((j) => !inserted.has(j.id as string)).map((j) => j.singletonKey);
      throw new AppError('CONFLICT', `${skipped.length} "${name}" job(s) have a key that is already queued`, { singletonKeys: skipped.slice(0, 20) });
    }
    if (observer?.onEnqueuedMany) await observer.onEnqueuedMany(tx, runs);
    else if (observer) for (const run of runs) await observer.onEnqueued(tx, run);
    return runs.map((r) => r.runId);
  };

  return {
    boss,
    catalog,

    async start(): Promise<void> {
      await boss.start();
      for (const def of Object.values(catalog)) {
        const { policy } = def;
        await boss.createQueue(deadLetterName(def.name), { notify: false });
        const queueOptions = {
          retryLimit: policy.retryLimit,
          retryDelay: policy.retryDelaySeconds,
          retryBackoff: policy.retryBackoff,
          ...(policy.retryBackoff ? { retryDelayMax: policy.retryDelayMaxSeconds } : {}),
          expireInSeconds: policy.expireInSeconds,
          deadLetter: deadLetterName(def.name),
          notify: true,
        };
        // A type with a singleton key gets pg-boss's `short` policy: one queued job per key (a standard queue would not deduplicate).
        if (await boss.getQueue(def.name)) await boss.updateQueue(def.name, queueOptions);
        else await boss.createQueue(def.name, { ...queueOptions, ...(policy.singletonKey ? { policy: 'short' as const } : {}) });
      }
      started = true;
    },

    /** Returns the run id (also the first pg-boss job id). Without `tx` the job and its run row are written in one transaction of their own. */
    async enqueue<N extends keyof C & string>(name: N, payload: z.input<C[N]['schema']>, opts: EnqueueOptions = {}): Promise<string> {
      const def = definition(name);
      const parsed = def.schema.safeParse(payload);
      if (!parsed.success) {
        throw new AppError('VALIDATION', `Invalid payload for job "${name}"`, { issues: parsed.error.issues });
      }
      if (def.policy.scope === 'org' && !opts.orgId) throw new AppError('VALIDATION', `Job "${name}" is org-scoped: enqueue it with an orgId`);
      // Without an observer the job is one statement, which needs no transaction of its own.
      const id =
        opts.tx || !observer
          ? await enqueueIn(opts.tx ?? database.db, name, def, parsed.data, opts)
          : await database.db.transaction((tx) => enqueueIn(tx, name, def, parsed.data, opts));
      metrics?.jobsEnqueued.inc({ name });
      return id;
    },

    /**
     * Many jobs of one type in one INSERT (pg-boss) plus one INSERT of their runs: for producers that create
     * jobs in bulk. All or nothing: an invalid payload is a VALIDATION error, a singleton key already queued a
     * CONFLICT, and no job is created. With `tx` the jobs exist if and only if it commits. Returns the run ids in order.
     */
    async enqueueMany<N extends keyof C & string>(name: N, payloads: Array<z.input<C[N]['schema']>>, opts: EnqueueManyOptions = {}): Promise<string[]> {
      const def = definition(name);
      if (def.policy.scope === 'org' && !opts.orgId) throw new AppError('VALIDATION', `Job "${name}" is org-scoped: enqueue it with an orgId`);
      const parsed = payloads.map((payload, index) => {
        const result = def.schema.safeParse(payload);
        if (!result.success) throw new AppError('VALIDATION', `Invalid payload for job "${name}" (item ${index})`, { index, issues: result.error.issues });
        return result.data;
      });
      if (parsed.length === 0) return [];
      const ids =
        opts.tx || !observer
          ? await enqueueManyIn(opts.tx ?? database.db, name, def, parsed, opts)
          : await database.db.transaction((tx) => enqueueManyIn(tx, name, def, parsed, opts));
      metrics?.jobsEnqueued.inc({ name }, ids.length);
      return ids;
    },

    /**
     * Sends a new pg-boss job for an existing run (retry by hand, dead-letter replay): same run id,
     * org, store and payload; a fresh retry budget; attempts keep counting from where they were.
     */
    async resend(
      tx: DbOrTx,
      run: { runId: string; name: string; orgId: string | null; storeId: string | null; attempts: number; payload: unknown },
    ): Promise<{ bossJobId: string; maxAttempts: number }> {
      const def = definition(run.name);
      const send = sendOptionsFor(def, run.payload, { orgId: run.orgId, storeId: run.storeId });
      const envelope = toEnvelope(run.payload, {
        runId: run.runId,
        orgId: run.orgId,
        storeId: run.storeId,
        attemptOffset: run.attempts,
        retryLimit: def.policy.retryLimit,
        priority: send.priority ?? 0,
      });
      const id = await sendEnvelope(tx, run.name, envelope, send);
      if (!id) throw new AppError('CONFLICT', `A "${run.name}" job with the same key is already queued`);
      return { bossJobId: id, maxAttempts: run.attempts + def.policy.retryLimit + 1 };
    },

    async work<N extends keyof C & string>(name: N, handler: JobHandler<z.output<C[N]['schema']>>): Promise<void> {
      const def = definition(name);
      const batchSize = Math.max(1, Math.floor(def.policy.batchSize ?? 1));
      // One pg-boss worker per concurrency slot, each asking for its next job(s) as soon as it got some: pg-boss
      // would otherwise wait a polling interval after every fetch, about 2 jobs/s per slot on a backlog.
      const workOptions = {
        localConcurrency: 1,
        pollingIntervalSeconds,
        notifyPollingIntervalSeconds: pollingIntervalSeconds,
        ...(def.policy.storeConcurrency ? { groupConcurrency: def.policy.storeConcurrency } : {}),
      };
      for (let slot = 0; slot < def.policy.concurrency; slot++) {
        let slotId = '';
        const id =
          batchSize === 1
            ? await boss.work<object>(name, { ...workOptions, batchSize: 1 }, async ([job]) => {
                if (!job) return undefined;
                boss.notifyWorker(slotId);
                return runOne(def, handler as JobHandler<unknown>, job);
              })
            : // perJobResults: pg-boss settles each job of the batch on its own (completed in one statement, failed in another).
              await boss.work<object>(name, { ...workOptions, batchSize, perJobResults: true as const }, async (jobs) => {
                if (jobs.length === 0) return [];
                boss.notifyWorker(slotId);
                return runBatch(def, handler as JobHandler<unknown>, jobs);
              });
        slotId = id;
        workerIds.push(id);
      }
    },

    /** A cron schedule (one per name and key); missed runs after downtime run once, not N times. */
    async schedule<N extends keyof C & string>(
      name: N,
      cron: string,
      payload: z.input<C[N]['schema']>,
      opts: { tz?: string; key?: string; orgId?: string } = {},
    ): Promise<void> {
      const parsed = definition(name).schema.parse(payload);
      const envelope = toEnvelope(parsed, { runId: null, orgId: opts.orgId ?? null, storeId: null, attemptOffset: 0 });
      await boss.schedule(name, cron, envelope, { tz: opts.tz ?? 'UTC', missed: 'once', ...(opts.key ? { key: opts.key } : {}) });
    },

    async unschedule(name: string, key?: string): Promise<void> {
      await boss.unschedule(name, key);
    },

    /** Throws on an invalid cron expression (pg-boss's own parser: what it accepts is what runs). */
    validateCron(cron: string, tz = 'UTC'): Date[] {
      return boss.previewSchedule(cron, { tz, count: 3 });
    },

    /**
     * Cancels a job that has not started. In a transaction (`db`), the job's row is locked first and an active job
     * (fetched by a worker, whose run record may still say queued: batched starts are recorded lazily) is a 409.
     */
    async cancel(name: string, id: string, db?: DbOrTx): Promise<void> {
      if (db) {
        const [job] = await selectRows<{ state: string }>(
          db,
          sql`select state::text as state from pgboss.job where name = ${name} and id = ${id}::uuid for update`,
        );
        if (job?.state === 'active')
          throw new AppError('CONFLICT', 'Cannot cancel a job that is running', { status: 'running', allowed: ['queued', 'retrying'] });
      }
      await boss.cancel(name, id, db ? { db: bossDb(db) } : {});
    },

    async retry(name: string, id: string): Promise<void> {
      await boss.retry(name, id);
    },

    /** Jobs that failed for good since `since` (the newest 1,000), with the run each carried. */
    async failedSince(since: Date): Promise<Array<{ bossJobId: string; runId: string }>> {
      const rows = await database.execute<{ id: string; run_id: string | null }>(
        `select id::text as id, coalesce(data->>'runId', id::text) as run_id from pgboss.job
         where state = 'failed' and completed_on > $1 and name not like '%.dead' order by completed_on desc limit 1000`,
        [since.toISOString()],
      );
      return rows.filter((r) => r.run_id).map((r) => ({ bossJobId: r.id, runId: r.run_id as string }));
    },

    /** pg-boss states of these jobs (absent: deleted); lets run records catch up with what the engine did alone (expired leases). */
    async jobStates(ids: string[]): Promise<Map<string, string>> {
      if (ids.length === 0) return new Map();
      const rows = await database.execute<{ id: string; state: string }>(
        'select id::text as id, state::text as state from pgboss.job where id = any($1::uuid[])',
        [ids],
      );
      return new Map(rows.map((r) => [r.id, r.state]));
    },

    async getJob(name: string, id: string) {
      const [job] = await boss.findJobs(name, { id });
      return job ?? null;
    },

    /** Readiness: the engine is started and its tables answer. */
    async ping(): Promise<void> {
      if (!started) throw new Error('job engine not started');
      await boss.getQueue(Object.keys(catalog)[0] ?? 'events.prune');
    },

    /** Stops fetching, lets in-flight jobs finish for up to `graceMs`, then stops. */
    async stop(graceMs: number): Promise<void> {
      if (!started) return;
      started = false;
      await boss.stop({ graceful: true, timeout: Math.max(graceMs, 1), close: true });
    },
  };

  interface Attempt {
    def: JobDefinition;
    job: Job<object>;
    envelope: JobEnvelope;
    /** The retry limit and priority of the pg-boss job (from the envelope; the type's policy for a cron job). */
    retryLimit: number;
    priority: number;
    run: RunRef;
    jobLog: Logger;
  }

  /** Reads the envelope; a job pg-boss sent by itself (a cron schedule) has no run yet: its pg-boss id becomes the run id. */
  async function prepare(def: JobDefinition, job: Job<object>): Promise<Attempt> {
    const name = def.name;
    const envelope = unwrapEnvelope(job.data, job.id);
    const attempt = envelope.attemptOffset + job.retryCount + 1;
    const run: RunRef = {
      runId: envelope.runId ?? job.id,
      bossJobId: job.id,
      name,
      orgId: envelope.orgId,
      storeId: envelope.storeId,
      attempt,
    };
    const retryLimit = envelope.retryLimit ?? def.policy.retryLimit;
    const priority = envelope.priority ?? def.policy.priority ?? 0;
    if (!envelope.runId && observer) {
      await observer.onEnqueued(database.db, {
        runId: run.runId,
        bossJobId: job.id,
        name,
        orgId: run.orgId,
        storeId: run.storeId,
        scheduledAt: new Date(),
        priority,
        maxAttempts: retryLimit + 1,
        payload: envelope.payload,
      });
    }
    let jobLog: Logger | undefined;
    return {
      def,
      job,
      envelope,
      run,
      retryLimit,
      priority,
      // A child logger costs more than a no-op job: made on first use.
      get jobLog() {
        jobLog ??= log.child({ job: { id: run.runId, name, attempt, orgId: run.orgId } });
        return jobLog;
      },
    };
  }

  /**
   * pg-boss's group concurrency is checked when a job is fetched, and fetches of several slots can race past it; in
   * this process the limit is therefore enforced again here: a job whose store already runs `storeConcurrency` jobs
   * of its type is postponed a second (not counted). Across processes pg-boss's check is what holds, plus the leases
   * of the handlers that must never overlap (a store's sync).
   */
  function takeStoreSlot(def: JobDefinition, run: RunRef): () => void {
    const limit = def.policy.storeConcurrency;
    if (!limit || !run.storeId) return () => undefined;
    const key = `${def.name}|${run.storeId}`;
    const running = storeSlots.get(key) ?? 0;
    if (running >= limit)
      throw new PostponeJob(new Date(Date.now() + 1000), `the store already runs ${running} ${def.name} job(s) in this process (storeConcurrency ${limit})`);
    storeSlots.set(key, running + 1);
    return () => {
      const left = (storeSlots.get(key) ?? 1) - 1;
      if (left > 0) storeSlots.set(key, left);
      else storeSlots.delete(key);
    };
  }

  type Failed = { ok: false; settled: unknown } | { ok: false; error: unknown };
  type Executed = { ok: true; result: unknown; durationMs: number } | Failed;

  /**
   * Runs the handler of a started attempt. A success is returned for the caller to record (one by one or in a batch);
   * an invalid payload, a postponement and a failure are recorded here.
   */
  async function execute(a: Attempt, handler: JobHandler<unknown>, startedAt: number): Promise<Executed> {
    const { def, job, envelope, run, jobLog } = a;
    const name = def.name;
    const elapsedMs = () => Math.round(performance.now() - startedAt);
    const record = async (level: JobLogLevel, message: string, metadata?: Record<string, unknown>) => {
      jobLog[level]({ ...metadata }, message);
      await observer?.log(run, level, message, metadata);
    };
    const parsed = def.schema.safeParse(envelope.payload);
    if (!parsed.success) {
      // Retrying cannot fix a payload that no longer matches its schema: the run fails for good.
      await observer?.onFailed(run, {
        error: `invalid payload: ${parsed.error.message}`.slice(0, 4000),
        willRetry: false,
        dead: false,
        durationMs: elapsedMs(),
      });
      metrics?.jobsProcessed.inc({ name, outcome: 'failed' });
      return { ok: false, settled: { invalidPayload: true } };
    }
    try {
      const release = takeStoreSlot(def, run);
      let result: unknown;
      try {
        result = await handler(parsed.data, {
          id: run.runId,
          name,
          attempt: run.attempt,
          orgId: run.orgId,
          storeId: run.storeId,
          signal: job.signal,
          logger: jobLog,
          log: record,
        });
      } finally {
        release();
      }
      return { ok: true, result, durationMs: elapsedMs() };
    } catch (error) {
      if (isPostponeJob(error)) {
        // Same run, new pg-boss job at `until`: this attempt is not counted and the retry budget left is carried over.
        try {
          await database.db.transaction(async (tx) => {
            const bossJobId = await sendNext(tx, a, { startAfter: error.until, attemptOffset: run.attempt - 1, retryLimit: a.retryLimit - job.retryCount });
            await observer?.onPostponed(tx, run, { until: error.until, reason: error.reason, bossJobId });
          });
        } catch (sendError) {
          await recordFailure(a, sendError, elapsedMs());
          return { ok: false, error: sendError };
        }
        metrics?.jobsProcessed.inc({ name, outcome: 'postponed' });
        jobLog.info({ until: error.until, reason: error.reason }, 'job postponed');
        return { ok: false, settled: { postponed: error.until.toISOString(), reason: error.reason } };
      }
      return fail(a, error, elapsedMs());
    }
  }

  /** Sends the run's next pg-boss job (same run, payload, org and store; its own start time, attempt offset and retry budget) in `tx`. */
  async function sendNext(tx: Tx, a: Attempt, next: { startAfter: Date; attemptOffset: number; retryLimit: number }): Promise<string> {
    const { def, envelope, run } = a;
    const retryLimit = Math.max(0, next.retryLimit);
    const data = toEnvelope(envelope.payload, {
      runId: run.runId,
      orgId: run.orgId,
      storeId: run.storeId,
      attemptOffset: next.attemptOffset,
      retryLimit,
      priority: a.priority,
    });
    const bossJobId = await sendEnvelope(tx, def.name, data, {
      ...sendOptionsFor(def, envelope.payload, { orgId: run.orgId, storeId: run.storeId, priority: a.priority }),
      startAfter: next.startAfter,
      retryLimit,
    });
    if (!bossJobId) throw new Error(`the run's next "${def.name}" job could not be sent (its key is already queued)`);
    return bossJobId;
  }

  /**
   * A failed attempt. A type with `retryDelaysSeconds` and retries left gets its next attempt sent here, at its delay
   * (the attempt counts; the pg-boss job then completes as settled); otherwise, or if that send fails, pg-boss
   * retries the job with its own backoff or moves it to the dead-letter queue.
   */
  async function fail(a: Attempt, error: unknown, durationMs: number): Promise<Failed> {
    const { def, job, run, jobLog } = a;
    const delays = def.policy.retryDelaysSeconds;
    const retriesLeft = a.retryLimit - job.retryCount;
    if (delays && delays.length > 0 && retriesLeft > 0) {
      // Retries already used from this budget (a manual retry or replay starts a fresh one, so its schedule starts over).
      const index = Math.min(Math.max(def.policy.retryLimit - retriesLeft, 0), delays.length - 1);
      const until = new Date(Date.now() + (delays[index] ?? 0) * 1000);
      const message = errorText(error);
      try {
        await database.db.transaction(async (tx) => {
          const bossJobId = await sendNext(tx, a, { startAfter: until, attemptOffset: run.attempt, retryLimit: retriesLeft - 1 });
          const recorded = await observer?.onRetryScheduled(tx, run, { error: message, until, bossJobId, durationMs });
          if (recorded === false) throw new Error('the run record did not take the retry (cancelled or changed meanwhile)');
        });
        jobLog.warn({ err: error, until }, 'job attempt failed; its retry is scheduled');
        countFailed(def.name, 'retried', durationMs);
        return { ok: false, settled: { failed: message, retryAt: until.toISOString() } };
      } catch (sendError) {
        jobLog.warn({ err: sendError }, 'retry not scheduled; the job engine retries the job itself');
      }
    }
    await recordFailure(a, error, durationMs);
    return { ok: false, error };
  }

  async function recordFailure(a: Attempt, error: unknown, durationMs: number): Promise<void> {
    const { job, run, jobLog } = a;
    const willRetry = job.retryCount < a.retryLimit;
    jobLog.warn({ err: error, willRetry }, willRetry ? 'job attempt failed; it will be retried' : 'job failed for good; moved to the dead-letter queue');
    await observer?.onFailed(run, { error: errorText(error), willRetry, dead: !willRetry, durationMs });
    countFailed(a.def.name, willRetry ? 'retried' : 'dead', durationMs);
  }

  function countFailed(name: string, outcome: 'retried' | 'dead', durationMs: number) {
    metrics?.jobsProcessed.inc({ name, outcome });
    metrics?.jobDuration.observe({ name, outcome: 'failed' }, durationMs / 1000);
  }

  function countCompleted(name: string, durationMs: number) {
    metrics?.jobsProcessed.inc({ name, outcome: 'completed' });
    metrics?.jobDuration.observe({ name, outcome: 'completed' }, durationMs / 1000);
  }

  async function runOne(def: JobDefinition, handler: JobHandler<unknown>, job: Job<object>): Promise<unknown> {
    const startedAt = performance.now();
    const a = await prepare(def, job);
    if (observer && !(await observer.onStarted(a.run))) {
      a.jobLog.info('run was cancelled before it started; skipping');
      return { skipped: 'cancelled' };
    }
    const out = await execute(a, handler, startedAt);
    if (!out.ok) {
      if ('error' in out) throw out.error;
      return out.settled;
    }
    try {
      await observer?.onCompleted(a.run, { result: out.result, durationMs: out.durationMs });
    } catch (error) {
      const failed = await fail(a, error, out.durationMs);
      if ('error' in failed) throw failed.error;
      return failed.settled;
    }
    countCompleted(def.name, out.durationMs);
    return out.result;
  }

  /**
   * A fetched batch: starts recorded in one statement, handlers one after another, completions recorded in one
   * statement; each job gets its own disposition, so one failing job retries alone.
   */
  async function runBatch(def: JobDefinition, handler: JobHandler<unknown>, jobs: Job<object>[]): Promise<JobResult[]> {
    const results: JobResult[] = [];
    const attempts: Attempt[] = [];
    for (const job of jobs) {
      try {
        attempts.push(await prepare(def, job));
      } catch (error) {
        results.push({ id: job.id, status: 'failed', output: error });
      }
    }
    let startable: Set<string>;
    if (!observer) startable = new Set(attempts.map((a) => a.run.runId));
    else if (observer.onStartedMany)
      startable = await observer.onStartedMany(
        attempts.map((a) => a.run),
        new Set(attempts.filter((a) => a.job.retryCount > 0).map((a) => a.run.runId)),
      );
    else {
      startable = new Set();
      for (const a of attempts) if (await observer.onStarted(a.run)) startable.add(a.run.runId);
    }
    const succeeded: Array<{ a: Attempt; result: unknown; durationMs: number }> = [];
    for (const a of attempts) {
      if (!startable.has(a.run.runId)) {
        a.jobLog.info('run was cancelled before it started; skipping');
        results.push({ id: a.job.id, status: 'completed', output: { skipped: 'cancelled' } });
        continue;
      }
      const out = await execute(a, handler, performance.now());
      if (out.ok) succeeded.push({ a, result: out.result, durationMs: out.durationMs });
      else if ('error' in out) results.push({ id: a.job.id, status: 'failed', output: out.error });
      else results.push({ id: a.job.id, status: 'completed', output: out.settled });
    }
    if (succeeded.length > 0) {
      try {
        if (observer?.onCompletedMany) await observer.onCompletedMany(succeeded.map(({ a, result, durationMs }) => ({ run: a.run, result, durationMs })));
        else if (observer) for (const { a, result, durationMs } of succeeded) await observer.onCompleted(a.run, { result, durationMs });
      } catch (error) {
        // Recording the completions failed: the attempts fail (and retry), as a single job's would.
        for (const { a, durationMs } of succeeded) {
          const failed = await fail(a, error, durationMs).catch((e) => {
            a.jobLog.error({ err: e }, 'could not record the failed attempt');
            return { ok: false as const, error };
          });
          results.push(
            'error' in failed ? { id: a.job.id, status: 'failed', output: failed.error } : { id: a.job.id, status: 'completed', output: failed.settled },
          );
        }
        return results;
      }
      for (const { a, result, durationMs } of succeeded) {
        countCompleted(def.name, durationMs);
        results.push({ id: a.job.id, status: 'completed', output: result });
      }
    }
    return results;
  }
}
