import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { JobLog, JobRun } from '../../src/contracts/operations.ts';
import type { CreateStoreRequest } from '../../src/contracts/stores.ts';
import { createLogger } from '../../src/lib/logger.ts';
import { ensureWebBuild } from '../../src/main/web-build.ts';
import { signIn } from '../../test/helpers/api-client.ts';
import type { BenchDatabase } from './databases.ts';
import { cpuSeconds, memoryMiB, startNexoServe } from './server.ts';

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
