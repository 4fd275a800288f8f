import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedOrg } from '../../../test/helpers/ctx.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/database.ts';
import { type HttpReceiver, startHttpReceiver } from '../../../test/helpers/http-receiver.ts';
import { startSmtpServer, type TestSmtpServer } from '../../../test/helpers/smtp-server.ts';
import { silentLog } from '../../../test/helpers/template.ts';
import type { Tx } from '../../db/client.ts';
import type { Ctx } from '../../db/context.ts';
import { verifyWebhook } from '../../lib/standard-webhooks.ts';
import { agentsLastTaskAt, countAwaitingApproval, createTask, staleUndecidedTasks } from '../tasks/index.ts';
import { listAudit } from '../tenancy/index.ts';
import {
  acknowledgeAlert,
  attemptDelivery,
  createChannel,
  type DeliveryEnqueuer,
  evaluateOrgAlerts,
  getChannel,
  listAlertRules,
  listAlerts,
  listDeliveries,
  listNotifications,
  type NotifyDeps,
  openAlertCounts,
  taskSignalProviders as taskProviders,
  testChannel,
  updateAlertRule,
  updateChannel,
} from './index.ts';

const key = Buffer.alloc(32, 3);
const taskSignalProviders = taskProviders({ countAwaitingApproval, staleUndecidedTasks, agentsLastTaskAt });
const deps = (over: Partial<NotifyDeps> = {}): NotifyDeps => ({
  secretKey: key,
  allowPrivateTargets: true,
  mail: { from: 'Nexo <nexo@test>' },
  log: silentLog,
  ...over,
});

const agent = (base: Ctx, now = base.now): Ctx => ({
  ...base,
  now,
  actor: { type: 'token', tokenId: 't-amazon', label: 'marketplace-amazon', kind: 'agent', agentId: 'marketplace-amazon', userId: null, role: null },
  permissions: new Set(['tasks.read', 'tasks.create']),
});

let seq = 0;
const task = (ctx: Ctx, submit = true) =>
  createTask(ctx, {
    marketplace: 'amazon',
    title: `Alert test task ${++seq}`,
    description: 'x',
    category: 'optimization',
    priority: 'high',
    estimatedHours: 1,
    createdBy: 'marketplace-amazon',
    submit,
  });

