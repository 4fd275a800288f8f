/**
 * BOLA: nobody in org B (any role, any token) can read, change or even confirm the existence of
 * org A's objects, whatever route they try. Table-driven from the live /openapi.json so that new
 * routes join automatically: every path parameter needs a provider of an org-A value below.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HttpReceiver, startHttpReceiver } from '../../helpers/http-receiver.ts';
import { openSse } from '../../helpers/sse-client.ts';
import {
  bearer,
  callersOf,
  expectOk,
  fillPath,
  liveOperations,
  type OpenApiOperation,
  opKey,
  read,
  type SecurityFixture,
  startSecurityFixture,
  type TaskView,
  taskBody,
  taskOf,
} from './fixture.ts';

/** Path parameter name -> an org-A value to attack with. A new parameter without a provider fails the suite. */
const orgAValueFor: Record<string, (fx: SecurityFixture) => string> = {
  userId: (fx) => fx.a.people.viewer.userId,
  invitationId: (fx) => fx.a.pendingInvitation.id,
  tokenId: (fx) => fx.a.agent.id,
  id: (fx) => fx.a.tasks.pending.id,
  jobId: (fx) => fx.a.queuedJob.id,
  patternId: (fx) => fx.a.stuckPatternId,
  alertId: () => orgA.alertId,
  ruleId: () => orgA.ruleId,
  channelId: () => orgA.channelId,
  storeId: (fx) => fx.a.storeId,
  productId: (fx) => fx.a.productId,
  orderId: (fx) => fx.a.orderId,
  kind: () => 'stock',
  planId: () => orgA.planId,
};
/** Org A's alert, rule and notification channel (made in beforeAll: the channel through a loopback receiver). */
const orgA = { alertId: '', ruleId: '', channelId: '', planId: '' };

/** Routes whose path parameter is itself the secret (possession is the authorization): exempt, with the reason. */
const exempt: Record<string, string> = {
  'GET /api/invitations/{token}':
    'public: the invitation token is a 256-bit single-use secret; holding it is the authorization (its GET only previews the org name, e-mail and role)',
  'POST /api/webhooks/{platform}/{storeId}':
    "public: the caller is the channel, authenticated by its signature over the raw body with the store's own secrets (no Nexo credential, so no org); test/e2e/webhooks.e2e.test.ts checks that another store's or org's delivery is refused",
  ...Object.fromEntries(
    [
      'GET /api/orchestration/agents/{agentId}',
      'PATCH /api/orchestration/agents/{agentId}',
      'POST /api/orchestration/agents/{agentId}/run',
      'GET /api/orchestration/agents/{agentId}/runs',
    ].map((route) => [
      route,
      "not an object id: every org has its own agent of each id (marketplace-amazon, …), chosen by the caller's credential; src/modules/agents/agents.int.test.ts checks runs and tasks stay in their org",
    ]),
  ),
  'PUT /api/schedules/{name}':
    "not an object id: a schedule name is a job type of the catalog; every org has its own schedule of each name, chosen by the caller's credential",
};

/** A body for the write routes, chosen so that success would visibly change org A (and be caught). */
const attackBodies: Record<string, unknown> = {
  'PATCH /api/members/{userId}': { role: 'admin' },
  'PUT /api/alert-rules/{ruleId}': { threshold: 99999, enabled: false },
  'PATCH /api/notification-channels/{channelId}': { name: 'taken over', enabled: false },
  'PATCH /api/stores/{storeId}': { name: 'taken over', priority: 'high' },
  'POST /api/stores/{storeId}/feeds/{kind}': { content: 'sku,quantity\nA-1,999\n' },
  'PATCH /api/marketplace/analysis/{planId}': { action: 'reject', reason: 'taken over' },
};

/** Routes that stream (SSE): checked separately with a reader. */
const streaming = new Set(['GET /api/events']);

