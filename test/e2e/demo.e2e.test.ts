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

  it('a daily run of the agents on the demo org proposes tasks that point at the planted problems, and none twice', { timeout: 600_000 }, async () => {
    const started = new Date().toISOString();
    server = await startTestServer({ dataDir, env: { NEXO_DEMO: '1' }, timeoutMs: 120_000 });
    const stores = await syncedAfter(server, started);
    const owner = await signIn(server.url);
    const runAll = async () => {
      const queued = await owner.json<{ queued: boolean; jobId: string }>('POST', '/api/orchestration/agents/run-all');
      expect(queued.status).toBe(202);
      const deadline = Date.now() + 300_000;
      for (;;) {
        const job = await owner.json<{ job: { status: string; lastError: string | null } }>('GET', `/api/jobs/${queued.body.jobId}`);
        if (job.body.job.status === 'completed') return;
        if (['failed', 'dead', 'cancelled'].includes(job.body.job.status) || Date.now() > deadline)
          throw new Error(`agents.daily: ${JSON.stringify(job.body.job)}`);
        await sleep(500);
      }
    };
    interface TaskJson {
      id: string;
      status: string;
      createdBy: string;
      marketplace: string;
      metadata: { ruleId: string; subject: { storeId: string; productId?: string }; evidence: Record<string, unknown> };
    }
    const agentTasks = async () => {
      const all: TaskJson[] = [];
      for (let offset = 0; ; offset += 100) {
        const page = await owner.json<{ tasks: TaskJson[] }>('GET', `/api/orchestration/tasks?limit=100&offset=${offset}`);
        all.push(...page.body.tasks.filter((t) => t.createdBy.startsWith('marketplace-')));
        if (page.body.tasks.length < 100) return all;
      }
    };

    // The daily cap (20) keeps only the highest-impact findings (stock, images); lift it so every planted kind shows.
    for (const agent of ['amazon', 'shopee', 'mercadolivre', 'tiktokshop', 'kaway']) {
      const patched = await owner.json('PATCH', `/api/orchestration/agents/marketplace-${agent}`, { settings: { dailyCap: 500 } });
      expect(patched.status).toBe(200);
    }
    await runAll();
    const first = await agentTasks();
    expect(first.length).toBeGreaterThan(0);
    expect(new Set(first.map((t) => t.status))).toEqual(new Set(['awaiting_approval']));
    // Each channel agent proposed for its own marketplace, about the org's own stores.
    const storeIds = new Set(stores.map((s) => s.id));
    for (const task of first) {
      if (task.createdBy !== 'marketplace-master') expect(task.createdBy).toBe(`marketplace-${task.marketplace}`);
      expect(task.metadata.ruleId).toBeTruthy();
      if (task.createdBy !== 'marketplace-master') expect(storeIds.has(task.metadata.subject.storeId)).toBe(true);
    }
    // The planted over-long titles are found, with the product's real title and length as evidence.
    const longTitle = first.find((t) => t.metadata.ruleId.endsWith('.title-too-long'));
    const byRule = Object.entries(Object.groupBy(first, (t) => t.metadata.ruleId)).map(([rule, tasks]) => [rule, tasks?.length]);
    expect(longTitle, `a title-too-long task among ${JSON.stringify(byRule)}`).toBeDefined();
    const evidence = longTitle?.metadata.evidence as { productId: string; current: number; target: number; title: string };
    const product = await owner.json<{ title: string }>('GET', `/api/catalog/products/${evidence.productId}`);
    expect(product.status).toBe(200);
    expect(product.body.title).toBe(evidence.title);
    expect([...evidence.title].length).toBe(evidence.current);
    expect(evidence.current).toBeGreaterThan(evidence.target);
    // Products without images are found too.
    expect(first.some((t) => t.metadata.ruleId.endsWith('.too-few-images'))).toBe(true);

    // A second daily run proposes nothing it already proposed.
    await runAll();
    const second = await agentTasks();
    const keys = (tasks: TaskJson[]) => tasks.map((t) => `${t.createdBy}|${t.metadata.ruleId}|${JSON.stringify(t.metadata.subject)}`);
    expect(new Set(keys(second)).size).toBe(second.length);
    expect(second.length).toBe(first.length);
    await server.stop();
  });
});
