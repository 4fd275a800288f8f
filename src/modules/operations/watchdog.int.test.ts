import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { seedOrg } from '../../../test/helpers/ctx.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/database.ts';
import { silentLog } from '../../../test/helpers/template.ts';
import { defineJob } from '../../contracts/jobs.ts';
import type { Ctx } from '../../db/context.ts';
import { createJobQueue, type JobQueue } from '../../queue/job-queue.ts';
import {
  emptyHealthSources,
  fixStuckPattern,
  getSystemHealth,
  jobEngineFailOver,
  listMetricSnapshots,
  listStuckPatterns,
  publicHealth,
  queueDepthHistory,
  runWatchdogTick,
  snapshotOrgDay,
  type WatchdogOptions,
} from './index.ts';

const catalog = {
  'test.lease': defineJob('test.lease', 'claimed and abandoned (a worker that died)', z.strictObject({ n: z.number() }), {
    scope: 'system',
    retryLimit: 2,
    retryDelaySeconds: 1,
    retryBackoff: false,
    expireInSeconds: 1,
  }),
  'test.idle': defineJob('test.idle', 'a queue nobody works', z.strictObject({}), { retryLimit: 0, scope: 'system' }),
};

const thresholds = { queueAgeSeconds: 1, approvalDays: 7, agentSilentHours: 24 };
const DAY = 86_400_000;

