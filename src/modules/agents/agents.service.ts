import { and, count, desc, eq, gte, sql } from 'drizzle-orm';
import type { z } from 'zod';
import {
  type AgentDetail,
  type AgentId,
  type AgentMetrics,
  type AgentRun,
  type AgentView,
  agentSettingsSchema,
  knowledgeSchema,
  type updateAgentRequestSchema,
} from '../../contracts/agents.ts';
import type { DbOrTx } from '../../db/client.ts';
import type { Ctx } from '../../db/context.ts';
import { withTransaction } from '../../db/transaction.ts';
import { validation } from '../../lib/errors.ts';
import { scheduleCron } from '../operations/index.ts';
import { creatorTaskFigures, timeAccuracy } from '../tasks/index.ts';
import { orgSettings, recordAudit } from '../tenancy/index.ts';
import { type AgentRow, getAgentRow, knowledgeOf, listAgentRows, marketplaceOf } from './agents.registry.ts';
import { agentRuns, agents } from './agents.tables.ts';
import type { RuleInfo } from './analysis.types.ts';
import { rulesFor } from './rules/index.ts';

type RunRow = typeof agentRuns.$inferSelect;
type UpdateInput = z.output<typeof updateAgentRequestSchema>;

/** Where an agent's cron goes: the job engine (main/ passes the queue). */
export interface AgentSchedulerPort {
  schedule(orgId: string, agentId: string, cron: string, timeZone: string): Promise<void>;
  unschedule(orgId: string, agentId: string): Promise<void>;
  /** Throws on an expression the engine would not accept. */
  validateCron(cron: string, timeZone: string): Date[];
}

/** What the job engine offers for an agent's own cron (the queue passed by main/ and the routes). */
export interface AgentCronEngine {
  schedule(
    name: 'agents.run',
    cron: string,
    payload: { agentId: AgentId; trigger: 'schedule' },
    opts: { tz: string; key: string; orgId: string },
  ): Promise<void>;
  unschedule(name: 'agents.run', key: string): Promise<void>;
  validateCron(cron: string, tz: string): Date[];
}

/** An agent with its own cron is an `agents.run` schedule keyed `<org>/<agent>` (pg-boss keys allow no colon). */
export const agentSchedulerFor = (engine: AgentCronEngine): AgentSchedulerPort => ({
  schedule: (orgId, agentId, cron, tz) =>
    engine.schedule('agents.run', cron, { agentId: agentId as AgentId, trigger: 'schedule' }, { tz, key: `${orgId}/${agentId}`, orgId }),
  unschedule: (orgId, agentId) => engine.unschedule('agents.run', `${orgId}/${agentId}`),
  validateCron: (cron, tz) => engine.validateCron(cron, tz),
});

const METRICS_DAYS = 30;
const DAY_MS = 86_400_000;

export function toRun(r: RunRow): AgentRun {
  return {
    id: r.id,
    agentId: r.agentId,
    trigger: r.trigger as AgentRun['trigger'],
    status: r.status as AgentRun['status'],
    startedAt: r.startedAt.toISOString(),
    finishedAt: r.finishedAt?.toISOString() ?? null,
    durationMs: r.durationMs,
    proposalsFound: r.proposalsFound,
    tasksCreated: r.tasksCreated,
    skipped: { duplicate: r.skippedDuplicate, rejectedRecently: r.skippedRejected, overCap: r.skippedOverCap, lowImpact: r.skippedLowImpact },
    ruleHits: r.ruleHits,
    taskIds: r.taskIds,
    mode: r.mode as AgentRun['mode'],
    fallbackReason: r.fallbackReason,
    llm:
      r.llmPromptTokens === null ? null : { promptTokens: r.llmPromptTokens, completionTokens: r.llmCompletionTokens ?? 0, costUsd: Number(r.llmCostUsd ?? 0) },
    context: r.context ?? null,
    error: r.error,
  };
}

/**
 * seed 000 "Agent Performance" over the last 30 days (docs/agents.md):
 * approval rate = approved-or-later / decided; completion rate = completed / approved-or-later;
 * quality = 0.5 × approval rate + 0.3 × completion rate + 0.2 × mean time accuracy, over the parts
 * that exist (weights renormalised), null before any decision.
 */
export function qualityScore(parts: { approvalRate: number | null; completionRate: number | null; timeAccuracy: number | null }): number | null {
  if (parts.approvalRate === null) return null;
  const weighted = [
    [0.5, parts.approvalRate],
    [0.3, parts.completionRate],
    [0.2, parts.timeAccuracy],
  ].filter((p): p is [number, number] => p[1] !== null);
  const weight = weighted.reduce((s, [w]) => s + w, 0);
  return Math.round((10 * weighted.reduce((s, [w, v]) => s + w * v, 0)) / weight) / 10;
}

