/**
 * One fixture for the security suites: a real `nexo serve` on a fresh database with two orgs (A and B),
 * in each an owner, admin, operator and viewer signed in with cookie sessions, an agent token, an
 * integration token with every grantable scope and one without scopes; in org A also a pending
 * invitation, a revoked token, an expired token, and a third org (C) that is soft-deleted with a
 * live token in it.
 *
 * Orgs, their owners and the two "impossible over HTTP" credentials (an expired token: the API's
 * minimum lifetime is one day; a token of a deleted org: there is no org deletion API yet) are seeded
 * straight into the database through the tenancy module before the server starts (the server then
 * skips its bootstrap because orgs exist). Everything else is created over HTTP, as a person would.
 */
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { inject } from 'vitest';
import type { Product } from '../../../src/contracts/connectors.ts';
import type { Role } from '../../../src/contracts/permissions.ts';
import { openDatabase, selectRows } from '../../../src/db/client.ts';
import { type Ctx, systemActor } from '../../../src/db/context.ts';
import { withTransaction } from '../../../src/db/transaction.ts';
import { upsertChannelProducts } from '../../../src/modules/catalog/index.ts';
import { upsertChannelOrders } from '../../../src/modules/orders/index.ts';
import { createStore, transitionStore } from '../../../src/modules/stores/index.ts';
import { createOrg, createToken, createUserWithMembership } from '../../../src/modules/tenancy/index.ts';
import { type ApiClient, clientFor, signIn, testOwner } from '../../helpers/api-client.ts';
import { dropServerDatabase, freshServerDatabase, removeDataDir, startTestServer, type TestServer } from '../../helpers/server.ts';
import { silentLog, testTmpDir } from '../../helpers/template.ts';

export const roleNames = ['owner', 'admin', 'operator', 'viewer'] as const satisfies readonly Role[];

export interface Person {
  userId: string;
  email: string;
  password: string;
  client: ApiClient;
}

export interface IssuedToken {
  id: string;
  secret: string;
}

export interface OrgFixture {
  id: string;
  slug: string;
  name: string;
  people: Record<Role, Person>;
  /** kind agent, agentId marketplace-amazon */
  agent: IssuedToken;
  /** kind integration with every scope a token may carry */
  integration: IssuedToken;
  /** kind integration without scopes */
  integrationNoScopes: IssuedToken;
  /** Tasks of the amazon agent in each state it can be prepared in (in_progress: assigned to the operator). */
  tasks: Record<PreparedTaskState, TaskView>;
}

/** The fields of a task the suites compare (a subset of the API's MarketplaceTask). */
export interface TaskView {
  id: string;
  marketplace: string;
  createdBy: string;
  title: string;
  status: string;
  version: number;
  assignedTo?: string;
  approvedBy?: string;
  completedBy?: string;
}

export type PreparedTaskState = 'pending' | 'awaiting_approval' | 'approved' | 'in_progress';

export interface SecurityFixture {
  server: TestServer;
  url: string;
  a: OrgFixture & {
    pendingInvitation: { id: string; token: string; email: string };
    /** A probe job run of A, queued for an hour (so a wrongly allowed cancel or retry would change it). */
    queuedJob: { id: string };
    revokedToken: IssuedToken;
    expiredToken: IssuedToken;
    /** An open stuck pattern of org A (its task awaiting approval past the fixture's tiny threshold). */
    stuckPatternId: string;
    /** A store of org A (seeded directly: there is no store API yet). */
    storeId: string;
    /** A product and an order of that store (written by the sync services, as a sync would). */
    productId: string;
    orderId: string;
  };
  b: OrgFixture;
  /** A token of org C, which is soft-deleted (orgs.deleted_at set). */
  deletedOrgToken: IssuedToken;
  destroy(): Promise<void>;
}

/** A request as some caller: anonymous, a cookie session (with CSRF) or a bearer token. */
export interface Caller {
  name: string;
  kind: 'anonymous' | 'session' | 'token';
  request(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
}

/** A distinct password per person (never containing the e-mail's local part, which the policy refuses). */
export const passwordFor = (role: string, slug: string) => `Zebra ${slug} lantern ${role.length}${role.slice(-1)} 42!`;

export function cookiesFrom(res: Response): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of res.headers.getSetCookie()) {
    const [pair] = line.split(';');
    const eq = pair?.indexOf('=') ?? -1;
    if (pair && eq > 0) out[pair.slice(0, eq)] = decodeURIComponent(pair.slice(eq + 1));
  }
  return out;
}

