import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/database.ts';
import { silentLog } from '../../test/helpers/template.ts';
import { defineJob } from '../contracts/jobs.ts';
import { sleep } from '../lib/sleep.ts';
import { createJobQueue, type JobQueue } from './job-queue.ts';

const catalog = {
  'test.burst': defineJob('test.burst', 'does nothing', z.strictObject({ seq: z.number().int() }), { retryLimit: 0, concurrency: 2, scope: 'system' }),
};
const JOBS = 40;

describe('job queue throughput', () => {
  let t: TestDatabase;
  let queue: JobQueue<typeof catalog>;

  beforeAll(async () => {
    t = await createTestDatabase();
    queue = createJobQueue({ database: t.database, catalog, log: silentLog, pollingSeconds: 0.5 });
    await queue.start();
  });
  afterAll(async () => {
    await queue.stop(0);
    await t.close();
  });

  it('drains a backlog without waiting a polling interval between jobs', async () => {
    for (let seq = 0; seq < JOBS; seq++) await queue.enqueue('test.burst', { seq });
    const done = new Set<number>();
    const started = performance.now();
    await queue.work('test.burst', async ({ seq }) => {
      done.add(seq);
    });
    while (done.size < JOBS && performance.now() - started < 20_000) await sleep(20);
    const seconds = (performance.now() - started) / 1000;
    expect(done.size).toBe(JOBS);
    // Waiting 0.5 s after each job, 2 slots would need at least (40 / 2 - 1) x 0.5 = 9.5 s.
    expect(seconds).toBeLessThan(5);
  });
});
