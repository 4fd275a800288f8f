/**
 * BFLA: an explicit, hand-written expectation for every route × caller (from DESIGN.md's roles table
 * and the permission map, deliberately not computed from the code), checked against the live server.
 * A route in /openapi.json that is missing here fails the suite. Also: role escalation by admins and
 * the last-owner rule.
 *
 * Task routes get a real task per cell (created by org A's amazon agent and moved into the state the
 * route leaves from), so an allowed caller must actually succeed and a refused one must leave the task
 * exactly as it was (status and version, read back through A's owner).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn } from '../../helpers/api-client.ts';
import {
  anonymous,
  bearer,
  type Caller,
  expectOk,
  liveOperations,
  opKey,
  prepareTask,
  read,
  type SecurityFixture,
  sessionCaller,
  startSecurityFixture,
  taskBody,
  taskOf,
} from './fixture.ts';

const Y = 'allow' as const;
const N = 'deny' as const;
/** Refused as "not found" (404) although authenticated: the route is open to the permission, the object is not (nothing changes). */
const H = 'hidden' as const;
type Cell = typeof Y | typeof N | typeof H;

const callerNames = [
  'anonymous',
  'viewer',
  'operator',
  'admin',
  'owner',
  'agent token',
  'integration token (no scopes)',
  'integration token (all grantable scopes)',
] as const;
type CallerName = (typeof callerNames)[number];

interface Row {
  /** anonymous, viewer, operator, admin, owner, agent, integration without scopes, integration with every grantable scope */
  cells: [Cell, Cell, Cell, Cell, Cell, Cell, Cell, Cell];
  /** A concrete path when the route has parameters: ids that do not exist (an allowed caller then gets 404, not 401/403). */
  path?: string;
  /** A harmless body: invalid (400 = authorization passed) or a no-op. */
  body?: unknown;
  /** Needs a throw-away session (the call ends it). */
  freshSession?: boolean;
  /**
   * Builds the request for one caller just before its call (a fresh task in the right state). An allowed
   * caller must then answer exactly `ok`; for the others the tasks in `watch` must stay unchanged.
   */
  prepare?: (fx: SecurityFixture, caller: CallerName) => Promise<{ path?: string; body?: unknown; watch?: string[]; createsTitle?: string }>;
  /** With `prepare`: the status an allowed caller must get. */
  ok?: number;
}

/** `createdBy` names the caller itself: a person's e-mail, an agent's id, an integration token's `token:<id>`. */
const creatorFor = (fx: SecurityFixture, caller: CallerName): string =>
  caller === 'agent token'
    ? 'marketplace-amazon'
    : caller === 'viewer' || caller === 'operator' || caller === 'admin' || caller === 'owner'
      ? fx.a.people[caller].email
      : caller === 'integration token (all grantable scopes)'
        ? `token:${fx.a.integration.id}`
        : `token:${fx.a.integrationNoScopes.id}`;

/** A fresh task of A's amazon agent in `state`, and a body that names it. */
const withTask =
  (state: Parameters<typeof prepareTask>[2], body: (taskId: string, fx: SecurityFixture) => Record<string, unknown>) => async (fx: SecurityFixture) => {
    const task = await prepareTask(fx.url, fx.a, state);
    return { body: body(task.id, fx), watch: [task.id] };
  };

const ghostUuid = randomUUID();
const ghostTokenId = 'zzzzzzzzzzzzzzzz';
const ghostInvitationToken = randomBytes(32).toString('base64url');

