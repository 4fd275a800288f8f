/**
 * Mass assignment: fields a client must never set (org, role, status, approver, timestamps, ids) are
 * refused by name on every JSON body route, before anything happens. Table-driven from /openapi.json:
 * a body route without a base body here fails the suite.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn } from '../../helpers/api-client.ts';
import { openSse } from '../../helpers/sse-client.ts';
import {
  anonymous,
  bearer,
  type Caller,
  expectOk,
  liveOperations,
  type OpenApiOperation,
  opKey,
  prepareTask,
  read,
  type SecurityFixture,
  sessionCaller,
  startSecurityFixture,
  type TaskView,
  taskBody,
} from './fixture.ts';

const injected: Record<string, unknown> = {
  orgId: '00000000-0000-7000-8000-000000000000',
  role: 'owner',
  status: 'approved',
  approvedBy: '00000000-0000-7000-8000-000000000001',
  createdAt: '2000-01-01T00:00:00.000Z',
  userId: '00000000-0000-7000-8000-000000000002',
  id: '00000000-0000-7000-8000-000000000003',
  version: 99,
  createdBy: 'marketplace-master',
  assignedTo: '00000000-0000-7000-8000-000000000004',
  completedBy: '00000000-0000-7000-8000-000000000005',
  approvedAt: '2000-01-01T00:00:00.000Z',
  completedAt: '2000-01-01T00:00:00.000Z',
  dedupeKey: 'forged',
};

const eventMarker = `mass-${randomBytes(6).toString('hex')}`;

interface Case {
  caller: (fx: SecurityFixture) => Caller;
  path?: (fx: SecurityFixture) => string;
  /** A body the route would accept (or at least pass validation with). */
  base: (fx: SecurityFixture) => Record<string, unknown>;
}

