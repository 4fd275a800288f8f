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
import { BATCH_SIZE, BENCH_ORG_ID, benchJobsCatalog, CONCURRENCY, MODES, type Mode, POLLING_SECONDS, POOL_SIZE, queueOf } from './lib/jobs-catalog.ts';
import { repoRoot } from './lib/server.ts';
import { percentile, ratio, round } from './lib/stats.ts';
import type { Benchmark } from './lib/types.ts';

/** (e) No-op jobs end to end through Nexo's queue layer (alone, and with job records) against raw pg-boss, 2 worker processes each, PostgreSQL. */

const JOBS = Number(process.env.BENCH_JOBS_COUNT ?? 10000);
/** The `send` phase (one transaction per job, about 300 jobs/s for both contenders) runs fewer jobs. */
const SEND_JOBS = Number(process.env.BENCH_JOBS_SEND_COUNT ?? 2000);
const ROUNDS = Number(process.env.BENCH_JOBS_ROUNDS ?? 3);
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
 * Polled every 50 ms until 0 once every job is sent: jobs not settled yet, read through pg-boss's index of live jobs, so
 * the poll costs the same whatever the table's history (counting completed rows grows with every round).
 */
async function countLive(client: pg.Client, name: string): Promise<number> {
  const { rows } = await client.query<{ n: number }>(`select count(*)::int as n from pgboss.job where name = $1 and state in ('created', 'retry', 'active')`, [
    name,
  ]);
  return rows[0]?.n ?? 0;
}

/** Waits until the queue has no live job, then checks (untimed) that `jobs` more jobs completed since `before`. */
async function drained(client: pg.Client, name: string, started: number, jobs: number, before: number, what: string): Promise<number> {
  while ((await countLive(client, name)) > 0) {
    if (performance.now() - started > 300_000) throw new Error(`${what}: ${jobs} jobs not completed within 300 s`);
    await sleep(50);
  }
  const totalSeconds = (performance.now() - started) / 1000;
  const completed = (await countCompleted(client, name)) - before;
  if (completed !== jobs) throw new Error(`${what}: ${completed} of ${jobs} jobs completed (the others failed)`);
  return totalSeconds;
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
  const name = queueOf[mode];
  const jobs = perCall === 1 ? SEND_JOBS : JOBS;
  const before = await countCompleted(client, name);
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: PRODUCERS }, async () => {
      while (next < jobs) {
        const seq = next;
        const count = Math.min(perCall, jobs - seq);
        next += count;
        await send(seq, count);
      }
    }),
  );
  const enqueueSeconds = (performance.now() - started) / 1000;
  const totalSeconds = await drained(client, name, started, jobs, before, mode);
  return {
    mode,
    phase: perCall === 1 ? 'send' : 'many',
    round,
    jobs,
    enqueueSeconds: round3(enqueueSeconds),
    totalSeconds: round3(totalSeconds),
    jobsPerSecond: Math.round(jobs / totalSeconds),
  };
}

