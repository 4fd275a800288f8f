import { and, asc, count, eq, gte, sql } from 'drizzle-orm';
import type { Permission } from '../../contracts/permissions.ts';
import { type PlanData, type PlanStatus, rawPlanDataSchema } from '../../contracts/plans.ts';
import type { Marketplace } from '../../contracts/tasks.ts';
import { type Db, selectRows } from '../../db/client.ts';
import type { Ctx } from '../../db/context.ts';
import { withTransaction } from '../../db/transaction.ts';
import { publishEvent } from '../../events/event-bus.ts';
import { isAppError } from '../../lib/errors.ts';
import { type LlmClient, loadPrompt } from '../../lib/llm/index.ts';
import type { Logger } from '../../lib/logger.ts';
import { createTask } from '../tasks/index.ts';
import { type ExtractedReport, extractReport, reportSummary, reportText } from './plan-files.ts';
import { normalizePlanData } from './plan-normalize.ts';
import { type ChannelFacts, rulesPlan } from './plan-rules.ts';
import { type PlanEnqueue, recordHistory, transition } from './plan-state.ts';
import { analysisPlans, analysisPlanTasks, jobQueueHistory } from './plans.tables.ts';

export interface PlanJobDeps {
  log: Logger;
  /** The configured model (NEXO_LLM_*); absent: the rules write every plan. */
  llm?: LlmClient;
}

export interface PlanJobRef {
  id: string;
  name: string;
  attempt: number;
  signal?: AbortSignal;
}

/** The versioned prompt (loaded once; its id `analysis-plan.v1` is recorded with the model's usage). */
const prompt = loadPrompt(new URL('./prompts/analysis-plan.v1.md', import.meta.url));

/** The org's synced data per channel: listings and stock of its stores on that platform, and 30 days of orders. */
export async function channelFacts(db: Db, orgId: string, channels: Marketplace[], now: Date): Promise<ChannelFacts[]> {
  const since = new Date(now.getTime() - 30 * 86_400_000).toISOString();
  const rows = await selectRows<{ platform: string; stores: number; listings: number; out_of_stock: number; orders: number; cancelled: number }>(
    db,
    sql`select s.platform,
          count(distinct s.id)::int as stores,
          (select count(*)::int from listings l join stores s2 on s2.id = l.store_id where l.org_id = ${orgId} and s2.platform = s.platform) as listings,
          (select count(*)::int from listings l join stores s2 on s2.id = l.store_id
             join inventory_levels il on il.store_id = l.store_id and il.variant_id = l.variant_id
             where l.org_id = ${orgId} and s2.platform = s.platform and il.available <= 0) as out_of_stock,
          (select count(*)::int from orders o join stores s2 on s2.id = o.store_id where o.org_id = ${orgId} and s2.platform = s.platform and o.channel_created_at >= ${since}) as orders,
          (select count(*)::int from orders o join stores s2 on s2.id = o.store_id where o.org_id = ${orgId} and s2.platform = s.platform and o.channel_created_at >= ${since} and o.cancelled) as cancelled
        from stores s
        where s.org_id = ${orgId} and s.platform in (${sql.join(
          channels.map((c) => sql`${c}`),
          sql`, `,
        )})
        group by s.platform`,
  );
  return rows.map((r) => ({
    channel: r.platform as Marketplace,
    stores: Number(r.stores),
    listings: Number(r.listings),
    outOfStockListings: Number(r.out_of_stock),
    orders30d: Number(r.orders),
    cancelled30d: Number(r.cancelled),
  }));
}

interface Written {
  data: PlanData;
  mode: 'rules' | 'llm';
  fallbackReason: string | null;
  usage: Record<string, unknown> | null;
  repairs: string[];
}

/** The model first when one is configured (seed 002 failure points C and F: its timeout or error falls back to the rules). */
async function writePlan(deps: PlanJobDeps, report: ExtractedReport, channels: Marketplace[], facts: ChannelFacts[], signal?: AbortSignal): Promise<Written> {
  let fallbackReason: string | null = null;
  let usage: Record<string, unknown> | null = null;
  if (deps.llm) {
    try {
      const result = await deps.llm.completeJson({
        prompt,
        input: { channels, report: reportSummary(report), text: reportText(report).slice(0, 30_000), synced: facts },
        schema: rawPlanDataSchema,
        ...(signal ? { signal } : {}),
      });
      usage = { ...result.usage, model: result.model, prompt: prompt.id };
      if (result.ok) {
        const normalized = normalizePlanData(result.value, channels);
        return { data: normalized.data, mode: 'llm', fallbackReason: null, usage, repairs: normalized.repairs };
      }
      fallbackReason = `${result.reason}: ${result.detail}`.slice(0, 500);
    } catch (error) {
      fallbackReason = `error: ${(error as Error).message}`.slice(0, 500);
    }
    deps.log.warn({ fallbackReason }, 'analysis plan: model failed, the rules write the plan');
  }
  const normalized = normalizePlanData(rulesPlan(report, channels, facts), channels);
  return { data: normalized.data, mode: 'rules', fallbackReason, usage, repairs: normalized.repairs };
}

