import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { JobLog, JobRun } from '../../src/contracts/operations.ts';
import type { CreateStoreRequest } from '../../src/contracts/stores.ts';
import { createLogger } from '../../src/lib/logger.ts';
import { ensureWebBuild } from '../../src/main/web-build.ts';
import { signIn } from '../../test/helpers/api-client.ts';
import { type BenchDatabase, pgliteDatabase, postgresDatabase } from './databases.ts';
import { cpuSeconds, makeTempDir, memoryMiB, startNexoServe } from './server.ts';
import type { Table } from './table.ts';

/**
 * A channel's full sync through Nexo's real path, for the per-channel sync benchmarks: a `nexo serve` (API, job
 * queue and workers in one process, as `npm start` runs) on the given database, an owner who connects the store
 * with POST /api/stores (which queues the first `stores.sync`, mode full), and the run of that job followed
 * through GET /api/jobs until it settles. The emulated store and its limit are the caller's.
 */

export interface StoreSyncFigures {
  /** From just before POST /api/stores until the job's `finishedAt` (server clock; same machine). */
  wallSeconds: number;
  /** Epoch ms: just before POST /api/stores, and the job's `finishedAt`. */
  postedAt: number;
  finishedAt: number;
  /** From POST /api/stores until the job started (queue pick-up). */
  startDelayMs: number;
  /** The run POST /api/stores queued (its `startedAt` is its last start: after a postponement, the restart). */
  job: JobRun;
  /** Every stores.sync run of the store, oldest first (the org schedule may add incremental ones). */
  runs: Array<Pick<JobRun, 'createdAt' | 'startedAt' | 'finishedAt' | 'status' | 'result'>>;
  /** Attempts that failed (retried or final), and postponements (not attempts: breaker open, rate limit, channel throttling). */
  failedAttempts: number;
  postponements: number;
  /** Failed attempts or postponements caused by the channel's throttling (THROTTLED, 429): what the goal of 0 is about. */
  throttlingSurfaced: number;
  /** Messages of failed attempts and postponements (at most 10). */
  problems: string[];
  rows: { products: number; variants: number; listings: number; inventoryLevels: number; orders: number };
  /** `nexo serve`: RSS when ready, the highest RSS sampled during the sync, VmHWM at the end (MiB). */
  memory: { readyMiB: number; duringSyncPeakMiB: number; processPeakMiB: number };
  /** CPU seconds `nexo serve` used during the sync. */
  serverCpuSeconds: number;
}

const settled = new Set(['completed', 'dead', 'failed', 'cancelled']);
const ownerEmail = 'bench-sync-owner@nexo.local';
const ownerPassword = randomBytes(18).toString('base64url');
/** Messages of Nexo's limiter for a channel's answer (`throttled by the channel`) or a connector giving up (`kept throttling`, 429). */
const throttling = /throttl|rate_limited|\b429\b/i;

/**
 * Runs one full sync of `store` on `database`. `beforeConnect` runs right before the POST (e.g. to create the
 * emulated shop with an empty cost bucket at that moment) and returns the store to connect.
 */
export async function runFullStoreSync(
  database: BenchDatabase,
  cwd: string,
  beforeConnect: () => CreateStoreRequest,
  options: { timeoutMs: number; pollMs?: number },
): Promise<StoreSyncFigures> {
  await ensureWebBuild(createLogger({ level: 'warn', pretty: false })); // built now, not during the start below
  const server = await startNexoServe(cwd, {
    ...database.serverEnv,
    NEXO_DEMO: '0',
    NEXO_OWNER_EMAIL: ownerEmail,
    NEXO_OWNER_PASSWORD: ownerPassword,
  });
  const pid = server.child.pid as number;
  let figures: Omit<StoreSyncFigures, 'rows'>;
  try {
    const owner = await signIn(server.url, ownerEmail, ownerPassword);
    const readyMiB = memoryMiB(pid).rss;
    const cpuBefore = cpuSeconds(pid);
    const request = beforeConnect();
    const postedAt = Date.now();
    const created = await owner.json<{ id: string }>('POST', '/api/stores', request);
    if (created.status !== 201) throw new Error(`POST /api/stores answered ${created.status}: ${JSON.stringify(created.body)}`);
    const storeId = created.body.id;

    // Every stores.sync run of the store counts: the org schedule (stores.sync-due) may queue another one meanwhile,
    // which waits for this one (one per store) or takes over its checkpoint when this one is postponed.
    let duringSyncPeakMiB = readyMiB;
    let runs: JobRun[] = [];
    const deadline = postedAt + options.timeoutMs;
    for (;;) {
      duringSyncPeakMiB = Math.max(duringSyncPeakMiB, memoryMiB(pid).rss);
      const list = await owner.json<{ jobs: JobRun[] }>('GET', `/api/jobs?type=stores.sync&storeId=${storeId}&limit=20`);
      runs = [...(list.body.jobs ?? [])].reverse(); // oldest (the POST's full sync) first
      if (runs.length > 0 && runs.every((r) => settled.has(r.status))) break;
      if (Date.now() > deadline)
        throw new Error(
          `the sync did not finish within ${options.timeoutMs} ms (runs: ${runs.map((r) => r.status).join(', ') || 'none'}):\n${server.output()}`,
        );
      await sleep(options.pollMs ?? 500);
    }
    const serverCpuSeconds = Math.round((cpuSeconds(pid) - cpuBefore) * 100) / 100;
    const job = runs[0] as JobRun;
    const logs: JobLog[] = [];
    for (const run of runs) logs.push(...((await owner.json<{ logs: JobLog[] }>('GET', `/api/jobs/${run.id}`)).body.logs ?? []));
    if (process.env.BENCH_SYNC_DEBUG) process.stderr.write(`${JSON.stringify({ runs, logs }, null, 1)}\n${server.output()}\n`);
    const postponed = logs.filter((l) => l.message.startsWith('postponed until'));
    const failed = logs.filter((l) => l.level === 'error');
    const finishedAt = Math.max(...runs.map((r) => Date.parse(r.finishedAt ?? new Date().toISOString())));
    figures = {
      wallSeconds: (finishedAt - postedAt) / 1000,
      postedAt,
      finishedAt,
      startDelayMs: job.startedAt ? Date.parse(job.startedAt) - postedAt : Number.NaN,
      job,
      runs: runs.map((r) => ({ createdAt: r.createdAt, startedAt: r.startedAt, finishedAt: r.finishedAt, status: r.status, result: r.result })),
      failedAttempts: failed.length,
      postponements: postponed.length,
      throttlingSurfaced: [...postponed, ...failed].filter((l) => throttling.test(`${l.message} ${JSON.stringify(l.metadata ?? {})}`)).length,
      problems: [...failed, ...postponed].slice(0, 10).map((l) => l.message),
      memory: { readyMiB, duringSyncPeakMiB, processPeakMiB: memoryMiB(pid).peak },
      serverCpuSeconds,
    };
  } finally {
    await server.stop();
  }

  // Counted with the server stopped (PGlite has one owner at a time).
  const direct = await database.openDirect(1);
  try {
    const count = async (table: string) => Number((await direct.query<{ n: string }>(`select count(*) as n from ${table}`))[0]?.n ?? 0);
    const rows = {
      products: await count('products'),
      variants: await count('product_variants'),
      listings: await count('listings'),
      inventoryLevels: await count('inventory_levels'),
      orders: await count('orders'),
    };
    return { ...figures, rows };
  } finally {
    await direct.close();
  }
}

