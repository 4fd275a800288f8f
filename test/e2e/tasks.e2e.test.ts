import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, signIn, tokenClient } from '../helpers/api-client.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { openSse } from '../helpers/sse-client.ts';

const SEED_TOKEN = 'marketplace-amazon-secret123';

/** Seed 001 "Post-Deployment" step 3, verbatim. */
const seedCurlBody = `{
    "marketplace": "amazon",
    "title": "Test task",
    "description": "Testing deployment",
    "category": "optimization",
    "priority": "high",
    "estimatedHours": 2,
    "createdBy": "marketplace-amazon"
  }`;

describe('task orchestration over HTTP (seed 000 contract)', () => {
  let server: TestServer;
  let owner: ApiClient;
  let operator: ApiClient;
  let operatorId: string;
  const agent = () => tokenClient(server.url, SEED_TOKEN);
  const post = (body: string, headers: Record<string, string> = {}) =>
    fetch(`${server.url}/api/orchestration/tasks`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body });
  let n = 0;
  const task = (over: Record<string, unknown> = {}) => ({
    marketplace: 'amazon',
    title: `Improve listing ${++n}`,
    description: 'Rewrite bullets',
    category: 'optimization',
    priority: 'medium',
    estimatedHours: 3,
    createdBy: 'marketplace-amazon',
    ...over,
  });

  beforeAll(async () => {
    server = await startTestServer({ env: { MARKETPLACE_AMAZON_TOKEN: SEED_TOKEN } });
    owner = await signIn(server.url);
    const invite = await owner.json<{ inviteUrl: string }>('POST', '/api/members/invitations', { email: 'op@shop.test', role: 'operator' });
    const accept = await fetch(`${server.url}/api/invitations/accept`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: invite.body.inviteUrl.split('/').pop(), name: 'Op', password: 'a long operator passphrase' }),
    });
    operatorId = ((await accept.json()) as { me: { user: { id: string } } }).me.user.id;
    operator = await signIn(server.url, 'op@shop.test', 'a long operator passphrase');
  });
  afterAll(async () => server?.destroy());

  it('seed 001 post-deployment curl works verbatim: 201 with the task', async () => {
    const res = await post(seedCurlBody, { Authorization: `Bearer ${SEED_TOKEN}` });
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(body).toMatchObject({
      success: true,
      message: 'Task created and awaiting approval',
      task: { marketplace: 'amazon', title: 'Test task', status: 'pending', createdBy: 'marketplace-amazon' },
    });
    expect(body.task.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(Date.parse(body.task.createdAt)).not.toBeNaN();
  });

  it('reproduces every seed 000 error example', async () => {
    const unauthorized = await post(JSON.stringify(task()));
    expect(unauthorized.status).toBe(401);
    expect(await unauthorized.json()).toMatchObject({ error: 'Unauthorized - marketplace agent token required' });
    const badToken = await post(JSON.stringify(task()), { Authorization: 'Bearer marketplace-amazon-forged' });
    expect((await badToken.json()).error).toBe('Unauthorized - marketplace agent token required');

    const { priority: _p, estimatedHours: _e, ...incomplete } = task();
    const missing = await post(JSON.stringify(incomplete), { Authorization: `Bearer ${SEED_TOKEN}` });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ error: 'Missing required fields: priority, estimatedHours' });

    const viewerish = await operator.json('PATCH', '/api/orchestration/tasks/approve', { taskIds: ['00000000-0000-4000-8000-000000000001'], approved: true });
    expect(viewerish.status).toBe(403);
    expect(viewerish.body).toMatchObject({ error: 'Only admins can approve tasks' });

    const noIds = await owner.json('PATCH', '/api/orchestration/tasks/approve', { approved: true });
    expect(noIds.status).toBe(400);
    expect(noIds.body).toMatchObject({ error: 'taskIds array is required' });

    const created = await agent().request('POST', '/api/orchestration/tasks', { ...task(), submit: true });
    const id = ((await created.json()) as { task: { id: string } }).task.id;
    await owner.json('PATCH', '/api/orchestration/tasks/approve', { taskIds: [id], approved: true });
    await owner.json('PATCH', '/api/orchestration/tasks/assign', {
      taskId: id,
      assignedTo: (await owner.json<{ user: { id: string } }>('GET', '/api/auth/me')).body.user.id,
    });
    const notMine = await operator.json('PATCH', '/api/orchestration/tasks/complete', { taskId: id, actualHours: 1 });
    expect(notMine.status).toBe(403);
    expect(notMine.body).toMatchObject({ error: 'You can only complete your assigned tasks' });
  });

  it('runs the lifecycle end to end, with live events, a batch notification, stats and metrics', async () => {
    const stream = await openSse(`${server.url}/api/events`, { cookie: owner.cookie });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await agent().request('POST', '/api/orchestration/tasks', { ...task(), submit: true });
      expect(res.status).toBe(201);
      ids.push(((await res.json()) as { task: { id: string } }).task.id);
    }
    await stream.waitFor((f) => ids.every((id) => f.some((x) => x.event === 'task.created' && x.data?.includes(id))));

    const inbox = await owner.json<{ notifications: Array<{ kind: string; data: { count: number } }>; unread: number }>('GET', '/api/notifications');
    const pending = inbox.body.notifications.filter((x) => x.kind === 'tasks.awaiting_approval');
    expect(pending).toHaveLength(1);
    expect(pending[0]?.data.count).toBeGreaterThanOrEqual(3);

    const batches = await owner.json<{ grouped: Record<string, unknown[]>; readyForApproval: boolean }>('GET', '/api/orchestration/batches');
    expect(batches.body.readyForApproval).toBe(true);
    expect(batches.body.grouped.amazon?.length).toBeGreaterThanOrEqual(3);

    const approved = await owner.json<{ count: number }>('PATCH', '/api/orchestration/tasks/approve', { taskIds: ids, approved: true, reason: 'Q1 roadmap' });
    expect(approved.body.count).toBe(3);
    await stream.waitFor((f) => f.some((x) => x.event === 'task.updated' && x.data?.includes('"approved"')));
    const again = await owner.json<{ details: { conflicts: Array<{ taskId: string; status: string }> } }>('PATCH', '/api/orchestration/tasks/approve', {
      taskIds: ids,
      approved: true,
    });
    expect(again.status).toBe(409);
    expect(again.body.details.conflicts).toEqual(ids.map((taskId) => ({ taskId, status: 'approved' })));

    const assigned = await owner.json<{ task: { status: string; assignedTo: string } }>('PATCH', '/api/orchestration/tasks/assign', {
      taskId: ids[0],
      assignedTo: operatorId,
    });
    expect(assigned.body.task).toMatchObject({ status: 'in_progress', assignedTo: operatorId });
    const mine = await operator.json<{ tasks: Array<{ id: string }> }>('GET', '/api/orchestration/tasks?assignedTo=me&status=in_progress');
    expect(mine.body.tasks.map((t) => t.id)).toEqual([ids[0]]);
    const done = await operator.json<{ stats: { accuracy: number } }>('PATCH', '/api/orchestration/tasks/complete', {
      taskId: ids[0],
      actualHours: 3.5,
      notes: 'done',
    });
    expect(done.status).toBe(200);
    expect(done.body.stats).toMatchObject({ estimatedHours: 3, actualHours: 3.5, accuracy: 86 });

    const detail = await owner.json<{ history: Array<{ action: string }> }>('GET', `/api/orchestration/tasks/${ids[0]}`);
    expect(detail.body.history.map((h) => h.action)).toEqual(['task.created', 'task.submitted', 'task.approved', 'task.assigned', 'task.completed']);

    const stats = await owner.json<{ stats: Array<{ marketplace: string; completedToday: number }> }>('GET', '/api/orchestration/stats');
    expect(stats.body.stats.find((s) => s.marketplace === 'amazon')?.completedToday).toBeGreaterThanOrEqual(1);
    const status = await owner.json<{ agents: string[] }>('GET', '/api/orchestration/status');
    expect(status.body.agents).toContain('marketplace-amazon');

    const prom = await (await fetch(`${server.url}/metrics`)).text();
    expect(prom).toMatch(/nexo_tasks_created_total\{marketplace="amazon",agent="marketplace-amazon"\} \d+/);
    expect(prom).toMatch(/nexo_tasks\{status="completed",marketplace="amazon"\} [1-9]/);
    expect(prom).toMatch(/nexo_task_time_accuracy_percent_count\{marketplace="amazon"\} 1/);
    stream.close();
  });

  it('Idempotency-Key: a retry returns the original answer; another body with the same key is 422', async () => {
    const body = JSON.stringify(task());
    const headers = { Authorization: `Bearer ${SEED_TOKEN}`, 'Idempotency-Key': 'create-42' };
    const first = await post(body, headers);
    const retry = await post(body, headers);
    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect((await retry.json()).task.id).toBe((await first.json()).task.id);
    const other = await post(JSON.stringify(task()), headers);
    expect(other.status).toBe(422);
  });

  it('lists with filters, search, totals and a cursor', async () => {
    for (const title of ['Alpha search target', 'Beta', 'Gamma']) await agent().request('POST', '/api/orchestration/tasks', task({ title, priority: 'low' }));
    const found = await owner.json<{ tasks: Array<{ title: string }>; total: number }>('GET', '/api/orchestration/tasks?q=search%20target');
    expect(found.body.tasks.map((t) => t.title)).toEqual(['Alpha search target']);
    const page1 = await owner.json<{ tasks: Array<{ id: string }>; nextCursor: string; total: number }>(
      'GET',
      '/api/orchestration/tasks?limit=2&sort=priority',
    );
    expect(page1.body.tasks).toHaveLength(2);
    const page2 = await owner.json<{ tasks: Array<{ id: string }> }>('GET', `/api/orchestration/tasks?limit=2&sort=priority&cursor=${page1.body.nextCursor}`);
    expect(page2.body.tasks.some((t) => page1.body.tasks.some((p) => p.id === t.id))).toBe(false);
    const bad = await owner.json('GET', '/api/orchestration/tasks?limit=500');
    expect(bad.status).toBe(400);
  });
});
