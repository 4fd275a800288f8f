import type { Config } from '../config.ts';
import type { Database } from '../db/client.ts';
import { activeAlertsOf } from '../modules/alerts/index.ts';
import type { HealthSources } from '../modules/operations/index.ts';
import { listBreakers, listStores, storeLimits } from '../modules/stores/index.ts';

/** What the health report shows besides the job engine and stuck patterns, from the modules that own it. */
export const healthSourcesFor = (database: Database, config: Config): HealthSources => ({
  breakers: async (orgId) =>
    (await listBreakers({ orgId, db: database.db })).map((b) => ({
      store_id: b.storeId,
      operation: b.operation,
      state: b.state,
      since: b.state === 'closed' ? null : b.openedAt,
      failures: b.failures,
    })),
  rateLimiters: async (orgId) => {
    const ctx = { orgId, db: database.db };
    const rows = [];
    for (const store of await listStores(ctx)) {
      const limits = await storeLimits(ctx, store.id, config.resilience.rateHeadroom);
      for (const b of limits.buckets) {
        rows.push({
          store_id: store.id,
          bucket: b.bucket,
          tokens: b.tokens,
          capacity: b.capacity,
          refill_per_second: b.refillPerSecond,
          waiting: b.waitingLanes.length,
        });
      }
    }
    return rows;
  },
  openAlerts: async (orgId) =>
    (await activeAlertsOf(database.db, orgId)).map((a) => ({
      id: a.id,
      rule: a.kind,
      severity: a.severity,
      message: a.title,
      opened_at: a.openedAt,
      acknowledged_at: a.acknowledgedAt,
    })),
});
