import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedOrg, testKey } from '../../test/helpers/ctx.ts';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/database.ts';
import { testStoreLimits } from '../../test/helpers/emulator-stores.ts';
import { silentLog } from '../../test/helpers/template.ts';
import { jobCatalog } from '../contracts/jobs.ts';
import type { Ctx } from '../db/context.ts';
import { createEmulator, type Emulator } from '../emulator/emulator.ts';
import { connectStore, runStoreSync, type StoreLimits } from '../modules/stores/index.ts';
import { createJobQueue, type JobQueue } from '../queue/job-queue.ts';
import { storesSyncJob } from './stores-sync.job.ts';

/** The `stores.sync` job through the real queue: a run queued before a sync that completed meanwhile is skipped. */
describe('stores.sync job', () => {
  let t: TestDatabase;
  let ctx: Ctx;
  let emulator: Emulator;
  let limits: StoreLimits;
  let queue: JobQueue<typeof jobCatalog>;

  beforeAll(async () => {
    t = await createTestDatabase();
    ctx = (await seedOrg(t.database, ['owner'])).members.owner?.ctx as Ctx;
    emulator = createEmulator({ seed: 'sync-job' });
    await emulator.listen(0, '127.0.0.1');
    limits = testStoreLimits({ failureThreshold: 5, callTimeoutMs: 10_000 });
    queue = createJobQueue({ database: t.database, catalog: jobCatalog, log: silentLog });
    await queue.start();
  });
  afterAll(async () => {
    await queue?.stop(0);
    limits?.shutdown();
    await emulator?.close();
    await t?.close();
  });

  it('skips a queued sync when a sync that started after it was queued has completed, and names why', async () => {
    const shop = emulator.createShop({ platform: 'shopify', shop: 'job-sync.myshopify.com', products: 6, orders: 2 });
    const store = await connectStore(
      ctx,
      { secretKey: testKey },
      { platform: 'shopify', name: 'Job sync', connectorConfig: { shop: shop.shop, apiBaseUrl: shop.baseUrl }, credentials: { accessToken: shop.accessToken } },
    );
    const payload = { orgId: ctx.orgId, storeId: store.id, mode: 'full' as const };
    const queued = await queue.enqueue('stores.sync', payload, { orgId: ctx.orgId, storeId: store.id });
    await new Promise((resolve) => setTimeout(resolve, 5));
    // Another sync (the "sync now" of a second process, say) starts after that and completes before a worker takes the job.
    expect(await runStoreSync(t.database.db, { secretKey: testKey, limits }, payload, silentLog)).toMatchObject({ status: 'done', products: 6 });

    const results = new Map<string, unknown>();
    const handler = storesSyncJob(t.database.db, { secretKey: testKey, limits }, silentLog);
    await queue.work('stores.sync', async (data, job) => {
      const result = await handler(data, job);
      results.set(job.id, result);
      return result;
    });
    for (const deadline = Date.now() + 30_000; !results.has(queued) && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(results.get(queued)).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/completed after this one was queued/) });

    // A run queued after that sync started is not skipped.
    const later = await queue.enqueue('stores.sync', payload, { orgId: ctx.orgId, storeId: store.id });
    for (const deadline = Date.now() + 30_000; !results.has(later) && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(results.get(later)).toMatchObject({ status: 'done', products: 6 });
  });
});
