import { z } from 'zod';

/** Marketplace agents (seed 000): the master orchestrator "Nexo" and one agent per channel. */
export const agentIds = [
  'marketplace-master',
  'marketplace-amazon',
  'marketplace-shopee',
  'marketplace-mercadolivre',
  'marketplace-shein',
  'marketplace-tiktokshop',
  'marketplace-kaway',
] as const;
export const agentIdSchema = z.enum(agentIds);
export type AgentId = z.infer<typeof agentIdSchema>;

/** Seed 001's environment variables: MARKETPLACE_<AGENT>_TOKEN -> agent id. */
export const agentEnvTokenVariables: Record<string, AgentId> = {
  MARKETPLACE_MASTER_TOKEN: 'marketplace-master',
  MARKETPLACE_AMAZON_TOKEN: 'marketplace-amazon',
  MARKETPLACE_SHOPEE_TOKEN: 'marketplace-shopee',
  MARKETPLACE_MERCADOLIVRE_TOKEN: 'marketplace-mercadolivre',
  MARKETPLACE_SHEIN_TOKEN: 'marketplace-shein',
  MARKETPLACE_TIKTOKSHOP_TOKEN: 'marketplace-tiktokshop',
  MARKETPLACE_KAWAY_TOKEN: 'marketplace-kaway',
};

/** seed 000's agent table: focus, task categories and frequency of each agent. */
export const agentProfiles: Record<AgentId, { name: string; focus: string; categories: string[]; frequency: 'continuous' | 'daily' }> = {
  'marketplace-master': {
    name: 'Nexo',
    focus: 'Orchestration, strategy',
    categories: ['optimization', 'best-practice', 'scaling', 'analysis'],
    frequency: 'continuous',
  },
  'marketplace-amazon': { name: 'Amazon', focus: 'GEO titles, A+ content, Ads', categories: ['optimization', 'analysis'], frequency: 'daily' },
  'marketplace-shopee': { name: 'Shopee', focus: 'Flash sales, Video, Ads', categories: ['optimization', 'best-practice'], frequency: 'daily' },
  'marketplace-mercadolivre': { name: 'Mercado Livre', focus: 'Geo descriptions, Ads', categories: ['optimization', 'scaling'], frequency: 'daily' },
  'marketplace-shein': { name: 'SHEIN', focus: 'Trend optimization', categories: ['best-practice', 'analysis'], frequency: 'daily' },
  'marketplace-tiktokshop': { name: 'TikTok Shop', focus: 'Live commerce, Creator partnerships', categories: ['scaling', 'best-practice'], frequency: 'daily' },
  'marketplace-kaway': { name: 'Kaway', focus: 'Premium positioning, Exclusive offers', categories: ['optimization', 'scaling'], frequency: 'daily' },
};

const cronSchema = z.string().trim().min(9).max(100);
const noteList = z.array(z.string().trim().min(1).max(500)).max(50);

export const agentSettingsSchema = z.strictObject({
  dailyCap: z.number().int().min(0).max(500),
  minImpact: z.number().min(0).max(100),
  mode: z.enum(['rules', 'auto']),
});

export const knowledgeSchema = z.strictObject({
  thresholds: z.record(z.string().min(1).max(120), z.number().finite()),
  baselines: z.record(z.string().min(1).max(120), z.number().finite()),
  bestPractices: noteList,
  algorithmNotes: noteList,
  competitorNotes: noteList,
});

/** PATCH /api/orchestration/agents/:id */
export const updateAgentRequestSchema = z.strictObject({
  enabled: z.boolean().optional(),
  /** Its own cron in the org's time zone, or null to run with the org's daily orchestration (`agents.daily`). */
  schedule: cronSchema.nullable().optional(),
  settings: agentSettingsSchema.partial().optional(),
  knowledge: knowledgeSchema.partial().optional(),
});

export const agentParamsSchema = z.object({ id: agentIdSchema });
export const agentRunsQuerySchema = z.strictObject({ limit: z.coerce.number().int().min(1).max(200).default(50) });

export const agentRunSchema = z.object({
  id: z.string(),
  agentId: z.string(),
  trigger: z.enum(['manual', 'schedule', 'daily']),
  status: z.enum(['running', 'succeeded', 'failed', 'skipped']),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  durationMs: z.number().nullable(),
  proposalsFound: z.number(),
  tasksCreated: z.number(),
  skipped: z.object({ duplicate: z.number(), rejectedRecently: z.number(), overCap: z.number(), lowImpact: z.number() }),
  ruleHits: z.record(z.string(), z.number()),
  taskIds: z.array(z.string()),
  mode: z.enum(['rules', 'llm']),
  fallbackReason: z.string().nullable(),
  llm: z.object({ promptTokens: z.number(), completionTokens: z.number(), costUsd: z.number() }).nullable(),
  context: z.record(z.string(), z.number()).nullable(),
  error: z.string().nullable(),
});

export const agentMetricsSchema = z.object({
  /** Runs and tasks created per day over the last 30 days. */
  runsPerDay: z.number(),
  tasksPerDay: z.number(),
  proposed: z.number(),
  approved: z.number(),
  rejected: z.number(),
  completed: z.number(),
  /** Approved (incl. later states) / decided, percent; null before any decision. */
  approvalRate: z.number().nullable(),
  avgEstimatedHours: z.number().nullable(),
  /** Mean time accuracy (seed 000) of its completed tasks, percent. */
  timeAccuracy: z.number().nullable(),
  /** docs/agents.md: 100 × (0.6 × success share + 0.4 × time accuracy); null before any decision. */
  qualityScore: z.number().nullable(),
});

export const agentSchema = z.object({
  id: agentIdSchema,
  name: z.string(),
  marketplace: z.string().nullable(),
  focus: z.string(),
  categories: z.array(z.string()),
  frequency: z.enum(['continuous', 'daily']),
  enabled: z.boolean(),
  schedule: z.string().nullable(),
  /** The cron that actually runs it: its own schedule or the org's `agents.daily`. */
  effectiveSchedule: z.string(),
  timeZone: z.string(),
  settings: agentSettingsSchema,
  lastRun: agentRunSchema.nullable(),
  metrics: agentMetricsSchema,
});

export const ruleInfoSchema = z.object({
  id: z.string(),
  marketplace: z.string(),
  title: z.string(),
  description: z.string(),
  source: z.string(),
  thresholds: z.record(z.string(), z.number()),
  /** Subjects it flagged over the agent's last 30 runs. */
  hits: z.number(),
});

export const agentDetailSchema = agentSchema.extend({
  knowledge: knowledgeSchema,
  rules: z.array(ruleInfoSchema),
  recentRuns: z.array(agentRunSchema),
});

export const agentsListResponseSchema = z.object({ agents: z.array(agentSchema) });
export const agentRunsResponseSchema = z.object({ runs: z.array(agentRunSchema) });
export const agentRunQueuedSchema = z.object({ queued: z.boolean(), jobId: z.string().nullable() });

export type AgentRun = z.infer<typeof agentRunSchema>;
export type AgentView = z.infer<typeof agentSchema>;
export type AgentDetail = z.infer<typeof agentDetailSchema>;
export type AgentMetrics = z.infer<typeof agentMetricsSchema>;
