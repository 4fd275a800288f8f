import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedOrg, testKey } from '../../../test/helpers/ctx.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/database.ts';
import { testStoreLimits } from '../../../test/helpers/emulator-stores.ts';
import { silentLog } from '../../../test/helpers/template.ts';
import type { Config } from '../../config.ts';
import type { Ctx } from '../../db/context.ts';
import { createEmulator, type Emulator, type ShopCredentials } from '../../emulator/emulator.ts';
import { mlStateOf } from '../../emulator/mercadolivre/ml-state.ts';
import { countOrders } from '../orders/index.ts';
import {
  completeOAuthInstall,
  processWebhookEvent,
  receiveAppNotification,
  runStoreSync,
  type StoreLimits,
  startOAuthInstall,
  storeClients,
  updateStore,
} from './index.ts';
import { openCredentials } from './store-secrets.ts';
import { stores, webhookEvents } from './stores.tables.ts';

const APP_ID = '4815162342';
const APP_SECRET = 'ml-app-secret-for-store-tests';
const REDIRECT = 'https://nexo.example/api/stores/oauth/mercadolivre/callback';

/**
 * Mercado Livre stores against the emulated seller: the OAuth connect (state, code exchange, sealed
 * credentials), rotated refresh tokens persisted by every refresh a job makes (also two workers refreshing at
 * once), and app-wide notifications routed by seller and re-fetched with the store's own token.
 */
