import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhook } from '../../src/lib/standard-webhooks.ts';
import { type ApiClient, signIn, tokenClient } from '../helpers/api-client.ts';
import { type HttpReceiver, startHttpReceiver } from '../helpers/http-receiver.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const AGENT_TOKEN = 'marketplace-amazon-alerts-e2e-secret';

interface Delivery {
  id: string;
  event: string;
  status: string;
  attempts: number;
  responseCode: number | null;
  error: string | null;
}

async function eventually<T>(read: () => Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('alerts and notifications end to end (real queue, loopback receiver)', () => {
  let server: TestServer;
  let owner: ApiClient;
  let receiver: HttpReceiver;
  let secret: string;
  let channelId: string;
  let ruleId: string;

  beforeAll(async () => {
    receiver = await startHttpReceiver();
    server = await startTestServer({ env: { NEXO_ALLOW_PRIVATE_WEBHOOKS: '1', MARKETPLACE_AMAZON_TOKEN: AGENT_TOKEN } });
    owner = await signIn(server.url);
  });
  afterAll(async () => {
    await server?.destroy();
    await receiver?.close();
  });

  it('a webhook channel is created after a signed test reaches the receiver; the secret is shown once', async () => {
    const created = await owner.json<{ id: string; signingSecret: string; target: string }>('POST', '/api/notification-channels', {
      type: 'webhook',
      name: 'Ops receiver',
      config: { url: `${receiver.url}/nexo` },
    });
    expect(created.status).toBe(201);
    secret = created.body.signingSecret;
    channelId = created.body.id;
    const test = await receiver.waitFor((r) => r.path === '/nexo');
    expect(verifyWebhook(secret, test.headers, test.body)).toBe(true);
    expect(verifyWebhook(`whsec_${Buffer.alloc(32).toString('base64')}`, test.headers, test.body)).toBe(false);
    const listed = await owner.json<{ channels: unknown[] }>('GET', '/api/notification-channels');
    expect(JSON.stringify(listed.body)).not.toContain(secret.slice(6));
    const one = await owner.json('GET', `/api/notification-channels/${channelId}`);
    expect(one.body).not.toHaveProperty('signingSecret');
  });

  it('a channel whose test fails is not saved: 400 with the reason', async () => {
    receiver.failNext(500);
    const slack = await owner.json<{ code: string; error: string }>('POST', '/api/notification-channels', {
      type: 'slack',
      name: 'Failing Slack',
      config: { url: `${receiver.url}/slack` },
    });
    expect(slack.status).toBe(400);
    expect(slack.body).toMatchObject({ code: 'VALIDATION', error: expect.stringContaining('HTTP 500') });
    const smtp = await owner.json<{ code: string; error: string }>('POST', '/api/notification-channels', {
      type: 'email',
      name: 'Dead SMTP',
      config: { to: ['ops@example.test'], smtpUrl: 'smtp://127.0.0.1:1' },
    });
    expect(smtp.status).toBe(400);
    expect(smtp.body.error).toMatch(/E-mail could not be sent/);
    const badUrl = await owner.json('POST', '/api/notification-channels', { type: 'webhook', name: 'Bad', config: { url: 'ftp://example.com/x' } });
    expect(badUrl.status).toBe(400);
    const list = await owner.json<{ channels: Array<{ name: string }> }>('GET', '/api/notification-channels');
    expect(list.body.channels.map((c) => c.name)).toEqual(['Ops receiver']);
  });

  it('an alert opens, is delivered after the receiver fails twice, is deduplicated, acknowledged, and resolves by itself', async () => {
    const rules = await owner.json<{ rules: Array<{ id: string; kind: string }> }>('GET', '/api/alert-rules');
    ruleId = (rules.body.rules.find((r) => r.kind === 'tasks_awaiting_approval') as { id: string }).id;
    const agent = tokenClient(server.url, AGENT_TOKEN);
    const created = await agent.request('POST', '/api/orchestration/tasks', {
      marketplace: 'amazon',
      title: 'Alert me',
      description: 'x',
      category: 'optimization',
      priority: 'high',
      estimatedHours: 1,
      createdBy: 'marketplace-amazon',
      submit: true,
    });
    expect(created.status).toBe(201);
    expect((await owner.json('PUT', `/api/alert-rules/${ruleId}`, { threshold: 0, channels: [channelId] })).status).toBe(200);

    receiver.failNext(500, 503);
    expect((await owner.json('POST', '/api/alerts/evaluate')).status).toBe(202);
    const alert = await eventually(
      async () => (await owner.json<{ alerts: Array<{ id: string; status: string }> }>('GET', '/api/alerts')).body.alerts[0],
      'an open alert',
    );
    expect(alert).toMatchObject({ status: 'open', kind: 'tasks_awaiting_approval', value: 1, threshold: 0 });

    const opened = await receiver.waitFor((r) => r.status === 200 && r.body.includes('"alert.opened"'), 30_000);
    expect(verifyWebhook(secret, opened.headers, opened.body)).toBe(true);
    const attempts = receiver.requests.filter((r) => r.headers['webhook-id'] === opened.headers['webhook-id']);
    expect(attempts.map((r) => r.status)).toEqual([500, 503, 200]);
    const log = await eventually(async () => {
      const d = (await owner.json<{ deliveries: Delivery[] }>('GET', `/api/notification-channels/${channelId}/deliveries`)).body.deliveries;
      return d.find((x) => x.event === 'alert.opened' && x.status === 'delivered');
    }, 'the delivered entry');
    expect(log).toMatchObject({ attempts: 3, responseCode: 200, error: null });

    // Evaluating again keeps one alert (dedupe) and sends nothing new.
    await owner.json('POST', '/api/alerts/evaluate');
    await new Promise((r) => setTimeout(r, 1500));
    expect((await owner.json<{ alerts: unknown[] }>('GET', '/api/alerts')).body.alerts).toHaveLength(1);
    expect(receiver.requests.filter((r) => r.body.includes('"alert.opened"') && r.status === 200)).toHaveLength(1);

    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/nexo_alerts_open\{kind="tasks_awaiting_approval",status="open"\} 1/);

    expect((await owner.json('POST', `/api/alerts/${alert.id}/acknowledge`)).status).toBe(200);
    const again = await owner.json<{ code: string; details: { status: string } }>('POST', `/api/alerts/${alert.id}/acknowledge`);
    expect(again.status).toBe(409);
    expect(again.body.details.status).toBe('acknowledged');

    expect((await owner.json('PUT', `/api/alert-rules/${ruleId}`, { threshold: 10 })).status).toBe(200);
    await owner.json('POST', '/api/alerts/evaluate');
    const resolved = await receiver.waitFor((r) => r.body.includes('"alert.resolved"'), 30_000);
    expect(verifyWebhook(secret, resolved.headers, resolved.body)).toBe(true);
    expect((await owner.json<{ alerts: unknown[] }>('GET', '/api/alerts')).body.alerts).toEqual([]);
    expect((await owner.json<{ alerts: Array<{ id: string }> }>('GET', '/api/alerts?status=resolved')).body.alerts.map((a) => a.id)).toEqual([alert.id]);
  });

  it('"send test" records the outcome in the delivery log, delivered or failed', async () => {
    const ok = await owner.json<Delivery>('POST', `/api/notification-channels/${channelId}/test`);
    expect(ok.body).toMatchObject({ event: 'test', status: 'delivered', responseCode: 200 });
    receiver.failNext(502);
    const failed = await owner.json<Delivery>('POST', `/api/notification-channels/${channelId}/test`);
    expect(failed.body).toMatchObject({ event: 'test', status: 'failed', responseCode: 502, error: 'The receiver answered HTTP 502' });
  });
});
