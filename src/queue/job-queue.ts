import { sql } from 'drizzle-orm';
import { fromDrizzle, fromPglite, PgBoss, type SendOptions } from 'pg-boss';
import type { z } from 'zod';
import type { JobCatalog, JobDefinition } from '../contracts/jobs.ts';
import type { Database, Tx } from '../db/client.ts';
import { AppError } from '../lib/errors.ts';
import type { Logger } from '../lib/logger.ts';
import type { Metrics } from '../lib/metrics.ts';

/** What a handler gets besides its payload. */
export interface JobContext {
  id: string;
  name: string;
  /** 1 for the first attempt. */
  attempt: number;
  /** Aborted when the lease expires or the process shuts down past its grace period. */
  signal: AbortSignal;
  log: Logger;
}

export type JobHandler<Payload> = (payload: Payload, job: JobContext) => Promise<unknown>;

export interface EnqueueOptions {
  /** Enqueue inside the caller's transaction: the job exists if and only if the transaction commits. */
  tx?: Tx;
  startAfter?: Date | number;
  singletonKey?: string;
  priority?: number;
}

export interface JobQueueOptions<C extends JobCatalog> {
  database: Database;
  catalog: C;
  log: Logger;
  metrics?: Metrics;
  /** Idle poll interval; LISTEN/NOTIFY wakes workers sooner when a job is sent. */
  pollingSeconds?: number;
  /** How often a process looks for jobs whose lease expired (their worker died) and re-queues them; default 10. */
  superviseSeconds?: number;
  poolSize?: number;
}

export type JobQueue<C extends JobCatalog> = ReturnType<typeof createJobQueue<C>>;

const deadLetterName = (name: string) => `${name}.dead`;

/**
 * Nexo's job engine: a small, typed interface over pg-boss. Payloads are validated against the
 * catalog at enqueue; handlers get a parsed payload and a context. The queue never imports a module.
 */
export function createJobQueue<C extends JobCatalog>(options: JobQueueOptions<C>) {
  const { database, catalog, log, metrics } = options;
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
        if (await boss.getQueue(def.name)) await boss.updateQueue(def.name, queueOptions);
        else await boss.createQueue(def.name, queueOptions);
      }
      started = true;
    },

    async enqueue<N extends keyof C & string>(name: N, payload: z.input<C[N]['schema']>, opts: EnqueueOptions = {}): Promise<string> {
      const def = definition(name);
      const parsed = def.schema.safeParse(payload);
      if (!parsed.success) {
        throw new AppError('VALIDATION', `Invalid payload for job "${name}"`, { issues: parsed.error.issues });
      }
      const send: SendOptions = {};
      if (opts.tx) send.db = fromDrizzle(opts.tx as unknown as Parameters<typeof fromDrizzle>[0], sql);
      if (opts.startAfter !== undefined) send.startAfter = opts.startAfter instanceof Date ? opts.startAfter : new Date(opts.startAfter);
      if (opts.singletonKey) send.singletonKey = opts.singletonKey;
      const priority = opts.priority ?? def.policy.priority;
      if (priority !== undefined) send.priority = priority;
      const id = await boss.send(name, parsed.data as object, send);
      if (!id) throw new AppError('CONFLICT', `A "${name}" job with key "${opts.singletonKey}" is already queued`);
      metrics?.jobsEnqueued.inc({ name });
      return id;
    },

    async work<N extends keyof C & string>(name: N, handler: JobHandler<z.output<C[N]['schema']>>): Promise<void> {
      const def = definition(name);
      // One pg-boss worker per concurrency slot, each asking for its next job as soon as it finished one: pg-boss
      // would otherwise wait a polling interval after every job (batchSize 1), about 2 jobs/s per slot on a backlog.
      for (let slot = 0; slot < def.policy.concurrency; slot++) {
        let slotId = '';
        const id = await boss.work<object>(
          name,
          { localConcurrency: 1, pollingIntervalSeconds, notifyPollingIntervalSeconds: pollingIntervalSeconds, batchSize: 1 },
          async ([job]) => {
            if (!job) return undefined;
            boss.notifyWorker(slotId);
            const attempt = job.retryCount + 1;
            const jobLog = log.child({ job: { id: job.id, name, attempt } });
            const started = performance.now();
            let outcome = 'completed';
            try {
              const payload = def.schema.parse(job.data) as z.output<C[N]['schema']>;
              return await handler(payload, { id: job.id, name, attempt, signal: job.signal, log: jobLog });
            } catch (error) {
              outcome = 'failed';
              jobLog.warn({ err: error }, 'job attempt failed; it is retried per its policy');
              throw error;
            } finally {
              metrics?.jobsProcessed.inc({ name, outcome });
              metrics?.jobDuration.observe({ name, outcome }, (performance.now() - started) / 1000);
            }
          },
        );
        slotId = id;
        workerIds.push(id);
      }
    },

    /** A cron schedule (one per name and key); missed runs after downtime run once, not N times. */
    async schedule<N extends keyof C & string>(
      name: N,
      cron: string,
      payload: z.input<C[N]['schema']>,
      opts: { tz?: string; key?: string } = {},
    ): Promise<void> {
      const parsed = definition(name).schema.parse(payload);
      await boss.schedule(name, cron, parsed as object, { tz: opts.tz ?? 'UTC', missed: 'once', ...(opts.key ? { key: opts.key } : {}) });
    },

    async cancel(name: string, id: string): Promise<void> {
      await boss.cancel(name, id);
    },

    async retry(name: string, id: string): Promise<void> {
      await boss.retry(name, id);
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
}
