import { and, eq, lt } from 'drizzle-orm';
import { agentTokenPermissions } from '../../contracts/agent-permissions.ts';
import type { AgentId } from '../../contracts/agents.ts';
import { createTaskRequestSchema, type Marketplace } from '../../contracts/tasks.ts';
import type { Db } from '../../db/client.ts';
import type { Actor, Ctx } from '../../db/context.ts';
import { isAppError } from '../../lib/errors.ts';
import { uuidv7 } from '../../lib/ids.ts';
import type { LlmClient } from '../../lib/llm/llm.types.ts';
import type { Logger } from '../../lib/logger.ts';
import { countCreatedToday, createTask, pendingTaskIds, rejectionsByRule, submitTasks, takenDedupeKeys } from '../tasks/index.ts';
import { orgSettings } from '../tenancy/index.ts';
import { proposeWithLlm } from './agent-llm.ts';
import { type AgentRow, getAgentRow, knowledgeOf, listAgentRows, marketplaceOf } from './agents.registry.ts';
import { agentRuns } from './agents.tables.ts';
import type { ChannelAnalysis, Proposal } from './analysis.types.ts';
import { analyzeChannel } from './rules/index.ts';

export type RunTrigger = 'manual' | 'schedule' | 'daily';

export interface AgentRunDeps {
  db: Db;
  log: Logger;
  /** The configured language model (NEXO_LLM_*); agents in `auto` mode try it first. */
  llm?: LlmClient | undefined;
  /** Called with each finished run (Prometheus counters). */
  onRun?: (agentId: string, status: string, tasksCreated: number) => void;
}

export interface RunOutcome {
  runId: string;
  agentId: string;
  status: 'succeeded' | 'failed' | 'skipped';
  proposalsFound: number;
  tasksCreated: number;
  taskIds: string[];
  skipped: { duplicate: number; rejectedRecently: number; overCap: number; lowImpact: number };
  error: string | null;
}

/** A rejected task's key is not proposed again for this long. */
export const REJECTED_COOLDOWN_DAYS = 30;
/** Rejections of a rule counted over this window; beyond FREE_REJECTIONS each halves the rule's impact. */
export const REJECTION_WINDOW_DAYS = 90;
export const FREE_REJECTIONS = 2;
/** A run still `running` after this long lost its worker; the next start closes it as failed. */
const STALE_RUN_MS = 30 * 60_000;

const DAY_MS = 86_400_000;

/** The identity an agent acts with: an agent token of its own, with an agent token's permissions. */
export function agentActor(agentId: string): Actor {
  return { type: 'token', tokenId: `agent:${agentId}`, label: agentId, kind: 'agent', agentId, userId: null, role: null };
}

export function agentCtx(db: Db, log: Logger, orgId: string, agentId: string, now: Date): Ctx {
  return { orgId, actor: agentActor(agentId), permissions: new Set(agentTokenPermissions), db, log, now, requestId: null, ip: null };
}

/** Opens a run row; a second concurrent run of the same agent is recorded as skipped instead. */
async function openRun(db: Db, orgId: string, agentId: string, trigger: RunTrigger, now: Date): Promise<{ id: string; running: boolean }> {
  await db
    .update(agentRuns)
    .set({ status: 'failed', finishedAt: now, error: 'lost: its worker stopped before the run finished' })
    .where(
      and(
        eq(agentRuns.orgId, orgId),
        eq(agentRuns.agentId, agentId),
        eq(agentRuns.status, 'running'),
        lt(agentRuns.startedAt, new Date(now.getTime() - STALE_RUN_MS)),
      ),
    );
  const id = uuidv7(now.getTime());
  const inserted = await db
    .insert(agentRuns)
    .values({ id, orgId, agentId, trigger, status: 'running', startedAt: now })
    .onConflictDoNothing()
    .returning({ id: agentRuns.id });
  if (inserted.length > 0) return { id, running: true };
  await db.insert(agentRuns).values({
    id,
    orgId,
    agentId,
    trigger,
    status: 'skipped',
    startedAt: now,
    finishedAt: now,
    durationMs: 0,
    error: 'another run of this agent is in progress',
  });
  return { id, running: false };
}

/** impact × 0.5^(rejections beyond FREE_REJECTIONS): a rule the org keeps rejecting sinks. */
export const rankedImpact = (impact: number, rejections: number) => impact * 0.5 ** Math.max(0, rejections - FREE_REJECTIONS);

const clampHours = (h: number) => Math.min(1000, Math.max(0.25, Math.round(h * 4) / 4 || 1));

