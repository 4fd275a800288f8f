import { z } from 'zod';
import { agentIdSchema } from './agents.ts';

/** How a job type is retried, leased and deduplicated. Declared once per type in `jobCatalog`. */
export interface JobPolicy {
  /** Retries after the first attempt before the job goes to its dead-letter queue. */
  retryLimit: number;
  /**
   * First retry delay. With `retryBackoff` pg-boss doubles it each attempt with jitter (a random
   * 50-100 % of `delay * 2^n`, so retries of many jobs that failed together spread out) and caps it at
   * `retryDelayMaxSeconds`: the jitter is pg-boss's own, Nexo adds none.
   */
  retryDelaySeconds: number;
  retryBackoff: boolean;
  retryDelayMaxSeconds: number;
  /**
   * An explicit retry schedule: the nth retry of a failed attempt starts `retryDelaysSeconds[n-1]` seconds after the
   * failure (no jitter). Its length must equal `retryLimit` (checked by `defineJob`). The queue sends the run's next
   * attempt itself, as the same run (job_runs `retrying` until then); the delay fields above then only govern the
   * retries pg-boss makes on its own (a lease that expired, or a next attempt that could not be sent).
   */
  retryDelaysSeconds?: readonly number[];
  /** Lease: a job running longer than this is considered lost (its worker died) and retried. */
  expireInSeconds: number;
  /** Higher runs first. */
  priority?: number;
  /** Parallel handlers of this type per worker process. */
  concurrency: number;
  /**
   * Jobs one fetch takes per concurrency slot (default 1). Above 1, for short high-volume types: a slot
   * fetches up to this many jobs in one statement and runs their handlers one after another (so
   * `concurrency` still bounds the handlers running at once); their starts and completions are recorded
   * in one statement each. Every job still completes, retries, dead-letters or is postponed on its own.
   * The lease (`expireInSeconds`) of every job in a batch starts at the fetch.
   */
  batchSize?: number;
  /**
   * At most this many jobs of this type run at once per store, across every worker process (pg-boss
   * group concurrency, the group being the store id given at enqueue). Unset: no per-store limit.
   */
  storeConcurrency?: number;
  /**
   * Deduplication: a job whose key is already queued (not yet started) is not enqueued again
   * (enqueue answers CONFLICT). Derived from the payload and the job's org (keys are global: an org-scoped key that
   * is not unique across orgs must include the org); an explicit `singletonKey` at enqueue wins.
   * Declaring it gives the type pg-boss's `short` queue policy (set when the queue is created).
   */
  singletonKey?: (payload: never, job: { orgId: string | null }) => string;
  /**
   * `org`: every job belongs to an org (enqueue must pass `orgId`, optionally `storeId`); its run is
   * visible on that org's Jobs page. `system`: maintenance across orgs (no org; visible to no org).
   */
  scope: 'org' | 'system';
}

export interface JobDefinition<Schema extends z.ZodType = z.ZodType> {
  name: string;
  description: string;
  schema: Schema;
  policy: JobPolicy;
}

export const defaultJobPolicy: JobPolicy = {
  retryLimit: 5,
  retryDelaySeconds: 1,
  retryBackoff: true,
  retryDelayMaxSeconds: 300,
  expireInSeconds: 15 * 60,
  concurrency: 2,
  scope: 'org',
};

export function defineJob<Schema extends z.ZodType>(name: string, description: string, schema: Schema, policy: Partial<JobPolicy> = {}): JobDefinition<Schema> {
  const full = { ...defaultJobPolicy, ...policy };
  const delays = full.retryDelaysSeconds;
  if (delays && (delays.length !== full.retryLimit || delays.some((d) => !Number.isFinite(d) || d < 0))) {
    throw new Error(`Job "${name}": retryDelaysSeconds needs one delay (>= 0 s) per retry: ${delays.length} given, retryLimit is ${full.retryLimit}`);
  }
  return { name, description, schema, policy: full };
}