/** A client from a response that set the session cookies (login or invitation accept). */
export function clientFromResponse(baseUrl: string, res: Response): ApiClient {
  const cookies = cookiesFrom(res);
  if (!cookies.nexo_session || !cookies.nexo_csrf) throw new Error(`no session cookies in the answer (${res.status})`);
  return clientFor(baseUrl, `nexo_session=${encodeURIComponent(cookies.nexo_session)}; nexo_csrf=${encodeURIComponent(cookies.nexo_csrf)}`, cookies.nexo_csrf);
}

export const anonymous = (baseUrl: string): Caller => ({
  name: 'anonymous',
  kind: 'anonymous',
  request: (method, path, body, headers = {}) =>
    fetch(`${baseUrl}${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    }),
});

export const bearer = (baseUrl: string, name: string, token: string): Caller => ({
  name,
  kind: 'token',
  request: (method, path, body, headers = {}) =>
    fetch(`${baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    }),
});

export const sessionCaller = (name: string, client: ApiClient): Caller => ({ name, kind: 'session', request: (m, p, b, h) => client.request(m, p, b, h) });

/** Reads a response as JSON (or null) and its raw text. */
export async function read(res: Response): Promise<{ status: number; text: string; body: unknown; headers: Headers }> {
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = text;
  }
  return { status: res.status, text, body, headers: res.headers };
}

export async function expectOk<T = Record<string, unknown>>(res: Response | Promise<Response>, status = 200): Promise<T> {
  const r = await read(await res);
  if (r.status !== status) throw new Error(`expected ${status}, got ${r.status}: ${r.text}`);
  return r.body as T;
}

const seedAudit = (now: Date) => ({ actor: systemActor('security-fixture'), requestId: null, ip: null, now });

interface Seeded {
  orgs: Record<'a' | 'b' | 'c', { id: string; slug: string; name: string; ownerId: string; ownerEmail: string; ownerPassword: string }>;
  expiredToken: IssuedToken;
  deletedOrgToken: IssuedToken;
  storeId: string;
  productId: string;
  orderId: string;
}

/** One product (one variant, listed and stocked) and one order of a store, as a sync writes them. */
async function seedCommerce(db: Parameters<typeof upsertChannelOrders>[0], scope: { orgId: string; storeId: string; now: Date }) {
  const money = { amount: 1990, currency: 'BRL' };
  const at = scope.now.toISOString();
  const variant = {
    channelId: 'gid://shopify/ProductVariant/1',
    sku: 'SEC-A-1',
    title: 'Default',
    attributes: {},
    price: money,
    compareAtPrice: null,
    quantity: 7,
    inventoryItemId: null,
  };
  const product: Product = {
    channelId: 'gid://shopify/Product/1',
    title: 'Security fixture product of A',
    description: '',
    vendor: null,
    productType: null,
    status: 'active',
    handle: null,
    tags: [],
    images: [],
    videoCount: 0,
    variants: [variant],
    createdAt: at,
    updatedAt: at,
  };
  await upsertChannelProducts(db, scope, [{ product, listings: [] }]);
  const line = {
    channelId: 'line-1',
    sku: 'SEC-A-1',
    title: 'Security fixture product of A',
    quantity: 1,
    unitPrice: money,
    total: money,
    channelVariantId: variant.channelId,
  };
  await upsertChannelOrders(db, scope, [
    {
      channelId: 'gid://shopify/Order/1',
      number: '#SEC-A-1',
      email: null,
      currency: 'BRL',
      subtotal: money,
      total: money,
      financialStatus: 'paid',
      fulfillmentStatus: 'unfulfilled',
      cancelled: false,
      lines: [line],
      createdAt: at,
      updatedAt: at,
    },
  ]);
  const [row] = await selectRows<{ product: string; order: string }>(
    db,
    sql`select (select id from products where org_id = ${scope.orgId}) as product, (select id from orders where org_id = ${scope.orgId}) as "order"`,
  );
  if (!row?.product || !row.order) throw new Error('the commerce seed wrote no product or order');
  return { productId: row.product, orderId: row.order };
}

