import { z } from 'zod';
import { marketplaceSchema, taskPrioritySchema } from './tasks.ts';

/**
 * Analysis plans (seed 002): a report is uploaded, each selected channel gets a plan with opportunities and
 * phases, a person approves it, and Phase 1 becomes tasks through a durable job.
 */
export const planStatuses = ['uploaded', 'analyzing', 'ready', 'approved', 'creating_tasks', 'tasks_created', 'rejected', 'failed'] as const;
export const planStatusSchema = z.enum(planStatuses);
export type PlanStatus = z.infer<typeof planStatusSchema>;

/** Upload limit (seed 002: CSV, XLSX, PDF and plain text reports). */
export const MAX_UPLOAD_BYTES = 20 * 1024 * 1024;
export const planFileTypes = ['csv', 'xlsx', 'pdf', 'text'] as const;
export const planFileTypeSchema = z.enum(planFileTypes);
export type PlanFileType = z.infer<typeof planFileTypeSchema>;

/** Stable reasons in `details.reason` of an upload's 400/413. */
export const uploadRejections = ['unsupported_file_type', 'empty_file', 'corrupt_file', 'file_too_large', 'missing_file', 'invalid_channels'] as const;
export type UploadRejection = (typeof uploadRejections)[number];

export const planOpportunitySchema = z.object({
  title: z.string().min(1).max(200),
  what: z.string().max(2000),
  why: z.string().max(2000),
  channel: marketplaceSchema,
  priority: taskPrioritySchema,
  impact: z.string().max(500),
});
export type PlanOpportunity = z.infer<typeof planOpportunitySchema>;

export const planPhaseSchema = z.object({
  number: z.number().int().min(1),
  name: z.string().min(1).max(200),
  weeks: z.string().max(100),
  tasks: z.array(z.string().min(1).max(500)).max(50),
  investment: z.string().max(500),
  expectedImpact: z.string().max(500),
});
export type PlanPhase = z.infer<typeof planPhaseSchema>;

/** The normalized plan: what the service stores and the Plans page shows. */
export const planDataSchema = z.object({
  summary: z.string().max(5000),
  opportunities: z.array(planOpportunitySchema).max(100),
  phases: z.array(planPhaseSchema).min(1).max(12),
});
export type PlanData = z.infer<typeof planDataSchema>;

/**
 * What a model is asked for: the same shape, every field lenient (seed 002 failure points A and B: a phase
 * without `number`, no Phase 1, priorities in Portuguese). The service normalizes it into `planDataSchema`.
 */
export const rawPlanDataSchema = z.object({
  summary: z.string().optional(),
  opportunities: z.array(z.record(z.string(), z.unknown())).optional(),
  phases: z.array(z.record(z.string(), z.unknown())).optional(),
});
export type RawPlanData = z.infer<typeof rawPlanDataSchema>;

export const planModeSchema = z.enum(['rules', 'llm']);

const isoDate = z.iso.datetime({ offset: true });

export const planHistoryEntrySchema = z.object({
  id: z.string(),
  jobId: z.string().describe('The job run id, or `-` for a state change made by a request'),
  queueName: z.string().describe('Job type (plans.analyze, plans.create-tasks) or `plan` for a state change'),
  status: z.string().describe('The plan status reached, or the job outcome (started, completed, failed)'),
  fromStatus: z.string().nullable(),
  attempts: z.number().int().nullable(),
  errorMessage: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  createdAt: isoDate,
  completedAt: isoDate.nullable(),
});

export const planTaskRefSchema = z.object({
  id: z.string(),
  title: z.string(),
  marketplace: z.string(),
  status: z.string(),
  phase: z.number().int(),
  index: z.number().int(),
});

export const analysisPlanSummarySchema = z.object({
  id: z.string(),
  status: planStatusSchema,
  channels: z.array(marketplaceSchema),
  fileName: z.string(),
  fileType: planFileTypeSchema,
  fileSize: z.number().int(),
  mode: planModeSchema.nullable().describe('Who wrote the plan: the deterministic rules or the configured model'),
  fallbackReason: z.string().nullable().describe('Why the rules were used although a model is configured (timeout, error, invalid, breaker_open)'),
  failureReason: z.string().nullable(),
  rejectionReason: z.string().nullable(),
  taskIds: z.array(z.string()),
  opportunities: z.number().int(),
  createdBy: z.string(),
  createdAt: isoDate,
  updatedAt: isoDate,
  approvedAt: isoDate.nullable(),
  version: z.number().int(),
});
export type AnalysisPlanSummary = z.infer<typeof analysisPlanSummarySchema>;

export const analysisPlanSchema = analysisPlanSummarySchema.extend({
  planData: planDataSchema.nullable(),
  usage: z.record(z.string(), z.unknown()).nullable().describe('Model calls, tokens and estimated cost, when a model was asked'),
  report: z.record(z.string(), z.unknown()).nullable().describe('What was read from the file: rows, columns detected, characters'),
  tasks: z.array(planTaskRefSchema),
  history: z.array(planHistoryEntrySchema),
});
export type AnalysisPlan = z.infer<typeof analysisPlanSchema>;

export const uploadPlanResponseSchema = z.object({ planId: z.string(), status: planStatusSchema });

export const listPlansQuerySchema = z.strictObject({
  status: planStatusSchema.optional(),
  channel: marketplaceSchema.optional(),
  limit: z.coerce.number().int().min(1).max(100, { error: 'limit must be at most 100' }).default(25),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
});
export const listPlansResponseSchema = z.object({
  plans: z.array(analysisPlanSummarySchema),
  total: z.number().int(),
  limit: z.number().int(),
  offset: z.number().int(),
});

export const planDecisionRequestSchema = z
  .strictObject({
    action: z.enum(['approve', 'reject']),
    reason: z.string().trim().max(1000).optional(),
  })
  .refine((b) => b.action !== 'reject' || (b.reason !== undefined && b.reason.length > 0), { error: 'reason is required to reject a plan', path: ['reason'] });
export const planDecisionResponseSchema = z.object({ planId: z.string(), status: planStatusSchema, jobId: z.string().nullable() });
