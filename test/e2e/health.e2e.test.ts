import { PgBoss } from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HealthReport } from '../../src/contracts/health.ts';
import { sleep } from '../../src/lib/sleep.ts';
import { type ApiClient, signIn, tokenClient } from '../helpers/api-client.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { serverUrl } from '../helpers/template.ts';

const AGENT_TOKEN = 'marketplace-amazon-health-e2e-token';
/** 0.00005 days = 4.32 s: a task submitted now is "awaiting approval too long" 4.32 s later. */
const APPROVAL_DAYS = 0.00005;
const APPROVAL_MS = APPROVAL_DAYS * 86_400_000;
/** Seed 002 part 7: stuck detection < 5 s after the threshold, recovery < 30 s. */
const DETECTION_BOUND_MS = 5000;
const RECOVERY_BOUND_MS = 30_000;

describe('GET /api/health and the watchdog against a running server', () => {
  let server: TestServer;
  let owner: ApiClient;

  beforeAll(async () => {
    server = await startTestServer({
      env: { MARKETPLACE_AMAZON_TOKEN: AGENT_TOKEN, NEXO_STUCK_APPROVAL_DAYS: String(APPROVAL_DAYS), NEXO_WATCHDOG_INTERVAL_SECONDS: '2' },
    });
    owner = await signIn(server.url);
  });
  afterAll(async () => server?.destroy());

  it('answers load balancers without credentials with a minimal status (200), and refuses bad credentials (401)', async () => {
    const res = await fetch(`${server.url}/api/health`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['overall_status', 'status', 'timestamp']);
    expect(body.status).toBe('healthy');
    const bad = await fetch(`${server.url}/api/health`, { headers: { authorization: 'Bearer nexo_pat_nope_nope' } });
    expect(bad.status).toBe(401);
    // An agent token has no health.read: it gets the public answer, not the org's report.
    const agent = await tokenClient(server.url, AGENT_TOKEN).request('GET', '/api/health');
    expect(Object.keys((await agent.json()) as object)).not.toContain('stuck_patterns');
  });

  it('detects a task awaiting approval past its threshold within 5 s, with a recommendation, in the health report and in /metrics', async () => {
    const created = await tokenClient(server.url, AGENT_TOKEN).request('POST', '/api/orchestration/tasks', {
      marketplace: 'amazon',
      title: 'Rewrite the bullet points of the best sellers',
      description: 'Bullets are too long',
      category: 'optimization',
      priority: 'high',
      estimatedHours: 2,
      createdBy: 'marketplace-amazon',
      submit: true,
    });
    expect(created.status).toBe(201);
    const task = ((await created.json()) as { task: { id: string; submittedAt: string } }).task;
    const crossing = Date.parse(task.submittedAt) + APPROVAL_MS;

    let seen: { at: number; report: HealthReport } | null = null;
    while (!seen && Date.now() < crossing + DETECTION_BOUND_MS + 5000) {
      const res = await owner.json<HealthReport>('GET', '/api/health');
      expect(res.status).toBe(200);
      if (res.body.stuck_patterns.some((p) => p.type === 'task_approval_overdue')) seen = { at: Date.now(), report: res.body };
      else await sleep(100);
    }
    expect(seen, 'the pattern never appeared').not.toBeNull();
    const report = (seen as { at: number; report: HealthReport }).report;
    const pattern = report.stuck_patterns.find((p) => p.type === 'task_approval_overdue');
    const detectedAt = Date.parse(pattern?.detected_at ?? '');
    // Server side: the watchdog saw it after the threshold and within the bound.
    expect(detectedAt).toBeGreaterThanOrEqual(crossing);
    expect(detectedAt - crossing).toBeLessThan(DETECTION_BOUND_MS);
    // Client side (includes one 100 ms poll): visible through the API within the bound too.
    expect((seen as { at: number }).at - crossing).toBeLessThan(DETECTION_BOUND_MS);
    expect(pattern).toMatchObject({ scope: 'org', auto_fixable: false, details: { count: 1, task_ids: [task.id] } });
    expect(report.recommendations).toContain(pattern?.recommendation);
    expect(report.overall_status).toBe('degraded');
    expect(report).toMatchObject({ breakers: [], rate_limiters: [], open_alerts: [], auto_recovery: true });
    expect(report.database.ok).toBe(true);
    // The watchdog has sampled the queue depth at least once (the Health page chart).
    const history = await owner.json<{ samples: Array<{ depth: number }> }>('GET', '/api/health/queue-history?hours=1');
    expect(history.status).toBe(200);
    expect(history.body.samples.length).toBeGreaterThanOrEqual(1);
    expect((await owner.json('GET', '/api/health/queue-history?hours=999')).status).toBe(400);

    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/nexo_stuck_patterns\{type="task_approval_overdue",severity="warning"\} 1/);

    // "Fix now" on a pattern without an automatic fix: 409 with the reason; unknown id 404; bad id 400.
    const fix = await owner.json<{ code: string; details: { auto_fixable: boolean } }>('POST', `/api/health/patterns/${pattern?.id}/fix`);
    expect(fix.status).toBe(409);
    expect(fix.body.details.auto_fixable).toBe(false);
    expect((await owner.json('POST', '/api/health/patterns/00000000-0000-4000-8000-000000000000/fix')).status).toBe(404);
    expect((await owner.json('POST', '/api/health/patterns/nope/fix')).status).toBe(400);

    // Deciding the task clears the pattern by itself.
    expect((await owner.json('PATCH', '/api/orchestration/tasks/approve', { taskIds: [task.id], approved: false, reason: 'stale' })).status).toBe(200);
    let open = true;
    for (let i = 0; i < 60 && open; i++) {
      await sleep(200);
      const list = await owner.json<{ patterns: Array<{ type: string }> }>('GET', '/api/health/patterns?status=open');
      open = list.body.patterns.some((p) => p.type === 'task_approval_overdue');
    }
    expect(open).toBe(false);
  });

  it('serves daily metric snapshots by metric and day range, and rejects a bad metric name', async () => {
    const res = await owner.json<{ metric: string; snapshots: unknown[] }>('GET', '/api/metrics/snapshots?metric=tasks_created&from=2026-01-01&to=2026-12-31');
    expect(res.status).toBe(200);
    expect(res.body.metric).toBe('tasks_created');
    expect((await owner.json('GET', '/api/metrics/snapshots?metric=DROP%20TABLE')).status).toBe(400);
    expect((await owner.json('GET', '/api/metrics/snapshots?metric=tasks_created&from=yesterday')).status).toBe(400);
  });
});

