import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChannelReceiver } from '../../../test/helpers/channel-receiver.ts';
import { seedOrg } from '../../../test/helpers/ctx.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/database.ts';
import { silentLog } from '../../../test/helpers/template.ts';
import { type Database, openDatabase } from '../../db/client.ts';
import type { Ctx } from '../../db/context.ts';
import { isPostponeJob, type PostponeJob } from '../../lib/job-control.ts';
import { createMetrics } from '../../lib/metrics.ts';
import { sleep } from '../../lib/sleep.ts';
import { createStore, createStoreLimits, getStore, type Lane, listBreakers, listStores, type StoreLimitsOptions, storeLimits } from './index.ts';

const base: StoreLimitsOptions = {
  breakerEnabled: true,
  failureThreshold: 3,
  resetTimeoutMs: 400,
  halfOpenSuccesses: 2,
  callTimeoutMs: 5_000,
  rateMaxWaitMs: 2_000,
  rateHeadroom: 0,
};

class HttpError extends Error {
  readonly status: number;
  readonly headers: Headers;
  constructor(status: number, headers: Headers) {
    super(`HTTP ${status}`);
    this.status = status;
    this.headers = headers;
  }
}

/** What a connector does: call the channel, report the response, throw on an error status. */
async function callChannel(url: string, io: { signal: AbortSignal; report: (r: { status: number; headers: Headers }) => void }, lane?: string) {
  const response = await fetch(url, { signal: io.signal, headers: lane ? { 'x-lane': lane } : {} });
  io.report({ status: response.status, headers: response.headers });
  const body = await response.text();
  if (!response.ok) throw new HttpError(response.status, response.headers);
  return body;
}

async function postponed(promise: Promise<unknown>): Promise<PostponeJob> {
  try {
    await promise;
  } catch (error) {
    if (isPostponeJob(error)) return error;
    throw error;
  }
  throw new Error('expected PostponeJob');
}

