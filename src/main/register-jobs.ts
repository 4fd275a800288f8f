import type { Config } from '../config.ts';
import { type jobCatalog, systemSchedules } from '../contracts/jobs.ts';
import type { Database } from '../db/client.ts';
import type { EventBus } from '../events/event-bus.ts';
import { authPruneJob } from '../jobs/auth-prune.job.ts';
import { eventsPruneJob } from '../jobs/events-prune.job.ts';
import { jobsDailySummaryJob } from '../jobs/jobs-daily-summary.job.ts';
import { jobsProbeJob } from '../jobs/jobs-probe.job.ts';
import { jobsPruneJob } from '../jobs/jobs-prune.job.ts';
import { jobsReconcileJob } from '../jobs/jobs-reconcile.job.ts';
import { metricsSnapshotJob } from '../jobs/metrics-snapshot.job.ts';
import { schedulesSyncJob } from '../jobs/schedules-sync.job.ts';
import { watchdogJob } from '../jobs/watchdog.job.ts';
import { AppError } from '../lib/errors.ts';
import type { Metrics } from '../lib/metrics.ts';
import { jobEngineFailOver, type SchedulerPort } from '../modules/operations/index.ts';
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

/** The queue seen by the operations module's schedules. */
export const schedulerOf = (queue: JobQueue<typeof jobCatalog>): SchedulerPort => ({
  schedule: (name, cron, payload, opts) => queue.schedule(name as keyof typeof jobCatalog, cron, payload as never, opts),
  unschedule: (name, key) => queue.unschedule(name, key),
  validateCron: (cron, tz) => queue.validateCron(cron, tz),
});

/** Every handler of the catalog, registered on this process's workers. */
export async function registerJobs({ config, queue, bus, database, metrics, shutdown }: JobDeps): Promise<void> {
  await queue.work('events.prune', eventsPruneJob(bus, config.events.retentionHours));
  await queue.work('auth.prune', authPruneJob(database.db));
  await queue.work('jobs.prune', jobsPruneJob(database.db, config.queue.runRetentionDays));
  await queue.work('schedules.sync', schedulesSyncJob(database.db, schedulerOf(queue)));
  await queue.work('jobs.daily-summary', jobsDailySummaryJob(database.db));
  await queue.work('jobs.probe', jobsProbeJob());
  await queue.work('jobs.reconcile', jobsReconcileJob(database.db, queue));
  await queue.work(
    'watchdog.run',
    watchdogJob(database.db, jobEngineFailOver(queue.boss), config.watchdog, { ...(metrics ? { metrics } : {}), ...(shutdown ? { shutdown } : {}) }),
  );
  await queue.work('metrics.snapshot', metricsSnapshotJob(database.db));
  // Cron starts the next watchdog run at the next minute; this one covers the time until then.
  await queue.enqueue('watchdog.run', { durationSeconds: 60 - new Date().getUTCSeconds() });
}

/** Recurring system jobs (idempotent: re-registering keeps one schedule per name), then every org's schedules. */
export async function registerSchedules({ queue }: JobDeps): Promise<void> {
  for (const s of systemSchedules) await queue.schedule(s.name, s.cron, {}, { tz: 'UTC' });
  // Once at start (new orgs, changed time zones); a sync already queued is enough.
  await queue.enqueue('schedules.sync', {}).catch((error) => {
    if (!(error instanceof AppError && error.code === 'CONFLICT')) throw error;
  });
}