/** Orgs A, B, C and their owners; an expired token in A; a token in C, then C soft-deleted. */
async function seed(target: { url?: string; dataDir?: string }): Promise<Seeded> {
  const database = await openDatabase({ ...(target.url ? { url: target.url } : { dataDir: target.dataDir as string }), log: silentLog });
  try {
    const now = new Date();
    const specs = {
      a: { slug: 'orga', name: 'Org A', email: testOwner.email, password: testOwner.password },
      b: { slug: 'orgb', name: 'Org B', email: 'owner@b.test', password: passwordFor('owner', 'orgb') },
      c: { slug: 'orgc', name: 'Org C', email: 'owner@c.test', password: passwordFor('owner', 'orgc') },
    };
    const orgs = {} as Seeded['orgs'];
    for (const [key, spec] of Object.entries(specs) as Array<[keyof typeof specs, (typeof specs)['a']]>) {
      const created = await withTransaction(database.db, async (tx) => {
        const org = await createOrg(tx, seedAudit(now), { slug: spec.slug, name: spec.name });
        const user = await createUserWithMembership(
          tx,
          { ...seedAudit(now), orgId: org.id },
          { email: spec.email, name: `Owner ${spec.name}`, password: spec.password, role: 'owner', orgId: org.id, mustChangePassword: false },
        );
        return { id: org.id, slug: org.slug, name: org.name, ownerId: user.id, ownerEmail: spec.email, ownerPassword: spec.password };
      });
      orgs[key] = created;
    }
    const ctx = (orgId: string): Ctx => ({
      orgId,
      actor: systemActor('security-fixture'),
      permissions: new Set(),
      db: database.db,
      log: silentLog,
      now,
      requestId: null,
      ip: null,
    });
    const expired = await createToken(ctx(orgs.a.id), { kind: 'integration', name: 'expired', scopes: ['system.read'], expiresInDays: 1 });
    await database.execute('update api_tokens set expires_at = $1 where id = $2', [new Date(now.getTime() - 60_000).toISOString(), expired.token.id]);
    const inDeleted = await createToken(ctx(orgs.c.id), { kind: 'integration', name: 'of a deleted org', scopes: ['system.read'] });
    await database.execute('update orgs set deleted_at = $1 where id = $2', [now.toISOString(), orgs.c.id]);
    const store = await createStore(ctx(orgs.a.id), { platform: 'shopify', name: 'A main shop' });
    // Paused: it has no credentials, so the org's stores.sync-due schedule would otherwise queue a failing sync
    // in the middle of a test (a job run changing under the "nothing of A changed" snapshots).
    await transitionStore(ctx(orgs.a.id), store.id, 'pause');
    const { productId, orderId } = await seedCommerce(database.db, { orgId: orgs.a.id, storeId: store.id, now });
    return {
      orgs,
      storeId: store.id,
      productId,
      orderId,
      expiredToken: { id: expired.token.id, secret: expired.secret },
      deletedOrgToken: { id: inDeleted.token.id, secret: inDeleted.secret },
    };
  } finally {
    await database.close();
  }
}

/** Invites someone and accepts as them: returns the signed-in person. */
async function invitePerson(baseUrl: string, inviter: ApiClient, email: string, role: Role, password: string): Promise<Person> {
  const invited = await expectOk<{ inviteUrl: string }>(inviter.request('POST', '/api/members/invitations', { email, role }), 201);
  const token = invited.inviteUrl.split('/').pop() as string;
  const res = await fetch(`${baseUrl}/api/invitations/accept`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token, name: `${role} ${email}`, password }),
  });
  if (res.status !== 200) throw new Error(`accept failed: ${res.status} ${await res.text()}`);
  const client = clientFromResponse(baseUrl, res);
  const body = (await res.json()) as { me: { user: { id: string } } };
  return { userId: body.me.user.id, email, password, client };
}

async function issueToken(client: ApiClient, body: Record<string, unknown>): Promise<IssuedToken> {
  const created = await expectOk<{ token: { id: string }; secret: string }>(client.request('POST', '/api/tokens', body), 201);
  return { id: created.token.id, secret: created.secret };
}

/** Every scope a token may carry (hand-written: tasks.approve, tasks.assign and tasks.complete are not among them). */
const allScopes = [
  'system.read',
  'events.read',
  'events.test',
  'org.read',
  'members.read',
  'audit.read',
  'tasks.read',
  'tasks.create',
  'jobs.read',
  'jobs.manage',
  'schedules.read',
  'schedules.manage',
  'health.read',
  'alerts.read',
  'alerts.acknowledge',
  'alerts.manage',
  'channels.read',
  'stores.read',
  'catalog.read',
  'orders.read',
  'agents.read',
  'agents.manage',
  'plans.read',
];

let taskSequence = 0;
/** A title no other task has (open tasks are deduplicated by marketplace, creator and title). */
export const uniqueTitle = (label: string) => `${label} #${++taskSequence} ${randomBytes(4).toString('hex')}`;

