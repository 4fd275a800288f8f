import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { PgBoss } from 'pg-boss';
import { openDatabase } from '../src/db/client.ts';
import { migrateDatabase } from '../src/db/migrate.ts';
import { createLogger } from '../src/lib/logger.ts';
import { createJobRunsObserver } from '../src/modules/operations/index.ts';
import { createJobQueue } from '../src/queue/job-queue.ts';
import { createThrowawayDatabase } from './lib/databases.ts';
import { BATCH_SIZE, BENCH_ORG_ID, benchJobsCatalog, CONCURRENCY, nexoQueue, POLLING_SECONDS, POOL_SIZE, rawQueue, WITH_RUNS } from './lib/jobs-catalog.ts';
import { repoRoot } from './lib/server.ts';
import { percentile, ratio, round } from './lib/stats.ts';
import type { Benchmark } from './lib/types.ts';

/** (e) No-op jobs end to end through Nexo's queue layer against raw pg-boss, 2 worker processes each, PostgreSQL. */

const JOBS = Number(process.env.BENCH_JOBS_COUNT ?? 2000);
const ROUNDS = Number(process.env.BENCH_JOBS_ROUNDS ?? 2);
const LATENCY_SAMPLES = Number(process.env.BENCH_JOBS_LATENCY_SAMPLES ?? 20);
const WORKERS = 2;
/** Concurrent enqueue calls of the producer (one process, both contenders). */
const PRODUCERS = 8;
/** Jobs per enqueueMany() / boss.insert() call in the `many` phase. */
const ENQUEUE_BATCH = Number(process.env.BENCH_JOBS_ENQUEUE_BATCH ?? 100);
const GOAL_JOBS_PER_S = 2000;
const GOAL_OVERHEAD = 0.15;
const GOAL_LATENCY_MS = 1000;

const log = createLogger({ level: 'warn', pretty: false });
type Mode = 'nexo' | 'raw';

interface Worker {
  child: ChildProcess;
  ready: Promise<void>;
  stop(): Promise<void>;
}

function startWorker(url: string, mode: Mode): Worker {
  const child = spawn(process.execPath, [join(import.meta.dirname, 'lib', 'jobs-worker.ts')], {
    cwd: repoRoot,
    env: {
      PATH: process.env.PATH ?? '',
      DATABASE_URL: url,
      BENCH_JOBS_MODE: mode,
      BENCH_JOBS_BATCH_SIZE: String(BATCH_SIZE),
      BENCH_JOBS_RUNS: WITH_RUNS ? '1' : '0',
      ...(process.env.BENCH_JOBS_WORKER_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_JOBS_WORKER_NODE_OPTIONS } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (d) => {
      out += d;
      if (out.includes('ready')) resolve();
    });
    child.stderr?.on('data', (d) => (out += d));
    void exited.then(() => reject(new Error(`${mode} worker exited before ready:\n${out}`)));
  });
  return {
    child,
    ready,
    async stop() {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

interface Throughput {
  mode: Mode;
  /** send: one enqueue call per job; many: ENQUEUE_BATCH jobs per call (both end to end); backlog: JOBS inserted in one call, then drained by the workers. */
  phase: 'send' | 'many' | 'backlog';
  round: number;
  jobs: number;
  enqueueSeconds: number;
  totalSeconds: number;
  jobsPerSecond: number;
}

async function countCompleted(client: pg.Client, name: string): Promise<number> {
  const { rows } = await client.query<{ n: number }>(`select count(*)::int as n from pgboss.job where name = $1 and state = 'completed'`, [name]);
  return rows[0]?.n ?? 0;
}

/**
 * JOBS jobs sent by PRODUCERS concurrent callers while the workers run, `perCall` jobs per call (send(seq, count) enqueues
 * seq..seq+count-1); timed from the first call to the last completion.
 */
async function throughput(
  client: pg.Client,
  mode: Mode,
  round: number,
  perCall: number,
  send: (seq: number, count: number) => Promise<unknown>,
): Promise<Throughput> {
  const name = mode === 'nexo' ? nexoQueue : rawQueue;
  const before = await countCompleted(client, name);
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: PRODUCERS }, async () => {
      while (next < JOBS) {
        const seq = next;
        const count = Math.min(perCall, JOBS - seq);
        next += count;
        await send(seq, count);
      }
    }),
  );
  const enqueueSeconds = (performance.now() - started) / 1000;
  while ((await countCompleted(client, name)) - before < JOBS) {
    if (performance.now() - started > 300_000) throw new Error(`${mode}: ${JOBS} jobs not completed within 300 s`);
    await sleep(50);
  }
  const totalSeconds = (performance.now() - started) / 1000;
  return {
    mode,
    phase: perCall === 1 ? 'send' : 'many',
    round,
    jobs: JOBS,
    enqueueSeconds: round3(enqueueSeconds),
    totalSeconds: round3(totalSeconds),
    jobsPerSecond: Math.round(JOBS / totalSeconds),
  };
}

