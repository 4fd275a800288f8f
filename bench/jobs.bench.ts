import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { PgBoss } from 'pg-boss';
import { openDatabase } from '../src/db/client.ts';
import { migrateDatabase } from '../src/db/migrate.ts';
import { createLogger } from '../src/lib/logger.ts';
import { createJobQueue } from '../src/queue/job-queue.ts';
import { benchJobsCatalog, CONCURRENCY, nexoQueue, POLLING_SECONDS, POOL_SIZE, rawQueue } from './lib/jobs-catalog.ts';
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
    env: { PATH: process.env.PATH ?? '', DATABASE_URL: url, BENCH_JOBS_MODE: mode },
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
  /** send: one enqueue call per job (end to end); backlog: JOBS inserted in one statement, then drained by the workers. */
  phase: 'send' | 'backlog';
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

/** JOBS sends by PRODUCERS concurrent callers while the workers run; timed from the first send to the last completion. */
async function throughput(client: pg.Client, mode: Mode, round: number, send: (seq: number) => Promise<unknown>): Promise<Throughput> {
  const name = mode === 'nexo' ? nexoQueue : rawQueue;
  const before = await countCompleted(client, name);
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: PRODUCERS }, async () => {
      while (next < JOBS) await send(next++);
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
    phase: 'send',
    round,
    jobs: JOBS,
    enqueueSeconds: round3(enqueueSeconds),
    totalSeconds: round3(totalSeconds),
    jobsPerSecond: Math.round(JOBS / totalSeconds),
  };
}

/** The workers' side alone: JOBS jobs land at once (one multi-row insert) and are drained. */
async function backlog(client: pg.Client, boss: PgBoss, mode: Mode, round: number): Promise<Throughput> {
  const name = mode === 'nexo' ? nexoQueue : rawQueue;
  const before = await countCompleted(client, name);
  const started = performance.now();
  await boss.insert(
    name,
    Array.from({ length: JOBS }, (_, seq) => ({ data: { seq } })),
  );
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
  const dbName = `nexo_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${dbName}`);
  const url = new URL(adminUrl);
  url.pathname = `/${dbName}`;
  const database = await openDatabase({ url: url.toString(), log });
  const client = new pg.Client({ connectionString: url.toString() });
  const workers: Worker[] = [];
  try {
    await migrateDatabase(database);
    // Both queues created by Nexo's layer, so they carry identical options (retry, expiry, dead letter, notify).
    const queue = createJobQueue({ database, catalog: benchJobsCatalog, log, pollingSeconds: POLLING_SECONDS, poolSize: POOL_SIZE });
    await queue.start();
    const boss = new PgBoss({ connectionString: url.toString(), max: POOL_SIZE, schema: 'pgboss', supervise: false, schedule: false, migrate: false });
    boss.on('error', (error) => log.warn({ err: error }, 'bench producer: pg-boss error'));
    await boss.start();
    await client.connect();
    const senders: Record<Mode, (seq: number) => Promise<string>> = {
      nexo: (seq) => queue.enqueue(nexoQueue, { seq }),
      raw: async (seq) => (await boss.send(rawQueue, { seq })) as string,
    };

    const results: Throughput[] = [];
    const latency: Partial<Record<Mode, number[]>> = {};
    for (const mode of ['raw', 'nexo'] as const) {
      for (let i = 0; i < WORKERS; i++) workers.push(startWorker(url.toString(), mode));
      await Promise.all(workers.map((w) => w.ready));
      await throughput(client, mode, 0, senders[mode]); // warm-up (JIT, caches), not reported
      for (let round = 1; round <= ROUNDS; round++) results.push(await throughput(client, mode, round, senders[mode]));
      for (let round = 1; round <= ROUNDS; round++) results.push(await backlog(client, boss, mode, round));
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
    await admin.query(`drop database if exists ${dbName} with (force)`).catch((error) => log.warn({ err: error }, `could not drop ${dbName}`));
    await admin.end();
  }
}

const best = (results: Throughput[], mode: Mode, phase: Throughput['phase']) =>
  Math.max(...results.filter((r) => r.mode === mode && r.phase === phase).map((r) => r.jobsPerSecond));

export const benchmark: Benchmark = {
  name: 'jobs',
  description: `no-op jobs end to end (enqueue -> completed), Nexo's queue layer vs raw pg-boss, ${WORKERS} worker processes each, ${JOBS} jobs x ${ROUNDS} rounds, PostgreSQL (BENCH_DATABASE_URL)`,
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
    const nexo = best(results, 'nexo', 'send');
    const raw = best(results, 'raw', 'send');
    const overhead = round(1 - nexo / raw, 3);
    const nexoDrain = best(results, 'nexo', 'backlog');
    const rawDrain = best(results, 'raw', 'backlog');
    const lat = (mode: Mode) => latency[mode] ?? [];
    return {
      tables: [
        {
          title: `Throughput: ${JOBS} no-op jobs (send: one enqueue call each, ${PRODUCERS} concurrent callers; backlog: one insert), ${WORKERS} workers x concurrency ${CONCURRENCY}, batchSize 1, polling ${POLLING_SECONDS} s`,
          columns: ['contender', 'phase', 'round', 'enqueue s', 'enqueue -> all completed s', 'jobs/s'],
          rows: results.map((r) => [
            r.mode === 'nexo' ? "Nexo's queue layer" : 'raw pg-boss',
            r.phase,
            r.round,
            r.enqueueSeconds,
            r.totalSeconds,
            r.jobsPerSecond,
          ]),
        },
        {
          title: `Idle queue: insert -> handler fetch (pgboss.job created_on -> started_on), ${LATENCY_SAMPLES} jobs 0.2-1 s apart`,
          columns: ['contender', 'p50 ms', 'p99 ms', 'max ms'],
          rows: (['nexo', 'raw'] as const).map((m) => [m, percentile(lat(m), 50), percentile(lat(m), 99), Math.max(...lat(m))]),
        },
      ],
      notes: [
        `best round: Nexo ${nexo} jobs/s, raw pg-boss ${raw} jobs/s, ratio ${ratio(nexo, raw)} (overhead ${Math.round(overhead * 100)} %, goal <= ${GOAL_OVERHEAD * 100} %: ${overhead <= GOAL_OVERHEAD ? 'met' : 'NOT met'}).`,
        `backlog drain (workers only): Nexo ${nexoDrain} jobs/s, raw pg-boss ${rawDrain} jobs/s, ratio ${ratio(nexoDrain, rawDrain)}.`,
        `throughput goal >= ${GOAL_JOBS_PER_S} jobs/s with ${WORKERS} workers: ${nexo >= GOAL_JOBS_PER_S ? 'met' : 'NOT met'} (Nexo ${nexo}).`,
        `idle latency p99 (Nexo): ${percentile(lat('nexo'), 99)} ms (goal < ${GOAL_LATENCY_MS} ms: ${percentile(lat('nexo'), 99) < GOAL_LATENCY_MS ? 'met' : 'NOT met'}); see also queue-latency.`,
      ],
      data: {
        jobs: JOBS,
        rounds: ROUNDS,
        workers: WORKERS,
        concurrency: CONCURRENCY,
        producers: PRODUCERS,
        results,
        latency,
        nexoJobsPerSecond: nexo,
        rawJobsPerSecond: raw,
        overhead,
      },
    };
  },
};