describe.runIf(serverUrl())('lease recovery end to end (PostgreSQL)', () => {
  it('a job whose worker died is failed over within 30 s of its lease end and the recovery is recorded', async () => {
    const server = await startTestServer({ env: { NEXO_WATCHDOG_INTERVAL_SECONDS: '2' } });
    const boss = new PgBoss({ connectionString: server.databaseUrl as string, schema: 'pgboss', supervise: false, schedule: false, migrate: false });
    await boss.start();
    try {
      const owner = await signIn(server.url);
      await boss.createQueue('e2e.orphan', { expireInSeconds: 1, retryLimit: 3 });
      const id = (await boss.send('e2e.orphan', { n: 1 })) as string;
      const [claimed] = await boss.fetch('e2e.orphan');
      expect(claimed?.id).toBe(id);
      const [started] = await boss.findJobs('e2e.orphan', { id });
      if (!started?.startedOn) throw new Error('the claimed job has no start time');
      const leaseEnd = new Date(started.startedOn).getTime() + 1000;
      // This "worker" now dies: it never completes the job.
      let state = 'active';
      while (state === 'active' && Date.now() < leaseEnd + RECOVERY_BOUND_MS + 5000) {
        await sleep(250);
        state = (await boss.findJobs('e2e.orphan', { id }))[0]?.state ?? 'gone';
      }
      const recoveredAt = Date.now();
      expect(state).toBe('retry');
      expect(recoveredAt - leaseEnd).toBeLessThan(RECOVERY_BOUND_MS);
      const report = await owner.json<HealthReport>('GET', '/api/health');
      expect(report.body.recent_recoveries.find((r) => r.action === 'fail_over_job')).toMatchObject({ outcome: 'succeeded', trigger: 'auto' });
    } finally {
      await boss.stop({ graceful: false });
      await server.destroy();
    }
  });
});
