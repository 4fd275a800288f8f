import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, jsonb, numeric, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { timestamptz } from '../../db/columns.ts';
import type { Knowledge } from './analysis.types.ts';

/** Per-agent settings (docs/agents.md). */
export interface AgentSettings {
  /** Tasks the agent may create per local day of the org. */
  dailyCap: number;
  /** Proposals below this impact (0-100) are dropped. */
  minImpact: number;
  /** `rules`: the rule pack only; `auto`: the LLM first when one is configured, the rule pack on any failure. */
  mode: 'rules' | 'auto';
}

/** The org's marketplace agents (seed 000): one row per agent, created lazily with seed 000's defaults. */
export const agents = pgTable(
  'agents',
  {
    orgId: uuid('org_id').notNull(),
    agentId: text('agent_id').notNull(),
    /** The channel it studies; null for the master orchestrator. */
    marketplace: text('marketplace'),
    name: text('name').notNull(),
    focus: text('focus').notNull(),
    categories: jsonb('categories').$type<string[]>().notNull(),
    /** seed 000: `continuous` (master) or `daily`. */
    frequency: text('frequency').notNull(),
    enabled: boolean('enabled').notNull().default(true),
    /** Its own cron (5 fields, org time zone); null = runs with the org's daily orchestration (`agents.daily`). */
    schedule: text('schedule'),
    settings: jsonb('settings').$type<AgentSettings>().notNull(),
    knowledge: jsonb('knowledge').$type<Knowledge>().notNull(),
    createdAt: timestamptz('created_at').notNull(),
    updatedAt: timestamptz('updated_at').notNull(),
    updatedBy: text('updated_by'),
    version: integer('version').notNull().default(1),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.agentId] }), check('agents_frequency_check', sql`${t.frequency} in ('continuous', 'daily')`)],
);

/** One run of one agent: what it found, what it created and what it left out, and why. */
export const agentRuns = pgTable(
  'agent_runs',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id').notNull(),
    agentId: text('agent_id').notNull(),
    trigger: text('trigger').notNull(),
    status: text('status').notNull(),
    startedAt: timestamptz('started_at').notNull(),
    finishedAt: timestamptz('finished_at'),
    durationMs: integer('duration_ms'),
    proposalsFound: integer('proposals_found').notNull().default(0),
    tasksCreated: integer('tasks_created').notNull().default(0),
    skippedDuplicate: integer('skipped_duplicate').notNull().default(0),
    skippedRejected: integer('skipped_rejected').notNull().default(0),
    skippedOverCap: integer('skipped_over_cap').notNull().default(0),
    skippedLowImpact: integer('skipped_low_impact').notNull().default(0),
    /** Subjects each rule flagged in this run. */
    ruleHits: jsonb('rule_hits').$type<Record<string, number>>().notNull().default({}),
    taskIds: jsonb('task_ids').$type<string[]>().notNull().default([]),
    mode: text('mode').notNull().default('rules'),
    fallbackReason: text('fallback_reason'),
    llmPromptTokens: integer('llm_prompt_tokens'),
    llmCompletionTokens: integer('llm_completion_tokens'),
    llmCostUsd: numeric('llm_cost_usd', { precision: 12, scale: 6 }),
    /** What was analysed: stores, listings, orders. */
    context: jsonb('context').$type<Record<string, number>>(),
    error: text('error'),
  },
  (t) => [
    check('agent_runs_trigger_check', sql`${t.trigger} in ('manual', 'schedule', 'daily')`),
    check('agent_runs_status_check', sql`${t.status} in ('running', 'succeeded', 'failed', 'skipped')`),
    check('agent_runs_mode_check', sql`${t.mode} in ('rules', 'llm')`),
    index('agent_runs_org_agent_started_idx').on(t.orgId, t.agentId, t.startedAt.desc()),
    index('agent_runs_org_started_idx').on(t.orgId, t.startedAt.desc()),
    /** One run of an agent at a time per org (a second start is recorded as skipped). */
    uniqueIndex('agent_runs_one_running_idx').on(t.orgId, t.agentId).where(sql`${t.status} = 'running'`),
  ],
);