/** The workers' side alone: JOBS jobs land at once (one enqueueMany() / boss.insert() call) and are drained. */
async function backlog(client: pg.Client, insertAll: (seq: number, count: number) => Promise<unknown>, mode: Mode, round: number): Promise<Throughput> {
  const name = mode === 'nexo' ? nexoQueue : rawQueue;
  const before = await countCompleted(client, name);
  const started = performance.now();
  await insertAll(0, JOBS);
  const enqueueSeconds = (performance.now() - started) / 1000;
  while ((await countCompleted(client, name)) - before < JOBS) {
    if (performance.now() - started > 300_000) throw new Error(`${mode}: backlog of ${JOBS} not drained within 300 s`);
    await sleep(50);
  }
  const totalSeconds = (performance.now() - started) / 1000;
  return {
    mode,
    phase: 'backlog',
    round,
    jobs: JOBS,
    enqueueSeconds: round3(enqueueSeconds),
    totalSeconds: round3(totalSeconds),
    jobsPerSecond: Math.round(JOBS / totalSeconds),
  };
}

const round3 = (v: number) => Math.round(v * 1000) / 1000;

/** Idle queue: one job at a time, 0.2-1 s apart; created_on -> started_on from the job row (one clock: the server's). */
async function idleLatency(client: pg.Client, name: string, send: (seq: number) => Promise<string>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < LATENCY_SAMPLES; i++) {
    await sleep(200 + Math.random() * 800);
    const id = await send(1_000_000 + i);
    for (let tries = 0; ; tries++) {
      const { rows } = await client.query<{ ms: number | null }>(
        'select (extract(epoch from started_on - created_on) * 1000)::float8 as ms from pgboss.job where name = $1 and id = $2',
        [name, id],
      );
      const ms = rows[0]?.ms;
      if (ms !== null && ms !== undefined) {
        samples.push(round(ms));
        break;
      }
      if (tries > 200) throw new Error(`job ${id} did not start within 10 s`);
      await sleep(50);
    }
  }
  return samples;
}

async function onPostgres(adminUrl: string) {
  const throwaway = await createThrowawayDatabase(adminUrl);
  const url = new URL(throwaway.url);
  const database = await openDatabase({ url: url.toString(), log });
  const client = new pg.Client({ connectionString: url.toString() });
  const workers: Worker[] = [];
  try {
    await migrateDatabase(database);
    // Both queues created by Nexo's layer, so they carry identical options (retry, expiry, dead letter, notify).
    // Nexo's producer records runs in job_runs like `nexo serve` (unless BENCH_JOBS_RUNS=0); raw pg-boss's jobs bypass the layer.
    const observer = WITH_RUNS ? createJobRunsObserver(database) : undefined;
    const queue = createJobQueue({
      database,
      catalog: benchJobsCatalog,
      log,
      pollingSeconds: POLLING_SECONDS,
      poolSize: POOL_SIZE,
      ...(observer ? { observer } : {}),
    });
    await queue.start();
    const boss = new PgBoss({ connectionString: url.toString(), max: POOL_SIZE, schema: 'pgboss', supervise: false, schedule: false, migrate: false });
    boss.on('error', (error) => log.warn({ err: error }, 'bench producer: pg-boss error'));
    await boss.start();
    await client.connect();
    const senders: Record<Mode, (seq: number) => Promise<string>> = {
      nexo: (seq) => queue.enqueue(nexoQueue, { seq }, { orgId: BENCH_ORG_ID }),
      raw: async (seq) => (await boss.send(rawQueue, { seq })) as string,
    };
    const seqs = (seq: number, count: number) => Array.from({ length: count }, (_, i) => ({ seq: seq + i }));
    const manySenders: Record<Mode, (seq: number, count: number) => Promise<unknown>> = {
      nexo: (seq, count) => queue.enqueueMany(nexoQueue, seqs(seq, count), { orgId: BENCH_ORG_ID }),
      raw: (seq, count) =>
        boss.insert(
          rawQueue,
          seqs(seq, count).map((data) => ({ data })),
        ),
    };

    const results: Throughput[] = [];
    const latency: Partial<Record<Mode, number[]>> = {};
    for (const mode of ['raw', 'nexo'] as const) {
      for (let i = 0; i < WORKERS; i++) workers.push(startWorker(url.toString(), mode));
      await Promise.all(workers.map((w) => w.ready));
      await throughput(client, mode, 0, ENQUEUE_BATCH, manySenders[mode]); // warm-up (JIT, caches), not reported
      for (let round = 1; round <= ROUNDS; round++) results.push(await throughput(client, mode, round, ENQUEUE_BATCH, manySenders[mode]));
      for (let round = 1; round <= ROUNDS; round++) results.push(await throughput(client, mode, round, 1, senders[mode]));
      for (let round = 1; round <= ROUNDS; round++) results.push(await backlog(client, manySenders[mode], mode, round));
      latency[mode] = await idleLatency(client, mode === 'nexo' ? nexoQueue : rawQueue, senders[mode]);
      await Promise.all(workers.splice(0).map((w) => w.stop()));
    }
    await boss.stop({ graceful: false, close: true });
    await queue.stop(0);
    return { results, latency };
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
    await client.end().catch(() => undefined);
    await database.close();
    await throwaway.drop();
  }
}

