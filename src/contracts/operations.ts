import { z } from 'zod';

/** Job runs (the Jobs page) and schedules. */
export const jobRunStatuses = ['queued', 'running', 'completed', 'failed', 'retrying', 'dead', 'cancelled'] as const;
export const jobRunStatusSchema = z.enum(jobRunStatuses);
export type JobRunStatus = z.infer<typeof jobRunStatusSchema>;
export const jobLogLevels = ['debug', 'info', 'warn', 'error'] as const;

const isoDate = z.iso.datetime({ offset: true });
const runId = z.uuid({ error: 'expected a job id (UUID)' });
const jobType = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{0,99}$/, { error: 'expected a job type such as events.prune' })
  .describe('A job type from the catalog, e.g. `jobs.daily-summary`');
const csv = <T extends z.ZodType>(item: T) => z.preprocess((v) => (typeof v === 'string' ? v.split(',').filter(Boolean) : v), z.array(item).max(20)).optional();

export const jobRunSchema = z.object({
  id: z.string().describe('The run id: stable across retries, postponements and replays'),
  type: z.string(),
  status: jobRunStatusSchema.describe(
    '`queued` waiting (or postponed) · `running` · `retrying` an attempt failed, another is scheduled (with backoff, or at the retry schedule of its type) · `completed` · `dead` retries exhausted (replayable) · `failed` failed for good without retries (invalid payload) · `cancelled`',
  ),
  storeId: z.string().nullable(),
  attempts: z.number().int().describe('Attempts started so far (postponements do not count)'),
  maxAttempts: z.number().int(),
  priority: z.number().int(),
  createdAt: isoDate,
  scheduledAt: isoDate.describe('When it may run (next attempt for a postponed run)'),
  startedAt: isoDate.nullable(),
  finishedAt: isoDate.nullable(),
  durationMs: z.number().int().nullable(),
  lastError: z.string().nullable(),
  result: z.record(z.string(), z.unknown()).nullable().describe('What the handler returned (a summary)'),
  postponedReason: z.string().nullable(),
});
export type JobRun = z.infer<typeof jobRunSchema>;

export const jobLogSchema = z.object({
  id: z.string(),
  at: isoDate,
  level: z.enum(jobLogLevels),
  message: z.string(),
  metadata: z.record(z.string(), z.unknown()).nullable(),
  attempt: z.number().int().nullable(),
});
export type JobLog = z.infer<typeof jobLogSchema>;

/** GET /api/jobs */
export const listJobsQuerySchema = z.strictObject({
  status: csv(jobRunStatusSchema).describe('One status or several, comma-separated'),
  type: csv(jobType).describe('One job type or several, comma-separated'),
  storeId: z.uuid({ error: 'expected a store id (UUID)' }).optional(),
  from: isoDate.optional().describe('Created at or after'),
  to: isoDate.optional().describe('Created before'),
  limit: z.coerce.number().int().min(1).max(100, { error: 'limit must be at most 100' }).default(50),
  cursor: z.string().max(300).optional().describe('Opaque: the `nextCursor` of the previous page'),
});
export type ListJobsQuery = z.output<typeof listJobsQuerySchema>;
export const listJobsResponseSchema = z.object({ jobs: z.array(jobRunSchema), nextCursor: z.string().nullable() });

/** GET /api/jobs/dead */
export const listDeadJobsQuerySchema = listJobsQuerySchema.omit({ status: true });

export const jobDetailResponseSchema = z.object({ job: jobRunSchema, logs: z.array(jobLogSchema) });
export const jobResponseSchema = z.object({ job: jobRunSchema });
export const jobIdParamsSchema = z.object({ jobId: runId });

/** POST /api/jobs/probe: a harmless org job to check that workers run (and to rehearse retry/replay). */
export const probeJobRequestSchema = z.strictObject({
  failAttempts: z.number().int().min(0).max(10).default(0).describe('The first N attempts fail (attempts count across replays)'),
  sleepMs: z.number().int().min(0).max(10_000).default(0),
  startAfterSeconds: z.number().int().min(0).max(86_400).default(0).describe('Delay the start (a queued run can be cancelled meanwhile)'),
});
export const probeJobResponseSchema = z.object({ job: jobRunSchema });

/** POST /api/jobs/dead/replay: the selected ids, or every dead run of one type. */
export const replayDeadRequestSchema = z
  .strictObject({
    ids: z.array(runId).min(1).max(500, { error: 'at most 500 ids per request' }).optional(),
    type: jobType.optional(),
  })
  .refine((b) => (b.ids === undefined) !== (b.type === undefined), { error: 'send either ids or type (not both)' });
export const replayDeadResponseSchema = z.object({ replayed: z.number().int(), jobs: z.array(jobRunSchema) });

/** GET /api/jobs/stats */
export const jobStatsQuerySchema = z.strictObject({
  windowHours: z.coerce.number().int().min(1).max(720, { error: 'windowHours must be at most 720' }).default(24),
});
export const jobTypeStatsSchema = z.object({
  type: z.string(),
  depth: z.number().int().describe('Runs waiting: queued + retrying'),
  running: z.number().int(),
  dead: z.number().int(),
  completed: z.number().int().describe('Completed within the window'),
  failed: z.number().int().describe('Dead or failed within the window'),
  throughputPerHour: z.number().describe('Completed per hour over the window'),
  failureRate: z.number().describe('failed / (completed + failed) within the window, 0..1'),
  avgDurationMs: z.number().nullable(),
  oldestQueuedAgeSeconds: z.number().nullable().describe('Age of the oldest run due and still waiting'),
});
export const jobStatsResponseSchema = z.object({ windowHours: z.number().int(), types: z.array(jobTypeStatsSchema) });

// ---- schedules ----------------------------------------------------------------------------------

export const scheduleSchema = z.object({
  name: z.string().describe('The job type it enqueues'),
  description: z.string(),
  cron: z.string(),
  defaultCron: z.string(),
  enabled: z.boolean(),
  timeZone: z.string().describe("The org's time zone (Settings): cron times are read in it"),
  nextRuns: z.array(isoDate).describe('The next three runs (empty when disabled)'),
  updatedAt: isoDate.nullable(),
});
export const schedulesResponseSchema = z.object({ schedules: z.array(scheduleSchema) });
export const scheduleNameParamsSchema = z.object({ name: jobType });
export const updateScheduleRequestSchema = z
  .strictObject({
    cron: z.string().trim().min(9).max(100).optional().describe('5-field cron (minute hour day month weekday), in the org time zone'),
    enabled: z.boolean().optional(),
  })
  .refine((b) => b.cron !== undefined || b.enabled !== undefined, { error: 'send cron and/or enabled' });
export const scheduleResponseSchema = z.object({ schedule: scheduleSchema });