/** The workers' side alone: JOBS jobs land at once (one enqueueMany() / boss.insert() call) and are drained. */
async function backlog(client: pg.Client, insertAll: (seq: number, count: number) => Promise<unknown>, mode: Mode, round: number): Promise<Throughput> {
  const name = queueOf[mode];
  const before = await countCompleted(client, name);
  const started = performance.now();
  await insertAll(0, JOBS);
  const enqueueSeconds = (performance.now() - started) / 1000;
  const totalSeconds = await drained(client, name, started, JOBS, before, `${mode} backlog`);
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
  // Nexo's producers get as many connections as raw pg-boss's (POOL_SIZE): the same concurrency reaches the server.
  const database = await openDatabase({ url: url.toString(), log, poolSize: POOL_SIZE });
  const client = new pg.Client({ connectionString: url.toString() });
  const workers: Worker[] = [];
  try {
    await migrateDatabase(database);
    // Every queue is created by Nexo's layer, so they carry identical options (retry, expiry, dead letter, notify). The
    // `nexo` producer records runs in job_runs like `nexo serve`; `layer` is the same queue layer without the observer;
    // raw pg-boss's jobs bypass the layer.
    const queueOptions = { database, catalog: benchJobsCatalog, log, pollingSeconds: POLLING_SECONDS, poolSize: POOL_SIZE };
    const queue = createJobQueue({ ...queueOptions, observer: createJobRunsObserver(database) });
    const bareQueue = createJobQueue(queueOptions);
    await queue.start();
    await bareQueue.start();
    const boss = new PgBoss({ connectionString: url.toString(), max: POOL_SIZE, schema: 'pgboss', supervise: false, schedule: false, migrate: false });
    boss.on('error', (error) => log.warn({ err: error }, 'bench producer: pg-boss error'));
    await boss.start();
    await client.connect();
    const seqs = (seq: number, count: number) => Array.from({ length: count }, (_, i) => ({ seq: seq + i }));
    const senders: Record<Mode, (seq: number) => Promise<string>> = {
      raw: async (seq) => (await boss.send(queueOf.raw, { seq })) as string,
      layer: (seq) => bareQueue.enqueue(queueOf.layer, { seq }, { orgId: BENCH_ORG_ID }),
      nexo: (seq) => queue.enqueue(queueOf.nexo, { seq }, { orgId: BENCH_ORG_ID }),
    };
    const manySenders: Record<Mode, (seq: number, count: number) => Promise<unknown>> = {
      raw: (seq, count) =>
        boss.insert(
          queueOf.raw,
          seqs(seq, count).map((data) => ({ data })),
        ),
      layer: (seq, count) => bareQueue.enqueueMany(queueOf.layer, seqs(seq, count), { orgId: BENCH_ORG_ID }),
      nexo: (seq, count) => queue.enqueueMany(queueOf.nexo, seqs(seq, count), { orgId: BENCH_ORG_ID }),
    };

    const results: Throughput[] = [];
    const latency: Partial<Record<Mode, number[]>> = {};
    // Every contender's workers run side by side (each wakes only for its own queue) and the rounds take turns, the
    // order rotating every round: all see the same machine and the same growing job table.
    for (const mode of MODES) for (let i = 0; i < WORKERS; i++) workers.push(startWorker(url.toString(), mode));
    await Promise.all(workers.map((w) => w.ready));
    for (const mode of MODES) await throughput(client, mode, 0, ENQUEUE_BATCH, manySenders[mode]); // warm-up (JIT, caches), not reported
    const order = (round: number): Mode[] => MODES.map((_, i) => MODES[(i + round) % MODES.length] as Mode);
    for (let round = 1; round <= ROUNDS; round++)
      for (const mode of order(round)) results.push(await throughput(client, mode, round, ENQUEUE_BATCH, manySenders[mode]));
    for (let round = 1; round <= ROUNDS; round++) for (const mode of order(round)) results.push(await throughput(client, mode, round, 1, senders[mode]));
    for (let round = 1; round <= ROUNDS; round++) for (const mode of order(round)) results.push(await backlog(client, manySenders[mode], mode, round));
    for (const mode of MODES) latency[mode] = await idleLatency(client, queueOf[mode], senders[mode]);
    await Promise.all(workers.splice(0).map((w) => w.stop()));
    await boss.stop({ graceful: false, close: true });
    await queue.stop(0);
    await bareQueue.stop(0);
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

const LABEL: Record<Mode, string> = { raw: 'raw pg-boss', layer: "Nexo's queue layer", nexo: "Nexo's queue layer + job records" };

export const benchmark: Benchmark = {
  name: 'jobs',
  description: `no-op jobs end to end (enqueue -> completed): raw pg-boss, Nexo's queue layer, and the layer with job records (job_runs, as nexo serve runs), ${WORKERS} worker processes each, ${JOBS} jobs x ${ROUNDS} rounds, PostgreSQL (BENCH_DATABASE_URL)`,
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
    const bestOf = (phase: Throughput['phase']) => Object.fromEntries(MODES.map((m) => [m, best(results, m, phase)])) as Record<Mode, number>;
    const many = bestOf('many');
    const send = bestOf('send');
    const drain = bestOf('backlog');
    const overhead = round(1 - many.layer / many.raw, 3);
    const recordsOverhead = round(1 - many.nexo / many.raw, 3);
    const lat = (mode: Mode) => latency[mode] ?? [];
    const p99 = percentile(lat('nexo'), 99);
    return {
      tables: [
        {
          title: `Throughput: no-op jobs (many: ${JOBS} jobs, ${ENQUEUE_BATCH} per enqueueMany()/boss.insert() call; send: ${SEND_JOBS} jobs, one enqueue()/boss.send() call each; ${PRODUCERS} concurrent callers; backlog: ${JOBS} jobs in one call; rounds take turns between the contenders), ${WORKERS} workers x concurrency ${CONCURRENCY} per contender, batchSize ${BATCH_SIZE}, polling ${POLLING_SECONDS} s`,
          columns: ['contender', 'phase', 'round', 'jobs', 'enqueue s', 'enqueue -> all completed s', 'jobs/s'],
          rows: results.map((r) => [LABEL[r.mode], r.phase, r.round, r.jobs, r.enqueueSeconds, r.totalSeconds, r.jobsPerSecond]),
        },
        {
          title: `Idle queue: insert -> handler fetch (pgboss.job created_on -> started_on), ${LATENCY_SAMPLES} jobs 0.2-1 s apart`,
          columns: ['contender', 'p50 ms', 'p99 ms', 'max ms'],
          rows: MODES.map((m) => [LABEL[m], percentile(lat(m), 50), percentile(lat(m), 99), Math.max(...lat(m))]),
        },
      ],
      notes: [
        `end to end, batch enqueue (best round): Nexo's queue layer ${many.layer} jobs/s, raw pg-boss ${many.raw} jobs/s, ratio ${ratio(many.layer, many.raw)} (overhead ${Math.round(overhead * 100)} %, goal <= ${GOAL_OVERHEAD * 100} %: ${overhead <= GOAL_OVERHEAD ? 'met' : 'NOT met'}).`,
        `with job records (job_runs insert at enqueue, one update at completion, one event per batch transition): ${many.nexo} jobs/s, ratio ${ratio(many.nexo, many.raw)} to raw pg-boss (overhead ${Math.round(recordsOverhead * 100)} %).`,
        `throughput goal >= ${GOAL_JOBS_PER_S} jobs/s with ${WORKERS} workers: ${Math.min(many.layer, many.nexo) >= GOAL_JOBS_PER_S ? 'met' : 'NOT met'} (layer ${many.layer}, with job records ${many.nexo}).`,
        `end to end, one enqueue() per job (each call its own transaction): layer ${send.layer}, with job records ${send.nexo}, raw pg-boss ${send.raw} jobs/s; ratios ${ratio(send.layer, send.raw)} and ${ratio(send.nexo, send.raw)}.`,
        `backlog drain (workers only): layer ${drain.layer}, with job records ${drain.nexo}, raw pg-boss ${drain.raw} jobs/s; ratios ${ratio(drain.layer, drain.raw)} and ${ratio(drain.nexo, drain.raw)}.`,
        `idle latency p99 (Nexo with job records): ${p99} ms (goal < ${GOAL_LATENCY_MS} ms: ${p99 < GOAL_LATENCY_MS ? 'met' : 'NOT met'}); see also queue-latency.`,
      ],
      data: {
        jobs: JOBS,
        sendJobs: SEND_JOBS,
        rounds: ROUNDS,
        workers: WORKERS,
        concurrency: CONCURRENCY,
        producers: PRODUCERS,
        enqueueBatch: ENQUEUE_BATCH,
        batchSize: BATCH_SIZE,
        results,
        latency,
        many,
        send,
        drain,
        overhead,
        recordsOverhead,
      },
    };
  },
};
