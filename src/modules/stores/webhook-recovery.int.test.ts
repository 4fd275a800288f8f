import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedOrg, testKey } from '../../../test/helpers/ctx.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/database.ts';
import { silentLog } from '../../../test/helpers/template.ts';
import { jobCatalog } from '../../contracts/jobs.ts';
import type { Tx } from '../../db/client.ts';
import type { Ctx } from '../../db/context.ts';
import { createEmulator, type Emulator, type ShopCredentials } from '../../emulator/emulator.ts';
import { createJobQueue, type JobQueue } from '../../queue/job-queue.ts';
import { connectStore, recoverLostWebhooks } from './index.ts';
import { webhookEvents } from './stores.tables.ts';

/**
 * Lost-push recovery (the `webhooks.recover` job's work) against an emulated Shopee shop whose pushes all
 * fail to arrive: get_lost_push_message returns them, they are stored like live deliveries (deduplicated,
 * each with its `webhooks.process` job enqueued in the same transaction) and confirmed, so the next run
 * finds nothing.
 */
describe('recovering lost Shopee pushes', () => {
  let t: TestDatabase;
  let ctx: Ctx;
  let emulator: Emulator;
  let shop: ShopCredentials;
  let queue: JobQueue<typeof jobCatalog>;
  let storeId: string;

  beforeAll(async () => {
    t = await createTestDatabase();
    const { members } = await seedOrg(t.database, ['owner']);
    ctx = members.owner?.ctx as Ctx;
    queue = createJobQueue({ database: t.database, catalog: jobCatalog, log: silentLog });
    await queue.start();
    emulator = createEmulator({ seed: 'shopee-lost-push', webhookBatchMs: 5 });
    await emulator.listen(0, '127.0.0.1');
    // No push URL: every push is "lost" and lands in the shop's lost-push store.
    shop = emulator.createShop({ platform: 'shopee', shop: 'lost-shopee', products: 3, orders: 0 });
    const store = await connectStore(
      ctx,
      { secretKey: testKey },
      {
        platform: 'shopee',
        name: 'Lost pushes',
        externalId: String(shop.shopId),
        connectorConfig: { apiBaseUrl: shop.baseUrl },
        credentials: {
          partnerId: shop.partnerId,
          partnerKey: shop.partnerKey,
          shopId: shop.shopId,
          accessToken: shop.accessToken,
          refreshToken: shop.refreshToken,
          expiresAt: shop.expiresAt,
        },
      },
    );
    storeId = store.id;
  });
  afterAll(async () => {
    await queue?.stop(0);
    await emulator?.close();
    await t?.close();
  });

  const deps = () => ({
    secretKey: testKey,
    enqueue: (tx: Tx, job: { orgId: string; storeId: string; webhookEventId: string }) =>
      queue.enqueue('webhooks.process', job, { tx, orgId: job.orgId, storeId: job.storeId }),
  });
  const stored = () =>
    t.database.db
      .select()
      .from(webhookEvents)
      .where(and(eq(webhookEvents.orgId, ctx.orgId), eq(webhookEvents.storeId, storeId)));

  it('stores every lost push once, confirms them, and finds nothing on the next run', async () => {
    const created = emulator.generateOrders(shop.shop, 3);
    await emulator.drainWebhooks();
    const state = emulator.shop(shop.shop).channel.shopee as { lostPushes: unknown[] };
    expect(state.lostPushes).toHaveLength(created);

    const first = await recoverLostWebhooks(t.database.db, deps());
    expect(first).toMatchObject({ recovered: created, stored: created, failures: [] });
    expect(state.lostPushes).toHaveLength(0);
    const events = await stored();
    expect(events).toHaveLength(created);
    expect(events.every((e) => e.topic === 'order_status_push' && e.resourceType === 'order' && e.status === 'received')).toBe(true);

    const second = await recoverLostWebhooks(t.database.db, deps());
    expect(second).toMatchObject({ recovered: 0, stored: 0 });
    expect(await stored()).toHaveLength(created);
  });

  it('a lost push that is served again (confirmation lost) is not stored twice', async () => {
    emulator.generateOrders(shop.shop, 1);
    await emulator.drainWebhooks();
    const state = emulator.shop(shop.shop).channel.shopee as { lostPushes: unknown[] };
    const copy = structuredClone(state.lostPushes);
    const before = (await stored()).length;
    expect((await recoverLostWebhooks(t.database.db, deps())).stored).toBe(1);
    state.lostPushes.push(...copy); // Shopee serves the same messages again
    expect(await recoverLostWebhooks(t.database.db, deps())).toMatchObject({ recovered: 1, stored: 0 });
    expect(await stored()).toHaveLength(before + 1);
  });
});
