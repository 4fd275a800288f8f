import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ctxFor, seedOrg } from '../../../test/helpers/ctx.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/database.ts';
import { silentLog } from '../../../test/helpers/template.ts';
import { defineJob, jobCatalog } from '../../contracts/jobs.ts';
import { withTransaction } from '../../db/transaction.ts';
import { PostponeJob } from '../../lib/job-control.ts';
import { createMetrics } from '../../lib/metrics.ts';
import { sleep } from '../../lib/sleep.ts';
import { createJobQueue, type JobQueue } from '../../queue/job-queue.ts';
import {
  cancelJobRun,
  createJobRunsObserver,
  DEFERRED_START_MS,
  getJobRun,
  jobStats,
  listJobRuns,
  pruneJobRuns,
  queueDepthByType,
  reconcileRuns,
  replayDeadRuns,
  retryJobRun,
} from './index.ts';

const catalog = {
  'ops.ok': defineJob('ops.ok', 'completes', z.strictObject({ n: z.number() }), { retryLimit: 0 }),
  'ops.flaky': defineJob('ops.flaky', 'fails once', z.strictObject({ key: z.string() }), { retryLimit: 2, retryDelaySeconds: 1, retryBackoff: false }),
  'ops.doomed': defineJob('ops.doomed', 'always fails', z.strictObject({ key: z.string() }), { retryLimit: 1, retryDelaySeconds: 1, retryBackoff: false }),
  'ops.postponed': defineJob('ops.postponed', 'postpones first', z.strictObject({ key: z.string() }), {
    retryLimit: 1,
    retryDelaySeconds: 1,
    retryBackoff: false,
  }),
  'ops.store': defineJob('ops.store', 'per-store, one at a time', z.strictObject({ ms: z.number() }), { retryLimit: 0, concurrency: 4, storeConcurrency: 1 }),
  'ops.batch': defineJob('ops.batch', 'fetched in batches; "fail" keys fail attempt 1, "postpone" keys postpone once', z.strictObject({ key: z.string() }), {
    retryLimit: 1,
    retryDelaySeconds: 1,
    retryBackoff: false,
    concurrency: 2,
    batchSize: 10,
  }),
  'ops.batch-store': defineJob('ops.batch-store', 'batched, one at a time per store', z.strictObject({ ms: z.number() }), {
    retryLimit: 0,
    concurrency: 3,
    batchSize: 5,
    storeConcurrency: 1,
  }),
  'ops.scheduled': defineJob('ops.scheduled', 'retry schedule 1 s, 2 s; "twice" keys fail twice, "always" keys always', z.strictObject({ key: z.string() }), {
    retryLimit: 2,
    retryDelaysSeconds: [1, 2],
    retryBackoff: false,
  }),
  'ops.scheduled-slow': defineJob('ops.scheduled-slow', 'always fails; retried 30 s later', z.strictObject({ key: z.string() }), {
    retryLimit: 1,
    retryDelaysSeconds: [30],
  }),
  'ops.scheduled-batch': defineJob('ops.scheduled-batch', 'batched, retry schedule 1 s; "fail" keys fail attempt 1', z.strictObject({ key: z.string() }), {
    retryLimit: 1,
    retryDelaysSeconds: [1],
    concurrency: 1,
    batchSize: 5,
  }),
  'ops.single': defineJob('ops.single', 'deduplicated', z.strictObject({ key: z.string() }), { retryLimit: 0, singletonKey: (p: { key: string }) => p.key }),
};

async function until<T>(probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(50);
  }
}

