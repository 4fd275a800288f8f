import { z } from 'zod';

/**
 * Alert rule kinds (seed 000 "Monitoring/alerts" plus issue 5). `unit` says what `threshold` measures; a rule is
 * breached when its current value exceeds the threshold (for `tasks_pending_stale` the value is the oldest undecided
 * task's age in days; for `breaker_open` each breaker's minutes open).
 */
export const alertRuleKinds = {
  tasks_awaiting_approval: { threshold: 500, unit: 'tasks', severity: 'warning' },
  agent_silent: { threshold: 24, unit: 'hours', severity: 'warning' },
  api_p95: { threshold: 2, unit: 'seconds', severity: 'critical' },
  api_error_rate: { threshold: 2, unit: 'percent', severity: 'critical' },
  tasks_pending_stale: { threshold: 7, unit: 'days', severity: 'warning' },
  job_failure_rate: { threshold: 5, unit: 'percent', severity: 'critical' },
  breaker_open: { threshold: 5, unit: 'minutes', severity: 'critical' },
  dead_letters: { threshold: 0, unit: 'jobs', severity: 'warning' },
} as const satisfies Record<string, { threshold: number; unit: string; severity: 'warning' | 'critical' }>;
export type AlertRuleKind = keyof typeof alertRuleKinds;
export const alertRuleKindSchema = z.enum(Object.keys(alertRuleKinds) as [AlertRuleKind, ...AlertRuleKind[]]);

export const alertStatuses = ['open', 'acknowledged', 'resolved'] as const;
export const alertStatusSchema = z.enum(alertStatuses);
export type AlertStatus = z.infer<typeof alertStatusSchema>;

export const channelTypes = ['slack', 'email', 'webhook'] as const;
export const channelTypeSchema = z.enum(channelTypes);
export type ChannelType = z.infer<typeof channelTypeSchema>;

export const deliveryStatuses = ['queued', 'retrying', 'delivered', 'failed'] as const;
export const deliveryEvents = ['alert.opened', 'alert.resolved', 'test'] as const;

const isoDate = z.iso.datetime({ offset: true });
const channelId = z.uuid({ error: 'expected a notification channel id (UUID)' });

export const alertRuleSchema = z.object({
  id: z.string(),
  kind: alertRuleKindSchema,
  unit: z.string().describe('What the threshold measures: tasks, hours, seconds, percent, days, minutes or jobs'),
  severity: z.enum(['warning', 'critical']),
  threshold: z.number().describe('The rule is breached when the current value exceeds this'),
  enabled: z.boolean(),
  channels: z.array(z.string()).describe('Notification channel ids that get a delivery when an alert of this rule opens or resolves'),
  lastValue: z.number().nullable().describe('The value seen at the last evaluation (null: no data yet, or the signal is not wired)'),
  lastEvaluatedAt: isoDate.nullable(),
  updatedAt: isoDate,
});
export type AlertRule = z.infer<typeof alertRuleSchema>;
export const alertRulesResponseSchema = z.object({ rules: z.array(alertRuleSchema) });

export const updateAlertRuleRequestSchema = z
  .strictObject({
    threshold: z.number({ error: 'threshold must be a number' }).min(0, { error: 'threshold must be >= 0' }).max(1_000_000_000).optional(),
    enabled: z.boolean().optional(),
    channels: z.array(channelId).max(20, { error: 'at most 20 channels per rule' }).optional(),
  })
  .describe('Change a rule: any of threshold, enabled, channels (ids of this org\u2019s notification channels)');

export const alertSchema = z.object({
  id: z.string(),
  ruleId: z.string(),
  kind: alertRuleKindSchema,
  severity: z.enum(['warning', 'critical']),
  subject: z.string().describe('What the alert is about: "org" for org-wide rules, an agent id, a breaker name…'),
  status: alertStatusSchema,
  title: z.string(),
  value: z.number().nullable(),
  threshold: z.number(),
  recommendation: z.string(),
  details: z.record(z.string(), z.unknown()),
  openedAt: isoDate,
  lastSeenAt: isoDate,
  acknowledgedAt: isoDate.nullable(),
  acknowledgedBy: z.string().nullable(),
  resolvedAt: isoDate.nullable(),
});
export type Alert = z.infer<typeof alertSchema>;

export const alertsQuerySchema = z.strictObject({
  status: z
    .enum(['active', ...alertStatuses])
    .default('active')
    .describe('active (open + acknowledged, the default), open, acknowledged or resolved'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export const alertsResponseSchema = z.object({ alerts: z.array(alertSchema) });

const httpUrl = z
  .string()
  .max(2048)
  .refine((v) => URL.canParse(v) && ['http:', 'https:'].includes(new URL(v).protocol), { error: 'expected an http:// or https:// URL' });

export const slackConfigSchema = z.strictObject({ url: httpUrl.describe('Slack incoming webhook URL (stored encrypted: it is a credential)') });
export const webhookConfigSchema = z.strictObject({ url: httpUrl.describe('Receiver URL; each request is signed the Standard Webhooks way') });
export const emailConfigSchema = z.strictObject({
  to: z
    .array(z.email({ error: 'expected e-mail addresses' }))
    .min(1, { error: 'at least one recipient' })
    .max(20),
  smtpUrl: z
    .string()
    .regex(/^smtps?:\/\//, { error: 'expected smtp://user:pass@host:port or smtps://…' })
    .max(2048)
    .optional()
    .describe('SMTP server for this channel (stored encrypted); omitted: the server-wide SMTP_URL'),
});

const channelName = z.string().trim().min(1, { error: 'name is required' }).max(120);
const channelConfig = z
  .record(z.string(), z.unknown())
  .describe(
    'slack: `{ url }` (the incoming-webhook URL); webhook: `{ url }`; email: `{ to: [addresses], smtpUrl? }` (smtpUrl omitted: the server-wide SMTP_URL)',
  );

export const createChannelRequestSchema = z
  .strictObject({ type: channelTypeSchema, name: channelName, config: channelConfig })
  .describe('A channel is saved only after a test message goes through; otherwise 400 with the reason');
export type CreateChannelRequest = z.infer<typeof createChannelRequestSchema>;

export const updateChannelRequestSchema = z.strictObject({
  name: channelName.optional(),
  enabled: z.boolean().optional(),
  config: channelConfig.optional().describe('A new target (same shape as at creation); tested before it is saved'),
});

export const channelSchema = z.object({
  id: z.string(),
  type: channelTypeSchema,
  name: z.string(),
  enabled: z.boolean(),
  target: z.string().describe('Where messages go, without credentials: a URL\u2019s origin for Slack, the URL for webhooks, the recipients for e-mail'),
  createdAt: isoDate,
  updatedAt: isoDate,
});
export type NotificationChannel = z.infer<typeof channelSchema>;
export const channelsResponseSchema = z.object({ channels: z.array(channelSchema) });
export const createChannelResponseSchema = channelSchema.extend({
  signingSecret: z.string().nullable().describe('Webhooks only: the `whsec_…` signing secret. Shown once, never again'),
});

export const deliverySchema = z.object({
  id: z.string(),
  channelId: z.string(),
  alertId: z.string().nullable(),
  event: z.enum(deliveryEvents),
  status: z.enum(deliveryStatuses),
  attempts: z.number().int(),
  responseCode: z.number().int().nullable(),
  error: z.string().nullable(),
  createdAt: isoDate,
  lastAttemptAt: isoDate.nullable(),
  deliveredAt: isoDate.nullable(),
});
export type NotificationDelivery = z.infer<typeof deliverySchema>;
export const deliveriesResponseSchema = z.object({ deliveries: z.array(deliverySchema) });
