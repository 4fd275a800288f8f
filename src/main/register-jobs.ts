import { type Config, resolveSecretKey } from '../config.ts';
import { jobCatalog } from '../contracts/jobs.ts';
import type { Database } from '../db/client.ts';
import type { EventBus } from '../events/event-bus.ts';
import { alertsEvaluateJob } from '../jobs/alerts-evaluate.job.ts';
import { authPruneJob } from '../jobs/auth-prune.job.ts';
import { eventsPruneJob } from '../jobs/events-prune.job.ts';
import { notificationsDeliverJob } from '../jobs/notifications-deliver.job.ts';
import type { Logger } from '../lib/logger.ts';
import type { Metrics } from '../lib/metrics.ts';
import {
  type DeliveryEnqueuer,
  httpSignalProviders,
  type NotifyDeps,
  type SignalProviders,
  taskSignalProviders,
  unwiredSignalProviders,
} from '../modules/alerts/index.ts';
import { agentsLastTaskAt, countAwaitingApproval, staleUndecidedTasks } from '../modules/tasks/index.ts';
import type { JobQueue } from '../queue/job-queue.ts';

export interface JobDeps {
  config: Config;
  queue: JobQueue<typeof jobCatalog>;
  bus: EventBus;
  database: Database;
  metrics: Metrics;
  log: Logger;
}

/** What alert deliveries need: the secrets key, the SSRF switch and the mail settings. */
export const notifyDepsFor = (config: Config, log: Logger): NotifyDeps => ({
  secretKey: resolveSecretKey(config),
  allowPrivateTargets: config.notifications.allowPrivateTargets,
  mail: { from: config.mail.from, smtpUrl: config.mail.smtpUrl },
  log: log.child({ component: 'notifications' }),
});

/** Delivery jobs join the transaction that opens or resolves the alert. */
export const deliveryEnqueuer =
  (queue: JobDeps['queue']): DeliveryEnqueuer =>
  (tx, job) =>
    queue.enqueue('notifications.deliver', job, { tx });

/**
 * Where each alert rule gets its value. job_failure_rate, breaker_open and dead_letters answer "no data" until
 * the job-runs, breaker and dead-letter parts are wired in here (same SignalProvider signature).
 */
export const signalProvidersFor = (metrics: Metrics): SignalProviders => ({
  ...unwiredSignalProviders,
  ...taskSignalProviders({ countAwaitingApproval, staleUndecidedTasks, agentsLastTaskAt }),
  ...httpSignalProviders(metrics),
});

/** Every handler of the catalog, registered on this process's workers. */
export async function registerJobs({ config, queue, bus, database, metrics, log }: JobDeps): Promise<void> {
  await queue.work('events.prune', eventsPruneJob(bus, config.events.retentionHours));
  await queue.work('auth.prune', authPruneJob(database.db));
  await queue.work('alerts.evaluate', alertsEvaluateJob(database.db, signalProvidersFor(metrics), deliveryEnqueuer(queue)));
  await queue.work(
    'notifications.deliver',
    notificationsDeliverJob(database.db, notifyDepsFor(config, log), jobCatalog['notifications.deliver'].policy.retryLimit),
  );
}

/** Recurring system jobs (idempotent: re-registering keeps one schedule per name). */
export async function registerSchedules({ queue }: JobDeps): Promise<void> {
  await queue.schedule('events.prune', '17 * * * *', {}, { tz: 'UTC' });
  await queue.schedule('auth.prune', '23 * * * *', {}, { tz: 'UTC' });
  await queue.schedule('alerts.evaluate', '* * * * *', {}, { tz: 'UTC' });
}
