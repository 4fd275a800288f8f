import { z } from 'zod';
import { defineJob } from '../../src/contracts/jobs.ts';

/**
 * The contenders of `bench jobs`, one queue each, created identically (Nexo's queue options): raw pg-boss, Nexo's queue
 * layer alone (src/queue, no observer) and the layer with the job_runs observer, as `nexo serve` runs it.
 */
export type Mode = 'raw' | 'layer' | 'nexo';
export const MODES: readonly Mode[] = ['raw', 'layer', 'nexo'];
export const queueOf: Record<Mode, string> = { raw: 'bench.jobs-raw', layer: 'bench.jobs-layer', nexo: 'bench.jobs-nexo' };

/** Jobs one fetch takes per slot, every contender (the job type's `batchSize` policy for Nexo, `batchSize` for raw pg-boss). */
export const BATCH_SIZE = Number(process.env.BENCH_JOBS_BATCH_SIZE ?? 50);
/** The org the bench jobs belong to (org-scoped like most of Nexo's job types; no org row is needed). */
export const BENCH_ORG_ID = '0190b0b0-0000-7000-8000-0000000000be';

const noop = (name: string) =>
  defineJob(name, 'Does nothing; the benchmark counts completions.', z.strictObject({ seq: z.number().int() }), {
    retryLimit: 0,
    expireInSeconds: 60,
    batchSize: BATCH_SIZE,
    scope: 'org',
  });

/** Each contender's job type, and all of them as one catalog (the harness creates every queue). */
export const benchJobs = { raw: noop(queueOf.raw), layer: noop(queueOf.layer), nexo: noop(queueOf.nexo) } satisfies Record<Mode, unknown>;
export const benchJobsCatalog = Object.fromEntries(MODES.map((mode) => [queueOf[mode], benchJobs[mode]]));

/** What every contender's workers use: the poll interval Nexo runs with by default. */
export const POLLING_SECONDS = 0.5;
/** Concurrency slots per worker process: the catalog's default policy concurrency. */
export const CONCURRENCY = benchJobs.nexo.policy.concurrency;
export const POOL_SIZE = 4;
