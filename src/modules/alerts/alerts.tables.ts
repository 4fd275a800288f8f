import { sql } from 'drizzle-orm';
import { boolean, check, doublePrecision, index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { timestamptz } from '../../db/columns.ts';

/** The in-app inbox (the bell): one row per recipient. */
export const notifications = pgTable(
  'notifications',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id').notNull(),
    userId: uuid('user_id').notNull(),
    kind: text('kind').notNull(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull(),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    readAt: timestamptz('read_at'),
  },
  (t) => [index('notifications_user_idx').on(t.orgId, t.userId, t.createdAt.desc())],
);

/** One rule per org and kind (seeded with the defaults of contracts/alerts.ts); thresholds editable per org. */
export const alertRules = pgTable(
  'alert_rules',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id').notNull(),
    kind: text('kind').notNull(),
    threshold: doublePrecision('threshold').notNull(),
    enabled: boolean('enabled').notNull().default(true),
    channels: uuid('channels').array().notNull().default(sql`'{}'::uuid[]`),
    lastValue: doublePrecision('last_value'),
    lastEvaluatedAt: timestamptz('last_evaluated_at'),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    updatedAt: timestamptz('updated_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('alert_rules_org_kind_idx').on(t.orgId, t.kind)],
);

/** An alert: opened when a rule is breached for a subject, deduplicated while active, resolved when the condition clears. */
export const alerts = pgTable(
  'alerts',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id').notNull(),
    ruleId: uuid('rule_id')
      .notNull()
      .references(() => alertRules.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    subject: text('subject').notNull(),
    status: text('status').notNull().default('open'),
    value: doublePrecision('value'),
    threshold: doublePrecision('threshold').notNull(),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
    openedAt: timestamptz('opened_at').notNull(),
    lastSeenAt: timestamptz('last_seen_at').notNull(),
    acknowledgedAt: timestamptz('acknowledged_at'),
    acknowledgedBy: uuid('acknowledged_by'),
    resolvedAt: timestamptz('resolved_at'),
  },
  (t) => [
    check('alerts_status_check', sql`${t.status} in ('open', 'acknowledged', 'resolved')`),
    uniqueIndex('alerts_active_dedupe_idx').on(t.orgId, t.ruleId, t.subject).where(sql`${t.status} in ('open', 'acknowledged')`),
    index('alerts_org_status_idx').on(t.orgId, t.status, t.openedAt.desc()),
  ],
);

/** Where alerts go: Slack incoming webhooks, e-mail, signed outbound webhooks. Credentials only in `secret_encrypted`. */
export const notificationChannels = pgTable(
  'notification_channels',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id').notNull(),
    type: text('type').notNull(),
    name: text('name').notNull(),
    enabled: boolean('enabled').notNull().default(true),
    /** Non-secret settings shown back to people: { url } for webhooks, { to } for e-mail, { origin } for Slack. */
    config: jsonb('config').$type<Record<string, unknown>>().notNull(),
    /** AES-256-GCM (lib/crypto encryptSecret, AAD "<org>:<channel>") of a JSON object: { url } / { smtpUrl } / { signingSecret }. */
    secretEncrypted: text('secret_encrypted'),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    updatedAt: timestamptz('updated_at').notNull().defaultNow(),
  },
  (t) => [check('notification_channels_type_check', sql`${t.type} in ('slack', 'email', 'webhook')`), index('notification_channels_org_idx').on(t.orgId)],
);

/** One message to one channel (an alert opening or resolving, or a test), delivered by the notifications.deliver job. */
export const notificationDeliveries = pgTable(
  'notification_deliveries',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id').notNull(),
    channelId: uuid('channel_id')
      .notNull()
      .references(() => notificationChannels.id, { onDelete: 'cascade' }),
    alertId: uuid('alert_id').references(() => alerts.id, { onDelete: 'set null' }),
    event: text('event').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    status: text('status').notNull().default('queued'),
    attempts: integer('attempts').notNull().default(0),
    responseCode: integer('response_code'),
    error: text('error'),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    lastAttemptAt: timestamptz('last_attempt_at'),
    deliveredAt: timestamptz('delivered_at'),
  },
  (t) => [
    check('notification_deliveries_status_check', sql`${t.status} in ('queued', 'retrying', 'delivered', 'failed')`),
    index('notification_deliveries_channel_idx').on(t.orgId, t.channelId, t.createdAt.desc()),
  ],
);
