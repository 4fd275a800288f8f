import { z } from 'zod';

export const stuckPatternTypes = [
  'job_lease_expired',
  'queue_backlog',
  'plan_without_phase1',
  'plan_analysis_stuck',
  'task_approval_overdue',
  'agent_silent',
] as const;
export type StuckPatternType = (typeof stuckPatternTypes)[number];

export const stuckPatternSchema = z.object({
  id: z.string(),
  type: z.enum(stuckPatternTypes).describe('Which detector found it'),
  subject: z.string().describe('What is stuck: a job, a queue, an org-wide task backlog, an agent'),
  severity: z.enum(['info', 'warning', 'critical']),
  status: z.enum(['open', 'resolved']),
  scope: z.enum(['org', 'system']).describe('system: the shared job engine (shown to every org); org: this org only'),
  since: z.string().describe('When the condition crossed its threshold (from the data)'),
  detected_at: z.string().describe('When the watchdog first saw it'),
  last_seen_at: z.string(),
  resolved_at: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  recommendation: z.string().describe('What a person should do about it'),
  auto_fixable: z.boolean().describe('A safe fix exists (POST /api/health/patterns/:id/fix; applied automatically when ENABLE_AUTO_RECOVERY=true)'),
});
export type StuckPatternView = z.infer<typeof stuckPatternSchema>;

export const recoverySchema = z.object({
  id: z.string(),
  pattern_id: z.string(),
  action: z.string(),
  outcome: z.enum(['succeeded', 'failed']),
  trigger: z.enum(['auto', 'manual']),
  details: z.record(z.string(), z.unknown()),
  at: z.string(),
});

export const detectorSchema = z.object({
  type: z.enum(stuckPatternTypes),
  applicable: z.boolean(),
  threshold: z.string().describe('The threshold in words'),
  threshold_seconds: z.number().nullable().describe('The threshold as a duration (null for the lease detector: each job type has its own)'),
  note: z.string().optional().describe('Why a detector does not apply yet'),
});

export const queueHealthSchema = z.object({
  depth: z.number().int().describe('Jobs due and waiting (created or retry), all queues except dead letters'),
  active: z.number().int().describe('Jobs running now'),
  dead: z.number().int().describe('Jobs in dead-letter queues'),
  oldest_age_seconds: z.number().nullable().describe('Age of the oldest due job (since it became due)'),
  completed_last_hour: z.number().int(),
  failed_last_hour: z.number().int(),
  failure_rate: z.number().nullable().describe('failed / (failed + completed) over the last hour, 0..1'),
  health: z.enum(['healthy', 'degraded', 'unhealthy']),
  queues: z.array(z.object({ name: z.string(), depth: z.number().int(), active: z.number().int(), oldest_age_seconds: z.number().nullable() })),
});

export const databaseHealthSchema = z.object({
  ok: z.boolean(),
  latency_ms: z.number().nullable(),
  connections: z.object({ total: z.number().int(), active: z.number().int(), max: z.number().int().nullable() }).nullable(),
  error: z.string().optional(),
});

/** Provided by the resilience features (breakers, rate limiters, alerts); empty until they are wired in. */
export const breakerHealthSchema = z.object({
  store_id: z.string(),
  operation: z.string(),
  state: z.enum(['closed', 'open', 'half_open']),
  since: z.string().nullable(),
  failures: z.number().int().optional(),
});
export const rateLimiterHealthSchema = z.object({
  store_id: z.string(),
  /** A store may have several buckets (e.g. one per API family). */
  bucket: z.string().optional(),
  tokens: z.number(),
  capacity: z.number(),
  refill_per_second: z.number(),
  waiting: z.number().int().optional(),
});
export const openAlertSchema = z.object({
  id: z.string(),
  rule: z.string(),
  severity: z.string(),
  message: z.string(),
  opened_at: z.string(),
  acknowledged_at: z.string().nullable(),
});

export const overallStatuses = ['healthy', 'degraded', 'unhealthy'] as const;

/** GET /api/health without credentials: for load balancers and uptime monitors. */
export const publicHealthSchema = z.object({
  status: z.enum(overallStatuses),
  overall_status: z.enum(overallStatuses),
  timestamp: z.string(),
});

/** GET /api/health with credentials: seed 002's getSystemHealth report for the caller's org. */
export const healthReportSchema = publicHealthSchema.extend({
  queue: queueHealthSchema,
  database: databaseHealthSchema,
  stuck_patterns: z.array(stuckPatternSchema).describe('Open patterns of this org and of the shared job engine'),
  recommendations: z.array(z.string()).describe('One line per open pattern, most severe first'),
  detectors: z.array(detectorSchema),
  recent_recoveries: z.array(recoverySchema),
  auto_recovery: z.boolean().describe('ENABLE_AUTO_RECOVERY: safe fixes are applied without a person'),
  breakers: z.array(breakerHealthSchema),
  rate_limiters: z.array(rateLimiterHealthSchema),
  open_alerts: z.array(openAlertSchema),
});
export type HealthReport = z.infer<typeof healthReportSchema>;

export const healthResponseSchema = z.union([healthReportSchema, publicHealthSchema]);

export const patternIdParamsSchema = z.strictObject({ patternId: z.uuid({ error: 'expected a pattern id (UUID)' }) });
export const fixPatternResponseSchema = z.object({ pattern: stuckPatternSchema, recovery: recoverySchema });

export const listPatternsQuerySchema = z.strictObject({
  status: z.enum(['open', 'resolved', 'all']).default('open'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export const listPatternsResponseSchema = z.object({ patterns: z.array(stuckPatternSchema) });

export const metricSnapshotsQuerySchema = z.strictObject({
  metric: z.string().regex(/^[a-z0-9_]{1,64}$/, { error: 'expected a metric name such as tasks_created' }),
  from: z.iso.date({ error: 'expected a date YYYY-MM-DD' }).optional(),
  to: z.iso.date({ error: 'expected a date YYYY-MM-DD' }).optional(),
});
export const metricSnapshotSchema = z.object({
  metric_name: z.string(),
  metric_value: z.number().nullable(),
  day: z.string(),
  timestamp: z.string(),
  labels: z.record(z.string(), z.string()),
});
export const metricSnapshotsResponseSchema = z.object({ metric: z.string(), from: z.string(), to: z.string(), snapshots: z.array(metricSnapshotSchema) });
export const snapshotMetricNames = [
  'tasks_created',
  'tasks_completed',
  'tasks_awaiting_approval',
  'approval_rate',
  'time_accuracy',
  'avg_completion_hours',
  'queue_depth',
  'jobs_failed',
  'jobs_completed',
  'stuck_patterns_open',
] as const;

export const queueHistoryQuerySchema = z.strictObject({
  hours: z.coerce.number().int().min(1).max(48).default(24).describe('How far back (samples are kept 48 h)'),
});
export const queueHistoryResponseSchema = z.object({
  samples: z.array(
    z.object({
      at: z.string(),
      depth: z.number().int().describe('Due jobs waiting, all queues except dead letters'),
      active: z.number().int(),
      dead: z.number().int(),
      oldest_age_seconds: z.number().int().nullable(),
    }),
  ),
});
