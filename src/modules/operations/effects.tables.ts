import { index, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { timestamptz } from '../../db/columns.ts';

/**
 * One row per side effect a job performed, keyed by the handler's idempotency key. The primary key is what makes
 * a retried job (its worker was killed after the effect committed but before the job was marked complete) skip
 * the effect instead of doing it twice: the row is inserted in the same transaction as the effect.
 */
export const jobEffects = pgTable(
  'job_effects',
  {
    key: text('key').primaryKey(),
    jobName: text('job_name').notNull(),
    /** The job run that performed the effect (informative: a retry has the same id, a replayed dead job a new one). */
    jobId: text('job_id'),
    orgId: uuid('org_id'),
    result: jsonb('result'),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
  },
  (t) => [index('job_effects_created_idx').on(t.createdAt), index('job_effects_org_idx').on(t.orgId, t.createdAt)],
);
