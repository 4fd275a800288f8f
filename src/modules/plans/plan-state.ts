import { and, eq, inArray, sql } from 'drizzle-orm';
import type { PlanStatus } from '../../contracts/plans.ts';
import type { DbOrTx, Tx } from '../../db/client.ts';
import { publishEvent } from '../../events/event-bus.ts';
import { uuidv7 } from '../../lib/ids.ts';
import { analysisPlans, jobQueueHistory } from './plans.tables.ts';

/** The plan state machine as data: status -> the statuses it may move to. */
export const planTransitions: Record<PlanStatus, readonly PlanStatus[]> = {
  uploaded: ['analyzing', 'failed'],
  analyzing: ['ready', 'failed'],
  ready: ['approved', 'rejected'],
  approved: ['creating_tasks', 'failed'],
  creating_tasks: ['tasks_created', 'failed'],
  tasks_created: [],
  rejected: [],
  failed: [],
};

/** Sends a plan's jobs: given by src/jobs or http (which own the queue), always inside the caller's transaction. */
export type PlanEnqueue = (tx: Tx, name: 'plans.analyze' | 'plans.create-tasks', payload: { orgId: string; planId: string }) => Promise<string>;

export interface HistoryInput {
  orgId: string;
  planId: string;
  jobId?: string;
  queueName: string;
  status: string;
  fromStatus?: string | null;
  attempts?: number | null;
  errorMessage?: string | null;
  details?: Record<string, unknown>;
  now: Date;
  completed?: boolean;
}

export async function recordHistory(db: DbOrTx, h: HistoryInput): Promise<void> {
  await db.insert(jobQueueHistory).values({
    id: uuidv7(h.now.getTime()),
    orgId: h.orgId,
    planId: h.planId,
    jobId: h.jobId ?? '-',
    status: h.status,
    fromStatus: h.fromStatus ?? null,
    queueName: h.queueName,
    attempts: h.attempts ?? null,
    errorMessage: h.errorMessage?.slice(0, 2000) ?? null,
    details: h.details ?? {},
    createdAt: h.now,
    completedAt: h.completed ? h.now : null,
  });
}

export interface TransitionInput {
  orgId: string;
  planId: string;
  from: PlanStatus | readonly PlanStatus[];
  to: PlanStatus;
  now: Date;
  set?: Partial<typeof analysisPlans.$inferInsert>;
  /** The job (run id and type) that made the change; absent for a request. */
  job?: { id: string; name: string; attempt: number };
  reason?: string | null;
  details?: Record<string, unknown>;
}

/**
 * A guarded UPDATE (`WHERE status IN from`): a race or a replay cannot skip a state. On success the change is
 * in the plan's history and on the SSE stream (`plan.updated`), all in the caller's transaction. Returns the
 * status it left, or null when the plan was not in an expected status.
 */
export async function transition(tx: DbOrTx, t: TransitionInput): Promise<PlanStatus | null> {
  const from = (typeof t.from === 'string' ? [t.from] : [...t.from]).filter((f) => f === t.to || planTransitions[f].includes(t.to));
  if (from.length === 0) return null;
  const [before] = await tx
    .select({ status: analysisPlans.status })
    .from(analysisPlans)
    .where(and(eq(analysisPlans.id, t.planId), eq(analysisPlans.orgId, t.orgId), inArray(analysisPlans.status, from)))
    .for('update');
  if (!before) return null;
  await tx
    .update(analysisPlans)
    .set({ ...t.set, status: t.to, statusChangedAt: t.now, updatedAt: t.now, version: sql`${analysisPlans.version} + 1` })
    .where(and(eq(analysisPlans.id, t.planId), eq(analysisPlans.orgId, t.orgId), eq(analysisPlans.status, before.status)));
  if (before.status !== t.to) {
    await recordHistory(tx, {
      orgId: t.orgId,
      planId: t.planId,
      jobId: t.job?.id ?? '-',
      queueName: t.job?.name ?? 'plan',
      status: t.to,
      fromStatus: before.status,
      attempts: t.job?.attempt ?? null,
      errorMessage: t.reason ?? null,
      details: t.details ?? {},
      now: t.now,
      completed: true,
    });
    await publishEvent(tx, t.orgId, 'plan.updated', { planId: t.planId, status: t.to, from: before.status, ...(t.reason ? { reason: t.reason } : {}) });
  }
  return before.status;
}