/**
 * The `plans.analyze` job: uploaded -> analyzing -> ready (or failed when the file cannot be read). A replay
 * of a plan past analysis does nothing.
 */
export async function analyzePlan(
  db: Db,
  deps: PlanJobDeps,
  payload: { orgId: string; planId: string },
  job: PlanJobRef,
): Promise<{ status: PlanStatus | 'skipped' }> {
  const { orgId, planId } = payload;
  const now = () => new Date();
  const started = await withTransaction(db, async (tx) => {
    const from = await transition(tx, { orgId, planId, from: ['uploaded', 'analyzing'], to: 'analyzing', now: now(), job });
    if (from === null) return false;
    await tx
      .update(analysisPlans)
      .set({ analysisAttempts: sql`${analysisPlans.analysisAttempts} + 1` })
      .where(and(eq(analysisPlans.id, planId), eq(analysisPlans.orgId, orgId)));
    return true;
  });
  if (!started) return { status: 'skipped' };
  const [plan] = await db
    .select({ content: analysisPlans.content, fileType: analysisPlans.fileType, channels: analysisPlans.channels })
    .from(analysisPlans)
    .where(and(eq(analysisPlans.id, planId), eq(analysisPlans.orgId, orgId)));
  if (!plan) return { status: 'skipped' };
  const channels = plan.channels as Marketplace[];
  let report: ExtractedReport;
  try {
    report = await extractReport(plan.content, plan.fileType);
  } catch (error) {
    if (!isAppError(error)) throw error;
    await withTransaction(db, (tx) =>
      transition(tx, { orgId, planId, from: 'analyzing', to: 'failed', now: now(), job, reason: error.message, set: { failureReason: error.message } }),
    );
    return { status: 'failed' };
  }
  const facts = await channelFacts(db, orgId, channels, now());
  const written = await writePlan(deps, report, channels, facts, job.signal);
  await withTransaction(db, (tx) =>
    transition(tx, {
      orgId,
      planId,
      from: 'analyzing',
      to: 'ready',
      now: now(),
      job,
      set: {
        planData: written.data,
        mode: written.mode,
        fallbackReason: written.fallbackReason,
        usage: written.usage,
        report: reportSummary(report),
        extractedText: reportText(report),
        failureReason: null,
      },
      details: {
        mode: written.mode,
        ...(written.fallbackReason ? { fallbackReason: written.fallbackReason } : {}),
        ...(written.repairs.length > 0 ? { repairs: written.repairs } : {}),
        opportunities: written.data.opportunities.length,
      },
    }),
  );
  return { status: 'ready' };
}

/** Who Phase 1 tasks are created as: the master agent, through the same task service as an agent's own token. */
export const masterAgentCtx = (db: Db, orgId: string, log: Logger, now: Date): Ctx => ({
  orgId,
  actor: { type: 'token', tokenId: 'plans', label: 'Nexo (analysis plans)', kind: 'agent', agentId: 'marketplace-master', userId: null, role: null },
  permissions: new Set<Permission>(['tasks.create']),
  db,
  log,
  now,
  requestId: null,
  ip: null,
});

/** Phase 1 of a plan as task inputs (deterministic: the same plan always gives the same titles). */
export function phase1Tasks(plan: { planData: PlanData | null; channels: string[]; id: string; fileName: string }) {
  const channels = plan.channels as Marketplace[];
  const { data } = normalizePlanData(plan.planData, channels);
  const phase = data.phases.find((p) => p.number === 1) ?? data.phases[0];
  const seen = new Map<string, number>();
  return (phase?.tasks ?? []).map((text, index) => {
    const cut = text.indexOf(': ');
    let title = (cut >= 5 && cut <= 200 ? text.slice(0, cut) : text).slice(0, 200).trim();
    const opportunity = data.opportunities.find((o) => text.startsWith(`${o.title}:`) || text === o.title);
    const marketplace = opportunity?.channel ?? channels.find((c) => text.toLowerCase().includes(c)) ?? channels[0] ?? 'amazon';
    const n = (seen.get(`${marketplace}|${title.toLowerCase()}`) ?? 0) + 1;
    seen.set(`${marketplace}|${title.toLowerCase()}`, n);
    if (n > 1) title = `${title} (${n})`;
    return {
      index,
      input: {
        marketplace,
        title,
        description: [
          text,
          opportunity?.why ? `Why: ${opportunity.why}` : '',
          opportunity?.impact ? `Expected impact: ${opportunity.impact}` : '',
          `From analysis plan "${plan.fileName}", ${phase?.name ?? 'Phase 1'} (${phase?.weeks ?? ''}).`,
        ]
          .filter(Boolean)
          .join('\n')
          .slice(0, 5000),
        category: 'optimization' as const,
        priority: opportunity?.priority ?? ('high' as const),
        estimatedHours: 4,
        createdBy: 'marketplace-master',
        tags: ['analysis-plan', 'phase-1'],
        metadata: { planId: plan.id, phase: 1, index, source: 'analysis-plan', dedupe: `plan:${plan.id}:1:${index}` },
        submit: true,
      },
    };
  });
}

