import { sql } from 'drizzle-orm';
import { check, index, integer, jsonb, numeric, pgTable, smallint, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { timestamptz } from '../../db/columns.ts';

/** Seed 001's marketplace_tasks (every column, check and index) plus org scoping, version and dedupe. */
export const marketplaceTasks = pgTable(
  'marketplace_tasks',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id').notNull(),
    marketplace: text('marketplace').notNull(),
    createdBy: text('created_by').notNull(),
    title: text('title').notNull(),
    description: text('description').notNull(),
    category: text('category').notNull(),
    priority: text('priority').notNull(),
    status: text('status').notNull().default('pending'),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    submittedAt: timestamptz('submitted_at'),
    approvedAt: timestamptz('approved_at'),
    startedAt: timestamptz('started_at'),
    completedAt: timestamptz('completed_at'),
    assignedTo: uuid('assigned_to'),
    approvedBy: uuid('approved_by'),
    completedBy: uuid('completed_by'),
    estimatedHours: numeric('estimated_hours', { mode: 'number' }).notNull(),
    actualHours: numeric('actual_hours', { mode: 'number' }),
    tags: text('tags').array(),
    metadata: jsonb('metadata').$type<Record<string, unknown>>().default({}),
    rejectionReason: text('rejection_reason'),
    completionNotes: text('completion_notes'),
    createdAtIndex: timestamp('created_at_index', { withTimezone: true, mode: 'date' }).generatedAlwaysAs(sql`created_at`),
    /** 0 high, 1 medium, 2 low: sortable by an index (GET /tasks?sort=priority). */
    priorityRank: smallint('priority_rank').generatedAlwaysAs(sql`case priority when 'high' then 0 when 'medium' then 1 else 2 end`),
    /**
     * Lower-cased title and description for `q=` (LIKE on a stored column is several times cheaper per
     * row than ILIKE on two); a trigram GIN index on it serves rare terms.
     */
    searchText: text('search_text').generatedAlwaysAs(sql`lower(title || ' ' || description)`),
    version: integer('version').notNull().default(1),
    /** Same key = same task: unique among an org's open tasks, so an agent cannot flood duplicates. */
    dedupeKey: text('dedupe_key').notNull(),
  },
  (t) => [
    check('marketplace_tasks_marketplace_check', sql`${t.marketplace} in ('amazon', 'shopee', 'mercadolivre', 'shein', 'tiktokshop', 'kaway')`),
    check('marketplace_tasks_category_check', sql`${t.category} in ('optimization', 'best-practice', 'scaling', 'analysis')`),
    check('marketplace_tasks_priority_check', sql`${t.priority} in ('high', 'medium', 'low')`),
    check('marketplace_tasks_status_check', sql`${t.status} in ('pending', 'awaiting_approval', 'approved', 'in_progress', 'completed', 'rejected')`),
    check('marketplace_tasks_estimated_hours_check', sql`${t.estimatedHours} > 0`),
    index('idx_marketplace_tasks_status').on(t.status),
    index('idx_marketplace_tasks_marketplace').on(t.marketplace),
    index('idx_marketplace_tasks_created_by').on(t.createdBy),
    index('idx_marketplace_tasks_approved_by').on(t.approvedBy),
    index('idx_marketplace_tasks_assigned_to').on(t.assignedTo),
    index('idx_marketplace_tasks_status_submitted').on(t.status, t.submittedAt),
    index('idx_marketplace_tasks_completed_at').on(t.completedAt),
    index('idx_marketplace_tasks_marketplace_status').on(t.marketplace, t.status),
    index('marketplace_tasks_org_created_idx').on(t.orgId, t.createdAt.desc(), t.id.desc()),
    index('marketplace_tasks_org_status_idx').on(t.orgId, t.status, t.createdAt.desc()),
    index('marketplace_tasks_org_completed_idx').on(t.orgId, t.completedAt),
    index('marketplace_tasks_org_approved_idx').on(t.orgId, t.approvedAt),
    index('marketplace_tasks_org_priority_idx').on(t.orgId, t.priorityRank, t.createdAt, t.id),
    index('marketplace_tasks_org_status_created_idx').on(t.orgId, t.status, t.createdAt.desc(), t.id.desc()),
    index('marketplace_tasks_org_status_priority_idx').on(t.orgId, t.status, t.priorityRank, t.createdAt, t.id),
    // The watchdog's and the alerts' task signals (agents' last task, approvals overdue) read these instead of scanning the table.
    index('marketplace_tasks_org_creator_created_idx').on(t.orgId, t.createdBy, t.createdAt.desc()),
    index('marketplace_tasks_awaiting_submitted_idx').on(t.orgId, t.submittedAt, t.id).where(sql`${t.status} = 'awaiting_approval'`),
    uniqueIndex('marketplace_tasks_open_dedupe_idx').on(t.orgId, t.dedupeKey).where(sql`${t.status} not in ('completed', 'rejected')`),
  ],
);

/** Idempotency-Key replays for POST requests, kept 24 h. */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    orgId: uuid('org_id').notNull(),
    key: text('key').notNull(),
    scope: text('scope').notNull(),
    requestHash: text('request_hash').notNull(),
    status: integer('status').notNull(),
    response: jsonb('response').notNull(),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('idempotency_keys_pk').on(t.orgId, t.scope, t.key), index('idempotency_keys_created_idx').on(t.createdAt)],
);