const pct = (n: number, d: number) => (d > 0 ? Math.round((1000 * n) / d) / 10 : null);

async function metricsFor(db: DbOrTx, orgId: string, agentIdsWanted: string[], now: Date): Promise<Map<string, AgentMetrics>> {
  const since = new Date(now.getTime() - METRICS_DAYS * DAY_MS);
  const figures = await creatorTaskFigures(db, orgId, agentIdsWanted, since);
  const runs = await db
    .select({ agentId: agentRuns.agentId, n: count() })
    .from(agentRuns)
    .where(and(eq(agentRuns.orgId, orgId), gte(agentRuns.startedAt, since), sql`${agentRuns.status} <> 'skipped'`))
    .groupBy(agentRuns.agentId);
  const out = new Map<string, AgentMetrics>();
  for (const agentId of agentIdsWanted) {
    const rows = figures.byStatus.filter((r) => r.createdBy === agentId);
    const n = (statuses: string[]) => rows.filter((r) => statuses.includes(r.status)).reduce((s, r) => s + r.count, 0);
    const proposed = n(['pending', 'awaiting_approval', 'approved', 'in_progress', 'completed', 'rejected']);
    const approved = n(['approved', 'in_progress', 'completed']);
    const rejected = n(['rejected']);
    const completed = n(['completed']);
    const hours = rows.reduce((s, r) => s + r.hours, 0);
    const accuracies = figures.completed.filter((r) => r.createdBy === agentId).map((r) => timeAccuracy(r.estimated, r.actual));
    const approvalRate = pct(approved, approved + rejected);
    const completionRate = pct(completed, approved);
    const accuracy = accuracies.length ? Math.round((10 * accuracies.reduce((s, a) => s + a, 0)) / accuracies.length) / 10 : null;
    out.set(agentId, {
      runsPerDay: Math.round((100 * Number(runs.find((r) => r.agentId === agentId)?.n ?? 0)) / METRICS_DAYS) / 100,
      tasksPerDay: Math.round((100 * proposed) / METRICS_DAYS) / 100,
      proposed,
      approved,
      rejected,
      completed,
      approvalRate,
      avgEstimatedHours: proposed ? Math.round((100 * hours) / proposed) / 100 : null,
      timeAccuracy: accuracy,
      qualityScore: qualityScore({ approvalRate, completionRate, timeAccuracy: accuracy }),
    });
  }
  return out;
}

async function lastRuns(db: DbOrTx, orgId: string): Promise<Map<string, RunRow>> {
  const rows = await db
    .selectDistinctOn([agentRuns.agentId])
    .from(agentRuns)
    .where(eq(agentRuns.orgId, orgId))
    .orderBy(agentRuns.agentId, desc(agentRuns.startedAt), desc(agentRuns.id));
  return new Map(rows.map((r) => [r.agentId, r]));
}

function view(row: AgentRow, last: RunRow | undefined, metrics: AgentMetrics, daily: string, timeZone: string): AgentView {
  return {
    id: row.agentId as AgentId,
    name: row.name,
    marketplace: row.marketplace,
    focus: row.focus,
    categories: row.categories,
    frequency: row.frequency as AgentView['frequency'],
    enabled: row.enabled,
    schedule: row.schedule,
    effectiveSchedule: row.schedule ?? daily,
    timeZone,
    settings: agentSettingsSchema.parse({ ...row.settings }),
    lastRun: last ? toRun(last) : null,
    metrics,
  };
}

export async function listAgents(ctx: Ctx): Promise<AgentView[]> {
  const rows = await listAgentRows(ctx.db, ctx.orgId, ctx.now);
  const [metrics, last, daily, { timeZone }] = await Promise.all([
    metricsFor(
      ctx.db,
      ctx.orgId,
      rows.map((r) => r.agentId),
      ctx.now,
    ),
    lastRuns(ctx.db, ctx.orgId),
    scheduleCron(ctx.db, ctx.orgId, 'agents.daily'),
    orgSettings(ctx.db, ctx.orgId),
  ]);
  return rows.map((r) => view(r, last.get(r.agentId), metrics.get(r.agentId) as AgentMetrics, daily, timeZone));
}

export async function listAgentRuns(ctx: Ctx, agentId: string, limit: number): Promise<AgentRun[]> {
  await getAgentRow(ctx.db, ctx.orgId, agentId, ctx.now);
  const rows = await ctx.db
    .select()
    .from(agentRuns)
    .where(and(eq(agentRuns.orgId, ctx.orgId), eq(agentRuns.agentId, agentId)))
    .orderBy(desc(agentRuns.startedAt), desc(agentRuns.id))
    .limit(limit);
  return rows.map(toRun);
}