describe('stuck-pattern watchdog', () => {
  let t: TestDatabase;
  let queue: JobQueue<typeof catalog>;
  let owner: Ctx;
  let other: Ctx;
  let options: WatchdogOptions;

  const insertTask = async (orgId: string, fields: { status: string; createdBy: string; createdAt: Date; submittedAt?: Date | null }) => {
    const id = randomUUID();
    await t.database.execute(
      `insert into marketplace_tasks (id, org_id, marketplace, created_by, title, description, category, priority, status, created_at, submitted_at, estimated_hours, dedupe_key)
       values ($1, $2, 'amazon', $3, 'Fix the listing titles', 'Titles are too long', 'optimization', 'high', $4, $5, $6, 2, $7)`,
      [id, orgId, fields.createdBy, fields.status, fields.createdAt.toISOString(), fields.submittedAt?.toISOString() ?? null, `k-${id}`],
    );
    return id;
  };
  const jobState = async (id: string) => (await t.database.execute<{ state: string }>('select state from pgboss.job where id = $1', [id]))[0]?.state;

  beforeAll(async () => {
    t = await createTestDatabase();
    queue = createJobQueue({ database: t.database, catalog, log: silentLog, pollingSeconds: 0.5 });
    await queue.start();
    owner = (await seedOrg(t.database, ['owner'])).members.owner?.ctx as Ctx;
    other = (await seedOrg(t.database, ['owner'])).members.owner?.ctx as Ctx;
    options = { thresholds, autoRecovery: false, engine: jobEngineFailOver(queue.boss), log: silentLog };
  });
  afterAll(async () => {
    await queue?.stop(1000);
    await t?.close();
  });

  it('finds tasks awaiting approval for more than 7 days, once per org, with a recommendation, and resolves when they are decided', async () => {
    const now = new Date();
    const old = await insertTask(owner.orgId, {
      status: 'awaiting_approval',
      createdBy: 'marketplace-amazon',
      createdAt: new Date(now.getTime() - 9 * DAY),
      submittedAt: new Date(now.getTime() - 8 * DAY),
    });
    await insertTask(owner.orgId, {
      status: 'awaiting_approval',
      createdBy: 'marketplace-amazon',
      createdAt: now,
      submittedAt: new Date(now.getTime() - 6 * DAY),
    });

    const first = await runWatchdogTick(t.database.db, options, now);
    expect(first.ran).toBe(true);
    const [pattern] = (await listStuckPatterns(owner, { status: 'open', limit: 50 })).filter((p) => p.type === 'task_approval_overdue');
    expect(pattern).toMatchObject({ scope: 'org', subject: 'tasks', severity: 'warning', auto_fixable: false, details: { count: 1, task_ids: [old] } });
    expect(pattern?.recommendation).toMatch(/awaiting approval for more than 7 days/);
    expect(Date.parse(pattern?.since ?? '')).toBe(now.getTime() - 8 * DAY + 7 * DAY);
    // Another org sees nothing of it.
    expect((await listStuckPatterns(other, { status: 'all', limit: 50 })).filter((p) => p.type === 'task_approval_overdue')).toEqual([]);

    // Deduplicated: the next tick refreshes the same row.
    const later = new Date(now.getTime() + 2000);
    const second = await runWatchdogTick(t.database.db, options, later);
    expect(second.opened).not.toContain(pattern?.id);
    const again = (await listStuckPatterns(owner, { status: 'open', limit: 50 })).filter((p) => p.type === 'task_approval_overdue');
    expect(again.map((p) => p.id)).toEqual([pattern?.id]);
    expect(again[0]?.last_seen_at).toBe(later.toISOString());

    await t.database.execute(`update marketplace_tasks set status = 'rejected', approved_at = now() where id = $1`, [old]);
    const third = await runWatchdogTick(t.database.db, options, new Date(later.getTime() + 2000));
    expect(third.resolved).toBeGreaterThanOrEqual(1);
    const resolved = (await listStuckPatterns(owner, { status: 'resolved', limit: 50 })).find((p) => p.id === pattern?.id);
    expect(resolved?.status).toBe('resolved');
    expect(resolved?.resolved_at).not.toBeNull();
  });

  it('finds an agent with history that has been silent for 24 h, and not one that spoke recently', async () => {
    const now = new Date();
    await insertTask(other.orgId, { status: 'pending', createdBy: 'marketplace-shopee', createdAt: new Date(now.getTime() - 25 * 3_600_000) });
    await insertTask(other.orgId, { status: 'pending', createdBy: 'marketplace-kaway', createdAt: new Date(now.getTime() - 3_600_000) });
    await runWatchdogTick(t.database.db, options, now);
    const silent = (await listStuckPatterns(other, { status: 'open', limit: 50 })).filter((p) => p.type === 'agent_silent');
    expect(silent.map((p) => p.subject)).toEqual(['marketplace-shopee']);
    expect(silent[0]?.recommendation).toMatch(/Check agent connectivity/);
  });

  it('finds a job past its lease (its worker died); with auto recovery off it only recommends, "fix now" fails it over', async () => {
    const id = await queue.enqueue('test.lease', { n: 1 });
    const [claimed] = await queue.boss.fetch('test.lease');
    expect(claimed?.id).toBe(id);
    await new Promise((r) => setTimeout(r, 1300));
    const result = await runWatchdogTick(t.database.db, options);
    expect(result.recovered).toEqual([]);
    const pattern = (await listStuckPatterns(owner, { status: 'open', limit: 50 })).find(
      (p) => p.type === 'job_lease_expired' && p.subject === `test.lease:${id}`,
    );
    expect(pattern).toMatchObject({ scope: 'system', auto_fixable: true, details: { job_id: id, queue: 'test.lease', lease_seconds: 1, retries_left: 2 } });
    expect(await jobState(id)).toBe('active');

    // Visible to every org (system scope) and fixable by a person.
    const fixed = await fixStuckPattern(other, options.engine, pattern?.id as string);
    expect(fixed.recovery).toMatchObject({ action: 'fail_over_job', outcome: 'succeeded', trigger: 'manual' });
    expect(fixed.pattern.status).toBe('resolved');
    expect(await jobState(id)).toBe('retry');
    await expect(fixStuckPattern(owner, options.engine, pattern?.id as string)).rejects.toMatchObject({ code: 'CONFLICT', details: { status: 'resolved' } });
    await expect(fixStuckPattern(owner, options.engine, randomUUID())).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('with auto recovery on, fails over an expired job within 30 s of its lease end and records the recovery', async () => {
    const id = await queue.enqueue('test.lease', { n: 2 });
    const [claimed] = await queue.boss.fetch('test.lease');
    expect(claimed?.id).toBe(id);
    const leaseEnd = Date.now() + 1000;
    let recoveredAt: number | null = null;
    while (recoveredAt === null && Date.now() < leaseEnd + 30_000) {
      const tick = await runWatchdogTick(t.database.db, { ...options, autoRecovery: true });
      if (tick.recovered.some((r) => r.outcome === 'succeeded')) recoveredAt = Date.now();
      else await new Promise((r) => setTimeout(r, 250));
    }
    expect(recoveredAt).not.toBeNull();
    expect((recoveredAt as number) - leaseEnd).toBeLessThan(30_000);
    expect(await jobState(id)).toBe('retry');
    const health = await getSystemHealth({ ...owner, now: new Date() }, { database: t.database, sources: emptyHealthSources, thresholds, autoRecovery: true });
    expect(health.recent_recoveries[0]).toMatchObject({ action: 'fail_over_job', outcome: 'succeeded', trigger: 'auto' });
  });

  it('finds a queue whose oldest due job waits longer than the threshold, and reports it in the health report', async () => {
    await queue.enqueue('test.idle', {});
    await new Promise((r) => setTimeout(r, 1200));
    await runWatchdogTick(t.database.db, options);
    const health = await getSystemHealth({ ...owner, now: new Date() }, { database: t.database, sources: emptyHealthSources, thresholds, autoRecovery: false });
    const backlog = health.stuck_patterns.find((p) => p.type === 'queue_backlog' && p.subject === 'test.idle');
    expect(backlog?.recommendation).toMatch(/ENABLE_QUEUE_PROCESSING/);
    expect(health.recommendations).toContain(backlog?.recommendation);
    expect(health.overall_status).toBe('degraded');
    expect(health.database.ok).toBe(true);
    expect(health.queue.queues.find((q) => q.name === 'test.idle')?.depth).toBe(1);
    expect(health.queue.oldest_age_seconds).toBeGreaterThanOrEqual(1);
    expect(health.detectors.find((d) => d.type === 'plan_without_phase1')).toMatchObject({ applicable: true, threshold_seconds: 3 });
    expect(health).toMatchObject({ breakers: [], rate_limiters: [], open_alerts: [] });
    // Without credentials: the system-wide picture only.
    expect(await publicHealth(t.database)).toMatchObject({ status: 'degraded', overall_status: 'degraded' });
    // The watchdog samples the depth about once a minute (the Health page chart).
    const samples = await queueDepthHistory(t.database.db, 1);
    expect(samples.length).toBeGreaterThanOrEqual(1);
    const before = samples.length;
    await runWatchdogTick(t.database.db, options);
    expect(await queueDepthHistory(t.database.db, 1)).toHaveLength(before);
    await runWatchdogTick(t.database.db, options, new Date(Date.now() + 61_000));
    const after = await queueDepthHistory(t.database.db, 1, new Date(Date.now() + 61_000));
    expect(after).toHaveLength(before + 1);
    expect(after.at(-1)?.depth).toBeGreaterThanOrEqual(1);
  });

  it('writes daily metric snapshots per marketplace, idempotently, readable by day range and only by the org', async () => {
    const now = new Date();
    await insertTask(owner.orgId, { status: 'pending', createdBy: 'marketplace-amazon', createdAt: now });
    const day = now.toISOString().slice(0, 10);
    const ctx = { ...owner, now };
    await snapshotOrgDay(ctx, day);
    await snapshotOrgDay(ctx, day);
    const created = await listMetricSnapshots(ctx, { metric: 'tasks_created', from: day, to: day });
    expect(created.snapshots).toHaveLength(1);
    expect(created.snapshots[0]).toMatchObject({ labels: { marketplace: 'amazon' }, day });
    expect(created.snapshots[0]?.metric_value).toBeGreaterThanOrEqual(1);
    expect((await listMetricSnapshots({ ...other, now }, { metric: 'tasks_created', from: day, to: day })).snapshots).toEqual([]);
  });

  it('lets one tick write at a time across processes (PostgreSQL: another connection holding the watchdog lock makes a tick skip)', async (context) => {
    if (!t.url) return context.skip();
    const other = new pg.Client({ connectionString: t.url });
    await other.connect();
    try {
      await other.query('begin');
      await other.query(`select pg_advisory_xact_lock(hashtext('nexo.watchdog'))`);
      expect((await runWatchdogTick(t.database.db, options)).ran).toBe(false);
      await other.query('commit');
      expect((await runWatchdogTick(t.database.db, options)).ran).toBe(true);
    } finally {
      await other.end();
    }
  });
});
