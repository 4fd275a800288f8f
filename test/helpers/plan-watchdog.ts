import type { jobCatalog } from '../../src/contracts/jobs.ts';
import type { Db } from '../../src/db/client.ts';
import { jobEngineFailOver, type WatchdogOptions } from '../../src/modules/operations/index.ts';
import { recoverPlan } from '../../src/modules/plans/index.ts';
import type { JobQueue } from '../../src/queue/job-queue.ts';
import { silentLog } from './template.ts';

/** The watchdog's options as main/ wires them (fail-over of lost jobs, re-enqueue of stuck plans), auto recovery on. */
export function planWatchdogOptions(db: Db, queue: JobQueue<typeof jobCatalog>): WatchdogOptions {
  return {
    thresholds: { queueAgeSeconds: 600, approvalDays: 7, agentSilentHours: 24 },
    autoRecovery: true,
    log: silentLog,
    engine: {
      ...jobEngineFailOver(queue.boss),
      recoverPlan: (orgId, planId, opts) =>
        recoverPlan(db, (tx, name, payload) => queue.enqueue(name, payload, { tx, orgId: payload.orgId }), orgId, planId, opts),
    },
  };
}
