import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../src/db/client.ts';
import { sleep } from '../../src/lib/sleep.ts';
import { createJobQueue } from '../../src/queue/job-queue.ts';
import { crashCatalog, crashJobName, crashTablesSql } from '../fixtures/crash-catalog.ts';
import { type CrashWorker, connect, jobStates, killHard, startCrashWorker } from '../helpers/crash-workers.ts';
import { dropServerDatabase, freshServerDatabase } from '../helpers/server.ts';
import { serverUrl, silentLog } from '../helpers/template.ts';

// Issue 5 part 4: 2 worker processes, 1,000 jobs, 100 `kill -9` of a random worker at random moments with automatic
// restart, then drain: 0 jobs lost, every effect exactly once. PGlite is one process: nothing to kill there.
const JOBS = 1000;
const KILLS = 100;
const LEASE_SECONDS = 3;
const WORK_MS = 200;
const skipReason = serverUrl() ? undefined : 'needs TEST_DATABASE_URL (PostgreSQL): embedded PGlite runs in one process, there is no worker to kill';

describe.skipIf(skipReason)(`crash safety: kill -9 under load${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  let url: string;
  let client: pg.Client;
  let producerDb: Database;
  let producer: ReturnType<typeof createJobQueue<ReturnType<typeof crashCatalog>>>;
  const workers: CrashWorker[] = [];

  beforeAll(async () => {
    url = (await freshServerDatabase()) as string;
    client = await connect(url);
    await client.query(crashTablesSql);
    producerDb = await openDatabase({ url, poolSize: 2, log: silentLog });
    producer = createJobQueue({ database: producerDb, catalog: crashCatalog(LEASE_SECONDS), log: silentLog });
    await producer.start();
  });

  afterAll(async () => {
    for (const w of workers) {
      w.child.kill('SIGTERM');
      await w.exited;
    }
    await producer?.stop(0);
    await producerDb?.close();
    await client?.end();
    if (url) await dropServerDatabase(url);
  });

  it(`${JOBS} jobs, ${KILLS} SIGKILLs of a random worker, automatic restarts: 0 jobs lost, every effect exactly once`, { timeout: 420_000 }, async () => {
    const started = performance.now();
    workers.push(startCrashWorker(url, LEASE_SECONDS), startCrashWorker(url, LEASE_SECONDS));
    await Promise.all(workers.map((w) => w.ready));

    const ids = new Set<string>();
    let kills = 0;
    for (let round = 0; round < KILLS; round++) {
      // Load keeps arriving while workers die: 10 new jobs per round.
      const batch = await Promise.all(
        Array.from({ length: JOBS / KILLS }, (_, i) => producer.enqueue(crashJobName, { seq: round * (JOBS / KILLS) + i, workMs: WORK_MS })),
      );
      for (const id of batch) ids.add(id);
      await sleep(100 + Math.random() * 500);
      // A random worker among those running; if both are still restarting, the first to be ready.
      let alive = workers.map((w, i) => [w, i] as const).filter(([w]) => w.isReady());
      if (alive.length === 0) {
        await Promise.race(workers.map((w) => w.ready));
        await sleep(Math.random() * 300);
        alive = workers.map((w, i) => [w, i] as const).filter(([w]) => w.isReady());
      }
      const [victim, slot] = alive[Math.floor(Math.random() * alive.length)] as (typeof alive)[number];
      await killHard(victim);
      kills++;
      workers[slot] = startCrashWorker(url, LEASE_SECONDS); // the supervisor's automatic restart
      if (kills % 20 === 0) process.stdout.write(`  ${kills} kills after ${Math.round((performance.now() - started) / 1000)} s\n`);
    }
    const killPhaseSeconds = (performance.now() - started) / 1000;

    // Drain: killed jobs come back after their lease (3 s) plus one supervise pass (1 s).
    const drainStarted = performance.now();
    let states: Record<string, number> = {};
    for (let i = 0; i < 240; i++) {
      states = await jobStates(client, crashJobName);
      if (states.completed === JOBS) break;
      await sleep(250);
    }
    const drainSeconds = (performance.now() - drainStarted) / 1000;

    const { rows: effects } = await client.query<{ rows: number; seqs: number; doubled: number }>(
      `select count(*)::int as rows, count(distinct seq)::int as seqs,
              (select count(*)::int from (select seq from crash_effects group by seq having count(*) > 1) d) as doubled
         from crash_effects`,
    );
    const { rows: keys } = await client.query<{ n: number }>(`select count(*)::int as n from job_effects where key like 'crash:%'`);
    const { rows: attempts } = await client.query<{ retried: number; replayed: number; runs: number }>(
      `select count(distinct seq) filter (where attempt > 1)::int as retried, count(*) filter (where replayed)::int as replayed, count(*)::int as runs
         from crash_attempts`,
    );
    const dead = await jobStates(client, `${crashJobName}.dead`);
    const summary = {
      kills,
      killPhaseSeconds: Math.round(killPhaseSeconds),
      drainSeconds: Math.round(drainSeconds * 10) / 10,
      totalSeconds: Math.round((performance.now() - started) / 1000),
      states,
      effects: effects[0],
      attempts: attempts[0],
    };
    process.stdout.write(`crash-safety kill -9 proof: ${JSON.stringify(summary)}\n`);

    expect(kills).toBe(KILLS);
    expect(ids.size).toBe(JOBS);
    expect(states).toEqual({ completed: JOBS }); // 0 jobs lost: every acknowledged job completed, none failed or dead
    expect(dead).toEqual({});
    expect(effects[0]).toEqual({ rows: JOBS, seqs: JOBS, doubled: 0 }); // every effect exactly once
    expect(keys[0]?.n).toBe(JOBS);
    // The proof only means something if kills hit running jobs: some jobs ran again, and some retries found
    // their effect already committed by the killed attempt (and skipped it).
    expect(attempts[0]?.retried).toBeGreaterThan(0);
    expect(attempts[0]?.replayed).toBeGreaterThan(0);
  });
});