describe('job runs (job_runs / job_logs through the queue observer)', () => {
  let t: TestDatabase;
  let queue: JobQueue<typeof catalog>;
  let orgId: string;
  let otherOrgId: string;
  const attempts = new Map<string, number>();
  const doomed = new Set<string>();
  const storeRunning = new Map<string, number>();
  let storeMaxParallel = 0;
  const batchSeen = new Map<string, number>();
  const slowStarted = new Set<string>();
  const batchStoreRunning = new Map<string, number>();
  let batchStoreMaxParallel = 0;
  const metrics = createMetrics();
  /** Per key: when each attempt started and when it failed (ms), for the retry schedule tests. */
  const scheduled = new Map<string, Array<{ attempt: number; startedAt: number; failedAt?: number }>>();
  const scheduledHandler = async ({ key }: { key: string }, job: { id: string; attempt: number }) => {
    const seen = scheduled.get(key) ?? [];
    scheduled.set(key, seen);
    const entry: { attempt: number; startedAt: number; failedAt?: number } = { attempt: job.attempt, startedAt: Date.now() };
    seen.push(entry);
    // Cancelled in job_runs while the attempt runs (as if a cancel raced it), then fails.
    if (key.startsWith('cancelme')) await t.database.execute("update job_runs set status = 'cancelled', finished_at = now() where id = $1", [job.id]);
    if (
      key.startsWith('always') ||
      key.startsWith('cancelme') ||
      (key.startsWith('twice') && job.attempt <= 2) ||
      (key.startsWith('fail') && job.attempt === 1)
    ) {
      entry.failedAt = Date.now();
      throw new Error(`${key}: attempt ${job.attempt} failed`);
    }
    return { key };
  };

  const runStatus = async (id: string) => {
    const rows = await t.database.execute<{ status: string }>('select status from job_runs where id = $1', [id]);
    return rows[0]?.status;
  };
  const waitStatus = (id: string, status: string) => until(async () => ((await runStatus(id)) === status ? status : undefined));
  const ctx = () => ctxFor(t.database, orgId);

  beforeAll(async () => {
    t = await createTestDatabase();
    orgId = (await seedOrg(t.database)).org.id;
    otherOrgId = (await seedOrg(t.database)).org.id;
    queue = createJobQueue({
      database: t.database,
      catalog,
      log: silentLog,
      metrics,
      observer: createJobRunsObserver(t.database),
      pollingSeconds: 0.5,
    });
    await queue.start();
    await queue.work('ops.ok', async ({ n }, job) => {
      await job.log('info', 'doubling', { n });
      return { doubled: n * 2 };
    });
    await queue.work('ops.flaky', async ({ key }, job) => {
      attempts.set(key, job.attempt);
      if (job.attempt === 1) throw new Error('transient');
      return { ok: true };
    });
    await queue.work('ops.doomed', async ({ key }, job) => {
      attempts.set(key, job.attempt);
      if (doomed.has(key)) throw new Error('permanent failure');
      return { recovered: true };
    });
    await queue.work('ops.postponed', async ({ key }, job) => {
      const seen = (attempts.get(`p:${key}`) ?? 0) + 1;
      attempts.set(`p:${key}`, seen);
      attempts.set(key, job.attempt);
      if (seen === 1) throw new PostponeJob(new Date(Date.now() + 1000), 'breaker open for store');
      return { ran: true };
    });
    await queue.work('ops.store', async ({ ms }, job) => {
      const store = job.storeId ?? 'none';
      const now = (storeRunning.get(store) ?? 0) + 1;
      storeRunning.set(store, now);
      storeMaxParallel = Math.max(storeMaxParallel, now);
      await sleep(ms);
      storeRunning.set(store, (storeRunning.get(store) ?? 1) - 1);
    });
    await queue.work('ops.batch', async ({ key }, job) => {
      const seen = (batchSeen.get(key) ?? 0) + 1;
      batchSeen.set(key, seen);
      if (key.startsWith('fail') && job.attempt === 1) throw new Error(`${key}: transient`);
      if (key.startsWith('race')) {
        await t.database.execute("update job_runs set status = 'cancelled', finished_at = now() where id = $1", [job.id]);
        throw new Error(`${key}: cancelled during the attempt`);
      }
      if (key.startsWith('postpone') && seen === 1) throw new PostponeJob(new Date(Date.now() + 500), 'bucket empty');
      if (key.startsWith('slow')) {
        slowStarted.add(key);
        await sleep(DEFERRED_START_MS + 1500);
      }
      return { key };
    });
    await queue.work('ops.scheduled', scheduledHandler);
    await queue.work('ops.scheduled-slow', scheduledHandler);
    await queue.work('ops.scheduled-batch', scheduledHandler);
    await queue.work('ops.batch-store', async ({ ms }, job) => {
      const store = job.storeId ?? 'none';
      const now = (batchStoreRunning.get(store) ?? 0) + 1;
      batchStoreRunning.set(store, now);
      batchStoreMaxParallel = Math.max(batchStoreMaxParallel, now);
      await sleep(ms);
      batchStoreRunning.set(store, (batchStoreRunning.get(store) ?? 1) - 1);
    });
  });

  afterAll(async () => {
    await queue.stop(0).catch(() => undefined);
    await t.close();
  });

  it('completed: queued -> running -> completed, with duration, result and the handler log lines', async () => {
    const id = await queue.enqueue('ops.ok', { n: 21 }, { orgId });
    expect(await runStatus(id)).toBe('queued');
    await waitStatus(id, 'completed');
    const { job, logs } = await getJobRun(ctx(), id);
    expect(job).toMatchObject({ type: 'ops.ok', status: 'completed', attempts: 1, maxAttempts: 1, result: { doubled: 42 }, lastError: null });
    expect(job.durationMs).toBeGreaterThanOrEqual(0);
    expect(job.startedAt).not.toBeNull();
    expect(job.finishedAt).not.toBeNull();
    expect(logs.map((l) => l.message)).toEqual(['attempt 1 started', 'doubling', expect.stringMatching(/^completed in \d+ ms$/)]);
    expect(logs[1]).toMatchObject({ level: 'info', metadata: { n: 21 }, attempt: 1 });
  });

  it('org-scoped job types need an org at enqueue', async () => {
    await expect(queue.enqueue('ops.ok', { n: 1 })).rejects.toMatchObject({ code: 'VALIDATION' });
  });

  it('retried then completed: retrying after the failed attempt, completed on attempt 2', async () => {
    const id = await queue.enqueue('ops.flaky', { key: 'f1' }, { orgId });
    await waitStatus(id, 'completed');
    const { job, logs } = await getJobRun(ctx(), id);
    expect(job).toMatchObject({ status: 'completed', attempts: 2, lastError: null });
    expect(logs.map((l) => l.message)).toContain('attempt 1 failed; retrying with backoff');
    expect(logs.find((l) => l.level === 'error')?.metadata).toEqual({ error: 'transient' });
  });

  it('dead: retries exhausted; replay sends the same run again and it completes; replaying it again is a 409', async () => {
    doomed.add('d1');
    const id = await queue.enqueue('ops.doomed', { key: 'd1' }, { orgId });
    await waitStatus(id, 'dead');
    expect((await getJobRun(ctx(), id)).job).toMatchObject({ status: 'dead', attempts: 2, maxAttempts: 2, lastError: 'permanent failure' });
    expect((await retryJobRun(ctx(), queue, id)).status).toBe('queued');
    await expect(retryJobRun(ctx(), queue, id)).rejects.toMatchObject({
      code: 'CONFLICT',
      details: { status: expect.stringMatching(/^(queued|running|retrying)$/), allowed: ['failed', 'dead', 'cancelled'] },
    });
    doomed.delete('d1');
    await waitStatus(id, 'completed');
    expect((await getJobRun(ctx(), id)).job).toMatchObject({ attempts: 3, maxAttempts: 4 });
  });

  it('replay of dead runs by type: attempts keep counting, 409 for a run that is not dead', async () => {
    doomed.add('d2');
    const id = await queue.enqueue('ops.doomed', { key: 'd2' }, { orgId });
    await waitStatus(id, 'dead');
    doomed.delete('d2');
    await expect(
      replayDeadRuns(ctx(), queue, { ids: [id, (await listJobRuns(ctx(), { limit: 1, type: ['ops.ok'] })).jobs[0]?.id as string] }),
    ).rejects.toMatchObject({
      code: 'CONFLICT',
      details: { conflicts: [expect.objectContaining({ status: 'completed' })] },
    });
    const replayed = await replayDeadRuns(ctx(), queue, { type: 'ops.doomed' });
    expect(replayed.map((r) => r.id)).toContain(id);
    await waitStatus(id, 'completed');
    expect(attempts.get('d2')).toBe(3);
    const { job, logs } = await getJobRun(ctx(), id);
    expect(job).toMatchObject({ status: 'completed', attempts: 3, result: { recovered: true } });
    expect(logs.some((l) => l.message.startsWith('replayed by'))).toBe(true);
    await expect(replayDeadRuns(ctx(), queue, { ids: [id] })).rejects.toMatchObject({
      code: 'CONFLICT',
      details: { conflicts: [{ id, status: 'completed' }] },
    });
    const audit = await t.database.execute<{ action: string }>("select action from audit_log where resource_id = $1 and action like 'job.%'", [id]);
    expect(audit.map((a) => a.action)).toContain('job.replay');
  });

  it('postponed: back to queued with the reason, not counted as an attempt, then completes on attempt 1', async () => {
    const id = await queue.enqueue('ops.postponed', { key: 'p1' }, { orgId });
    await until(async () => {
      const { logs } = await getJobRun(ctx(), id);
      return logs.some((l) => l.message.startsWith('postponed until')) ? true : undefined;
    });
    await waitStatus(id, 'completed');
    const { job, logs } = await getJobRun(ctx(), id);
    expect(attempts.get('p:p1')).toBe(2);
    expect(attempts.get('p1')).toBe(1);
    expect(job).toMatchObject({ status: 'completed', attempts: 1, lastError: null });
    const postponed = logs.find((l) => l.message.startsWith('postponed until'));
    expect(postponed).toMatchObject({ level: 'warn', metadata: expect.objectContaining({ reason: 'breaker open for store' }) });
    expect(logs.filter((l) => l.level === 'error')).toHaveLength(0);
  });

  it('cancelled: a queued run is cancelled, never runs, and cannot be cancelled twice (409 with the status)', async () => {
    const id = await queue.enqueue('ops.ok', { n: 7 }, { orgId, startAfter: Date.now() + 60_000 });
    const job = await cancelJobRun(ctx(), queue, id);
    expect(job.status).toBe('cancelled');
    expect((await t.database.execute<{ state: string }>('select state from pgboss.job where id = $1', [id]))[0]?.state).toBe('cancelled');
    await expect(cancelJobRun(ctx(), queue, id)).rejects.toMatchObject({ code: 'CONFLICT', details: { status: 'cancelled' } });
    const audit = await t.database.execute<{ action: string }>("select action from audit_log where resource_id = $1 and action = 'job.cancel'", [id]);
    expect(audit).toHaveLength(1);
    // Retry brings it back and it runs.
    await retryJobRun(ctx(), queue, id);
    await waitStatus(id, 'completed');
  });

  it('another org sees none of it: 404 on get, retry and cancel; empty list', async () => {
    const id = await queue.enqueue('ops.ok', { n: 9 }, { orgId });
    const other = ctxFor(t.database, otherOrgId);
    await expect(getJobRun(other, id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(retryJobRun(other, queue, id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(cancelJobRun(other, queue, id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(replayDeadRuns(other, queue, { ids: [id] })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await listJobRuns(other, { limit: 50 })).jobs).toEqual([]);
  });

  it('enqueue in a transaction: a rolled-back transaction leaves no job and no job_runs row', async () => {
    let rolledBack: string | undefined;
    await expect(
      withTransaction(t.database.db, async (tx) => {
        rolledBack = await queue.enqueue('ops.ok', { n: 1002 }, { tx, orgId });
        await tx.execute(sql`select 1`);
        throw new Error('business change failed');
      }),
    ).rejects.toThrow('business change failed');
    const committed = await withTransaction(t.database.db, (tx) => queue.enqueue('ops.ok', { n: 1001 }, { tx, orgId }));
    expect(await runStatus(committed)).toBe('queued');
    expect(rolledBack).toBeDefined();
    expect(await runStatus(rolledBack as string)).toBeUndefined();
    expect(await t.database.execute('select id from pgboss.job where id = $1', [rolledBack])).toEqual([]);
    await waitStatus(committed, 'completed');
  });

  it('enqueueMany: queued runs written in one go; a rolled-back transaction or a duplicate key leaves no job and no run', async () => {
    let rolledBack: string[] = [];
    await expect(
      withTransaction(t.database.db, async (tx) => {
        rolledBack = await queue.enqueueMany('ops.ok', [{ n: 3001 }, { n: 3002 }], { tx, orgId });
        expect(await tx.execute(sql`select 1 from job_runs where id = ${rolledBack[0]}`)).toMatchObject({ rows: [expect.anything()] });
        throw new Error('business change failed');
      }),
    ).rejects.toThrow('business change failed');
    for (const id of rolledBack) {
      expect(await runStatus(id)).toBeUndefined();
      expect(await t.database.execute('select id from pgboss.job where id = $1', [id])).toEqual([]);
    }
    await expect(queue.enqueueMany('ops.ok', [{ n: 1 }])).rejects.toMatchObject({ code: 'VALIDATION' });
    await queue.enqueue('ops.single', { key: 'many-1' }, { orgId, startAfter: Date.now() + 3600_000 });
    const before = (await listJobRuns(ctx(), { limit: 100, type: ['ops.single'] })).jobs.length;
    await expect(queue.enqueueMany('ops.single', [{ key: 'many-2' }, { key: 'many-1' }], { orgId })).rejects.toMatchObject({
      code: 'CONFLICT',
      details: { singletonKeys: ['many-1'] },
    });
    expect((await listJobRuns(ctx(), { limit: 100, type: ['ops.single'] })).jobs.length).toBe(before);

    const storeId = '0190a0a0-0000-7000-8000-0000000000cc';
    const ids = await withTransaction(t.database.db, (tx) => queue.enqueueMany('ops.ok', [{ n: 3003 }, { n: 3004 }], { tx, orgId, storeId }));
    for (const id of ids) await waitStatus(id, 'completed');
    const { job, logs } = await getJobRun(ctx(), ids[1] as string);
    expect(job).toMatchObject({ type: 'ops.ok', storeId, attempts: 1, maxAttempts: 1, result: { doubled: 6008 } });
    expect(logs.map((l) => l.message)).toEqual(['attempt 1 started', 'doubling', expect.stringMatching(/^completed in \d+ ms$/)]);
  });

  it('batched fetch: job_runs stay exact per run; the failing run alone retries; a postponed run waits; cancelled runs are skipped', async () => {
    const keys = ['ok-0', 'ok-1', 'fail-2', 'ok-3', 'postpone-4', 'ok-5', 'cancel-6', 'ok-7', 'race-8'];
    const ids = await queue.enqueueMany(
      'ops.batch',
      keys.map((key) => ({ key })),
      { orgId, startAfter: Date.now() + 1000 },
    );
    const byKey = new Map(keys.map((k, i) => [k, ids[i] as string]));
    // Cancelled before the fetch: its pg-boss job is cancelled with it, so no worker ever takes it.
    expect((await cancelJobRun(ctx(), queue, byKey.get('cancel-6') as string)).status).toBe('cancelled');
    for (const [key, id] of byKey) if (!['cancel-6', 'race-8'].includes(key)) await waitStatus(id, 'completed');
    // race-8's first attempt ends its own run record (as if a cancel raced the attempt) and fails: pg-boss retries the
    // job, and the batch that fetches it again reads the record and skips it.
    const raced = await until(async () => {
      const [job] = await bossJobsOf(byKey.get('race-8') as string);
      return job?.state === 'completed' ? job : undefined;
    });
    expect(raced).toMatchObject({ retry_count: 1, output: { skipped: 'cancelled' } });
    expect(batchSeen.get('race-8')).toBe(1);
    expect(await runStatus(byKey.get('race-8') as string)).toBe('cancelled');
    expect(await runStatus(byKey.get('cancel-6') as string)).toBe('cancelled');
    expect(batchSeen.get('cancel-6')).toBeUndefined();
    for (const key of ['ok-0', 'ok-1', 'ok-3', 'ok-5', 'ok-7']) {
      expect(batchSeen.get(key)).toBe(1);
      const { job, logs } = await getJobRun(ctx(), byKey.get(key) as string);
      expect(job).toMatchObject({ status: 'completed', attempts: 1, result: { key }, lastError: null });
      expect(job.durationMs).toBeGreaterThanOrEqual(0);
      // Batched types record start and completion in the run's fields only (no routine log lines).
      expect(job.startedAt).not.toBeNull();
      expect(job.finishedAt).not.toBeNull();
      expect(logs).toEqual([]);
    }
    const failed = await getJobRun(ctx(), byKey.get('fail-2') as string);
    expect(failed.job).toMatchObject({ status: 'completed', attempts: 2, lastError: null });
    expect(failed.logs.map((l) => l.message)).toEqual(['attempt 1 failed; retrying with backoff']);
    const postponed = await getJobRun(ctx(), byKey.get('postpone-4') as string);
    expect(postponed.job).toMatchObject({ status: 'completed', attempts: 1, postponedReason: null });
    expect(postponed.logs.map((l) => l.level)).toEqual(['warn']);
    // One `jobs.updated` event per org and batch transition, naming every run of the batch.
    const events = await t.database.execute<{ status: string; ids: number }>(
      "select payload->>'status' as status, jsonb_array_length(payload->'ids') as ids from events where type = 'jobs.updated' and payload->'ids' ? $1 order by id",
      [byKey.get('ok-0')],
    );
    // Runs that complete within DEFERRED_START_MS go queued -> completed: no `running` write, no `running` event.
    expect(events.map((e) => e.status)).toEqual(['queued', 'completed']);
    expect(events[0]?.ids).toBe(keys.length);
    expect(await t.database.execute("select 1 from events where type = 'job.updated' and payload->>'id' = $1", [byKey.get('ok-0')])).toEqual([]);
  });

  it('batched fetch: a run still going after DEFERRED_START_MS shows running with its start time; it cannot be cancelled even before', async () => {
    const [slow, fast] = await queue.enqueueMany('ops.batch', [{ key: 'slow-1' }, { key: 'quick-1' }], { orgId });
    await until(() => slowStarted.has('slow-1'));
    const startedAt = Date.now();
    // Started but maybe not recorded yet: the cancel sees the active pg-boss job (409 running), nothing changes.
    await expect(cancelJobRun(ctx(), queue, slow as string)).rejects.toMatchObject({ code: 'CONFLICT', details: { status: 'running' } });
    const running = await until(async () => {
      const { job } = await getJobRun(ctx(), slow as string);
      return job.status === 'running' ? job : undefined;
    });
    expect(running).toMatchObject({ attempts: 1, finishedAt: null });
    expect(Date.parse(running.startedAt as string)).toBeLessThanOrEqual(startedAt);
    await waitStatus(slow as string, 'completed');
    const done = (await getJobRun(ctx(), slow as string)).job;
    expect(done).toMatchObject({ attempts: 1, startedAt: running.startedAt, result: { key: 'slow-1' } });
    // The handler sleeps DEFERRED_START_MS + 1500 ms; timers and the millisecond rounding of durations may land a hair early.
    expect(done.durationMs).toBeGreaterThanOrEqual(DEFERRED_START_MS + 1500 - 10);
    const quick = (await getJobRun(ctx(), fast as string)).job;
    expect(quick).toMatchObject({ status: 'completed', attempts: 1 });
    expect(Date.parse(quick.startedAt as string)).toBeLessThanOrEqual(Date.parse(quick.finishedAt as string));
    const events = await t.database.execute<{ status: string }>(
      "select payload->>'status' as status from events where type = 'jobs.updated' and payload->'ids' ? $1 order by id",
      [slow],
    );
    expect(events.map((e) => e.status)).toEqual(['queued', 'running', 'completed']);
  });

  it('reconciles a batched run whose worker died before its deferred start was written (pg-boss failed it for good)', async () => {
    const id = await queue.enqueue('ops.batch', { key: 'lost-1' }, { orgId, startAfter: Date.now() + 60_000 });
    // What a worker SIGKILLed within DEFERRED_START_MS of the last attempt leaves: the run says queued, the job failed.
    await t.database.execute("update pgboss.job set state = 'failed', completed_on = now() where id = $1", [id]);
    expect(await reconcileRuns(t.database.db, queue)).toBe(1);
    const { job, logs } = await getJobRun(ctx(), id);
    expect(job).toMatchObject({ status: 'dead', lastError: 'lease expired: the worker stopped during the attempt' });
    expect(logs.at(-1)?.message).toContain('lease expired');
    expect(await reconcileRuns(t.database.db, queue)).toBe(0);
  });

  it('batched fetch keeps per-store concurrency across slots', async () => {
    const storeA = '0190a0a0-0000-7000-8000-0000000000da';
    const storeB = '0190a0a0-0000-7000-8000-0000000000db';
    const ids = [
      ...(await queue.enqueueMany('ops.batch-store', [{ ms: 150 }, { ms: 150 }, { ms: 150 }, { ms: 150 }], { orgId, storeId: storeA })),
      ...(await queue.enqueueMany('ops.batch-store', [{ ms: 150 }, { ms: 150 }, { ms: 150 }, { ms: 150 }], { orgId, storeId: storeB })),
    ];
    for (const id of ids) await waitStatus(id, 'completed');
    expect(batchStoreMaxParallel).toBe(1);
  });

  /** Each attempt after the first started at least its scheduled delay after the previous one failed (lower bounds only). */
  const expectGaps = (key: string, delaysSeconds: number[]) => {
    const seen = scheduled.get(key) ?? [];
    expect(seen.map((s) => s.attempt)).toEqual(delaysSeconds.map((_, i) => i + 1).concat(delaysSeconds.length + 1));
    delaysSeconds.forEach((delay, i) => {
      expect((seen[i + 1]?.startedAt ?? 0) - (seen[i]?.failedAt ?? Number.POSITIVE_INFINITY)).toBeGreaterThanOrEqual(delay * 1000);
    });
  };
  const bossJobsOf = (runId: string) =>
    t.database.execute<{ id: string; name: string; state: string; retry_count: number; output: { retryAt?: string } | null }>(
      "select id::text as id, name, state::text as state, retry_count, output from pgboss.job where coalesce(data->>'runId', id::text) = $1 order by created_on",
      [runId],
    );

  it('retry schedule: defineJob refuses a schedule whose length is not retryLimit', () => {
    expect(() => defineJob('x.bad', 'bad', z.strictObject({}), { retryLimit: 3, retryDelaysSeconds: [1, 5] })).toThrow(/retryDelaysSeconds/);
    expect(() => defineJob('x.bad', 'bad', z.strictObject({}), { retryLimit: 1, retryDelaysSeconds: [-1] })).toThrow(/retryDelaysSeconds/);
    expect(defineJob('x.ok', 'ok', z.strictObject({}), { retryLimit: 2, retryDelaysSeconds: [1, 5] }).policy.retryDelaysSeconds).toEqual([1, 5]);
    // Seed 002: Phase 1 task creation is retried 1 s, 5 s, 30 s after a failure, then dead-lettered.
    expect(jobCatalog['plans.create-tasks'].policy).toMatchObject({ retryLimit: 3, retryDelaysSeconds: [1, 5, 30] });
  });

  it('retry schedule [1, 2]: fails twice, retrying between attempts at the scheduled times, completes on attempt 3 as one run', async () => {
    const id = await queue.enqueue('ops.scheduled', { key: 'twice-1' }, { orgId });
    const retrying = await until(async () => {
      const { job } = await getJobRun(ctx(), id);
      return job.status === 'retrying' ? job : undefined;
    });
    expect(retrying).toMatchObject({ attempts: 1, maxAttempts: 3, lastError: 'twice-1: attempt 1 failed', finishedAt: null });
    const firstFailure = scheduled.get('twice-1')?.[0]?.failedAt as number;
    expect(Date.parse(retrying.scheduledAt)).toBeGreaterThanOrEqual(firstFailure + 1000);
    const second = await until(async () => {
      const { job } = await getJobRun(ctx(), id);
      return job.status === 'retrying' && job.attempts === 2 ? job : undefined;
    });
    expect(Date.parse(second.scheduledAt)).toBeGreaterThanOrEqual((scheduled.get('twice-1')?.[1]?.failedAt as number) + 2000);
    await waitStatus(id, 'completed');
    expectGaps('twice-1', [1, 2]);
    const { job, logs } = await getJobRun(ctx(), id);
    expect(job).toMatchObject({ status: 'completed', attempts: 3, maxAttempts: 3, lastError: null, result: { key: 'twice-1' } });
    const messages = logs.map((l) => l.message);
    expect(messages.filter((m) => /^attempt [12] failed; retrying at /.test(m))).toHaveLength(2);
    expect(messages.filter((m) => m.startsWith('attempt') && m.endsWith('started'))).toEqual(['attempt 1 started', 'attempt 2 started', 'attempt 3 started']);
    expect(logs.find((l) => l.message.startsWith('attempt 1 failed'))).toMatchObject({
      level: 'error',
      attempt: 1,
      metadata: { error: 'twice-1: attempt 1 failed' },
    });
    // Three pg-boss jobs carried the run: the failed attempts completed (settled, with the retry time) and never retried in pg-boss.
    const jobs = await bossJobsOf(id);
    expect(jobs.map((j) => [j.state, j.retry_count])).toEqual([
      ['completed', 0],
      ['completed', 0],
      ['completed', 0],
    ]);
    expect(jobs[0]?.id).toBe(id);
    expect(jobs[0]?.output?.retryAt).toEqual(expect.any(String));
    const events = await t.database.execute<{ status: string }>(
      "select payload->>'status' as status from events where type = 'job.updated' and payload->>'id' = $1 order by id",
      [id],
    );
    expect(events.map((e) => e.status)).toEqual(['queued', 'running', 'retrying', 'running', 'retrying', 'running', 'completed']);
    expect(await metrics.registry.metrics()).toMatch(/nexo_jobs_processed_total\{name="ops.scheduled",outcome="retried"\} [2-9]/);
  });

  it('retry schedule [1, 2] exhausted: the third failure moves the run to the dead-letter queue; replay starts a fresh schedule', async () => {
    const id = await queue.enqueue('ops.scheduled', { key: 'always-1' }, { orgId });
    await waitStatus(id, 'dead');
    expectGaps('always-1', [1, 2]);
    const { job, logs } = await getJobRun(ctx(), id);
    expect(job).toMatchObject({ status: 'dead', attempts: 3, maxAttempts: 3, lastError: 'always-1: attempt 3 failed' });
    expect(logs.at(-1)?.message).toBe('retries exhausted: moved to the dead-letter queue');
    const jobs = await bossJobsOf(id);
    expect(jobs.filter((j) => j.name === 'ops.scheduled').map((j) => j.state)).toEqual(['completed', 'completed', 'failed']);
    expect(jobs.filter((j) => j.name === 'ops.scheduled.dead')).toHaveLength(1);
    // A replay gives the run a fresh budget: attempt 4 fails and is retried 1 s later (the schedule starts over).
    const replayed = await replayDeadRuns(ctx(), queue, { ids: [id] });
    expect(replayed[0]).toMatchObject({ status: 'queued', maxAttempts: 6 });
    const again = await until(async () => {
      const { job } = await getJobRun(ctx(), id);
      return job.status === 'retrying' && job.attempts === 4 ? job : undefined;
    });
    expect(Date.parse(again.scheduledAt)).toBeGreaterThanOrEqual((scheduled.get('always-1')?.[3]?.failedAt as number) + 1000);
    await cancelJobRun(ctx(), queue, id);
  });

  it('retry schedule: a retrying run is cancelled with its queued next job, and a retry by hand runs it again', async () => {
    const id = await queue.enqueue('ops.scheduled-slow', { key: 'always-slow' }, { orgId });
    const retrying = await until(async () => {
      const { job } = await getJobRun(ctx(), id);
      return job.status === 'retrying' ? job : undefined;
    });
    expect(Date.parse(retrying.scheduledAt)).toBeGreaterThanOrEqual((scheduled.get('always-slow')?.[0]?.failedAt as number) + 30_000);
    const [row] = await t.database.execute<{ boss_job_id: string }>('select boss_job_id::text as boss_job_id from job_runs where id = $1', [id]);
    expect(row?.boss_job_id).not.toBe(id);
    expect((await cancelJobRun(ctx(), queue, id)).status).toBe('cancelled');
    const jobs = await bossJobsOf(id);
    expect(jobs.map((j) => [j.id === row?.boss_job_id, j.state])).toEqual([
      [false, 'completed'],
      [true, 'cancelled'],
    ]);
    expect((await retryJobRun(ctx(), queue, id)).status).toBe('queued');
    await until(async () => ((await getJobRun(ctx(), id)).job.attempts === 2 ? true : undefined));
    await waitStatus(id, 'retrying');
    await cancelJobRun(ctx(), queue, id);
  });

  it('retry schedule: a run cancelled during its failing attempt gets no next job; pg-boss retries the job and it is skipped', async () => {
    const id = await queue.enqueue('ops.scheduled', { key: 'cancelme-1' }, { orgId });
    await until(async () => {
      const [job] = await bossJobsOf(id);
      return job?.state === 'completed' && job.retry_count === 1 ? true : undefined;
    });
    expect(scheduled.get('cancelme-1')?.map((s) => s.attempt)).toEqual([1]);
    expect((await bossJobsOf(id)).map((j) => j.output)).toEqual([{ skipped: 'cancelled' }]);
    expect((await getJobRun(ctx(), id)).job).toMatchObject({ status: 'cancelled', attempts: 1 });
  });

  it('retry schedule in a batched fetch: the failing run alone is retried at its delay', async () => {
    const keys = ['ok-b1', 'fail-b2', 'ok-b3'];
    const ids = await queue.enqueueMany(
      'ops.scheduled-batch',
      keys.map((key) => ({ key })),
      { orgId, startAfter: Date.now() + 700 },
    );
    for (const id of ids) await waitStatus(id, 'completed');
    expectGaps('fail-b2', [1]);
    expect(scheduled.get('ok-b1')?.map((s) => s.attempt)).toEqual([1]);
    const failed = await getJobRun(ctx(), ids[1] as string);
    expect(failed.job).toMatchObject({ status: 'completed', attempts: 2, lastError: null });
    expect(failed.job.startedAt).not.toBeNull();
    expect(failed.logs.map((l) => l.message)).toEqual([expect.stringMatching(/^attempt 1 failed; retrying at /)]);
  });

  it('singleton key: a second job with the same key while one is queued is a conflict, with no run row', async () => {
    const before = (await listJobRuns(ctx(), { limit: 100, type: ['ops.single'] })).jobs.length;
    await queue.enqueue('ops.single', { key: 'k' }, { orgId });
    await expect(queue.enqueue('ops.single', { key: 'k' }, { orgId })).rejects.toMatchObject({ code: 'CONFLICT' });
    expect((await listJobRuns(ctx(), { limit: 100, type: ['ops.single'] })).jobs.length).toBe(before + 1);
  });

  it('per-store concurrency: at most one run per store at a time, stores in parallel', async () => {
    const storeA = '0190a0a0-0000-7000-8000-00000000000a';
    const storeB = '0190a0a0-0000-7000-8000-00000000000b';
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push(await queue.enqueue('ops.store', { ms: 300 }, { orgId, storeId: storeA }));
      ids.push(await queue.enqueue('ops.store', { ms: 300 }, { orgId, storeId: storeB }));
    }
    for (const id of ids) await waitStatus(id, 'completed');
    expect(storeMaxParallel).toBe(1);
    expect((await listJobRuns(ctx(), { limit: 10, storeId: storeA })).jobs).toHaveLength(3);
  });

  it('reconciles a run whose worker died mid-attempt (its lease expired in pg-boss, no hook ran)', async () => {
    const id = await queue.enqueue('ops.flaky', { key: 'lease-1' }, { orgId, startAfter: Date.now() + 3600_000 });
    const later = new Date(Date.now() + 120_000);
    // What a SIGKILLed worker leaves behind: the run says running, pg-boss expired the last attempt into failed.
    await t.database.execute("update job_runs set status = 'running', attempts = 1, started_at = now() where id = $1", [id]);
    await t.database.execute("update pgboss.job set state = 'failed' where id = $1", [id]);
    expect(await reconcileRuns(t.database.db, queue, new Date(Date.now() - 60_000))).toBe(0);
    expect(await reconcileRuns(t.database.db, queue, later)).toBe(1);
    const { job, logs } = await getJobRun(ctx(), id);
    expect(job).toMatchObject({ status: 'dead', lastError: 'lease expired: the worker stopped during the attempt' });
    expect(logs.at(-1)?.message).toContain('lease expired');
    expect(await reconcileRuns(t.database.db, queue, later)).toBe(0);
    // A run whose job is waiting for its retry becomes retrying.
    const id2 = await queue.enqueue('ops.flaky', { key: 'lease-2' }, { orgId, startAfter: Date.now() + 3600_000 });
    await t.database.execute("update job_runs set status = 'running', attempts = 1, started_at = now() where id = $1", [id2]);
    await t.database.execute("update pgboss.job set state = 'retry' where id = $1", [id2]);
    expect(await reconcileRuns(t.database.db, queue, later)).toBe(1);
    expect((await getJobRun(ctx(), id2)).job.status).toBe('retrying');
    await cancelJobRun(ctx(), queue, id2);
  });

  it('lists with filters and cursor paging; stats per type; queue depth; prune keeps recent runs', async () => {
    const page1 = await listJobRuns(ctx(), { limit: 2 });
    expect(page1.jobs).toHaveLength(2);
    expect(page1.nextCursor).not.toBeNull();
    const page2 = await listJobRuns(ctx(), { limit: 2, cursor: page1.nextCursor as string });
    expect(page2.jobs.map((j) => j.id)).not.toContain(page1.jobs[0]?.id);
    expect((page1.jobs[1]?.createdAt ?? '') >= (page2.jobs[0]?.createdAt ?? '')).toBe(true);
    await expect(listJobRuns(ctx(), { limit: 2, cursor: 'garbage' })).rejects.toMatchObject({ code: 'VALIDATION' });
    const completed = await listJobRuns(ctx(), { limit: 100, status: ['completed'], type: ['ops.ok'] });
    expect(completed.jobs.every((j) => j.status === 'completed' && j.type === 'ops.ok')).toBe(true);
    const future = await listJobRuns(ctx(), { limit: 100, from: new Date(Date.now() + 3600_000).toISOString() });
    expect(future.jobs).toEqual([]);

    doomed.add('d3');
    await waitStatus(await queue.enqueue('ops.doomed', { key: 'd3' }, { orgId }), 'dead');
    const stats = await jobStats({ ...ctx(), now: new Date() }, 24);
    const ok = stats.types.find((s) => s.type === 'ops.ok');
    expect(ok?.completed).toBeGreaterThanOrEqual(3);
    expect(ok?.failureRate).toBe(0);
    const doomedStats = stats.types.find((s) => s.type === 'ops.doomed');
    expect(doomedStats?.failed).toBeGreaterThanOrEqual(1);
    expect(doomedStats?.failureRate).toBeGreaterThan(0);

    await queue.enqueue('ops.ok', { n: 5 }, { orgId, startAfter: Date.now() + 3600_000 });
    const depth = await queueDepthByType(t.database.db);
    expect(depth.find((d) => d.type === 'ops.ok')?.depth).toBeGreaterThanOrEqual(1);

    const total = async () =>
      (await t.database.execute<{ n: number }>("select count(*)::int as n from job_runs where status in ('completed', 'cancelled')"))[0]?.n ?? 0;
    const before = await total();
    expect(await pruneJobRuns(t.database.db, 1)).toBe(0);
    expect(await total()).toBe(before);
    expect(await pruneJobRuns(t.database.db, 1, new Date(Date.now() + 2 * 86_400_000))).toBe(before);
    expect(await t.database.execute("select 1 from job_logs l join job_runs r on r.id = l.run_id where r.status = 'completed'")).toEqual([]);
  });
});
