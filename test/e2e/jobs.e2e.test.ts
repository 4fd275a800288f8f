import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobLog, JobRun } from '../../src/contracts/operations.ts';
import { sleep } from '../../src/lib/sleep.ts';
import { type ApiClient, signIn } from '../helpers/api-client.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { openSse } from '../helpers/sse-client.ts';

async function json<T>(res: Response, status = 200): Promise<T> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return JSON.parse(text) as T;
}

describe('jobs API', () => {
  let server: TestServer;
  let owner: ApiClient;

  const probe = async (body: Record<string, unknown>) => (await json<{ job: JobRun }>(await owner.request('POST', '/api/jobs/probe', body), 202)).job;
  const detail = async (id: string) => json<{ job: JobRun; logs: JobLog[] }>(await owner.request('GET', `/api/jobs/${id}`));
  const waitFor = async (id: string, status: string, timeoutMs = 20_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const d = await detail(id);
      if (d.job.status === status) return d;
      if (Date.now() > deadline) throw new Error(`job ${id} is ${d.job.status}, expected ${status}`);
      await sleep(100);
    }
  };

  beforeAll(async () => {
    server = await startTestServer();
    owner = await signIn(server.url);
  });
  afterAll(async () => {
    await server?.destroy();
  });

  it('a failing job lands in the dead-letter queue, live on the event stream; replay completes it; a second replay is a 409', async () => {
    const sse = await openSse(`${server.url}/api/events`, { cookie: owner.cookie });
    const job = await probe({ failAttempts: 1 });
    // A worker may already have it (PostgreSQL is fast): any status on the way to dead.
    expect(job).toMatchObject({ type: 'jobs.probe', maxAttempts: 1, status: expect.stringMatching(/^(queued|running|dead)$/) });
    const dead = await waitFor(job.id, 'dead');
    expect(dead.job).toMatchObject({ attempts: 1, lastError: 'probe told to fail attempt 1 of the first 1' });
    expect(dead.logs.map((l) => l.message)).toEqual(['attempt 1 started', 'probe started', 'retries exhausted: moved to the dead-letter queue']);
    const frames = await sse.waitFor((f) => f.some((x) => x.event === 'job.updated' && x.data?.includes('"dead"')));
    const statuses = frames.filter((x) => x.event === 'job.updated' && x.data?.includes(job.id)).map((x) => JSON.parse(x.data ?? '{}').payload.status);
    expect(statuses).toEqual(['queued', 'running', 'dead']);
    sse.close();

    const deadList = await json<{ jobs: JobRun[] }>(await owner.request('GET', '/api/jobs/dead'));
    expect(deadList.jobs.map((j) => j.id)).toContain(job.id);

    const replay = await json<{ replayed: number; jobs: JobRun[] }>(await owner.request('POST', '/api/jobs/dead/replay', { ids: [job.id] }));
    expect(replay).toMatchObject({ replayed: 1, jobs: [{ id: job.id, status: 'queued' }] });
    const done = await waitFor(job.id, 'completed');
    expect(done.job).toMatchObject({ attempts: 2, maxAttempts: 2, result: { ok: true, attempt: 2 } });
    expect(done.logs.some((l) => l.message === `replayed by ${'owner@nexo.test'}`)).toBe(true);

    const again = await json<{ code: string; details: { conflicts: Array<{ id: string; status: string }> } }>(
      await owner.request('POST', '/api/jobs/dead/replay', { ids: [job.id] }),
      409,
    );
    expect(again).toMatchObject({ code: 'CONFLICT', details: { conflicts: [{ id: job.id, status: 'completed' }] } });
    const retry = await json<{ code: string; details: { status: string } }>(await owner.request('POST', `/api/jobs/${job.id}/retry`), 409);
    expect(retry.details).toMatchObject({ status: 'completed', allowed: ['failed', 'dead', 'cancelled'] });
    const cancel = await json<{ details: { status: string } }>(await owner.request('POST', `/api/jobs/${job.id}/cancel`), 409);
    expect(cancel.details.status).toBe('completed');
  });

  it('replays every dead run of a type', async () => {
    const a = await probe({ failAttempts: 1 });
    const b = await probe({ failAttempts: 1 });
    await waitFor(a.id, 'dead');
    await waitFor(b.id, 'dead');
    const replay = await json<{ replayed: number; jobs: JobRun[] }>(await owner.request('POST', '/api/jobs/dead/replay', { type: 'jobs.probe' }));
    expect(replay.jobs.map((j) => j.id).sort()).toEqual([a.id, b.id].sort());
    await waitFor(a.id, 'completed');
    await waitFor(b.id, 'completed');
    expect((await owner.request('POST', '/api/jobs/dead/replay', { ids: [a.id], type: 'jobs.probe' })).status).toBe(400);
  });

  it('cancels a queued run (it never runs), 409 when cancelled twice, retry brings it back', async () => {
    const job = await probe({ startAfterSeconds: 3600 });
    const cancelled = await json<{ job: JobRun }>(await owner.request('POST', `/api/jobs/${job.id}/cancel`));
    expect(cancelled.job.status).toBe('cancelled');
    const twice = await json<{ code: string; error: string; details: { status: string } }>(await owner.request('POST', `/api/jobs/${job.id}/cancel`), 409);
    expect(twice).toMatchObject({ code: 'CONFLICT', details: { status: 'cancelled' } });
    expect(twice.error).toContain('cancelled');
    await json(await owner.request('POST', `/api/jobs/${job.id}/retry`));
    await waitFor(job.id, 'completed');
    const audit = await json<{ entries: Array<{ action: string; resourceId: string }> }>(await owner.request('GET', `/api/audit?resourceId=${job.id}`));
    expect(audit.entries.map((e) => e.action).sort()).toEqual(['job.cancel', 'job.retry']);
  });

  it('lists with filters and cursor paging; bad input is a 400, an unknown id a 404', async () => {
    const page1 = await json<{ jobs: JobRun[]; nextCursor: string | null }>(await owner.request('GET', '/api/jobs?limit=2&type=jobs.probe'));
    expect(page1.jobs).toHaveLength(2);
    expect(page1.nextCursor).toEqual(expect.any(String));
    const page2 = await json<{ jobs: JobRun[] }>(await owner.request('GET', `/api/jobs?limit=2&type=jobs.probe&cursor=${page1.nextCursor}`));
    expect(page2.jobs.length).toBeGreaterThan(0);
    expect(page2.jobs.map((j) => j.id)).not.toEqual(expect.arrayContaining(page1.jobs.map((j) => j.id)));
    const completed = await json<{ jobs: JobRun[] }>(await owner.request('GET', '/api/jobs?status=completed,dead&type=jobs.probe'));
    expect(completed.jobs.every((j) => ['completed', 'dead'].includes(j.status))).toBe(true);
    const later = await json<{ jobs: JobRun[] }>(
      await owner.request('GET', `/api/jobs?from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`),
    );
    expect(later.jobs).toEqual([]);
    for (const bad of ['/api/jobs?status=exploded', '/api/jobs?cursor=nonsense', '/api/jobs?limit=1000', '/api/jobs/not-a-uuid', '/api/jobs?storeId=x']) {
      const body = await json<{ code: string }>(await owner.request('GET', bad), 400);
      expect(body.code).toBe('VALIDATION');
    }
    expect((await owner.request('GET', '/api/jobs/0190a0a0-0000-7000-8000-000000000000')).status).toBe(404);
    expect((await owner.request('POST', '/api/jobs/0190a0a0-0000-7000-8000-000000000000/retry')).status).toBe(404);
  });

  it('stats per type: throughput, failure rate, depth', async () => {
    const stats = await json<{ windowHours: number; types: Array<Record<string, number | string | null>> }>(
      await owner.request('GET', '/api/jobs/stats?windowHours=1'),
    );
    const p = stats.types.find((t) => t.type === 'jobs.probe');
    expect(stats.windowHours).toBe(1);
    expect(p).toMatchObject({ dead: 0, depth: 0 });
    expect(p?.completed).toBeGreaterThanOrEqual(4);
    expect(p?.throughputPerHour).toBe(p?.completed);
    expect(p?.failureRate).toBe(0);
  });

  it("schedules: listed in the org's time zone; an invalid cron is a 400; changes apply and are audited", async () => {
    await json(await owner.request('PATCH', '/api/org', { settings: { timeZone: 'America/Sao_Paulo' } }));
    const list = await json<{ schedules: Array<{ name: string; cron: string; enabled: boolean; timeZone: string; nextRuns: string[] }> }>(
      await owner.request('GET', '/api/schedules'),
    );
    const daily = list.schedules.find((s) => s.name === 'jobs.daily-summary');
    expect(daily).toMatchObject({ cron: '0 7 * * *', enabled: true, timeZone: 'America/Sao_Paulo' });
    // 07:00 in São Paulo (UTC-3) is 10:00 UTC.
    expect(new Date(daily?.nextRuns[0] ?? '').getUTCHours()).toBe(10);

    for (const cron of ['not a cron', '61 * * * *', '* * * * * *', '0 7 * *']) {
      const bad = await json<{ code: string; error: string }>(await owner.request('PUT', '/api/schedules/jobs.daily-summary', { cron }), 400);
      expect(bad.code, cron).toBe('VALIDATION');
    }
    expect((await owner.request('PUT', '/api/schedules/no.such-schedule', { enabled: false })).status).toBe(404);

    const changed = await json<{ schedule: { cron: string; nextRuns: string[] } }>(
      await owner.request('PUT', '/api/schedules/jobs.daily-summary', { cron: '30 6 * * 1-5' }),
    );
    expect(changed.schedule.cron).toBe('30 6 * * 1-5');
    expect(new Date(changed.schedule.nextRuns[0] ?? '').getUTCHours()).toBe(9);
    const disabled = await json<{ schedule: { enabled: boolean; nextRuns: string[] } }>(
      await owner.request('PUT', '/api/schedules/jobs.daily-summary', { enabled: false }),
    );
    expect(disabled.schedule).toMatchObject({ enabled: false, nextRuns: [] });
    const audit = await json<{ entries: Array<{ action: string }> }>(await owner.request('GET', '/api/audit?resourceId=jobs.daily-summary'));
    expect(audit.entries.filter((e) => e.action === 'schedule.update')).toHaveLength(2);
  });
});

describe('ENABLE_QUEUE_PROCESSING=0', () => {
  let server: TestServer;
  afterAll(async () => {
    await server?.destroy();
  });

  it('serves and enqueues, but runs no jobs', async () => {
    server = await startTestServer({ env: { ENABLE_QUEUE_PROCESSING: '0' } });
    const owner = await signIn(server.url);
    const res = await owner.request('POST', '/api/jobs/probe', {});
    const { job } = await json<{ job: JobRun }>(res, 202);
    await sleep(2500);
    const after = await json<{ job: JobRun }>(await owner.request('GET', `/api/jobs/${job.id}`));
    expect(after.job).toMatchObject({ status: 'queued', attempts: 0 });
  });
});