/** Ranks, filters (impact, open/rejected keys), caps and creates the proposals as tasks of `agent`. */
async function createFromProposals(deps: AgentRunDeps, agent: AgentRow, runId: string, proposals: Proposal[], now: Date) {
  const { db } = deps;
  const skipped = { duplicate: 0, rejectedRecently: 0, overCap: 0, lowImpact: 0 };
  const rejections = await rejectionsByRule(db, agent.orgId, agent.agentId, new Date(now.getTime() - REJECTION_WINDOW_DAYS * DAY_MS));
  const seen = new Set<string>();
  const ranked: Array<{ p: Proposal; score: number }> = [];
  for (const p of proposals) {
    if (seen.has(p.dedupeKey)) {
      skipped.duplicate++;
      continue;
    }
    seen.add(p.dedupeKey);
    if (p.impact < agent.settings.minImpact) {
      skipped.lowImpact++;
      continue;
    }
    ranked.push({ p, score: rankedImpact(p.impact, rejections.get(p.ruleId) ?? 0) });
  }
  ranked.sort((a, b) => b.score - a.score || a.p.dedupeKey.localeCompare(b.p.dedupeKey));

  const { open, rejected } = await takenDedupeKeys(
    db,
    agent.orgId,
    ranked.map((r) => r.p.dedupeKey),
    new Date(now.getTime() - REJECTED_COOLDOWN_DAYS * DAY_MS),
  );
  const fresh = ranked.filter(({ p }) => {
    if (open.has(p.dedupeKey)) skipped.duplicate++;
    else if (rejected.has(p.dedupeKey)) skipped.rejectedRecently++;
    else return true;
    return false;
  });

  const { timeZone } = await orgSettings(db, agent.orgId);
  const room = Math.max(0, agent.settings.dailyCap - (await countCreatedToday(db, agent.orgId, agent.agentId, now, timeZone)));
  const chosen = fresh.slice(0, room);
  skipped.overCap += fresh.length - chosen.length;

  const ctx = agentCtx(db, deps.log, agent.orgId, agent.agentId, now);
  const results = await Promise.all(
    chosen.map(async ({ p, score }) => {
      const input = createTaskRequestSchema.parse({
        marketplace: (agent.marketplace ?? (p.evidence.marketplace as string | undefined)) as Marketplace,
        title: p.title.slice(0, 255),
        description: p.description.slice(0, 5000),
        category: p.category,
        priority: p.priority,
        estimatedHours: clampHours(p.estimatedHours),
        createdBy: agent.agentId,
        tags: [p.ruleId.slice(0, 50)],
        metadata: { ruleId: p.ruleId, runId, agentId: agent.agentId, impact: p.impact, rankedImpact: score, subject: p.subject, evidence: p.evidence },
      });
      try {
        return (await createTask(ctx, input, { dedupeKey: p.dedupeKey })).id;
      } catch (error) {
        // Created meanwhile by someone else (the unique index among open tasks): a duplicate, not a failure.
        if (isAppError(error) && error.code === 'CONFLICT') return null;
        throw error;
      }
    }),
  );
  const taskIds = results.filter((id): id is string => id !== null);
  skipped.duplicate += results.length - taskIds.length;
  // Created as pending, then submitted in one transaction: approvers get one notification for the batch (runs of a
  // daily orchestration submit one after another, so they merge into the same unread notification). Pending tasks a
  // crashed run of this agent left behind are submitted with them.
  const toSubmit = [...new Set([...taskIds, ...(await pendingTaskIds(db, agent.orgId, agent.agentId))])];
  if (toSubmit.length > 0) await submitTasks(ctx, toSubmit);
  return { taskIds, skipped };
}

export interface RunOptions {
  trigger: RunTrigger;
  now?: Date;
  /** Analyses already made in this daily run (the master reuses the channel agents'). */
  analyses?: Map<Marketplace, ChannelAnalysis>;
}