const owner = (fx: SecurityFixture) => sessionCaller('A owner', fx.a.people.owner.client);
/** Fresh tasks of A (made in beforeAll), one per route, in the state the route leaves from. */
const tasks = {} as Record<'submit' | 'approve' | 'assign' | 'complete' | 'return', TaskView>;
const createTitle = `Mass assignment probe ${randomBytes(4).toString('hex')}`;
const cases: Record<string, Case> = {
  'POST /api/auth/login': { caller: (fx) => anonymous(fx.url), base: (fx) => ({ email: fx.a.people.viewer.email, password: fx.a.people.viewer.password }) },
  'POST /api/auth/switch-org': { caller: owner, base: (fx) => ({ orgId: fx.a.id }) },
  'POST /api/auth/password': {
    caller: (fx) => sessionCaller('A operator', fx.a.people.operator.client),
    base: (fx) => ({ currentPassword: fx.a.people.operator.password, newPassword: 'a brand new passphrase 77' }),
  },
  'POST /api/auth/2fa/enable': { caller: owner, base: () => ({ code: '123456' }) },
  'POST /api/auth/2fa/disable': { caller: owner, base: (fx) => ({ password: fx.a.people.owner.password, code: '123456' }) },
  'POST /api/auth/2fa/recovery-codes': { caller: owner, base: () => ({ code: '123456' }) },
  'POST /api/invitations/accept': {
    caller: (fx) => anonymous(fx.url),
    base: (fx) => ({ token: fx.a.pendingInvitation.token, name: 'Mass', password: 'a brand new passphrase 77' }),
  },
  'PATCH /api/org': { caller: owner, base: () => ({ name: 'Renamed by mass assignment' }) },
  'POST /api/members/invitations': { caller: owner, base: () => ({ email: 'mass@a.test', role: 'viewer' }) },
  'PATCH /api/members/{userId}': { caller: owner, path: (fx) => `/api/members/${fx.a.people.viewer.userId}`, base: () => ({ role: 'operator' }) },
  'POST /api/tokens': { caller: owner, base: () => ({ kind: 'integration', name: 'mass assigned', scopes: [] }) },
  'POST /api/events/test': { caller: owner, base: () => ({ message: eventMarker }) },
  'POST /api/orchestration/tasks': { caller: (fx) => bearer(fx.url, 'A agent', fx.a.agent.secret), base: () => taskBody({ title: createTitle }) },
  'PATCH /api/orchestration/tasks/submit': { caller: (fx) => bearer(fx.url, 'A agent', fx.a.agent.secret), base: () => ({ taskIds: [tasks.submit.id] }) },
  'PATCH /api/orchestration/tasks/approve': { caller: owner, base: () => ({ taskIds: [tasks.approve.id], approved: true }) },
  'PATCH /api/orchestration/tasks/assign': { caller: owner, base: (fx) => ({ taskId: tasks.assign.id, assignedTo: fx.a.people.operator.userId }) },
  'PATCH /api/orchestration/tasks/complete': {
    caller: (fx) => sessionCaller('A operator', fx.a.people.operator.client),
    base: () => ({ taskId: tasks.complete.id, actualHours: 3, notes: 'done' }),
  },
  'PATCH /api/orchestration/tasks/return': { caller: owner, base: () => ({ taskId: tasks.return.id, reason: 'back to the backlog' }) },
  'POST /api/notifications/read': { caller: owner, base: () => ({ all: true }) },
  'POST /api/jobs/probe': { caller: owner, base: () => ({ startAfterSeconds: 3600 }) },
  'POST /api/jobs/dead/replay': { caller: owner, base: () => ({ type: 'jobs.probe' }) },
  'PUT /api/schedules/{name}': { caller: owner, path: () => '/api/schedules/jobs.daily-summary', base: () => ({ enabled: true }) },
  'PATCH /api/orchestration/agents/{agentId}': { caller: owner, path: () => '/api/orchestration/agents/marketplace-amazon', base: () => ({ enabled: true }) },
  'PUT /api/alert-rules/{ruleId}': { caller: owner, path: () => `/api/alert-rules/${alertRuleId}`, base: () => ({ threshold: 123 }) },
  // A public-looking target: every probe is refused by validation before any test message would be sent.
  'POST /api/notification-channels': { caller: owner, base: () => ({ type: 'webhook', name: 'Mass', config: { url: 'https://example.com/hook' } }) },
  'PATCH /api/notification-channels/{channelId}': {
    caller: owner,
    path: () => '/api/notification-channels/00000000-0000-7000-8000-00000000000a',
    base: () => ({ name: 'Renamed channel' }),
  },
  'POST /api/stores': {
    caller: owner,
    base: () => ({ platform: 'shopify', name: 'Mass', connectorConfig: { shop: 'mass.myshopify.com' }, credentials: { accessToken: 'shpat_mass_probe' } }),
  },
  'PATCH /api/stores/{storeId}': { caller: owner, path: (fx) => `/api/stores/${fx.a.storeId}`, base: () => ({ name: 'Renamed store' }) },
  // A's store is a Shopify store: a valid feed body would be refused as 409 (not a feed store) after validation, never written.
  'POST /api/stores/{storeId}/feeds/{kind}': {
    caller: owner,
    path: (fx) => `/api/stores/${fx.a.storeId}/feeds/stock`,
    base: () => ({ content: 'sku,quantity\nA-1,1\n' }),
  },
  // A plan id of nobody: every probe is refused by validation before the plan is looked up.
  'PATCH /api/marketplace/analysis/{planId}': {
    caller: owner,
    path: () => '/api/marketplace/analysis/00000000-0000-7000-8000-00000000000b',
    base: () => ({ action: 'reject', reason: 'mass assignment probe' }),
  },
};
/** The first alert rule of A (read in beforeAll). */
let alertRuleId = '';

