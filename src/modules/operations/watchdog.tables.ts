import { sql } from 'drizzle-orm';
import { boolean, check, date, doublePrecision, index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { timestamptz } from '../../db/columns.ts';

/**
 * What the watchdog found (seed 002 part 2.3.5): one open row per condition (`dedupe_key` =
 * org|type|subject), refreshed while the condition holds and resolved when it clears.
 * `org_id` null = a system-wide finding (the job engine), shown to every org.
 */
export const stuckPatterns = pgTable(
  'stuck_patterns',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id'),
    type: text('type').notNull(),
    subject: text('subject').notNull(),
    dedupeKey: text('dedupe_key').notNull(),
    severity: text('severity').notNull(),
    status: text('status').notNull().default('open'),
    /** When the condition crossed its threshold (from the data), and when the watchdog saw it. */
    since: timestamptz('since').notNull(),
    detectedAt: timestamptz('detected_at').notNull(),
    lastSeenAt: timestamptz('last_seen_at').notNull(),
    resolvedAt: timestamptz('resolved_at'),
    details: jsonb('details').$type<Record<string, unknown>>().notNull(),
    recommendation: text('recommendation').notNull(),
    autoFixable: boolean('auto_fixable').notNull(),
  },
  (t) => [
    check('stuck_patterns_status_check', sql`${t.status} in ('open', 'resolved')`),
    check('stuck_patterns_severity_check', sql`${t.severity} in ('info', 'warning', 'critical')`),
    uniqueIndex('stuck_patterns_open_key_idx').on(t.dedupeKey).where(sql`${t.status} = 'open'`),
    index('stuck_patterns_org_status_idx').on(t.orgId, t.status, t.detectedAt.desc()),
  ],
);

/** Every fix applied to a stuck pattern, automatic or requested by a person. */
export const recoveries = pgTable(
  'recoveries',
  {
    id: uuid('id').primaryKey(),
    patternId: uuid('pattern_id').notNull(),
    orgId: uuid('org_id'),
    action: text('action').notNull(),
    /** succeeded | failed */
    outcome: text('outcome').notNull(),
    trigger: text('trigger').notNull(),
    details: jsonb('details').$type<Record<string, unknown>>().notNull(),
    at: timestamptz('at').notNull(),
  },
  (t) => [index('recoveries_pattern_idx').on(t.patternId, t.at.desc()), index('recoveries_org_at_idx').on(t.orgId, t.at.desc())],
);

/** Seed 002's marketplace_metrics: daily snapshots per org, so trend charts outlive Prometheus retention. */
export const marketplaceMetrics = pgTable(
  'marketplace_metrics',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id').notNull(),
    metricName: text('metric_name').notNull(),
    metricValue: doublePrecision('metric_value'),
    timestamp: timestamptz('timestamp').notNull().defaultNow(),
    /** The org-local day the value describes (one row per org, metric, day and labels). */
    day: date('day', { mode: 'string' }).notNull(),
    labels: jsonb('labels').$type<Record<string, string>>().notNull().default({}),
  },
  (t) => [
    index('idx_metrics_name_timestamp').on(t.orgId, t.metricName, t.timestamp),
    uniqueIndex('marketplace_metrics_day_idx').on(t.orgId, t.metricName, t.day, t.labels),
  ],
);

/** The job engine's depth about once a minute (written by the watchdog, kept 48 h): the Health page's queue chart. */
export const queueDepthSamples = pgTable('queue_depth_samples', {
  at: timestamptz('at').primaryKey(),
  depth: integer('depth').notNull(),
  active: integer('active').notNull(),
  dead: integer('dead').notNull(),
  oldestAgeSeconds: integer('oldest_age_seconds'),
});