export type DatabaseKind = BenchDatabase['kind'];

/** One full sync through `nexo serve` on a fresh database. */
export interface NexoSyncRun {
  database: DatabaseKind;
  label: string;
  figures: StoreSyncFigures;
}

/**
 * The databases a sync bench runs on, from its comma-separated RUNS setting (`postgres`, `pglite`); PostgreSQL
 * needs BENCH_DATABASE_URL and is otherwise skipped with a note.
 */
export function databaseKinds(runs: string[], adminUrl: string | undefined, notes: string[]): DatabaseKind[] {
  const kinds = (['postgres', 'pglite'] as const).filter((kind) => runs.includes(kind));
  if (kinds.includes('postgres') && !adminUrl) {
    notes.push('PostgreSQL skipped: set BENCH_DATABASE_URL=postgres://… (a role that may CREATE DATABASE).');
    return kinds.filter((kind) => kind !== 'postgres');
  }
  return kinds;
}

/**
 * runFullStoreSync on a fresh database of `kind` (a throwaway database on the `adminUrl` server, or PGlite in a
 * temp dir), removed afterwards.
 */
export async function syncOnFreshDatabase(
  kind: DatabaseKind,
  adminUrl: string | undefined,
  beforeConnect: () => CreateStoreRequest,
  options: { timeoutMs: number; pollMs?: number },
): Promise<NexoSyncRun> {
  const tmp = makeTempDir(`sync-${kind}`);
  const dataDir = join(tmp, 'data');
  const database = kind === 'postgres' ? await postgresDatabase(adminUrl as string, dataDir) : pgliteDatabase(dataDir);
  try {
    const figures = await runFullStoreSync(database, tmp, beforeConnect, options);
    return { database: kind, label: database.label, figures };
  } finally {
    await database.cleanup();
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Runs that did not complete plus throttling the job surfaced (failed attempts, postponements): goal 0. */
export const surfacedErrors = (f: StoreSyncFigures): number => f.throttlingSurfaced + f.runs.filter((r) => r.status !== 'completed').length;

/** What each sync through Nexo ran and wrote, and what the server process used. */
export function nexoRunsTable(runs: NexoSyncRun[]): Table {
  return {
    title: 'Nexo runs: job, rows written, server process',
    columns: [
      'database',
      'stores.sync runs (status mode pages)',
      'start delay ms',
      'products / variants / listings / stock rows / orders',
      'failed attempts',
      'postponements',
      'server CPU s',
      'RSS ready / sync peak / VmHWM MiB',
    ],
    rows: runs.map(({ database, figures: f }) => [
      database,
      f.runs.map((r) => `${r.status} ${String(r.result?.mode ?? '?')} ${String(r.result?.pages ?? '?')}`).join(' + '),
      Math.round(f.startDelayMs),
      `${f.rows.products} / ${f.rows.variants} / ${f.rows.listings} / ${f.rows.inventoryLevels} / ${f.rows.orders}`,
      f.failedAttempts,
      f.postponements,
      f.serverCpuSeconds,
      `${f.memory.readyMiB} / ${f.memory.duringSyncPeakMiB} / ${f.memory.processPeakMiB}`,
    ]),
  };
}
