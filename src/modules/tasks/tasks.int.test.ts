import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedOrg } from '../../../test/helpers/ctx.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/database.ts';
import { silentLog } from '../../../test/helpers/template.ts';
import type { EventMessage } from '../../contracts/system.ts';
import { listTasksQuerySchema } from '../../contracts/tasks.ts';
import type { Ctx } from '../../db/context.ts';
import { createEventBus } from '../../events/event-bus.ts';
import { sleep } from '../../lib/sleep.ts';
import { listAudit, updateOrg } from '../tenancy/index.ts';
import {
  allowedEdges,
  approveTasks,
  assignTask,
  completeTask,
  createTask,
  dailyStats,
  listTasks,
  returnTask,
  statsTrend,
  submitTasks,
  taskMetrics,
  withIdempotency,
} from './index.ts';

const agentCtx = (base: Ctx, agentId: string): Ctx => ({
  ...base,
  actor: { type: 'token', tokenId: `t-${agentId}`, label: agentId, kind: 'agent', agentId, userId: null, role: null },
  permissions: new Set(['tasks.read', 'tasks.create']),
});

let seq = 0;
const draft = (over: Record<string, unknown> = {}) => ({
  marketplace: 'amazon' as const,
  title: `Optimize listing ${++seq}`,
  description: 'Improve the A+ content',
  category: 'optimization' as const,
  priority: 'high' as const,
  estimatedHours: 4,
  createdBy: 'marketplace-amazon',
  ...over,
});

