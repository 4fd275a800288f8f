import type { Db } from '../db/client.ts';
import { type JobStatesPort, reconcileRuns } from '../modules/operations/index.ts';
import type { JobHandler } from '../queue/job-queue.ts';

export const jobsReconcileJob =
  (db: Db, engine: JobStatesPort): JobHandler<Record<string, never>> =>
  async (_payload, job) => {
    const changed = await reconcileRuns(db, engine);
    if (changed > 0) await job.log('warn', 'job runs brought up to date after their worker stopped', { changed });
    return { changed };
  };
