import type { Config } from '../config.ts';
import type { jobCatalog } from '../contracts/jobs.ts';
import type { Database } from '../db/client.ts';
import type { EventBus } from '../events/event-bus.ts';
import { authPruneJob } from '../jobs/auth-prune.job.ts';
import { eventsPruneJob } from '../jobs/events-prune.job.ts';
import type { JobQueue } from '../queue/job-queue.ts';

export interface JobDeps {
  config: Config;
  queue: JobQueue<typeof jobCatalog>;
  bus: EventBus;
  database: Database;
}

/** Every handler of the catalog, registered on this process's workers. */
export async function registerJobs({ config, queue, bus, database }: JobDeps): Promise<void> {
  await queue.work('events.prune', eventsPruneJob(bus, config.events.retentionHours));
  await queue.work('auth.prune', authPruneJob(database.db));
}

/** Recurring system jobs (idempotent: re-registering keeps one schedule per name). */
export async function registerSchedules({ queue }: JobDeps): Promise<void> {
  await queue.schedule('events.prune', '17 * * * *', {}, { tz: 'UTC' });
  await queue.schedule('auth.prune', '23 * * * *', {}, { tz: 'UTC' });
}
