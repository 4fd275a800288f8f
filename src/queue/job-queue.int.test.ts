import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/database.ts';
import { silentLog } from '../../test/helpers/template.ts';
import { defineJob } from '../contracts/jobs.ts';
import { withTransaction } from '../db/transaction.ts';
import { AppError } from '../lib/errors.ts';
import { createMetrics } from '../lib/metrics.ts';
import { sleep } from '../lib/sleep.ts';
import { createJobQueue, type JobQueue } from './job-queue.ts';

const testCatalog = {
  'test.echo': defineJob('test.echo', 'records its payload', z.strictObject({ value: z.number().int() }), { retryLimit: 0, scope: 'system' }),
  'test.flaky': defineJob('test.flaky', 'fails twice then succeeds', z.strictObject({ key: z.string() }), {
    retryLimit: 3,
    retryDelaySeconds: 1,
    retryBackoff: false,
    scope: 'system',
  }),
  'test.doomed': defineJob('test.doomed', 'always fails', z.strictObject({}), { retryLimit: 1, retryDelaySeconds: 1, retryBackoff: false, scope: 'system' }),
  'test.slow': defineJob('test.slow', 'takes a while', z.strictObject({ ms: z.number() }), { retryLimit: 0, scope: 'system' }),
  'test.batched': defineJob('test.batched', 'fetched in batches; "fail" keys fail their first attempt', z.strictObject({ key: z.string() }), {
    retryLimit: 1,
    retryDelaySeconds: 1,
    retryBackoff: false,
    concurrency: 1,
    batchSize: 10,
    scope: 'system',
  }),
};

async function until<T>(probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(50);
  }
}

