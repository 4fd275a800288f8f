import { type Config, resolveSecretKey } from '../config.ts';
import { jobCatalog, systemSchedules } from '../contracts/jobs.ts';
import type { Database } from '../db/client.ts';
import type { EventBus } from '../events/event-bus.ts';
import { agentsDailyJob, agentsRunJob } from '../jobs/agents-run.job.ts';
import { alertsEvaluateJob } from '../jobs/alerts-evaluate.job.ts';
import { authPruneJob } from '../jobs/auth-prune.job.ts';
import { eventsPruneJob } from '../jobs/events-prune.job.ts';
import { jobsDailySummaryJob } from '../jobs/jobs-daily-summary.job.ts';
import { jobsProbeJob } from '../jobs/jobs-probe.job.ts';
import { jobsPruneJob } from '../jobs/jobs-prune.job.ts';
import { jobsReconcileJob } from '../jobs/jobs-reconcile.job.ts';
import { metricsSnapshotJob } from '../jobs/metrics-snapshot.job.ts';
import { notificationsDeliverJob } from '../jobs/notifications-deliver.job.ts';
import { plansAnalyzeJob } from '../jobs/plans-analyze.job.ts';
import { plansCreateTasksJob } from '../jobs/plans-create-tasks.job.ts';
import { schedulesSyncJob } from '../jobs/schedules-sync.job.ts';
import { storesSubscribeWebhooksJob } from '../jobs/stores-subscribe-webhooks.job.ts';
import { storesSyncDueJob, storesSyncJob } from '../jobs/stores-sync.job.ts';
import { watchdogJob } from '../jobs/watchdog.job.ts';
import { webhooksProcessJob } from '../jobs/webhooks-process.job.ts';
import { webhooksPruneJob } from '../jobs/webhooks-prune.job.ts';
import { webhooksRecoverJob } from '../jobs/webhooks-recover.job.ts';
import { AppError } from '../lib/errors.ts';
import type { LlmClient } from '../lib/llm/llm.types.ts';
import type { Logger } from '../lib/logger.ts';
import type { Metrics } from '../lib/metrics.ts';
import { agentSchedulerFor } from '../modules/agents/index.ts';
import { type DeliveryEnqueuer, httpSignalProviders, type NotifyDeps, orgReading, type SignalProviders, taskSignalProviders } from '../modules/alerts/index.ts';
import { jobEngineFailOver, jobSignalFigures, type SchedulerPort, type WatchdogEngine } from '../modules/operations/index.ts';
import { type PlanEnqueue, recoverPlan } from '../modules/plans/index.ts';
import { createStoreLimits, listBreakers, type StoreLimits } from '../modules/stores/index.ts';
import { agentsLastTaskAt, countAwaitingApproval, staleUndecidedTasks } from '../modules/tasks/index.ts';
import type { JobQueue } from '../queue/job-queue.ts';

export interface JobDeps {
  config: Config;
  queue: JobQueue<typeof jobCatalog>;
  bus: EventBus;
  database: Database;
  metrics: Metrics;
  log: Logger;
  /** The process's breakers and token buckets around channel calls (built from config when absent). */
  storeLimits?: StoreLimits;
  /** Aborted when the process starts shutting down. */
  shutdown?: AbortSignal;
  /** LLM mode (NEXO_LLM_*): the process's model client; null/absent = not configured, use the rule packs. */
  llm?: LlmClient | null;
}

/** Plan jobs are always sent inside the transaction that changes the plan. */
export const planEnqueuer =
  (queue: JobDeps['queue']): PlanEnqueue =>
  (tx, name, payload) =>
    queue.enqueue(name, payload, { tx, orgId: payload.orgId });

/** The watchdog's engine: fenced fail-over of lost jobs, and re-enqueueing a stuck plan's job. */
export const watchdogEngine = (database: Database, queue: JobDeps['queue']): WatchdogEngine => ({
  ...jobEngineFailOver(queue.boss),
  recoverPlan: (orgId, planId, opts) => recoverPlan(database.db, planEnqueuer(queue), orgId, planId, opts),
});

/** The queue seen by the operations module's schedules. */
export const schedulerOf = (queue: JobQueue<typeof jobCatalog>): SchedulerPort => ({
  schedule: (name, cron, payload, opts) => queue.schedule(name as keyof typeof jobCatalog, cron, payload as never, opts),
  unschedule: (name, key) => queue.unschedule(name, key),
  validateCron: (cron, tz) => queue.validateCron(cron, tz),
});

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
    queue.enqueue('notifications.deliver', job, { tx, orgId: job.orgId });

/** Runs finished in the last hour; fewer than this many say nothing about a failure rate. */
const MIN_FINISHED_RUNS = 10;

