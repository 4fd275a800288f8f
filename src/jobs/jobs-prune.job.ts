import type { Db } from '../db/client.ts';
import { pruneJobEffects, pruneJobRuns } from '../modules/operations/index.ts';
import type { JobHandler } from '../queue/job-queue.ts';

/**
 * Job runs and side-effect records share one retention: an effect record must outlive every retry or
 * replay of its run, and a run older than the retention can no longer be replayed.
 */
export const jobsPruneJob =
  (db: Db, retentionDays: number): JobHandler<Record<string, never>> =>
  async (_payload, job) => {
    const deleted = await pruneJobRuns(db, retentionDays);
    const effects = await pruneJobEffects(db, new Date(Date.now() - retentionDays * 86_400_000));
    await job.log('info', 'pruned old completed and cancelled job runs and their side-effect records', { deleted, effects, retentionDays });
    return { deleted, effects };
  };
