import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CrashWorker, killHard, startCrashWorker } from '../../../test/helpers/crash-workers.ts';
import { seedOrg } from '../../../test/helpers/ctx.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/database.ts';
import { planWatchdogOptions } from '../../../test/helpers/plan-watchdog.ts';
import { repoRoot } from '../../../test/helpers/server.ts';
import { silentLog } from '../../../test/helpers/template.ts';
import { jobCatalog } from '../../contracts/jobs.ts';
import type { Ctx } from '../../db/context.ts';
import { createJobQueue, type JobQueue } from '../../queue/job-queue.ts';
import { runWatchdogTick } from '../operations/index.ts';
import { analyzePlan, decidePlan, getPlan, phase1Tasks, uploadPlan } from './index.ts';

const fixture = join(repoRoot, 'test', 'fixtures', 'plans', 'report.csv');
const workerScript = join(repoRoot, 'test', 'fixtures', 'plans-worker.ts');

/**
 * A worker process killed with SIGKILL in the middle of creating a plan's Phase 1 tasks (PostgreSQL: two processes).
 * A trigger slows each plan task insert so the kill lands after some tasks and before the rest. The job's 20 s lease
 * expires, the watchdog fails it over, a second worker retries it: every Phase 1 task exists exactly once.
 */
describe.skipIf(!process.env.TEST_DATABASE_URL)('analysis plans: a worker killed during Phase 1 task creation', () => {
  let t: TestDatabase;
  let owner: Ctx;
  let queue: JobQueue<typeof jobCatalog>;
  const workers: CrashWorker[] = [];

  beforeAll(async () => {
    t = await createTestDatabase();
    owner = (await seedOrg(t.database, ['owner'])).members.owner?.ctx as Ctx;
    // This process only enqueues and watches; the workers are the child processes.
    queue = createJobQueue({ database: t.database, catalog: jobCatalog, log: silentLog, pollingSeconds: 0.5 });
    await queue.start();
  });
  afterAll(async () => {
    for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) await killHard(w);
    await queue?.stop(1000);
    await t?.close();
  });

  it('kill -9 after some tasks: the watchdog fails the job over, a live worker finishes, each task exactly once', async () => {
    const { readFileSync } = await import('node:fs');
    const fresh = (): Ctx => ({ ...owner, now: new Date() });
    const { planId } = await uploadPlan(fresh(), async () => 'inline', {
      fileName: 'report.csv',
      mimeType: 'text/csv',
      content: readFileSync(fixture),
      channels: ['shopee'],
    });
    await analyzePlan(t.database.db, { log: silentLog }, { orgId: owner.orgId, planId }, { id: 'inline', name: 'plans.analyze', attempt: 1 });
    const plan = await getPlan(owner, planId);
    const wanted = phase1Tasks({ id: planId, fileName: plan.fileName, channels: plan.channels, planData: plan.planData }).map((w) => w.input.title);
    expect(wanted.length).toBeGreaterThanOrEqual(4);
    await t.database.execute(`
      create function slow_plan_tasks() returns trigger language plpgsql as $$
      begin
        if new.metadata->>'source' = 'analysis-plan' then perform pg_sleep(0.5); end if;
        return new;
      end $$;
      create trigger slow_plan_tasks before insert on marketplace_tasks for each row execute function slow_plan_tasks();`);

    const first = startCrashWorker(t.url as string, 20, workerScript);
    workers.push(first);
    await first.ready;
    await decidePlan(fresh(), (tx, name, payload) => queue.enqueue(name, payload, { tx, orgId: payload.orgId }), planId, { action: 'approve' });
    const count = async () =>
      Number((await t.database.execute<{ n: number }>(`select count(*)::int as n from marketplace_tasks where metadata->>'planId' = $1`, [planId]))[0]?.n);
    const deadline = Date.now() + 30_000;
    while ((await count()) < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await killHard(first);
    const killedAt = Date.now();
    const before = await count();
    expect(before).toBeGreaterThanOrEqual(2);
    expect(before).toBeLessThan(wanted.length);
    expect((await getPlan(owner, planId)).status).toBe('creating_tasks');

    const second = startCrashWorker(t.url as string, 20, workerScript);
    workers.push(second);
    await second.ready;
    // The watchdog as the worker processes run it (every 2 s here, every NEXO_WATCHDOG_INTERVAL_SECONDS in Nexo).
    const options = planWatchdogOptions(t.database.db, queue);
    const recoverBy = Date.now() + 60_000;
    while ((await getPlan(owner, planId)).status !== 'tasks_created' && Date.now() < recoverBy) {
      await runWatchdogTick(t.database.db, options, new Date());
      await new Promise((r) => setTimeout(r, 2000));
    }
    const recoveredInMs = Date.now() - killedAt;
    const final = await getPlan(owner, planId);
    expect(final.status).toBe('tasks_created');
    const titles = (await t.database.execute<{ title: string }>(`select title from marketplace_tasks where metadata->>'planId' = $1`, [planId])).map(
      (r) => r.title,
    );
    expect(titles.sort()).toEqual([...wanted].sort());
    expect(final.taskIds.length).toBe(wanted.length);
    expect(final.history.some((h) => h.status === 'tasks_created')).toBe(true);
    // Lease (20 s) + one watchdog tick + the retry's own run: seed 002's "recovery < 30 s".
    expect(recoveredInMs).toBeLessThan(30_000 + wanted.length * 500);
  }, 120_000);
});