/** Where each alert rule gets its value, from the modules that own the figures. */
export const signalProvidersFor = (database: Database, metrics: Metrics): SignalProviders => ({
  ...taskSignalProviders({ countAwaitingApproval, staleUndecidedTasks, agentsLastTaskAt }),
  ...httpSignalProviders(metrics),
  job_failure_rate: async ({ orgId, now, threshold }) => {
    const f = await jobSignalFigures(database.db, orgId, new Date(now.getTime() - 3_600_000));
    const finished = f.completed + f.failed;
    if (finished < MIN_FINISHED_RUNS) return { status: 'no_data', reason: `fewer than ${MIN_FINISHED_RUNS} job runs finished in the last hour` };
    return orgReading(Math.round((10_000 * f.failed) / finished) / 100, threshold, { finished, failed: f.failed, window: '1h' });
  },
  breaker_open: async ({ orgId, now, threshold }) => {
    const breakers = await listBreakers({ orgId, db: database.db });
    const readings = breakers.map((b) => {
      const minutes = b.state !== 'closed' && b.openedAt ? Math.round((now.getTime() - Date.parse(b.openedAt)) / 600) / 100 : 0;
      return { subject: `${b.storeName} / ${b.operation}`, value: minutes, breached: minutes > threshold, details: { storeId: b.storeId, state: b.state } };
    });
    return { status: 'ok', value: Math.max(0, ...readings.map((r) => r.value)), readings };
  },
  dead_letters: async ({ orgId, now, threshold }) => {
    const f = await jobSignalFigures(database.db, orgId, now);
    return orgReading(f.dead, threshold);
  },
});

/** Every handler of the catalog, registered on this process's workers. */
export async function registerJobs({ config, queue, bus, database, metrics, log, shutdown, storeLimits, llm }: JobDeps): Promise<void> {
  const limits = storeLimits ?? createStoreLimits({ ...config.resilience, metrics });
  await queue.work('events.prune', eventsPruneJob(bus, config.events.retentionHours));
  await queue.work('auth.prune', authPruneJob(database.db));
  await queue.work('jobs.prune', jobsPruneJob(database.db, config.queue.runRetentionDays));
  await queue.work('schedules.sync', schedulesSyncJob(database.db, schedulerOf(queue), agentSchedulerFor(queue)));
  const agentDeps = {
    db: database.db,
    log: log.child({ component: 'agents' }),
    llm: llm ?? undefined,
    onRun: (agent: string, status: string) => metrics.agentRuns.inc({ agent, status }),
  };
  await queue.work('agents.run', agentsRunJob(agentDeps));
  await queue.work('agents.daily', agentsDailyJob(agentDeps));
  await queue.work('jobs.daily-summary', jobsDailySummaryJob(database.db));
  await queue.work('jobs.probe', jobsProbeJob());
  await queue.work('jobs.reconcile', jobsReconcileJob(database.db, queue));
  await queue.work('watchdog.run', watchdogJob(database.db, watchdogEngine(database, queue), config.watchdog, { metrics, ...(shutdown ? { shutdown } : {}) }));
  await queue.work('metrics.snapshot', metricsSnapshotJob(database.db));
  await queue.work('alerts.evaluate', alertsEvaluateJob(database.db, signalProvidersFor(database, metrics), deliveryEnqueuer(queue)));
  await queue.work(
    'notifications.deliver',
    notificationsDeliverJob(database.db, notifyDepsFor(config, log), jobCatalog['notifications.deliver'].policy.retryLimit),
  );
  const storeCalls = { secretKey: resolveSecretKey(config), limits, channels: config.channels, feeds: config.feeds };
  const enqueueSync = (job: { orgId: string; storeId: string; mode: 'full' | 'incremental' }) =>
    queue.enqueue('stores.sync', job, { orgId: job.orgId, storeId: job.storeId });
  await queue.work('webhooks.process', webhooksProcessJob(database.db, storeCalls, log, enqueueSync));
  await queue.work('stores.sync', storesSyncJob(database.db, storeCalls, log));
  await queue.work('stores.subscribe-webhooks', storesSubscribeWebhooksJob(database.db, storeCalls, config.http.publicUrl, log));
  await queue.work('stores.sync-due', storesSyncDueJob(database.db, enqueueSync));
  const planDeps = { log, ...(llm ? { llm } : {}) };
  await queue.work('plans.analyze', plansAnalyzeJob(database.db, planDeps, jobCatalog['plans.analyze'].policy.retryLimit));
  await queue.work('plans.create-tasks', plansCreateTasksJob(database.db, planDeps));
  await queue.work('webhooks.prune', webhooksPruneJob(database.db, config.webhooks.retentionHours));
  await queue.work(
    'webhooks.recover',
    webhooksRecoverJob(database.db, {
      secretKey: storeCalls.secretKey,
      enqueue: (tx, job) => queue.enqueue('webhooks.process', job, { tx, orgId: job.orgId, storeId: job.storeId }),
    }),
  );
  // Cron starts a watchdog run every minute (pg-boss evaluates cron about every 30 s); this one covers the
  // time until then with a minute to spare (ticks take an advisory lock, so an overlap is harmless).
  await queue.enqueue('watchdog.run', { durationSeconds: 120 - new Date().getUTCSeconds() });
}

/** Recurring system jobs (idempotent: re-registering keeps one schedule per name), then every org's schedules. */
export async function registerSchedules({ queue }: JobDeps): Promise<void> {
  for (const s of systemSchedules) await queue.schedule(s.name, s.cron, {}, { tz: 'UTC' });
  // Once at start (new orgs, changed time zones); a sync already queued is enough.
  await queue.enqueue('schedules.sync', {}).catch((error) => {
    if (!(error instanceof AppError && error.code === 'CONFLICT')) throw error;
  });
}
