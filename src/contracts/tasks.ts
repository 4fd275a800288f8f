import { z } from 'zod';

/** Channels with marketplace agents (seed 000). Later channels add values here and to the DB check. */
export const marketplaces = ['amazon', 'shopee', 'mercadolivre', 'shein', 'tiktokshop', 'kaway'] as const;
export const taskStatuses = ['pending', 'awaiting_approval', 'approved', 'in_progress', 'completed', 'rejected'] as const;
export const taskCategories = ['optimization', 'best-practice', 'scaling', 'analysis'] as const;
export const taskPriorities = ['high', 'medium', 'low'] as const;

export const marketplaceSchema = z.enum(marketplaces);
export const taskStatusSchema = z.enum(taskStatuses);
export const taskCategorySchema = z.enum(taskCategories);
export const taskPrioritySchema = z.enum(taskPriorities);
export type Marketplace = z.infer<typeof marketplaceSchema>;
export type TaskStatus = z.infer<typeof taskStatusSchema>;

const isoDate = z.iso.datetime({ offset: true });
const taskId = z.uuid({ error: 'expected a task id (UUID)' });

/** Seed 000's MarketplaceTask, camelCase, plus version, completion and rejection details. */
export const marketplaceTaskSchema = z.object({
  id: z.string(),
  marketplace: z.string(),
  createdBy: z.string(),
  title: z.string(),
  description: z.string(),
  category: taskCategorySchema,
  status: taskStatusSchema,
  priority: taskPrioritySchema,
  createdAt: isoDate,
  submittedAt: isoDate.optional(),
  approvedAt: isoDate.optional(),
  startedAt: isoDate.optional(),
  completedAt: isoDate.optional(),
  assignedTo: z.string().optional(),
  approvedBy: z.string().optional(),
  completedBy: z.string().optional(),
  estimatedHours: z.number(),
  actualHours: z.number().optional(),
  tags: z.array(z.string()).optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
  rejectionReason: z.string().optional(),
  completionNotes: z.string().optional(),
  version: z.number().int(),
});
export type MarketplaceTask = z.infer<typeof marketplaceTaskSchema>;

const metadataSchema = z
  .record(z.string(), z.unknown())
  .refine((m) => Buffer.byteLength(JSON.stringify(m)) <= 16_384, { error: 'metadata must be at most 16 KB of JSON' });

/** POST /api/orchestration/tasks */
export const createTaskRequestSchema = z.strictObject({
  marketplace: marketplaceSchema,
  title: z.string().trim().min(1).max(255, { error: 'title must be at most 255 characters' }),
  description: z.string().trim().min(1).max(5000, { error: 'description must be at most 5000 characters' }),
  category: taskCategorySchema,
  priority: taskPrioritySchema,
  estimatedHours: z.number().gt(0, { error: 'estimatedHours must be greater than 0' }).max(1000, { error: 'estimatedHours must be at most 1000' }),
  createdBy: z.string().min(1).max(100),
  tags: z
    .array(z.string().trim().min(1).max(50, { error: 'each tag must be at most 50 characters' }))
    .max(20, { error: 'at most 20 tags' })
    .optional(),
  metadata: metadataSchema.optional(),
  /** Move it straight to awaiting_approval. */
  submit: z.boolean().optional(),
});
export const createTaskResponseSchema = z.object({ success: z.literal(true), task: marketplaceTaskSchema, message: z.string() });

const csv = <T extends z.ZodType>(item: T) => z.preprocess((v) => (typeof v === 'string' ? v.split(',').filter(Boolean) : v), z.array(item).max(20)).optional();

/** GET /api/orchestration/tasks */
export const listTasksQuerySchema = z.strictObject({
  status: csv(taskStatusSchema),
  marketplace: csv(marketplaceSchema),
  createdBy: z.string().max(100).optional(),
  /** A user id, or `me`. */
  assignedTo: z.string().max(100).optional(),
  priority: csv(taskPrioritySchema),
  category: csv(taskCategorySchema),
  q: z.string().trim().max(200).optional(),
  createdFrom: isoDate.optional(),
  createdTo: isoDate.optional(),
  sort: z.enum(['created', 'priority']).default('created'),
  limit: z.coerce.number().int().min(1).max(100, { error: 'limit must be at most 100' }).default(50),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
  /** Opaque, from `nextCursor`: deep paging without offsets. */
  cursor: z.string().max(300).optional(),
});
export const listTasksResponseSchema = z.object({
  tasks: z.array(marketplaceTaskSchema),
  count: z.number().int(),
  offset: z.number().int(),
  limit: z.number().int(),
  /** Exact up to 1,000; at that cap `totalCapped` is true and the UI says "1,000+" (each counted row is a heap visit: counting a million would cost far more than the page). */
  total: z.number().int(),
  totalCapped: z.boolean(),
  nextCursor: z.string().nullable(),
});

