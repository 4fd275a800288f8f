import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { defineJob } from '../src/contracts/jobs.ts';
import type { Database } from '../src/db/client.ts';
import { migrateDatabase } from '../src/db/migrate.ts';
import { createLogger } from '../src/lib/logger.ts';
import { createJobQueue } from '../src/queue/job-queue.ts';
import { onFreshPglite, onThrowawayPostgres } from './lib/databases.ts';
import { percentile, round } from './lib/stats.ts';
import type { Benchmark } from './lib/types.ts';

/** (c) Idle enqueue-to-start latency of Nexo's job queue (pg-boss behind src/queue), in-process. */

const SAMPLES = Number(process.env.BENCH_QUEUE_SAMPLES ?? 30);
const POLLING_SECONDS = 0.5;
const GAP_MS = [200, 1500] as const;
const TARGET_MS = 1000;
/** A job that has not started after this long counts as missed (and at this value in the figures). */
const GIVE_UP_MS = 10_000;

const log = createLogger({ level: 'warn', pretty: false });
const catalog = {
  'bench.noop': defineJob('bench.noop', 'Does nothing; the benchmark times when it starts.', z.strictObject({ seq: z.number().int() }), {
    retryLimit: 0,
    concurrency: 1,
    scope: 'system', // no org: the queue alone is timed
  }),
};

interface Figures {
  samples: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
  /** How long the enqueue call itself took (median): the insert, before any worker is involved. */
  enqueueP50Ms: number;
  missed: number;
  targetMet: boolean;
  latenciesMs: number[];
}

/** Migrates, starts the queue with a no-op worker, then times SAMPLES single jobs on the idle queue. */
async function measure(database: Database): Promise<Figures> {
  await migrateDatabase(database);
  const queue = createJobQueue({ database, catalog, log, pollingSeconds: POLLING_SECONDS });
  await queue.start();
  let waiting: { seq: number; started: (at: number) => void } | undefined;
  await queue.work('bench.noop', async ({ seq }) => {
    const at = performance.now();
    if (waiting?.seq === seq) waiting.started(at);
  });

  /** ms from the enqueue call to the handler's first line. */
  const once = async (seq: number) => {
    const started = new Promise<number>((resolve) => {
      waiting = { seq, started: resolve };
    });
    const t0 = performance.now();
    await queue.enqueue('bench.noop', { seq });
    const enqueueMs = performance.now() - t0;
    const giveUp = new AbortController();
    const at = await Promise.race([started, sleep(GIVE_UP_MS, undefined, { signal: giveUp.signal }).catch(() => undefined)]);
    giveUp.abort();
    return { latencyMs: at === undefined ? GIVE_UP_MS : at - t0, enqueueMs, missed: at === undefined };
  };

  try {
    await once(0); // warm-up: first fetch, JIT; not counted
    const results = [];
    for (let seq = 1; seq <= SAMPLES; seq++) {
      await sleep(GAP_MS[0] + Math.random() * (GAP_MS[1] - GAP_MS[0]));
      results.push(await once(seq));
    }
    const latencies = results.map((r) => round(r.latencyMs));
    const maxMs = Math.max(...latencies);
    const missed = results.filter((r) => r.missed).length;
    return {
      samples: results.length,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      maxMs,
      meanMs: round(latencies.reduce((a, b) => a + b, 0) / latencies.length),
      enqueueP50Ms: round(
        percentile(
          results.map((r) => r.enqueueMs),
          50,
        ),
      ),
      missed,
      targetMet: missed === 0 && maxMs < TARGET_MS,
      latenciesMs: latencies,
    };
  } finally {
    await queue.stop(1000);
  }
}

export const benchmark: Benchmark = {
  name: 'queue-latency',
  description: `idle enqueue -> handler start, ${SAMPLES} jobs ${GAP_MS[0]}-${GAP_MS[1]} ms apart, pollingSeconds ${POLLING_SECONDS}; PGlite in-process${process.env.BENCH_DATABASE_URL ? ' and PostgreSQL (BENCH_DATABASE_URL)' : ''}`,
  async run() {
    const targets: Array<[string, Figures]> = [['pglite', await onFreshPglite('queue', measure)]];
    const serverUrl = process.env.BENCH_DATABASE_URL;
    if (serverUrl) targets.push(['postgres', await onThrowawayPostgres(serverUrl, measure)]);
    const verdict = (f: Figures) => (f.targetMet ? 'met' : 'NOT met');
    return {
      tables: [
        {
          title: `Idle queue: enqueue -> handler start (target < ${TARGET_MS} ms)`,
          columns: ['database', 'jobs', 'p50 ms', 'p99 ms', 'max ms', 'mean ms', 'enqueue p50 ms', 'missed', 'target'],
          rows: targets.map(([db, f]) => [db, f.samples, f.p50Ms, f.p99Ms, f.maxMs, f.meanMs, f.enqueueP50Ms, f.missed, verdict(f)]),
        },
      ],
      notes: [
        ...targets.map(([db, f]) => `${db}: an idle queue starts a new job within ${f.maxMs} ms at worst (target ${TARGET_MS} ms: ${verdict(f)}).`),
        ...(serverUrl ? [] : ['PostgreSQL skipped: set BENCH_DATABASE_URL=postgres://… (a role that may CREATE DATABASE) to include it.']),
      ],
      data: { samples: SAMPLES, pollingSeconds: POLLING_SECONDS, gapMs: GAP_MS, targetMs: TARGET_MS, ...Object.fromEntries(targets) },
    };
  },
};