/** Proposals of the master: the same SKU (or product) flagged on two or more channels becomes one task. */
export function crossChannelProposals(analyses: Map<Marketplace, ChannelAnalysis>): { proposals: Proposal[]; hits: Record<string, number> } {
  const groups = new Map<string, Map<Marketplace, Proposal[]>>();
  for (const [marketplace, analysis] of analyses) {
    for (const p of analysis.proposals) {
      const key = p.subject.sku ? `sku:${p.subject.sku}` : p.subject.productId ? `product:${p.subject.productId}` : null;
      if (!key) continue;
      const byChannel = groups.get(key) ?? new Map<Marketplace, Proposal[]>();
      byChannel.set(marketplace, [...(byChannel.get(marketplace) ?? []), p]);
      groups.set(key, byChannel);
    }
  }
  const proposals: Proposal[] = [];
  for (const [key, byChannel] of groups) {
    if (byChannel.size < 2) continue;
    const channels = [...byChannel.entries()].map(([marketplace, ps]) => ({
      marketplace,
      impact: ps.reduce((s, p) => s + p.impact, 0),
      ruleIds: [...new Set(ps.map((p) => p.ruleId))],
      storeIds: [...new Set(ps.map((p) => p.subject.storeId))],
      listingIds: [...new Set(ps.flatMap((p) => (p.subject.listingId ? [p.subject.listingId] : [])))],
      titles: ps.map((p) => p.title).slice(0, 5),
    }));
    channels.sort((a, b) => b.impact - a.impact || a.marketplace.localeCompare(b.marketplace));
    const top = channels[0] as (typeof channels)[number];
    const first = [...byChannel.values()][0]?.[0] as Proposal;
    const label = key.slice(key.indexOf(':') + 1);
    const names = channels.map((c) => c.marketplace).join(', ');
    const impact = Math.min(100, Math.round(Math.max(...channels.map((c) => c.impact)) + 10 * (channels.length - 1)));
    const hours = [...byChannel.values()].flat().reduce((s, p) => s + p.estimatedHours, 0);
    proposals.push({
      ruleId: 'master.cross-channel',
      dedupeKey: `master.cross-channel:${key}`,
      subject: {
        storeId: first.subject.storeId,
        ...(first.subject.productId ? { productId: first.subject.productId } : {}),
        ...(first.subject.sku ? { sku: first.subject.sku } : {}),
      },
      title: `Fix ${label} across ${channels.length} channels (${names})`.slice(0, 200),
      description: [
        `The same product (${key}) was flagged by ${channels.length} channel agents: ${names}.`,
        ...channels.map((c) => `- ${c.marketplace}: ${c.ruleIds.join(', ')} (impact ${Math.round(c.impact)}): ${c.titles.join('; ')}`),
        'Expected outcome: one coordinated fix of the shared product data (title, images, attributes, price or stock) lifts every channel at once.',
      ].join('\n'),
      category: 'optimization',
      priority: channels.length >= 3 || impact >= 70 ? 'high' : 'medium',
      estimatedHours: Math.min(40, Math.max(1, hours * 0.75)),
      impact,
      evidence: { marketplace: top.marketplace, subjectKey: key, channels },
    });
  }
  return { proposals, hits: { 'master.cross-channel': proposals.length } };
}

async function analysisFor(deps: AgentRunDeps, agent: AgentRow, opts: RunOptions, now: Date): Promise<ChannelAnalysis> {
  const marketplace = marketplaceOf(agent.agentId);
  if (marketplace) {
    const cached = opts.analyses?.get(marketplace);
    if (cached) return cached;
    const analysis = await analyzeChannel(deps.db, { orgId: agent.orgId, marketplace, knowledge: knowledgeOf(agent), now });
    opts.analyses?.set(marketplace, analysis);
    return analysis;
  }
  // The master on its own: analyse each enabled channel agent's channel with that agent's knowledge.
  const analyses = opts.analyses ?? new Map<Marketplace, ChannelAnalysis>();
  if (!opts.analyses) {
    for (const row of await listAgentRows(deps.db, agent.orgId, now)) {
      const m = marketplaceOf(row.agentId);
      if (!m || !row.enabled) continue;
      analyses.set(m, await analyzeChannel(deps.db, { orgId: agent.orgId, marketplace: m, knowledge: knowledgeOf(row), now }));
    }
  }
  const { proposals, hits } = crossChannelProposals(analyses);
  const context = { stores: 0, listings: 0, orders: 0 };
  for (const a of analyses.values()) {
    context.stores += a.context.stores;
    context.listings += a.context.listings;
    context.orders += a.context.orders;
  }
  return { proposals, hits, context };
}

