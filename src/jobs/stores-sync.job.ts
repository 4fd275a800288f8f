import type { Db } from '../db/client.ts';
import { isAppError } from '../lib/errors.ts';
import { uuidv7Time } from '../lib/ids.ts';
import type { Logger } from '../lib/logger.ts';
import { runStoreSync, type StoreCallDeps, storesDueForSync } from '../modules/stores/index.ts';
import type { JobHandler } from '../queue/job-queue.ts';

export const storesSyncJob =
  (db: Db, deps: StoreCallDeps, log: Logger): JobHandler<{ orgId: string; storeId: string; mode: 'full' | 'incremental' }> =>
  async (payload, job) => {
    // The run id is a UUID v7 made at enqueue, kept across postponements and retries: when the run was queued.
    const queuedAt = uuidv7Time(job.id);
    const outcome = await runStoreSync(db, deps, { ...payload, runId: job.id, queuedAt }, log.child({ job: 'stores.sync', storeId: payload.storeId }));
    await job.log('info', `store sync ${outcome.status}`, { ...outcome });
    return { ...outcome };
  };

/** Fans out: one incremental stores.sync per due store (one already queued for a store is enough). */
export const storesSyncDueJob =
  (db: Db, enqueue: (job: { orgId: string; storeId: string; mode: 'incremental' }) => Promise<unknown>): JobHandler<Record<string, never>> =>
  async (_payload, job) => {
    if (!job.orgId) throw new Error('stores.sync-due needs an org');
    const due = await storesDueForSync(db, job.orgId, new Date());
    let queued = 0;
    for (const storeId of due) {
      try {
        await enqueue({ orgId: job.orgId, storeId, mode: 'incremental' });
        queued++;
      } catch (error) {
        if (!isAppError(error) || error.code !== 'CONFLICT') throw error;
      }
    }
    await job.log('info', 'store syncs queued', { due: due.length, queued });
    return { due: due.length, queued };
  };
