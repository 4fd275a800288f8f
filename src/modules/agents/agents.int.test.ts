import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedOrg } from '../../../test/helpers/ctx.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/database.ts';
import { syncedEmulatorStores, testStoreLimits } from '../../../test/helpers/emulator-stores.ts';
import { silentLog } from '../../../test/helpers/template.ts';
import { selectRows } from '../../db/client.ts';
import type { Ctx } from '../../db/context.ts';
import { createEmulator, type Emulator } from '../../emulator/emulator.ts';
import type { StoreLimits } from '../stores/index.ts';
import { approveTasks, createTask } from '../tasks/index.ts';
import { agentCtx } from './agent-runs.service.ts';
import { type AgentRunDeps, getAgent, initializeDailyTasks, listAgents, rankedImpact, runAgent, updateAgent } from './index.ts';

const noScheduler = {
  schedule: async () => {},
  unschedule: async () => {},
  validateCron: () => [new Date()],
};

interface TaskRowLite {
  id: string;
  status: string;
  created_by: string;
  marketplace: string;
  dedupe_key: string;
  metadata: { ruleId: string; runId: string; subject: { storeId: string; listingId?: string; productId?: string }; evidence: Record<string, unknown> };
}

/** Agent runs over emulator stores synced into Nexo: tasks point at real rows, never twice, within caps and cooldowns. */
describe('marketplace agents', () => {
  let t: TestDatabase;
  let emulator: Emulator;
  let limits: StoreLimits;
  let owner: Ctx;
  let deps: AgentRunDeps;
  let stores: Partial<Record<'shopee' | 'tiktokshop' | 'mercadolivre', string>>;

  const tasksOf = (orgId: string, agentId: string) =>
    selectRows<TaskRowLite>(
      t.database.db,
      sql`select id, status, created_by, marketplace, dedupe_key, metadata from marketplace_tasks where org_id = ${orgId} and created_by = ${agentId} order by created_at, id`,
    );

  beforeAll(async () => {
    t = await createTestDatabase();
    emulator = createEmulator({ seed: 'agents-int' });
    await emulator.listen(0, '127.0.0.1');
    limits = testStoreLimits();
    owner = (await seedOrg(t.database, ['owner'])).members.owner?.ctx as Ctx;
    deps = { db: t.database.db, log: silentLog };
    stores = await syncedEmulatorStores(owner, emulator, limits, ['shopee', 'tiktokshop', 'mercadolivre'], { products: 16, orders: 10 });
  }, 120_000);
  afterAll(async () => {
    limits?.shutdown();
    await emulator?.close();
    await t?.close();
  });

  it('creates tasks awaiting approval that point at the synced rows, and none twice on the next run', async () => {
    const first = await runAgent(deps, owner.orgId, 'marketplace-shopee', { trigger: 'manual' });
    expect(first).toMatchObject({ status: 'succeeded', error: null });
    expect(first.proposalsFound).toBeGreaterThan(0);
    expect(first.tasksCreated).toBeGreaterThan(0);
    const tasks = await tasksOf(owner.orgId, 'marketplace-shopee');
    expect(tasks).toHaveLength(first.tasksCreated);
    for (const task of tasks) {
      expect(task).toMatchObject({ status: 'awaiting_approval', marketplace: 'shopee' });
      expect(task.metadata.runId).toBe(first.runId);
      expect(task.metadata.ruleId).toMatch(/^shopee\./);
      expect(task.dedupe_key.startsWith(task.metadata.ruleId)).toBe(true);
      expect(task.metadata.subject.storeId).toBe(stores.shopee);
      if (task.metadata.subject.listingId) {
        const [row] = await selectRows<{ n: number }>(
          t.database.db,
          sql`select count(*)::int as n from listings where id = ${task.metadata.subject.listingId} and org_id = ${owner.orgId} and store_id = ${stores.shopee}`,
        );
        expect(row?.n).toBe(1);
      }
    }
    const second = await runAgent(deps, owner.orgId, 'marketplace-shopee', { trigger: 'manual' });
    expect(second).toMatchObject({ status: 'succeeded', tasksCreated: 0 });
    expect(second.skipped.duplicate).toBeGreaterThanOrEqual(first.tasksCreated);
    expect(await tasksOf(owner.orgId, 'marketplace-shopee')).toHaveLength(first.tasksCreated);

    const detail = await getAgent(owner, 'marketplace-shopee');
    expect(detail.recentRuns).toHaveLength(2);
    expect(detail.rules.some((r) => r.hits > 0)).toBe(true);
    expect(detail.metrics.proposed).toBe(first.tasksCreated);
  });

  it('does not propose a rejected task again within 30 days, and does after', async () => {
    const [task] = await tasksOf(owner.orgId, 'marketplace-shopee');
    if (!task) throw new Error('no task');
    await approveTasks(owner, { taskIds: [task.id], approved: false, reason: 'not now' } as never);
    const again = await runAgent(deps, owner.orgId, 'marketplace-shopee', { trigger: 'manual' });
    expect(again.tasksCreated).toBe(0);
    expect(again.skipped.rejectedRecently).toBe(1);
    const later = await runAgent(deps, owner.orgId, 'marketplace-shopee', { trigger: 'manual', now: new Date(Date.now() + 31 * 86_400_000) });
    expect(later.tasksCreated).toBeGreaterThan(0);
    const tasks = await tasksOf(owner.orgId, 'marketplace-shopee');
    expect(tasks.filter((x) => x.dedupe_key === task.dedupe_key).map((x) => x.status)).toEqual(['rejected', 'awaiting_approval']);
  });

  it('stops at the daily cap, counting what it created earlier that day', async () => {
    await updateAgent(owner, noScheduler, 'marketplace-tiktokshop', { settings: { dailyCap: 2 } });
    const first = await runAgent(deps, owner.orgId, 'marketplace-tiktokshop', { trigger: 'manual' });
    expect(first.tasksCreated).toBe(2);
    expect(first.skipped.overCap).toBeGreaterThan(0);
    const second = await runAgent(deps, owner.orgId, 'marketplace-tiktokshop', { trigger: 'manual' });
    expect(second.tasksCreated).toBe(0);
    expect(second.skipped.overCap).toBe(first.skipped.overCap);
  });

  it('down-ranks a rule the org rejected more than twice', () => {
    expect(rankedImpact(80, 2)).toBe(80);
    expect(rankedImpact(80, 3)).toBe(40);
    expect(rankedImpact(80, 5)).toBe(10);
  });

  it('keeps running the other agents when one fails, records every run, and finds cross-channel opportunities', async () => {
    const { org, members } = await seedOrg(t.database, ['owner']);
    const ctx = members.owner?.ctx as Ctx;
    const ids = await syncedEmulatorStores(ctx, emulator, limits, ['shopee', 'tiktokshop'], { products: 10, orders: 6 }, 'second');
    // The same SKU sold on both channels: a listing flagged on each.
    const first = await runAgent(deps, org.id, 'marketplace-shopee', { trigger: 'manual' });
    const flagged = await tasksOf(org.id, 'marketplace-shopee');
    const withSku = flagged.find((x) => typeof x.metadata.evidence.sku === 'string');
    expect(first.status).toBe('succeeded');
    if (!withSku) throw new Error('no SKU-level task on shopee');
    const sku = withSku.metadata.evidence.sku as string;
    await t.database.db.execute(sql`update marketplace_tasks set status = 'rejected', approved_at = now() - interval '40 days' where org_id = ${org.id}`);
    // TikTok Shop sells that same variant (Nexo unifies variants by SKU across stores): its listings point at it.
    await t.database.db.execute(
      sql`update listings set variant_id = ${withSku.metadata.evidence.variantId as string} where org_id = ${org.id} and store_id = ${ids.tiktokshop}`,
    );
    // Mercado Livre's agent is broken (its stored knowledge is not a knowledge base).
    await t.database.db.execute(
      sql`update agents set knowledge = '{"thresholds": "broken"}'::jsonb where org_id = ${org.id} and agent_id = 'marketplace-mercadolivre'`,
    );

    const summary = await initializeDailyTasks(deps, org.id, { trigger: 'manual' });
    const byAgent = new Map(summary.runs.map((r) => [r.agentId, r]));
    expect(byAgent.get('marketplace-mercadolivre')).toMatchObject({ status: 'failed' });
    expect(byAgent.get('marketplace-shopee')).toMatchObject({ status: 'succeeded' });
    expect(byAgent.get('marketplace-tiktokshop')).toMatchObject({ status: 'succeeded' });
    expect(byAgent.get('marketplace-master')).toMatchObject({ status: 'succeeded' });
    expect(summary.runs).toHaveLength(7);
    expect(summary.failed).toBe(1);

    const master = await tasksOf(org.id, 'marketplace-master');
    const cross = master.find((x) => x.dedupe_key === `master.cross-channel:sku:${sku}`);
    if (!cross) throw new Error('no cross-channel master task');
    expect(cross.status).toBe('awaiting_approval');
    const channels = (cross.metadata.evidence.channels as Array<{ marketplace: string }>).map((c) => c.marketplace).sort();
    expect(channels).toEqual(['shopee', 'tiktokshop']);
    expect(['shopee', 'tiktokshop']).toContain(cross.marketplace);

    const list = await listAgents(ctx);
    expect(list.find((a) => a.id === 'marketplace-mercadolivre')?.lastRun).toMatchObject({ status: 'failed' });
    expect(list.find((a) => a.id === 'marketplace-master')?.lastRun).toMatchObject({ status: 'succeeded' });

    // Approvers were told once about the batch (one unread notification, merged).
    const notes = await selectRows<{ n: number }>(
      t.database.db,
      sql`select count(*)::int as n from notifications where org_id = ${org.id} and kind = 'tasks.awaiting_approval' and read_at is null`,
    );
    expect(notes[0]?.n).toBe(1);
  });

  it('acts as the agent itself: a channel agent cannot create a task for another marketplace', async () => {
    const ctx = agentCtx(t.database.db, silentLog, owner.orgId, 'marketplace-shopee', new Date());
    const input = {
      marketplace: 'amazon',
      title: 'x',
      description: 'y',
      category: 'optimization',
      priority: 'low',
      estimatedHours: 1,
      createdBy: 'marketplace-shopee',
    } as const;
    await expect(createTask(ctx, input)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const master = agentCtx(t.database.db, silentLog, owner.orgId, 'marketplace-master', new Date());
    await expect(createTask(master, { ...input, createdBy: 'marketplace-master', title: 'master may' })).resolves.toMatchObject({ marketplace: 'amazon' });
  });

  it('records a second concurrent run of the same agent as skipped', async () => {
    const [a, b] = await Promise.all([
      runAgent(deps, owner.orgId, 'marketplace-mercadolivre', { trigger: 'manual' }),
      runAgent(deps, owner.orgId, 'marketplace-mercadolivre', { trigger: 'manual' }),
    ]);
    expect([a.status, b.status].sort()).toEqual(['skipped', 'succeeded']);
  });
});