//                                                        anon viewer oper admin owner agent int0 int*
const expectations: Record<string, Row> = {
  'GET /healthz': { cells: [Y, Y, Y, Y, Y, Y, Y, Y] },
  'GET /readyz': { cells: [Y, Y, Y, Y, Y, Y, Y, Y] },
  'GET /metrics': { cells: [Y, Y, Y, Y, Y, Y, Y, Y] },
  'GET /api/system/info': { cells: [N, Y, Y, Y, Y, Y, N, Y] },
  // Health: public for load balancers (credentials without health.read get the same minimal answer), details with health.read.
  'GET /api/health': { cells: [Y, Y, Y, Y, Y, Y, Y, Y] },
  'GET /api/health/patterns': { cells: [N, Y, Y, Y, Y, N, N, Y] },
  'GET /api/health/queue-history': { cells: [N, Y, Y, Y, Y, N, N, Y] },
  'POST /api/health/patterns/{patternId}/fix': { cells: [N, N, N, Y, Y, N, N, N], path: `/api/health/patterns/${ghostUuid}/fix` },
  'GET /api/metrics/snapshots': { cells: [N, Y, Y, Y, Y, N, N, Y], path: '/api/metrics/snapshots?metric=tasks_created' },
  'GET /api/events': { cells: [N, Y, Y, Y, Y, N, N, Y] },
  // The capability matrix is static product information: any member, agent tokens and tokens with system.read.
  'GET /api/connectors': { cells: [N, Y, Y, Y, Y, Y, N, Y] },
  'POST /api/events/test': { cells: [N, N, N, Y, Y, N, N, Y], body: { message: 'bfla probe' } },
  'POST /api/auth/login': { cells: [Y, Y, Y, Y, Y, Y, Y, Y], body: {} },
  'GET /api/auth/me': { cells: [N, Y, Y, Y, Y, N, N, N] },
  'POST /api/auth/switch-org': { cells: [N, Y, Y, Y, Y, N, N, N], body: {} },
  'POST /api/auth/password': { cells: [N, Y, Y, Y, Y, N, N, N], body: {} },
  'POST /api/auth/2fa/setup': { cells: [N, Y, Y, Y, Y, N, N, N] },
  'POST /api/auth/2fa/enable': { cells: [N, Y, Y, Y, Y, N, N, N], body: {} },
  'POST /api/auth/2fa/disable': { cells: [N, Y, Y, Y, Y, N, N, N], body: {} },
  'POST /api/auth/2fa/recovery-codes': { cells: [N, Y, Y, Y, Y, N, N, N], body: {} },
  'GET /api/invitations/{token}': { cells: [Y, Y, Y, Y, Y, Y, Y, Y], path: `/api/invitations/${ghostInvitationToken}` },
  'POST /api/invitations/accept': { cells: [Y, Y, Y, Y, Y, Y, Y, Y], body: {} },
  'GET /api/org': { cells: [N, Y, Y, Y, Y, N, N, Y] },
  'PATCH /api/org': { cells: [N, N, N, Y, Y, N, N, N], body: {} },
  'GET /api/members': { cells: [N, Y, Y, Y, Y, N, N, Y] },
  'POST /api/members/invitations': { cells: [N, N, N, Y, Y, N, N, N], body: {} },
  'DELETE /api/members/invitations/{invitationId}': { cells: [N, N, N, Y, Y, N, N, N], path: `/api/members/invitations/${ghostUuid}` },
  'PATCH /api/members/{userId}': { cells: [N, N, N, Y, Y, N, N, N], path: `/api/members/${ghostUuid}`, body: { role: 'viewer' } },
  'DELETE /api/members/{userId}': { cells: [N, N, N, Y, Y, N, N, N], path: `/api/members/${ghostUuid}` },
  'GET /api/tokens': { cells: [N, N, N, Y, Y, N, N, N] },
  'POST /api/tokens': { cells: [N, N, N, Y, Y, N, N, N], body: {} },
  'DELETE /api/tokens/{tokenId}': { cells: [N, N, N, Y, Y, N, N, N], path: `/api/tokens/${ghostTokenId}` },
  'GET /api/audit': { cells: [N, N, N, Y, Y, N, N, Y] },
  // Stores: rate limits and breakers are operational state (system.read), like the health page.
  'GET /api/stores/{storeId}/limits': { cells: [N, Y, Y, Y, Y, Y, N, Y], path: `/api/stores/${ghostUuid}/limits` },
  // Stores: members read; owners and admins manage (credentials): stores.manage is never grantable to tokens.
  'GET /api/stores': { cells: [N, Y, Y, Y, Y, N, N, Y] },
  'POST /api/stores': { cells: [N, N, N, Y, Y, N, N, N], body: {} },
  'GET /api/stores/oauth/shopify/start': { cells: [N, N, N, Y, Y, N, N, N] },
  'GET /api/stores/oauth/shopify/callback': { cells: [N, N, N, Y, Y, N, N, N] },
  'GET /api/stores/oauth/mercadolivre/start': { cells: [N, N, N, Y, Y, N, N, N] },
  'GET /api/stores/oauth/mercadolivre/callback': { cells: [N, N, N, Y, Y, N, N, N] },
  'GET /api/stores/oauth/shopee/start': { cells: [N, N, N, Y, Y, N, N, N] },
  'GET /api/stores/oauth/shopee/callback': { cells: [N, N, N, Y, Y, N, N, N] },
  'GET /api/stores/oauth/tiktokshop/start': { cells: [N, N, N, Y, Y, N, N, N] },
  'GET /api/stores/oauth/tiktokshop/callback': { cells: [N, N, N, Y, Y, N, N, N] },
  'GET /api/stores/{storeId}': { cells: [N, H, H, H, H, N, N, H], path: `/api/stores/${ghostUuid}` },
  'PATCH /api/stores/{storeId}': { cells: [N, N, N, H, H, N, N, N], path: `/api/stores/${ghostUuid}`, body: { name: 'x' } },
  'POST /api/stores/{storeId}/pause': { cells: [N, N, N, H, H, N, N, N], path: `/api/stores/${ghostUuid}/pause` },
  'POST /api/stores/{storeId}/resume': { cells: [N, N, N, H, H, N, N, N], path: `/api/stores/${ghostUuid}/resume` },
  'POST /api/stores/{storeId}/disconnect': { cells: [N, N, N, H, H, N, N, N], path: `/api/stores/${ghostUuid}/disconnect` },
  'POST /api/stores/{storeId}/test': { cells: [N, N, N, H, H, N, N, N], path: `/api/stores/${ghostUuid}/test` },
  'POST /api/stores/{storeId}/sync': { cells: [N, N, N, H, H, N, N, N], path: `/api/stores/${ghostUuid}/sync` },
  // Kaway feed files: uploading writes the store's catalog (stores.manage); the stock export is a read (stores.read).
  'POST /api/stores/{storeId}/feeds/{kind}': {
    cells: [N, N, N, H, H, N, N, N],
    path: `/api/stores/${ghostUuid}/feeds/stock`,
    body: { content: 'sku,quantity\nA,1\n' },
  },
  'GET /api/stores/{storeId}/feeds/stock/export': { cells: [N, H, H, H, H, N, N, H], path: `/api/stores/${ghostUuid}/feeds/stock/export` },
  // Catalog and orders (read-only): everyone in the org; integration tokens with catalog.read / orders.read; not agent tokens.
  'GET /api/catalog/products': { cells: [N, Y, Y, Y, Y, N, N, Y] },
  'GET /api/catalog/products/{productId}': { cells: [N, H, H, H, H, N, N, H], path: `/api/catalog/products/${ghostUuid}` },
  'GET /api/orders': { cells: [N, Y, Y, Y, Y, N, N, Y] },
  'GET /api/orders/summary': { cells: [N, Y, Y, Y, Y, N, N, Y] },
  'GET /api/orders/{orderId}': { cells: [N, H, H, H, H, N, N, H], path: `/api/orders/${ghostUuid}` },
  // Analysis plans (seed 002): everyone in the org reads; owners and admins upload and decide (plans.manage is not token-grantable).
  'POST /api/marketplace/analysis/upload': { cells: [N, N, N, Y, Y, N, N, N], body: {} },
  'GET /api/marketplace/analysis': { cells: [N, Y, Y, Y, Y, N, N, Y] },
  'GET /api/marketplace/analysis/{planId}': { cells: [N, H, H, H, H, N, N, H], path: `/api/marketplace/analysis/${ghostUuid}` },
  'PATCH /api/marketplace/analysis/{planId}': { cells: [N, N, N, H, H, N, N, N], path: `/api/marketplace/analysis/${ghostUuid}`, body: { action: 'approve' } },
  'GET /api/stores/{storeId}/webhook-events': { cells: [N, H, H, H, H, N, N, H], path: `/api/stores/${ghostUuid}/webhook-events` },
  // Inbound channel webhooks: public (the channel's signature is the credential); an unknown store is 404 for everyone.
  'POST /api/webhooks/{platform}/{storeId}': { cells: [Y, Y, Y, Y, Y, Y, Y, Y], path: `/api/webhooks/shopify/${ghostUuid}`, body: {} },
  // Mercado Livre's app-wide notifications: unsigned hints (a malformed one is 400 for everyone), re-fetched with the store's token.
  'POST /api/webhooks/mercadolivre': { cells: [Y, Y, Y, Y, Y, Y, Y, Y], body: {} },
  // Tasks (seed 000). Agent tokens: system.read, tasks.read, tasks.create; integration tokens may carry tasks.read and tasks.create only.
  'POST /api/orchestration/tasks': {
    cells: [N, N, N, Y, Y, Y, N, Y],
    ok: 201,
    prepare: async (fx, caller) => {
      const body = taskBody({ createdBy: creatorFor(fx, caller) });
      return { body, createsTitle: body.title as string };
    },
  },
  'GET /api/orchestration/tasks': { cells: [N, Y, Y, Y, Y, Y, N, Y] },
  'GET /api/orchestration/tasks/{id}': {
    cells: [N, Y, Y, Y, Y, Y, N, Y],
    ok: 200,
    prepare: async (fx) => ({ path: `/api/orchestration/tasks/${fx.a.tasks.pending.id}` }),
  },
  // Submitting: the creating agent (its own tasks) or an approver; others who may read tasks are answered "not found".
  'PATCH /api/orchestration/tasks/submit': { cells: [N, H, H, Y, Y, Y, N, H], ok: 200, prepare: withTask('pending', (id) => ({ taskIds: [id] })) },
  'PATCH /api/orchestration/tasks/approve': {
    cells: [N, N, N, Y, Y, N, N, N],
    ok: 200,
    prepare: withTask('awaiting_approval', (id) => ({ taskIds: [id], approved: true })),
  },
  'PATCH /api/orchestration/tasks/assign': {
    cells: [N, N, N, Y, Y, N, N, N],
    ok: 200,
    prepare: withTask('approved', (id, fx) => ({ taskId: id, assignedTo: fx.a.people.operator.userId })),
  },
  // In progress and assigned to the operator: the operator completes/returns their own, admins any.
  'PATCH /api/orchestration/tasks/complete': {
    cells: [N, N, Y, Y, Y, N, N, N],
    ok: 200,
    prepare: withTask('in_progress', (id) => ({ taskId: id, actualHours: 3 })),
  },
  'PATCH /api/orchestration/tasks/return': {
    cells: [N, N, Y, Y, Y, N, N, N],
    ok: 200,
    prepare: withTask('in_progress', (id) => ({ taskId: id, reason: 'blocked by the supplier' })),
  },
  'GET /api/orchestration/stats': { cells: [N, Y, Y, Y, Y, Y, N, Y] },
  'GET /api/orchestration/stats/trend': { cells: [N, Y, Y, Y, Y, Y, N, Y] },
  'GET /api/orchestration/status': { cells: [N, Y, Y, Y, Y, Y, N, Y] },
  'GET /api/orchestration/batches': { cells: [N, Y, Y, Y, Y, Y, N, Y] },
  'GET /api/orchestration/metrics': { cells: [N, Y, Y, Y, Y, Y, N, Y] },
  // Jobs and schedules: everyone in the org reads; admins and owners act. Agent tokens: neither.
  'GET /api/jobs': { cells: [N, Y, Y, Y, Y, N, N, Y] },
  'GET /api/jobs/dead': { cells: [N, Y, Y, Y, Y, N, N, Y] },
  'GET /api/jobs/stats': { cells: [N, Y, Y, Y, Y, N, N, Y] },
  'GET /api/jobs/{jobId}': { cells: [N, Y, Y, Y, Y, N, N, Y], path: `/api/jobs/${ghostUuid}` },
  'POST /api/jobs/{jobId}/retry': { cells: [N, N, N, Y, Y, N, N, Y], path: `/api/jobs/${ghostUuid}/retry` },
  'POST /api/jobs/{jobId}/cancel': { cells: [N, N, N, Y, Y, N, N, Y], path: `/api/jobs/${ghostUuid}/cancel` },
  'POST /api/jobs/dead/replay': { cells: [N, N, N, Y, Y, N, N, Y], body: {} },
  'POST /api/jobs/probe': { cells: [N, N, N, Y, Y, N, N, Y], body: { failAttempts: -1 } },
  'GET /api/schedules': { cells: [N, Y, Y, Y, Y, N, N, Y] },
  'PUT /api/schedules/{name}': { cells: [N, N, N, Y, Y, N, N, Y], path: '/api/schedules/jobs.daily-summary', body: {} },
  // Marketplace agents: everyone in the org reads; admins and owners run and configure them. Agent tokens: neither.
  'GET /api/orchestration/agents': { cells: [N, Y, Y, Y, Y, N, N, Y] },
  'POST /api/orchestration/agents/run-all': { cells: [N, N, N, Y, Y, N, N, Y] },
  'GET /api/orchestration/agents/{agentId}': { cells: [N, Y, Y, Y, Y, N, N, Y], path: '/api/orchestration/agents/marketplace-ghost' },
  'PATCH /api/orchestration/agents/{agentId}': { cells: [N, N, N, Y, Y, N, N, Y], path: '/api/orchestration/agents/marketplace-ghost', body: {} },
  'POST /api/orchestration/agents/{agentId}/run': { cells: [N, N, N, Y, Y, N, N, Y], path: '/api/orchestration/agents/marketplace-ghost/run' },
  'GET /api/orchestration/agents/{agentId}/runs': { cells: [N, Y, Y, Y, Y, N, N, Y], path: '/api/orchestration/agents/marketplace-ghost/runs' },
  // The bell: signed-in people only, never tokens.
  'GET /api/notifications': { cells: [N, Y, Y, Y, Y, N, N, N] },
  'POST /api/notifications/read': { cells: [N, Y, Y, Y, Y, N, N, N], body: {} },
  // Alerts: everyone in the org reads them; operators and up acknowledge; owners/admins edit rules. Integration tokens
  // may carry alerts.* scopes (not channels.manage: channels hold credentials).
  'GET /api/alerts': { cells: [N, Y, Y, Y, Y, N, N, Y] },
  'POST /api/alerts/{alertId}/acknowledge': { cells: [N, N, H, H, H, N, N, H], path: `/api/alerts/${ghostUuid}/acknowledge` },
  'POST /api/alerts/evaluate': { cells: [N, N, N, Y, Y, N, N, Y] },
  'GET /api/alert-rules': { cells: [N, Y, Y, Y, Y, N, N, Y] },
  'PUT /api/alert-rules/{ruleId}': { cells: [N, N, N, H, H, N, N, H], path: `/api/alert-rules/${ghostUuid}`, body: { threshold: 1 } },
  'GET /api/notification-channels': { cells: [N, N, N, Y, Y, N, N, Y] },
  'POST /api/notification-channels': { cells: [N, N, N, Y, Y, N, N, N], body: {} },
  'GET /api/notification-channels/{channelId}': { cells: [N, N, N, H, H, N, N, H], path: `/api/notification-channels/${ghostUuid}` },
  'PATCH /api/notification-channels/{channelId}': { cells: [N, N, N, H, H, N, N, N], path: `/api/notification-channels/${ghostUuid}`, body: { name: 'x' } },
  'DELETE /api/notification-channels/{channelId}': { cells: [N, N, N, H, H, N, N, N], path: `/api/notification-channels/${ghostUuid}` },
  'POST /api/notification-channels/{channelId}/test': { cells: [N, N, N, H, H, N, N, N], path: `/api/notification-channels/${ghostUuid}/test` },
  'GET /api/notification-channels/{channelId}/deliveries': {
    cells: [N, N, N, H, H, N, N, H],
    path: `/api/notification-channels/${ghostUuid}/deliveries`,
  },
  // These end the caller's session: run with throw-away sessions, last (logout-all ends every session of the user).
  'POST /api/auth/logout': { cells: [N, Y, Y, Y, Y, N, N, N], freshSession: true },
  'POST /api/auth/logout-all': { cells: [N, Y, Y, Y, Y, N, N, N], freshSession: true },
};