describe('job queue', () => {
  let t: TestDatabase;
  let queue: JobQueue<typeof testCatalog>;
  const metrics = createMetrics();
  const echoed: number[] = [];
  const flakyAttempts = new Map<string, number>();
  let doomedAttempts = 0;
  const batchedRuns: string[] = [];
  const jobState = async (id: string) => (await t.database.execute<{ state: string }>('select state from pgboss.job where id = $1', [id]))[0]?.state;

  beforeAll(async () => {
    t = await createTestDatabase();
    queue = createJobQueue({ database: t.database, catalog: testCatalog, log: silentLog, metrics, pollingSeconds: 0.5 });
    await queue.start();
    await queue.work('test.echo', async ({ value }) => {
      echoed.push(value);
      return { doubled: value * 2 };
    });
    await queue.work('test.flaky', async ({ key }, job) => {
      flakyAttempts.set(key, job.attempt);
      if (job.attempt < 3) throw new Error(`transient failure ${job.attempt}`);
    });
    await queue.work('test.doomed', async () => {
      doomedAttempts++;
      throw new Error('permanent failure');
    });
    await queue.work('test.slow', async ({ ms }) => sleep(ms));
    await queue.work('test.batched', async ({ key }, job) => {
      batchedRuns.push(`${key}#${job.attempt}`);
      if (key.startsWith('fail') && job.attempt === 1) throw new Error(`${key} failed`);
      return { key };
    });
  });

  afterAll(async () => {
    await queue.stop(0).catch(() => undefined);
    await t.close();
  });

  it('runs an enqueued job with its parsed payload', async () => {
    const id = await queue.enqueue('test.echo', { value: 21 });
    await until(() => echoed.includes(21));
    expect(await until(async () => ((await jobState(id)) === 'completed' ? 'completed' : undefined))).toBe('completed');
  });

  it('rejects an invalid payload at enqueue, creating no job', async () => {
    const before = (await t.database.execute<{ n: number }>("select count(*)::int as n from pgboss.job where name = 'test.echo'"))[0]?.n;
    await expect(queue.enqueue('test.echo', { value: 'x' } as never)).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(queue.enqueue('test.echo', { value: 1, extra: true } as never)).rejects.toBeInstanceOf(AppError);
    await expect(queue.enqueue('nope' as never, {} as never)).rejects.toMatchObject({ code: 'VALIDATION' });
    const after = (await t.database.execute<{ n: number }>("select count(*)::int as n from pgboss.job where name = 'test.echo'"))[0]?.n;
    expect(after).toBe(before);
  });

  it('enqueues inside a transaction: the job exists if and only if it commits', async () => {
    const committed = await withTransaction(t.database.db, (tx) => queue.enqueue('test.echo', { value: 1001 }, { tx }));
    let rolledBackId: string | undefined;
    await expect(
      withTransaction(t.database.db, async (tx) => {
        rolledBackId = await queue.enqueue('test.echo', { value: 1002 }, { tx });
        await tx.execute(sql`select 1`);
        throw new Error('business change failed');
      }),
    ).rejects.toThrow('business change failed');
    await until(() => echoed.includes(1001));
    expect(await jobState(committed)).toBeDefined();
    expect(rolledBackId).toBeDefined();
    expect(await jobState(rolledBackId as string)).toBeUndefined();
    await sleep(1200);
    expect(echoed).not.toContain(1002);
  });

  it('enqueueMany: one insert for many jobs; all or nothing on an invalid payload; in a transaction only if it commits', async () => {
    const count = async () => (await t.database.execute<{ n: number }>("select count(*)::int as n from pgboss.job where name = 'test.echo'"))[0]?.n;
    const before = await count();
    await expect(queue.enqueueMany('test.echo', [{ value: 2001 }, { value: 'x' } as never])).rejects.toMatchObject({
      code: 'VALIDATION',
      details: { index: 1 },
    });
    expect(await count()).toBe(before);
    let rolledBack: string[] = [];
    await expect(
      withTransaction(t.database.db, async (tx) => {
        rolledBack = await queue.enqueueMany('test.echo', [{ value: 2002 }, { value: 2003 }], { tx });
        throw new Error('business change failed');
      }),
    ).rejects.toThrow('business change failed');
    expect(rolledBack).toHaveLength(2);
    const ids = await withTransaction(t.database.db, (tx) => queue.enqueueMany('test.echo', [{ value: 2004 }, { value: 2005 }, { value: 2006 }], { tx }));
    expect(ids).toHaveLength(3);
    expect(new Set(ids).size).toBe(3);
    await until(() => [2004, 2005, 2006].every((v) => echoed.includes(v)));
    for (const id of ids) expect(await until(async () => ((await jobState(id)) === 'completed' ? true : undefined))).toBe(true);
    for (const id of rolledBack) expect(await jobState(id)).toBeUndefined();
    expect(await queue.enqueueMany('test.echo', [])).toEqual([]);
    await sleep(600);
    expect(echoed).not.toContain(2002);
    expect(echoed).not.toContain(2003);
  });

  it('batched fetch: each job of a batch is settled on its own, only the failing one retries', async () => {
    const keys = Array.from({ length: 8 }, (_, i) => (i === 3 ? 'fail-3' : `ok-${i}`));
    // Queued before they are due, so one fetch takes them together.
    const ids = await queue.enqueueMany(
      'test.batched',
      keys.map((key) => ({ key })),
      { startAfter: Date.now() + 700 },
    );
    for (const id of ids) expect(await until(async () => ((await jobState(id)) === 'completed' ? true : undefined))).toBe(true);
    expect(batchedRuns.filter((r) => r.startsWith('ok-')).sort()).toEqual(keys.filter((k) => k.startsWith('ok-')).map((k) => `${k}#1`));
    expect(batchedRuns.filter((r) => r.startsWith('fail-'))).toEqual(['fail-3#1', 'fail-3#2']);
    const started = await t.database.execute<{ n: number }>(
      'select count(distinct started_on)::int as n from pgboss.job where id = any($1::uuid[]) and retry_count = 0',
      [ids.filter((_, i) => i !== 3)],
    );
    expect(started[0]?.n).toBeLessThanOrEqual(2);
    const output = await t.database.execute<{ output: { key: string } }>('select output from pgboss.job where id = $1', [ids[0]]);
    expect(output[0]?.output).toEqual({ key: 'ok-0' });
  });

  it('retries a throwing handler per its policy until it succeeds, without crashing anything', async () => {
    const id = await queue.enqueue('test.flaky', { key: 'a' });
    await until(async () => ((await jobState(id)) === 'completed' ? true : undefined));
    expect(flakyAttempts.get('a')).toBe(3);
  });

  it('moves a job that exhausts its retries to the dead-letter queue', async () => {
    const id = await queue.enqueue('test.doomed', {});
    await until(async () => ((await jobState(id)) === 'failed' ? true : undefined));
    expect(doomedAttempts).toBe(2);
    doomedAttempts = 0;
    const dead = await until(async () => {
      const rows = await t.database.execute<{ id: string }>("select id from pgboss.job where name = 'test.doomed.dead'");
      return rows.length > 0 ? rows : undefined;
    });
    expect(dead).toHaveLength(1);
  });

  it('cancels a queued job', async () => {
    const id = await queue.enqueue('test.echo', { value: 4242 }, { startAfter: Date.now() + 60_000 });
    await queue.cancel('test.echo', id);
    expect(await jobState(id)).toBe('cancelled');
  });

  it('retries a failed job by hand', async () => {
    const id = await queue.enqueue('test.doomed', {});
    await until(async () => ((await jobState(id)) === 'failed' ? true : undefined));
    const attemptsBefore = doomedAttempts;
    await queue.retry('test.doomed', id);
    await until(() => (doomedAttempts > attemptsBefore ? true : undefined));
  });

  it('registers a cron schedule in a time zone', async () => {
    await queue.schedule('test.echo', '0 3 * * *', { value: 3 }, { tz: 'America/Sao_Paulo' });
    const schedules = await queue.boss.getSchedules('test.echo');
    expect(schedules).toEqual([expect.objectContaining({ name: 'test.echo', cron: '0 3 * * *', timezone: 'America/Sao_Paulo' })]);
  });

  it('counts job outcomes in Prometheus metrics', async () => {
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/nexo_jobs_processed_total\{name="test.flaky",outcome="retried"\} 2/);
    expect(text).toMatch(/nexo_jobs_processed_total\{name="test.flaky",outcome="completed"\} 1/);
  });

  it('graceful stop lets an in-flight job finish', async () => {
    const id = await queue.enqueue('test.slow', { ms: 1500 });
    await until(async () => ((await jobState(id)) === 'active' ? true : undefined));
    await queue.stop(10_000);
    expect(await jobState(id)).toBe('completed');
  });
});
