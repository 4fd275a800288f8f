import type { Db } from '../db/client.ts';
import { snapshotAllOrgs } from '../modules/operations/index.ts';
import type { JobHandler } from '../queue/job-queue.ts';

export const metricsSnapshotJob =
  (db: Db): JobHandler<Record<string, never>> =>
  async (_payload, job) => {
    const result = await snapshotAllOrgs(db, job.log, new Date());
    job.log.info(result, 'wrote daily metric snapshots');
    return result;
  };
