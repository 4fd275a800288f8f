import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../src/db/client.ts';
import { migrateDatabase } from '../../src/db/migrate.ts';
import { sleep } from '../../src/lib/sleep.ts';
import { createJobQueue } from '../../src/queue/job-queue.ts';
import { crashCatalog, crashJobName, crashTablesSql } from '../fixtures/crash-catalog.ts';
import { type CrashWorker, connect, startCrashWorker } from '../helpers/crash-workers.ts';
import { serverUrl, silentLog } from '../helpers/template.ts';
import { postgresBinDir, startThrowawayCluster, type ThrowawayCluster } from '../helpers/throwaway-postgres.ts';

// Issue 5 part 4: a PostgreSQL restart (`restart -m immediate`) under load loses 0 acknowledged jobs and the workers
// reconnect by themselves. The test restarts a throwaway cluster of its own (initdb in a temp dir), never the
// shared server TEST_DATABASE_URL points at.
const LEASE_SECONDS = 3;
const binDir = postgresBinDir();
const skipReason = !serverUrl()
  ? 'needs TEST_DATABASE_URL (a PostgreSQL run of the suite): embedded PGlite has no server to restart'
  : !binDir
    ? 'needs PostgreSQL server binaries (initdb, pg_ctl under /usr/lib/postgresql/<version>/bin) to create a throwaway cluster'
    : undefined;

describe.skipIf(skipReason)(`crash safety: PostgreSQL restart -m immediate under load${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  let cluster: ThrowawayCluster | undefined;
  let producerDb: Database | undefined;
  let producer: ReturnType<typeof createJobQueue<ReturnType<typeof crashCatalog>>> | undefined;
  let client: pg.Client | undefined;
  const workers: CrashWorker[] = [];

  afterAll(async () => {
    for (const w of workers) {
      w.child.kill('SIGKILL');
      await w.exited;
    }
    // Closing a pool can wait on a connection that died in the restart: bound each close, and stop the
    // cluster in any case (it is the resource that must not leak).
    const within = (work: Promise<unknown> | undefined) =>
      Promise.race([Promise.resolve(work).catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 10_000).unref())]);
    await within(producer?.stop(0));
    await within(producerDb?.close());
    await within(client?.end());
    await cluster?.destroy();
  });

  it('0 acknowledged jobs lost, every effect exactly once, workers reconnect without being restarted', { timeout: 170_000 }, async () => {
    const started = performance.now();
    cluster = await startThrowawayCluster(binDir as string);
    const admin = new pg.Client({ connectionString: cluster.url });
    await admin.connect();
    await admin.query('create database nexo');
    await admin.end();
    const url = cluster.url.replace(/\/postgres$/, '/nexo');

    producerDb = await openDatabase({ url, poolSize: 2, connectTimeoutMs: 30_000, log: silentLog });
    await migrateDatabase(producerDb);
    await producerDb.execute(crashTablesSql);
    producer = createJobQueue({ database: producerDb, catalog: crashCatalog(LEASE_SECONDS), log: silentLog, superviseSeconds: 1 });
    await producer.start();
    const queue = producer;

    workers.push(startCrashWorker(url, LEASE_SECONDS), startCrashWorker(url, LEASE_SECONDS));
    await Promise.all(workers.map((w) => w.ready));
    const pids = workers.map((w) => w.child.pid);

    // Load: one enqueue after another; an enqueue that throws was never acknowledged and is retried with the same seq.
    const acked = new Map<string, number>();
    let refused = 0;
    let seq = 0;
    let loading = true;
    const load = (async () => {
      while (loading) {
        try {
          acked.set(await queue.enqueue(crashJobName, { seq, workMs: 100 }), seq);
          seq++;
        } catch {
          refused++;
          await sleep(100);
        }
        await sleep(5);
      }
    })();

    await sleep(4000);
    const ackedBeforeRestart = acked.size;
    const restartStarted = performance.now();
    await cluster.restartImmediate();
    const restartSeconds = (performance.now() - restartStarted) / 1000;
    client = await connect(url);
    const { rows: afterRestart } = await client.query<{ now: Date }>('select now()');
    await sleep(6000);
    loading = false;
    await load;

    const ids = [...acked.keys()];
    const drainStarted = performance.now();
    let completed = 0;
    for (let i = 0; i < 240 && completed < ids.length; i++) {
      const { rows } = await client.query<{ n: number }>(`select count(*)::int as n from pgboss.job where id = any($1::uuid[]) and state = 'completed'`, [ids]);
      completed = rows[0]?.n ?? 0;
      if (completed < ids.length) await sleep(250);
    }
    const drainSeconds = (performance.now() - drainStarted) / 1000;

    const seqs = [...acked.values()];
    const { rows: effects } = await client.query<{ missing: number; doubled: number }>(
      `select (select count(*)::int from unnest($1::int[]) s(seq) where not exists (select 1 from crash_effects e where e.seq = s.seq)) as missing,
              (select count(*)::int from (select seq from crash_effects group by seq having count(*) > 1) d) as doubled`,
      [seqs],
    );
    const { rows: afterWork } = await client.query<{ pid: number; n: number }>(
      'select pid, count(*)::int as n from crash_effects where created_at > $1 group by pid',
      [afterRestart[0]?.now],
    );
    const summary = {
      acked: ids.length,
      ackedBeforeRestart,
      refusedDuringRestart: refused,
      restartSeconds: Math.round(restartSeconds * 10) / 10,
      drainSeconds: Math.round(drainSeconds * 10) / 10,
      completed,
      effectsAfterRestartByWorker: afterWork,
      totalSeconds: Math.round((performance.now() - started) / 1000),
    };
    process.stdout.write(`crash-safety PostgreSQL restart proof: ${JSON.stringify(summary)}\n`);
    for (const w of workers) if (w.child.exitCode !== null) process.stdout.write(`worker ${w.child.pid} exited ${w.child.exitCode}:\n${w.output()}\n`);

    expect(ackedBeforeRestart).toBeGreaterThan(0);
    expect(ids.length).toBeGreaterThan(ackedBeforeRestart); // enqueueing resumed after the restart
    expect(completed).toBe(ids.length); // 0 acknowledged jobs lost
    expect(effects[0]).toEqual({ missing: 0, doubled: 0 }); // every effect exactly once
    // The same two processes (never restarted) did work after the restart: they reconnected by themselves.
    expect(workers.map((w) => [w.child.pid, w.child.exitCode, w.child.signalCode])).toEqual(pids.map((pid) => [pid, null, null]));
    expect(afterWork.map((r) => r.pid).sort()).toEqual([...pids].sort());
  });
});
