import { z } from 'zod';

/** How a job type is retried, leased and deduplicated. Declared once per type in `jobCatalog`. */
export interface JobPolicy {
  /** Retries after the first attempt before the job goes to its dead-letter queue. */
  retryLimit: number;
  /** First retry delay; doubled each attempt with jitter when `retryBackoff`, capped by `retryDelayMaxSeconds`. */
  retryDelaySeconds: number;
  retryBackoff: boolean;
  retryDelayMaxSeconds: number;
  /** Lease: a job running longer than this is considered lost (its worker died) and retried. */
  expireInSeconds: number;
  /** Higher runs first. */
  priority?: number;
  /** Parallel handlers of this type per worker process. */
  concurrency: number;
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
};

export function defineJob<Schema extends z.ZodType>(name: string, description: string, schema: Schema, policy: Partial<JobPolicy> = {}): JobDefinition<Schema> {
  return { name, description, schema, policy: { ...defaultJobPolicy, ...policy } };
}

/** Every job type Nexo runs: name -> payload schema and policy. Handlers live in src/jobs/<name>.job.ts. */
export const jobCatalog = {
  'events.prune': defineJob('events.prune', 'Deletes stored events older than NEXO_EVENTS_RETENTION_HOURS (the SSE replay window).', z.strictObject({}), {
    retryLimit: 2,
    expireInSeconds: 300,
    concurrency: 1,
  }),
  'auth.prune': defineJob('auth.prune', 'Deletes expired and long-revoked sessions and stale sign-in throttling counters.', z.strictObject({}), {
    retryLimit: 2,
    expireInSeconds: 300,
    concurrency: 1,
  }),
  'alerts.evaluate': defineJob(
    'alerts.evaluate',
    "Evaluates alert rules (every org, or one org's on demand): opens, refreshes and resolves alerts and enqueues their notifications.",
    z.strictObject({ orgId: z.uuid().optional() }),
    { retryLimit: 1, expireInSeconds: 120, concurrency: 1 },
  ),
  'notifications.deliver': defineJob(
    'notifications.deliver',
    'Delivers one notification (Slack, e-mail or signed webhook); retried with exponential backoff, each attempt in the delivery log.',
    z.strictObject({ orgId: z.uuid(), deliveryId: z.uuid() }),
    { retryLimit: 6, retryDelaySeconds: 1, retryBackoff: true, retryDelayMaxSeconds: 600, expireInSeconds: 120, concurrency: 4 },
  ),
} satisfies Record<string, JobDefinition>;

export type JobCatalog = Record<string, JobDefinition>;
export type JobName = keyof typeof jobCatalog;
export type JobPayload<Name extends JobName> = z.input<(typeof jobCatalog)[Name]['schema']>;