/** Hit counts over the agent's last 30 runs. */
function ruleHits(runs: AgentRun[]): Map<string, number> {
  const hits = new Map<string, number>();
  for (const run of runs) for (const [rule, n] of Object.entries(run.ruleHits)) hits.set(rule, (hits.get(rule) ?? 0) + n);
  return hits;
}

export async function getAgent(ctx: Ctx, agentId: string): Promise<AgentDetail> {
  const row = await getAgentRow(ctx.db, ctx.orgId, agentId, ctx.now);
  const [metrics, recentRuns, daily, { timeZone }] = await Promise.all([
    metricsFor(ctx.db, ctx.orgId, [agentId], ctx.now),
    listAgentRuns(ctx, agentId, 30),
    scheduleCron(ctx.db, ctx.orgId, 'agents.daily'),
    orgSettings(ctx.db, ctx.orgId),
  ]);
  const hits = ruleHits(recentRuns);
  const marketplace = marketplaceOf(agentId);
  const rules = marketplace
    ? rulesFor(marketplace).map((r: RuleInfo) => ({ ...r, hits: hits.get(r.id) ?? 0 }))
    : [
        {
          id: 'master.cross-channel',
          marketplace: 'all',
          title: 'The same product flagged on two or more channels',
          description:
            'One master task per SKU (or product) that two or more channel agents flagged in the same run; its marketplace is the channel with the most impact.',
          source: 'seed 000 "Master orchestrator": cross-channel opportunities',
          thresholds: { minChannels: 2 },
          hits: hits.get('master.cross-channel') ?? 0,
        },
      ];
  return {
    ...view(row, undefined, metrics.get(agentId) as AgentMetrics, daily, timeZone),
    lastRun: recentRuns[0] ?? null,
    knowledge: knowledgeOf(row),
    rules,
    recentRuns: recentRuns.slice(0, 20),
  };
}

/** Enable/disable, own cron (or null: with the org's daily run), settings and knowledge: audited, applied to the engine at once. */
export async function updateAgent(ctx: Ctx, scheduler: AgentSchedulerPort, agentId: string, input: UpdateInput): Promise<AgentDetail> {
  const { timeZone } = await orgSettings(ctx.db, ctx.orgId);
  if (input.schedule) {
    if (input.schedule.split(/\s+/).length !== 5) throw validation(`Invalid cron expression "${input.schedule}": expected 5 fields, e.g. "0 6 * * *"`);
    try {
      scheduler.validateCron(input.schedule, timeZone);
    } catch (error) {
      throw validation(`Invalid cron expression "${input.schedule}": ${error instanceof Error ? error.message : String(error)}`, { cron: input.schedule });
    }
  }
  const saved = await withTransaction(ctx.db, async (tx) => {
    const before = await getAgentRow(tx, ctx.orgId, agentId, ctx.now, true);
    const next = {
      enabled: input.enabled ?? before.enabled,
      schedule: input.schedule === undefined ? before.schedule : input.schedule,
      settings: agentSettingsSchema.parse({ ...before.settings, ...input.settings }),
      knowledge: knowledgeSchema.parse({ ...knowledgeOf(before), ...input.knowledge }),
    };
    const [row] = await tx
      .update(agents)
      .set({ ...next, updatedAt: ctx.now, updatedBy: ctx.actor.label, version: before.version + 1 })
      .where(and(eq(agents.orgId, ctx.orgId), eq(agents.agentId, agentId)))
      .returning();
    await recordAudit(tx, ctx, {
      action: 'agent.update',
      resourceType: 'agent',
      resourceId: agentId,
      before: { enabled: before.enabled, schedule: before.schedule, settings: before.settings },
      after: { enabled: next.enabled, schedule: next.schedule, settings: next.settings, knowledgeChanged: input.knowledge !== undefined },
    });
    return row as AgentRow;
  });
  if (saved.schedule && saved.enabled) await scheduler.schedule(ctx.orgId, agentId, saved.schedule, timeZone);
  else await scheduler.unschedule(ctx.orgId, agentId);
  return getAgent(ctx, agentId);
}

/** Registers every agent that has its own cron with the engine, in its org's time zone (idempotent; with schedules.sync). */
export async function syncAgentSchedules(db: DbOrTx, scheduler: AgentSchedulerPort, timeZones: Map<string, string>): Promise<number> {
  const rows = await db
    .select({ orgId: agents.orgId, agentId: agents.agentId, schedule: agents.schedule, enabled: agents.enabled })
    .from(agents)
    .where(sql`${agents.schedule} is not null`);
  let applied = 0;
  for (const r of rows) {
    const tz = timeZones.get(r.orgId);
    if (!tz) continue;
    if (r.enabled && r.schedule) await scheduler.schedule(r.orgId, r.agentId, r.schedule, tz);
    else await scheduler.unschedule(r.orgId, r.agentId);
    applied++;
  }
  return applied;
}
