import { and, asc, count, desc, eq, getTableColumns, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { AnalysisPlan, AnalysisPlanSummary, listPlansQuerySchema, PlanStatus, planDecisionRequestSchema } from '../../contracts/plans.ts';
import { type Marketplace, marketplaceSchema } from '../../contracts/tasks.ts';
import type { Ctx } from '../../db/context.ts';
import { withTransaction } from '../../db/transaction.ts';
import { publishEvent } from '../../events/event-bus.ts';
import { conflict, isAppError, notFound } from '../../lib/errors.ts';
import { uuidv7 } from '../../lib/ids.ts';
import { getTask } from '../tasks/index.ts';
import { recordAudit } from '../tenancy/index.ts';
import { detectFileType, extractReport, uploadError } from './plan-files.ts';
import { type PlanEnqueue, recordHistory, transition } from './plan-state.ts';
import { analysisPlans, analysisPlanTasks, jobQueueHistory } from './plans.tables.ts';

type PlanRow = typeof analysisPlans.$inferSelect;
/** Everything but the file and its text (up to 22 MB a row). */
const { content: _content, extractedText: _text, ...viewColumns } = getTableColumns(analysisPlans);

const iso = (d: Date | null) => (d ? d.toISOString() : null);

const actorLabel = (ctx: Ctx) => (ctx.actor.type === 'user' ? ctx.actor.userId : ctx.actor.type === 'token' ? `token:${ctx.actor.tokenId}` : ctx.actor.label);

export const toSummary = (row: Omit<PlanRow, 'content' | 'extractedText'>): AnalysisPlanSummary => ({
  id: row.id,
  status: row.status,
  channels: row.channels as Marketplace[],
  fileName: row.fileName,
  fileType: row.fileType,
  fileSize: row.fileSize,
  mode: row.mode ?? null,
  fallbackReason: row.fallbackReason,
  failureReason: row.failureReason,
  rejectionReason: row.rejectionReason,
  taskIds: row.taskIds,
  opportunities: row.planData?.opportunities.length ?? 0,
  createdBy: row.createdBy,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
  approvedAt: iso(row.approvedAt),
  version: row.version,
});

/** The multipart `channels` field(s): repeated, `channels[]`, or comma-separated; at least one marketplace. */
export function parseChannels(values: string[]): Marketplace[] {
  const all = [
    ...new Set(
      values
        .flatMap((v) => v.split(','))
        .map((v) => v.trim().toLowerCase())
        .filter(Boolean),
    ),
  ];
  const bad = all.filter((c) => !marketplaceSchema.safeParse(c).success);
  if (all.length === 0 || bad.length > 0)
    throw uploadError('invalid_channels', all.length === 0 ? 'Choose at least one channel (channels field)' : `Unknown channel(s): ${bad.join(', ')}`, {
      allowed: marketplaceSchema.options,
    });
  return all as Marketplace[];
}

export interface UploadInput {
  fileName: string;
  mimeType: string;
  content: Buffer;
  channels: Marketplace[];
}

/**
 * POST /api/marketplace/analysis/upload: validates the file in the request (type by content, size, empty,
 * readable), then creates the plan and enqueues its analysis in one transaction. A rejected file leaves no row.
 */
export async function uploadPlan(ctx: Ctx, enqueue: PlanEnqueue, input: UploadInput): Promise<{ planId: string; status: PlanStatus }> {
  const fileType = detectFileType(input.content, input.fileName, input.mimeType);
  // Reading it once here makes a corrupt or empty file a 400 instead of a failed plan; the job reads it again.
  await extractReport(input.content, fileType);
  const id = uuidv7(ctx.now.getTime());
  await withTransaction(ctx.db, async (tx) => {
    await tx.insert(analysisPlans).values({
      id,
      orgId: ctx.orgId,
      status: 'uploaded',
      channels: input.channels,
      fileName: input.fileName.slice(0, 255) || 'report',
      fileType,
      fileSize: input.content.length,
      content: input.content,
      createdBy: actorLabel(ctx),
      statusChangedAt: ctx.now,
      createdAt: ctx.now,
      updatedAt: ctx.now,
    });
    await recordHistory(tx, {
      orgId: ctx.orgId,
      planId: id,
      queueName: 'plan',
      status: 'uploaded',
      now: ctx.now,
      completed: true,
      details: { fileType, channels: input.channels },
    });
    await recordAudit(tx, ctx, {
      action: 'plan.uploaded',
      resourceType: 'analysis_plan',
      resourceId: id,
      after: { fileName: input.fileName, fileType, channels: input.channels },
    });
    const jobId = await enqueue(tx, 'plans.analyze', { orgId: ctx.orgId, planId: id });
    await recordHistory(tx, { orgId: ctx.orgId, planId: id, jobId, queueName: 'plans.analyze', status: 'queued', now: ctx.now });
    await publishEvent(tx, ctx.orgId, 'plan.updated', { planId: id, status: 'uploaded', from: null });
  });
  return { planId: id, status: 'uploaded' };
}

export async function listPlans(ctx: Ctx, query: z.output<typeof listPlansQuerySchema>) {
  const where = and(
    eq(analysisPlans.orgId, ctx.orgId),
    query.status ? eq(analysisPlans.status, query.status) : undefined,
    query.channel ? sql`${analysisPlans.channels} @> ${JSON.stringify([query.channel])}::jsonb` : undefined,
  );
  const [rows, [total]] = await Promise.all([
    ctx.db
      .select(viewColumns)
      .from(analysisPlans)
      .where(where)
      .orderBy(desc(analysisPlans.createdAt), desc(analysisPlans.id))
      .limit(query.limit)
      .offset(query.offset),
    ctx.db.select({ n: count() }).from(analysisPlans).where(where),
  ]);
  return { plans: rows.map(toSummary), total: total?.n ?? 0, limit: query.limit, offset: query.offset };
}

async function getPlanRow(ctx: Pick<Ctx, 'db' | 'orgId'>, id: string) {
  const [row] = await ctx.db
    .select(viewColumns)
    .from(analysisPlans)
    .where(and(eq(analysisPlans.id, id), eq(analysisPlans.orgId, ctx.orgId)));
  if (!row) throw notFound('Analysis plan');
  return row;
}

export async function getPlan(ctx: Ctx, id: string): Promise<AnalysisPlan> {
  const row = await getPlanRow(ctx, id);
  const [links, history] = await Promise.all([
    ctx.db.select().from(analysisPlanTasks).where(eq(analysisPlanTasks.planId, id)).orderBy(asc(analysisPlanTasks.phase), asc(analysisPlanTasks.idx)),
    ctx.db
      .select()
      .from(jobQueueHistory)
      .where(and(eq(jobQueueHistory.planId, id), eq(jobQueueHistory.orgId, ctx.orgId)))
      .orderBy(asc(jobQueueHistory.createdAt), asc(jobQueueHistory.id)),
  ]);
  const tasks: AnalysisPlan['tasks'] = [];
  for (const link of links) {
    try {
      const { task } = await getTask(ctx, link.taskId);
      tasks.push({ id: task.id, title: task.title, marketplace: task.marketplace, status: task.status, phase: link.phase, index: link.idx });
    } catch (error) {
      if (!(isAppError(error) && error.code === 'NOT_FOUND')) throw error;
    }
  }
  return {
    ...toSummary(row),
    planData: row.planData,
    usage: row.usage,
    report: row.report,
    tasks,
    history: history.map((h) => ({
      id: h.id,
      jobId: h.jobId,
      queueName: h.queueName,
      status: h.status,
      fromStatus: h.fromStatus,
      attempts: h.attempts,
      errorMessage: h.errorMessage,
      details: h.details,
      createdAt: h.createdAt.toISOString(),
      completedAt: iso(h.completedAt),
    })),
  };
}

/**
 * PATCH /api/marketplace/analysis/:id. Approve: ready -> approved and the Phase 1 job enqueued in the same
 * transaction; approving a plan already approved (or past it) answers its status again and enqueues nothing.
 * Reject: ready -> rejected with its reason.
 */
export async function decidePlan(
  ctx: Ctx,
  enqueue: PlanEnqueue,
  id: string,
  body: z.output<typeof planDecisionRequestSchema>,
): Promise<{ planId: string; status: PlanStatus; jobId: string | null }> {
  return withTransaction(ctx.db, async (tx) => {
    const [row] = await tx
      .select({ status: analysisPlans.status })
      .from(analysisPlans)
      .where(and(eq(analysisPlans.id, id), eq(analysisPlans.orgId, ctx.orgId)))
      .for('update');
    if (!row) throw notFound('Analysis plan');
    const already = body.action === 'approve' ? ['approved', 'creating_tasks', 'tasks_created'] : ['rejected'];
    if (already.includes(row.status)) return { planId: id, status: row.status, jobId: null };
    if (row.status !== 'ready')
      throw conflict(`Only a ready plan can be ${body.action === 'approve' ? 'approved' : 'rejected'} (this one is ${row.status})`, { status: row.status });
    const approve = body.action === 'approve';
    const to: PlanStatus = approve ? 'approved' : 'rejected';
    await transition(tx, {
      orgId: ctx.orgId,
      planId: id,
      from: 'ready',
      to,
      now: ctx.now,
      reason: body.reason ?? null,
      set: approve ? { approvedBy: actorLabel(ctx), approvedAt: ctx.now } : { rejectionReason: body.reason ?? null },
      details: { by: actorLabel(ctx) },
    });
    await recordAudit(tx, ctx, {
      action: approve ? 'plan.approved' : 'plan.rejected',
      resourceType: 'analysis_plan',
      resourceId: id,
      before: { status: 'ready' },
      after: { status: to, ...(body.reason ? { reason: body.reason } : {}) },
    });
    if (!approve) return { planId: id, status: to, jobId: null };
    const jobId = await enqueue(tx, 'plans.create-tasks', { orgId: ctx.orgId, planId: id });
    await recordHistory(tx, { orgId: ctx.orgId, planId: id, jobId, queueName: 'plans.create-tasks', status: 'queued', now: ctx.now });
    return { planId: id, status: to, jobId };
  });
}
