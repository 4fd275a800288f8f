import { z } from 'zod';
import { defineJob } from '../../src/contracts/jobs.ts';

/** The no-op job of `bench jobs`: one queue per contender, created identically (Nexo's queue options). */
export const nexoQueue = 'bench.jobs-nexo';
export const rawQueue = 'bench.jobs-raw';

/** Jobs one fetch takes per slot, both contenders (the job type's `batchSize` policy for Nexo, `batchSize` for raw pg-boss). */
export const BATCH_SIZE = Number(process.env.BENCH_JOBS_BATCH_SIZE ?? 50);
/** Nexo's contender records every run in job_runs/job_logs and announces it on the org's event stream, as `nexo serve` does. */
export const WITH_RUNS = process.env.BENCH_JOBS_RUNS !== '0';
/** The org the bench jobs belong to (org-scoped like most of Nexo's job types; no org row is needed). */
export const BENCH_ORG_ID = '0190b0b0-0000-7000-8000-0000000000be';

const noop = (name: string) =>
  defineJob(name, 'Does nothing; the benchmark counts completions.', z.strictObject({ seq: z.number().int() }), {
    retryLimit: 0,
    expireInSeconds: 60,
    batchSize: BATCH_SIZE,
    scope: 'org',
  });

export const benchJobsCatalog = { [nexoQueue]: noop(nexoQueue), [rawQueue]: noop(rawQueue) };
export const nexoOnlyCatalog = { [nexoQueue]: noop(nexoQueue) };

/** What both contenders' workers use: the poll interval Nexo runs with by default. */
export const POLLING_SECONDS = 0.5;
/** Concurrency slots per worker process: the catalog's default policy concurrency. */
export const CONCURRENCY = benchJobsCatalog[nexoQueue].policy.concurrency;
export const POOL_SIZE = 4;