/** A valid create-task body as the amazon agent; override any field. */
export const taskBody = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  marketplace: 'amazon',
  title: uniqueTitle('Optimize listing'),
  description: 'Created by the security fixture',
  category: 'optimization',
  priority: 'medium',
  estimatedHours: 2,
  createdBy: 'marketplace-amazon',
  ...overrides,
});

/**
 * A fresh task of the org's amazon agent, moved over HTTP into `state`: submitted by the agent,
 * approved and assigned by the admin (to `assignee`, the operator unless told).
 */
export async function prepareTask(
  url: string,
  org: Pick<OrgFixture, 'agent' | 'people'>,
  state: PreparedTaskState,
  options: { assignee?: string; title?: string } = {},
): Promise<TaskView> {
  const agent = bearer(url, 'agent', org.agent.secret);
  const body = taskBody({ ...(options.title ? { title: options.title } : {}), submit: state !== 'pending' });
  let task = (await expectOk<{ task: TaskView }>(agent.request('POST', '/api/orchestration/tasks', body), 201)).task;
  if (state === 'pending' || state === 'awaiting_approval') return task;
  const admin = org.people.admin.client;
  const approved = await expectOk<{ tasks: TaskView[] }>(admin.request('PATCH', '/api/orchestration/tasks/approve', { taskIds: [task.id], approved: true }));
  task = approved.tasks[0] as TaskView;
  if (state === 'approved') return task;
  const assignee = options.assignee ?? org.people.operator.userId;
  return (await expectOk<{ task: TaskView }>(admin.request('PATCH', '/api/orchestration/tasks/assign', { taskId: task.id, assignedTo: assignee }))).task;
}

/** A task as its org's owner sees it (the reference view for "nothing changed"). */
export async function taskOf(org: Pick<OrgFixture, 'people'>, id: string): Promise<TaskView> {
  return (await expectOk<{ task: TaskView }>(org.people.owner.client.request('GET', `/api/orchestration/tasks/${id}`))).task;
}

async function buildOrg(baseUrl: string, seeded: Seeded['orgs']['a'], domain: string): Promise<OrgFixture> {
  const owner = await signIn(baseUrl, seeded.ownerEmail, seeded.ownerPassword);
  const [admin, operator, viewer] = await Promise.all(
    (['admin', 'operator', 'viewer'] as const).map((role) => invitePerson(baseUrl, owner, `${role}@${domain}`, role, passwordFor(role, seeded.slug))),
  );
  const [agent, integration, integrationNoScopes] = await Promise.all([
    issueToken(owner, { kind: 'agent', name: `${seeded.slug} amazon agent`, agentId: 'marketplace-amazon' }),
    issueToken(owner, { kind: 'integration', name: `${seeded.slug} integration`, scopes: allScopes }),
    issueToken(owner, { kind: 'integration', name: `${seeded.slug} integration without scopes`, scopes: [] }),
  ]);
  const people = {
    owner: { userId: seeded.ownerId, email: seeded.ownerEmail, password: seeded.ownerPassword, client: owner },
    admin: admin as Person,
    operator: operator as Person,
    viewer: viewer as Person,
  };
  const states = ['pending', 'awaiting_approval', 'approved', 'in_progress'] as const;
  const prepared = await Promise.all(states.map((state) => prepareTask(baseUrl, { agent, people }, state)));
  const tasks = Object.fromEntries(states.map((state, i) => [state, prepared[i] as TaskView])) as Record<PreparedTaskState, TaskView>;
  return { id: seeded.id, slug: seeded.slug, name: seeded.name, people, agent, integration, integrationNoScopes, tasks };
}

/** Server defaults for the suites: limits high enough that the suites' own traffic never trips them. */
const relaxedLimits = {
  NEXO_LOGIN_MAX_FAILURES: '100',
  NEXO_RATE_LIMIT_PER_MINUTE: '100000',
  NEXO_RATE_LIMIT_ANONYMOUS_PER_MINUTE: '100000',
  // 0.00001 days (< 1 s): each org's task awaiting approval soon becomes an org-scoped stuck pattern (an id to attack).
  NEXO_STUCK_APPROVAL_DAYS: '0.00001',
};

/** The org-scoped stuck pattern the watchdog opens for an org's task awaiting approval (see relaxedLimits). */
async function stuckPatternOf(owner: ApiClient): Promise<string> {
  // The first watchdog tick waits for the worker to start; on a loaded 2-core machine that took over 25 s.
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    const list = await expectOk<{ patterns: Array<{ id: string; scope: string }> }>(owner.request('GET', '/api/health/patterns'));
    const found = list.patterns.find((p) => p.scope === 'org');
    if (found) return found.id;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('the watchdog opened no stuck pattern for the org within 90 s');
}

