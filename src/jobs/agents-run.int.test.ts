import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedOrg } from '../../test/helpers/ctx.ts';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/database.ts';
import { silentLog } from '../../test/helpers/template.ts';
import { jobCatalog } from '../contracts/jobs.ts';
import type { Ctx } from '../db/context.ts';
import { agentSchedulerFor, listAgentRuns, syncAgentSchedules, updateAgent } from '../modules/agents/index.ts';
import { createJobQueue, type JobQueue } from '../queue/job-queue.ts';
import { agentsDailyJob, agentsRunJob } from './agents-run.job.ts';

/** `agents.run` and `agents.daily` through the real queue, and an agent's own cron registered with the engine. */
describe('agents jobs', () => {
  let t: TestDatabase;
  let ctx: Ctx;
  let queue: JobQueue<typeof jobCatalog>;

  beforeAll(async () => {
    t = await createTestDatabase();
    ctx = (await seedOrg(t.database, ['owner'])).members.owner?.ctx as Ctx;
    queue = createJobQueue({ database: t.database, catalog: jobCatalog, log: silentLog });
    await queue.start();
    const deps = { db: t.database.db, log: silentLog };
    await queue.work('agents.run', agentsRunJob(deps));
    await queue.work('agents.daily', agentsDailyJob(deps));
  });
  afterAll(async () => {
    await queue?.stop(0);
    await t?.close();
  });

  const waitForRun = async (agentId: string, count: number) => {
    for (const deadline = Date.now() + 30_000; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 100))) {
      const runs = await listAgentRuns(ctx, agentId, 50);
      if (runs.filter((r) => r.status !== 'running').length >= count) return runs;
    }
    throw new Error(`no finished run of ${agentId}`);
  };

  it('runs one agent (agents.run) and every agent (agents.daily), each run recorded', async () => {
    await queue.enqueue('agents.run', { agentId: 'marketplace-kaway', trigger: 'manual' }, { orgId: ctx.orgId });
    expect((await waitForRun('marketplace-kaway', 1))[0]).toMatchObject({ trigger: 'manual', status: 'succeeded', tasksCreated: 0 });
    await queue.enqueue('agents.daily', { trigger: 'schedule' }, { orgId: ctx.orgId });
    const master = await waitForRun('marketplace-master', 1);
    expect(master[0]).toMatchObject({ trigger: 'daily', status: 'succeeded' });
    expect((await waitForRun('marketplace-kaway', 2))[0]).toMatchObject({ trigger: 'daily' });
  });

  it("registers an agent's own cron in the org's time zone, and removes it when set back to the daily run", async () => {
    const scheduler = agentSchedulerFor(queue);
    const key = `${ctx.orgId}/marketplace-shopee`;
    await expect(updateAgent(ctx, scheduler, 'marketplace-shopee', { schedule: '61 * * * *' })).rejects.toMatchObject({ code: 'VALIDATION' });
    const updated = await updateAgent(ctx, scheduler, 'marketplace-shopee', { schedule: '15 5 * * 1-5' });
    expect(updated).toMatchObject({ schedule: '15 5 * * 1-5', effectiveSchedule: '15 5 * * 1-5' });
    let schedules = await queue.boss.getSchedules('agents.run', key);
    expect(schedules).toHaveLength(1);
    expect(schedules[0]).toMatchObject({ cron: '15 5 * * 1-5' });
    expect(JSON.stringify(schedules[0])).toContain('"UTC"');
    await queue.boss.unschedule('agents.run', key);
    expect(await syncAgentSchedules(t.database.db, scheduler, new Map([[ctx.orgId, 'America/Sao_Paulo']]))).toBe(1);
    expect(JSON.stringify((await queue.boss.getSchedules('agents.run', key))[0])).toContain('America/Sao_Paulo');
    const back = await updateAgent(ctx, scheduler, 'marketplace-shopee', { schedule: null });
    expect(back).toMatchObject({ schedule: null, effectiveSchedule: '0 6 * * *' });
    schedules = await queue.boss.getSchedules('agents.run', key);
    expect(schedules).toHaveLength(0);
  });
});