const best = (results: Throughput[], mode: Mode, phase: Throughput['phase']) =>
  Math.max(...results.filter((r) => r.mode === mode && r.phase === phase).map((r) => r.jobsPerSecond));

export const benchmark: Benchmark = {
  name: 'jobs',
  description: `no-op jobs end to end (enqueue -> completed), Nexo's queue layer${WITH_RUNS ? ' with job_runs' : ''} vs raw pg-boss, ${WORKERS} worker processes each, ${JOBS} jobs x ${ROUNDS} rounds, PostgreSQL (BENCH_DATABASE_URL)`,
  async run() {
    const serverUrl = process.env.BENCH_DATABASE_URL;
    if (!serverUrl) {
      return {
        tables: [],
        notes: ['Skipped: `jobs` measures worker processes on PostgreSQL; set BENCH_DATABASE_URL=postgres://… (a role that may CREATE DATABASE).'],
        data: { skipped: true },
      };
    }
    const { results, latency } = await onPostgres(serverUrl);
    const nexo = best(results, 'nexo', 'many');
    const raw = best(results, 'raw', 'many');
    const overhead = round(1 - nexo / raw, 3);
    const nexoSend = best(results, 'nexo', 'send');
    const rawSend = best(results, 'raw', 'send');
    const nexoDrain = best(results, 'nexo', 'backlog');
    const rawDrain = best(results, 'raw', 'backlog');
    const lat = (mode: Mode) => latency[mode] ?? [];
    const layer = WITH_RUNS ? "Nexo's queue layer + job_runs" : "Nexo's queue layer (no job_runs)";
    return {
      tables: [
        {
          title: `Throughput: ${JOBS} no-op jobs (many: ${ENQUEUE_BATCH} jobs per enqueueMany()/boss.insert() call; send: one enqueue()/boss.send() call each; ${PRODUCERS} concurrent callers; backlog: one call), ${WORKERS} workers x concurrency ${CONCURRENCY}, batchSize ${BATCH_SIZE}, polling ${POLLING_SECONDS} s`,
          columns: ['contender', 'phase', 'round', 'enqueue s', 'enqueue -> all completed s', 'jobs/s'],
          rows: results.map((r) => [r.mode === 'nexo' ? layer : 'raw pg-boss', r.phase, r.round, r.enqueueSeconds, r.totalSeconds, r.jobsPerSecond]),
        },
        {
          title: `Idle queue: insert -> handler fetch (pgboss.job created_on -> started_on), ${LATENCY_SAMPLES} jobs 0.2-1 s apart`,
          columns: ['contender', 'p50 ms', 'p99 ms', 'max ms'],
          rows: (['nexo', 'raw'] as const).map((m) => [m, percentile(lat(m), 50), percentile(lat(m), 99), Math.max(...lat(m))]),
        },
      ],
      notes: [
        `end to end, batch enqueue (best round): ${layer} ${nexo} jobs/s, raw pg-boss ${raw} jobs/s, ratio ${ratio(nexo, raw)} (overhead ${Math.round(overhead * 100)} %, goal <= ${GOAL_OVERHEAD * 100} %: ${overhead <= GOAL_OVERHEAD ? 'met' : 'NOT met'}).`,
        `throughput goal >= ${GOAL_JOBS_PER_S} jobs/s with ${WORKERS} workers: ${nexo >= GOAL_JOBS_PER_S ? 'met' : 'NOT met'} (Nexo ${nexo}).`,
        `end to end, one enqueue() per job: Nexo ${nexoSend} jobs/s, raw pg-boss ${rawSend} jobs/s, ratio ${ratio(nexoSend, rawSend)} (each call is its own transaction).`,
        `backlog drain (workers only): Nexo ${nexoDrain} jobs/s, raw pg-boss ${rawDrain} jobs/s, ratio ${ratio(nexoDrain, rawDrain)}.`,
        `idle latency p99 (Nexo): ${percentile(lat('nexo'), 99)} ms (goal < ${GOAL_LATENCY_MS} ms: ${percentile(lat('nexo'), 99) < GOAL_LATENCY_MS ? 'met' : 'NOT met'}); see also queue-latency.`,
      ],
      data: {
        jobs: JOBS,
        rounds: ROUNDS,
        workers: WORKERS,
        concurrency: CONCURRENCY,
        producers: PRODUCERS,
        enqueueBatch: ENQUEUE_BATCH,
        batchSize: BATCH_SIZE,
        withRuns: WITH_RUNS,
        results,
        latency,
        nexoJobsPerSecond: nexo,
        rawJobsPerSecond: raw,
        nexoSendJobsPerSecond: nexoSend,
        rawSendJobsPerSecond: rawSend,
        overhead,
      },
    };
  },
};
