import type { Db } from '../db/client.ts';
import { pruneExpiredSessions } from '../modules/tenancy/index.ts';
import type { JobHandler } from '../queue/job-queue.ts';

export const authPruneJob =
  (db: Db): JobHandler<Record<string, never>> =>
  async (_payload, job) => {
    const sessions = await pruneExpiredSessions(db, new Date());
    await job.log('info', 'pruned expired sessions and sign-in counters', { sessions });
    return { sessions };
  };
