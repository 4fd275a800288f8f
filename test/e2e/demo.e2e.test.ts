import { join } from 'node:path';
import { and, eq, isNotNull, sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.ts';
import { demoShops } from '../../src/emulator/demo-shops.ts';
import { sleep } from '../../src/lib/sleep.ts';
import { products } from '../../src/modules/catalog/catalog.tables.ts';
import { catalogCounts } from '../../src/modules/catalog/index.ts';
import { countOrders } from '../../src/modules/orders/index.ts';
import { stores as storesTable } from '../../src/modules/stores/stores.tables.ts';
import { signIn } from '../helpers/api-client.ts';
import { freshDataDir, removeDataDir, startTestServer, type TestServer } from '../helpers/server.ts';
import { silentLog } from '../helpers/template.ts';

/**
 * `npm start` with NEXO_DEMO (embedded mode): the emulator runs in the process, the first org gets one emulated
 * store per channel through the stores service, their first syncs fill the catalog (planted listing problems
 * included), and a restart re-points the same stores at the new emulator instead of adding more.
 */
describe('demo stores (NEXO_DEMO)', () => {
  const dataDir = freshDataDir('demo-');
  let server: TestServer | undefined;
  afterAll(async () => {
    await server?.stop();
    removeDataDir(dataDir);
  });

  interface StoreJson {
    id: string;
    platform: string;
    externalId: string | null;
    status: string;
    credentialFields: string[];
    connectorConfig: Record<string, unknown>;
    health: { lastSync?: { at: string; ok: boolean } };
  }
  const listStores = async (s: TestServer): Promise<StoreJson[]> => {
    const owner = await signIn(s.url);
    const response = await fetch(`${s.url}/api/stores`, { headers: { cookie: owner.cookie } });
    expect(response.status).toBe(200);
    return ((await response.json()) as { stores: StoreJson[] }).stores;
  };
  /** Waits until every store has a successful sync later than `after` (generous: the machine may be shared and loaded). */
  const syncedAfter = async (s: TestServer, after: string) => {
    const deadline = Date.now() + 240_000;
    for (;;) {
      const stores = await listStores(s);
      if (stores.every((store) => store.health.lastSync?.ok && store.health.lastSync.at > after)) return stores;
      if (Date.now() > deadline) {
        const owner = await signIn(s.url);
        const jobs = await (await fetch(`${s.url}/api/jobs?type=stores.sync`, { headers: { cookie: owner.cookie } })).text();
        throw new Error(`demo stores not synced: ${JSON.stringify(stores.map((x) => [x.platform, x.health]))}\njobs: ${jobs.slice(0, 4000)}\n${s.output()}`);
      }
      await sleep(500);
    }
  };
  const printed = async (s: TestServer, pattern: RegExp) => {
    for (let i = 0; i < 50 && !pattern.test(s.output()); i++) await sleep(100);
    expect(s.output()).toMatch(pattern);
  };
  const countsOf = async (stores: StoreJson[]) => {
    const database = await openDatabase({ dataDir: join(dataDir, 'data'), poolSize: 1, log: silentLog });
    try {
      const [row] = await database.db.select({ orgId: storesTable.orgId }).from(storesTable).limit(1);
      const orgId = row?.orgId as string;
      const perStore = await Promise.all(
        stores.map(async (s) => ({ ...(await catalogCounts(database.db, orgId, s.id)), ...(await countOrders(database.db, orgId, s.id)) })),
      );
      const [problems] = await database.db
        .select({
          longTitles: sql<number>`count(*) filter (where length(${products.title}) > 150)::int`,
          noImages: sql<number>`count(*) filter (where ${products.imageCount} = 0)::int`,
          all: sql<number>`count(*)::int`,
        })
        .from(products)
        .where(and(eq(products.orgId, orgId), isNotNull(products.originStoreId)));
      return { perStore, problems };
    } finally {
      await database.close();
    }
  };

  it('connects one emulated store per channel to the first org and syncs them; a restart re-points them without duplicates', { timeout: 720_000 }, async () => {
    const started = new Date().toISOString();
    server = await startTestServer({ dataDir, env: { NEXO_DEMO: '1' }, timeoutMs: 120_000 });
    await printed(server, new RegExp(`${demoShops.length} emulated store\\(s\\) connected, 0 re-pointed`));
    const stores = await syncedAfter(server, started);
    expect(stores.map((s) => s.platform).sort()).toEqual(demoShops.map((d) => d.platform).sort());
    for (const store of stores) {
      expect(store.status).toBe('active');
      expect(store.credentialFields.length).toBeGreaterThan(0);
      // Settings only: no credential field name in them (Amazon's LWA token URL is a setting, hence the key check).
      expect(Object.keys(store.connectorConfig).join(',')).not.toMatch(/accessToken|refreshToken|secret|password/i);
    }
    expect(server.output()).not.toMatch(/shpat_|APP_USR-|Atz[ar]\|/);
    await server.stop();

    const first = await countsOf(stores);
    for (const counts of first.perStore) {
      expect(counts.listings).toBeGreaterThan(0);
      expect(counts.inventoryLevels).toBeGreaterThan(0);
      expect(counts.orders).toBeGreaterThan(0);
    }
    expect(first.problems?.longTitles).toBeGreaterThan(0);
    expect(first.problems?.noImages).toBeGreaterThan(0);

    const restarted = new Date().toISOString();
    server = await startTestServer({ dataDir, env: { NEXO_DEMO: '1' }, timeoutMs: 120_000 });
    await printed(server, new RegExp(`0 emulated store\\(s\\) connected, ${demoShops.length} re-pointed`));
    const again = await syncedAfter(server, restarted);
    expect(again.map((s) => s.id).sort()).toEqual(stores.map((s) => s.id).sort());
    await server.stop();
    const second = await countsOf(again);
    expect(second.problems?.all).toBe(first.problems?.all);
    expect(second.perStore.map((c) => c.listings)).toEqual(first.perStore.map((c) => c.listings));
  });
});