describe('security: cross-org isolation (BOLA)', () => {
  let fx: SecurityFixture;
  let operations: OpenApiOperation[];
  /** Strings that identify org A and must never appear in an answer to org B. */
  let secretsOfA: string[];

  const snapshotOfA = async () => {
    const owner = fx.a.people.owner.client;
    const members = await expectOk<{ members: unknown[]; invitations: unknown[] }>(owner.request('GET', '/api/members'));
    const tokens = await expectOk<{ tokens: Array<{ id: string; revokedAt: string | null; name: string; scopes: string[] }> }>(
      owner.request('GET', '/api/tokens'),
    );
    const org = await expectOk(owner.request('GET', '/api/org'));
    const tasks = await expectOk<{ tasks: TaskView[] }>(owner.request('GET', '/api/orchestration/tasks?limit=100'));
    const jobs = await expectOk<{ jobs: unknown[] }>(owner.request('GET', '/api/jobs?limit=100'));
    const audit = await expectOk<{ entries: Array<{ id: string }> }>(owner.request('GET', '/api/audit?resourceType=task&limit=200'));
    const rules = await expectOk<{ rules: Array<{ id: string; threshold: number; enabled: boolean; channels: string[] }> }>(
      owner.request('GET', '/api/alert-rules'),
    );
    const alerts = await expectOk<{ alerts: Array<{ id: string; status: string }> }>(owner.request('GET', '/api/alerts'));
    const channels = await expectOk(owner.request('GET', '/api/notification-channels'));
    const deliveries = await expectOk<{ deliveries: Array<{ id: string }> }>(owner.request('GET', `/api/notification-channels/${orgA.channelId}/deliveries`));
    const stores = await expectOk(owner.request('GET', '/api/stores'));
    const plan = await expectOk<{ status: string; rejectionReason: string | null; taskIds: string[] }>(
      owner.request('GET', `/api/marketplace/analysis/${orgA.planId}`),
    );
    return {
      plan: { rejectionReason: plan.rejectionReason, rejected: plan.status === 'rejected', taskIds: plan.taskIds },
      stores,
      rules: rules.rules.map(({ id, threshold, enabled, channels }) => ({ id, threshold, enabled, channels })),
      alerts: alerts.alerts.map(({ id, status }) => ({ id, status })),
      channels,
      deliveries: deliveries.deliveries.map((d) => d.id),
      members,
      tokens: tokens.tokens.map((t) => ({ id: t.id, revokedAt: t.revokedAt, name: t.name, scopes: t.scopes })),
      org,
      tasks: tasks.tasks,
      jobs: jobs.jobs,
      taskAudit: audit.entries.map((e) => e.id),
    };
  };

  let receiver: HttpReceiver;

  beforeAll(async () => {
    receiver = await startHttpReceiver();
    fx = await startSecurityFixture({ env: { NEXO_ALLOW_PRIVATE_WEBHOOKS: '1' } });
    operations = await liveOperations(fx.url);
    const a = fx.a;
    const owner = a.people.owner.client;
    const channel = await expectOk<{ id: string }>(
      owner.request('POST', '/api/notification-channels', { type: 'webhook', name: 'A ops hook', config: { url: `${receiver.url}/a` } }),
      201,
    );
    const rules = await expectOk<{ rules: Array<{ id: string; kind: string }> }>(owner.request('GET', '/api/alert-rules'));
    const rule = rules.rules.find((r) => r.kind === 'tasks_awaiting_approval') as { id: string };
    await expectOk(owner.request('PUT', `/api/alert-rules/${rule.id}`, { threshold: 0, channels: [channel.id] }));
    await expectOk(owner.request('POST', '/api/alerts/evaluate'), 202);
    // Org A's analysis plan (multipart upload).
    const form = new FormData();
    form.append('channels', 'amazon');
    form.append('file', new Blob(['sku,title,stock,sales\nA-1,Security fixture plan item,0,9\n'], { type: 'text/csv' }), 'a-report.csv');
    const uploaded = await fetch(`${fx.url}/api/marketplace/analysis/upload`, {
      method: 'POST',
      headers: { cookie: a.people.owner.client.cookie, 'x-csrf-token': a.people.owner.client.csrf, origin: fx.url },
      body: form,
    });
    orgA.planId = ((await uploaded.json()) as { planId: string }).planId;
    const deadline = Date.now() + 30_000;
    let alert: { id: string } | undefined;
    while (!alert && Date.now() < deadline) {
      alert = (await expectOk<{ alerts: Array<{ id: string }> }>(owner.request('GET', '/api/alerts'))).alerts[0];
      if (!alert) await new Promise((r) => setTimeout(r, 250));
    }
    if (!alert) throw new Error('org A has no open alert to attack (alerts.evaluate did not run within 30 s)');
    Object.assign(orgA, { alertId: alert.id, ruleId: rule.id, channelId: channel.id });
    secretsOfA = [
      a.id,
      ...Object.values(a.tasks).flatMap((t) => [t.id, t.title]),
      ...Object.values(a.people).flatMap((p) => [p.userId, p.email]),
      a.pendingInvitation.id,
      a.pendingInvitation.email,
      a.queuedJob.id,
      a.agent.id,
      a.integration.id,
      a.integrationNoScopes.id,
      a.revokedToken.id,
      a.name,
      a.productId,
      a.orderId,
      'Security fixture product of A',
      '#SEC-A-1',
      orgA.alertId,
      orgA.ruleId,
      orgA.channelId,
      orgA.planId,
      'a-report.csv',
      receiver.url,
    ];
  });
  afterAll(async () => {
    await fx?.destroy();
    await receiver?.close();
  });

  it('every path parameter of every live route has an org-A provider (or the route is an exempt secret-bearer)', () => {
    const missing = operations
      .filter((op) => op.pathParams.length > 0 && !exempt[opKey(op)])
      .flatMap((op) => op.pathParams.filter((p) => !orgAValueFor[p]).map((p) => `${opKey(op)}: {${p}}`));
    expect(missing, 'add a provider to orgAValueFor in cross-org.e2e.test.ts').toEqual([]);
    // The table must stay honest: exemptions and bodies name live routes.
    const live = new Set(operations.map(opKey));
    expect(Object.keys(exempt).filter((k) => !live.has(k))).toEqual([]);
    expect(Object.keys(attackBodies).filter((k) => !live.has(k))).toEqual([]);
    expect(operations.filter((op) => op.pathParams.length > 0 && !exempt[opKey(op)]).length).toBeGreaterThanOrEqual(4);
  });

  it("no caller of org B reaches org A's objects by id: no 2xx, no leak, nothing changed", async () => {
    const before = await snapshotOfA();
    const attackers = callersOf(fx.url, fx.b, 'B');
    const targeted = operations.filter((op) => op.pathParams.length > 0 && !exempt[opKey(op)]);
    const values = Object.fromEntries(Object.entries(orgAValueFor).map(([name, provide]) => [name, provide(fx)]));
    const failures: string[] = [];
    let attempts = 0;
    // Reads first, then writes, deletes last: a wrongly successful delete must not hide an earlier leak.
    const order = { GET: 0, PATCH: 1, POST: 1, PUT: 1, DELETE: 2 } as Record<string, number>;
    for (const op of [...targeted].sort((x, y) => (order[x.method] ?? 1) - (order[y.method] ?? 1))) {
      const path = fillPath(op.path, values);
      const body = op.hasBody ? attackBodies[opKey(op)] : undefined;
      if (op.hasBody && body === undefined) failures.push(`${opKey(op)}: add an attack body`);
      for (const caller of attackers) {
        attempts++;
        const r = await read(await caller.request(op.method, path, body));
        if (r.status >= 200 && r.status < 300) failures.push(`${caller.name} ${op.method} ${path}: ${r.status} ${r.text}`);
        const leaked = secretsOfA.filter((s) => r.text.includes(s));
        if (leaked.length > 0) failures.push(`${caller.name} ${op.method} ${path}: answer names ${leaked.join(', ')}`);
        // Those allowed to use the route at all must get 404 (another org's id is "not found", not "forbidden").
        if (caller.name === 'B owner' && r.status !== 404) failures.push(`${caller.name} ${op.method} ${path}: expected 404, got ${r.status}`);
      }
    }
    expect(failures).toEqual([]);
    expect(attempts).toBeGreaterThanOrEqual(4 * attackers.length);
    expect(await snapshotOfA()).toEqual(before);
    // The pending invitation of A is still live (its public preview still answers).
    expect((await fetch(`${fx.url}/api/invitations/${fx.a.pendingInvitation.token}`)).status).toBe(200);
  });

  it('control: the same calls by org A succeed, so the 404s above are about the org', async () => {
    const owner = fx.a.people.owner.client;
    const sacrificial = await expectOk<{ token: { id: string } }>(
      owner.request('POST', '/api/tokens', { kind: 'integration', name: 'control', scopes: [] }),
      201,
    );
    expect((await owner.request('DELETE', `/api/tokens/${sacrificial.token.id}`)).status).toBe(200);
    expect((await owner.request('PATCH', `/api/members/${fx.a.people.viewer.userId}`, { role: 'viewer' })).status).toBe(200);
    const limits = await expectOk<{ platform: string; buckets: Array<{ bucket: string; capacity: number }>; breakers: unknown[] }>(
      fx.a.people.viewer.client.request('GET', `/api/stores/${fx.a.storeId}/limits`),
    );
    expect(limits).toMatchObject({ platform: 'shopify', breakers: [] });
    expect(await expectOk(fx.a.people.viewer.client.request('GET', `/api/stores/${fx.a.storeId}`))).toMatchObject({ id: fx.a.storeId, credentialFields: [] });
    expect(limits.buckets).toEqual([expect.objectContaining({ bucket: 'default', capacity: 40, refillPerSecond: 2 })]);
  });

  it('lists and filters of org B never contain org A data', async () => {
    const lists = operations.filter((op) => op.method === 'GET' && op.pathParams.length === 0 && !streaming.has(opKey(op)));
    expect(lists.map(opKey)).toEqual(expect.arrayContaining(['GET /api/members', 'GET /api/tokens', 'GET /api/audit', 'GET /api/org', 'GET /api/auth/me']));
    const failures: string[] = [];
    const queries = ['', `?resourceId=${fx.a.people.viewer.userId}`, `?actor=${encodeURIComponent(fx.a.people.owner.email)}`];
    for (const caller of callersOf(fx.url, fx.b, 'B')) {
      for (const op of lists) {
        for (const query of op.path === '/api/audit' ? queries : ['']) {
          const r = await read(await caller.request('GET', `${op.path}${query}`));
          const leaked = secretsOfA.filter((s) => r.text.includes(s));
          if (leaked.length > 0) failures.push(`${caller.name} GET ${op.path}${query}: ${r.status} names ${leaked.join(', ')}`);
        }
      }
    }
    expect(failures).toEqual([]);
    // Control: org A's own audit log does mention its viewer (so the filter above is not vacuous).
    const own = await expectOk<{ entries: unknown[] }>(fx.a.people.owner.client.request('GET', `/api/audit?resourceId=${fx.a.people.viewer.userId}`));
    expect(own.entries.length).toBeGreaterThan(0);
  });

  /**
   * The task workflow routes take task ids in the body. Each is tried by every caller of B with A's ids
   * (one per state the route leaves from, so a missing org check would succeed) and, for comparison,
   * with an id that exists nowhere: the two answers must be the same (after swapping the id), so B can
   * neither act on A's tasks nor learn that they exist.
   */
  it("no caller of org B acts on org A's tasks by ids in a body: same answer as for a missing id, A's tasks unchanged", async () => {
    const a = fx.a.tasks;
    const aIds = Object.values(a).map((t) => t.id);
    const ghosts = aIds.map(() => randomUUID());
    const ghost = ghosts[0] as string;
    const bOperator = fx.b.people.operator.userId;
    const aOperator = fx.a.people.operator.userId;
    // [path, body with A's ids, the same body with ids that exist nowhere]
    const single = (path: string, body: (id: string) => Record<string, unknown>, id: string): [string, unknown, unknown] => [path, body(id), body(ghost)];
    const attacks: Array<[string, unknown, unknown]> = [
      single('/api/orchestration/tasks/submit', (id) => ({ taskIds: [id] }), a.pending.id),
      single('/api/orchestration/tasks/approve', (id) => ({ taskIds: [id], approved: true }), a.awaiting_approval.id),
      single('/api/orchestration/tasks/approve', (id) => ({ taskIds: [id], approved: false, reason: 'cross-org reject' }), a.awaiting_approval.id),
      single('/api/orchestration/tasks/assign', (id) => ({ taskId: id, assignedTo: bOperator }), a.approved.id),
      single('/api/orchestration/tasks/assign', (id) => ({ taskId: id, assignedTo: aOperator }), a.approved.id),
      single('/api/orchestration/tasks/complete', (id) => ({ taskId: id, actualHours: 1 }), a.in_progress.id),
      single('/api/orchestration/tasks/return', (id) => ({ taskId: id, reason: 'cross-org return' }), a.in_progress.id),
      // Every A task in one batch, whatever its state.
      ['/api/orchestration/tasks/submit', { taskIds: aIds }, { taskIds: ghosts }],
      ['/api/orchestration/tasks/approve', { taskIds: aIds, approved: true }, { taskIds: ghosts, approved: true }],
    ];
    const before = await snapshotOfA();
    const attackers = callersOf(fx.url, fx.b, 'B');
    const failures: string[] = [];
    let attempts = 0;
    const normalize = (text: string) => [...aIds, ...ghosts].reduce((t, id) => t.replaceAll(id, '<id>'), text).replace(/"requestId":"[^"]*"/g, '');
    for (const [path, attackBody, controlBody] of attacks) {
      for (const caller of attackers) {
        attempts++;
        const attack = await read(await caller.request('PATCH', path, attackBody));
        const control = await read(await caller.request('PATCH', path, controlBody));
        const label = `${caller.name} PATCH ${path} ${JSON.stringify(attackBody)}`;
        if (attack.status >= 200 && attack.status < 300) failures.push(`${label}: ${attack.status} ${attack.text}`);
        // A's ids may only come back as the caller sent them; nothing else of A.
        const leaked = secretsOfA.filter((s) => !aIds.includes(s) && attack.text.includes(s));
        if (leaked.length > 0) failures.push(`${label}: answer names ${leaked.join(', ')}`);
        if (attack.status !== control.status || normalize(attack.text) !== normalize(control.text))
          failures.push(
            `${label}: A's ids answer differently from missing ids: ${attack.status} ${attack.text.slice(0, 300)} vs ${control.status} ${control.text.slice(0, 300)}`,
          );
        if (caller.name === 'B owner' && ![404, 409].includes(attack.status))
          failures.push(`${label}: B owner expected 404/409 (not found), got ${attack.status}`);
      }
    }
    expect(failures).toEqual([]);
    expect(attempts).toBeGreaterThanOrEqual(7 * attackers.length);
    const after = await snapshotOfA();
    expect(after).toEqual(before);
    for (const t of Object.values(a)) expect(await taskOf(fx.a, t.id), t.status).toMatchObject({ status: t.status, version: t.version });
  });

  it("org B's task views (list, detail, batches, stats, trend, status, metrics) show nothing of org A's tasks", async () => {
    // A gets a task on a marketplace and by an agent that B never uses, so any leak into aggregates shows.
    const master = await expectOk<{ secret: string }>(
      fx.a.people.owner.client.request('POST', '/api/tokens', { kind: 'agent', name: 'A master', agentId: 'marketplace-master' }),
      201,
    );
    const kaway = await expectOk<{ task: TaskView }>(
      bearer(fx.url, 'A master', master.secret).request(
        'POST',
        '/api/orchestration/tasks',
        taskBody({ marketplace: 'kaway', createdBy: 'marketplace-master', submit: true }),
      ),
      201,
    );
    const aMetrics = await expectOk<{ agents: Array<{ agentId: string }> }>(fx.a.people.owner.client.request('GET', '/api/orchestration/metrics'));
    expect(
      aMetrics.agents.map((x) => x.agentId),
      'control: A sees its master agent',
    ).toContain('marketplace-master');
    const aBatches = await expectOk<{ grouped: Record<string, unknown> }>(fx.a.people.owner.client.request('GET', '/api/orchestration/batches'));
    expect(Object.keys(aBatches.grouped), 'control: A has kaway tasks awaiting').toContain('kaway');

    const bOwn = await expectOk<{ tasks: TaskView[] }>(fx.b.people.owner.client.request('GET', '/api/orchestration/tasks?limit=100'));
    const bIds = new Set(bOwn.tasks.map((t) => t.id));
    expect(bIds.size).toBeGreaterThanOrEqual(4);
    const aIds = [...Object.values(fx.a.tasks).map((t) => t.id), kaway.task.id];
    const byStatus = (status: string) => bOwn.tasks.filter((t) => t.status === status).length;
    const failures: string[] = [];
    for (const caller of callersOf(fx.url, fx.b, 'B')) {
      const get = async <T>(path: string) => {
        const r = await read(await caller.request('GET', path));
        const leaked = [...secretsOfA, kaway.task.id, kaway.task.title].filter((s) => r.text.includes(s));
        if (leaked.length > 0) failures.push(`${caller.name} GET ${path}: names ${leaked.join(', ')}`);
        return r.status === 200 ? (r.body as T) : null;
      };
      const list = await get<{ tasks: TaskView[]; total: number }>('/api/orchestration/tasks?limit=100');
      if (list) {
        const foreign = list.tasks.filter((t) => !bIds.has(t.id));
        if (foreign.length > 0) failures.push(`${caller.name}: list has tasks that are not B's: ${foreign.map((t) => t.id).join(', ')}`);
        if (list.total > bIds.size) failures.push(`${caller.name}: list total ${list.total} > B's ${bIds.size}`);
      }
      for (const id of aIds) {
        const r = await read(await caller.request('GET', `/api/orchestration/tasks/${id}`));
        if (r.status === 200) failures.push(`${caller.name} GET A's task ${id}: 200`);
      }
      for (const filter of ['?marketplace=kaway', '?createdBy=marketplace-master', `?q=${encodeURIComponent(kaway.task.title)}`]) {
        const r = await get<{ total: number }>(`/api/orchestration/tasks${filter}`);
        if (r && r.total !== 0) failures.push(`${caller.name} GET /api/orchestration/tasks${filter}: total ${r.total}`);
      }
      const batches = await get<{ tasks: TaskView[]; grouped: Record<string, unknown> }>('/api/orchestration/batches?limit=500');
      if (batches && (batches.tasks.some((t) => !bIds.has(t.id)) || 'kaway' in batches.grouped))
        failures.push(`${caller.name}: batches show tasks that are not B's`);
      const stats = await get<{ stats: Array<{ marketplace: string; createdToday: number }> }>('/api/orchestration/stats');
      const status = await get<{ stats: Array<{ marketplace: string }> }>('/api/orchestration/status');
      for (const [name, s] of [
        ['stats', stats],
        ['status', status],
      ] as const) {
        if (s?.stats.some((x) => x.marketplace !== 'amazon'))
          failures.push(`${caller.name} ${name}: marketplaces ${s.stats.map((x) => x.marketplace).join(', ')}`);
      }
      const metrics = await get<{ pipeline: Record<string, number>; agents: Array<{ agentId: string; generated: number }> }>('/api/orchestration/metrics');
      if (metrics) {
        const want = {
          pending: byStatus('pending'),
          awaitingApproval: byStatus('awaiting_approval'),
          approved: byStatus('approved'),
          inProgress: byStatus('in_progress'),
          completed: byStatus('completed'),
          rejected: byStatus('rejected'),
        };
        if (JSON.stringify(metrics.pipeline) !== JSON.stringify(want))
          failures.push(`${caller.name} metrics pipeline ${JSON.stringify(metrics.pipeline)} is not B's ${JSON.stringify(want)}`);
        if (metrics.agents.some((x) => x.agentId !== 'marketplace-amazon' || x.generated !== bIds.size))
          failures.push(`${caller.name} metrics agents ${JSON.stringify(metrics.agents)}`);
      }
      const trend = await get<{ days: Array<{ created: number }> }>('/api/orchestration/stats/trend?days=30');
      if (trend) {
        const created = trend.days.reduce((n, d) => n + d.created, 0);
        if (created !== bIds.size) failures.push(`${caller.name} trend counts ${created} created, B has ${bIds.size}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it("org B's agent token sees only B's tasks (never A's) in the list", async () => {
    const list = await expectOk<{ tasks: TaskView[] }>(bearer(fx.url, 'B agent', fx.b.agent.secret).request('GET', '/api/orchestration/tasks?limit=100'));
    expect(list.tasks.length).toBeGreaterThanOrEqual(4);
    expect(list.tasks.every((t) => t.createdBy === 'marketplace-amazon')).toBe(true);
    const aIds = new Set(Object.values(fx.a.tasks).map((t) => t.id));
    expect(list.tasks.filter((t) => aIds.has(t.id))).toEqual([]);
    expect(new Set(list.tasks.map((t) => t.id))).toEqual(new Set(Object.values(fx.b.tasks).map((t) => t.id)));
  });

  it("switching to org A's id is refused for org B's people (404) and their session stays in B", async () => {
    for (const role of ['owner', 'admin', 'operator', 'viewer'] as const) {
      const client = fx.b.people[role].client;
      const r = await read(await client.request('POST', '/api/auth/switch-org', { orgId: fx.a.id }));
      expect(r.status, `${role}: ${r.text}`).toBe(404);
      expect(secretsOfA.filter((s) => r.text.includes(s))).toEqual([]);
      const me = await expectOk<{ org: { id: string } }>(client.request('GET', '/api/auth/me'));
      expect(me.org.id).toBe(fx.b.id);
    }
  });

  it("the event stream of org B never delivers org A's events (live or replayed)", async () => {
    const marker = `a-secret-${randomBytes(6).toString('hex')}`;
    const sentinel = `b-sentinel-${randomBytes(6).toString('hex')}`;
    const headersOf = (c: { cookie: string }) => ({ cookie: c.cookie });
    const listeners: Array<{ name: string; open: Awaited<ReturnType<typeof openSse>> }> = [];
    for (const role of ['owner', 'viewer'] as const) {
      listeners.push({ name: `B ${role}`, open: await openSse(`${fx.url}/api/events`, headersOf(fx.b.people[role].client)) });
    }
    listeners.push({ name: 'B integration token', open: await openSse(`${fx.url}/api/events`, { authorization: `Bearer ${fx.b.integration.secret}` }) });
    const inA = await openSse(`${fx.url}/api/events`, headersOf(fx.a.people.viewer.client));
    try {
      for (const l of [...listeners, { name: 'A viewer', open: inA }]) expect(l.open.res.status, l.name).toBe(200);
      await expectOk(fx.a.people.owner.client.request('POST', '/api/events/test', { message: marker }), 202);
      // Published after A's event: once B sees its own sentinel, A's event would have arrived too.
      await expectOk(fx.b.people.owner.client.request('POST', '/api/events/test', { message: sentinel }), 202);
      await inA.waitFor((frames) => frames.some((f) => f.data?.includes(marker)));
      for (const l of listeners) {
        await l.open.waitFor((frames) => frames.some((f) => f.data?.includes(sentinel)));
        const seen = JSON.stringify(l.open.frames);
        expect(seen, l.name).not.toContain(marker);
        expect(seen, l.name).not.toContain(fx.a.id);
      }
    } finally {
      for (const l of listeners) l.open.close();
      inA.close();
    }
    // Replay from the very beginning as B: still nothing of A.
    const replay = await openSse(`${fx.url}/api/events?lastEventId=0`, headersOf(fx.b.people.owner.client));
    try {
      await replay.waitFor((frames) => frames.some((f) => f.data?.includes(sentinel)));
      expect(JSON.stringify(replay.frames)).not.toContain(marker);
    } finally {
      replay.close();
    }
  });
});
