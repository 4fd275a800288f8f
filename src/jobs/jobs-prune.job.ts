import type { Db } from '../db/client.ts';
import { pruneJobRuns } from '../modules/operations/index.ts';
import type { JobHandler } from '../queue/job-queue.ts';

export const jobsPruneJob =
  (db: Db, retentionDays: number): JobHandler<Record<string, never>> =>
  async (_payload, job) => {
    const deleted = await pruneJobRuns(db, retentionDays);
    await job.log('info', 'pruned old completed and cancelled job runs', { deleted, retentionDays });
    return { deleted };
  };
