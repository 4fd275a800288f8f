import type { Config } from '../config.ts';
import type { jobCatalog } from '../contracts/jobs.ts';
import type { Database } from '../db/client.ts';
import type { EventBus } from '../events/event-bus.ts';
import { authPruneJob } from '../jobs/auth-prune.job.ts';
import { eventsPruneJob } from '../jobs/events-prune.job.ts';
import { metricsSnapshotJob } from '../jobs/metrics-snapshot.job.ts';
import { watchdogJob } from '../jobs/watchdog.job.ts';
import type { Metrics } from '../lib/metrics.ts';
import { jobEngineFailOver } from '../modules/operations/index.ts';
import type { JobQueue } from '../queue/job-queue.ts';

export interface JobDeps {
  config: Config;
  queue: JobQueue<typeof jobCatalog>;
  bus: EventBus;
  database: Database;
  metrics?: Metrics;
  /** Aborted when the process starts shutting down. */
  shutdown?: AbortSignal;
}

/** Every handler of the catalog, registered on this process's workers. */
export async function registerJobs({ config, queue, bus, database, metrics, shutdown }: JobDeps): Promise<void> {
  await queue.work('events.prune', eventsPruneJob(bus, config.events.retentionHours));
  await queue.work('auth.prune', authPruneJob(database.db));
  await queue.work(
    'watchdog.run',
    watchdogJob(database.db, jobEngineFailOver(queue.boss), config.watchdog, { ...(metrics ? { metrics } : {}), ...(shutdown ? { shutdown } : {}) }),
  );
  await queue.work('metrics.snapshot', metricsSnapshotJob(database.db));
  // Cron starts the next watchdog run at the next minute; this one covers the time until then.
  await queue.enqueue('watchdog.run', { durationSeconds: 60 - new Date().getUTCSeconds() });
}

/** Recurring system jobs (idempotent: re-registering keeps one schedule per name). */
export async function registerSchedules({ queue }: JobDeps): Promise<void> {
  await queue.schedule('events.prune', '17 * * * *', {}, { tz: 'UTC' });
  await queue.schedule('auth.prune', '23 * * * *', {}, { tz: 'UTC' });
  await queue.schedule('watchdog.run', '* * * * *', { durationSeconds: 55 }, { tz: 'UTC' });
  // Hourly: today's figures stay current and yesterday's are final soon after each org's midnight.
  await queue.schedule('metrics.snapshot', '7 * * * *', {}, { tz: 'UTC' });
}