/** Every job type Nexo runs: name -> payload schema and policy. Handlers live in src/jobs/<name>.job.ts. */
export const jobCatalog = {
  'events.prune': defineJob('events.prune', 'Deletes stored events older than NEXO_EVENTS_RETENTION_HOURS (the SSE replay window).', z.strictObject({}), {
    retryLimit: 2,
    expireInSeconds: 300,
    concurrency: 1,
    scope: 'system',
  }),
  'auth.prune': defineJob('auth.prune', 'Deletes expired and long-revoked sessions and stale sign-in throttling counters.', z.strictObject({}), {
    retryLimit: 2,
    expireInSeconds: 300,
    concurrency: 1,
    scope: 'system',
  }),
  'jobs.prune': defineJob(
    'jobs.prune',
    'Deletes completed and cancelled job runs (and their logs) older than NEXO_JOB_RUNS_RETENTION_DAYS.',
    z.strictObject({}),
    {
      retryLimit: 2,
      expireInSeconds: 300,
      concurrency: 1,
      scope: 'system',
    },
  ),
  'jobs.reconcile': defineJob(
    'jobs.reconcile',
    'Brings job runs whose worker died mid-attempt (lease expired in the job engine) up to date: retrying, dead or cancelled.',
    z.strictObject({}),
    { retryLimit: 1, expireInSeconds: 120, concurrency: 1, scope: 'system', singletonKey: () => 'jobs.reconcile' },
  ),
  'schedules.sync': defineJob(
    'schedules.sync',
    "Registers every org's schedules with the job engine (new orgs, changed time zones); also runs at start.",
    z.strictObject({}),
    { retryLimit: 2, expireInSeconds: 300, concurrency: 1, scope: 'system', singletonKey: () => 'schedules.sync' },
  ),
  'jobs.daily-summary': defineJob(
    'jobs.daily-summary',
    "Writes yesterday's job figures (per type: completed, failed, dead) into the run's log, in the org's time zone.",
    z.strictObject({}),
    { retryLimit: 3, expireInSeconds: 300, concurrency: 1, scope: 'org' },
  ),
  'jobs.probe': defineJob(
    'jobs.probe',
    'Does nothing (or fails its first N attempts): checks that workers run and rehearses retry and replay (POST /api/jobs/probe).',
    z.strictObject({ failAttempts: z.number().int().min(0).max(10), sleepMs: z.number().int().min(0).max(10_000) }),
    { retryLimit: 0, expireInSeconds: 60, concurrency: 2, scope: 'org' },
  ),
  'watchdog.run': defineJob(
    'watchdog.run',
    'The stuck-pattern watchdog: started every minute by cron, it ticks every NEXO_WATCHDOG_INTERVAL_SECONDS for about a minute (one writer at a time across processes).',
    z.strictObject({ durationSeconds: z.number().int().min(0).max(300).default(55) }),
    { retryLimit: 0, expireInSeconds: 180, concurrency: 2, scope: 'system' },
  ),
  'metrics.snapshot': defineJob(
    'metrics.snapshot',
    "Writes each org's daily metric snapshots (marketplace_metrics) for today and yesterday in the org's time zone.",
    z.strictObject({}),
    { retryLimit: 3, expireInSeconds: 600, concurrency: 1, scope: 'system' },
  ),
  'alerts.evaluate': defineJob(
    'alerts.evaluate',
    "Evaluates alert rules (every org, or one org's on demand): opens, refreshes and resolves alerts and enqueues their notifications.",
    z.strictObject({ orgId: z.uuid().optional() }),
    { retryLimit: 1, expireInSeconds: 120, concurrency: 1, scope: 'system' },
  ),
  'notifications.deliver': defineJob(
    'notifications.deliver',
    'Delivers one notification (Slack, e-mail or signed webhook); retried with exponential backoff, each attempt in the delivery log.',
    z.strictObject({ orgId: z.uuid(), deliveryId: z.uuid() }),
    { retryLimit: 6, retryDelaySeconds: 1, retryBackoff: true, retryDelayMaxSeconds: 600, expireInSeconds: 120, concurrency: 4, scope: 'org' },
  ),
  'webhooks.process': defineJob(
    'webhooks.process',
    "Processes one inbound channel webhook: re-fetches the resource it names with the store's credentials, through the store's breaker and rate limiter.",
    z.strictObject({ orgId: z.uuid(), storeId: z.uuid(), webhookEventId: z.uuid() }),
    {
      retryLimit: 8,
      retryDelaySeconds: 2,
      retryBackoff: true,
      retryDelayMaxSeconds: 600,
      expireInSeconds: 120,
      concurrency: 4,
      storeConcurrency: 2,
      scope: 'org',
    },
  ),
  'stores.sync': defineJob(
    'stores.sync',
    "Read-side sync of one store (products, listings, stock, then orders) through its breaker and rate limiter; resumes at the store's saved cursor after a crash (a cursor the channel expired restarts that phase once). One run per store at a time (a lease on the store's checkpoint); a run queued before a completed sync started is skipped.",
    z.strictObject({ orgId: z.uuid(), storeId: z.uuid(), mode: z.enum(['full', 'incremental']) }),
    {
      retryLimit: 10,
      retryDelaySeconds: 5,
      retryBackoff: true,
      retryDelayMaxSeconds: 900,
      expireInSeconds: 60 * 60,
      concurrency: 2,
      storeConcurrency: 1,
      singletonKey: (p: { storeId: string; mode: string }) => `${p.storeId}:${p.mode}`,
      scope: 'org',
    },
  ),
  'stores.subscribe-webhooks': defineJob(
    'stores.subscribe-webhooks',
    "Subscribes a newly connected store to the channel's webhook topics at Nexo's public URL (NEXO_PUBLIC_URL), through its breaker and rate limiter; the outcome is kept in the store's health.",
    z.strictObject({ orgId: z.uuid(), storeId: z.uuid() }),
    {
      retryLimit: 6,
      retryDelaySeconds: 5,
      retryBackoff: true,
      retryDelayMaxSeconds: 600,
      expireInSeconds: 120,
      concurrency: 2,
      storeConcurrency: 1,
      singletonKey: (p: { storeId: string }) => p.storeId,
      scope: 'org',
    },
  ),
  'stores.sync-due': defineJob(
    'stores.sync-due',
    "Enqueues an incremental stores.sync for each of the org's active stores whose sync interval has passed or whose sync stopped at a checkpoint, leaving out stores a run is syncing now (high priority first).",
    z.strictObject({}),
    { retryLimit: 2, expireInSeconds: 120, concurrency: 1, scope: 'org' },
  ),
  'webhooks.prune': defineJob(
    'webhooks.prune',
    'Deletes inbound webhook events older than NEXO_WEBHOOK_RETENTION_HOURS (at least 72 h: the deduplication window).',
    z.strictObject({}),
    { retryLimit: 2, expireInSeconds: 300, concurrency: 1, scope: 'system' },
  ),
  'webhooks.recover': defineJob(
    'webhooks.recover',
    "Asks channels that keep undelivered webhooks (Shopee's lost pushes) for them, stores them like live deliveries (deduplicated) and confirms them.",
    z.strictObject({}),
    { retryLimit: 2, expireInSeconds: 300, concurrency: 1, scope: 'system' },
  ),
  'agents.run': defineJob(
    'agents.run',
    "One run of one marketplace agent (docs/agents.md): analyse its channel, rank, drop duplicates and recently rejected keys, cap, and create tasks awaiting approval under the agent's identity. Recorded in agent_runs; a second run of the same agent while one is running is recorded as skipped.",
    z.strictObject({ agentId: agentIdSchema, trigger: z.enum(['manual', 'schedule']).default('schedule') }),
    {
      retryLimit: 1,
      retryDelaySeconds: 30,
      expireInSeconds: 30 * 60,
      concurrency: 1,
      singletonKey: (p: { agentId: string }, job) => `${job.orgId}:${p.agentId}`,
      scope: 'org',
    },
  ),
  'agents.daily': defineJob(
    'agents.daily',
    "The org's daily orchestration (seed 000 initializeDailyTasks): every enabled channel agent without a cron of its own, each isolated, then the master's cross-channel tasks; approvers are notified once for the batch.",
    z.strictObject({ trigger: z.enum(['manual', 'schedule']).default('schedule') }),
    { retryLimit: 1, retryDelaySeconds: 60, expireInSeconds: 60 * 60, concurrency: 1, singletonKey: (_p, job) => `${job.orgId}`, scope: 'org' },
  ),
  'plans.analyze': defineJob(
    'plans.analyze',
    'Reads an uploaded report (CSV, XLSX, PDF, text) and writes its analysis plan per channel: the configured model first, the deterministic rules when there is none or it fails (uploaded -> analyzing -> ready).',
    z.strictObject({ orgId: z.uuid(), planId: z.uuid() }),
    { retryLimit: 2, retryDelaySeconds: 5, retryBackoff: true, retryDelayMaxSeconds: 60, expireInSeconds: 300, concurrency: 2, scope: 'org' },
  ),
  'plans.create-tasks': defineJob(
    'plans.create-tasks',
    "Creates an approved plan's Phase 1 tasks (awaiting approval, as the master agent), exactly once per plan, phase and index; a failed attempt is retried 1 s, 5 s and 30 s later (retryDelaysSeconds), then the run goes to its dead-letter queue; a plan whose creation keeps failing fails (breaker) and the watchdog re-enqueues an approved plan left without a job.",
    z.strictObject({ orgId: z.uuid(), planId: z.uuid() }),
    // A 20 s lease: a worker killed mid-creation is failed over by the watchdog within seconds of it (seed 002: recovery < 30 s).
    // retryDelaySeconds/backoff: only the engine's own retries (an expired lease).
    {
      retryLimit: 3,
      retryDelaysSeconds: [1, 5, 30],
      retryDelaySeconds: 1,
      retryBackoff: true,
      retryDelayMaxSeconds: 30,
      expireInSeconds: 20,
      concurrency: 4,
      scope: 'org',
      priority: 10,
    },
  ),
} satisfies Record<string, JobDefinition>;