export const taskHistoryEntrySchema = z.object({
  at: isoDate,
  action: z.string(),
  actorType: z.string(),
  actorLabel: z.string(),
  changes: z.record(z.string(), z.unknown()).nullable(),
});
export const taskDetailResponseSchema = z.object({ task: marketplaceTaskSchema, history: z.array(taskHistoryEntrySchema) });

const taskIds = z
  .array(taskId, { error: 'taskIds array is required' })
  .min(1, { error: 'taskIds array is required' })
  .max(500, { error: 'at most 500 taskIds per request' });

export const submitTasksRequestSchema = z.strictObject({ taskIds });
export const approveTasksRequestSchema = z.strictObject({
  taskIds,
  approved: z.boolean({ error: 'approved must be true or false' }),
  reason: z.string().trim().max(2000).optional(),
});
export const batchResponseSchema = z.object({ success: z.literal(true), message: z.string(), count: z.number().int(), tasks: z.array(marketplaceTaskSchema) });

export const assignTaskRequestSchema = z.strictObject({ taskId, assignedTo: z.uuid({ error: 'assignedTo must be a member user id' }) });
export const assignTaskResponseSchema = z.object({ success: z.literal(true), message: z.string(), task: marketplaceTaskSchema, assignedAt: isoDate });

export const completeTaskRequestSchema = z.strictObject({
  taskId,
  actualHours: z.number().gt(0, { error: 'actualHours must be a positive number' }).max(10_000),
  notes: z.string().trim().max(5000).optional(),
});
export const completeTaskResponseSchema = z.object({
  success: z.literal(true),
  message: z.string(),
  task: marketplaceTaskSchema,
  stats: z.object({ estimatedHours: z.number(), actualHours: z.number(), accuracy: z.number().int(), completedAt: isoDate }),
});

export const returnTaskRequestSchema = z.strictObject({ taskId, reason: z.string().trim().min(1, { error: 'a reason is required' }).max(2000) });
export const taskResponseSchema = z.object({ success: z.literal(true), message: z.string(), task: marketplaceTaskSchema });

/** Seed 000/001 daily stats per marketplace, extended. */
export const dailyStatsSchema = z.object({
  marketplace: z.string(),
  /** Seed 001's `created`: tasks still pending. */
  created: z.number().int(),
  pending: z.number().int(),
  awaitingApproval: z.number().int(),
  approved: z.number().int(),
  inProgress: z.number().int(),
  completed: z.number().int(),
  rejected: z.number().int(),
  createdToday: z.number().int(),
  completedToday: z.number().int(),
  avgCompletionTime: z.number().nullable(),
  timeAccuracy: z.number().nullable(),
  approvalRate: z.number().nullable(),
});
export type DailyStats = z.infer<typeof dailyStatsSchema>;
export const statsQuerySchema = z.strictObject({ date: z.iso.date({ error: 'expected a date as YYYY-MM-DD' }).optional() });
export const statsResponseSchema = z.object({ date: z.string(), timeZone: z.string(), stats: z.array(dailyStatsSchema) });
export const trendQuerySchema = z.strictObject({ days: z.coerce.number().int().min(1).max(365).default(30) });
export const trendResponseSchema = z.object({
  timeZone: z.string(),
  days: z.array(z.object({ date: z.string(), created: z.number().int(), approved: z.number().int(), rejected: z.number().int(), completed: z.number().int() })),
});
export const statusResponseSchema = z.object({ timestamp: isoDate, agents: z.array(z.string()), stats: z.array(dailyStatsSchema) });
export const batchesQuerySchema = z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(50) });
export const batchesResponseSchema = z.object({
  tasks: z.array(marketplaceTaskSchema),
  grouped: z.record(z.string(), z.array(marketplaceTaskSchema)),
  total: z.number().int(),
  readyForApproval: z.boolean(),
});

/** GET /api/orchestration/metrics: the Prometheus figures as JSON for the dashboard. */
export const taskMetricsResponseSchema = z.object({
  pipeline: z.object({
    pending: z.number().int(),
    awaitingApproval: z.number().int(),
    approved: z.number().int(),
    inProgress: z.number().int(),
    completed: z.number().int(),
    rejected: z.number().int(),
  }),
  approvalRate: z.number().nullable(),
  avgApprovalHours: z.number().nullable(),
  avgExecutionHours: z.number().nullable(),
  timeAccuracy: z.number().nullable(),
  agents: z.array(
    z.object({ agentId: z.string(), generated: z.number().int(), approved: z.number().int(), rejected: z.number().int(), approvalRate: z.number().nullable() }),
  ),
});

/** In-app notifications (the bell). */
export const notificationSchema = z.object({
  id: z.string(),
  kind: z.string(),
  title: z.string(),
  body: z.string(),
  data: z.record(z.string(), z.unknown()),
  createdAt: isoDate,
  readAt: isoDate.nullable(),
});
export const notificationsResponseSchema = z.object({ notifications: z.array(notificationSchema), unread: z.number().int() });
export const markNotificationsReadRequestSchema = z.strictObject({ ids: z.array(z.uuid()).max(200).optional(), all: z.boolean().optional() });
