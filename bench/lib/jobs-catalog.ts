import { z } from 'zod';
import { defineJob } from '../../src/contracts/jobs.ts';

/** The no-op job of `bench jobs`: one queue per contender, created identically (Nexo's queue options). */
export const nexoQueue = 'bench.jobs-nexo';
export const rawQueue = 'bench.jobs-raw';

const noop = (name: string) =>
  defineJob(name, 'Does nothing; the benchmark counts completions.', z.strictObject({ seq: z.number().int() }), { retryLimit: 0, expireInSeconds: 60 });

export const benchJobsCatalog = { [nexoQueue]: noop(nexoQueue), [rawQueue]: noop(rawQueue) };
export const nexoOnlyCatalog = { [nexoQueue]: noop(nexoQueue) };

/** What both contenders' workers use: the poll interval Nexo runs with by default. */
export const POLLING_SECONDS = 0.5;
/** Jobs in flight per worker process: the catalog's default policy concurrency. */
export const CONCURRENCY = benchJobsCatalog[nexoQueue].policy.concurrency;
export const POOL_SIZE = 4;
