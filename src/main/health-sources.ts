import type { Database } from '../db/client.ts';
import { activeAlertsOf } from '../modules/alerts/index.ts';
import { emptyHealthSources, type HealthSources } from '../modules/operations/index.ts';

/** What the health report shows besides the job engine and stuck patterns, from the modules that own it. */
export const healthSourcesFor = (database: Database): HealthSources => ({
  ...emptyHealthSources,
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