/** Failed attempts of a plan's task creation within this window open its breaker (seed 002 2.3.3: more than 3). */
const BREAKER_FAILURES = 4;
const BREAKER_WINDOW_MS = 10 * 60_000;

/**
 * The `plans.create-tasks` job: approved -> creating_tasks -> tasks_created. Idempotent per (plan, phase, index):
 * a task already recorded is skipped; one created by an attempt that died before recording it is found by the
 * task service's dedupe (same marketplace, creator and title) and recorded. Approving twice, a retry, a replay
 * or two workers at once end with each Phase 1 task created exactly once.
 */
export async function createPlanTasks(
  db: Db,
  deps: PlanJobDeps,
  payload: { orgId: string; planId: string },
  job: PlanJobRef,
): Promise<{ status: PlanStatus | 'skipped'; taskIds: string[] }> {
  const { orgId, planId } = payload;
  const entered = await withTransaction(db, (tx) =>
    transition(tx, { orgId, planId, from: ['approved', 'creating_tasks'], to: 'creating_tasks', now: new Date(), job }),
  );
  if (entered === null) return { status: 'skipped', taskIds: [] };
  const [{ n: failures } = { n: 0 }] = await db
    .select({ n: count() })
    .from(jobQueueHistory)
    .where(
      and(
        eq(jobQueueHistory.planId, planId),
        eq(jobQueueHistory.queueName, 'plans.create-tasks'),
        eq(jobQueueHistory.status, 'failed'),
        gte(jobQueueHistory.createdAt, new Date(Date.now() - BREAKER_WINDOW_MS)),
      ),
    );
  if (failures >= BREAKER_FAILURES) {
    const reason = `circuit breaker: Phase 1 task creation failed ${failures} times in 10 minutes`;
    await withTransaction(db, (tx) =>
      transition(tx, { orgId, planId, from: 'creating_tasks', to: 'failed', now: new Date(), job, reason, set: { failureReason: reason } }),
    );
    return { status: 'failed', taskIds: [] };
  }
  try {
    const [plan] = await db
      .select({ id: analysisPlans.id, planData: analysisPlans.planData, channels: analysisPlans.channels, fileName: analysisPlans.fileName })
      .from(analysisPlans)
      .where(and(eq(analysisPlans.id, planId), eq(analysisPlans.orgId, orgId)));
    if (!plan) return { status: 'skipped', taskIds: [] };
    const done = new Set(
      (
        await db
          .select({ idx: analysisPlanTasks.idx })
          .from(analysisPlanTasks)
          .where(and(eq(analysisPlanTasks.planId, planId), eq(analysisPlanTasks.phase, 1)))
      ).map((r) => r.idx),
    );
    for (const { index, input } of phase1Tasks(plan)) {
      if (done.has(index)) continue;
      const ctx = masterAgentCtx(db, orgId, deps.log, new Date());
      let taskId: string;
      try {
        taskId = (await createTask(ctx, input)).id;
      } catch (error) {
        const existing =
          isAppError(error) && error.code === 'CONFLICT' ? (error.details as { existingTaskId?: string } | undefined)?.existingTaskId : undefined;
        if (!existing) throw error;
        taskId = existing;
      }
      await db.insert(analysisPlanTasks).values({ planId, orgId, phase: 1, idx: index, taskId, createdAt: new Date() }).onConflictDoNothing();
    }
    return await withTransaction(db, async (tx) => {
      const links = await tx
        .select({ taskId: analysisPlanTasks.taskId })
        .from(analysisPlanTasks)
        .where(eq(analysisPlanTasks.planId, planId))
        .orderBy(asc(analysisPlanTasks.phase), asc(analysisPlanTasks.idx));
      const taskIds = [...new Set(links.map((l) => l.taskId))];
      const moved = await transition(tx, {
        orgId,
        planId,
        from: 'creating_tasks',
        to: 'tasks_created',
        now: new Date(),
        job,
        set: { taskIds },
        details: { tasks: taskIds.length },
      });
      if (moved !== null) await publishEvent(tx, orgId, 'plan.phase1.created', { planId, taskIds });
      return { status: 'tasks_created' as const, taskIds };
    });
  } catch (error) {
    await recordHistory(db, {
      orgId,
      planId,
      jobId: job.id,
      queueName: 'plans.create-tasks',
      status: 'failed',
      attempts: job.attempt,
      errorMessage: (error as Error).message,
      now: new Date(),
      completed: true,
    });
    await publishEvent(db, orgId, 'plan.phase1.failed', { planId, error: (error as Error).message, attempt: job.attempt });
    throw error;
  }
}