describe('stores, circuit breakers and rate limits', () => {
  let t: TestDatabase;
  /** A second, independent connection (pool) to the same database: "another worker process". */
  let other: Database;
  let ctx: Ctx;
  let otherCtx: Ctx;
  let channel: Awaited<ReturnType<typeof startChannelReceiver>>;
  let failing = true;

  beforeAll(async () => {
    t = await createTestDatabase();
    other = t.url ? await openDatabase({ url: t.url, poolSize: 3, log: silentLog }) : t.database;
    const { members } = await seedOrg(t.database, ['owner']);
    ctx = members.owner?.ctx as Ctx;
    otherCtx = { ...ctx, db: other.db };
    channel = await startChannelReceiver({
      '/flaky': (_req, res) => {
        if (failing) res.writeHead(502).end('bad gateway');
        else res.writeHead(200).end('ok');
      },
      '/slow': (_req, res) => {
        setTimeout(() => res.writeHead(200).end('ok'), 300);
      },
      '/throttled': (_req, res) => {
        res.writeHead(429, { 'retry-after': '2' }).end('{"errors":"Exceeded 2 calls per second for api client"}');
      },
      '/missing': (_req, res) => {
        res.writeHead(404).end('not found');
      },
      '/graphql': (_req, res) => {
        const extensions = {
          cost: { requestedQueryCost: 12, actualQueryCost: 10, throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 1500, restoreRate: 100 } },
        };
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: {}, extensions }));
      },
    });
  });
  afterAll(async () => {
    await channel.close();
    if (other !== t.database) await other.close();
    await t.close();
  });

  it('creates, lists and reads stores inside the org only', async () => {
    const store = await createStore(ctx, { platform: 'Shopify', name: 'Main shop', externalId: 'main.myshopify.com' });
    expect(store).toMatchObject({ platform: 'shopify', name: 'Main shop', status: 'active', hasCredentials: false });
    expect((await listStores(ctx)).map((s) => s.id)).toContain(store.id);
    expect(await getStore(ctx, store.id)).toEqual(store);
    const stranger = (await seedOrg(t.database, ['owner'])).members.owner?.ctx as Ctx;
    await expect(getStore(stranger, store.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(getStore(ctx, 'not-a-uuid')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(storeLimits(stranger, store.id, 0)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(createStore(ctx, { platform: 'bad platform!', name: 'x' })).rejects.toMatchObject({ code: 'VALIDATION' });
  });

  it('opens after N failures, is shared with another connection, probes once, closes on success', async () => {
    const store = await createStore(ctx, { platform: 'emulator', name: 'Flaky' });
    const metrics = createMetrics();
    const a = createStoreLimits({ ...base, metrics, owner: 'process-a' });
    const b = createStoreLimits({ ...base, owner: 'process-b' });
    const call = { operation: 'listOrders', lane: 'content' as Lane };
    failing = true;
    for (let i = 0; i < 3; i++) {
      await expect(a.withStoreLimits(ctx, store.id, call, (io) => callChannel(`${channel.url}/flaky`, io))).rejects.toMatchObject({ status: 502 });
    }
    const [breaker] = await listBreakers(ctx, { storeId: store.id });
    expect(breaker).toMatchObject({ operation: 'listOrders', state: 'open', openCount: 1, lastError: 'HTTP 502' });

    // The other process sees it open: its job is postponed until the probe time and the channel is not called.
    const before = channel.received.length;
    const p = await postponed(b.withStoreLimits(otherCtx, store.id, call, (io) => callChannel(`${channel.url}/flaky`, io)));
    expect(p.until.toISOString()).toBe(breaker?.nextProbeAt);
    expect(channel.received.length).toBe(before);
    // Other operations of the store have their own breaker.
    await expect(b.withStoreLimits(otherCtx, store.id, { operation: 'getOrder' }, async () => 'fine')).resolves.toBe('fine');

    // Half open: two processes race, exactly one probes the channel, the other is postponed.
    await sleep(450);
    failing = false;
    const slowBefore = channel.received.filter((r) => r.path === '/slow').length;
    const results = await Promise.allSettled([
      a.withStoreLimits(ctx, store.id, call, (io) => callChannel(`${channel.url}/slow`, io)),
      b.withStoreLimits(otherCtx, store.id, call, (io) => callChannel(`${channel.url}/slow`, io)),
    ]);
    expect(channel.received.filter((r) => r.path === '/slow').length - slowBefore).toBe(1);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(isPostponeJob(rejected.reason)).toBe(true);
    expect((await listBreakers(ctx, { storeId: store.id }))[0]).toMatchObject({ state: 'half_open', probeSuccesses: 1 });

    // A second successful probe (from the other process) closes it.
    await expect(b.withStoreLimits(otherCtx, store.id, call, (io) => callChannel(`${channel.url}/flaky`, io))).resolves.toBe('ok');
    expect((await listBreakers(ctx, { storeId: store.id }))[0]).toMatchObject({ state: 'closed', failures: 0, openedAt: null });

    // Metrics: the gauge reads the shared state at scrape time.
    metrics.breakerStates.read = async () => [{ storeId: store.id, platform: 'emulator', operation: 'listOrders', state: 'closed' }];
    const text = await metrics.registry.metrics();
    expect(text).toContain(`nexo_circuit_breaker_state{store_id="${store.id}",platform="emulator",operation="listOrders",state="closed"} 1`);
    expect(text).toMatch(/nexo_circuit_breaker_transitions_total\{store_id="[^"]+",operation="listOrders",to="open"\} 1/);
    a.shutdown();
    b.shutdown();
  });

  it('a failed probe opens the breaker again; 4xx answers never count as failures', async () => {
    const store = await createStore(ctx, { platform: 'emulator', name: 'Down' });
    const limits = createStoreLimits({ ...base, owner: 'p' });
    const call = { operation: 'sync' };
    for (let i = 0; i < 5; i++) {
      await expect(limits.withStoreLimits(ctx, store.id, call, (io) => callChannel(`${channel.url}/missing`, io))).rejects.toMatchObject({ status: 404 });
    }
    expect(await listBreakers(ctx, { storeId: store.id })).toEqual([]);
    failing = true;
    for (let i = 0; i < 3; i++) await expect(limits.withStoreLimits(ctx, store.id, call, (io) => callChannel(`${channel.url}/flaky`, io))).rejects.toThrow();
    await sleep(450);
    await expect(limits.withStoreLimits(ctx, store.id, call, (io) => callChannel(`${channel.url}/flaky`, io))).rejects.toMatchObject({ status: 502 });
    const [breaker] = await listBreakers(ctx, { storeId: store.id });
    expect(breaker).toMatchObject({ state: 'open', openCount: 1 });
    expect(Date.parse(breaker?.nextProbeAt ?? '')).toBeGreaterThan(Date.now() + 200);
    limits.shutdown();
  });

  it("a store's config.breaker overrides the global threshold and reset time", async () => {
    const store = await createStore(ctx, { platform: 'emulator', name: 'Touchy', config: { breaker: { failureThreshold: 1, resetSeconds: 120 } } });
    const limits = createStoreLimits({ ...base, owner: 'p' });
    failing = true;
    await expect(limits.withStoreLimits(ctx, store.id, { operation: 'sync' }, (io) => callChannel(`${channel.url}/flaky`, io))).rejects.toMatchObject({
      status: 502,
    });
    const [breaker] = await listBreakers(ctx, { storeId: store.id });
    expect(breaker?.state).toBe('open');
    expect(Date.parse(breaker?.nextProbeAt ?? '') - Date.parse(breaker?.openedAt ?? '')).toBe(120_000);
    limits.shutdown();
  });

  it('ENABLE_CIRCUIT_BREAKER=false lets every call through', async () => {
    const store = await createStore(ctx, { platform: 'emulator', name: 'No breaker' });
    const limits = createStoreLimits({ ...base, breakerEnabled: false });
    failing = true;
    for (let i = 0; i < 6; i++)
      await expect(limits.withStoreLimits(ctx, store.id, { operation: 'sync' }, (io) => callChannel(`${channel.url}/flaky`, io))).rejects.toMatchObject({
        status: 502,
      });
    expect(await listBreakers(ctx, { storeId: store.id })).toEqual([]);
    limits.shutdown();
  });

  it('serves inventory before price before content, across two connections', async () => {
    const store = await createStore(ctx, { platform: 'emulator', name: 'Lanes', config: { rateLimits: { default: { capacity: 1, refillPerSecond: 10 } } } });
    // No lead: the drained bucket must still be empty when the nine calls arrive.
    const metrics = createMetrics();
    const a = createStoreLimits({ ...base, rateMaxWaitMs: 10_000, rateLeadMs: 0, metrics });
    const b = createStoreLimits({ ...base, rateMaxWaitMs: 10_000, rateLeadMs: 0 });
    // Drain the one token so everybody has to queue.
    await a.withStoreLimits(ctx, store.id, { operation: 'x', lane: 'inventory' }, async () => null);
    const order: Lane[] = [];
    const calls: Array<Promise<unknown>> = [];
    const lanesInArrival: Lane[] = ['content', 'price', 'content', 'inventory', 'price', 'content', 'inventory', 'price', 'inventory'];
    lanesInArrival.forEach((lane, i) => {
      const [limits, c] = i % 2 === 0 ? [a, ctx] : [b, otherCtx];
      calls.push(
        limits.withStoreLimits(c, store.id, { operation: 'update', lane }, async (io) => {
          order.push(lane);
          return callChannel(`${channel.url}/lanes`, io, lane);
        }),
      );
    });
    await Promise.all(calls);
    expect(order).toEqual(['inventory', 'inventory', 'inventory', 'price', 'price', 'price', 'content', 'content', 'content']);
    expect(await metrics.registry.metrics()).toMatch(/nexo_rate_limiter_waits_total\{platform="emulator",lane="content",outcome="waited"\} [1-9]/);
    a.shutdown();
    b.shutdown();
  });

  it('a 429 with Retry-After empties and pauses the bucket and postpones without counting a breaker failure', async () => {
    const store = await createStore(ctx, { platform: 'mercadolivre', name: 'Throttled' });
    const limits = createStoreLimits({ ...base, rateMaxWaitMs: 500 });
    const started = Date.now();
    const p = await postponed(
      limits.withStoreLimits(ctx, store.id, { operation: 'items', lane: 'price' }, (io) => callChannel(`${channel.url}/throttled`, io)),
    );
    expect(p.until.getTime()).toBeGreaterThanOrEqual(started + 1900);
    expect(p.until.getTime()).toBeLessThan(Date.now() + 2100);
    const view = await storeLimits(ctx, store.id, 0);
    expect(view.buckets[0]).toMatchObject({ bucket: 'default', capacity: 20, refillPerSecond: 10 });
    expect(view.buckets[0]?.tokens).toBeLessThanOrEqual(0.5);
    expect(view.buckets[0]?.pausedUntil).not.toBeNull();
    // While paused, the next call (any process) is postponed too, without reaching the channel.
    const before = channel.received.length;
    const next = await postponed(
      limits.withStoreLimits(otherCtx, store.id, { operation: 'items', lane: 'inventory' }, (io) => callChannel(`${channel.url}/ok`, io)),
    );
    expect(next.reason).toMatch(/paused/);
    expect(channel.received.length).toBe(before);
    expect(await listBreakers(ctx, { storeId: store.id })).toEqual([]);
    limits.shutdown();
  });

  it('learns Shopify GraphQL limits from throttleStatus', async () => {
    const store = await createStore(ctx, { platform: 'shopify', name: 'Plus shop' });
    const limits = createStoreLimits(base);
    expect((await storeLimits(ctx, store.id, 0)).buckets.find((x) => x.bucket === 'graphql')).toBeUndefined();
    await limits.withStoreLimits(ctx, store.id, { operation: 'graphql', lane: 'inventory', cost: 12 }, async (io) => {
      const response = await fetch(`${channel.url}/graphql`, { method: 'POST', signal: io.signal });
      const body = (await response.json()) as {
        extensions: { cost: { throttleStatus: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number } } };
      };
      io.report({ status: response.status, headers: response.headers, shopifyThrottleStatus: body.extensions.cost.throttleStatus });
    });
    const graphql = (await storeLimits(ctx, store.id, 0)).buckets.find((x) => x.bucket === 'graphql');
    expect(graphql).toMatchObject({
      capacity: 2000,
      refillPerSecond: 100,
      published: { capacity: 1000, refillPerSecond: 50 },
      learnedFrom: 'shopify throttleStatus',
    });
    expect(graphql?.tokens).toBeGreaterThanOrEqual(1500);
    expect(graphql?.tokens).toBeLessThan(1600);
    limits.shutdown();
  });

  it('a call that finds its token in the bucket goes out at once: one call at a time is not held a lead time per call', async () => {
    const store = await createStore(ctx, { platform: 'tiktokshop', name: 'Sequential' });
    const limits = createStoreLimits({ ...base, rateLeadMs: 200 });
    const started = performance.now();
    // Bucket of 10 tokens, full: 8 calls one after another all find a token (before: each waited the 200 ms lead).
    for (let i = 0; i < 8; i++) await limits.withStoreLimits(ctx, store.id, { operation: 'listProducts' }, async () => null);
    expect(performance.now() - started).toBeLessThan(8 * 200 * 0.5);
    // Once the bucket is empty, grants are booked ahead again (the lead absorbs grant-to-send delays).
    const more = performance.now();
    for (let i = 0; i < 4; i++) await limits.withStoreLimits(ctx, store.id, { operation: 'listProducts' }, async () => null);
    expect(performance.now() - more).toBeGreaterThanOrEqual(200);
    limits.shutdown();
  });

  it('postpones with the time of the next token when the wait is too long', async () => {
    const store = await createStore(ctx, { platform: 'amazon', name: 'SP-API' });
    const limits = createStoreLimits({ ...base, rateMaxWaitMs: 100 });
    // getOrders: burst 20, 0.0167/s: the 21st call within a minute must wait ~60 s.
    for (let i = 0; i < 20; i++) await limits.withStoreLimits(ctx, store.id, { operation: 'getOrders', lane: 'inventory' }, async () => null);
    const p = await postponed(limits.withStoreLimits(ctx, store.id, { operation: 'getOrders', lane: 'inventory' }, async () => null));
    expect(p.until.getTime() - Date.now()).toBeGreaterThan(50_000);
    // Other operations have their own bucket.
    await expect(limits.withStoreLimits(ctx, store.id, { operation: 'getOrder' }, async () => 'ok')).resolves.toBe('ok');
    await expect(limits.withStoreLimits(ctx, store.id, { operation: 'x', cost: 5 }, async () => 'never')).rejects.toMatchObject({ code: 'VALIDATION' });
    limits.shutdown();
  });
});
