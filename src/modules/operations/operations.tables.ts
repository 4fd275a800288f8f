import { sql } from 'drizzle-orm';
import { bigint, boolean, check, index, integer, jsonb, pgTable, primaryKey, smallint, text, uuid } from 'drizzle-orm/pg-core';
import { timestamptz } from '../../db/columns.ts';

/**
 * One row per job people can see (the Jobs page): written by the queue's observer hooks, in the
 * enqueuing transaction and then at every attempt. A postponed or replayed run keeps its row; its
 * `boss_job_id` points at the pg-boss job currently carrying it.
 */
export const jobRuns = pgTable(
  'job_runs',
  {
    id: uuid('id').primaryKey(),
    /** Null for system jobs (maintenance across orgs). */
    orgId: uuid('org_id'),
    /** The store the job works for (no foreign key: stores are a later module). */
    storeId: uuid('store_id'),
    type: text('type').notNull(),
    status: text('status').notNull().default('queued'),
    attempts: integer('attempts').notNull().default(0),
    /** Attempts allowed before the run is dead (1 + retries). */
    maxAttempts: integer('max_attempts').notNull(),
    priority: smallint('priority').notNull().default(0),
    createdAt: timestamptz('created_at').notNull(),
    scheduledAt: timestamptz('scheduled_at').notNull(),
    startedAt: timestamptz('started_at'),
    finishedAt: timestamptz('finished_at'),
    durationMs: integer('duration_ms'),
    lastError: text('last_error'),
    result: jsonb('result').$type<Record<string, unknown>>(),
    /** The validated payload, kept so a dead run can be replayed after pg-boss dropped its job. */
    payload: jsonb('payload').notNull(),
    bossJobId: uuid('boss_job_id').notNull(),
    /** Why it waits, when postponed (open breaker, empty token bucket). */
    postponedReason: text('postponed_reason'),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    check('job_runs_status_check', sql`${t.status} in ('queued', 'running', 'completed', 'failed', 'retrying', 'dead', 'cancelled')`),
    index('job_runs_org_created_idx').on(t.orgId, t.createdAt.desc(), t.id.desc()),
    index('job_runs_org_status_created_idx').on(t.orgId, t.status, t.createdAt.desc(), t.id.desc()),
    index('job_runs_org_type_idx').on(t.orgId, t.type, t.createdAt.desc()),
    index('job_runs_finished_idx').on(t.status, t.finishedAt),
  ],
);

/** What a handler said while running (`job.log(level, message, metadata)`) and the queue's own notes. */
export const jobLogs = pgTable(
  'job_logs',
  {
    id: bigint('id', { mode: 'bigint' }).primaryKey().generatedAlwaysAsIdentity(),
    runId: uuid('run_id')
      .notNull()
      .references(() => jobRuns.id, { onDelete: 'cascade' }),
    orgId: uuid('org_id'),
    at: timestamptz('at').notNull(),
    level: text('level').notNull(),
    message: text('message').notNull(),
    metadata: jsonb('metadata').$type<Record<string, unknown>>(),
    attempt: integer('attempt'),
  },
  (t) => [check('job_logs_level_check', sql`${t.level} in ('debug', 'info', 'warn', 'error')`), index('job_logs_run_idx').on(t.runId, t.id)],
);

/** Per-org cron schedules (system schedules live only in pg-boss). `name` is a schedulable job type. */
export const jobSchedules = pgTable(
  'job_schedules',
  {
    orgId: uuid('org_id').notNull(),
    name: text('name').notNull(),
    cron: text('cron').notNull(),
    enabled: boolean('enabled').notNull().default(true),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    updatedAt: timestamptz('updated_at').notNull(),
    updatedBy: text('updated_by'),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.name] })],
);
