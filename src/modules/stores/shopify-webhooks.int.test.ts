import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedOrg, testKey } from '../../../test/helpers/ctx.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/database.ts';
import { testStoreLimits } from '../../../test/helpers/emulator-stores.ts';
import { silentLog } from '../../../test/helpers/template.ts';
import type { Config } from '../../config.ts';
import { connectorById } from '../../connectors/registry.ts';
import type { Ctx } from '../../db/context.ts';
import { createEmulator, type Emulator, type ShopCredentials } from '../../emulator/emulator.ts';
import { connectStore, processWebhookEvent, receiveWebhook, type StoreLimits, subscribeStoreWebhooks } from './index.ts';
import { stores } from './stores.tables.ts';

/**
 * Shopify webhooks of a connected store: subscribed at Nexo's public URL when the store is connected (a clear
 * note without one), and order webhooks handled by re-fetching the single order (not a full sync), so duplicate
 * and out-of-order deliveries end in the channel's current state.
 */
describe('Shopify store webhooks', () => {
  let t: TestDatabase;
  let ctx: Ctx;
  let emulator: Emulator;
  let shop: ShopCredentials;
  let limits: StoreLimits;
  let channels: Config['channels'];
  let storeId: string;
  let receiver: Server;
  let publicUrl: string;
  const jobs: Array<{ orgId: string; storeId: string; webhookEventId: string }> = [];
  const statuses: number[] = [];

  beforeAll(async () => {
    t = await createTestDatabase();
    ctx = (await seedOrg(t.database, ['owner'])).members.owner?.ctx as Ctx;
    emulator = createEmulator({ seed: 'shopify-hooks-int', webhookBatchMs: 5 });
    await emulator.listen(0, '127.0.0.1');
    shop = emulator.createShop({ platform: 'shopify', shop: 'hooks-int.myshopify.com', products: 4, orders: 0, clientSecret: 'shpss_hooks_int_secret' });
    channels = { shopify: { clientId: shop.clientId, clientSecret: shop.clientSecret }, mercadolivre: {} };
    limits = testStoreLimits({ callTimeoutMs: 10_000 });
    const store = await connectStore(
      ctx,
      { secretKey: testKey },
      {
        platform: 'shopify',
        name: 'Hooks',
        externalId: shop.shop,
        connectorConfig: { shop: shop.shop, apiBaseUrl: shop.baseUrl },
        credentials: { accessToken: shop.accessToken },
      },
    );
    storeId = store.id;
    // Nexo's public webhook route, as far as the stores module goes: the raw bytes and headers to receiveWebhook.
    const receiveDeps = { secretKey: testKey, channels, enqueue: async (_tx: unknown, job: (typeof jobs)[number]) => jobs.push(job) };
    receiver = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (c) => chunks.push(c));
      request.on('end', () => {
        const [, , , platform = '', id = ''] = (request.url ?? '').split('/');
        receiveWebhook(t.database.db, receiveDeps, { platform, storeId: id, rawBody: Buffer.concat(chunks), headers: request.headers, now: new Date() }).then(
          () => response.writeHead(200).end(),
          (error) => response.writeHead(error?.code === 'UNAUTHORIZED' ? 401 : 404).end(),
        );
        response.on('finish', () => statuses.push(response.statusCode));
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    publicUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/`;
  });
  afterAll(async () => {
    limits?.shutdown();
    await emulator?.close();
    receiver?.closeAllConnections();
    await new Promise((resolve) => receiver?.close(resolve));
    await t?.close();
  });

  const deps = () => ({ secretKey: testKey, limits, channels });
  const subscribe = (url: string | undefined) => subscribeStoreWebhooks(t.database.db, deps(), { orgId: ctx.orgId, storeId, publicUrl: url }, silentLog);
  const health = async () => (await t.database.db.select({ health: stores.health }).from(stores).where(eq(stores.id, storeId)))[0]?.health;
  const processAll = async () => {
    const out = [];
    for (const job of jobs.splice(0)) out.push(await processWebhookEvent(t.database.db, deps(), job, silentLog));
    return out;
  };
  const storedOrder = async (channelOrderId: string) => {
    const { rows } = (await t.database.db.execute(
      sql`select fulfillment_status, channel_updated_at from orders where store_id = ${storeId} and channel_order_id = ${channelOrderId}`,
    )) as unknown as { rows: Array<{ fulfillment_status: string; channel_updated_at: unknown }> };
    return rows[0] && { fulfillmentStatus: rows[0].fulfillment_status, channelUpdatedAt: String(rows[0].channel_updated_at) };
  };

  it('without NEXO_PUBLIC_URL nothing is subscribed and the store says why', async () => {
    expect(await subscribe(undefined)).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/NEXO_PUBLIC_URL/) });
    expect(await health()).toMatchObject({ webhooks: { status: 'skipped' } });
    expect(emulator.shop(shop.shop).webhooks).toHaveLength(0);
  });

  it("subscribes the store's topics at the public URL, once (subscribing again changes nothing)", async () => {
    const callbackUrl = `${publicUrl.replace(/\/$/, '')}/api/webhooks/shopify/${storeId}`;
    const topics = ['orders/create', 'orders/updated', 'products/update', 'inventory_levels/update', 'app/uninstalled'];
    expect(await subscribe(publicUrl)).toMatchObject({ status: 'subscribed', callbackUrl, topics, verifiable: true });
    expect(await subscribe(publicUrl)).toMatchObject({ status: 'subscribed' });
    const subscriptions = emulator.shop(shop.shop).webhooks;
    expect(subscriptions.map((w) => w.topic).sort()).toEqual([...topics].sort());
    expect(new Set(subscriptions.map((w) => w.callbackUrl))).toEqual(new Set([callbackUrl]));
    expect(await health()).toMatchObject({ webhooks: { status: 'subscribed', callbackUrl } });
  });

  it('order webhooks re-fetch the one order; duplicates and out-of-order deliveries end in its current state', async () => {
    emulator.setFaults(shop.shop, { duplicateWebhookRate: 1, outOfOrderWebhooks: true });
    expect(emulator.generateOrders(shop.shop, 3)).toBe(3);
    await emulator.drainWebhooks();
    expect(statuses.filter((s) => s === 200)).toHaveLength(6);
    expect(jobs).toHaveLength(3); // each duplicate stored once
    const created = await processAll();
    const ids = created.map((o) => (o as { synced?: { order?: { channelId?: string } } }).synced?.order?.channelId);
    expect(ids.every((id) => typeof id === 'string' && id.startsWith('gid://shopify/Order/'))).toBe(true);
    for (const id of ids) expect(await storedOrder(id as string)).toMatchObject({ fulfillmentStatus: 'unfulfilled' });

    // Fulfil one on the channel: orders/fulfilled + orders/updated arrive (newest first, twice each).
    const target = ids[0] as string;
    const client = (connectorById('shopify') as NonNullable<ReturnType<typeof connectorById>>).connect({
      credentials: { accessToken: shop.accessToken },
      config: { shop: shop.shop, apiBaseUrl: shop.baseUrl },
    });
    await client.fulfillOrder?.({ channelOrderId: target, notifyCustomer: false });
    await emulator.drainWebhooks();
    const updates = await processAll();
    expect(updates.length).toBeGreaterThanOrEqual(1);
    expect(updates.every((o) => o.status === 'processed')).toBe(true);
    const after = await storedOrder(target);
    expect(after?.fulfillmentStatus).toBe('fulfilled');

    // A late copy of an old orders/create (a new delivery id) re-fetches too: the order stays as the channel has it.
    emulator.setFaults(shop.shop, { duplicateWebhookRate: 0, outOfOrderWebhooks: false });
    expect(await processWebhookEventFor('orders/create', target)).toMatchObject({ status: 'processed' });
    expect(await storedOrder(target)).toEqual(after);
  });

  it('a refused subscription (revoked token) is recorded as failed, not retried forever', async () => {
    emulator.setFaults(shop.shop, { tokenExpired: true });
    try {
      expect(await subscribe(publicUrl)).toMatchObject({ status: 'failed', reason: expect.stringMatching(/reconnect/i) });
      expect(await health()).toMatchObject({ webhooks: { status: 'failed' } });
    } finally {
      emulator.setFaults(shop.shop, { tokenExpired: false });
    }
  });

  it('app/uninstalled puts the store in error with the reason (audited); later webhooks are skipped until it is reconnected', async () => {
    await subscribe(publicUrl);
    emulator.uninstallApp(shop.shop);
    await emulator.drainWebhooks();
    try {
      expect(await processAll()).toEqual([expect.objectContaining({ status: 'processed', topic: 'app/uninstalled', store: 'error' })]);
      const [row] = await t.database.db.select({ status: stores.status, health: stores.health }).from(stores).where(eq(stores.id, storeId));
      expect(row?.status).toBe('error');
      expect(row?.health).toMatchObject({ accessRevoked: { topic: 'app/uninstalled', reason: expect.stringMatching(/reconnect/) } });
      const { rows } = (await t.database.db.execute(
        sql`select action from audit_log where org_id = ${ctx.orgId} and resource_id = ${storeId} and action = 'store.access_revoked'`,
      )) as unknown as { rows: unknown[] };
      expect(rows).toHaveLength(1);
      // An order webhook arriving after the uninstall is not processed against a store without access.
      expect(await processWebhookEventFor('orders/updated', 'gid://shopify/Order/1')).toMatchObject({ status: 'skipped', reason: 'store is error' });
    } finally {
      emulator.setFaults(shop.shop, { tokenExpired: false });
    }
  });

  /** Delivers a signed webhook about `orderGid` straight to the receiver and processes the job it queued. */
  async function processWebhookEventFor(topic: string, orderGid: string) {
    const { createHmac, randomUUID } = await import('node:crypto');
    const body = JSON.stringify({ admin_graphql_api_id: orderGid, id: Number(orderGid.split('/').pop()) });
    const response = await fetch(`${publicUrl}api/webhooks/shopify/${storeId}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-shopify-topic': topic,
        'x-shopify-hmac-sha256': createHmac('sha256', shop.clientSecret).update(body).digest('base64'),
        'x-shopify-shop-domain': shop.shop,
        'x-shopify-webhook-id': randomUUID(),
      },
      body,
    });
    expect(response.status).toBe(200);
    const [outcome] = await processAll();
    return outcome;
  }
});