describe('tasks', () => {
  let t: TestDatabase;
  let owner: Ctx;
  let admin: Ctx;
  let operator: Ctx;
  let operatorId: string;
  let amazon: Ctx;

  beforeAll(async () => {
    t = await createTestDatabase();
    const { members } = await seedOrg(t.database, ['owner', 'admin', 'operator', 'viewer']);
    owner = members.owner?.ctx as Ctx;
    admin = members.admin?.ctx as Ctx;
    operator = members.operator?.ctx as Ctx;
    operatorId = members.operator?.id as string;
    amazon = agentCtx(owner, 'marketplace-amazon');
  });
  afterAll(async () => t.close());

  it('creates concurrent tasks in shared transactions, each caller with its own outcome', async () => {
    const titles = Array.from({ length: 40 }, (_, i) => `Concurrent batch task ${i} ${++seq}`);
    const duplicate = titles[3] as string;
    const results = await Promise.allSettled([
      ...titles.map((title, i) => createTask(amazon, draft({ title, submit: i % 2 === 0 }))),
      createTask(amazon, draft({ title: duplicate.toUpperCase() })),
    ]);
    const created = results.filter((r) => r.status === 'fulfilled').map((r) => (r as PromiseFulfilledResult<{ id: string; title: string }>).value);
    const failed = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
    expect(created).toHaveLength(40);
    expect(failed).toHaveLength(1);
    expect(failed[0]?.reason).toMatchObject({ code: 'CONFLICT', details: { existingTaskId: expect.any(String) } });
    expect(new Set(created.map((task) => task.id)).size).toBe(40);
    for (const [i, task] of created.entries()) {
      const audit = await listAudit(owner, { resourceType: 'task', resourceId: task.id, limit: 5 });
      expect(audit.entries.map((e) => e.action).reverse()).toEqual(i % 2 === 0 ? ['task.created', 'task.submitted'] : ['task.created']);
    }
    const listed = await listTasks(owner, listTasksQuerySchema.parse({ q: 'Concurrent batch task', limit: 100 }));
    expect(listed.total).toBe(40);
  });

  it('a batch of plain creates commits tasks, audit entries and task.created events, and NOTIFYs them in one statement', async () => {
    const bus = createEventBus(t.database, silentLog);
    await bus.start();
    const heard: EventMessage[] = [];
    const off = bus.subscribe({ orgId: owner.orgId }, (e) => heard.push(e));
    try {
      const before = await t.database.db.execute(sql`select coalesce(max(id), 0)::text as max from events`);
      const lastId = (before as unknown as { rows: { max: string }[] }).rows[0]?.max ?? '0';
      const shopee = agentCtx(owner, 'marketplace-master');
      const inputs = [
        ...Array.from({ length: 12 }, (_, i) => [amazon, draft({ title: `One statement task ${i} ${++seq}` })] as const),
        // Enough to share one batch whose shopee event (180+ task ids) is over the inline NOTIFY size: it travels by id.
        ...Array.from(
          { length: 190 },
          (_, i) => [shopee, draft({ marketplace: 'shopee', createdBy: 'marketplace-master', title: `One statement shopee task ${i} ${++seq}` })] as const,
        ),
      ];
      const created = await Promise.all(inputs.map(([ctx, input]) => createTask(ctx, input)));
      const audited = await t.database.db.execute(
        sql`select count(*)::int as n from audit_log where action = 'task.created' and resource_id in (select id::text from marketplace_tasks where title like 'One statement %')`,
      );
      expect((audited as unknown as { rows: { n: number }[] }).rows[0]?.n).toBe(created.length);
      expect(created.every((task) => task.status === 'pending')).toBe(true);
      for (const task of created.slice(0, 20)) {
        const audit = await listAudit(owner, { resourceType: 'task', resourceId: task.id, limit: 5 });
        expect(audit.entries.map((e) => [e.action, e.changes])).toEqual([
          ['task.created', { after: { title: task.title, marketplace: task.marketplace, status: 'pending' } }],
        ]);
        expect(audit.entries[0]?.actorLabel).toBe(task.createdBy);
      }
      const stored = await t.database.db.execute(
        sql`select id::text, type, payload from events where id > ${lastId}::bigint and org_id = ${owner.orgId} order by events.id`,
      );
      const rows = (stored as unknown as { rows: { id: string; type: string; payload: { taskIds: string[]; status: string; marketplace: string } }[] }).rows;
      expect(rows.every((r) => r.type === 'task.created' && r.payload.status === 'pending')).toBe(true);
      expect(rows.flatMap((r) => r.payload.taskIds).sort()).toEqual(created.map((task) => task.id).sort());
      expect(Math.max(...rows.map((r) => JSON.stringify(r.payload).length))).toBeGreaterThan(7000);
      const deadline = Date.now() + 5000;
      while (heard.filter((e) => e.type === 'task.created').length < rows.length && Date.now() < deadline) await sleep(20);
      const delivered = heard.filter((e) => e.type === 'task.created' && BigInt(e.id) > BigInt(lastId));
      expect(delivered.map((e) => e.id)).toEqual(rows.map((r) => r.id));
      for (const e of delivered) {
        expect(e.orgId).toBe(owner.orgId);
        expect(Date.parse(e.createdAt)).not.toBeNaN();
        expect(e.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      }
      expect(delivered.map((e) => e.payload)).toEqual(rows.map((r) => r.payload));
    } finally {
      off();
      await bus.stop();
    }
  });

  it('counts matches exactly up to 1,000 and says when the total is capped', async () => {
    await owner.db.execute(sql`
      insert into marketplace_tasks (org_id, marketplace, created_by, title, description, category, priority, status, estimated_hours, dedupe_key)
      select ${owner.orgId}::uuid, 'shein', 'marketplace-shein', 'Capped count task ' || g, 'Bulk row ' || g, 'analysis', 'low', 'pending', 1, md5('cap' || g)
      from generate_series(1, 1005) as g`);
    const capped = await listTasks(owner, listTasksQuerySchema.parse({ marketplace: 'shein', limit: 10 }));
    expect(capped).toMatchObject({ total: 1000, totalCapped: true, count: 10 });
    const exact = await listTasks(owner, listTasksQuerySchema.parse({ marketplace: 'shein', q: 'capped COUNT task 100', limit: 10 }));
    expect(exact).toMatchObject({ total: 7, totalCapped: false }); // 100, 1000-1005
    // A search's pages inside the first 1,000 matches come from the same walk as the total; past it, from a page query of
    // their own: both give the rows of the full list (which pages apart), in order.
    const search = { marketplace: 'shein', q: 'capped count' };
    const all = await listTasks(owner, listTasksQuerySchema.parse({ ...search, limit: 100, offset: 900 }));
    const inside = await listTasks(owner, listTasksQuerySchema.parse({ ...search, limit: 10, offset: 985 }));
    const across = await listTasks(owner, listTasksQuerySchema.parse({ ...search, limit: 10, offset: 995 }));
    expect(inside.tasks.map((t) => t.id)).toEqual(all.tasks.slice(85, 95).map((t) => t.id));
    expect(across.tasks.map((t) => t.id)).toEqual(
      all.tasks
        .slice(95, 100)
        .concat((await listTasks(owner, listTasksQuerySchema.parse({ ...search, limit: 5, offset: 1000 }))).tasks)
        .map((t) => t.id),
    );
    expect([inside.total, across.total]).toEqual([1000, 1000]);
    expect(inside.nextCursor).not.toBeNull();
  });

  it('a search pages (offset, cursor, priority sort) exactly like the same list filtered by hand', async () => {
    await owner.db.execute(sql`
      insert into marketplace_tasks (org_id, marketplace, created_by, title, description, category, priority, status, estimated_hours, dedupe_key, created_at)
      select ${owner.orgId}::uuid, 'kaway', 'marketplace-kaway',
        case when g % 3 = 0 then 'Paged SEARCHneedle task ' || g else 'Paged other task ' || g end,
        case when g % 5 = 0 then 'has searchneedle in the description' else 'plain' end,
        'analysis', (array['high', 'medium', 'low'])[1 + g % 3], 'pending', 1, md5('paged' || g),
        now() - (g % 7) * interval '1 minute'
      from generate_series(1, 60) as g`);
    const matches = (title: string, description: string) => `${title} ${description}`.toLowerCase().includes('searchneedle');
    for (const sort of ['created', 'priority'] as const) {
      const all = await listTasks(owner, listTasksQuerySchema.parse({ marketplace: 'kaway', sort, limit: 100 }));
      const expected = all.tasks.filter((task) => matches(task.title, task.description)).map((task) => task.id);
      expect(expected.length).toBe(28); // g % 3 = 0 (20) or g % 5 = 0 (12), 4 of them both
      const byOffset = await listTasks(owner, listTasksQuerySchema.parse({ marketplace: 'kaway', q: 'searchNEEDLE', sort, limit: 10, offset: 5 }));
      expect(byOffset.tasks.map((task) => task.id)).toEqual(expected.slice(5, 15));
      expect(byOffset.total).toBe(28);
      const walked: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await listTasks(
          owner,
          listTasksQuerySchema.parse({ marketplace: 'kaway', q: 'searchneedle', sort, limit: 7, ...(cursor ? { cursor } : {}) }),
        );
        walked.push(...page.tasks.map((task) => task.id));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(walked).toEqual(expected);
    }
  });

  it('a create that fails inside a shared transaction fails alone', async () => {
    const bad = { ...draft(), estimatedHours: -1 };
    // More creates than transactions in flight, so the bad one shares a transaction with good ones.
    const inputs = Array.from({ length: 12 }, (_, i) => (i === 8 ? bad : draft()));
    const results = await Promise.allSettled(inputs.map((input) => createTask(amazon, input as never)));
    expect(results.map((r) => r.status)).toEqual(inputs.map((input) => (input === bad ? 'rejected' : 'fulfilled')));
  });

  it('runs the whole lifecycle with every timestamp and actor recorded', async () => {
    const created = await createTask(amazon, draft());
    expect(created).toMatchObject({ status: 'pending', createdBy: 'marketplace-amazon', version: 1 });
    const [submitted] = await submitTasks(amazon, [created.id]);
    expect(submitted?.submittedAt).toBeDefined();
    const [approved] = await approveTasks(admin, { taskIds: [created.id], approved: true, reason: 'ok' });
    expect(approved).toMatchObject({ status: 'approved', approvedBy: (admin.actor as { userId: string }).userId });
    const assigned = await assignTask(admin, { taskId: created.id, assignedTo: operatorId });
    expect(assigned).toMatchObject({ status: 'in_progress', assignedTo: operatorId });
    const { task, stats } = await completeTask(operator, { taskId: created.id, actualHours: 5, notes: 'done' });
    expect(task).toMatchObject({ status: 'completed', actualHours: 5, completionNotes: 'done', completedBy: operatorId, version: 5 });
    expect(stats).toMatchObject({ estimatedHours: 4, actualHours: 5, accuracy: 80 });
    const history = await listAudit(owner, { resourceType: 'task', resourceId: created.id, limit: 50 });
    expect(history.entries.map((e) => e.action).reverse()).toEqual(['task.created', 'task.submitted', 'task.approved', 'task.assigned', 'task.completed']);
  });

  it('approval is all or nothing and lists every offender', async () => {
    const a = await createTask(amazon, draft({ submit: true }));
    const b = await createTask(amazon, draft());
    const missing = '00000000-0000-4000-8000-000000000000';
    const error = await approveTasks(admin, { taskIds: [a.id, b.id, missing], approved: true }).catch((e) => e);
    expect(error.code).toBe('CONFLICT');
    expect(error.details.conflicts).toEqual([
      { taskId: b.id, status: 'pending' },
      { taskId: missing, status: 'not_found' },
    ]);
    const [stillAwaiting] = (await listTasks(owner, { status: ['awaiting_approval'], sort: 'created', limit: 100, offset: 0 })).tasks.filter(
      (x) => x.id === a.id,
    );
    expect(stillAwaiting?.version).toBe(1);
    await expect(approveTasks(admin, { taskIds: [a.id], approved: false })).rejects.toMatchObject({ code: 'VALIDATION' });
    const [rejected] = await approveTasks(admin, { taskIds: [a.id], approved: false, reason: 'not now' });
    expect(rejected).toMatchObject({ status: 'rejected', rejectionReason: 'not now' });
  });

  it('agents act only as themselves, on their own marketplace, and see only their own tasks', async () => {
    await expect(createTask(amazon, draft({ createdBy: 'marketplace-shopee' }))).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(createTask(amazon, draft({ marketplace: 'shopee' }))).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const master = agentCtx(owner, 'marketplace-master');
    const cross = await createTask(master, draft({ marketplace: 'kaway', createdBy: 'marketplace-master' }));
    expect(cross.marketplace).toBe('kaway');
    const mine = await listTasks(amazon, { sort: 'created', limit: 100, offset: 0 });
    expect(mine.tasks.every((x) => x.createdBy === 'marketplace-amazon')).toBe(true);
    await expect(createTask(admin, draft({ createdBy: 'marketplace-amazon' }))).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('an open duplicate (same marketplace, creator and title) is refused; a completed one is not', async () => {
    const first = await createTask(amazon, draft({ title: 'Fix  Title   Length' }));
    await expect(createTask(amazon, draft({ title: 'fix title length' }))).rejects.toMatchObject({ code: 'CONFLICT', details: { existingTaskId: first.id } });
  });

  it('self-approval is refused unless the org allows it, and then audited', async () => {
    const adminId = (admin.actor as { userId: string }).userId;
    const own = await createTask(admin, draft({ createdBy: adminId, submit: true }));
    await expect(approveTasks(admin, { taskIds: [own.id], approved: true })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await updateOrg(owner, { settings: { allowSelfApproval: true } });
    await approveTasks(admin, { taskIds: [own.id], approved: true });
    const audit = await listAudit(owner, { resourceType: 'task', resourceId: own.id, action: 'task.approved', limit: 5 });
    expect(audit.entries[0]?.changes).toMatchObject({ selfApproval: { before: null, after: true } });
    await updateOrg(owner, { settings: { allowSelfApproval: false } });
  });

  it('only the assignee (or an admin) completes or returns; return clears the assignee', async () => {
    const task = await createTask(amazon, draft({ submit: true }));
    await approveTasks(admin, { taskIds: [task.id], approved: true });
    await assignTask(admin, { taskId: task.id, assignedTo: (admin.actor as { userId: string }).userId });
    await expect(completeTask(operator, { taskId: task.id, actualHours: 1 })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const returned = await returnTask(admin, { taskId: task.id, reason: 'needs rework' });
    expect(returned.status).toBe('pending');
    expect(returned.assignedTo).toBeUndefined();
    await expect(assignTask(admin, { taskId: task.id, assignedTo: operatorId })).rejects.toMatchObject({
      code: 'CONFLICT',
      details: { currentStatus: 'pending' },
    });
  });

  it('idempotency: the same key and body replay the answer; another body is 422', async () => {
    let runs = 0;
    const body = { x: 1 };
    const run = async () => ({ status: 201, body: { n: ++runs } });
    const first = await withIdempotency(amazon, 'test', 'key-1', body, run);
    const again = await withIdempotency(amazon, 'test', 'key-1', body, run);
    expect(first).toMatchObject({ status: 201, body: { n: 1 }, replayed: false });
    expect(again).toMatchObject({ status: 201, body: { n: 1 }, replayed: true });
    await expect(withIdempotency(amazon, 'test', 'key-1', { x: 2 }, run)).rejects.toMatchObject({ code: 'UNPROCESSABLE' });
    expect(runs).toBe(1);
    // 24 h later the key is new again (another body included), whether or not the expired row was swept yet.
    const later = { ...amazon, now: new Date(amazon.now.getTime() + 24 * 3_600_000 + 1000) };
    expect(await withIdempotency(later, 'test', 'key-1', { x: 2 }, run)).toMatchObject({ status: 201, body: { n: 2 }, replayed: false });
    expect(await withIdempotency(later, 'test', 'key-1', { x: 2 }, run)).toMatchObject({ body: { n: 2 }, replayed: true });
    const muchLater = { ...amazon, now: new Date(later.now.getTime() + 24 * 3_600_000 + 1000) };
    expect(await withIdempotency(muchLater, 'test', 'key-1', body, run)).toMatchObject({ body: { n: 3 }, replayed: false });
    // An expired row the (once a minute) sweep has not removed yet is not replayed either.
    await amazon.db.execute(sql`insert into idempotency_keys (org_id, scope, key, request_hash, status, response, created_at)
      values (${amazon.orgId}, 'test', 'key-2', 'old', 201, '{"n":0}'::jsonb, ${new Date(muchLater.now.getTime() - 25 * 3_600_000).toISOString()}::timestamptz)`);
    const soon = { ...amazon, now: new Date(muchLater.now.getTime() + 1000) };
    expect(await withIdempotency(soon, 'test', 'key-2', body, run)).toMatchObject({ body: { n: 4 }, replayed: false });
    expect(runs).toBe(4);
  });

  it('stats count per marketplace for a local day in the org time zone; trend and metrics agree', async () => {
    const { org, members } = await seedOrg(t.database, ['owner', 'admin', 'operator']);
    const o = members.owner?.ctx as Ctx;
    const ad = members.admin?.ctx as Ctx;
    const op = members.operator;
    await updateOrg(o, { settings: { timeZone: 'America/Sao_Paulo' } });
    // 01:30 UTC on Nov 27 is still Nov 26 in São Paulo (UTC-3).
    const at = new Date('2026-11-27T01:30:00Z');
    const agent = { ...agentCtx(o, 'marketplace-shopee'), now: at };
    const tasks = await Promise.all(
      [1, 2, 3].map((i) => createTask(agent, draft({ marketplace: 'shopee', createdBy: 'marketplace-shopee', title: `s${i}`, submit: true }))),
    );
    const adminAt = { ...ad, now: new Date(at.getTime() + 3600_000) };
    await approveTasks(adminAt, { taskIds: [tasks[0]?.id as string, tasks[1]?.id as string], approved: true });
    await approveTasks(adminAt, { taskIds: [tasks[2]?.id as string], approved: false, reason: 'dup' });
    await assignTask(adminAt, { taskId: tasks[0]?.id as string, assignedTo: op?.id as string });
    await completeTask({ ...(op?.ctx as Ctx), now: new Date(at.getTime() + 75 * 60_000) }, { taskId: tasks[0]?.id as string, actualHours: 2 });
    const day = await dailyStats({ ...o, now: at });
    expect(day.date).toBe('2026-11-26');
    expect(day.stats).toEqual([
      expect.objectContaining({
        marketplace: 'shopee',
        createdToday: 3,
        approved: 1,
        completed: 1,
        rejected: 1,
        completedToday: 1,
        timeAccuracy: 50,
        approvalRate: 66.67,
      }),
    ]);
    expect((await dailyStats({ ...o, now: at }, '2026-11-27')).stats).toEqual([]);
    const trend = await statsTrend({ ...o, now: at }, 3);
    expect(trend.days.at(-1)).toEqual({ date: '2026-11-26', created: 3, approved: 2, rejected: 1, completed: 1 });
    const metrics = await taskMetrics(t.database.db, org.id);
    expect(metrics.pipeline).toMatchObject({ completed: 1, approved: 1, rejected: 1 });
    expect(metrics.agents).toEqual([expect.objectContaining({ agentId: 'marketplace-shopee', generated: 3, approved: 2, rejected: 1 })]);
  });

  it('model test: random concurrent transitions never leave a task in an illegal state or lose an update', async () => {
    const { members } = await seedOrg(t.database, ['owner', 'admin', 'operator']);
    const o = members.owner?.ctx as Ctx;
    const admin0 = members.admin?.ctx as Ctx;
    const opId = members.operator?.id as string;
    const agent = agentCtx(o, 'marketplace-amazon');
    const ids = (await Promise.all([1, 2, 3, 4].map((i) => createTask(agent, draft({ title: `model ${i} ${seq}` }))))).map((x) => x.id);
    const commands = fc.array(
      fc.record({ op: fc.constantFrom('submit', 'approve', 'reject', 'assign', 'complete', 'return'), task: fc.integer({ min: 0, max: ids.length - 1 }) }),
      { minLength: 6, maxLength: 14 },
    );
    const run = (op: string, id: string) => {
      const ad = { ...admin0, now: new Date() };
      switch (op) {
        case 'submit':
          return submitTasks(ad, [id]);
        case 'approve':
          return approveTasks(ad, { taskIds: [id], approved: true });
        case 'reject':
          return approveTasks(ad, { taskIds: [id], approved: false, reason: 'model' });
        case 'assign':
          return assignTask(ad, { taskId: id, assignedTo: opId });
        case 'complete':
          return completeTask(ad, { taskId: id, actualHours: 1 });
        default:
          return returnTask(ad, { taskId: id, reason: 'model' });
      }
    };
    let succeeded = 0;
    await fc.assert(
      fc.asyncProperty(commands, async (batch) => {
        const results = await Promise.allSettled(batch.map((c) => run(c.op, ids[c.task] as string)));
        for (const r of results) {
          if (r.status === 'fulfilled') succeeded++;
          else expect(['CONFLICT', 'VALIDATION']).toContain((r.reason as { code?: string }).code);
        }
      }),
      { numRuns: 15 },
    );
    expect(succeeded).toBeGreaterThan(0);
    for (const id of ids) {
      const history = (await listAudit(o, { resourceType: 'task', resourceId: id, limit: 200 })).entries.reverse();
      type Changes = { status?: { before: string; after: string }; after?: { status?: string } } | null;
      const statuses = history.map((e) => {
        const c = e.changes as Changes;
        return c?.status?.after ?? c?.after?.status;
      });
      for (let i = 1; i < history.length; i++) {
        const before = (history[i]?.changes as Changes)?.status?.before;
        expect(before, `transition ${i} of ${id} starts where the previous ended`).toBe(statuses[i - 1]);
        expect(allowedEdges.has(`${before}->${statuses[i]}`), `${before}->${statuses[i]}`).toBe(true);
      }
      const [row] = await t.database.execute<{ status: string; version: number }>('select status, version from marketplace_tasks where id = $1', [id]);
      expect(row?.status).toBe(statuses.at(-1));
      expect(row?.version).toBe(history.length);
    }
  });
});
