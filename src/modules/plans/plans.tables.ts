import { sql } from 'drizzle-orm';
import { check, customType, index, integer, jsonb, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import type { PlanData, PlanFileType, PlanStatus } from '../../contracts/plans.ts';
import { timestamptz } from '../../db/columns.ts';

/** Raw file bytes: PGlite answers Uint8Array, node-postgres Buffer; both read back as a Buffer. */
const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (value) => (Buffer.isBuffer(value) ? value : Buffer.from(value)),
});

/** Seed 002's marketplace analysis plans, org-scoped: the uploaded report, its extracted text, the plan and its Phase 1 tasks. */
export const analysisPlans = pgTable(
  'analysis_plans',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id').notNull(),
    status: text('status').$type<PlanStatus>().notNull(),
    channels: jsonb('channels').$type<string[]>().notNull(),
    fileName: text('file_name').notNull(),
    fileType: text('file_type').$type<PlanFileType>().notNull(),
    fileSize: integer('file_size').notNull(),
    /** The uploaded bytes (at most 20 MB), so the extraction job can run on any worker. */
    content: bytea('content').notNull(),
    /** What extraction read (at most 2 MB of text), filled by the analysis job. */
    extractedText: text('extracted_text'),
    report: jsonb('report').$type<Record<string, unknown>>(),
    planData: jsonb('plan_data').$type<PlanData>(),
    mode: text('mode').$type<'rules' | 'llm'>(),
    fallbackReason: text('fallback_reason'),
    usage: jsonb('usage').$type<Record<string, unknown>>(),
    taskIds: jsonb('task_ids').$type<string[]>().notNull().default([]),
    failureReason: text('failure_reason'),
    rejectionReason: text('rejection_reason'),
    analysisAttempts: integer('analysis_attempts').notNull().default(0),
    createdBy: text('created_by').notNull(),
    approvedBy: text('approved_by'),
    approvedAt: timestamptz('approved_at'),
    statusChangedAt: timestamptz('status_changed_at').notNull(),
    createdAt: timestamptz('created_at').notNull(),
    updatedAt: timestamptz('updated_at').notNull(),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    check(
      'analysis_plans_status_check',
      sql`${t.status} in ('uploaded', 'analyzing', 'ready', 'approved', 'creating_tasks', 'tasks_created', 'rejected', 'failed')`,
    ),
    check('analysis_plans_file_type_check', sql`${t.fileType} in ('csv', 'xlsx', 'pdf', 'text')`),
    index('analysis_plans_org_created_idx').on(t.orgId, t.createdAt.desc()),
    index('analysis_plans_status_changed_idx').on(t.status, t.statusChangedAt),
  ],
);

/** One row per Phase 1 task a plan created: the idempotency record (plan, phase, index) -> task. */
export const analysisPlanTasks = pgTable(
  'analysis_plan_tasks',
  {
    planId: uuid('plan_id')
      .notNull()
      .references(() => analysisPlans.id, { onDelete: 'cascade' }),
    orgId: uuid('org_id').notNull(),
    phase: integer('phase').notNull(),
    idx: integer('idx').notNull(),
    taskId: uuid('task_id').notNull(),
    createdAt: timestamptz('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.planId, t.phase, t.idx] })],
);

/** Seed 002's job_queue_history, org-scoped: every state change of a plan and every job attempt on it. */
export const jobQueueHistory = pgTable(
  'job_queue_history',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id').notNull(),
    planId: uuid('plan_id')
      .notNull()
      .references(() => analysisPlans.id, { onDelete: 'cascade' }),
    jobId: text('job_id').notNull(),
    status: text('status').notNull(),
    fromStatus: text('from_status'),
    queueName: text('queue_name').notNull(),
    attempts: integer('attempts'),
    errorMessage: text('error_message'),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamptz('created_at').notNull(),
    completedAt: timestamptz('completed_at'),
  },
  (t) => [index('idx_queue_history_plan').on(t.planId, t.createdAt), index('idx_queue_history_status').on(t.status)],
);
