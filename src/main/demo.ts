import { permissions } from '../contracts/permissions.ts';
import type { Db } from '../db/client.ts';
import { type Ctx, systemActor } from '../db/context.ts';
import { demoShops } from '../emulator/demo-shops.ts';
import { createEmulator, type Emulator } from '../emulator/emulator.ts';
import type { Logger } from '../lib/logger.ts';
import { connectStore, listStoreViews, type StoreSecretsDeps, updateStore } from '../modules/stores/index.ts';
import { listOrgIds } from '../modules/tenancy/index.ts';

/** Big enough to show every planted listing problem of the generator (over-long and short titles, no images, stale prices, low stock). */
const DEMO_SIZE = { products: 60, orders: 25 };
const DEMO_ORDER_INTERVAL_MS = 90_000;

export interface DemoEmulator {
  emulator: Emulator;
  /** The emulator's origin on loopback: added to the feed allow-list so the demo Kaway store may fetch from it. */
  origin: string;
}

/** NEXO_DEMO: the marketplace emulator in this process, on loopback, with a port of its own. */
export async function startDemoEmulator(): Promise<DemoEmulator> {
  const emulator = createEmulator({ seed: 'nexo-demo', orderIntervalMs: DEMO_ORDER_INTERVAL_MS });
  const url = await emulator.listen(0, '127.0.0.1');
  return { emulator, origin: new URL(url).origin };
}

export interface DemoStoresResult {
  orgId: string;
  connected: string[];
  refreshed: string[];
}

/**
 * Connects one emulated store per channel of `demoShops` to the first org, through the stores service (sealed
 * credentials, audited), and queues their first sync. Idempotent: a store the org already has for that channel
 * account is found again by (platform, external id) and only pointed at this run's emulator (its port and tokens
 * change with every start); a store someone disconnected stays disconnected.
 */
export async function ensureDemoStores(
  deps: {
    db: Db;
    log: Logger;
    secrets: StoreSecretsDeps;
    demo: DemoEmulator;
    enqueueSync(orgId: string, storeId: string, mode: 'full' | 'incremental'): Promise<unknown>;
  },
  now = new Date(),
): Promise<DemoStoresResult | null> {
  const [orgId] = await listOrgIds(deps.db);
  if (!orgId) return null;
  const ctx: Ctx = { orgId, actor: systemActor('demo'), permissions: new Set(permissions), db: deps.db, log: deps.log, now, requestId: null, ip: null };
  const existing = await listStoreViews(ctx);
  const result: DemoStoresResult = { orgId, connected: [], refreshed: [] };
  for (const demo of demoShops) {
    const connection = demo.create(deps.demo.emulator, DEMO_SIZE);
    const store = existing.find((s) => s.platform === demo.platform && s.externalId === connection.externalId);
    if (store?.status === 'disconnected') continue;
    if (store) {
      await updateStore(ctx, deps.secrets, store.id, { connectorConfig: connection.connectorConfig, credentials: connection.credentials });
      result.refreshed.push(store.id);
      if (store.status === 'active') await deps.enqueueSync(orgId, store.id, 'incremental');
      continue;
    }
    const created = await connectStore(ctx, deps.secrets, {
      platform: demo.platform,
      name: demo.name,
      externalId: connection.externalId,
      connectorConfig: connection.connectorConfig,
      credentials: connection.credentials,
      syncIntervalMinutes: 15,
    });
    result.connected.push(created.id);
    await deps.enqueueSync(orgId, created.id, 'full');
  }
  return result;
}