describe('Mercado Livre stores', () => {
  let t: TestDatabase;
  let ctx: Ctx;
  let emulator: Emulator;
  let seller: ShopCredentials;
  let limits: StoreLimits;
  let channels: Config['channels'];
  let storeId: string;
  const jobs: Array<{ orgId: string; storeId: string; webhookEventId: string }> = [];
  const receiveDeps = () => ({ secretKey: testKey, channels, enqueue: async (_tx: unknown, job: (typeof jobs)[number]) => jobs.push(job) });
  const callDeps = () => ({ secretKey: testKey, limits, channels });

  beforeAll(async () => {
    t = await createTestDatabase();
    ctx = (await seedOrg(t.database, ['owner'])).members.owner?.ctx as Ctx;
    emulator = createEmulator({ seed: 'ml-store-int', webhookBatchMs: 5 });
    await emulator.listen(0, '127.0.0.1');
    seller = emulator.createShop({ platform: 'mercadolivre', shop: 'ml-store', products: 8, orders: 4, clientId: APP_ID, clientSecret: APP_SECRET });
    channels = { shopify: {}, mercadolivre: { clientId: APP_ID, clientSecret: APP_SECRET, apiBaseUrl: seller.baseUrl, authBaseUrl: seller.baseUrl } };
    limits = testStoreLimits({ callTimeoutMs: 10_000 });
  });
  afterAll(async () => {
    limits?.shutdown();
    await emulator?.close();
    await t?.close();
  });

  const row = async () => {
    const [found] = await t.database.db.select().from(stores).where(eq(stores.id, storeId));
    if (!found?.credentialsEncrypted) throw new Error('store without credentials');
    return found;
  };
  const stored = async () => {
    const r = await row();
    return openCredentials(testKey, r.orgId, r.id, r.credentialsEncrypted as string) as {
      accessToken: string;
      refreshToken: string;
      userId: string;
      expiresAt: string;
    };
  };
  /** Leaves the stored access token in place but says it expired: the next call refreshes first. */
  const expireStoredToken = async () => {
    const current = await stored();
    await updateStore(ctx, { secretKey: testKey }, storeId, { credentials: { ...current, expiresAt: new Date(Date.now() - 60_000).toISOString() } });
    return current;
  };

  async function install(name?: string) {
    const url = new URL(
      await startOAuthInstall(ctx, { secretKey: testKey, channels }, { platform: 'mercadolivre', redirectUri: REDIRECT, ...(name ? { name } : {}) }),
    );
    expect(url.origin + url.pathname).toBe(`${seller.baseUrl}/authorization`);
    expect(url.searchParams.get('client_id')).toBe(APP_ID);
    const approved = await fetch(url, { redirect: 'manual' });
    expect(approved.status).toBe(302);
    const query = Object.fromEntries(new URL(approved.headers.get('location') as string).searchParams);
    return {
      query,
      complete: (q = query) => completeOAuthInstall(ctx, { secretKey: testKey, channels }, { platform: 'mercadolivre', query: q, redirectUri: REDIRECT }),
    };
  }

  it('connects a seller by OAuth: state checked, code exchanged, access + refresh token + user id sealed; a re-install reconnects', async () => {
    const { query, complete } = await install('My ML');
    await expect(complete({ ...query, state: `${query.state}x` })).rejects.toMatchObject({ code: 'VALIDATION' });
    const { store, created } = await complete();
    expect(created).toBe(true);
    expect(store).toMatchObject({ platform: 'mercadolivre', name: 'My ML', externalId: seller.userId, status: 'active' });
    expect(store.credentialFields).toEqual(['accessToken', 'expiresAt', 'refreshToken', 'userId']);
    expect(JSON.stringify(store)).not.toMatch(/APP_USR|TG-/);
    storeId = store.id;
    const credentials = await stored();
    expect(credentials.refreshToken).toBe(mlStateOf(emulator.shop(seller.shop)).refreshToken);
    expect(credentials.userId).toBe(seller.userId);
    // The state was used: the same callback again is refused, and nothing was half written.
    await expect(complete()).rejects.toMatchObject({ code: 'VALIDATION' });

    const again = await install();
    const second = await again.complete();
    expect(second).toMatchObject({ created: false, store: { id: storeId } });
    expect((await stored()).refreshToken).toBe(mlStateOf(emulator.shop(seller.shop)).refreshToken);
  });

  it('persists the rotated refresh token when a sync job refreshes mid-run, so the next job still works', async () => {
    const before = await expireStoredToken();
    const outcome = await runStoreSync(t.database.db, callDeps(), { orgId: ctx.orgId, storeId, mode: 'full', pageSize: 5 }, silentLog);
    expect(outcome).toMatchObject({ status: 'done', products: 8 });
    const after = await stored();
    const ml = mlStateOf(emulator.shop(seller.shop));
    expect(after.refreshToken).not.toBe(before.refreshToken);
    expect(after.refreshToken).toBe(ml.refreshToken);
    expect(ml.retiredRefreshTokens.has(before.refreshToken)).toBe(true);
    expect(Date.parse(after.expiresAt)).toBeGreaterThan(Date.now() + 3_600_000);
    expect((await countOrders(t.database.db, ctx.orgId, storeId)).orders).toBe(4);

    // A later job starts from what was stored: no refresh needed, and it works.
    const again = await runStoreSync(t.database.db, callDeps(), { orgId: ctx.orgId, storeId, mode: 'incremental' }, silentLog);
    expect(again.status).toBe('done');
    expect((await stored()).refreshToken).toBe(after.refreshToken);
  });

  it('two workers refreshing the same store at once: one rotates, the other adopts what was stored; both calls succeed', async () => {
    const before = await expireStoredToken();
    const snapshot = await row();
    // Two processes that each read the store row before either refreshed.
    const workerA = storeClients(t.database.db, callDeps(), snapshot);
    const workerB = storeClients(t.database.db, callDeps(), snapshot);
    const issuedBefore = mlStateOf(emulator.shop(seller.shop)).accessTokens.size;
    const [a, b] = await Promise.all([workerA().testConnection(), workerB().testConnection()]);
    expect(a.externalId).toBe(seller.userId);
    expect(b.externalId).toBe(seller.userId);
    const ml = mlStateOf(emulator.shop(seller.shop));
    const after = await stored();
    expect(after.refreshToken).toBe(ml.refreshToken);
    expect(after.refreshToken).not.toBe(before.refreshToken);
    // Exactly one rotation happened (the loser's refresh was refused and it took the winner's tokens).
    expect(ml.accessTokens.size - issuedBefore).toBe(1);
    expect(ml.retiredRefreshTokens.has(before.refreshToken)).toBe(true);
  });

  it('a refresh on a store disconnected meanwhile is not written back (the call fails as auth)', async () => {
    await expireStoredToken();
    const snapshot = await row();
    await t.database.db.update(stores).set({ status: 'disconnected', credentialsEncrypted: null }).where(eq(stores.id, storeId));
    await expect(storeClients(t.database.db, callDeps(), snapshot)().testConnection()).rejects.toMatchObject({ name: 'ConnectorError', kind: 'auth' });
    expect((await t.database.db.select({ sealed: stores.credentialsEncrypted }).from(stores).where(eq(stores.id, storeId)))[0]?.sealed).toBeNull();
    // Connect again (OAuth) for the notification tests.
    const { complete } = await install();
    expect((await complete()).store).toMatchObject({ id: storeId, status: 'active' });
  });

  describe('notifications (app-wide, unsigned)', () => {
    let n = 0;
    const body = (fields: Record<string, unknown>) =>
      Buffer.from(
        JSON.stringify({
          _id: `n-${++n}-${Date.now()}`,
          user_id: Number(seller.userId),
          application_id: Number(APP_ID),
          attempts: 1,
          sent: new Date().toISOString(),
          received: new Date().toISOString(),
          ...fields,
        }),
      );
    const receive = (raw: Buffer) => receiveAppNotification(t.database.db, receiveDeps(), { platform: 'mercadolivre', rawBody: raw, now: new Date() });
    const processAll = async () => {
      const out = [];
      for (const job of jobs.splice(0)) out.push(await processWebhookEvent(t.database.db, callDeps(), job, silentLog));
      return out;
    };
    const emulated = () => emulator.shop(seller.shop);

    it('an orders_v2 notification: stored once, the order re-fetched with the store token and upserted', async () => {
      const before = (await countOrders(t.database.db, ctx.orgId, storeId)).orders;
      emulator.generateOrders(seller.shop, 1);
      const newest = [...emulated().orders.values()].at(-1);
      const orderId = String(2_000_000_000_000_000 + (newest?.id ?? 0));
      const raw = body({ topic: 'orders_v2', resource: `/orders/${orderId}` });
      expect(await receive(raw)).toMatchObject({ stores: 1, duplicate: false });
      expect(await receive(raw)).toMatchObject({ stores: 1, duplicate: true });
      expect(jobs).toHaveLength(1);
      const [outcome] = await processAll();
      expect(outcome).toMatchObject({ status: 'processed', synced: { order: { channelId: orderId } } });
      expect((await countOrders(t.database.db, ctx.orgId, storeId)).orders).toBe(before + 1);
    });

    it('an items notification re-fetches the item; a forged resource changes nothing', async () => {
      const product = [...emulated().products.values()][0];
      const itemId = `MLB${3_000_000_000 + (product?.id ?? 0)}`;
      await receive(body({ topic: 'items', resource: `/items/${itemId}` }));
      await receive(body({ topic: 'orders_v2', resource: '/orders/2000000000999999' }));
      const outcomes = await processAll();
      expect(outcomes[0]).toMatchObject({ status: 'processed', synced: { product: { channelId: itemId } } });
      expect(outcomes[1]).toMatchObject({ status: 'processed', order: { notFoundOnChannel: '2000000000999999' } });
    });

    it('ignores (200) an unknown seller and another application, refuses a malformed body with 400 and a stable code', async () => {
      const events = async () =>
        (
          await t.database.db
            .select({ n: sql<number>`count(*)::int` })
            .from(webhookEvents)
            .where(and(eq(webhookEvents.storeId, storeId)))
        )[0]?.n;
      const count = await events();
      expect(await receive(body({ topic: 'orders_v2', resource: '/orders/1', user_id: 999 }))).toMatchObject({
        stores: 0,
        ignored: 'no connected store for this account',
      });
      expect(await receive(body({ topic: 'orders_v2', resource: '/orders/1', application_id: 1 }))).toMatchObject({
        stores: 0,
        ignored: 'another application',
      });
      for (const bad of ['not json', '{}', JSON.stringify({ resource: '/orders/1', topic: 'orders_v2' }), '[]']) {
        await expect(receive(Buffer.from(bad))).rejects.toMatchObject({ code: 'VALIDATION' });
      }
      expect(await events()).toBe(count);
      expect(jobs).toHaveLength(0);
    });

    it("the emulator's notifier: duplicate and out-of-order deliveries end with every order stored once", async () => {
      const server = (await import('node:http')).createServer((request, response) => {
        const chunks: Buffer[] = [];
        request.on('data', (c) => chunks.push(c));
        request.on('end', () => {
          receive(Buffer.concat(chunks)).then(
            () => response.writeHead(200).end(),
            () => response.writeHead(400).end(),
          );
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const port = (server.address() as { port: number }).port;
        const control = await fetch(`${emulator.url}/_emulator/shops/${seller.shop}/notifications`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ url: `http://127.0.0.1:${port}/api/webhooks/mercadolivre` }),
        });
        expect(control.status).toBe(200);
        emulator.setFaults(seller.shop, { duplicateWebhookRate: 1, outOfOrderWebhooks: true });
        emulator.generateOrders(seller.shop, 3);
        await emulator.drainWebhooks();
        expect(jobs).toHaveLength(3);
        const outcomes = await processAll();
        expect(outcomes.every((o) => o.status === 'processed' && (o as { synced?: unknown }).synced)).toBe(true);
        expect((await countOrders(t.database.db, ctx.orgId, storeId)).orders).toBe(emulated().orders.size);
      } finally {
        emulator.setFaults(seller.shop, { duplicateWebhookRate: 0, outOfOrderWebhooks: false });
        await new Promise((resolve) => server.close(resolve));
      }
    });
  });
});
