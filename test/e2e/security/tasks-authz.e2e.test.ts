/**
 * Task-specific authorization (DESIGN.md roles table, seed 000): who a task may be created as and for
 * which marketplace, what an agent token sees, who completes what, the self-approval rule, the seed's
 * error messages, and per-user notifications. Every refusal is checked to have changed nothing.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  anonymous,
  bearer,
  type Caller,
  expectOk,
  prepareTask,
  read,
  type SecurityFixture,
  sessionCaller,
  startSecurityFixture,
  type TaskView,
  taskBody,
  taskOf,
} from './fixture.ts';

const marketplaces = ['amazon', 'shopee', 'mercadolivre', 'shein', 'tiktokshop', 'kaway'] as const;
const TASKS = '/api/orchestration/tasks';

describe('security: task authorization', () => {
  let fx: SecurityFixture;
  /** Agent tokens of org A besides the fixture's amazon one. */
  let shopee: Caller;
  let master: Caller;
  let amazon: Caller;

  const person = (role: 'owner' | 'admin' | 'operator' | 'viewer') => sessionCaller(`A ${role}`, fx.a.people[role].client);
  const countTitled = async (title: string) =>
    (await expectOk<{ total: number }>(fx.a.people.owner.client.request('GET', `${TASKS}?q=${encodeURIComponent(title)}`))).total;
  const issueAgent = async (agentId: string) => {
    const t = await expectOk<{ secret: string }>(fx.a.people.owner.client.request('POST', '/api/tokens', { kind: 'agent', name: agentId, agentId }), 201);
    return bearer(fx.url, agentId, t.secret);
  };
  /** Expects a refusal with `status` (and `error` when given), and that the tasks did not change. */
  async function refused(caller: Caller, method: string, path: string, body: unknown, status: number, error?: string, watch: TaskView[] = []) {
    const before = await Promise.all(watch.map((t) => taskOf(fx.a, t.id)));
    const r = await read(await caller.request(method, path, body));
    expect(r.status, `${caller.name} ${method} ${path} ${JSON.stringify(body)}: ${r.text}`).toBe(status);
    if (error !== undefined) expect((r.body as { error: string }).error, `${caller.name} ${method} ${path}`).toBe(error);
    const after = await Promise.all(watch.map((t) => taskOf(fx.a, t.id)));
    expect(after).toEqual(before);
    return r;
  }

  beforeAll(async () => {
    fx = await startSecurityFixture();
    amazon = bearer(fx.url, 'A amazon agent', fx.a.agent.secret);
    [shopee, master] = await Promise.all([issueAgent('marketplace-shopee'), issueAgent('marketplace-master')]);
  });
  afterAll(async () => {
    await fx?.destroy();
  });

  describe('creating tasks', () => {
    it('anonymous callers get the seed’s 401 message', async () => {
      await refused(anonymous(fx.url), 'POST', TASKS, taskBody(), 401, 'Unauthorized - marketplace agent token required');
    });

    it('an agent token creates only as itself (createdBy mismatch: 403, nothing created)', async () => {
      for (const createdBy of ['marketplace-shopee', 'marketplace-master', fx.a.people.owner.userId, fx.a.people.owner.email, 'someone else']) {
        const body = taskBody({ createdBy });
        const r = await refused(amazon, 'POST', TASKS, body, 403);
        expect((r.body as { code: string }).code).toBe('FORBIDDEN');
        expect(await countTitled(body.title as string), createdBy).toBe(0);
      }
      const ok = await expectOk<{ task: TaskView }>(amazon.request('POST', TASKS, taskBody()), 201);
      expect(ok.task).toMatchObject({ createdBy: 'marketplace-amazon', marketplace: 'amazon', status: 'pending' });
    });

    it('a channel agent creates only for its own marketplace: 403 for every other one', async () => {
      for (const marketplace of marketplaces.filter((m) => m !== 'amazon')) {
        const body = taskBody({ marketplace });
        await refused(amazon, 'POST', TASKS, body, 403);
        expect(await countTitled(body.title as string), marketplace).toBe(0);
      }
      await refused(shopee, 'POST', TASKS, taskBody({ createdBy: 'marketplace-shopee', marketplace: 'amazon' }), 403);
      const own = await expectOk<{ task: TaskView }>(shopee.request('POST', TASKS, taskBody({ createdBy: 'marketplace-shopee', marketplace: 'shopee' })), 201);
      expect(own.task).toMatchObject({ createdBy: 'marketplace-shopee', marketplace: 'shopee' });
    });

    it('the master agent creates for any marketplace (201), still only as itself', async () => {
      for (const marketplace of marketplaces) {
        const r = await expectOk<{ task: TaskView }>(master.request('POST', TASKS, taskBody({ createdBy: 'marketplace-master', marketplace })), 201);
        expect(r.task).toMatchObject({ createdBy: 'marketplace-master', marketplace });
      }
      await refused(master, 'POST', TASKS, taskBody({ createdBy: 'marketplace-amazon' }), 403);
    });

    it('a person cannot create as an agent or as another person (403); as themself the task records their user id', async () => {
      for (const role of ['owner', 'admin'] as const) {
        for (const createdBy of ['marketplace-amazon', 'marketplace-master', fx.a.people.operator.email, fx.a.people.operator.userId]) {
          const body = taskBody({ createdBy });
          await refused(person(role), 'POST', TASKS, body, 403);
          expect(await countTitled(body.title as string), `${role} as ${createdBy}`).toBe(0);
        }
      }
      const mine = await expectOk<{ task: TaskView }>(
        person('admin').request('POST', TASKS, taskBody({ createdBy: fx.a.people.admin.email.toUpperCase() })),
        201,
      );
      expect(mine.task.createdBy).toBe(fx.a.people.admin.userId);
    });

    it('operators and viewers cannot create tasks at all (403), even as themselves', async () => {
      for (const role of ['operator', 'viewer'] as const) {
        const body = taskBody({ createdBy: fx.a.people[role].email });
        await refused(person(role), 'POST', TASKS, body, 403);
        expect(await countTitled(body.title as string)).toBe(0);
      }
    });
  });

  describe('what an agent token sees', () => {
    let shopeeTask: TaskView;
    let personTask: TaskView;

    beforeAll(async () => {
      shopeeTask = (
        await expectOk<{ task: TaskView }>(shopee.request('POST', TASKS, taskBody({ createdBy: 'marketplace-shopee', marketplace: 'shopee' })), 201)
      ).task;
      personTask = (await expectOk<{ task: TaskView }>(person('admin').request('POST', TASKS, taskBody({ createdBy: fx.a.people.admin.email })), 201)).task;
    });

    it('the list holds only its own tasks, whatever the filter', async () => {
      for (const query of [
        '',
        '?createdBy=marketplace-shopee',
        '?marketplace=shopee',
        `?q=${encodeURIComponent(shopeeTask.title)}`,
        '?sort=priority&limit=100',
      ]) {
        const list = await expectOk<{ tasks: TaskView[]; total: number }>(amazon.request('GET', `${TASKS}${query}`));
        expect(
          list.tasks.filter((t) => t.createdBy !== 'marketplace-amazon').map((t) => t.id),
          query,
        ).toEqual([]);
        if (query.includes('shopee') || query.includes('q=')) expect(list.total, query).toBe(0);
      }
      // Control: the owner sees both agents' tasks and the person's.
      const all = await expectOk<{ tasks: TaskView[] }>(fx.a.people.owner.client.request('GET', `${TASKS}?limit=100`));
      expect(all.tasks.map((t) => t.id)).toEqual(expect.arrayContaining([shopeeTask.id, personTask.id, fx.a.tasks.pending.id]));
      const own = await expectOk<{ tasks: TaskView[] }>(shopee.request('GET', `${TASKS}?limit=100`));
      expect(own.tasks.map((t) => t.id)).toContain(shopeeTask.id);
      expect(own.tasks.every((t) => t.createdBy === 'marketplace-shopee')).toBe(true);
    });

    it('another agent’s or a person’s task answers 404 in detail; its own answers 200', async () => {
      for (const task of [shopeeTask, personTask]) {
        const r = await refused(amazon, 'GET', `${TASKS}/${task.id}`, undefined, 404);
        expect(r.text).not.toContain(task.title);
      }
      expect((await amazon.request('GET', `${TASKS}/${fx.a.tasks.pending.id}`)).status).toBe(200);
      expect((await shopee.request('GET', `${TASKS}/${shopeeTask.id}`)).status).toBe(200);
      await refused(shopee, 'GET', `${TASKS}/${fx.a.tasks.pending.id}`, undefined, 404);
    });

    it('it submits only its own pending tasks: another agent’s or a person’s is 404 and unchanged', async () => {
      await refused(amazon, 'PATCH', `${TASKS}/submit`, { taskIds: [shopeeTask.id] }, 404, undefined, [shopeeTask]);
      await refused(amazon, 'PATCH', `${TASKS}/submit`, { taskIds: [personTask.id] }, 404, undefined, [personTask]);
      // All or nothing: its own task in the same batch does not move either.
      const mine = await prepareTask(fx.url, fx.a, 'pending');
      await refused(amazon, 'PATCH', `${TASKS}/submit`, { taskIds: [mine.id, shopeeTask.id] }, 404, undefined, [mine, shopeeTask]);
      const ok = await expectOk<{ tasks: TaskView[] }>(amazon.request('PATCH', `${TASKS}/submit`, { taskIds: [mine.id] }));
      expect(ok.tasks[0]).toMatchObject({ id: mine.id, status: 'awaiting_approval' });
    });

    /** Tasks an agent may not see are simply not found to it, whatever their status: no status leaks. */
    it('another agent’s non-pending task is as invisible to submit as a pending one (404, no status)', async () => {
      const awaiting = (
        await expectOk<{ task: TaskView }>(
          shopee.request('POST', TASKS, taskBody({ createdBy: 'marketplace-shopee', marketplace: 'shopee', submit: true })),
          201,
        )
      ).task;
      const r = await refused(amazon, 'PATCH', `${TASKS}/submit`, { taskIds: [awaiting.id] }, 404, undefined, [awaiting]);
      expect(r.text).not.toContain('awaiting_approval');
    });

    /** The approval queue an agent token sees holds only its own tasks. */
    it('the approval queue (batches) holds only its own tasks', async () => {
      const awaiting = (
        await expectOk<{ task: TaskView }>(
          shopee.request('POST', TASKS, taskBody({ createdBy: 'marketplace-shopee', marketplace: 'shopee', submit: true })),
          201,
        )
      ).task;
      const batches = await expectOk<{ tasks: TaskView[]; grouped: Record<string, TaskView[]> }>(amazon.request('GET', '/api/orchestration/batches?limit=500'));
      expect(batches.tasks.map((t) => t.id)).not.toContain(awaiting.id);
      expect(batches.tasks.filter((t) => t.createdBy !== 'marketplace-amazon')).toEqual([]);
      expect(Object.keys(batches.grouped).filter((m) => m !== 'amazon')).toEqual([]);
    });
  });

  describe('approving, assigning, completing', () => {
    it('viewers, operators, agent and integration tokens cannot approve or reject: 403 "Only admins can approve tasks"', async () => {
      const task = await prepareTask(fx.url, fx.a, 'awaiting_approval');
      const callers = [
        person('viewer'),
        person('operator'),
        amazon,
        master,
        bearer(fx.url, 'A integration', fx.a.integration.secret),
        bearer(fx.url, 'A integration (no scopes)', fx.a.integrationNoScopes.secret),
      ];
      for (const caller of callers) {
        for (const body of [
          { taskIds: [task.id], approved: true },
          { taskIds: [task.id], approved: false, reason: 'no' },
        ]) {
          const r = await refused(caller, 'PATCH', `${TASKS}/approve`, body, 403, 'Only admins can approve tasks', [task]);
          expect(r.body).toMatchObject({ error: 'Only admins can approve tasks', code: 'FORBIDDEN' });
        }
      }
    });

    it('only owners and admins assign: 403 "Only admins can assign tasks" for everyone else', async () => {
      const task = await prepareTask(fx.url, fx.a, 'approved');
      for (const caller of [person('viewer'), person('operator'), amazon, bearer(fx.url, 'A integration', fx.a.integration.secret)]) {
        await refused(caller, 'PATCH', `${TASKS}/assign`, { taskId: task.id, assignedTo: fx.a.people.operator.userId }, 403, 'Only admins can assign tasks', [
          task,
        ]);
      }
      // Assigning to a viewer is refused too (viewers do no work), and to someone outside the org is "not found".
      await refused(person('admin'), 'PATCH', `${TASKS}/assign`, { taskId: task.id, assignedTo: fx.a.people.viewer.userId }, 400, undefined, [task]);
      await refused(person('admin'), 'PATCH', `${TASKS}/assign`, { taskId: task.id, assignedTo: fx.b.people.operator.userId }, 404, undefined, [task]);
    });

    it('an operator completes or returns only the tasks assigned to them: 403 "You can only complete your assigned tasks"', async () => {
      const others = await prepareTask(fx.url, fx.a, 'in_progress', { assignee: fx.a.people.admin.userId });
      const operator = person('operator');
      await refused(operator, 'PATCH', `${TASKS}/complete`, { taskId: others.id, actualHours: 2 }, 403, 'You can only complete your assigned tasks', [others]);
      await refused(operator, 'PATCH', `${TASKS}/return`, { taskId: others.id, reason: 'not mine' }, 403, undefined, [others]);
      // Viewers and tokens cannot complete at all, even the operator's task.
      const mine = await prepareTask(fx.url, fx.a, 'in_progress');
      for (const caller of [person('viewer'), amazon, bearer(fx.url, 'A integration', fx.a.integration.secret)]) {
        await refused(caller, 'PATCH', `${TASKS}/complete`, { taskId: mine.id, actualHours: 2 }, 403, 'You can only complete your assigned tasks', [mine]);
      }
      const done = await expectOk<{ task: TaskView; stats: { accuracy: number } }>(
        operator.request('PATCH', `${TASKS}/complete`, { taskId: mine.id, actualHours: 2 }),
      );
      expect(done.task).toMatchObject({ status: 'completed', completedBy: fx.a.people.operator.userId, version: mine.version + 1 });
      expect(done.stats.accuracy).toBe(100);
      // Returning their own in-progress task works too.
      const another = await prepareTask(fx.url, fx.a, 'in_progress');
      const back = await expectOk<{ task: TaskView }>(operator.request('PATCH', `${TASKS}/return`, { taskId: another.id, reason: 'blocked' }));
      expect(back.task.status).toBe('pending');
      expect(back.task.assignedTo).toBeUndefined();
      // An admin completes anyone's.
      expect((await person('admin').request('PATCH', `${TASKS}/complete`, { taskId: others.id, actualHours: 1 })).status).toBe(200);
    });

    it('approve is all or nothing: one task not awaiting approval (or missing) and nothing changes; the 409 lists each offender', async () => {
      const [awaiting, pending] = await Promise.all([prepareTask(fx.url, fx.a, 'awaiting_approval'), prepareTask(fx.url, fx.a, 'pending')]);
      const ghost = randomUUID();
      const r = await refused(person('admin'), 'PATCH', `${TASKS}/approve`, { taskIds: [awaiting.id, pending.id, ghost], approved: true }, 409, undefined, [
        awaiting,
        pending,
      ]);
      const conflicts = (r.body as { details: { conflicts: Array<{ taskId: string; status: string }> } }).details.conflicts;
      expect(conflicts).toEqual(
        expect.arrayContaining([
          { taskId: pending.id, status: 'pending' },
          { taskId: ghost, status: 'not_found' },
        ]),
      );
      expect(conflicts.map((c) => c.taskId)).not.toContain(awaiting.id);
    });
  });

  describe('self-approval', () => {
    const setSelfApproval = (allow: boolean) => expectOk(fx.a.people.owner.client.request('PATCH', '/api/org', { settings: { allowSelfApproval: allow } }));
    const ownTask = async (role: 'owner' | 'admin') =>
      (await expectOk<{ task: TaskView }>(person(role).request('POST', TASKS, taskBody({ createdBy: fx.a.people[role].email, submit: true })), 201)).task;
    const auditOf = async (taskId: string) =>
      (
        await expectOk<{ entries: Array<{ action: string; actorId: string | null; changes: Record<string, { after?: unknown }> | null }> }>(
          fx.a.people.owner.client.request('GET', `/api/audit?resourceType=task&resourceId=${taskId}`),
        )
      ).entries;

    it('is refused by default (approve and reject, alone or in a batch), and audited nowhere', async () => {
      for (const role of ['owner', 'admin'] as const) {
        const own = await ownTask(role);
        const other = await prepareTask(fx.url, fx.a, 'awaiting_approval');
        const message = 'You cannot approve or reject a task you requested yourself';
        await refused(person(role), 'PATCH', `${TASKS}/approve`, { taskIds: [own.id], approved: true }, 403, message, [own]);
        await refused(person(role), 'PATCH', `${TASKS}/approve`, { taskIds: [own.id], approved: false, reason: 'mine' }, 403, message, [own]);
        await refused(person(role), 'PATCH', `${TASKS}/approve`, { taskIds: [other.id, own.id], approved: true }, 403, message, [own, other]);
        expect((await auditOf(own.id)).map((e) => e.action)).toEqual(['task.submitted', 'task.created']);
        // Control: another approver may approve it.
        const peer = role === 'owner' ? 'admin' : 'owner';
        const ok = await expectOk<{ tasks: TaskView[] }>(person(peer).request('PATCH', `${TASKS}/approve`, { taskIds: [own.id], approved: true }));
        expect(ok.tasks[0]).toMatchObject({ status: 'approved', approvedBy: fx.a.people[peer].userId });
        const approval = (await auditOf(own.id)).find((e) => e.action === 'task.approved');
        expect(approval?.changes?.selfApproval).toBeUndefined();
      }
    });

    it('when the org allows it, it succeeds and the audit entry says selfApproval: true', async () => {
      await setSelfApproval(true);
      try {
        const own = await ownTask('owner');
        const ok = await expectOk<{ tasks: TaskView[] }>(person('owner').request('PATCH', `${TASKS}/approve`, { taskIds: [own.id], approved: true }));
        expect(ok.tasks[0]).toMatchObject({ id: own.id, status: 'approved', approvedBy: fx.a.people.owner.userId });
        const approval = (await auditOf(own.id)).find((e) => e.action === 'task.approved');
        expect(approval).toMatchObject({ actorId: fx.a.people.owner.userId });
        expect(approval?.changes?.selfApproval).toEqual({ before: null, after: true });
        // Someone else's task approved under the same setting is not flagged.
        const other = await prepareTask(fx.url, fx.a, 'awaiting_approval');
        await expectOk(person('owner').request('PATCH', `${TASKS}/approve`, { taskIds: [other.id], approved: true }));
        expect((await auditOf(other.id)).find((e) => e.action === 'task.approved')?.changes?.selfApproval).toBeUndefined();
      } finally {
        await setSelfApproval(false);
      }
      const again = await ownTask('owner');
      await refused(person('owner'), 'PATCH', `${TASKS}/approve`, { taskIds: [again.id], approved: true }, 403, undefined, [again]);
    });

    /**
     * A token records itself (or, for a personal token, its person) as the creator, never someone it names:
     * otherwise an admin could create through a token "as someone else" and approve it without the
     * self-approval rule.
     */
    it('a token with tasks.create cannot record another person as the creator', async () => {
      const r = await read(
        await bearer(fx.url, 'A integration', fx.a.integration.secret).request(
          'POST',
          TASKS,
          taskBody({ createdBy: fx.a.people.operator.userId, submit: true }),
        ),
      );
      expect(r.status, r.text).toBe(403);
    });
  });

  describe('notifications', () => {
    it('are per user: approvers are told, others see nothing; no one reads or marks anyone else’s', async () => {
      const task = await prepareTask(fx.url, fx.a, 'awaiting_approval');
      type Bell = { notifications: Array<{ id: string; kind: string; data: { taskIds?: string[] }; readAt: string | null }>; unread: number };
      const bell = async (client: { request: Caller['request'] }) => expectOk<Bell>(client.request('GET', '/api/notifications'));
      const mentions = (b: Bell) => b.notifications.filter((n) => JSON.stringify(n).includes(task.id));
      const ownerBell = await bell(fx.a.people.owner.client);
      const adminBell = await bell(fx.a.people.admin.client);
      expect(mentions(ownerBell)).toHaveLength(1);
      expect(mentions(adminBell)).toHaveLength(1);
      const ownerNote = mentions(ownerBell)[0] as Bell['notifications'][number];
      expect(adminBell.notifications.map((n) => n.id)).not.toContain(ownerNote.id);
      for (const role of ['operator', 'viewer'] as const) expect(mentions(await bell(fx.a.people[role].client)), role).toEqual([]);
      // Others "marking" the owner's notification read change nothing for the owner.
      for (const role of ['admin', 'operator', 'viewer'] as const) {
        expect((await fx.a.people[role].client.request('POST', '/api/notifications/read', { ids: [ownerNote.id] })).status).toBe(204);
        expect((await fx.a.people[role].client.request('POST', '/api/notifications/read', { all: true })).status).toBe(204);
      }
      for (const role of ['owner', 'admin', 'operator', 'viewer'] as const) {
        expect((await fx.b.people[role].client.request('POST', '/api/notifications/read', { ids: [ownerNote.id] })).status).toBe(204);
      }
      const still = await bell(fx.a.people.owner.client);
      expect(still.notifications.find((n) => n.id === ownerNote.id)?.readAt).toBeNull();
      expect(still.unread).toBe(ownerBell.unread);
      // Org B sees none of A's.
      for (const role of ['owner', 'admin', 'operator', 'viewer'] as const) {
        const b = await read(await fx.b.people[role].client.request('GET', '/api/notifications'));
        expect(b.status).toBe(200);
        expect(b.text).not.toContain(task.id);
        expect(b.text).not.toContain(ownerNote.id);
        expect(b.text).not.toContain(fx.a.tasks.awaiting_approval.id);
      }
      // Tokens have no bell.
      for (const caller of [amazon, bearer(fx.url, 'A integration', fx.a.integration.secret)])
        await refused(caller, 'GET', '/api/notifications', undefined, 403);
      // Control: the owner marks their own read.
      expect((await fx.a.people.owner.client.request('POST', '/api/notifications/read', { ids: [ownerNote.id] })).status).toBe(204);
      expect((await bell(fx.a.people.owner.client)).notifications.find((n) => n.id === ownerNote.id)?.readAt).not.toBeNull();
    });
  });
});