/** Marks a plan failed with its reason (the job's last attempt, or the watchdog giving up). */
export async function failPlan(db: Db, orgId: string, planId: string, reason: string, job?: PlanJobRef): Promise<boolean> {
  const from: PlanStatus[] = ['uploaded', 'analyzing', 'approved', 'creating_tasks'];
  const moved = await withTransaction(db, (tx) =>
    transition(tx, { orgId, planId, from, to: 'failed', now: new Date(), reason, set: { failureReason: reason.slice(0, 1000) }, ...(job ? { job } : {}) }),
  );
  return moved !== null;
}

/** For the watchdog: plans in a working state whose status has not changed since `before`, with whether a job is queued or running for them. */
export async function plansInFlight(db: Db, before: Date) {
  const rows = await selectRows<{ id: string; org_id: string; status: PlanStatus; status_changed_at: unknown; analysis_attempts: number; live: boolean }>(
    db,
    sql`select p.id, p.org_id, p.status, p.status_changed_at, p.analysis_attempts,
          exists (select 1 from pgboss.job j
                  where j.name = (case when p.status in ('uploaded', 'analyzing') then 'plans.analyze' else 'plans.create-tasks' end)
                    and j.state in ('created', 'retry', 'active')
                    and j.data -> 'payload' ->> 'planId' = p.id::text) as live
        from analysis_plans p
        where p.status in ('uploaded', 'analyzing', 'approved', 'creating_tasks') and p.status_changed_at < ${before.toISOString()}
        order by p.status_changed_at limit 500`,
  );
  return rows.map((r) => ({
    planId: r.id,
    orgId: r.org_id,
    status: r.status,
    statusChangedAt: r.status_changed_at instanceof Date ? r.status_changed_at : new Date(String(r.status_changed_at)),
    analysisAttempts: Number(r.analysis_attempts),
    live: Boolean(r.live),
  }));
}

/** Analyses re-run by the watchdog at most this many times in all before the plan fails with its reason. */
export const MAX_ANALYSIS_ATTEMPTS = 3;

/**
 * The watchdog's fix for a stuck plan: its job is re-enqueued (approved without Phase 1 tasks, or an analysis whose
 * job was lost); an analysis that already used its attempts, or hangs past its timeout, fails with the reason.
 */
export async function recoverPlan(
  db: Db,
  enqueue: PlanEnqueue,
  orgId: string,
  planId: string,
  opts: { analysisTimedOut?: boolean } = {},
): Promise<{ action: string }> {
  const [plan] = await db
    .select({ status: analysisPlans.status, attempts: analysisPlans.analysisAttempts })
    .from(analysisPlans)
    .where(and(eq(analysisPlans.id, planId), eq(analysisPlans.orgId, orgId)));
  if (!plan) return { action: 'none: plan gone' };
  const analyzing = plan.status === 'uploaded' || plan.status === 'analyzing';
  if (analyzing && (opts.analysisTimedOut || plan.attempts >= MAX_ANALYSIS_ATTEMPTS)) {
    const reason = opts.analysisTimedOut ? 'analysis timed out (watchdog)' : `analysis did not finish after ${plan.attempts} attempt(s) (watchdog)`;
    await failPlan(db, orgId, planId, reason);
    return { action: 'failed_plan' };
  }
  if (!analyzing && plan.status !== 'approved' && plan.status !== 'creating_tasks') return { action: `none: plan is ${plan.status}` };
  const name = analyzing ? 'plans.analyze' : 'plans.create-tasks';
  await withTransaction(db, async (tx) => {
    const jobId = await enqueue(tx, name, { orgId, planId });
    await recordHistory(tx, { orgId, planId, jobId, queueName: name, status: 'queued', now: new Date(), details: { by: 'watchdog' } });
  });
  return { action: `requeued_${name}` };
}