/** One run of one agent (seed 000 "Task Generation Process"), recorded in agent_runs whatever happens. */
export async function runAgent(deps: AgentRunDeps, orgId: string, agentId: AgentId, opts: RunOptions): Promise<RunOutcome> {
  const now = opts.now ?? new Date();
  const { db } = deps;
  const agent = await getAgentRow(db, orgId, agentId, now);
  const none = { duplicate: 0, rejectedRecently: 0, overCap: 0, lowImpact: 0 };
  const started = Date.now();
  const opened = await openRun(db, orgId, agentId, opts.trigger, now);
  const base = { runId: opened.id, agentId, proposalsFound: 0, tasksCreated: 0, taskIds: [] as string[], skipped: none };
  if (!opened.running) return { ...base, status: 'skipped', error: 'another run of this agent is in progress' };
  if (!agent.enabled && opts.trigger !== 'manual') {
    await db.update(agentRuns).set({ status: 'skipped', finishedAt: new Date(), durationMs: 0, error: 'agent disabled' }).where(eq(agentRuns.id, opened.id));
    return { ...base, status: 'skipped', error: 'agent disabled' };
  }
  try {
    const analysis = await analysisFor(deps, agent, opts, now);
    let proposals = analysis.proposals;
    let llm: Awaited<ReturnType<typeof proposeWithLlm>> = { proposals: null, mode: 'rules', fallbackReason: null, usage: null };
    if (agent.settings.mode === 'auto' && agent.marketplace) {
      llm = deps.llm
        ? await proposeWithLlm(deps.llm, agent, knowledgeOf(agent), analysis)
        : { ...llm, fallbackReason: 'no language model configured (NEXO_LLM_BASE_URL)' };
      if (llm.proposals) proposals = llm.proposals;
    }
    const { taskIds, skipped } = await createFromProposals(deps, agent, opened.id, proposals, now);
    await db
      .update(agentRuns)
      .set({
        status: 'succeeded',
        finishedAt: new Date(),
        durationMs: Date.now() - started,
        proposalsFound: proposals.length,
        tasksCreated: taskIds.length,
        skippedDuplicate: skipped.duplicate,
        skippedRejected: skipped.rejectedRecently,
        skippedOverCap: skipped.overCap,
        skippedLowImpact: skipped.lowImpact,
        ruleHits: analysis.hits,
        taskIds,
        context: analysis.context,
        mode: llm.mode,
        fallbackReason: llm.fallbackReason,
        ...(llm.usage
          ? { llmPromptTokens: llm.usage.promptTokens, llmCompletionTokens: llm.usage.completionTokens, llmCostUsd: String(llm.usage.costUsd) }
          : {}),
      })
      .where(eq(agentRuns.id, opened.id));
    deps.onRun?.(agentId, 'succeeded', taskIds.length);
    return { ...base, status: 'succeeded', proposalsFound: proposals.length, tasksCreated: taskIds.length, taskIds, skipped, error: null };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    deps.log.warn({ err: error, orgId, agentId, runId: opened.id }, 'agent run failed');
    await db
      .update(agentRuns)
      .set({ status: 'failed', finishedAt: new Date(), durationMs: Date.now() - started, error: message.slice(0, 2000) })
      .where(eq(agentRuns.id, opened.id));
    deps.onRun?.(agentId, 'failed', 0);
    return { ...base, status: 'failed', error: message };
  }
}

export interface DailySummary {
  orgId: string;
  runs: RunOutcome[];
  tasksCreated: number;
  failed: number;
}

/**
 * seed 000's `initializeDailyTasks`: every enabled channel agent that has no cron of its own, each isolated
 * (one failing never stops the others), then the master's cross-channel opportunities over the same analyses.
 * Tasks land in awaiting_approval; approvers get one notification for the batch (merged while unread).
 */
export async function initializeDailyTasks(deps: AgentRunDeps, orgId: string, opts: { trigger?: RunTrigger; now?: Date } = {}): Promise<DailySummary> {
  const now = opts.now ?? new Date();
  const trigger = opts.trigger ?? 'daily';
  const rows = await listAgentRows(deps.db, orgId, now);
  const analyses = new Map<Marketplace, ChannelAnalysis>();
  const runs: RunOutcome[] = [];
  const due = (row: AgentRow) => row.enabled && (trigger === 'manual' || row.schedule === null);
  for (const row of rows) {
    if (row.agentId === 'marketplace-master' || !due(row)) continue;
    runs.push(await runAgent(deps, orgId, row.agentId as AgentId, { trigger, now, analyses }));
  }
  const master = rows.find((r) => r.agentId === 'marketplace-master');
  if (master && due(master)) runs.push(await runAgent(deps, orgId, 'marketplace-master', { trigger, now, analyses }));
  return {
    orgId,
    runs,
    tasksCreated: runs.reduce((s, r) => s + r.tasksCreated, 0),
    failed: runs.filter((r) => r.status === 'failed').length,
  };
}