describe('security: function-level authorization (BFLA)', () => {
  let fx: SecurityFixture;

  beforeAll(async () => {
    fx = await startSecurityFixture();
  });
  afterAll(async () => {
    await fx?.destroy();
  });

  const people = ['viewer', 'operator', 'admin', 'owner'] as const;

  async function callerFor(name: CallerName, fresh: boolean): Promise<Caller> {
    if (name === 'anonymous') return anonymous(fx.url);
    if (name === 'agent token') return bearer(fx.url, name, fx.a.agent.secret);
    if (name === 'integration token (no scopes)') return bearer(fx.url, name, fx.a.integrationNoScopes.secret);
    if (name === 'integration token (all grantable scopes)') return bearer(fx.url, name, fx.a.integration.secret);
    const person = fx.a.people[name];
    return sessionCaller(name, fresh ? await signIn(fx.url, person.email, person.password) : person.client);
  }

  it('the table names exactly the live routes (a new route must be added here)', async () => {
    const live = (await liveOperations(fx.url)).map(opKey).sort();
    expect(Object.keys(expectations).sort()).toEqual(live);
  });

  describe('role escalation', () => {
    it('an admin cannot make anyone an owner (change, self-promotion, invitation): 403', async () => {
      const admin = fx.a.people.admin.client;
      for (const [method, path, body] of [
        ['PATCH', `/api/members/${fx.a.people.viewer.userId}`, { role: 'owner' }],
        ['PATCH', `/api/members/${fx.a.people.admin.userId}`, { role: 'owner' }],
        ['POST', '/api/members/invitations', { email: 'would-be-owner@a.test', role: 'owner' }],
      ] as const) {
        const r = await read(await admin.request(method, path, body));
        expect(r.status, `${method} ${path}: ${r.text}`).toBe(403);
      }
    });

    it('an admin cannot demote or remove an owner: 403', async () => {
      const admin = fx.a.people.admin.client;
      const owner = fx.a.people.owner.userId;
      for (const role of ['admin', 'operator', 'viewer']) {
        expect((await admin.request('PATCH', `/api/members/${owner}`, { role })).status, role).toBe(403);
      }
      expect((await admin.request('DELETE', `/api/members/${owner}`)).status).toBe(403);
    });

    it('control: the admin does manage non-owners (so the 403s are about owners)', async () => {
      const admin = fx.a.people.admin.client;
      expect((await admin.request('PATCH', `/api/members/${fx.a.people.operator.userId}`, { role: 'viewer' })).status).toBe(200);
      expect((await admin.request('PATCH', `/api/members/${fx.a.people.operator.userId}`, { role: 'operator' })).status).toBe(200);
    });

    it('the last owner can neither leave nor demote themself: 409', async () => {
      const owner = fx.a.people.owner.client;
      const self = fx.a.people.owner.userId;
      const leave = await read(await owner.request('DELETE', `/api/members/${self}`));
      expect(leave.status, leave.text).toBe(409);
      expect((leave.body as { code: string }).code).toBe('CONFLICT');
      expect((await owner.request('PATCH', `/api/members/${self}`, { role: 'admin' })).status).toBe(409);
    });

    it('roles are as before: nobody was promoted, demoted or removed', async () => {
      const members = await expectOk<{ members: Array<{ userId: string; role: string }> }>(fx.a.people.owner.client.request('GET', '/api/members'));
      const roleOf = Object.fromEntries(members.members.map((m) => [m.userId, m.role]));
      for (const role of people) expect(roleOf[fx.a.people[role].userId], role).toBe(role);
    });

    it('tokens cannot carry people- or token-managing powers, whoever creates them', async () => {
      const admin = fx.a.people.admin.client;
      for (const scope of ['members.manage', 'tokens.manage', 'tokens.read', 'org.update']) {
        const r = await read(await admin.request('POST', '/api/tokens', { kind: 'integration', name: `escalate ${scope}`, scopes: [scope] }));
        expect(r.status, `${scope}: ${r.text}`).toBe(400);
      }
      const r = await read(
        await admin.request('POST', '/api/tokens', { kind: 'agent', name: 'agent with scopes', agentId: 'marketplace-amazon', scopes: ['audit.read'] }),
      );
      expect(r.status, r.text).toBe(400);
    });

    it('people without members.manage do not see pending invitations', async () => {
      for (const role of ['viewer', 'operator'] as const) {
        const body = await expectOk<{ invitations: unknown[]; members: unknown[] }>(fx.a.people[role].client.request('GET', '/api/members'));
        expect(body.invitations, role).toEqual([]);
        expect(body.members.length).toBeGreaterThanOrEqual(4);
      }
      const admin = await expectOk<{ invitations: Array<{ id: string }> }>(fx.a.people.admin.client.request('GET', '/api/members'));
      expect(admin.invitations.map((i) => i.id)).toContain(fx.a.pendingInvitation.id);
    });
  });

  describe('route × caller', () => {
    for (const [key, row] of Object.entries(expectations)) {
      it(key, async () => {
        const [method, template] = key.split(' ') as [string, string];
        const failures: string[] = [];
        for (const [i, name] of callerNames.entries()) {
          const expected = row.cells[i] as Cell;
          const prepared = (await row.prepare?.(fx, name)) ?? {};
          const path = prepared.path ?? row.path ?? template;
          const body = 'body' in prepared ? prepared.body : row.body;
          const before = await Promise.all((prepared.watch ?? []).map((id) => taskOf(fx.a, id)));
          const caller = await callerFor(name, row.freshSession === true);
          const res = await caller.request(method, path, body);
          const status = res.status;
          let text = '(stream)';
          if ((res.headers.get('content-type') ?? '').includes('text/event-stream')) await res.body?.cancel();
          else text = await res.text();
          if (expected === N) {
            const want = name === 'anonymous' ? 401 : 403;
            if (status !== want) failures.push(`${name}: expected ${want}, got ${status} ${text.slice(0, 200)}`);
          } else if (expected === H) {
            if (status !== 404) failures.push(`${name}: expected 404 (refused as not found), got ${status} ${text.slice(0, 200)}`);
          } else if (status === 401 || status === 403 || status >= 500) {
            failures.push(`${name}: expected to be allowed, got ${status} ${text.slice(0, 200)}`);
          } else if (row.ok !== undefined && status !== row.ok) {
            failures.push(`${name}: expected ${row.ok} (the prepared request is valid), got ${status} ${text.slice(0, 200)}`);
          }
          const after = await Promise.all((prepared.watch ?? []).map((id) => taskOf(fx.a, id)));
          for (const [j, was] of before.entries()) {
            const now = after[j];
            const changed = now?.status !== was.status || now?.version !== was.version;
            if (expected !== Y && changed)
              failures.push(`${name}: refused, yet task ${was.id} went ${was.status} v${was.version} -> ${now?.status} v${now?.version}`);
            if (expected === Y && !changed) failures.push(`${name}: allowed, yet task ${was.id} stayed ${was.status} v${was.version}`);
          }
          if (prepared.createsTitle) {
            const q = encodeURIComponent(prepared.createsTitle);
            const found = await expectOk<{ total: number }>(fx.a.people.owner.client.request('GET', `/api/orchestration/tasks?q=${q}`));
            const want = expected === Y ? 1 : 0;
            if (found.total !== want) failures.push(`${name}: expected ${want} task(s) titled "${prepared.createsTitle}", found ${found.total}`);
          }
        }
        expect(failures).toEqual([]);
      });
    }
  });
});