describe('security: mass assignment', () => {
  let fx: SecurityFixture;
  let bodyRoutes: OpenApiOperation[];

  const snapshot = async () => {
    const c = fx.a.people.owner.client;
    const [members, tokens, org, audit, taskList, notifications] = await Promise.all([
      expectOk(c.request('GET', '/api/members')),
      expectOk<{ tokens: Array<{ id: string; name: string; revokedAt: string | null; scopes: string[] }> }>(c.request('GET', '/api/tokens')),
      expectOk(c.request('GET', '/api/org')),
      expectOk<{ entries: Array<{ id: string }> }>(c.request('GET', '/api/audit?limit=200')),
      expectOk<{ tasks: unknown[] }>(c.request('GET', '/api/orchestration/tasks?limit=100')),
      expectOk(c.request('GET', '/api/notifications')),
    ]);
    const rules = await expectOk<{ rules: Array<{ id: string; threshold: number; enabled: boolean; channels: string[] }> }>(
      c.request('GET', '/api/alert-rules'),
    );
    return {
      members,
      tokens: tokens.tokens.map(({ id, name, revokedAt, scopes }) => ({ id, name, revokedAt, scopes })),
      org,
      audit: audit.entries.map((e) => e.id),
      tasks: taskList.tasks,
      notifications,
      rules: rules.rules.map(({ id, threshold, enabled, channels }) => ({ id, threshold, enabled, channels })),
    };
  };

  beforeAll(async () => {
    fx = await startSecurityFixture();
    bodyRoutes = (await liveOperations(fx.url)).filter((op) => op.hasBody);
    const [submit, approve, assign, complete, ret] = await Promise.all([
      prepareTask(fx.url, fx.a, 'pending'),
      prepareTask(fx.url, fx.a, 'awaiting_approval'),
      prepareTask(fx.url, fx.a, 'approved'),
      prepareTask(fx.url, fx.a, 'in_progress'),
      prepareTask(fx.url, fx.a, 'in_progress'),
    ]);
    Object.assign(tasks, { submit, approve, assign, complete, return: ret });
    const rules = await expectOk<{ rules: Array<{ id: string }> }>(fx.a.people.owner.client.request('GET', '/api/alert-rules'));
    alertRuleId = rules.rules[0]?.id as string;
  });
  afterAll(async () => {
    await fx?.destroy();
  });

  it('every JSON body route has a case here, and declares additionalProperties: false', () => {
    expect(bodyRoutes.map(opKey).sort()).toEqual(Object.keys(cases).sort());
    expect(bodyRoutes.filter((op) => op.bodyAdditionalProperties !== false).map(opKey)).toEqual([]);
  });

  it('each injected field is refused by name with 400 VALIDATION, and nothing changes', async () => {
    const before = await snapshot();
    expect((before.notifications as { unread: number }).unread, 'the owner has unread notifications to protect').toBeGreaterThan(0);
    const sse = await openSse(`${fx.url}/api/events`, { cookie: fx.a.people.owner.client.cookie });
    const failures: string[] = [];
    let probes = 0;
    try {
      for (const op of bodyRoutes) {
        const c = cases[opKey(op)] as Case;
        const caller = c.caller(fx);
        const path = c.path?.(fx) ?? op.path;
        const base = c.base(fx);
        const keys = Object.keys(injected).filter((k) => !op.bodyProperties.includes(k));
        const attempts: Array<[string, Record<string, unknown>]> = [
          ...keys.map((k): [string, Record<string, unknown>] => [k, { ...base, [k]: injected[k] }]),
          [keys.join('+'), { ...base, ...Object.fromEntries(keys.map((k) => [k, injected[k]])) }],
        ];
        for (const [label, body] of attempts) {
          probes++;
          const r = await read(await caller.request(op.method, path, body));
          const error = (r.body as { error?: string; code?: string } | null) ?? {};
          if (r.status !== 400 || error.code !== 'VALIDATION') failures.push(`${opKey(op)} +${label}: ${r.status} ${r.text.slice(0, 200)}`);
          else if (!label.split('+').every((k) => error.error?.includes(`"${k}"`)))
            failures.push(`${opKey(op)} +${label}: the error does not name the field: ${error.error}`);
          if (r.headers.get('set-cookie')) failures.push(`${opKey(op)} +${label}: set a cookie`);
        }
      }
      expect(failures).toEqual([]);
      expect(probes).toBeGreaterThanOrEqual(bodyRoutes.length * 5);
      // No event was published by the refused /api/events/test calls: a valid one arrives, the refused ones never did.
      const sentinel = `sentinel-${randomBytes(6).toString('hex')}`;
      await expectOk(fx.a.people.owner.client.request('POST', '/api/events/test', { message: sentinel }), 202);
      await sse.waitFor((frames) => frames.some((f) => f.data?.includes(sentinel)));
      expect(JSON.stringify(sse.frames)).not.toContain(eventMarker);
    } finally {
      sse.close();
    }
    expect(await snapshot()).toEqual(before);
    // The pending invitation was not consumed, the operator's password did not change, the login set no session.
    expect((await fetch(`${fx.url}/api/invitations/${fx.a.pendingInvitation.token}`)).status).toBe(200);
    await signIn(fx.url, fx.a.people.operator.email, fx.a.people.operator.password);
    const me = await expectOk<{ org: { id: string }; role: string }>(fx.a.people.owner.client.request('GET', '/api/auth/me'));
    expect(me).toMatchObject({ org: { id: fx.a.id }, role: 'owner' });
  });

  it('control: the base bodies themselves are accepted (so the 400s are about the injected fields)', async () => {
    const accepted = [
      'PATCH /api/members/{userId}',
      'POST /api/tokens',
      'POST /api/members/invitations',
      'PATCH /api/org',
      'POST /api/auth/switch-org',
      'POST /api/orchestration/tasks',
      'PATCH /api/orchestration/tasks/submit',
      'PATCH /api/orchestration/tasks/approve',
      'PATCH /api/orchestration/tasks/assign',
      'PATCH /api/orchestration/tasks/complete',
      'PATCH /api/orchestration/tasks/return',
      'POST /api/notifications/read',
    ];
    for (const key of accepted) {
      const op = bodyRoutes.find((o) => opKey(o) === key) as OpenApiOperation;
      const c = cases[key] as Case;
      const r = await read(await c.caller(fx).request(op.method, c.path?.(fx) ?? op.path, c.base(fx)));
      expect(r.status, `${key}: ${r.text}`).toBeLessThan(300);
    }
    // The task bodies did what they say, with the server's values, not anything injected.
    const c = fx.a.people.owner.client;
    const view = async (id: string) => (await expectOk<{ task: TaskView & Record<string, unknown> }>(c.request('GET', `/api/orchestration/tasks/${id}`))).task;
    expect(await view(tasks.submit.id)).toMatchObject({ status: 'awaiting_approval', version: tasks.submit.version + 1 });
    expect(await view(tasks.approve.id)).toMatchObject({ status: 'approved', approvedBy: fx.a.people.owner.userId });
    expect(await view(tasks.assign.id)).toMatchObject({ status: 'in_progress', assignedTo: fx.a.people.operator.userId });
    expect(await view(tasks.complete.id)).toMatchObject({ status: 'completed', completedBy: fx.a.people.operator.userId });
    expect(await view(tasks.return.id)).toMatchObject({ status: 'pending' });
    const created = await expectOk<{ tasks: Array<Record<string, unknown>> }>(
      c.request('GET', `/api/orchestration/tasks?q=${encodeURIComponent(createTitle)}`),
    );
    expect(created.tasks).toHaveLength(1);
    expect(created.tasks[0]).toMatchObject({ status: 'pending', createdBy: 'marketplace-amazon', version: 1 });
    expect(Date.parse(created.tasks[0]?.createdAt as string)).toBeGreaterThan(Date.parse('2020-01-01'));
    expect((await expectOk<{ unread: number }>(c.request('GET', '/api/notifications'))).unread).toBe(0);
  });

  it('nested objects are strict too: unknown keys inside org settings are refused', async () => {
    const r = await read(await fx.a.people.owner.client.request('PATCH', '/api/org', { settings: { timeZone: 'UTC', orgId: fx.b.id } }));
    expect(r.status, r.text).toBe(400);
    expect((r.body as { error: string }).error).toContain('"orgId"');
  });

  it('query strings are strict: an orgId in the audit filter is refused, not obeyed', async () => {
    const r = await read(await fx.a.people.owner.client.request('GET', `/api/audit?orgId=${fx.b.id}`));
    expect(r.status, r.text).toBe(400);
    expect((r.body as { error: string }).error).toContain('orgId');
  });
});