describe('alerts and notifications', () => {
  let t: TestDatabase;
  let owner: Ctx;
  let other: Ctx;
  let ownerId: string;
  let receiver: HttpReceiver;
  let smtp: TestSmtpServer;
  /** Job ids "enqueued" in the evaluating transaction: the real queue is exercised in test/e2e/alerts.e2e.test.ts. */
  const enqueued: Array<{ orgId: string; deliveryId: string }> = [];
  const enqueue: DeliveryEnqueuer = async (tx: Tx, job) => {
    await tx.execute('select 1');
    enqueued.push(job);
  };

  beforeAll(async () => {
    t = await createTestDatabase();
    const a = await seedOrg(t.database, ['owner', 'viewer']);
    const b = await seedOrg(t.database, ['owner']);
    owner = a.members.owner?.ctx as Ctx;
    ownerId = a.members.owner?.id as string;
    other = b.members.owner?.ctx as Ctx;
    receiver = await startHttpReceiver();
    smtp = await startSmtpServer();
  });
  afterAll(async () => {
    await receiver?.close();
    await smtp?.close();
    await t?.close();
  });

  it('seeds the default rules once per org with seed 000 thresholds', async () => {
    const rules = await listAlertRules(owner);
    expect(Object.fromEntries(rules.map((r) => [r.kind, r.threshold]))).toEqual({
      tasks_awaiting_approval: 500,
      agent_silent: 24,
      api_p95: 2,
      api_error_rate: 2,
      tasks_pending_stale: 7,
      job_failure_rate: 5,
      breaker_open: 5,
      dead_letters: 0,
    });
    expect(await listAlertRules(owner)).toHaveLength(8);
  });

  it('creates a webhook channel only after a signed test is delivered; the secret is shown once and stored encrypted', async () => {
    const created = await createChannel(owner, deps(), { type: 'webhook', name: 'Ops hook', config: { url: `${receiver.url}/hooks/nexo` } });
    expect(created.signingSecret).toMatch(/^whsec_/);
    const request = await receiver.waitFor((r) => r.path === '/hooks/nexo');
    expect(verifyWebhook(created.signingSecret as string, request.headers, request.body)).toBe(true);
    expect(JSON.parse(request.body)).toMatchObject({ type: 'test', data: { title: expect.stringContaining('Ops hook') } });
    const shown = await getChannel(owner, created.id);
    expect(JSON.stringify(shown)).not.toContain('whsec_');
    const rows = await t.database.db.execute(`select secret_encrypted, config::text as config from notification_channels where id = '${created.id}'`);
    const row = (rows as unknown as { rows: Array<{ secret_encrypted: string; config: string }> }).rows[0];
    expect(row?.secret_encrypted).toMatch(/^v1\./);
    expect(row?.secret_encrypted).not.toContain((created.signingSecret as string).slice(6));
    const audit = await listAudit(owner, { resourceType: 'notification_channel', limit: 10 } as never);
    expect(JSON.stringify(audit)).not.toContain((created.signingSecret as string).slice(6));
    expect(await listDeliveries(owner, created.id)).toMatchObject([{ event: 'test', status: 'delivered', attempts: 1, responseCode: 200 }]);
  });

  it('refuses (400) a channel whose test fails: receiver error, unreachable SMTP, private address without the admin setting', async () => {
    receiver.failNext(500);
    await expect(createChannel(owner, deps(), { type: 'slack', name: 'Broken', config: { url: `${receiver.url}/slack` } })).rejects.toMatchObject({
      code: 'VALIDATION',
      message: expect.stringContaining('HTTP 500'),
    });
    await expect(
      createChannel(owner, deps(), { type: 'email', name: 'Mail', config: { to: ['ops@example.test'], smtpUrl: 'smtp://127.0.0.1:1' } }),
    ).rejects.toMatchObject({ code: 'VALIDATION', message: expect.stringMatching(/not saved: E-mail could not be sent \(E[A-Z]+\)/) });
    const strict = deps({ allowPrivateTargets: false });
    for (const url of [`${receiver.url}/x`, 'http://localhost:8080/x', 'http://[::1]:8080/x', 'http://[::ffff:127.0.0.1]/x', 'http://169.254.169.254/latest']) {
      await expect(createChannel(owner, strict, { type: 'webhook', name: 'SSRF', config: { url } })).rejects.toMatchObject({ code: 'VALIDATION' });
      await expect(createChannel(owner, strict, { type: 'slack', name: 'SSRF', config: { url } })).rejects.toMatchObject({ code: 'VALIDATION' });
    }
    await expect(createChannel(owner, strict, { type: 'webhook', name: 'Scheme', config: { url: 'gopher://example.com/' } })).rejects.toMatchObject({
      code: 'VALIDATION',
    });
    const names = (await t.database.db.execute(`select name from notification_channels where org_id = '${owner.orgId}'`)) as unknown as {
      rows: Array<{ name: string }>;
    };
    expect(names.rows.map((r) => r.name)).toEqual(['Ops hook']);
  });

  it('delivers e-mail through a real SMTP server, and a test send to it', async () => {
    const mail = await createChannel(owner, deps(), { type: 'email', name: 'On-call mail', config: { to: ['oncall@example.test'], smtpUrl: smtp.url } });
    const message = await smtp.waitForMessage((m) => m.to.includes('oncall@example.test'));
    expect(message.subject).toContain('[Nexo] Test message');
    expect(mail.target).toBe('oncall@example.test');
    const delivery = await testChannel(owner, deps(), mail.id);
    expect(delivery).toMatchObject({ status: 'delivered', event: 'test' });
    expect(smtp.messages.length).toBe(2);
  });

  it('opens one alert when breached, deduplicates while breached, resolves by itself; deliveries in the same transaction', async () => {
    const [hook] = (await import('./index.ts').then((m) => m.listChannels(owner))).filter((c) => c.type === 'webhook');
    const rules = await listAlertRules(owner);
    const rule = rules.find((r) => r.kind === 'tasks_awaiting_approval');
    await updateAlertRule(owner, rule?.id as string, { threshold: 1, channels: [hook?.id as string] });
    await expect(updateAlertRule(owner, rule?.id as string, { channels: ['0190d1c8-0000-7000-8000-000000000000'] })).rejects.toMatchObject({
      code: 'VALIDATION',
    });

    await task(agent(owner));
    await task(agent(owner));
    const now = new Date();
    const first = await evaluateOrgAlerts(t.database.db, owner.orgId, now, taskSignalProviders, enqueue);
    expect(first.opened).toBe(1);
    const [alert] = await listAlerts(owner, { status: 'open', limit: 50 });
    expect(alert).toMatchObject({ kind: 'tasks_awaiting_approval', subject: 'org', value: 2, threshold: 1, status: 'open' });
    expect(enqueued).toHaveLength(1);
    const bell = await listNotifications(owner, ownerId);
    expect(bell.notifications).toContainEqual(expect.objectContaining({ kind: 'alert.tasks_awaiting_approval', title: alert?.title, readAt: null }));

    await task(agent(owner));
    const second = await evaluateOrgAlerts(t.database.db, owner.orgId, new Date(now.getTime() + 60_000), taskSignalProviders, enqueue);
    expect(second.opened).toBe(0);
    const active = await listAlerts(owner, { status: 'active', limit: 50 });
    expect(active.filter((x) => x.kind === 'tasks_awaiting_approval')).toHaveLength(1);
    expect(active[0]).toMatchObject({ value: 3, lastSeenAt: new Date(now.getTime() + 60_000).toISOString() });
    expect(enqueued).toHaveLength(1);

    // Acknowledge: 409 twice; the other org cannot see or acknowledge it.
    await expect(acknowledgeAlert(other, alert?.id as string)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await listAlerts(other, { status: 'active', limit: 50 })).toEqual([]);
    expect(await acknowledgeAlert(owner, alert?.id as string)).toMatchObject({ status: 'acknowledged' });
    await expect(acknowledgeAlert(owner, alert?.id as string)).rejects.toMatchObject({ code: 'CONFLICT', details: { status: 'acknowledged' } });
    expect(await openAlertCounts(t.database.db)).toContainEqual({ kind: 'tasks_awaiting_approval', status: 'acknowledged', count: 1 });

    // The condition clears (threshold raised above the count): resolved, and a "resolved" delivery.
    await updateAlertRule(owner, rule?.id as string, { threshold: 10 });
    const third = await evaluateOrgAlerts(t.database.db, owner.orgId, new Date(now.getTime() + 120_000), taskSignalProviders, enqueue);
    expect(third.resolved).toBe(1);
    expect(await listAlerts(owner, { status: 'active', limit: 50 })).toEqual([]);
    expect(await listAlerts(owner, { status: 'resolved', limit: 50 })).toMatchObject([{ id: alert?.id, status: 'resolved' }]);
    expect(enqueued).toHaveLength(2);

    // The queued deliveries go out, signed; the second is the resolution.
    for (const [i, job] of enqueued.entries()) {
      expect(await attemptDelivery(t.database.db, deps(), { ...job, attempt: 1, lastAttempt: false })).toEqual({ status: 'delivered', error: null });
      expect(await attemptDelivery(t.database.db, deps(), { ...job, attempt: 2, lastAttempt: false })).toEqual({ status: 'skipped' });
      const got = await receiver.waitFor((r) => r.headers['webhook-id'] === job.deliveryId);
      expect(JSON.parse(got.body).type).toBe(i === 0 ? 'alert.opened' : 'alert.resolved');
    }
  });

  it('a delivery that fails is marked retrying with the reason, then delivered on a later attempt', async () => {
    const [hook] = (await import('./index.ts').then((m) => m.listChannels(owner))).filter((c) => c.type === 'webhook');
    const rule = (await listAlertRules(owner)).find((r) => r.kind === 'tasks_awaiting_approval');
    await updateAlertRule(owner, rule?.id as string, { threshold: 0 });
    enqueued.length = 0;
    await evaluateOrgAlerts(t.database.db, owner.orgId, new Date(Date.now() + 600_000), taskSignalProviders, enqueue);
    const [job] = enqueued;
    receiver.failNext(503, 429);
    expect(await attemptDelivery(t.database.db, deps(), { ...(job as { orgId: string; deliveryId: string }), attempt: 1, lastAttempt: false })).toMatchObject({
      status: 'retrying',
    });
    expect(await attemptDelivery(t.database.db, deps(), { ...(job as { orgId: string; deliveryId: string }), attempt: 2, lastAttempt: false })).toMatchObject({
      status: 'retrying',
    });
    const log = await listDeliveries(owner, hook?.id as string);
    expect(log[0]).toMatchObject({ status: 'retrying', attempts: 2, responseCode: 429, error: 'The receiver answered HTTP 429' });
    expect(await attemptDelivery(t.database.db, deps(), { ...(job as { orgId: string; deliveryId: string }), attempt: 3, lastAttempt: false })).toMatchObject({
      status: 'delivered',
    });
    expect((await listDeliveries(owner, hook?.id as string))[0]).toMatchObject({ status: 'delivered', attempts: 3, responseCode: 200, error: null });

    // A 4xx (other than 408/429) is permanent: failed at once.
    await updateAlertRule(owner, rule?.id as string, { threshold: 100 });
    enqueued.length = 0;
    await evaluateOrgAlerts(t.database.db, owner.orgId, new Date(Date.now() + 700_000), taskSignalProviders, enqueue);
    receiver.failNext(404);
    expect(
      await attemptDelivery(t.database.db, deps(), { ...(enqueued[0] as { orgId: string; deliveryId: string }), attempt: 1, lastAttempt: false }),
    ).toMatchObject({ status: 'failed' });
  });

  it('agent silence and stale undecided tasks come from the tasks data', async () => {
    const old = new Date(Date.now() - 9 * 86_400_000);
    await task(agent(other, old));
    const now = new Date();
    const summary = await evaluateOrgAlerts(t.database.db, other.orgId, now, taskSignalProviders, enqueue);
    expect(summary.opened).toBe(2);
    const kinds = (await listAlerts(other, { status: 'open', limit: 50 })).map((a) => [a.kind, a.subject]);
    expect(kinds).toEqual(
      expect.arrayContaining([
        ['agent_silent', 'marketplace-amazon'],
        ['tasks_pending_stale', 'org'],
      ]),
    );
    // The agent speaks again: its silence alert resolves.
    await task(agent(other, now));
    const later = await evaluateOrgAlerts(t.database.db, other.orgId, new Date(now.getTime() + 1000), taskSignalProviders, enqueue);
    expect(later.resolved).toBe(1);
    const [stale] = await listAlerts(other, { status: 'open', limit: 50 });
    expect(stale).toMatchObject({ kind: 'tasks_pending_stale', details: { staleTasks: 1 } });
    expect(stale?.value).toBeCloseTo(9, 1);
    expect(stale?.title).toMatch(/^Oldest undecided task waiting 9(\.\d+)? days \(threshold 7 days\)$/);
    expect(summary.noData).toBeGreaterThan(0);
  });

  it('another org cannot read, test, change or list deliveries of a channel', async () => {
    const [hook] = await import('./index.ts').then((m) => m.listChannels(owner));
    const id = hook?.id as string;
    await expect(getChannel(other, id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(testChannel(other, deps(), id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(updateChannel(other, deps(), id, { name: 'stolen' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(listDeliveries(other, id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const otherRule = (await listAlertRules(other))[0];
    await expect(updateAlertRule(owner, otherRule?.id as string, { threshold: 1 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(updateAlertRule(other, otherRule?.id as string, { channels: [id] })).rejects.toMatchObject({ code: 'VALIDATION' });
  });
});
