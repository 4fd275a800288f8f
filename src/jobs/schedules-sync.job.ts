import type { Db } from '../db/client.ts';
import { type SchedulerPort, syncOrgSchedules } from '../modules/operations/index.ts';
import type { JobHandler } from '../queue/job-queue.ts';

export const schedulesSyncJob =
  (db: Db, scheduler: SchedulerPort): JobHandler<Record<string, never>> =>
  async (_payload, job) => {
    const applied = await syncOrgSchedules(db, scheduler);
    await job.log('info', 'org schedules registered', { applied });
    return { applied };
  };