export async function startSecurityFixture(options: { env?: Record<string, string> } = {}): Promise<SecurityFixture> {
  const dataDir = mkdtempSync(join(testTmpDir, 'security-'));
  const databaseUrl = await freshServerDatabase();
  if (!databaseUrl) cpSync(join(inject('template'), 'data'), join(dataDir, 'data'), { recursive: true });
  let server: TestServer | undefined;
  try {
    const seeded = await seed(databaseUrl ? { url: databaseUrl } : { dataDir: join(dataDir, 'data') });
    server = await startTestServer({ dataDir, ...(databaseUrl ? { databaseUrl } : {}), env: { ...relaxedLimits, ...options.env } });
    const url = server.url;
    const [a, b] = await Promise.all([buildOrg(url, seeded.orgs.a, 'a.test'), buildOrg(url, seeded.orgs.b, 'b.test')]);
    const owner = a.people.owner.client;
    const pending = await expectOk<{ invitation: { id: string }; inviteUrl: string }>(
      owner.request('POST', '/api/members/invitations', { email: 'pending@a.test', role: 'operator' }),
      201,
    );
    const queuedJob = await expectOk<{ job: { id: string } }>(owner.request('POST', '/api/jobs/probe', { startAfterSeconds: 3600 }), 202);
    const revokedToken = await issueToken(owner, { kind: 'integration', name: 'revoked', scopes: ['system.read'] });
    await expectOk(owner.request('DELETE', `/api/tokens/${revokedToken.id}`));
    const stuckPatternId = await stuckPatternOf(owner);
    const running = server;
    return {
      server: running,
      url,
      a: {
        ...a,
        pendingInvitation: { id: pending.invitation.id, token: pending.inviteUrl.split('/').pop() as string, email: 'pending@a.test' },
        queuedJob: { id: queuedJob.job.id },
        revokedToken,
        expiredToken: seeded.expiredToken,
        stuckPatternId,
        storeId: seeded.storeId,
        productId: seeded.productId,
        orderId: seeded.orderId,
      },
      b,
      deletedOrgToken: seeded.deletedOrgToken,
      destroy: () => running.destroy(),
    };
  } catch (error) {
    if (server) await server.destroy();
    else {
      removeDataDir(dataDir);
      if (databaseUrl) await dropServerDatabase(databaseUrl);
    }
    throw error;
  }
}

/** Every caller of an org: its four people and its three tokens (the agent token is marketplace-amazon's). */
export function callersOf(url: string, org: OrgFixture, prefix: string): Caller[] {
  return [
    ...roleNames.map((role) => sessionCaller(`${prefix} ${role}`, org.people[role].client)),
    bearer(url, `${prefix} agent token`, org.agent.secret),
    bearer(url, `${prefix} integration token`, org.integration.secret),
    bearer(url, `${prefix} integration token without scopes`, org.integrationNoScopes.secret),
  ];
}

export interface OpenApiOperation {
  method: string;
  path: string;
  pathParams: string[];
  hasBody: boolean;
  bodyProperties: string[];
  bodyAdditionalProperties: unknown;
}

/** Every operation the live server documents (the route list the table-driven suites iterate). */
export async function liveOperations(url: string): Promise<OpenApiOperation[]> {
  const spec = (await (await fetch(`${url}/openapi.json`)).json()) as {
    paths: Record<
      string,
      Record<string, { parameters?: Array<{ in: string; name: string }>; requestBody?: { content: Record<string, { schema: Record<string, unknown> }> } }>
    >;
  };
  const out: OpenApiOperation[] = [];
  for (const [path, ops] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const schema = op.requestBody?.content['application/json']?.schema;
      out.push({
        method: method.toUpperCase(),
        path,
        pathParams: (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name),
        hasBody: op.requestBody !== undefined,
        bodyProperties: Object.keys((schema?.properties as Record<string, unknown> | undefined) ?? {}),
        bodyAdditionalProperties: schema?.additionalProperties,
      });
    }
  }
  return out;
}

export const opKey = (op: { method: string; path: string }) => `${op.method} ${op.path}`;

export const fillPath = (path: string, values: Record<string, string>) =>
  path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`no value for path parameter {${name}}`);
    return encodeURIComponent(value);
  });
