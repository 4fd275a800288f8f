import type { Db } from '../db/client.ts';
import { snapshotAllOrgs } from '../modules/operations/index.ts';
import type { JobHandler } from '../queue/job-queue.ts';

export const metricsSnapshotJob =
  (db: Db): JobHandler<Record<string, never>> =>
  async (_payload, job) => {
    const result = await snapshotAllOrgs(db, job.logger, new Date());
    await job.log('info', 'wrote daily metric snapshots', result as unknown as Record<string, unknown>);
    return result;
  };