/** A job type an org runs on a cron schedule (in the org's time zone); each org may change or disable it. */
export interface OrgScheduleDefinition {
  name: JobName;
  description: string;
  defaultCron: string;
  enabledByDefault: boolean;
}

/**
 * Per-org schedules. Later issues add theirs here (daily agent runs, sync intervals, approval
 * expiry): an org-scoped job type in `jobCatalog` with an empty payload, and an entry below.
 */
export const orgScheduleCatalog: Record<string, OrgScheduleDefinition> = {
  'jobs.daily-summary': {
    name: 'jobs.daily-summary',
    description: "Yesterday's job figures per type, on the Jobs page",
    defaultCron: '0 7 * * *',
    enabledByDefault: true,
  },
  'agents.daily': {
    name: 'agents.daily',
    description: 'Daily run of the marketplace agents (each agent may have its own cron instead, on the Agents page)',
    defaultCron: '0 6 * * *',
    enabledByDefault: true,
  },
  'stores.sync-due': {
    name: 'stores.sync-due',
    description: "Incremental sync of the org's stores, each at its own interval",
    defaultCron: '*/5 * * * *',
    enabledByDefault: true,
  },
};

/** System schedules (UTC): registered at every start; maintenance across orgs, so not shown on any org's schedules. */
export const systemSchedules: Array<{ name: JobName; cron: string }> = [
  { name: 'events.prune', cron: '17 * * * *' },
  { name: 'webhooks.prune', cron: '29 * * * *' },
  { name: 'webhooks.recover', cron: '*/10 * * * *' },
  { name: 'auth.prune', cron: '23 * * * *' },
  { name: 'jobs.prune', cron: '41 3 * * *' },
  { name: 'schedules.sync', cron: '*/10 * * * *' },
  { name: 'jobs.reconcile', cron: '* * * * *' },
  { name: 'watchdog.run', cron: '* * * * *' },
  // Hourly: today's figures stay current and yesterday's are final soon after each org's midnight.
  { name: 'metrics.snapshot', cron: '7 * * * *' },
  { name: 'alerts.evaluate', cron: '* * * * *' },
];

export type JobCatalog = Record<string, JobDefinition>;
export type JobName = keyof typeof jobCatalog;
export type JobPayload<Name extends JobName> = z.input<(typeof jobCatalog)[Name]['schema']>;
